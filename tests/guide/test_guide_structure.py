"""The 信访指南's structure (编辑): 新增 a section, 撤回 / 恢复 one, 上移 / 下移 — on SQLite and
PostgreSQL; what the public page then shows, what is refused and why, the audit log, two editors
at once, and `setup` never bringing back a withdrawn section or touching an added one."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.audit.service import ACTION_LABELS, GUIDE_ADD, GUIDE_MOVE, GUIDE_RESTORE, GUIDE_WITHDRAW
from portal.field_errors import ValidationFailed
from portal.guide import service, structure
from portal.guide.content import load_guide
from portal.guide.lifecycle import PUBLISHED, WITHDRAWN, GuideActionRefused
from portal.guide.models import GuideRevision, GuideSectionRecord
from portal.identity import Actor, PermissionDenied
from portal.roles import ADMIN, HANDLER
from tests.guide.test_guide_service import ARTICLE, EDITOR_ACTOR, GUIDE_DIR, OTHER_EDITOR
from tests.test_races import _race

SHIPPED = [s.slug for s in load_guide(GUIDE_DIR)]
TIMELINE = next(s.slug for s in load_guide(GUIDE_DIR) if s.show_timeline)
NOTICE = "jiedai-dating-tongzhi"


@pytest.fixture
def seeded(db_engine):
    with Session(db_engine) as s:
        service.import_guide(session=s, directory=GUIDE_DIR)
        s.commit()
    return db_engine


def public(engine) -> list[str]:
    with Session(engine) as s:
        return [x.slug for x in service.published_sections(session=s)]


def staff_order(engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        return [(r.slug, r.state) for r in service.staff_sections(session=s, actor=EDITOR_ACTOR)]


def positions(engine) -> list[int]:
    with Session(engine) as s:
        return [r.position for r in s.exec(select(GuideSectionRecord))]


def audit(engine, action: str) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def add(engine, library, *, slug=NOTICE, title="接待大厅冬季开放时间", body=None, actor=EDITOR_ACTOR, **extra):
    with Session(engine) as s:
        row = structure.add_section(session=s, actor=actor, library=library, slug=slug, title=title,
                                  body=f"冬季接待大厅照常开放，依据 {ARTICLE}。" if body is None else body, **extra)
        s.commit()
        return row.slug


def withdraw(engine, slug, *, actor=EDITOR_ACTOR, **extra):
    with Session(engine) as s:
        structure.withdraw_section(session=s, actor=actor, slug=slug, **extra)
        s.commit()


def restore(engine, library, slug, *, actor=EDITOR_ACTOR):
    with Session(engine) as s:
        structure.restore_section(session=s, actor=actor, library=library, slug=slug)
        s.commit()


def move(engine, slug, direction, *, actor=EDITOR_ACTOR, **extra):
    with Session(engine) as s:
        structure.move_section(session=s, actor=actor, slug=slug, direction=direction, **extra)
        s.commit()


# --- 新增 ------------------------------------------------------------------------------------------

def test_an_added_section_is_public_at_once_as_the_last_with_a_revision_and_an_audit_entry(seeded, library):
    add(seeded, library)
    assert public(seeded) == [*SHIPPED, NOTICE]
    with Session(seeded) as s:
        [revision] = service.section_revisions(session=s, actor=EDITOR_ACTOR, slug=NOTICE)
        shown = service.published_sections(session=s)[-1]
    assert (revision.number, revision.action, revision.author) == (1, "新增", "editor-wang")
    assert (shown.title, shown.body) == ("接待大厅冬季开放时间", f"冬季接待大厅照常开放，依据 {ARTICLE}。")
    [entry] = audit(seeded, GUIDE_ADD)
    assert (entry.actor_name, entry.target) == ("editor-wang", f"guide:{NOTICE}") and "接待大厅冬季开放时间" in entry.detail
    assert ACTION_LABELS[GUIDE_ADD] == "新增信访指南章节"


@pytest.mark.parametrize("slug", ["", "Dating", "da ting", "da_ting", "大厅", "-dating", "da--ting", "a" * 81, "timeline"])
def test_a_bad_or_reserved_slug_is_refused_and_nothing_is_added(seeded, library, slug):
    with pytest.raises(ValidationFailed) as info:
        add(seeded, library, slug=slug)
    assert info.value.for_field("slug") and public(seeded) == SHIPPED


def test_a_slug_in_use_is_refused_naming_the_section_even_when_it_is_withdrawn(seeded, library):
    add(seeded, library)
    withdraw(seeded, NOTICE)
    with pytest.raises(ValidationFailed) as info:
        add(seeded, library, title="另一条通知")
    [message] = info.value.for_field("slug")
    assert "接待大厅冬季开放时间" in message and "已撤回" in message
    assert len(staff_order(seeded)) == len(SHIPPED) + 1


@pytest.mark.parametrize(("title", "body", "field", "words"), [
    ("通知", "依据 [[xinfang-gongzuo-tiaoli-2022:第九百条]]。", "body", "[[xinfang-gongzuo-tiaoli-2022:第九百条]]"),
    ("通知", "咨询电话 138-1234-5678。", "body", "身份证号或电话号码"),
    ("通知", "{{days:no_such}} 日内", "body", "{{days:no_such}}"),
    ("", "正文", "title", "请填写标题"),
])
def test_the_text_of_a_new_section_is_checked_as_publish_checks_it(seeded, library, title, body, field, words):
    with pytest.raises(ValidationFailed) as info:
        add(seeded, library, title=title, body=body)
    assert words in " ".join(info.value.for_field(field))
    assert public(seeded) == SHIPPED and not audit(seeded, GUIDE_ADD)


@pytest.mark.parametrize("roles", [(), (HANDLER,), (ADMIN,)])
def test_only_an_editor_changes_the_structure(seeded, library, roles):
    someone = Actor("someone", frozenset(roles))
    for attempt in (lambda: add(seeded, library, actor=someone), lambda: withdraw(seeded, SHIPPED[0], actor=someone),
                    lambda: restore(seeded, library, SHIPPED[0], actor=someone),
                    lambda: move(seeded, SHIPPED[1], structure.UP, actor=someone)):
        with pytest.raises(PermissionDenied):
            attempt()
    assert staff_order(seeded) == [(slug, PUBLISHED) for slug in SHIPPED]


# --- 撤回 / 恢复 -------------------------------------------------------------------------------------

def test_a_withdrawn_section_leaves_the_public_page_is_kept_and_restored_in_its_place(seeded, library):
    slug = SHIPPED[1]
    with Session(seeded) as s:
        text = s.get(GuideSectionRecord, slug).body
    withdraw(seeded, slug)
    assert slug not in public(seeded) and (slug, WITHDRAWN) in staff_order(seeded)
    restore(seeded, library, slug)
    assert public(seeded) == SHIPPED
    with Session(seeded) as s:
        row = s.get(GuideSectionRecord, slug)
        history = [(r.number, r.action) for r in service.section_revisions(session=s, actor=EDITOR_ACTOR, slug=slug)]
    assert row.body == text and history == [(3, "恢复"), (2, "撤回"), (1, "导入")]
    [out] = audit(seeded, GUIDE_WITHDRAW)
    [back] = audit(seeded, GUIDE_RESTORE)
    assert out.target == back.target == f"guide:{slug}" and "已撤回" in out.detail and "已发布" in back.detail


def test_withdrawing_twice_or_restoring_a_published_section_is_refused(seeded, library):
    withdraw(seeded, SHIPPED[0])
    with pytest.raises(GuideActionRefused, match="“已撤回”状态的章节不能“撤回”"):
        withdraw(seeded, SHIPPED[0])
    with pytest.raises(GuideActionRefused, match="“已发布”状态的章节不能“恢复”"):
        restore(seeded, library, SHIPPED[1])


def test_the_last_published_section_cannot_be_withdrawn(seeded, library):
    for slug in SHIPPED:
        if slug != TIMELINE:
            withdraw(seeded, slug)
    with pytest.raises(GuideActionRefused) as info:
        withdraw(seeded, TIMELINE)
    assert "仅剩的一节" in str(info.value) and public(seeded) == [TIMELINE]
    assert len(audit(seeded, GUIDE_WITHDRAW)) == len(SHIPPED) - 1


def test_the_section_the_deadline_picture_follows_stays_until_another_shows_it(seeded, library):
    with pytest.raises(GuideActionRefused, match="期限示意图"):
        withdraw(seeded, TIMELINE)
    assert TIMELINE in public(seeded)
    with Session(seeded) as s, pytest.raises(ValidationFailed) as info:   # nor may its tick be taken away
        row = s.get(GuideSectionRecord, TIMELINE)
        service.publish_section(session=s, actor=EDITOR_ACTOR, library=library, slug=TIMELINE, title=row.title,
                                body=row.body, show_timeline=False, expected_revision=row.revision)
    assert "期限示意图" in info.value.for_field("show_timeline")[0]
    add(seeded, library, show_timeline=True)          # another section shows the picture now
    withdraw(seeded, TIMELINE)
    assert TIMELINE not in public(seeded)


def test_a_withdrawal_on_a_revision_the_editor_did_not_see_is_refused(seeded, library):
    slug = SHIPPED[0]
    with Session(seeded) as s:
        row = s.get(GuideSectionRecord, slug)
        service.publish_section(session=s, actor=OTHER_EDITOR, library=library, slug=slug, title="同事改的标题",
                                body=row.body, expected_revision=row.revision)
        s.commit()
    with pytest.raises(GuideActionRefused) as info:
        withdraw(seeded, slug, expected_revision=1)
    assert "editor-li" in str(info.value) and slug in public(seeded)


def test_restore_rechecks_the_text_against_the_library(seeded, library, monkeypatch):
    withdraw(seeded, SHIPPED[0])
    monkeypatch.setattr(type(library), "provision", lambda self, pid: None)   # the articles left the library
    with pytest.raises(ValidationFailed) as info:
        restore(seeded, library, SHIPPED[0])
    assert "法规库中没有这些条文" in info.value.for_field("body")[0]
    assert SHIPPED[0] not in public(seeded)


# --- 上移 / 下移 -------------------------------------------------------------------------------------

def test_moving_swaps_with_the_neighbour_and_the_public_page_follows(seeded):
    move(seeded, SHIPPED[2], structure.UP)
    assert public(seeded) == [SHIPPED[0], SHIPPED[2], SHIPPED[1], *SHIPPED[3:]]
    move(seeded, SHIPPED[0], structure.DOWN)
    assert public(seeded) == [SHIPPED[2], SHIPPED[0], SHIPPED[1], *SHIPPED[3:]]
    [up, down] = audit(seeded, GUIDE_MOVE)
    assert up.target == f"guide:{SHIPPED[2]}" and up.detail.startswith("上移") and "第 3 节 → 第 2 节" in up.detail
    assert down.detail.startswith("下移") and ACTION_LABELS[GUIDE_MOVE] == "调整信访指南顺序"
    assert sorted(positions(seeded)) == list(range(1, len(SHIPPED) + 1))


def test_the_first_cannot_go_up_nor_the_last_down(seeded):
    with pytest.raises(GuideActionRefused, match="已经是第一节"):
        move(seeded, SHIPPED[0], structure.UP)
    with pytest.raises(GuideActionRefused, match="已经是最后一节"):
        move(seeded, SHIPPED[-1], structure.DOWN)
    assert public(seeded) == SHIPPED and not audit(seeded, GUIDE_MOVE)


def test_a_move_over_an_order_the_editor_did_not_see_is_refused(seeded):
    move(seeded, SHIPPED[1], structure.UP, actor=OTHER_EDITOR)   # now 1, 0, 2 …
    with pytest.raises(GuideActionRefused, match="顺序刚被他人调整"):
        move(seeded, SHIPPED[2], structure.UP, expected_neighbour=SHIPPED[1])   # the page showed 1 above 2
    assert public(seeded) == [SHIPPED[1], SHIPPED[0], *SHIPPED[2:]]


def test_a_withdrawn_section_keeps_its_place_among_the_others(seeded, library):
    withdraw(seeded, SHIPPED[1])
    move(seeded, SHIPPED[2], structure.UP)   # swaps with the withdrawn one the editor sees in the list
    restore(seeded, library, SHIPPED[1])
    assert public(seeded) == [SHIPPED[0], SHIPPED[2], SHIPPED[1], *SHIPPED[3:]]


# --- two editors at once ------------------------------------------------------------------------------

def _in_session(engine, call):
    def action():
        with Session(engine) as s:
            result = call(s)
            s.commit()
            return result
    return action


def test_two_editors_moving_at_once_never_leave_two_sections_in_one_place(seeded):
    """One moves the 2nd section up while the other moves it down, each over the order their page
    showed, ten times: one move is made, the other refused in words; the places stay 1…n."""
    for trial in range(10):
        a, b, c, *rest = public(seeded)
        _, errors = _race(
            _in_session(seeded, lambda s, a=a, b=b: structure.move_section(
                session=s, actor=EDITOR_ACTOR, slug=b, direction=structure.UP, expected_neighbour=a)),
            _in_session(seeded, lambda s, b=b, c=c: structure.move_section(
                session=s, actor=OTHER_EDITOR, slug=b, direction=structure.DOWN, expected_neighbour=c)))
        assert sorted(positions(seeded)) == list(range(1, len(SHIPPED) + 1))
        assert [e is None for e in errors].count(True) == 1, errors
        refused = next(e for e in errors if e is not None)
        assert isinstance(refused, GuideActionRefused) and "顺序刚被他人调整" in str(refused), repr(refused)
        assert public(seeded) == ([b, a, c, *rest] if errors[0] is None else [a, c, b, *rest])
        assert len(audit(seeded, GUIDE_MOVE)) == trial + 1


def test_two_editors_moving_neighbours_blind_at_once_both_move_one_after_the_other(seeded):
    """Without a page's order to check (both move what is there when they click): both moves are
    made in turn, or one is refused in words — never an error, never two sections in one place."""
    for _ in range(10):
        order = public(seeded)
        _, errors = _race(
            _in_session(seeded, lambda s, o=order: structure.move_section(session=s, actor=EDITOR_ACTOR, slug=o[2],
                                                                        direction=structure.UP)),
            _in_session(seeded, lambda s, o=order: structure.move_section(session=s, actor=OTHER_EDITOR, slug=o[1],
                                                                        direction=structure.DOWN)))
        assert all(e is None or isinstance(e, GuideActionRefused) for e in errors), errors
        assert sorted(positions(seeded)) == list(range(1, len(SHIPPED) + 1))
        assert sorted(public(seeded)) == sorted(SHIPPED)


def test_two_editors_withdrawing_the_last_two_sections_at_once_leave_one(seeded, library):
    """Both see the other's section still published; the page must not end up empty."""
    keep = [SHIPPED[0], TIMELINE]
    for slug in SHIPPED:
        if slug not in keep:
            withdraw(seeded, slug)
    with Session(seeded) as s:   # another section shows the picture, so only "the last one" can refuse
        row = s.get(GuideSectionRecord, SHIPPED[0])
        service.publish_section(session=s, actor=EDITOR_ACTOR, library=library, slug=row.slug, title=row.title,
                                body=row.body, show_timeline=True, expected_revision=row.revision)
        s.commit()
    for _ in range(5):
        _, errors = _race(*(_in_session(seeded, lambda s, slug=slug, who=who: structure.withdraw_section(
            session=s, actor=who, slug=slug)) for slug, who in zip(keep, (EDITOR_ACTOR, OTHER_EDITOR), strict=True)))
        assert len(public(seeded)) == 1, errors
        assert sum(isinstance(e, GuideActionRefused) for e in errors) == 1, errors
        restore(seeded, library, next(slug for slug in keep if slug not in public(seeded)))


