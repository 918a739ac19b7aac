"""Chinese numerals as citizens type them: 十 with no digit before it is one ten, also after 百 or
千 (一百十 is 110, as in 第一百十条; it was read as 100, so the jump box opened the wrong article)."""

from __future__ import annotations

import pytest

from portal.laws.numerals import cn_to_int


@pytest.mark.parametrize(("text", "value"), [
    ("十", 10), ("十五", 15), ("二十", 20), ("一百一十", 110), ("一百十", 110), ("二百十五", 215),
    ("一千零十", 1010), ("一千零一十", 1010), ("一千零七十七", 1077), ("两百", 200), ("三百零五", 305),
])
def test_numerals_as_typed(text, value):
    assert cn_to_int(text) == value
