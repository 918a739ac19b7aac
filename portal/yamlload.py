"""YAML for the shipped content, parsed by libyaml when PyYAML was built with it.

`yaml.safe_load` uses the pure-Python scanner and parser; `yaml.CSafeLoader` builds the same
Python objects with the same safe constructors (dates, strings, lists, mappings) 10–17× faster,
which matters at start-up (41 law files' front matter, the catalogue, the cases). Without libyaml
the pure-Python `SafeLoader` is used: same results, only slower."""

from __future__ import annotations

from typing import Any

import yaml

try:
    Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # PyYAML without libyaml
    Loader = yaml.SafeLoader

YAMLError = yaml.YAMLError


def safe_load(text: str) -> Any:
    """Like `yaml.safe_load(text)`, with libyaml when available."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 — a safe loader


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers: `node.start_mark.line`) and the data, from one parse."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()
