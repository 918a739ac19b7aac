"""Docs as tests: every shipped typical case (content/cases/*.md) is complete, labelled as an
illustration, and cites only provisions that exist in the law library."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

CASES_DIR = Path(__file__).resolve().parents[2] / "content" / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.md"))
CATEGORIES = ("依法逐级走访", "诉访分离", "初信初访", "复查复核", "多元化解", "违法信访", "检举控告",
              "困难帮扶", "建议采纳")
SECTIONS = ("案情", "处理过程", "处理结果", "典型意义")
REQUIRED = ("slug", "title", "category", "illustrative", "published", "provisions")


def _parse(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.S)
    assert match, f"{path.name}: no YAML front matter between --- lines"
    return yaml.safe_load(match.group(1)), match.group(2)


def _sections(body: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", body, flags=re.M)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def test_at_least_twelve_cases_cover_every_category():
    assert len(CASE_FILES) >= 12
    seen = {_parse(p)[0]["category"] for p in CASE_FILES}
    assert set(CATEGORIES) <= seen, set(CATEGORIES) - seen


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_case_file_is_complete_and_cites_real_articles(path, library):
    meta, body = _parse(path)
    missing = [f for f in REQUIRED if f not in meta]
    assert not missing, f"{path.name}: missing {missing}"
    assert meta["slug"] == path.stem and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta["slug"])
    assert meta["title"].strip()
    assert meta["category"] in CATEGORIES
    assert meta["illustrative"] is True, "shipped cases are 示例案例, never real persons"
    assert isinstance(meta["published"], dt.date)
    assert meta["provisions"], "a case needs 法律依据"
    for cite in meta["provisions"]:
        provision = library.provision(cite["id"])
        assert provision is not None, f"{path.name}: {cite['id']} is not in the library"
        assert not library.law_of(provision).is_repealed, f"{path.name}: cites repealed {cite['id']}"
        assert len(cite.get("reason", "").strip()) >= 10, f"{path.name}: {cite['id']} has no reason"
    sections = _sections(body)
    for name in SECTIONS:
        assert len(sections.get(name, "")) >= 40, f"{path.name}: section ## {name} missing or empty"
    # the case page says it once above the text (illustrative: true); the body does not say it again
    assert "本案例为示例" not in body and "均为虚构" not in body, f"{path.name}: 示例 note repeated in the body"


def test_brief_topics_cite_the_articles_they_rest_on():
    """The issue's list of situations, each with the article(s) its case must cite."""
    cited = {p.stem: {c["id"] for c in _parse(p)[0]["provisions"]} for p in CASE_FILES}
    xf = "xinfang-gongzuo-tiaoli-2022:"
    wanted = [
        {xf + "第二十条"},
        {"laodong-zhengyi-tiaojie-zhongcai-fa-2007:第二十七条"},
        {xf + "第二十二条", xf + "第二十八条"},
        {xf + "第三十五条"},
        {xf + "第三十六条"},
        {xf + "第三十条", xf + "第四十六条"},
        {xf + "第二十六条", xf + "第四十七条", "zhian-guanli-chufa-fa-2025:第二十六条"},
        {xf + "第三十七条"},
        {xf + "第二十九条"},
    ]
    for ids in wanted:
        assert any(ids <= c for c in cited.values()), f"no case cites all of {ids}"
    assert any(any(i.startswith("renmin-tiaojie-fa-2010:") for i in c) for c in cited.values())
