"""Every shipped law parses with continuous numbering, verbatim; broken copies are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.laws.library import load_library, load_library_report
from portal.laws.loader import LawFormatError, parse_law
from portal.laws.numerals import article_label, cn_to_int, int_to_cn, parse_label

ROOT = Path(__file__).resolve().parents[2]
LAWS = ROOT / "content" / "laws"
SOURCES = (LAWS / "SOURCES.md").read_text(encoding="utf-8")


def sources_counts() -> dict[str, int]:
    """Article counts from the table in SOURCES.md (e.g. '505（452条 + 53条“之X”）' -> 505)."""
    counts = {}
    for m in re.finditer(r"^\| \[([a-z0-9-]+)\.md\]\([^)]*\) \| [^|]+ \| (\d+)", SOURCES, re.M):
        counts[m.group(1)] = int(m.group(2))
    return counts


def test_every_shipped_law_parses_with_the_counts_of_sources_md(library):
    expected = sources_counts()
    assert len(expected) == 41
    assert {slug: len(law.provisions) for slug, law in library.laws.items()} == expected
    assert len(library.provisions) == sum(expected.values()) == 5155


def test_known_counts():
    lib = load_library(LAWS)
    assert len(lib.law("xianfa-2018").provisions) == 143
    assert len(lib.law("minfadian-2020").provisions) == 1260
    xingfa = lib.law("xingfa-2023")
    assert len(xingfa.provisions) == 505
    assert sum(1 for p in xingfa.provisions if p.sub) == 53
    assert len(lib.law("xinfang-gongzuo-tiaoli-2022").provisions) == 50


def test_inserted_articles_sort_after_their_base(library):
    xingfa = library.law("xingfa-2023")
    labels = [p.label for p in xingfa.provisions]
    i = labels.index("第二百七十六条")
    assert labels[i + 1] == "第二百七十六条之一"
    assert labels[i + 2] == "第二百七十七条"
    assert [p.sort_key for p in xingfa.provisions] == sorted(p.sort_key for p in xingfa.provisions)


def test_provision_text_equals_the_source_paragraph_character_for_character(library):
    for law in library.laws.values():
        text = (LAWS / f"{law.slug}.md").read_text(encoding="utf-8")
        paragraphs = [block.strip("\n") for block in text.split("\n\n")]
        articles = [p for p in paragraphs if re.match(r"^第[零〇一二两三四五六七八九十百千]+条", p)]
        assert [p.text for p in law.provisions] == articles, law.slug


def test_article_32_text_and_path(library):
    p = library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条")
    assert p.text.startswith("第三十二条\u3000")
    assert p.path == ("第四章 信访事项的办理",)
    art36 = library.provision("xinfang-gongzuo-tiaoli-2022:第三十六条")
    assert len(art36.body.split("\n")) == 3  # three 款, each on its own line


def test_repealed_law_is_marked(library):
    old = library.law("xinfang-tiaoli-2005")
    assert old.is_repealed and old.status == "已废止"
    assert not library.law("xinfang-gongzuo-tiaoli-2022").is_repealed


def _copy(slug: str) -> str:
    return (LAWS / f"{slug}.md").read_text(encoding="utf-8")


def test_gap_in_numbering_is_refused_with_file_and_line():
    text = _copy("renmin-tiaojie-fa-2010")
    broken = re.sub(r"\n\n第五条　[^\n]*(\n[^\n]+)*", "", text, count=1)
    with pytest.raises(LawFormatError) as err:
        parse_law(broken, slug="renmin-tiaojie-fa-2010")
    assert "第六条" in str(err.value) and "gap" in str(err.value)
    assert err.value.path == "renmin-tiaojie-fa-2010.md" and err.value.line > 1


def test_duplicate_article_is_refused():
    text = _copy("renmin-tiaojie-fa-2010")
    broken = text.replace("第六条　", "第五条　", 1)
    with pytest.raises(LawFormatError, match="duplicate"):
        parse_law(broken, slug="renmin-tiaojie-fa-2010")


def test_missing_front_matter_is_refused():
    text = _copy("renmin-tiaojie-fa-2010")
    body = text.split("\n---\n", 1)[1]
    with pytest.raises(LawFormatError, match="front matter"):
        parse_law(body, slug="x")


@pytest.mark.parametrize("field", ["title", "issuer", "source", "status"])
def test_missing_field_or_unknown_status_is_refused(field):
    text = _copy("renmin-tiaojie-fa-2010")
    broken = re.sub(rf"^{field}: .*$", f"{field}: ", text, count=1, flags=re.M)
    with pytest.raises(LawFormatError, match=f"lacks {field}"):
        parse_law(broken, slug="x")
    bad_status = text.replace("status: 现行有效", "status: 试行", 1)
    with pytest.raises(LawFormatError, match="unknown status"):
        parse_law(bad_status, slug="x")


def test_a_broken_file_is_left_out_whole_and_the_others_still_load(tmp_path):
    for name in ("renmin-tiaojie-fa-2010.md", "xinfang-gongzuo-tiaoli-2022.md"):
        (tmp_path / name).write_text(_copy(name[:-3]), encoding="utf-8")
    broken = _copy("renmin-tiaojie-fa-2010").replace("第六条　", "第五条　", 1)
    (tmp_path / "renmin-tiaojie-fa-2010.md").write_text(broken, encoding="utf-8")
    loaded = load_library_report(tmp_path)
    assert list(loaded.library.laws) == ["xinfang-gongzuo-tiaoli-2022"]
    assert not any(p.startswith("renmin") for p in loaded.library.provisions)
    assert "renmin-tiaojie-fa-2010.md" in str(loaded.errors[0])


@pytest.mark.parametrize("n", [1, 10, 11, 20, 101, 110, 276, 1000, 1001, 1077, 1260])
def test_numerals_round_trip(n):
    assert cn_to_int(int_to_cn(n)) == n
    assert parse_label(article_label(n, 1)) == (n, 1)


def test_numerals_match_every_label_in_the_library(library):
    for p in library.provisions.values():
        assert article_label(p.number, p.sub) == p.label


def test_judicial_interpretation_parts_and_preamble(library):
    danbao = library.law("danbao-zhidu-jieshi-2020")
    headings = [(b.level, b.text) for b in danbao.headings()]
    assert headings[0] == (2, "一、关于一般规定")
    assert (3, "（二）不动产抵押") in headings
    assert library.provision("danbao-zhidu-jieshi-2020:第四十六条").path[0] == "三、关于担保物权"
    jiedai = library.law("minjian-jiedai-guiding-2020")
    assert jiedai.headings() == [] and len(jiedai.provisions) == 31
    assert jiedai.blocks[0].kind == "text" and jiedai.blocks[0].text.startswith("为")


def test_chapters_run_on_or_restart_per_book(library):
    minsu = library.provision("minshi-susong-fa-2023:第一百二十二条")
    assert minsu.path[0].startswith("第二编") and minsu.path[1] == "第十二章 第一审普通程序"
    xingsu = library.law("xingshi-susong-fa-2018")
    second_book = [b.text for b in xingsu.headings()]
    i = second_book.index("第二编 立案、侦查和提起公诉")
    assert second_book[i + 1].startswith("第一章")


def test_file_without_preface_and_last_amended(library):
    law = library.law("baozhang-nongmingong-gongzi-zhifu-tiaoli-2019")
    assert law.preface == () and len(law.provisions) == 64
    wuye = library.law("wuye-guanli-tiaoli-2018")
    assert wuye.last_amended is not None and wuye.last_amended > wuye.effective


def test_chapter_numbering_that_mixes_run_on_and_restart_is_refused():
    text = _copy("minshi-susong-fa-2023")
    # 民事诉讼法's chapters run on across 编; a later 编 that restarts at 第一章 breaks the pattern
    broken = text.replace("## 第十九章 一般规定", "## 第一章 一般规定", 1)
    with pytest.raises(LawFormatError, match="run on") as err:
        parse_law(broken, slug="minshi-susong-fa-2023")
    assert err.value.line > 1
    restart = _copy("xingshi-susong-fa-2018")
    third = re.search(r"^# 第三编 .*\n\n## (第一章) ", restart, re.M)
    broken = restart[:third.start(1)] + "第六章" + restart[third.end(1):]
    with pytest.raises(LawFormatError, match="restart at 1"):
        parse_law(broken, slug="xingshi-susong-fa-2018")


def test_gap_in_judicial_interpretation_parts_is_refused():
    text = _copy("danbao-zhidu-jieshi-2020")
    with pytest.raises(LawFormatError, match="where number 3 expected"):
        parse_law(text.replace("## 三、关于担保物权", "## 四、关于担保物权", 1), slug="x")
    with pytest.raises(LawFormatError, match="where number 2 expected"):
        parse_law(text.replace("### （二）不动产抵押", "### （三）不动产抵押", 1), slug="x")


def _small_law(labels: list[str], *, declared: int | None) -> str:
    """A law file in the project's format (front matter, 题注, one chapter) with these articles."""
    front = ['title: "测试条例"', 'issuer: "某市人民代表大会常务委员会"', "promulgated: 2020-01-01",
             "effective: 2020-03-01", "status: 现行有效", 'source: "https://example.org/test"']
    if declared is not None:
        front.append(f"articles: {declared}")
    body = "\n\n".join(f"{label}\u3000{label}的内容。" for label in labels)
    return "---\n" + "\n".join(front) + "\n---\n\n# 测试条例\n\n## 第一章 总则\n\n" + body + "\n"


