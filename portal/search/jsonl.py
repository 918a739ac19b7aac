"""JSON-lines input of the evaluation CLI (queries and corpora), with file:line in every error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def read_jsonl(path: Path, *, what: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; a line that is not a JSON object raises
    ValueError naming the file, the line and `what` was expected."""
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not {what} ({exc})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{lineno}: not {what} (not a JSON object)")
            yield lineno, row
