"""The pre-filing form on a 375-px phone: keyboard-reachable consent, error summary, no sideways scroll."""

import re
import uuid

import pytest

from tests.browser.conftest import after_rerun, assert_fits_phone, settle, wait_for_app

LINKED = """() => { const errors = [...document.querySelectorAll('p.field-error')];
    return errors.length > 0 && errors.every(e => { const f = document.querySelector(`[aria-describedby~="${e.id}"]`);
        return f && f.getAttribute('aria-invalid') === 'true'; }); }"""


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
    # each error is tied to its field: a screen reader reaching the field hears that it is wrong, and why
    phone.wait_for_function(LINKED)
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



def test_a_refused_filing_says_how_to_go_on_on_a_phone(portal_url, phone, artifacts):
    """不予登记 on a phone: under the reason and the channel, 下一步怎么办 with that channel's advice,
    on the screen's width."""
    from sqlmodel import Session

    from portal.identity import Actor
    from portal.prefiling import staff
    from portal.roles import HANDLER
    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
        staff.reject(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                     reason="属于劳动争议，应当通过劳动仲裁解决", channel="劳动争议仲裁")
    phone.goto(f"{portal_url}/lookup?code={made.code}")
    wait_for_app(phone, "进度查询")
    phone.get_by_label("查询密码（8位）").fill(made.secret)
    phone.get_by_role("button", name="查询").click()
    wait_for_app(phone, "当前状态：不予登记")
    box = phone.locator("section.next-steps")
    box.wait_for(timeout=10_000)
    said = box.inner_text()
    assert "下一步怎么办" in said and "直接向有关机关或者机构提出" in said and "仲裁时效一般为一年" in said
    box.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "lookup-refused-phone.png"))
    assert_fits_phone(phone)

def _fill_to_review(pg, portal_url: str) -> None:
    """Through steps 1–4 with valid answers (a long address and long facts) to 核对."""
    from tests.prefiling.factories import valid_id

    pg.goto(f"{portal_url}/prefile")
    wait_for_app(pg, "须知与授权")
    pg.get_by_text("我已阅读以上须知，同意按上述方式处理我的个人信息", exact=True).click()
    for fill, expect in (
        (lambda: None, "第 2 步，共 5 步"),
        (lambda: (pg.get_by_label("姓名").fill("张秀兰"), pg.get_by_label("身份证号码").fill(valid_id()),
                  pg.get_by_label("联系电话（手机或固定电话）").fill("13812345678"),
                  pg.get_by_label("住址").fill("历下区文化东路1号院3号楼2单元501室，靠近菜市场的那栋")),
         "第 3 步，共 5 步"),
        (lambda: (pg.get_by_label("问题属地（区、县、市）").fill("历下区"),
                  pg.get_by_text("申诉求决", exact=True).click(),
                  pg.get_by_role("textbox", name="事实与理由").fill("公司拖欠工资半年，多次讨要未果。" * 4),
                  pg.get_by_role("textbox", name="诉求").fill("请求督促公司支付拖欠的工资。")),
         "第 4 步，共 5 步"),
        (lambda: pg.get_by_text("否", exact=True).click(), "核对您填写的内容"),
    ):
        fill()
        pg.get_by_role("button", name="继续").click()
        wait_for_app(pg, expect)


# each 修改 button: its right edge, and its top below the top of its row
_CHANGE_BUTTONS = """() => [...document.querySelectorAll('.st-key-pf-answers button')].map(b => {
  const r = b.getBoundingClientRect(), row = b.closest('[class*="st-key-pf-answer-"]').getBoundingClientRect();
  return [b.innerText, Math.round(r.right), Math.round(r.top - row.top)]; })"""


_BLANK_UNDER_FOOTER = """() => {
  const main = document.querySelector('[data-testid="stMain"]'), foot = document.querySelector('.site-footer');
  return main.scrollHeight - (foot.getBoundingClientRect().bottom - main.getBoundingClientRect().top + main.scrollTop); }"""


@pytest.mark.parametrize("device", ["phone", "page"])
def test_review_change_buttons_line_up(portal_url, device, request, artifacts):
    """核对: every 修改 sits at the same place in its row — the right edge, on the row's first
    line — whatever the length of the answer before it (it used to follow the answer's end, or drop
    to a line of its own under a long one)."""
    pg = request.getfixturevalue(device)
    _fill_to_review(pg, portal_url)
    pg.locator(".st-key-pf-answers button").nth(11).wait_for(state="visible", timeout=30_000)
    buttons = pg.evaluate(_CHANGE_BUTTONS)
    pg.screenshot(path=str(artifacts / f"prefile-review-{device}.png"), full_page=True)
    assert len(buttons) >= 12
    rights = {right for _, right, _ in buttons}
    tops = {top for _, _, top in buttons}
    assert max(rights) - min(rights) <= 1, buttons
    assert max(tops) - min(tops) <= 1, buttons
    if device == "phone":
        assert_fits_phone(pg, "核对")
    # the page ends with the footer, not with a blank band under it
    assert pg.evaluate(_BLANK_UNDER_FOOTER) <= 40