TEN = [f"第{int_to_cn(n)}条" for n in range(1, 11)]      # 第一条 … 第十条


def _load_one(tmp_path, text: str):
    (tmp_path / "ceshi-tiaoli-2020.md").write_text(text, encoding="utf-8")
    return load_library_report(tmp_path)


def test_a_gap_among_inserted_articles_leaves_the_law_file_out(tmp_path):
    """第十条之一 then 第十条之三: 之二 is missing, like a gap between 第五条 and 第七条."""
    fine = _load_one(tmp_path, _small_law([*TEN, "第十条之一", "第十条之二"], declared=12))   # 10 + 2
    assert not fine.errors and len(fine.library.law("ceshi-tiaoli-2020").provisions) == 12
    broken = _load_one(tmp_path, _small_law([*TEN, "第十条之一", "第十条之三"], declared=12))
    assert "ceshi-tiaoli-2020" not in broken.library.laws
    assert "ceshi-tiaoli-2020.md" in str(broken.errors[0]) and "第十条之三" in str(broken.errors[0])
    with pytest.raises(LawFormatError, match="第十条之二 is not right after its base article"):
        parse_law(_small_law([*TEN, "第十条之二"], declared=11), slug="ceshi-tiaoli-2020")   # 之二 without 之一
    with pytest.raises(LawFormatError, match="第九条之一 is not right after its base article"):
        parse_law(_small_law([*TEN[:8], "第九条之一", *TEN[8:]], declared=11), slug="ceshi-tiaoli-2020")


@pytest.mark.parametrize(("declared", "ok"), [(10, True), (9, False), (11, False)])
def test_the_declared_article_count_must_equal_the_articles_found(tmp_path, declared, ok):
    """10 articles in the file: `articles: 10` loads; 9 (more found than declared) and 11 (fewer)
    leave the file out."""
    loaded = _load_one(tmp_path, _small_law(TEN, declared=declared))
    if ok:
        assert not loaded.errors and len(loaded.library.law("ceshi-tiaoli-2020").provisions) == 10
    else:
        assert "ceshi-tiaoli-2020" not in loaded.library.laws
        assert f"front matter says {declared} articles, found 10" in str(loaded.errors[0])
