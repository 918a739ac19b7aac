"""What a citizen shares (r48b #6, #8): the address 复制链接 copies and 法律问答's 本条网址 is ASCII,
leaves out the sender's 大字号 / 高对比度, and opens the same article for whoever receives it."""

from urllib.parse import quote

from tests.browser.conftest import wait_for_app

ROOT_SIZE = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"


def opened_elsewhere(browser, address: str) -> tuple[str, float]:
    """The article heading and root font size of `address` opened by someone else (a new browser
    context: no cookies, no session, their own choice of text size)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        pg = context.new_page()
        pg.goto(address)
        heading = pg.locator(".law-article-title")
        heading.wait_for(state="visible", timeout=60_000)
        wait_for_app(pg, "本条网址")
        return heading.inner_text().strip(), pg.evaluate(ROOT_SIZE)
    finally:
        context.close()


def test_the_copied_address_opens_the_same_article_for_the_receiver(portal_url, page, browser, library):
    """复制链接 on 刑法 第二百七十六条之一, read in 大字号 + 高对比度: the clipboard holds an ASCII address
    (article=276-1) without a11y, and a fresh browser opens that article at the ordinary size."""
    article = library.provision("xingfa-2023:第二百七十六条之一")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal_url)
    page.goto(f"{portal_url}/laws?law=xingfa-2023&article={quote(article.label)}&a11y=large,contrast")
    wait_for_app(page, article.body[:20])
    page.get_by_role("button", name="复制链接").click()
    page.locator(".copy-status", has_text="已复制").wait_for(timeout=30_000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{portal_url}/laws?law=xingfa-2023&article=276-1", copied
    assert opened_elsewhere(browser, copied) == ("第二百七十六条之一", 16)


def test_ask_share_link_is_the_plain_address_and_followed_here_keeps_large_text(portal_url, page, browser):
    """本条网址（可复制分享） under an answer: its address (what "copy link" takes) is ASCII without
    a11y and opens that article elsewhere; clicked by the reader, the article opens in 大字号 still."""
    page.goto(f"{portal_url}/ask?q={quote('申请劳动仲裁要不要交费？')}&a11y=large")
    wait_for_app(page, "相关法律条文")
    link = page.locator("a.share-link").first
    href = link.get_attribute("href")
    assert href.isascii() and "a11y" not in href and "&article=" in href, href
    label = page.locator(".ask-title").first.inner_text().split("》")[-1]
    assert opened_elsewhere(browser, f"{portal_url}{href}") == (label, 16)
    link.click()
    page.wait_for_url("**/laws?**")
    heading = page.locator(".law-article-title")
    heading.wait_for(state="visible", timeout=60_000)
    wait_for_app(page, "本条网址")
    assert heading.inner_text().strip() == label
    assert "a11y=large" in page.url and page.evaluate(ROOT_SIZE) == 20
    assert page.get_by_role("switch", name="大字号").is_checked()