def test_review_change_buttons_stay_one_line_at_320_px_with_large_text(portal_url, small_phone, artifacts):
    """At 320 px in 大字号 each 修改 is one short line at the row's right edge; the field it changes
    is in its accessible name (修改 身份证号码), not in its visible text, which wrapped and centred."""
    pg = small_phone
    _fill_to_review(pg, portal_url)
    pg.goto(pg.url + "&a11y=large")                  # the draft in the address brings 核对 back
    wait_for_app(pg, "核对您填写的内容")
    pg.get_by_role("button", name="修改 身份证号码").wait_for(state="visible", timeout=30_000)
    # every answer's row drawn before measuring (a fresh-clone run under load read 8 of them)
    pg.wait_for_function("() => document.querySelectorAll('.st-key-pf-answers button').length >= 12",
                         timeout=30_000)
    heights = pg.evaluate("""() => [...document.querySelectorAll('.st-key-pf-answers button')].map(b =>
        [b.getBoundingClientRect().height, parseFloat(getComputedStyle(b.querySelector('p')).lineHeight)])""")
    buttons = pg.evaluate(_CHANGE_BUTTONS)
    settle(pg, 800)                                   # after the new page's scroll to its top
    pg.locator(".st-key-pf-answer-1").scroll_into_view_if_needed()
    pg.screenshot(path=str(artifacts / "prefile-review-320-large.png"))
    hidden = pg.evaluate("""() => [...document.querySelectorAll('.st-key-pf-answers button em')].map(e =>
        e.getBoundingClientRect().width)""")
    assert len(buttons) >= 12 and len(hidden) == len(buttons) and max(hidden) <= 1, hidden
    assert all(height < 2 * line for height, line in heights), heights
    assert max(right for _, right, _ in buttons) - min(right for _, right, _ in buttons) <= 1, buttons
    assert pg.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize(("button", "label", "new"), [
    ("修改 事实与理由", "事实与理由", "公司自2026年3月起拖欠工资，多次讨要未果，劳动监察投诉后仍未支付。"),
    ("修改 联系电话", "联系电话（手机或固定电话）", "13987654321"),
])
def test_a_change_from_review_opens_at_the_answer_with_its_box_focused(portal_url, phone, artifacts, button, label,
                                                                       new):
    """核对 → 修改: the step opens with that answer's box in view and focused, not at the step's top
    (事实与理由 is a screen below it on a phone), and 继续 leads back to 核对."""
    _fill_to_review(phone, portal_url)
    phone.get_by_role("button", name=button).click()
    box = phone.get_by_role("textbox", name=label)
    box.wait_for(state="visible", timeout=30_000)
    phone.wait_for_function("el => el === document.activeElement", arg=box.element_handle(), timeout=10_000)
    settle(phone)                 # after the last scroll (the field's script tries again 500 ms on)
    top = box.evaluate("el => el.getBoundingClientRect().top")
    phone.screenshot(path=str(artifacts / f"prefile-change-{label[:4]}-phone.png"))
    assert 60 <= top <= phone.viewport_size["height"] - 80, top
    box.fill(new)
    phone.get_by_role("button", name="继续").click()
    wait_for_app(phone, "核对您填写的内容")
    wait_for_app(phone, new)


def test_the_receipt_panel_stays_white_on_green_in_high_contrast(portal_url, phone, artifacts):
    """高对比度 draws text black; on the receipt's dark green panel that made the one-time 查询码 and
    查询密码 black on green (3.2:1). They stay white there (6.9:1)."""
    _fill_to_review(phone, portal_url)
    phone.goto(phone.url + "&a11y=contrast")          # the draft in the address brings 核对 back
    wait_for_app(phone, "核对您填写的内容")
    # each 修改 is framed in black, its word clear of the frame (it touched it)
    change = phone.locator(".st-key-pf-answers button").first
    change.scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(artifacts / "prefile-check-contrast-phone.png"))
    inset = change.evaluate("b => { const r = b.getBoundingClientRect(), t = b.querySelector('p').getBoundingClientRect();"
                            " return Math.min(t.left - r.left, r.right - t.right); }")
    assert inset >= 8, inset
    phone.get_by_role("button", name="确认提交").click()
    wait_for_app(phone, "查询密码只显示这一次")
    colours = phone.locator("#confirm-panel").evaluate(
        "p => [...p.querySelectorAll('*')].filter(e => e.innerText && e.innerText.trim()).map(e => getComputedStyle(e).color)")
    phone.screenshot(path=str(artifacts / "prefile-receipt-contrast-phone.png"))
    assert colours and set(colours) == {"rgb(255, 255, 255)"}, colours


def test_after_submitting_the_focus_is_on_the_panel_with_the_codes(portal_url, phone):
    """确认提交 is gone once the 件 is filed, and the focus fell to the page's body: a screen reader
    user heard nothing and started again from the header. The panel (预登记已提交, 查询码, the
    once-only 查询密码) takes the focus, so it is what is read first."""
    _fill_to_review(phone, portal_url)
    phone.get_by_role("button", name="确认提交").click()
    wait_for_app(phone, "查询密码只显示这一次")
    phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'confirm-panel'",
                            timeout=10_000)
    read = phone.evaluate("document.activeElement.innerText")
    assert read.startswith("预登记已提交") and "查询码" in read and "查询密码" in read


def _fill_to_matter(pg, portal_url: str) -> None:
    """Through 须知与授权 and 信访人 (a draft is saved) to step 3."""
    from tests.prefiling.factories import valid_id

    pg.goto(f"{portal_url}/prefile")
    wait_for_app(pg, "须知与授权")
    pg.get_by_text("我已阅读以上须知，同意按上述方式处理我的个人信息", exact=True).click()
    pg.get_by_role("button", name="继续").click()
    wait_for_app(pg, "第 2 步，共 5 步")
    pg.get_by_label("姓名").fill("张秀兰")
    pg.get_by_label("身份证号码").fill(valid_id())
    pg.get_by_label("联系电话（手机或固定电话）").fill("13812345678")
    pg.get_by_label("住址").fill("历下区文化东路1号")
    pg.get_by_role("button", name="继续").click()
    wait_for_app(pg, "第 3 步，共 5 步")


