"""Accessibility in a real browser: axe-core (npm, pinned in package-lock.json) on the main pages,
phone screenshots at 375 px without sideways scrolling, and the 适老化 switches.

Needs `npm ci` at the repository root (installs node_modules/axe-core)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import assert_fits_phone, settle, wait_for_app, wait_for_main

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": ("", "我们能为您做什么"),
    "law": ("laws?law=xinfang-gongzuo-tiaoli-2022&article=第三十二条", "信访处理意见书应当载明"),
    "law-index": ("laws", "司法解释（4 部）"),
    "search": ("ask", "法律问答"),
    "guide": ("guide", "期限示意图"),
    "form": ("prefile", "预登记"),
    "schedule": ("schedule", "近期接访安排"),
    "cases": ("cases", "共 "),
    "lookup": ("lookup", "请输入提交预登记时得到的查询码和查询密码"),
}
# Allowances: (axe rule, region) pairs for Streamlit's own chrome that the app cannot change. Only
# that rule, only inside that region; everything else on the page is checked.
ALLOWED = [
    # Streamlit's sidebar navigation puts the section heading ("公众服务") as a non-<li> child of its
    # <ul data-testid="stSidebarNavItems">; the markup comes from st.navigation itself.
    ("list", '[data-testid="stSidebarNav"]'),
    ("listitem", '[data-testid="stSidebarNav"]'),
]
BLOCKING = {"serious", "critical"}
COUNTS: dict[str, dict[str, int]] = {}


def _axe(pg) -> list[dict]:
    """axe's violations, minus the nodes covered by ALLOWED."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root")
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("""async (allowed) => {
        const res = await axe.run(document, {resultTypes: ['violations']});
        const exempt = (rule, node) => allowed.some(([r, region]) => {
            const el = document.querySelector(node.target[0]);
            return r === rule && el !== null && el.closest(region) !== null;
        });
        return JSON.stringify(res.violations
            .map(v => ({...v, nodes: v.nodes.filter(n => !exempt(v.id, n))}))
            .filter(v => v.nodes.length > 0));
    }""", ALLOWED)
    return json.loads(result)


def _open(pg, url: str, text: str) -> None:
    pg.goto(url)
    wait_for_main(pg, text)
    settle(pg, 800)  # let Streamlit finish drawing the page, and the page's scripts run


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violations(portal_url, page, artifacts, name):
    path, text = PAGES[name]
    _open(page, f"{portal_url}/{path}", text)
    violations = _axe(page)
    counts = {impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
              for impact in ("minor", "moderate", "serious", "critical")}
    COUNTS[name] = counts
    (artifacts / f"axe-{name}.json").write_text(json.dumps(violations, ensure_ascii=False, indent=1))
    print(f"axe {name}: {counts}")
    blocking = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(blocking)


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width_has_no_sideways_scrolling(portal_url, phone, artifacts, name):
    path, text = PAGES[name]
    _open(phone, f"{portal_url}/{path}", text)
    phone.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
    assert_fits_phone(phone, name, slack=0)


def test_large_text_switch_enlarges_text_and_survives_navigation(portal_url, phone, artifacts):
    _open(phone, f"{portal_url}/", "我们能为您做什么")
    root_size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    before = phone.evaluate(root_size)
    phone.get_by_text("大字号").click()
    phone.wait_for_function(f"{root_size} > {before}", timeout=10_000)
    phone.get_by_text("高对比度").click()
    phone.wait_for_function("() => document.querySelectorAll('[role=switch]:checked').length === 2", timeout=20_000)
    settle(phone, 800)
    phone.screenshot(path=str(artifacts / "phone-home-large-contrast.png"), full_page=True)
    # in-app navigation keeps the choice (same session)
    phone.locator('[data-testid="stMain"]').get_by_role("link", name="信访指南").click()
    wait_for_app(phone, "期限示意图")
    settle(phone, 800)
    assert phone.evaluate(root_size) > before
    assert phone.get_by_role("switch", name="大字号").is_checked()
    phone.screenshot(path=str(artifacts / "phone-guide-large-contrast.png"), full_page=True)
    assert_fits_phone(phone, slack=0)


# text in the main column that is not drawn solid black (faded by an ancestor's opacity, or grey); white
# on a dark ground (the receipt panel, the emblem, the 您查找的条文 tag) is meant to stay white
FADED_TEXT = """() => { const out = [];
  document.querySelectorAll('[data-testid="stMain"] *').forEach(el => {
    const t = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.nodeValue.trim()).join('');
    if (!t || el.closest('a, button, .confirm-panel, .site-emblem, .ask-exact, mark, svg')) return;
    let o = 1; for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    if (o < 0.99 || getComputedStyle(el).color !== 'rgb(0, 0, 0)') out.push([t.slice(0, 30), o]); });
  return out; }"""


