"""The [[…]] citations of a guide section's text, as an 编辑 types them: the provision id
([[xinfang-gongzuo-tiaoli-2022:第二十一条]]) or the law's name and article ([[信访工作条例第二十一条]],
[[信访工作条例第21条]], any name the library knows the law by), read as the question bank reads a
citation (portal.search.citing). 发布 stores each as its provision id: the section keeps citing the
article the editor saw, also after a law update gives the name to another text, and every reader of
the guide (the public page, the stale-citation scan) reads ids only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from portal.laws.library import Library
from portal.search.citing import cited_provision, law_aliases

ANY_CITATION = re.compile(r"\[\[(.*?)\]\]", re.S)


@dataclass(frozen=True)
class Citation:
    """One distinct [[…]] of a text: what was typed between the brackets, the provision id it
    names (None when the library has no such article, or the name is ambiguous) and why not."""

    typed: str
    provision_id: str | None
    problem: str = ""


def read_citations(body: str, *, library: Library) -> list[Citation]:
    """Every distinct citation of `body`, in order of first mention."""
    aliases = law_aliases(library)
    found: list[Citation] = []
    for typed in dict.fromkeys(ANY_CITATION.findall(body)):
        if not typed.strip():
            found.append(Citation(typed, None, "方括号中没有写条文"))
            continue
        pid, problem = cited_provision(" ".join(typed.split()), library=library, aliases=aliases)
        found.append(Citation(typed, pid, problem))
    return found


def with_ids(body: str, citations: list[Citation], *,
             unknown: Callable[[Citation], str] | None = None) -> str:
    """`body` with each citation read as `[[<provision id>]]`; one the library cannot read is left as
    typed, or replaced by `unknown(citation)` (the preview's warning)."""
    by_typed = {c.typed: c for c in citations}

    def one(match: re.Match) -> str:
        citation = by_typed.get(match.group(1))
        if citation is None:
            return match.group(0)
        if citation.provision_id is not None:
            return f"[[{citation.provision_id}]]"
        return unknown(citation) if unknown else match.group(0)

    return ANY_CITATION.sub(one, body)


def by_ids(body: str, *, library: Library) -> str:
    """`body` as 发布 stores it: every citation the library can read as its provision id."""
    return with_ids(body, read_citations(body, library=library))