def test_two_editors_unticking_the_picture_on_its_two_sections_at_once_leave_it_on_one(seeded, library):
    """Each sees the picture still on the other's section; the guide must not end up without it."""
    other = next(slug for slug in SHIPPED if slug != TIMELINE)
    with Session(seeded) as s:
        row = s.get(GuideSectionRecord, other)
        service.publish_section(session=s, actor=EDITOR_ACTOR, library=library, slug=other, title=row.title,
                                body=row.body, show_timeline=True, expected_revision=row.revision)
        s.commit()

    def untick(slug: str, who: Actor):
        def run(s: Session):
            row = s.get(GuideSectionRecord, slug)
            service.publish_section(session=s, actor=who, library=library, slug=slug, title=row.title,
                                    body=row.body, show_timeline=False, expected_revision=row.revision)
        return _in_session(seeded, run)

    for _ in range(5):
        _, errors = _race(untick(TIMELINE, EDITOR_ACTOR), untick(other, OTHER_EDITOR))
        with Session(seeded) as s:
            ticked = [r.slug for r in service.published_rows(s) if r.show_timeline]
        assert len(ticked) == 1, errors
        assert sum(isinstance(e, ValidationFailed) for e in errors) == 1, errors
        back = other if ticked == [TIMELINE] else TIMELINE
        with Session(seeded) as s:   # tick it again for the next round
            row = s.get(GuideSectionRecord, back)
            service.publish_section(session=s, actor=EDITOR_ACTOR, library=library, slug=back, title=row.title,
                                    body=row.body, show_timeline=True, expected_revision=row.revision)
            s.commit()


