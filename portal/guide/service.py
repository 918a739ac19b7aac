"""信访指南 services: the public guide read from the database; the 编辑's 发布 of a section (the
page's structure, 新增 / 撤回 / 恢复 / 上移 / 下移, is in `portal.guide.structure`); the import of content/guide/*.md at setup
(files seed new sections; a stored section, withdrawn ones included, is never overwritten or
brought back, so staff edits win)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from portal import clock
from portal.audit.service import GUIDE_PUBLISH, record
from portal.concurrency import Taken, first_wins
from portal.field_errors import FieldError, ValidationFailed
from portal.guide.citing import by_ids, read_citations
from portal.guide.content import (
    CLOCK_REF,
    GuideFormatError,
    GuideSection,
    guide_files,
    parse_section,
)
from portal.guide.lifecycle import PUBLISHED
from portal.guide.models import GuideRevision, GuideSectionRecord
from portal.identity import Actor, require
from portal.laws.library import Library
from portal.qa.personal import has_personal_numbers
from portal.roles import EDITOR
from portal.timeutil import beijing_text, utcnow

log = logging.getLogger(__name__)

IMPORTER = "系统导入"
IMPORT_ACTION = "导入"
PUBLISH_ACTION = "发布"
MAX_TITLE = 40
MAX_BODY = 20000
_TITLE_FORBIDDEN = "<>[]`\\#"   # the title is a heading and a link text of the page's contents line
_ANY_TOKEN = re.compile(r"\{\{(.*?)\}\}", re.S)


class SectionChanged(ValidationFailed):
    """Another editor published the section after this editor's page showed it: nothing was written.
    `by`, `at` and `revision` say who published what is stored now, and when."""

    def __init__(self, *, by: str, at: dt.datetime, revision: int) -> None:
        super().__init__([FieldError("slug", f"没有发布：{by} 在 {beijing_text(at)} 修改并发布了这一节"
                                             f"（现在是第 {revision} 版），您的修改是在此之前的内容上做的。")])
        self.by, self.at, self.revision = by, at, revision


CITE_HOW = ("引用条文写作 [[法规名称第X条]]，如 [[信访工作条例第二十一条]] 或 [[信访工作条例第21条]]，"
            "法规名称用全称、简称都可以，也可以写条文编号。")
MISSING = "没有指南章节“{slug}”。"


class SectionNotFound(LookupError):
    pass


def section_of(row: GuideSectionRecord | GuideRevision) -> GuideSection:
    """What the public page draws (portal.guide.content.GuideSection) for a stored section."""
    slug = row.slug if isinstance(row, GuideSectionRecord) else row.section_slug
    return GuideSection(slug=slug, title=row.title, body=row.body, show_timeline=row.show_timeline)


# --- public reading ------------------------------------------------------------------------------

def published_sections(*, session: Session) -> list[GuideSection]:
    """The guide as the public page shows it: the published sections, in order."""
    query = (select(GuideSectionRecord).where(GuideSectionRecord.state == PUBLISHED)
             .order_by(GuideSectionRecord.position, GuideSectionRecord.slug))
    return [section_of(row) for row in session.exec(query)]


# --- validation ----------------------------------------------------------------------------------

def validate_section(*, title: str, body: str, library: Library) -> list[FieldError]:
    """Plain-Chinese problems with a section's text (empty when it may be published)."""
    errors: list[FieldError] = []
    if not title.strip():
        errors.append(FieldError("title", "请填写标题。"))
    elif any(ch in title for ch in _TITLE_FORBIDDEN):
        errors.append(FieldError("title", "标题不能含有 < > [ ] ` # 等符号。"))
    elif len(title.strip()) > MAX_TITLE:
        errors.append(FieldError("title", f"标题不超过 {MAX_TITLE} 个字。"))
    elif has_personal_numbers(title, strict=True):
        errors.append(FieldError("title", "标题中有身份证号或电话号码，请删去。"))
    if not body.strip():
        errors.append(FieldError("body", "请填写正文。"))
        return errors
    if len(body) > MAX_BODY:
        errors.append(FieldError("body", f"正文不超过 {MAX_BODY} 个字。"))
    if unknown := [c for c in read_citations(body, library=library) if c.provision_id is None]:
        errors.append(FieldError("body", "法规库中没有这些条文：" + "；".join(
            f"[[{c.typed}]]（{c.problem.rstrip('。')}）" for c in unknown) + "。" + CITE_HOW))
    rules = {rule.key for rule in clock.RULES}
    bad_tokens = [tok for tok in dict.fromkeys(_ANY_TOKEN.findall(body))
                  if not (m := CLOCK_REF.fullmatch(f"{{{{{tok}}}}}")) or m.group(2) not in rules]
    if bad_tokens:
        errors.append(FieldError("body", "没有这些期限：" + "、".join(f"{{{{{tok}}}}}" for tok in bad_tokens)
                                 + "。可用的有：" + "、".join(f"{{{{days:{key}}}}}" for key in sorted(rules))
                                 + "（ext: 为可延长的天数）。"))
    if has_personal_numbers(body, strict=True):   # published for anyone to read
        errors.append(FieldError("body", "正文中有身份证号或电话号码。信访指南公开发布，请删去这些号码。"))
    return errors