def _draft_kept(pg) -> str:
    """The draft's code once the tab has kept it in its sessionStorage (a script does, after the run)."""
    pg.wait_for_function("() => !!sessionStorage.getItem('pf-draft')", timeout=20_000)
    return pg.evaluate("sessionStorage.getItem('pf-draft')")


def test_a_file_the_browser_refuses_says_why_in_chinese_under_it(portal_url, phone, artifacts, tmp_path):
    """A .txt (or a .docx, or a photo over 5 MB) in 附件: the reason is written under the file in
    Chinese. It showed only a red (!) and hid an English "Error: text/plain files are not allowed."
    (for screen readers only), and 继续 then went on without the file and without a word."""
    _fill_to_matter(phone, portal_url)
    note = tmp_path / "说明.txt"
    note.write_text("工资条见附件", encoding="utf-8")
    phone.locator('input[type="file"]').set_input_files(str(note))
    reason = phone.locator('[data-testid="stFileChip"][aria-invalid="true"] [role="alert"]')
    reason.wait_for(state="visible", timeout=20_000)
    phone.wait_for_function("""() => document.querySelector('[data-testid="stFileChip"] [role="alert"]')
        .textContent.includes('不能上传这种文件')""", timeout=10_000)
    reason.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "prefile-refused-file-phone.png"))
    box = reason.bounding_box()
    assert box["width"] > 100 and box["height"] > 10, box     # seen, not a clipped 1-px box
    assert "Error" not in reason.inner_text() and "请点文件名右边的叉号（删除）" in reason.inner_text()
    assert "text/plain" not in reason.inner_text() and "只能上传 JPG、PNG 图片或 PDF" in reason.inner_text()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_REFUSED = """() => [...document.querySelectorAll('[data-testid="stFileChip"]')].map(c => {
    const a = c.querySelector('[role="alert"]'), r = a ? a.getBoundingClientRect() : null;
    return [c.querySelector('[data-testid="stFileChipName"]').textContent, a ? a.textContent : null,
            r ? Math.round(r.right) : null]; })"""


def test_a_word_file_is_refused_in_chinese_with_what_to_do_instead_on_a_phone(portal_url, phone, artifacts):
    """A letter typed in Word, in 附件 on a 375-px phone: the reason under it is Chinese and says what to
    do. The long Office type name put the English "application/vnd.openxmlformats-…document files
    are not allowed." past the site's 60-character cap for framework words, and past the chip's edge.
    Tabbing to the file's 删除 button says why too."""
    from playwright.sync_api import expect

    _fill_to_matter(phone, portal_url)
    phone.locator('input[type="file"]').set_input_files(
        [{"name": "合同.docx", "mimeType": DOCX, "buffer": b"PK\x03\x04" + b"\0" * 200}])
    reason = phone.locator('[data-testid="stFileChip"][aria-invalid="true"] [role="alert"]')
    reason.wait_for(state="visible", timeout=20_000)
    # "Error: " and the reason are put in at once: the reason is as the site leaves it once "错误：" is there
    phone.wait_for_function(f"() => ({_REFUSED})().every(([, why]) => why && why.startsWith('错误：'))", timeout=10_000)
    reason.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "prefile-refused-word-phone.png"))
    [(name, why, right)] = phone.evaluate(_REFUSED)
    assert why == "错误：不能上传 Word 文件。请另存为 PDF，或拍照后上传图片（JPG、PNG）。请点文件名右边的叉号（删除）。", why
    assert right <= 375, right     # the whole reason on the screen
    # and said on reaching the file's 删除 button by Tab: Streamlit ties it only to the chip, which
    # cannot take the focus
    remove = phone.locator('[data-testid="stFileChipDeleteBtn"] button')
    expect(remove).to_have_accessible_name("删除 合同.docx")
    expect(remove).to_have_accessible_description(why)
    shown = phone.get_by_test_id("stMain").inner_text()
    assert "not allowed" not in shown and "openxmlformats" not in shown
    # beside the uploader, before any file is chosen: what to do with a Word file
    assert "Word、Excel 文件请另存为 PDF，或拍照后上传。" in shown
    assert_fits_phone(phone)


