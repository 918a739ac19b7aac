"""信访指南's structure (编辑): 新增 a section, 撤回 / 恢复 one, 上移 / 下移 one. A withdrawn section
leaves the public page but is kept with its revisions; nothing is deleted. The public page is never
left empty, nor without the deadline picture (`service.sole_timeline`)."""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.audit.service import GUIDE_ADD, GUIDE_MOVE, record
from portal.field_errors import FieldError, ValidationFailed
from portal.guide.citing import by_ids
from portal.guide.lifecycle import MACHINE, PUBLISHED, RESTORE, WITHDRAW, GuideActionRefused
from portal.guide.models import GuideSectionRecord
from portal.guide.service import (
    MISSING,
    TIMELINE_NEEDED,
    SectionNotFound,
    add_revision,
    last_position,
    published_rows,
    section_row,
    validate_section,
)
from portal.identity import Actor, require
from portal.laws.library import Library
from portal.lifecycle import guarded_move
from portal.roles import EDITOR
from portal.timeutil import utcnow

ADD_ACTION = "新增"
UP, DOWN = "上移", "下移"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
RESERVED_SLUGS = frozenset({"timeline"})   # the anchor of the deadline picture on the public page
LAST_SECTION = "没有撤回：这是公众页面上仅剩的一节，信访指南不能是空的。请先恢复或新增另一节。"
ORDER_CHANGED = "没有移动：章节顺序刚被他人调整过。下面是最新的顺序，请看过后再移动。"


def validate_slug(*, session: Session, slug: str) -> list[FieldError]:
    """网址名 of a new section: it is the section's anchor on the public page (/guide#<slug>)."""
    if not slug or len(slug) > MAX_SLUG or not SLUG_PATTERN.fullmatch(slug):
        return [FieldError("slug", f"网址名只能用小写英文字母、数字和单个横线（如 jiedai-dating-tongzhi），"
                                   f"不超过 {MAX_SLUG} 个字符。")]
    if slug in RESERVED_SLUGS:
        return [FieldError("slug", f"网址名“{slug}”留给期限示意图使用，请换一个。")]
    if (taken := session.get(GuideSectionRecord, slug)) is not None:
        return [_slug_taken(taken)]
    return []


def _slug_taken(row: GuideSectionRecord) -> FieldError:
    withdrawn = "（已撤回，可在列表中恢复）" if row.state != PUBLISHED else ""
    return FieldError("slug", f"网址名“{row.slug}”已被“{row.title}”一节使用{withdrawn}，请换一个。")


def add_section(*, session: Session, actor: Actor, library: Library, slug: str, title: str, body: str,
                show_timeline: bool = False) -> GuideSectionRecord:
    """新增章节 (编辑): a new section, published at once as the last one of the page (第 1 版).
    Refused with every problem of the 网址名, the title and the text (as 发布 refuses them)."""
    require(actor, EDITOR)
    slug = slug.strip()
    if errors := validate_slug(session=session, slug=slug) + validate_section(title=title, body=body, library=library):
        raise ValidationFailed(errors)
    row = GuideSectionRecord(slug=slug, title=title.strip(), body=by_ids(body.strip(), library=library),
                             show_timeline=show_timeline,
                             position=last_position(session) + 1, state=PUBLISHED, updated_by=actor.username, updated_at=utcnow())
    try:
        add_revision(session, row, action=ADD_ACTION, author=actor.username)
        record(session=session, actor_name=actor.username, action=GUIDE_ADD, target=f"guide:{slug}",
               detail=f"第 {row.position} 节：{row.title}")
        session.flush()
    except IntegrityError:   # a colleague added this 网址名, or another section, in the same instant
        session.rollback()
        if (taken := session.get(GuideSectionRecord, slug)) is not None:
            raise ValidationFailed([_slug_taken(taken)]) from None
        raise ValidationFailed([FieldError("slug", "没有新增：同事刚刚也新增了一节。您填写的内容还在，"
                                                   "请再点一次“新增并发布”。")]) from None
    return row