# --- staff (编辑) --------------------------------------------------------------------------------

def staff_sections(*, session: Session, actor: Actor) -> list[GuideSectionRecord]:
    require(actor, EDITOR)
    return list(session.exec(select(GuideSectionRecord).order_by(GuideSectionRecord.position,
                                                                 GuideSectionRecord.slug)))


def section_revisions(*, session: Session, actor: Actor, slug: str) -> list[GuideRevision]:
    """修订记录, newest first."""
    require(actor, EDITOR)
    return list(session.exec(select(GuideRevision).where(GuideRevision.section_slug == slug)
                             .order_by(col(GuideRevision.number).desc())))


def add_revision(session: Session, row: GuideSectionRecord, *, action: str, author: str) -> None:
    row.revision += 1
    session.add(row)
    session.flush()   # no ORM relationship: the section row must exist before its revision
    session.add(GuideRevision(section_slug=row.slug, number=row.revision, action=action, title=row.title,
                              body=row.body, show_timeline=row.show_timeline, author=author,
                              created_at=row.updated_at))


def section_row(session: Session, slug: str) -> GuideSectionRecord:
    """The stored section `slug`; SectionNotFound when there is none."""
    row = session.get(GuideSectionRecord, slug)
    if row is None:
        raise SectionNotFound(MISSING.format(slug=slug))
    return row


def last_position(session: Session) -> int:
    """The place of the page's last section, withdrawn ones included (0 with none): a new one goes after it."""
    return session.exec(select(func.max(GuideSectionRecord.position))).one() or 0


def publish_section(*, session: Session, actor: Actor, library: Library, slug: str, title: str, body: str,
                    expected_revision: int, show_timeline: bool | None = None) -> GuideSectionRecord:
    """Publish an editor's text of section `slug` (编辑): public at once, on every replica's next run.

    `expected_revision`: the revision the editor's page showed; when another editor has published
    since, SectionChanged (who, when) and nothing is written. ValidationFailed lists every problem."""
    require(actor, EDITOR)
    row = section_row(session, slug)
    if row.revision != expected_revision:
        raise SectionChanged(by=row.updated_by, at=row.updated_at, revision=row.revision)
    errors = validate_section(title=title, body=body, library=library)
    untick = show_timeline is False and row.show_timeline
    if untick:   # PostgreSQL: a colleague unticking another section at once waits here, then reads it
        published_rows(session, lock=True)
        if sole_timeline(session, row):
            errors.append(FieldError("show_timeline", TIMELINE_NEEDED))
    if errors:
        raise ValidationFailed(errors)
    try:
        with first_wins(session):   # the revision is the version the UPDATE checks: the first wins
            row.title, row.body = title.strip(), by_ids(body.strip(), library=library)
            if show_timeline is not None:
                row.show_timeline = show_timeline
            row.updated_by, row.updated_at = actor.username, utcnow()
            add_revision(session, row, action=PUBLISH_ACTION, author=actor.username)
            record(session=session, actor_name=actor.username, action=GUIDE_PUBLISH, target=f"guide:{slug}",
                   detail=f"第 {row.revision} 版：{row.title}")
            session.flush()
            # again after the write: on SQLite writers take turns, and this read sees a colleague's
            if untick and not any(r.show_timeline for r in published_rows(session)):
                session.rollback()
                raise ValidationFailed([FieldError("show_timeline", TIMELINE_NEEDED)])
    except Taken:   # rolled back: nothing of this publication is written
        latest = session.get(GuideSectionRecord, slug)
        raise SectionChanged(by=latest.updated_by, at=latest.updated_at, revision=latest.revision) from None
    return row


