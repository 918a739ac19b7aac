"""The focus rings the portal draws in place of the browser's own (ui.accessibility.CHOICE_CSS)."""

from __future__ import annotations

import re

from ui.accessibility import CHOICE_CSS


def test_a_browsers_own_ring_is_removed_only_where_the_replacement_is_drawn():
    """The replacement rings need :has(...). A rule removing a box's own ring without it (the text
    area's, r49 P4) left a browser without :has (Firefox ESR 115) with no focus ring at all: under
    the same :has, that browser drops the whole rule and keeps its own."""
    css = re.sub(r"/\*.*?\*/", "", CHOICE_CSS, flags=re.S)
    removing = [(selectors.strip(), body) for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
                if re.search(r"outline\s*:\s*(none|0)\b", body)]
    assert removing, "the text area's own ring is removed somewhere"
    for selectors, _ in removing:
        for selector in selectors.split(","):
            assert ":has(" in selector, selector