def withdraw_section(*, session: Session, actor: Actor, slug: str,
                     expected_revision: int | None = None) -> GuideSectionRecord:
    """撤回 (编辑): the section leaves the public page at once; it is kept with its revisions and can
    be restored. Refused (GuideActionRefused) for the last published section, and for the one the
    deadline picture follows when no other published section shows it."""
    require(actor, EDITOR)
    row = section_row(session, slug)

    def still_whole() -> None:
        others = [r for r in published_rows(session, lock=True) if r.slug != slug]
        if not others:
            raise GuideActionRefused(LAST_SECTION)
        if row.show_timeline and not any(r.show_timeline for r in others):
            raise GuideActionRefused("没有撤回：" + TIMELINE_NEEDED)

    def write() -> None:
        add_revision(session, row, action=WITHDRAW, author=actor.username)
        session.flush()
        try:   # again after the write: on SQLite, writers take turns and this read sees a colleague's
            still_whole()
        except GuideActionRefused:
            session.rollback()
            raise

    guarded_move(session, row, WITHDRAW, machine=MACHINE, actor=actor.username, target=f"guide:{slug}",
                 detail=lambda state: f"第 {row.revision} 版：{row.title}（{state}）", checks={WITHDRAW: still_whole},
                 write=write, seen_revision=expected_revision)
    return row


def restore_section(*, session: Session, actor: Actor, library: Library, slug: str,
                    expected_revision: int | None = None) -> GuideSectionRecord:
    """恢复 (编辑): a withdrawn section is published again in its place, its text checked as 发布 checks
    it (an article may have left the library meanwhile)."""
    require(actor, EDITOR)
    row = section_row(session, slug)

    def publishable() -> None:
        if errors := validate_section(title=row.title, body=row.body, library=library):
            raise ValidationFailed(errors)

    guarded_move(session, row, RESTORE, machine=MACHINE, actor=actor.username, target=f"guide:{slug}",
                 detail=lambda state: f"第 {row.revision} 版：{row.title}（{state}）", checks={RESTORE: publishable},
                 write=lambda: add_revision(session, row, action=RESTORE, author=actor.username),
                 seen_revision=expected_revision)
    return row


def move_section(*, session: Session, actor: Actor, slug: str, direction: str,
                 expected_neighbour: str | None = None) -> GuideSectionRecord:
    """上移 / 下移 (编辑): swap places with the next section up or down the list staff see (withdrawn
    sections keep their places too). `expected_neighbour`: the section the editor's page showed
    there; when the order changed since, nothing moves. Each write is conditional on the place read,
    and places are unique, so two editors moving at once cannot leave two sections in one place."""
    require(actor, EDITOR)
    if direction not in (UP, DOWN):
        raise ValueError(f"direction must be {UP} or {DOWN}")
    # PostgreSQL: locked in slug order, as published_rows locks, so a move and a withdrawal cannot
    # deadlock; a second mover waits for the first and then reads the new places: sort on them here
    locked = session.exec(select(GuideSectionRecord).order_by(GuideSectionRecord.slug).with_for_update()
                          .execution_options(populate_existing=True))
    order = sorted(locked, key=lambda r: r.position)
    index = next((i for i, r in enumerate(order) if r.slug == slug), None)
    if index is None:
        raise SectionNotFound(MISSING.format(slug=slug))
    row = order[index]
    to = index - 1 if direction == UP else index + 1
    if not 0 <= to < len(order):
        raise GuideActionRefused(f"“{row.title}”已经是{'第一' if direction == UP else '最后一'}节，不能再{direction}。")
    other = order[to]
    if expected_neighbour is not None and other.slug != expected_neighbour:
        raise GuideActionRefused(ORDER_CHANGED)
    mine, theirs = row.position, other.position
    for moved, before, after in ((row.slug, mine, -mine), (other.slug, theirs, mine), (row.slug, -mine, theirs)):
        done = session.execute(update(GuideSectionRecord)
                               .where(col(GuideSectionRecord.slug) == moved, col(GuideSectionRecord.position) == before)
                               .values(position=after))
        if done.rowcount != 1:   # SQLite: a colleague's move was written between the read and this write
            session.rollback()
            raise GuideActionRefused(ORDER_CHANGED)
    record(session=session, actor_name=actor.username, action=GUIDE_MOVE, target=f"guide:{slug}",
           detail=f"{direction}：{row.title}（第 {index + 1} 节 → 第 {to + 1} 节，与“{other.title}”交换）")
    session.flush()
    return row
