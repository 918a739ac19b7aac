"""A citizen asks a question on a phone (375 px) in a real browser."""

from urllib.parse import quote

from tests.browser.conftest import assert_fits_phone, wait_for_app


def test_question_on_a_phone_shows_articles_without_sideways_scrolling(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/ask?q={quote('申请劳动仲裁要不要交费？')}")
    wait_for_app(phone, "相关法律条文")
    phone.locator(".ask-card").nth(2).wait_for(state="visible", timeout=30_000)  # at least three articles
    assert phone.locator(".ask-card mark").count() >= 1
    assert phone.get_by_text("第五十三条").first.is_visible()
    phone.screenshot(path=str(artifacts / "ask-phone.png"), full_page=True)
    assert_fits_phone(phone)


def test_html_in_the_question_is_not_executed(portal_url, page):
    page.goto(f"{portal_url}/ask?q={quote('<img src=x onerror=window.__pwned=1>信访事项复查')}")
    wait_for_app(page, "相关法律条文")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("img[src=x]").count() == 0
