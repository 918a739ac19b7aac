"""The law catalogue (content/laws/catalog.yaml) matches the law files; bad entries are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.laws.browse import filter_laws, shelves
from portal.laws.catalog import KINDS, TOPICS, catalog_problems, derived_names, parse_catalog, short_title
from portal.laws.library import load_library_report
from portal.laws.loader import LawFormatError

LAWS = Path(__file__).resolve().parents[2] / "content" / "laws"


def test_every_law_has_a_kind_and_a_topic_and_every_entry_a_law(library):
    assert catalog_problems(library.catalog, library.laws) == []
    for slug in library.laws:
        entry = library.entry(slug)
        assert entry.kind in KINDS and entry.topics and set(entry.topics) <= set(TOPICS)


def test_every_topic_and_kind_has_laws(library):
    kinds = {library.entry(s).kind for s in library.laws}
    assert kinds == set(KINDS)
    topics = {t for s in library.laws for t in library.entry(s).topics}
    assert topics == set(TOPICS)


def test_a_repealed_law_names_the_law_that_replaced_it(library):
    for slug, law in library.laws.items():
        successor = library.entry(slug).superseded_by
        assert (successor is not None) == law.is_repealed
        if successor:
            assert not library.law(successor).is_repealed


def test_catalogue_problems_are_reported(library):
    text = (LAWS / "catalog.yaml").read_text(encoding="utf-8")
    broken = parse_catalog(text.replace("minfadian-2020:", "minfadian-2021:", 1))
    problems = catalog_problems(broken, library.laws)
    assert any("minfadian-2021 is not a law file" in p for p in problems)
    assert any(p.startswith("minfadian-2020: no catalogue entry") for p in problems)
    clash = parse_catalog(text.replace("aliases: [民诉法]", "aliases: [民诉法, 刑诉法]", 1))
    assert any("alias 刑诉法" in p for p in catalog_problems(clash, library.laws))


@pytest.mark.parametrize(("change", "message"), [
    (("kind: 司法解释", "kind: 规章"), "kind '规章'"),
    (("topics: [婚姻家庭]", "topics: [家事]"), "unknown topic(s) 家事"),
    (("topics: [婚姻家庭]", "topics: []"), "at least one topic"),
    (("  kind: 宪法", "  kind: 宪法\n  colour: red"), "unknown field(s) colour"),
])
def test_malformed_entry_is_refused_with_file_and_line(change, message):
    text = (LAWS / "catalog.yaml").read_text(encoding="utf-8")
    with pytest.raises(LawFormatError) as err:
        parse_catalog(text.replace(*change, 1))
    assert message in str(err.value) and err.value.path == "catalog.yaml" and err.value.line > 1


def test_a_broken_catalogue_leaves_the_laws_published(tmp_path):
    for name in ("renmin-tiaojie-fa-2010.md", "xinfang-gongzuo-tiaoli-2022.md"):
        (tmp_path / name).write_text((LAWS / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text("xinfang-gongzuo-tiaoli-2022:\n  kind: 条例\n", encoding="utf-8")
    loaded = load_library_report(tmp_path)
    assert set(loaded.library.laws) == {"renmin-tiaojie-fa-2010", "xinfang-gongzuo-tiaoli-2022"}
    assert "catalog.yaml:1" in str(loaded.errors[0])


@pytest.mark.parametrize(("title", "names"), [
    ("中华人民共和国劳动合同法", {"劳动合同法"}),
    ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", {"民间借贷规定", "民间借贷司法解释"}),
    ("最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）",
     {"婚姻家庭编解释", "婚姻家庭编解释（一）", "婚姻家庭编司法解释"}),
    ("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", {"劳动争议解释", "劳动争议司法解释"}),
    ("最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释", {"担保制度解释"}),
])
def test_short_names_are_derived_from_titles(title, names):
    assert names <= set(derived_names(title))


def test_shelves_by_kind_put_repealed_laws_last(library):
    groups = shelves(library, by="kind")
    assert [name for name, _ in groups] == [*KINDS, "已废止"]
    assert sum(len(laws) for _, laws in groups) == len(library.laws)
    repealed = dict(groups)["已废止"]
    assert repealed and all(law.is_repealed for law in repealed)
    assert dict(groups)["司法解释"][0].title.startswith("最高人民法院")


def test_shelves_by_topic_list_a_law_under_each_of_its_topics(library):
    groups = dict(shelves(library, by="topic"))
    assert list(groups) == list(TOPICS)
    assert library.law("minfadian-2020") in groups["婚姻家庭"] and library.law("minfadian-2020") in groups["邻里与物业"]
    assert "国有土地上房屋征收与补偿条例" in [law.title for law in groups["土地与房屋"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("民诉法", "minshi-susong-fa-2023"), ("劳动合同", "laodong-hetong-fa-2012"),
    ("征收补偿", "guoyou-tudi-shang-fangwu-zhengshou-yu-buchang-tiaoli-2011"),
    ("民间借贷", "minjian-jiedai-guiding-2020"), ("  物业 ", "wuye-guanli-tiaoli-2018"),
    ("勞動合同法", "laodong-hetong-fa-2012"), ("信訪工作條例", "xinfang-gongzuo-tiaoli-2022"),  # 繁体
])
def test_filter_over_titles_and_aliases(library, query, expected):
    assert expected in [law.slug for law in filter_laws(library, query)]


def test_filter_finds_nothing_for_an_unknown_name(library):
    assert filter_laws(library, "公司法") == []
    assert len(filter_laws(library, "")) == len(library.laws)


@pytest.mark.parametrize(("title", "short"), [
    ("中华人民共和国民法典", "民法典"),
    ("信访工作条例", "信访工作条例"),
    ("信访条例", "信访条例"),
    ("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "劳动争议解释（一）"),
    ("最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释", "担保制度解释"),
    ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", "民间借贷规定"),
])
def test_a_short_title_is_the_title_without_its_long_form(title, short):
    assert short_title(title) == short


def test_every_shipped_law_has_a_short_title_of_its_own(library):
    shorts = [short_title(law.title) for law in library.laws.values()]
    assert len(set(shorts)) == len(shorts) == 41