def test_high_contrast_draws_helper_text_solid_black(portal_url, phone, artifacts):
    """高对比度 on the form's second step: field hints, the draft line and the step's introduction
    are solid black (Streamlit draws captions at 60 % opacity)."""
    _open(phone, f"{portal_url}/prefile?a11y=contrast", "须知与授权")
    phone.get_by_text("我已阅读以上须知，同意按上述方式处理我的个人信息", exact=True).click()
    phone.get_by_role("button", name="继续").click()
    wait_for_app(phone, "第 2 步")
    settle(phone, 800)
    phone.screenshot(path=str(artifacts / "phone-prefile-contrast.png"), full_page=True)
    assert phone.evaluate(FADED_TEXT) == []
    # each text box framed in black on all four sides
    frame = phone.get_by_label("姓名").evaluate(
        "el => { const w = el.closest('[data-testid=\"stTextInputRootElement\"]'), cs = getComputedStyle(w);"
        " return ['Top','Right','Bottom','Left'].map(s => [cs['border' + s + 'Width'], cs['border' + s + 'Color']]); }")
    assert all(width == "2px" and color == "rgb(0, 0, 0)" for width, color in frame), frame


def test_keyboard_focus_is_visible(portal_url, page):
    _open(page, f"{portal_url}/guide", "期限示意图")
    for _ in range(6):
        page.keyboard.press("Tab")
    outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 2, outline


def test_guide_timeline_is_an_image_with_a_text_alternative(portal_url, page):
    _open(page, f"{portal_url}/guide", "期限示意图")
    svg = page.locator('svg[role="img"]')
    assert svg.count() == 1
    assert "信访事项办理期限示意图" in svg.locator("title").text_content()
    assert "最迟第 225 日" in svg.locator("desc").text_content()
    assert page.get_by_role("table").filter(has_text="复核意见").count() >= 1


_FOCUS_RING = """() => { const el = document.activeElement, ring = el.closest('label') || el, s = getComputedStyle(ring);
  return [el.getAttribute('role') || el.type, el.getAttribute('aria-label'), s.outlineStyle, parseFloat(s.outlineWidth)]; }"""


@pytest.mark.parametrize("mode", ["", "?a11y=contrast"])
def test_a_switch_and_a_tick_box_show_where_the_keyboard_is(portal_url, page, mode):
    """Tab onto 大字号 and onto the consent tick box: a ring round the control and its label (the
    ring was drawn on Streamlit's hidden 1-px input, so nothing showed)."""
    _open(page, f"{portal_url}/prefile{mode}", "须知与授权")
    seen = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        kind, name, style, width = page.evaluate(_FOCUS_RING)
        if kind in ("switch", "checkbox"):
            seen[name] = (style, width)
        if "我已阅读以上须知，同意按上述方式处理我的个人信息" in seen:
            break
    assert "大字号" in seen and "我已阅读以上须知，同意按上述方式处理我的个人信息" in seen, seen
    assert all(style == "solid" and width >= 3 for style, width in seen.values()), seen


_EDGES = """() => {
  const box = document.querySelector('.st-key-pf_w_consent label > span + div');
  const track = document.querySelector('.st-key-a11y-bar label > span + div');
  return [getComputedStyle(box).borderTopWidth, getComputedStyle(box).borderTopColor,
          getComputedStyle(track).backgroundColor]; }"""


def test_an_unticked_box_and_a_switch_that_is_off_can_be_seen(portal_url, page):
    """Streamlit draws them in 20 % grey (1.5:1 on white): a 2-px #595959 edge and a #6b6b6b track."""
    _open(page, f"{portal_url}/prefile", "须知与授权")
    assert page.evaluate(_EDGES) == ["2px", "rgb(89, 89, 89)", "rgb(107, 107, 107)"]


def test_tab_on_a_phone_does_not_walk_through_the_folded_sidebar(portal_url, phone):
    """The folded sidebar's nine links sat off the screen (x = −280) in the Tab order: the first
    ten Tabs showed nothing."""
    _open(phone, f"{portal_url}/guide", "期限示意图")
    rights = []
    for _ in range(4):
        phone.keyboard.press("Tab")
        rights.append(phone.evaluate("document.activeElement.getBoundingClientRect().right"))
    assert all(right > 0 for right in rights), rights


def test_the_switches_and_the_footer_telephone_are_big_enough_to_tap(portal_url, phone):
    """44 px: the 大字号 switch was 30 px tall, the footer's 12345 link 27 px; the headings' tiny link
    icons are gone (forty 本节的链接 for a screen reader on the guide)."""
    _open(phone, f"{portal_url}/guide", "期限示意图")
    switch = phone.locator(".st-key-a11y-bar label").first.bounding_box()
    tel = phone.locator('.site-footer a[href^="tel:"]').bounding_box()
    assert switch["height"] >= 44 and tel["height"] >= 44, (switch, tel)
    assert phone.get_by_role("link", name="本节的链接").count() == 0
    assert phone.locator("h2[id]").count() >= 3          # a section's address still works