def restore_revision(*, session: Session, actor: Actor, library: Library, slug: str, number: int,
                     expected_revision: int) -> GuideSectionRecord:
    """Publish again the text of an earlier revision (a new revision; the history stays whole)."""
    require(actor, EDITOR)
    old = session.exec(select(GuideRevision).where(GuideRevision.section_slug == slug,
                                                   GuideRevision.number == number)).first()
    if old is None:
        raise SectionNotFound(f"没有第 {number} 版。")
    return publish_section(session=session, actor=actor, library=library, slug=slug, title=old.title,
                           body=old.body, show_timeline=old.show_timeline, expected_revision=expected_revision)


TIMELINE_NEEDED = ("这一节之后显示期限示意图和表格，公众页面上没有别的章节显示它（首页和查询页都请群众"
                   "在信访指南中查看办理期限）。请先在另一节勾选“在本节之后显示期限示意图和表格”并发布。")


def published_rows(session: Session, *, lock: bool = False) -> list[GuideSectionRecord]:
    query = select(GuideSectionRecord).where(GuideSectionRecord.state == PUBLISHED)
    if lock:   # in one order (by slug) for everyone, so two editors cannot deadlock; read afresh after the wait
        query = (query.order_by(GuideSectionRecord.slug).with_for_update()
                 .execution_options(populate_existing=True))
    return list(session.exec(query))


def sole_timeline(session: Session, row: GuideSectionRecord) -> bool:
    """Whether `row` is the one published section the deadline picture and table follow."""
    return row.state == PUBLISHED and not any(r.show_timeline for r in published_rows(session) if r.slug != row.slug)


# --- setup: content/guide/*.md seeds new sections -------------------------------------------------

@dataclass
class GuideImportReport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)      # already stored: left as staff (or an earlier import) left it
    refused: list[str] = field(default_factory=list)


def import_guide(*, session: Session, directory: Path, again: bool = True) -> GuideImportReport:
    """Add each guide file whose section the database does not hold yet; idempotent. A stored
    section is never overwritten (a file changed later does not undo staff's 发布)."""
    report = GuideImportReport()
    paths = guide_files(directory)
    known = set(session.exec(select(GuideSectionRecord.slug)))
    position = last_position(session)
    for path in paths:
        try:
            section = parse_section(path)
        except (GuideFormatError, ValueError) as exc:
            said = str(exc)
            report.refused.append(said if said.startswith(path.name) else f"{path.name}: {said}")
            continue
        if section.slug in known:
            report.kept.append(section.slug)
            continue
        position += 1
        row = GuideSectionRecord(slug=section.slug, title=section.title, body=section.body,
                                 show_timeline=section.show_timeline, position=position,
                                 updated_by=IMPORTER, updated_at=utcnow())
        add_revision(session, row, action=IMPORT_ACTION, author=IMPORTER)
        known.add(section.slug)
        report.added.append(section.slug)
    try:
        session.flush()
    except IntegrityError:
        # another replica's setup imported the same files in the same instant, or an 编辑 added a
        # section in the place taken here: read again once, and say what is stored then
        session.rollback()
        if again:
            return import_guide(session=session, directory=directory, again=False)
        return GuideImportReport(kept=report.added + report.kept, refused=report.refused)
    for line in report.refused:
        log.error("guide file refused: %s", line)
    return report
