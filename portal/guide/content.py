"""GuideSection (指南章节): one Markdown file of content/guide/, with its provision references.

In the Markdown, `[[<provision id>]]` stands for a link to that article, and `{{days:<rule key>}}`
/ `{{ext:<rule key>}}` for the length / extension of a statutory period, taken from
portal.clock.RULES so that the guide never re-types a deadline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from portal import clock
from portal.yamlload import safe_load

PROVISION_REF = re.compile(r"\[\[([a-z0-9-]+:[^\]\s]+)\]\]")
CLOCK_REF = re.compile(r"\{\{(days|ext):([a-z_]+)\}\}")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)


class GuideFormatError(ValueError):
    """A guide file without front matter or with an unknown clock rule."""


@dataclass(frozen=True)
class GuideSection:
    slug: str
    title: str
    body: str
    show_timeline: bool

    @property
    def provision_ids(self) -> list[str]:
        """Every provision the section links to, in order of first mention."""
        return list(dict.fromkeys(PROVISION_REF.findall(self.body)))

    def render(self, link: Callable[[str], str]) -> str:
        """Markdown with each `[[id]]` replaced by `link(id)` and each clock token by its number."""
        return PROVISION_REF.sub(lambda m: link(m.group(1)), fill_clock(self.body))


def fill_clock(text: str) -> str:
    rules = {rule.key: rule for rule in clock.RULES}

    def number(match: re.Match) -> str:
        kind, key = match.groups()
        if key not in rules:
            raise GuideFormatError(f"unknown statutory period {key!r} in the guide")
        rule = rules[key]
        return str(rule.days if kind == "days" else rule.extension_days)

    return CLOCK_REF.sub(number, text)


def parse_section(path: Path) -> GuideSection:
    match = _FRONT.match(path.read_text(encoding="utf-8"))
    if not match:
        raise GuideFormatError(f"{path.name}: no front matter")
    meta = safe_load(match.group(1)) or {}
    if not meta.get("title"):
        raise GuideFormatError(f"{path.name}: no title")
    return GuideSection(slug=path.stem.split("-", 1)[-1], title=str(meta["title"]),
                        body=match.group(2).strip(), show_timeline=bool(meta.get("timeline", False)))


def guide_files(directory: Path) -> list[Path]:
    """The guide's section files in file-name order (numbered 01-…, 02-…); none without the folder."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.md") if p.stem.upper() != "README")


def load_guide(directory: Path) -> list[GuideSection]:
    """The guide's sections in file-name order."""
    return [parse_section(p) for p in guide_files(directory)]