@pytest.mark.parametrize(("name", "mime"), [("信访材料.docx", DOCX), ("照片.jpg", "image/jpeg")])
def test_a_file_chosen_by_keyboard_leaves_the_focus_on_its_chip(portal_url, phone, name, mime):
    """Tab to 选择文件, Space, pick a file (one refused, one taken): 选择文件 gives way to the file's
    chip and 添加文件, and the focus fell to the page's body for 4 s and more (the frame put it back
    only on a button with the same words); the next Tab went to the hidden file input. It is on the
    new file's 删除 button, which says the file's name (and why it is refused), and Tab goes on to
    添加文件. 删除 pressed, the focus is on 选择文件 again."""
    from playwright.sync_api import expect

    from tests.prefiling import files

    _fill_to_matter(phone, portal_url)
    data = files.jpeg() if mime == "image/jpeg" else b"PK\x03\x04" + b"\0" * 200
    # listened for well before the key press: the browser is told to hand the dialog over only then
    phone.once("filechooser", lambda chooser: chooser.set_files([{"name": name, "mimeType": mime, "buffer": data}]))
    settle(phone, 3500)              # 继续's own focus-back (after 1.5 s and 3 s) would take a lost focus
    phone.get_by_role("button", name="选择文件").focus()
    phone.keyboard.press("Space")
    remove = phone.get_by_role("button", name=f"删除 {name}")
    expect(remove).to_be_focused(timeout=20_000)     # after the upload's run
    # and stays there (an upload finishing redraws the chip), past the 5 s the frame looks after a choice
    settle(phone, 5500)
    expect(remove).to_be_focused()
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="添加文件")).to_be_focused()
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Enter")    # 删除: the file goes, and the focus stays in the uploader
    expect(phone.get_by_role("button", name="选择文件")).to_be_focused(timeout=20_000)   # after the removal's run


# as a browser names each type (Chromium, Safari); "" for a name it does not know (Playwright then
# guesses one from the name, as a browser might: .wps is application/vnd.ms-works; for no type at
# all, _choose_typeless)
OTHER_FILES = [
    ("旧合同.doc", "application/msword", "不能上传 Word 文件。"),
    ("工资表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "不能上传 Excel 文件。"),
    ("工资表.xls", "application/vnd.ms-excel", "不能上传 Excel 文件。"),
    ("汇报.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "不能上传 PPT 文件。"),
    ("材料.zip", "application/zip", "不能上传这种文件，只能上传 JPG、PNG 图片或 PDF。"),
    ("IMG_0001.HEIC", "image/heic", "不能上传 HEIC 格式的照片。"),
    ("信.wps", "", "不能上传这种文件，只能上传 JPG、PNG 图片或 PDF。"),
]


def test_each_refused_type_says_what_to_do_in_chinese(portal_url, phone):
    """Old Word and Excel files, PowerPoint, a ZIP, an iPhone's HEIC photo, a WPS file the browser has
    no type for: each refused under its name in Chinese, with what to do instead."""
    _fill_to_matter(phone, portal_url)
    phone.locator('input[type="file"]').set_input_files(
        [{"name": name, "mimeType": mime, "buffer": b"\0" * 100} for name, mime, _ in OTHER_FILES])
    phone.wait_for_function(f"() => {{ const r = ({_REFUSED})(); return r.length === {len(OTHER_FILES)}"
                            " && r.every(([, why]) => why && why.startsWith('错误：')); }", timeout=20_000)
    said = {name: why for name, why, _ in phone.evaluate(_REFUSED)}
    for name, _, expected in OTHER_FILES:
        assert said[name].startswith("错误：" + expected), (name, said[name])
        assert "请点文件名右边的叉号（删除）。" in said[name] and ("PDF" in said[name] or "JPG" in said[name]), said[name]
    assert "not allowed" not in phone.get_by_test_id("stMain").inner_text()


def _choose_typeless(pg, names: list[str]) -> None:
    """Choose files in 附件 as Chromium on Linux hands over a name it has no type for (an iPhone's
    .HEIC): File.type empty. Playwright's set_input_files guesses a type from the name."""
    pg.evaluate("""(names) => { const input = document.querySelector('[data-testid="stMain"] input[type="file"]');
        const chosen = new DataTransfer();
        for (const name of names) chosen.items.add(new File([new Uint8Array(100)], name, {type: ''}));
        input.files = chosen.files; input.dispatchEvent(new Event('change', {bubbles: true})); }""", names)


def test_a_heic_photo_with_no_type_is_known_by_its_name(portal_url, phone):
    """Chromium on Linux gives a .HEIC (.heif) file no type: Streamlit said " files are not allowed."
    and the site the words for an unknown file, not the HEIC advice Safari's image/heic gets. Known
    by its name (any case); another file with no type keeps the general words."""
    _fill_to_matter(phone, portal_url)
    phone.locator('[data-testid="stMain"] input[type="file"]').wait_for(state="attached")
    names = ["IMG_0002.HEIC", "照片.heif", "信.wps"]
    _choose_typeless(phone, names)
    phone.wait_for_function(f"() => {{ const r = ({_REFUSED})(); return r.length === {len(names)}"
                            " && r.every(([, why]) => why && why.startsWith('错误：')); }", timeout=20_000)
    said = {name: why for name, why, _ in phone.evaluate(_REFUSED)}
    assert said["IMG_0002.HEIC"].startswith("错误：不能上传 HEIC 格式的照片。请从手机相册选取照片"), said
    assert said["照片.heif"] == said["IMG_0002.HEIC"], said
    assert said["信.wps"].startswith("错误：不能上传这种文件，只能上传 JPG、PNG 图片或 PDF。"), said


def test_a_new_step_takes_the_focus_at_its_step_line(portal_url, page):
    """继续 by keyboard: the next step starts at its 第 N 步 line — focus fell to the page's body, so
    Tab started again from the top of the page and a screen reader said nothing of the new step."""
    page.goto(f"{portal_url}/prefile")
    wait_for_app(page, "须知与授权")
    page.get_by_label("我已阅读以上须知，同意按上述方式处理我的个人信息").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="继续").focus()
    page.keyboard.press("Enter")
    wait_for_app(page, "第 2 步，共 5 步")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'step-progress'",
                           timeout=10_000)
    assert page.evaluate("document.activeElement.innerText").startswith("第 2 步，共 5 步")
    page.keyboard.press("Tab")                           # on into the step, not from the page's top
    assert page.evaluate("""() => !!(document.getElementById('step-progress').compareDocumentPosition(
        document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)""")


