"""Messages that send an operator to a README section name one that exists (a Chinese title the
README does not have sent them looking in vain)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_readme_section_a_message_names_is_a_heading_of_the_readme():
    headings = {line.lstrip("#").strip() for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("#")}
    named = set()
    for path in [*(ROOT / "portal").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"]:
        named.update(re.findall(r"README ?的?“([^”]+)”", path.read_text(encoding="utf-8")))
    assert named, "no message names a README section: the pattern is out of date"
    assert named <= headings, sorted(named - headings)
