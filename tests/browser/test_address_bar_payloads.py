"""In a real browser: Markdown and HTML typed into the address bar stay words — no link, no
image, no styled text, no request to the payload's site."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser.conftest import settle, wait_for_main

MARK = "恶意加粗"
PHISH = "[【重要通知】信访补偿金领取入口，点此登记](https://evil.example/phish)"
PAYLOAD = "\n\n".join([PHISH, "![x](https://evil.example/x.png)", f"<b>{MARK}</b>", f"**{MARK}**",
                       "详情见 https://evil.example/bare", f"<img src=https://evil.example/i.png>:red[{MARK}]"])
LAW = "xinfang-gongzuo-tiaoli-2022"
ADDRESSES = [
    ("laws", {"law": LAW, "article": PAYLOAD}, "点此登记"),
    ("laws", {"law": PAYLOAD}, "没有找到这部法规"),
    ("cases", {"case": PAYLOAD}, "没有找到这个案例"),
    ("cases", {"law": PAYLOAD}, "按类别查看"),
    ("ask", {"q": PAYLOAD}, "法律问答"),
    ("lookup", {"code": PHISH}, "进度查询"),
    ("prefile", {"draft": PAYLOAD}, "网上信访预登记"),
]


@pytest.mark.parametrize(("path", "query", "shown"), ADDRESSES, ids=[f"{p}-{'-'.join(q)}" for p, q, _ in ADDRESSES])
def test_address_bar_payloads_stay_words(portal_url, page, artifacts, path, query, shown):
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if (urlsplit(r.url).hostname or "").endswith("evil.example")
            else None)
    page.goto(f"{portal_url}/{path}?{urlencode(query)}")
    wait_for_main(page, shown)
    settle(page, 500)                   # the page's scripts have run: nothing they did may reach out
    name = f"address-payload-{path}-{'-'.join(query)}.png"
    page.screenshot(path=str(artifacts / name), full_page=True)
    app = page.get_by_test_id("stMain")
    assert app.locator('a[href*="evil.example"]').count() == 0
    assert app.locator('img[src*="evil.example"]').count() == 0
    assert app.locator("b, strong, em, i, h1, h2, h3, h4, h5, h6, code, span[style]").filter(
        has_text=MARK).count() == 0
    assert outside == []