def test_after_back_and_a_reload_the_first_page_offers_the_tabs_draft(portal_url, phone, artifacts):
    """Back drops ?draft=… from the address while the step stays on screen; a reload then opened
    an empty form without a word about the draft. The first page now offers it (the code is kept in
    the tab's sessionStorage, as the receipt is), and a filed pre-filing forgets it."""
    _fill_to_matter(phone, portal_url)
    _draft_kept(phone)
    phone.goto(f"{portal_url}/prefile")                  # the address Back left, reloaded
    wait_for_app(phone, "这个窗口里有一份还没有提交的草稿")
    phone.screenshot(path=str(artifacts / "prefile-kept-draft-phone.png"))
    phone.get_by_role("link", name="继续填写这份草稿").click()
    wait_for_app(phone, "第 3 步，共 5 步")
    phone.get_by_role("button", name="上一步").click()
    wait_for_app(phone, "第 2 步，共 5 步")
    assert phone.get_by_label("姓名").input_value() == "张秀兰"


def test_a_deleted_draft_is_gone_from_the_server_and_the_tab(portal_url, phone, artifacts):
    """删除草稿 on a phone: the message is in view, the address holds no draft code, and a reload
    of the form does not offer the deleted draft (the tab kept its code)."""
    from sqlmodel import Session

    from portal.prefiling.models import PrefilingDraft
    from tests.browser.conftest import open_expander
    from tests.browser.test_journeys import IN_VIEW
    from tests.staff.portal_db import ready_engine

    _fill_to_matter(phone, portal_url)
    code = _draft_kept(phone)
    with Session(ready_engine()) as s:
        assert code and s.get(PrefilingDraft, code) is not None      # saved: the tab and the server have it
    open_expander(phone, "不想继续填写了？删除这份草稿")
    phone.get_by_text("我确定要删除这份草稿").click()
    phone.get_by_role("button", name="删除草稿").click()
    wait_for_app(phone, "草稿已删除")
    settle(phone)                                      # the scroll after the run (150 and 600 ms)
    top, bottom, height = phone.evaluate(IN_VIEW, ".st-key-pf-discarded")
    assert 0 <= top and bottom <= height, (top, bottom, height)
    phone.screenshot(path=str(artifacts / "prefile-draft-deleted-phone.png"))
    assert "draft=" not in phone.url
    with Session(ready_engine()) as s:
        assert s.get(PrefilingDraft, code) is None                   # gone from the server …
    assert phone.evaluate("sessionStorage.getItem('pf-draft')") is None   # … and from the tab
    phone.reload()
    wait_for_app(phone, "须知与授权")
    settle(phone)                                      # the kept draft is offered by a script
    assert phone.get_by_text("这个窗口里有一份还没有提交的草稿").count() == 0


def test_an_error_link_clicked_at_once_keeps_the_focus_on_its_field(portal_url, phone):
    """The error summary takes the focus, and tries again 0.7 s later in case it was redrawn: that
    retry pulled the focus (and the view) back from the field a quick click on its link had
    focused."""
    phone.goto(f"{portal_url}/prefile")
    wait_for_app(phone, "须知与授权")
    phone.get_by_role("button", name="继续").click()             # consent not given
    phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'",
                            timeout=30_000)
    phone.locator("#error-summary a").first.click()               # at once, within the 0.7 s
    settle(phone)                                                # after every retry (0.2 and 0.7 s)
    assert phone.evaluate("document.activeElement.getAttribute('aria-label')") == \
        "我已阅读以上须知，同意按上述方式处理我的个人信息"


def test_a_tap_elsewhere_after_an_error_link_is_not_pulled_back(portal_url, phone):
    """The error link's field is watched for 3 s in case a slow run redraws it and drops its focus.
    A person who moves on meanwhile (a tap on the page's text, a scroll) is left where they are: the
    focus is not pulled back to the field (the watcher's only move, __portalFocusAfter, focuses the
    field as it brings it into view, so the focus tells both). The view's position is not compared:
    on a loaded machine the page's view was seen at its top a second after the wheel turned, with
    no scroll by the portal's scripts logged (notes/2026-12-07-session-49.md)."""
    phone.goto(f"{portal_url}/prefile")
    wait_for_app(phone, "须知与授权")
    settle(phone)        # the new page's own scroll to its top is tried again at 150 and 600 ms
    phone.get_by_role("button", name="继续").click()
    phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'",
                            timeout=30_000)
    phone.locator("#error-summary a").first.click()
    phone.wait_for_function("() => document.activeElement.getAttribute('aria-label') !== null", timeout=10_000)
    phone.get_by_text("收集什么").click()
    phone.mouse.wheel(0, 300)
    settle(phone, 3500)                                          # after every look (the field is watched 3 s)
    assert phone.evaluate("document.activeElement.id") == "stMain"


