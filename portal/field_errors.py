"""Validation errors as values: a field name and a plain-Chinese message for the page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A problem with one field: `field` names the input, `message` says what to do, in Chinese."""

    field: str
    message: str


class ValidationFailed(Exception):
    """Raised by a service with every problem found, so a page can list them all at once."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    def for_field(self, name: str) -> list[str]:
        return [e.message for e in self.errors if e.field == name]
