"""The pre-filing form on a 375-px phone: keyboard-reachable consent, error summary, no sideways scroll."""

from tests.browser.conftest import assert_fits_phone, wait_for_app


def test_prefile_on_a_phone_by_keyboard(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/prefile")
    wait_for_app(phone, "须知与授权")
    box = phone.get_by_label("我已阅读以上须知，同意按上述方式处理我的个人信息")
    box.focus()
    phone.keyboard.press("Space")
    phone.get_by_role("button", name="继续").click()
    wait_for_app(phone, "第 2 步，共 5 步")
    phone.get_by_role("button", name="继续").click()
    try:
        wait_for_app(phone, "处需要修改", timeout=30_000)
    finally:
        phone.screenshot(path=str(artifacts / "prefile-step2-phone.png"), full_page=True)
    assert phone.locator(".field-error").count() >= 4
    phone.screenshot(path=str(artifacts / "prefile-errors-phone.png"), full_page=True)
    assert_fits_phone(phone)


def test_lookup_on_a_phone(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/lookup")
    wait_for_app(phone, "进度查询")
    phone.get_by_label("查询码（10位，可以带横线）").fill("ABCD-EFGH-JK")
    phone.get_by_label("查询密码（8位）").fill("23456789")
    phone.get_by_role("button", name="查询").click()
    wait_for_app(phone, "查询码或查询密码不正确")
    phone.screenshot(path=str(artifacts / "lookup-wrong-phone.png"), full_page=True)
    assert_fits_phone(phone)