def test_a_draft_changed_in_another_tab_says_so_and_keeps_this_tabs_answers(portal_url, phone, page, artifacts):
    """The same draft open on the phone and, by its link, on a computer. The computer changes the
    name; the phone then carries on with its own answers: it is told, in view and focused, that the
    draft was changed elsewhere, and nothing is written until the person chooses."""
    _fill_to_matter(phone, portal_url)
    code = phone.evaluate("() => new URL(location.href).searchParams.get('draft')")
    assert code
    page.goto(f"{portal_url}/prefile?draft={code}")
    wait_for_app(page, "第 3 步，共 5 步")
    page.get_by_role("button", name="上一步").click()
    wait_for_app(page, "第 2 步，共 5 步")
    page.get_by_label("姓名").fill("李四")
    page.get_by_role("button", name="继续").click()
    wait_for_app(page, "第 3 步，共 5 步")

    phone.get_by_label("问题属地（区、县、市）").fill("历下区")
    phone.get_by_text("申诉求决", exact=True).click()
    phone.get_by_role("textbox", name="诉求").fill("请求督促公司支付拖欠的工资。")
    phone.get_by_role("textbox", name="事实与理由").fill("公司拖欠工资半年，多次讨要未果。")
    phone.get_by_role("button", name="继续").click()
    wait_for_app(phone, "这份草稿在别处改过")
    phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'draft-conflict'",
                            timeout=10_000)
    phone.screenshot(path=str(artifacts / "prefile-draft-changed-elsewhere-phone.png"))
    phone.get_by_role("button", name="保留这个窗口的内容，继续").click()
    wait_for_app(phone, "第 4 步，共 5 步")
    assert not phone.get_by_text("这份草稿在别处改过").count()


def test_a_double_click_on_the_first_continue_makes_one_draft(portal_url, phone):
    """须知与授权's 继续 clicked twice in quick succession: one draft, the one the page names. Both
    clicks' saves thought the draft new, and about one double click in three left a second,
    orphaned draft (measured 4 of 10 before the form reserved its draft's code)."""
    from playwright.sync_api import expect
    from sqlmodel import Session, func, select

    from portal.prefiling.models import PrefilingDraft
    from tests.staff.portal_db import ready_engine

    def drafts() -> int:
        with Session(ready_engine()) as s:
            return s.exec(select(func.count()).select_from(PrefilingDraft)).one()

    for _ in range(4):
        phone.goto(f"{portal_url}/prefile")
        wait_for_app(phone, "须知与授权")
        consent = phone.get_by_role("checkbox", name="我已阅读以上须知，同意按上述方式处理我的个人信息")
        after_rerun(phone, lambda: phone.get_by_text("我已阅读以上须知，同意按上述方式处理我的个人信息",
                                                     exact=True).click(), "须知与授权")
        expect(consent).to_be_checked(timeout=20_000)     # under load the tick can land late
        settle(phone, 500)                                 # and its rerun finish
        before = drafts()
        phone.get_by_role("button", name="继续").dblclick()
        wait_for_app(phone, "第 2 步，共 5 步")
        settle(phone, 2000)                          # the second click's run, if any, is done
        assert drafts() == before + 1
        code = phone.evaluate("() => new URL(location.href).searchParams.get('draft')")
        with Session(ready_engine()) as s:
            assert s.get(PrefilingDraft, code) is not None


def test_withdraw_without_the_tick_keeps_the_box_and_its_button_in_view(portal_url, phone, artifacts):
    """撤回预登记 without 我确定要撤回: the message went above the box to tick and pushed it and the
    button below the fold of a phone. It is now under the box, tied to it, with the box focused."""
    from sqlmodel import Session

    from tests.browser.conftest import open_expander
    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
    phone.goto(f"{portal_url}/lookup")
    wait_for_app(phone, "进度查询")
    phone.get_by_label("查询码（10位，可以带横线）").fill(made.code)
    phone.get_by_label("查询密码（8位）").fill(made.secret)
    phone.get_by_role("button", name="查询").click()
    wait_for_app(phone, "撤回这份预登记")
    open_expander(phone, "撤回这份预登记")
    phone.get_by_role("button", name="撤回预登记").click()
    wait_for_app(phone, "请先勾选")
    phone.wait_for_function("() => document.activeElement.closest('.st-key-lk-withdraw-box')"
                            " && document.activeElement.type === 'checkbox'", timeout=10_000)
    settle(phone)                                  # the scroll after the run (150 and 600 ms)
    phone.screenshot(path=str(artifacts / "lookup-withdraw-unticked-phone.png"))
    height = phone.viewport_size["height"]
    for target in (phone.get_by_label("我确定要撤回这份预登记"), phone.get_by_role("button", name="撤回预登记")):
        box = target.bounding_box() or target.locator("xpath=..").bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, box
    phone.wait_for_function(LINKED)


_THANKS_BOX = """() => { const el = [...document.querySelectorAll('[data-testid="stAlert"]')]
    .find(a => a.innerText.includes('您的评价：')); if (!el) return null;
  const r = el.getBoundingClientRect(), bar = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, bar: bar.bottom, height: window.innerHeight,
          said: (document.getElementById('portal-announcer') || {}).textContent || ''}; }"""