# --- setup ----------------------------------------------------------------------------------------------

def test_setup_neither_brings_back_a_withdrawn_section_nor_touches_an_added_one(seeded, library, tmp_path):
    withdraw(seeded, SHIPPED[0])
    add(seeded, library)
    for path in GUIDE_DIR.glob("*.md"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / f"09-{NOTICE}.md").write_text("---\ntitle: 文件里的同名章节\n---\n文件的正文。\n", encoding="utf-8")
    with Session(seeded) as s:
        report = service.import_guide(session=s, directory=tmp_path)
        s.commit()
    assert not report.added and {SHIPPED[0], NOTICE} <= set(report.kept)
    assert public(seeded) == [*SHIPPED[1:], NOTICE] and (SHIPPED[0], WITHDRAWN) in staff_order(seeded)
    with Session(seeded) as s:
        notice = s.get(GuideSectionRecord, NOTICE)
        count = len(list(s.exec(select(GuideRevision).where(GuideRevision.section_slug == SHIPPED[0]))))
    assert notice.title == "接待大厅冬季开放时间" and notice.updated_by == "editor-wang" and count == 2


def test_a_new_shipped_file_comes_after_a_section_staff_added(seeded, library, tmp_path):
    add(seeded, library)
    shutil.copy(GUIDE_DIR / f"01-{SHIPPED[0]}.md", tmp_path)
    (tmp_path / "06-xin-zhangjie.md").write_text(f"---\ntitle: 新增章节\n---\n新的一节，依据 {ARTICLE}。\n",
                                                 encoding="utf-8")
    with Session(seeded) as s:
        assert service.import_guide(session=s, directory=tmp_path).added == ["xin-zhangjie"]
        s.commit()
    assert public(seeded)[-2:] == [NOTICE, "xin-zhangjie"]
    assert sorted(positions(seeded)) == list(range(1, len(SHIPPED) + 3))