def test_high_contrast_draws_a_laws_text_and_notes_solid_black(portal_url, phone, artifacts):
    """高对比度 on a law: the 题注 under its title, the status line and the articles are solid black.
    The 题注 block stayed at Streamlit's 60 % caption opacity."""
    _open(phone, f"{portal_url}/laws?law=xinfang-gongzuo-tiaoli-2022&a11y=contrast", "信访工作条例")
    phone.screenshot(path=str(artifacts / "phone-law-contrast.png"))
    assert phone.evaluate(FADED_TEXT) == []


def test_high_contrast_draws_the_answers_to_a_question_solid_black(portal_url, phone, artifacts):
    """高对比度 on 法律问答's answers: each card's chapter line (第六章 法律责任) stayed #555. Only the
    status badges and the urgent route keep their colour (green, red: 7:1 and more on white)."""
    from urllib.parse import quote

    _open(phone, f"{portal_url}/ask?q={quote('单位拖欠工资不给怎么办')}&a11y=contrast", "下一步怎么办")
    phone.screenshot(path=str(artifacts / "phone-ask-contrast.png"))
    faded = phone.evaluate(FADED_TEXT.replace(".ask-exact, mark", ".ask-exact, mark, [class^=law-badge], .urgent"))
    assert faded == [], faded


FIELD_RING = """el => { const box = el.closest('[data-testid="stTextInputRootElement"]')
    || el.parentElement.parentElement; const cs = getComputedStyle(box);
    return [cs.outlineStyle, parseFloat(cs.outlineWidth)]; }"""


def test_a_focused_select_or_text_box_is_ringed_whole(portal_url, page):
    """The ring on the focused input was clipped by its frame: a select box showed only a thin line
    by its ▾ (典型案例's 按类别查看, 法规库's 目录), a text box a bar at its right edge."""
    _open(page, f"{portal_url}/cases", "按类别查看")
    select = page.get_by_role("combobox", name="按类别查看")
    select.focus()
    assert select.evaluate(FIELD_RING) == ["solid", 3.0]
    _open(page, f"{portal_url}/lookup", "查询码")
    box = page.get_by_role("textbox", name="查询码（10位，可以带横线）")
    box.focus()
    assert box.evaluate(FIELD_RING) == ["solid", 3.0]


TOO_SMALL = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid^="stBaseButton"], '
    + '[data-testid="stMain"] [data-testid="stTextInputRootElement"], [data-testid="stMain"] [data-baseweb="select"] > div, '
    + '[data-testid="stMain"] [data-testid="stFileChip"] button')]
    .filter(el => el.getClientRects().length)
    .map(el => [el.innerText.trim().slice(0, 20) || el.getAttribute('aria-label') || el.dataset.testid,
                Math.round(el.getBoundingClientRect().height), Math.round(el.getBoundingClientRect().width)])
    .filter(([, h, w]) => h < 44 || w < 44)"""


def test_buttons_boxes_and_a_chosen_files_remove_button_are_big_enough_to_tap(portal_url, phone, tmp_path, artifacts):
    """44 px on a phone: Streamlit drew buttons 40 px tall, text boxes 38 px and a chosen file's ×
    32 px. Here on 进度查询 with material asked for, a file chosen."""
    from sqlmodel import Session

    from portal.identity import Actor
    from portal.prefiling import staff
    from portal.roles import HANDLER
    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
        staff.request_more(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                           reply="请补充漏水处的照片。")
    _open(phone, f"{portal_url}/lookup", "进度查询")
    assert phone.evaluate(TOO_SMALL) == []
    phone.get_by_label("查询码（10位，可以带横线）").fill(made.code)
    phone.get_by_label("查询密码（8位）").fill(made.secret)
    phone.get_by_role("button", name="查询").click()
    wait_for_app(phone, "提交补充材料")
    photo = tmp_path / "漏水.png"
    photo.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                                    "0000000d4944415478da63f8cfc0f01f0005000201a5f7d6e80000000049454e44ae426082"))
    phone.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(photo))
    phone.locator('[data-testid="stFileChip"]').first.wait_for()
    settle(phone, 500)
    phone.locator('[data-testid="stFileChip"]').first.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "lookup-file-chosen-phone.png"))
    assert phone.evaluate(TOO_SMALL) == []


def test_page_links_are_44_px_and_the_footer_stacks_on_a_small_phone(portal_url, small_phone, artifacts):
    """320 px with 大字号: the service cards' title links and the 菜单's were 40 and 35 px tall; the
    footer's values sat in a column beside 来访接待电话, the hours four characters a line."""
    pg = small_phone
    _open(pg, f"{portal_url}/?a11y=large", "我们能为您做什么")
    heights = pg.evaluate("() => [...document.querySelectorAll('[data-testid=stPageLink] a')]"
                          ".filter(a => a.getClientRects().length).map(a => a.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights
    left, dd_left, dd_width = pg.evaluate("""() => { const f = document.querySelector('.site-footer'),
        dd = f.querySelector('dd').getBoundingClientRect(); return [f.getBoundingClientRect().left, dd.left, dd.width]; }""")
    assert dd_left == left and dd_width >= 250, (left, dd_left, dd_width)
    pg.locator(".site-footer").scroll_into_view_if_needed()
    pg.screenshot(path=str(artifacts / "footer-320-large.png"))