@pytest.mark.parametrize("rating", ["基本满意", "不满意"])
def test_the_thanks_for_a_rating_is_brought_into_view_on_a_small_phone(portal_url, small_phone, rating, artifacts):
    """提交评价 on a 320-px phone in 大字号 and 高对比度: the form folds into one line of thanks and the
    page shrank under the finger, leaving the thanks ~318 px above the screen (a screen reader heard
    it; a sighted citizen saw the middle of 法定期限, and for 不满意 missed the 复查 deadline). It is
    brought into view below the top bar, and said."""
    from sqlmodel import Session

    from portal.identity import Actor
    from portal.prefiling import staff
    from portal.roles import HANDLER
    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    clerk = Actor("clerk", frozenset({HANDLER}))
    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
        staff.register(session=s, actor=clerk, prefiling_id=made.prefiling.id, official_number=f"LX-{uuid.uuid4().hex[:6]}")
        staff.close(session=s, actor=clerk, prefiling_id=made.prefiling.id, reply="已督促用人单位支付工资。")
    pg = small_phone
    pg.goto(f"{portal_url}/lookup?a11y=large,contrast")
    wait_for_app(pg, "进度查询")
    pg.get_by_label("查询码（10位，可以带横线）").fill(made.code)
    pg.get_by_label("查询密码（8位）").fill(made.secret)
    pg.get_by_role("button", name="查询").click()
    wait_for_app(pg, "评价办理结果")
    pg.get_by_text(rating, exact=True).click()
    pg.get_by_role("textbox", name=re.compile("^意见")).fill("工资只补发了一半，希望继续督促。")
    button = pg.get_by_role("button", name="提交评价")
    button.scroll_into_view_if_needed()
    button.click()
    wait_for_app(pg, f"您的评价：{rating}。谢谢！")
    settle(pg)                                     # the scroll after the run (150 and 600 ms)
    box = pg.evaluate(_THANKS_BOX)
    pg.screenshot(path=str(artifacts / f"lookup-rated-320-large-contrast-{rating}.png"))
    assert box["bar"] - 1 <= box["top"] and box["top"] < box["height"] * 0.5, box   # in view, near the top
    assert box["said"].startswith(f"您的评价：{rating}。谢谢！"), box
    if rating == "不满意":   # the 复查 line, which this citizen needs most, whole on the screen
        assert "请求复查，最迟" in box["said"] and box["bottom"] <= box["height"], box


def test_a_dead_draft_link_says_so_in_view_and_leads_to_lookup(portal_url, small_phone, artifacts):
    """A draft link that opens nothing, in a fresh browser (320 px, 大字号): an empty step 1 was all
    one saw, the reason folded in 用草稿码继续填写 at the foot. It is in view at the top, said, and
    去进度查询 leads there with 大字号 kept."""
    pg = small_phone
    pg.goto(f"{portal_url}/prefile?draft=ZZZZ2345ZZZZ&a11y=large")
    wait_for_app(pg, "没有找到这个链接里的草稿")
    notice = pg.locator(".st-key-pf-link-failed [data-testid='stAlert']")
    text = notice.inner_text()
    assert notice.is_visible() and "进度查询" in text and "**" not in text   # bold, not asterisks
    pg.wait_for_function("() => (document.getElementById('portal-announcer') || {}).textContent"
                         "?.startsWith('没有找到这个链接里的草稿。')", timeout=10_000)
    settle(pg)                                     # the scroll after the run (150 and 600 ms)
    box, bar = notice.bounding_box(), pg.get_by_test_id("stHeader").bounding_box()
    # up the screen, below the top bar: more than its first line in sight
    assert bar["y"] + bar["height"] - 1 <= box["y"] < pg.viewport_size["height"] / 3, box
    pg.screenshot(path=str(artifacts / "prefile-dead-link-320-large.png"))
    pg.get_by_role("link", name=re.compile("去进度查询")).click()
    wait_for_app(pg, "请输入提交预登记时得到的查询码和查询密码")
    assert "/lookup" in pg.url and "a11y=large" in pg.url, pg.url


def test_a_reloaded_draft_is_said_to_be_the_tabs_own_and_a_link_opened_elsewhere_is_warned(portal_url, phone, page,
                                                                                          artifacts):
    """The warning about a draft link someone else sent was shown to the person who wrote it after
    every reload (a slow-network audit: and after a session lost to a long drop-out). The tab that
    started the draft is told it is theirs; another browser with the link still gets the warning."""
    _fill_to_matter(phone, portal_url)
    code = phone.evaluate("() => new URL(location.href).searchParams.get('draft')")
    assert _draft_kept(phone) == code          # what tells this tab the draft is its own
    phone.reload()
    wait_for_app(phone, "第 3 步，共 5 步")
    phone.get_by_text("已打开您在这个窗口里填写的草稿").wait_for(state="visible", timeout=10_000)
    assert not phone.get_by_text("如果它不是您本人开始填写的").is_visible()
    phone.screenshot(path=str(artifacts / "prefile-own-draft-reloaded-phone.png"))
    page.goto(f"{portal_url}/prefile?draft={code}")
    wait_for_app(page, "第 3 步，共 5 步")
    settle(page)                                       # the notice is swapped by a script
    assert page.get_by_text("如果它不是您本人开始填写的").is_visible()
    assert not page.get_by_text("已打开您在这个窗口里填写的草稿").is_visible()
    assert page.evaluate("() => sessionStorage.getItem('pf-draft')") is None, "not kept before it is saved there"


# a citizen quoting, in the facts, what a screen at the service window said
_LONG = "去年我到窗口交材料，工作人员说格式不对，不给收，窗口电脑上显示的英文是：image/heic files are not allowed."


