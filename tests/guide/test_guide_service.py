"""信访指南 in the database: the setup import, the 编辑's 发布 (validation, roles, concurrency,
revisions, audit log) and what the public reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from portal.audit.models import AuditEntry
from portal.audit.service import GUIDE_PUBLISH
from portal.citations import GUIDE, stale_citations
from portal.field_errors import ValidationFailed
from portal.guide import service, structure
from portal.guide.content import load_guide
from portal.guide.models import GuideRevision, GuideSectionRecord
from portal.identity import Actor, PermissionDenied
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER

GUIDE_DIR = Path(__file__).resolve().parents[2] / "content" / "guide"
EDITOR_ACTOR = Actor("editor-wang", frozenset({EDITOR}))
OTHER_EDITOR = Actor("editor-li", frozenset({EDITOR}))
SLUG = "zenme-fanying"
ARTICLE = "[[xinfang-gongzuo-tiaoli-2022:第二十一条]]"
ARTICLE_21 = "xinfang-gongzuo-tiaoli-2022:第二十一条"


@pytest.fixture
def seeded(db_engine):
    with Session(db_engine) as s:
        report = service.import_guide(session=s, directory=GUIDE_DIR)
        s.commit()
    assert len(report.added) == len(load_guide(GUIDE_DIR)) and not report.refused
    return db_engine


def _row(engine, slug: str = SLUG) -> GuideSectionRecord:
    with Session(engine) as s:
        return s.get(GuideSectionRecord, slug)


def _publish(engine, library, *, actor=EDITOR_ACTOR, title=None, body=None, expected=None, **extra):
    row = _row(engine)
    with Session(engine) as s:
        result = service.publish_section(
            session=s, actor=actor, library=library, slug=SLUG, title=row.title if title is None else title,
            body=row.body if body is None else body,
            expected_revision=row.revision if expected is None else expected, **extra)
        s.commit()
        return result


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_the_import_brings_in_the_files_in_order_as_they_render(seeded):
    with Session(seeded) as s:
        assert service.published_sections(session=s) == load_guide(GUIDE_DIR)
    assert _count(seeded, GuideRevision) == len(load_guide(GUIDE_DIR))   # 第 1 版 of each, by 系统导入
    assert _row(seeded).revision == 1 and _row(seeded).updated_by == service.IMPORTER


def test_the_import_is_idempotent_and_never_overwrites_a_published_edit(seeded, library, tmp_path):
    _publish(seeded, library, body=_row(seeded).body + "\n\n编辑补充的一段。")
    for path in GUIDE_DIR.glob("*.md"):
        shutil.copy(path, tmp_path / path.name)
    changed = tmp_path / "02-zenme-fanying.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n---\n", "\n---\n文件里的新改动。\n", 1),
                       encoding="utf-8")
    (tmp_path / "06-xin-zhangjie.md").write_text(
        f"---\ntitle: 新增章节\n---\n新的一节，依据 {ARTICLE}。\n", encoding="utf-8")
    with Session(seeded) as s:
        report = service.import_guide(session=s, directory=tmp_path)
        s.commit()
    assert report.added == ["xin-zhangjie"] and SLUG in report.kept and not report.refused
    body = _row(seeded).body
    assert body.endswith("编辑补充的一段。") and "文件里的新改动" not in body    # staff edits win
    with Session(seeded) as s:
        again = service.import_guide(session=s, directory=tmp_path)
        s.commit()
        sections = service.published_sections(session=s)
    assert not again.added and sections[-1].slug == "xin-zhangjie"           # a new file comes last
    assert _count(seeded, GuideSectionRecord) == len(load_guide(GUIDE_DIR)) + 1


def test_publish_changes_what_the_public_reads_and_keeps_a_revision_and_an_audit_entry(seeded, library):
    before = _count(seeded, GuideRevision)
    _publish(seeded, library, title="怎样反映问题（新）", body=f"到信访部门反映 {ARTICLE}。", show_timeline=True)
    with Session(seeded) as s:
        section = next(x for x in service.published_sections(session=s) if x.slug == SLUG)
        revisions = service.section_revisions(session=s, actor=EDITOR_ACTOR, slug=SLUG)
        entries = list(s.exec(select(AuditEntry).where(AuditEntry.action == GUIDE_PUBLISH)))
    assert (section.title, section.body, section.show_timeline) == ("怎样反映问题（新）", f"到信访部门反映 {ARTICLE}。", True)
    assert _count(seeded, GuideRevision) == before + 1
    assert [(r.number, r.author, r.action, r.title) for r in revisions[:2]] == [
        (2, "editor-wang", "发布", "怎样反映问题（新）"), (1, service.IMPORTER, "导入", revisions[1].title)]
    [entry] = entries
    assert (entry.actor_name, entry.target) == ("editor-wang", f"guide:{SLUG}") and "第 2 版" in entry.detail


def test_an_unknown_article_is_refused_naming_it(seeded, library):
    body = (f"依据 {ARTICLE} 和 [[xinfang-gongzuo-tiaoli-2022:第九百条]]，"
            "还有 [[no-such-law:第一条]] 与 [[第二十一条]]。")
    with pytest.raises(ValidationFailed) as info:
        _publish(seeded, library, body=body)
    [message] = info.value.for_field("body")
    for bad in ("[[xinfang-gongzuo-tiaoli-2022:第九百条]]", "[[no-such-law:第一条]]", "[[第二十一条]]"):
        assert bad in message
    assert "第二十一条]]、" not in message.split("写法如")[0].replace("[[第二十一条]]", "")
    assert _row(seeded).revision == 1


def test_an_unknown_clock_token_is_refused(seeded, library):
    with pytest.raises(ValidationFailed) as info:
        _publish(seeded, library, body=f"{{{{days:acceptance_notice}}}} 日内 {{{{days:no_such}}}} {{{{weeks:handling}}}} {ARTICLE}")
    [message] = info.value.for_field("body")
    assert "{{days:no_such}}" in message and "{{weeks:handling}}" in message
    assert "{{days:acceptance_notice}}、" not in message.split("可用的有")[0]


@pytest.mark.parametrize("text", ["咨询可拨打 138-1234-5678。", "如张某（370102196503151003）。"])
def test_personal_numbers_are_refused(seeded, library, text):
    with pytest.raises(ValidationFailed) as info:
        _publish(seeded, library, body=text)
    assert "身份证号或电话号码" in info.value.for_field("body")[0]


@pytest.mark.parametrize(("title", "body", "fields"), [
    ("", "正文", {"title"}), ("标题", "  ", {"body"}), ("很" * 41, "正文", {"title"}),
    ("[链接](javascript:x)", "正文", {"title"}), ("标题", "字" * 20001, {"body"})])
def test_title_and_body_are_required_and_bounded(seeded, library, title, body, fields):
    with pytest.raises(ValidationFailed) as info:
        _publish(seeded, library, title=title, body=body)
    assert {e.field for e in info.value.errors} == fields


@pytest.mark.parametrize("roles", [(), (HANDLER,), (ADMIN,), (COUNSEL,)])
def test_only_an_editor_may_publish(seeded, library, roles):
    with pytest.raises(PermissionDenied):
        _publish(seeded, library, actor=Actor("someone", frozenset(roles)), body="改动")
    with Session(seeded) as s, pytest.raises(PermissionDenied):
        service.staff_sections(session=s, actor=Actor("someone", frozenset(roles)))
    assert _row(seeded).revision == 1


def test_a_stale_revision_is_refused_naming_who_published_and_nothing_is_written(seeded, library):
    _publish(seeded, library, actor=OTHER_EDITOR, body=f"同事先发布的 {ARTICLE}。")
    revisions, entries = _count(seeded, GuideRevision), _count(seeded, AuditEntry)
    with pytest.raises(service.SectionChanged) as info:
        _publish(seeded, library, body="我的版本。", expected=1)
    assert info.value.by == "editor-li" and info.value.revision == 2
    assert "editor-li" in info.value.errors[0].message and "第 2 版" in info.value.errors[0].message
    assert _row(seeded).body == f"同事先发布的 {ARTICLE}。"
    assert (_count(seeded, GuideRevision), _count(seeded, AuditEntry)) == (revisions, entries)


def test_two_publications_racing_on_one_read_the_second_is_refused(seeded, library):
    """Both checked the revision before either wrote: the version check of the UPDATE decides."""
    with Session(seeded) as first, Session(seeded) as second:
        a = first.get(GuideSectionRecord, SLUG)
        b = second.get(GuideSectionRecord, SLUG)
        assert a.revision == b.revision == 1
        service.publish_section(session=first, actor=EDITOR_ACTOR, library=library, slug=SLUG, title="甲",
                                body="甲的正文。", expected_revision=1)
        first.commit()
        with pytest.raises(service.SectionChanged):
            service.publish_section(session=second, actor=OTHER_EDITOR, library=library, slug=SLUG,
                                    title="乙", body="乙的正文。", expected_revision=1)
    assert _row(seeded).title == "甲" and _count(seeded, GuideRevision) == len(load_guide(GUIDE_DIR)) + 1


def test_an_earlier_revision_can_be_published_again(seeded, library):
    original = _row(seeded)
    _publish(seeded, library, body="临时改动。")
    with Session(seeded) as s:
        service.restore_revision(session=s, actor=EDITOR_ACTOR, library=library, slug=SLUG, number=1,
                                 expected_revision=2)
        s.commit()
    row = _row(seeded)
    assert (row.revision, row.body, row.title) == (3, original.body, original.title)


def test_a_guide_file_without_front_matter_is_refused_and_the_others_still_come_in(db_engine, tmp_path):
    shutil.copy(GUIDE_DIR / "01-shenme-shi-xinfang.md", tmp_path)
    (tmp_path / "02-po-le.md").write_text("没有标题的文件。\n", encoding="utf-8")
    with Session(db_engine) as s:
        report = service.import_guide(session=s, directory=tmp_path)
        s.commit()
    assert report.added == ["shenme-shi-xinfang"] and report.refused == ["02-po-le.md: no front matter"]


# --- citing an article by its law's name: 发布 stores the provision id ------------------------------

def test_publish_stores_the_ids_and_the_stale_scan_sees_them(seeded, library):
    body = "向有权处理的机关提出（[[信访工作条例第21条]]）；旧规定见 [[2005年信访条例第十条]]。"
    _publish(seeded, library, body=body)
    with Session(seeded) as s:
        stored = s.get(GuideSectionRecord, SLUG).body
        assert stored == ("向有权处理的机关提出（[[xinfang-gongzuo-tiaoli-2022:第二十一条]]）；"
                          "旧规定见 [[xinfang-tiaoli-2005:第十条]]。")
        assert service.section_of(s.get(GuideSectionRecord, SLUG)).provision_ids == [
            ARTICLE_21, "xinfang-tiaoli-2005:第十条"]
        [stale] = [c for c in stale_citations(session=s, library=library, kinds=(GUIDE,)) if c.ref == SLUG]
        assert stale.repealed == ("xinfang-tiaoli-2005:第十条",) and not stale.missing


def test_publish_refuses_an_unreadable_short_citation_naming_it(seeded, library):
    with pytest.raises(ValidationFailed) as info:
        _publish(seeded, library, body="见 [[信访工作条例第九十九条]] 和 [[信访条例第十条]]。")
    [said] = info.value.for_field("body")
    assert "[[信访工作条例第九十九条]]（《信访工作条例》没有第九十九条）" in said
    assert "[[信访条例第十条]]（“信访条例”指哪一部？" in said
    assert "[[信访工作条例第二十一条]]" in said   # how to write it, without the internal id


def test_adding_a_section_stores_the_ids_too(seeded, library):
    with Session(seeded) as s:
        row = structure.add_section(session=s, actor=EDITOR_ACTOR, library=library, slug="xin-jie",
                                    title="新的一节", body="依据 [[信访工作条例第二十一条]]。")
        s.commit()
        assert row.body == f"依据 [[{ARTICLE_21}]]。"
