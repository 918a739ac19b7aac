"""The typical-case text (案例内容) and its file format, content/cases/<slug>.md.

Front matter (slug, title, category, illustrative, published, provisions: [{id, reason}]) then
four sections `## 案情`, `## 处理过程`, `## 处理结果`, `## 典型意义` in Markdown. The same format
is used to import shipped cases and to export staff-published ones."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from portal.field_errors import FieldError
from portal.laws.library import Library
from portal.qa.personal import has_personal_numbers
from portal.yamlload import YAMLError, safe_load

CATEGORIES: tuple[str, ...] = ("依法逐级走访", "诉访分离", "初信初访", "复查复核", "多元化解",
                               "违法信访", "检举控告", "困难帮扶", "建议采纳")
# field name -> section heading in the file and label in the editor
SECTIONS: dict[str, str] = {"facts": "案情", "process": "处理过程", "result": "处理结果",
                            "significance": "典型意义"}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SECTION_HEADING = re.compile(r"^## +(.+?)\s*$", re.M)
_TITLE_FORBIDDEN = "<>[]`\\"  # a title is plain text everywhere it is shown
MAX_TITLE, MAX_REASON, MAX_SECTION = 200, 300, 20000


@dataclass(frozen=True)
class Citation:
    """法律依据: a provision id and one sentence on why it applies."""

    id: str
    reason: str = ""


@dataclass(frozen=True)
class CaseDraft:
    """What an editor writes; validated by validate_draft before it is stored."""

    title: str
    category: str
    facts: str
    process: str
    result: str
    significance: str
    provisions: tuple[Citation, ...] = ()
    illustrative: bool = True


@dataclass
class CaseFile:
    slug: str
    draft: CaseDraft
    published: dt.date | None = None
    errors: list[str] = field(default_factory=list)


def validate_slug(slug: str) -> list[FieldError]:
    if not slug or len(slug) > 80 or not SLUG_PATTERN.match(slug):
        return [FieldError("slug", "网址名只能用小写英文字母、数字和单个横线，不超过 80 个字符。")]
    return []


def validate_draft(draft: CaseDraft, *, library: Library) -> list[FieldError]:
    """Every problem with the draft; a provision id that does not resolve is refused."""
    errors: list[FieldError] = []
    if not draft.title.strip():
        errors.append(FieldError("title", "请填写标题。"))
    elif any(ch in draft.title for ch in _TITLE_FORBIDDEN):
        errors.append(FieldError("title", "标题不能含有 < > [ ] ` 等符号。"))
    elif len(draft.title) > MAX_TITLE:
        errors.append(FieldError("title", f"标题不超过 {MAX_TITLE} 个字。"))
    if draft.category not in CATEGORIES:
        errors.append(FieldError("category", "请选择类别。"))
    for name, label in SECTIONS.items():
        text = getattr(draft, name)
        if not text.strip():
            errors.append(FieldError(name, f"请填写{label}。"))
        elif len(text) > MAX_SECTION:
            errors.append(FieldError(name, f"{label}不超过 {MAX_SECTION} 个字。"))
        elif _SECTION_HEADING.search(text):   # the file would read it as the next section
            errors.append(FieldError(name, f"{label}中不能有以“## ”开头的行（导出的案例文件会把它当作新的部分）；"
                                           "小标题请用“### ”。"))
        elif has_personal_numbers(text, strict=True):   # published for anyone to read
            errors.append(FieldError(name, f"{label}中有身份证号或电话号码。典型案例公开发布，请删去号码；"
                                           "当事人写作“张某”“某公司”。"))
    if not draft.provisions:
        errors.append(FieldError("provisions", "请至少选择一条法律依据。"))
    seen: set[str] = set()
    for citation in draft.provisions:
        if library.provision(citation.id) is None:
            errors.append(FieldError("provisions", f"法规库中没有条文“{citation.id}”，请从法规库中选择。"))
        elif citation.id in seen:
            errors.append(FieldError("provisions", f"条文“{citation.id}”重复了。"))
        elif not citation.reason.strip():   # published, it read "《…》第N条：" with nothing after it
            provision = library.provision(citation.id)
            errors.append(FieldError("provisions", f"请写明《{library.law_of(provision).title}》{provision.label}"
                                                   "的适用理由（一句话）。"))
        if len(citation.reason) > MAX_REASON:
            errors.append(FieldError("provisions", f"适用理由不超过 {MAX_REASON} 个字。"))
        seen.add(citation.id)
    return errors


def parse_case_text(text: str, *, slug: str) -> CaseFile:
    """Parse one case file; problems are collected in `errors` (the file is then refused)."""
    empty = CaseDraft("", "", "", "", "", "")
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n") or (end := text.find("\n---\n", 4)) < 0:
        return CaseFile(slug, empty, errors=["missing front matter between --- lines"])
    try:
        meta = safe_load(text[4:end]) or {}
    except YAMLError as exc:
        return CaseFile(slug, empty, errors=[f"front matter is not valid YAML: {exc}"])
    if not isinstance(meta, dict):
        return CaseFile(slug, empty, errors=["front matter is not a mapping"])
    errors: list[str] = []
    if meta.get("slug") != slug:
        errors.append(f"front matter slug {meta.get('slug')!r} differs from the file name {slug!r}")
    body, sections = text[end + 5:], {}
    matches = list(_SECTION_HEADING.finditer(body))
    if matches and body[: matches[0].start()].strip():
        errors.append("text before the first ## section")
    for i, match in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        heading = match.group(1)
        if heading not in SECTIONS.values():
            errors.append(f"unknown section ## {heading} (expected {', '.join(SECTIONS.values())})")
        sections[heading] = body[match.end():stop].strip("\n")
    citations = []
    for item in meta.get("provisions") or []:
        if not isinstance(item, dict) or not item.get("id"):
            errors.append(f"provision entry without id: {item!r}")
            continue
        citations.append(Citation(str(item["id"]).strip(), str(item.get("reason") or "").strip()))
    published = meta.get("published")
    if published is not None and not isinstance(published, dt.date):
        try:
            published = dt.date.fromisoformat(str(published))
        except ValueError:
            errors.append(f"published is not a date: {published!r}")
            published = None
    draft = CaseDraft(title=str(meta.get("title") or "").strip(), category=str(meta.get("category") or ""),
                      illustrative=bool(meta.get("illustrative", True)), provisions=tuple(citations),
                      **{name: sections.get(label, "") for name, label in SECTIONS.items()})
    return CaseFile(slug, draft, published, errors)


def to_case_text(*, slug: str, draft: CaseDraft, published: dt.date | None) -> str:
    """The file text for a case (the inverse of parse_case_text)."""
    meta = {"slug": slug, "title": draft.title, "category": draft.category,
            "illustrative": draft.illustrative}
    if published is not None:
        meta["published"] = published
    meta["provisions"] = [{"id": c.id, "reason": c.reason} for c in draft.provisions]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    sections = "\n".join(f"## {label}\n{getattr(draft, name).strip()}\n"
                         for name, label in SECTIONS.items())
    return f"---\n{front}---\n{sections}"
