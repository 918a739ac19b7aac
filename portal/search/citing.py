"""A citation as staff write it (民法典第五百七十七条, 信访工作条例第32条, 2005年信访条例第十条, or the
provision id itself) read as the library's provision id: the question bank's 附上这一条 and the
信访指南's [[…]] links read it the same way, with the 条文直达 parser (portal.search.exact)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.search.exact import DEFAULT_LAW, OLD_XINFANG_LAW, build_aliases, find_reference

if TYPE_CHECKING:
    from collections.abc import Mapping

    from portal.laws.library import Library


def law_aliases(library: Library) -> dict[str, str]:
    """Every name a law of `library` is cited by (titles, short names, catalogue aliases) → its slug."""
    return build_aliases({slug: law.title for slug, law in library.laws.items()}, library.catalog.aliases)


def cited_provision(text: str, *, library: Library, aliases: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """(provision id, "") for a citation as staff write it, else (None, what is wrong, in words).
    Every id returned is in `library`."""
    pid = text.strip().replace("：", ":")
    if not pid:
        return None, "请先在框里写要附上的条文，例如“民法典第五百七十七条”。"
    if library.provision(pid) is not None:
        return pid, ""
    ref = find_reference(pid, law_aliases(library) if aliases is None else aliases, library.provisions)
    if ref is None or not ref.alias:
        return None, f"没有找到“{pid}”。请写法规名称和条号，例如“民法典第五百七十七条”。"
    if ref.provision_id is None:
        return None, f"《{library.law(ref.law_slug).title}》没有{ref.label}。"
    if ref.law_slug == DEFAULT_LAW and "工作" not in ref.alias and library.law(OLD_XINFANG_LAW) is not None:
        # 法律问答 reads 信访条例 as today's 信访工作条例 and says so; citing an article, staff say
        # which (the repealed 2005 第十条 is another rule than today's 第十条)
        return None, (f"“{ref.alias}”指哪一部？2005年的《信访条例》已废止，现行的是《信访工作条例》。"
                      f"请写“信访工作条例{ref.label}”，或“2005年信访条例{ref.label}”。")
    return ref.provision_id, ""