def test_a_long_text_of_the_page_is_not_taken_for_a_refusal(portal_url, phone):
    """The 60-character cap on framework words still holds outside a refused file's chip: a long text
    on the page (a citizen's facts, a law's article) that happens to end like Streamlit's refusal is
    left as written; the same words under a file's name are put in Chinese."""
    phone.goto(f"{portal_url}/prefile")
    wait_for_app(phone, "须知与授权")
    phone.evaluate("""(text) => {
        const main = document.querySelector('[data-testid="stMain"]');
        const own = document.createElement('p'); own.id = 'own-words'; own.textContent = text;
        const chip = document.createElement('div'); chip.setAttribute('data-testid', 'stFileChip');
        const alert = document.createElement('div'); alert.setAttribute('role', 'alert'); alert.id = 'refusal';
        alert.textContent = text; chip.appendChild(alert); main.append(own, chip); }""", _LONG)
    phone.wait_for_function("() => document.getElementById('refusal').textContent.startsWith('不能上传')")
    settle(phone, 300)
    assert phone.locator("#own-words").text_content() == _LONG


def test_chosen_files_show_whole_names_with_their_remove_button_at_320_px(portal_url, small_phone, artifacts):
    """At 320 px with 大字号 and 高对比度 Streamlit cut a file's name to 工资条…, pushed its ✕ past the
    chip's edge, and kept the list in a 312-px box that scrolled on its own, hiding the third file and
    a refused file's reason. Each file is now in view: its whole name, its 删除 beside it."""
    from tests.prefiling import files

    pg = small_phone
    _fill_to_matter(pg, portal_url)
    for switch in (0, 1):                                             # 大字号, 高对比度
        pg.locator(".st-key-a11y-bar label").nth(switch).click()
        pg.wait_for_function(f"() => document.querySelectorAll('[role=switch]:checked').length === {switch + 1}",
                             timeout=20_000)
    names = ["工资条照片二零二六年十一月.jpg", "劳动合同扫描件.pdf", "big_photo.jpg"]
    pg.locator('input[type="file"]').set_input_files([
        {"name": names[0], "mimeType": "image/jpeg", "buffer": files.jpeg()},
        {"name": names[1], "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * 400},
        {"name": names[2], "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024)},
    ])
    pg.locator('[data-testid="stFileChip"][aria-invalid="true"] [role="alert"]').wait_for(state="visible", timeout=30_000)
    chips = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stFileChip"]')].map(c => {
        const n = c.querySelector('[data-testid="stFileChipName"]'), b = c.querySelector('[data-testid="stFileChipDeleteBtn"] button');
        const cr = c.getBoundingClientRect(), br = b.getBoundingClientRect(), nr = n.getBoundingClientRect();
        return {name: n.textContent, cut: n.scrollWidth > n.clientWidth + 1, chipRight: cr.right, buttonRight: br.right,
                beside: br.left >= nr.right - 1 && br.top < nr.bottom}; })""")
    assert sorted(c["name"] for c in chips) == sorted(names), chips
    for chip in chips:
        assert not chip["cut"] and chip["beside"], chip
        assert chip["buttonRight"] <= chip["chipRight"] + 1 and chip["chipRight"] <= 320, chip
    boxes = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stFileChips"], [data-testid="stFileChips"] > div')]
        .map(e => e.scrollHeight - e.clientHeight)""")
    assert all(extra <= 1 for extra in boxes), boxes        # no list scrolling inside itself
    pg.locator('[data-testid="stFileUploader"]').scroll_into_view_if_needed()
    pg.screenshot(path=str(artifacts / "prefile-files-320-large.png"))
    assert_fits_phone(pg)


# a hint cut off inside its box, and the uploader's limits cut off with …: [text, width needed, room]
_CUT_HINTS = """() => {
  const ctx = document.createElement('canvas').getContext('2d'), out = [];
  document.querySelectorAll('[data-testid="stMain"] input[placeholder]').forEach(el => {
    const cs = getComputedStyle(el);
    ctx.font = cs.font;
    const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (el.placeholder && ctx.measureText(el.placeholder).width > room) out.push([el.placeholder, room]);
  });
  document.querySelectorAll('[data-testid="stFileUploaderDropzoneInstructions"] *').forEach(el => {
    if (!el.children.length && el.scrollWidth > el.clientWidth + 1) out.push([el.innerText, el.clientWidth]);
  });
  return out; }"""


def test_the_home_question_hint_and_the_uploaders_limits_are_whole_at_320_px_with_large_text(
        portal_url, small_phone, artifacts):
    """At 320 px in 大字号 the home page's question box showed 「例如：老板拖欠工资，」 and the
    uploader's limits 「每个文件不超过 5 …」 (r47a finding 8): the example is under the box now, and
    the limits wrap."""
    pg = small_phone
    pg.goto(f"{portal_url}/?a11y=large,contrast")
    wait_for_app(pg, "我们能为您做什么")
    assert pg.evaluate(_CUT_HINTS) == []
    assert pg.get_by_text("例如：老板拖欠工资，能申请仲裁吗？").is_visible()
    pg.get_by_label("您遇到了什么问题？").scroll_into_view_if_needed()
    pg.screenshot(path=str(artifacts / "home-question-320-large.png"))
    _fill_to_matter(pg, portal_url)
    pg.goto(pg.url + "&a11y=large,contrast")          # the draft in the address brings step 3 back
    wait_for_app(pg, "第 3 步，共 5 步")
    limits = pg.get_by_test_id("stFileUploaderDropzoneInstructions")
    limits.scroll_into_view_if_needed()
    assert "每个文件不超过 5 MB" in limits.inner_text() and pg.evaluate(_CUT_HINTS) == []
    pg.screenshot(path=str(artifacts / "uploader-limits-320-large.png"))
