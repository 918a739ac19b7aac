"""Provision ids (条文标识): `<law slug>:<article label>`, e.g. `xinfang-gongzuo-tiaoli-2022:第三十二条`.
The one place that knows how an id is put together and taken apart."""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = ":"

# The laws the portal's own logic names (everything else is found through the library):
XINFANG_REGULATION = "xinfang-gongzuo-tiaoli-2022"   # 信访工作条例 (2022), the governing text
OLD_XINFANG_REGULATION = "xinfang-tiaoli-2005"       # 信访条例 (2005), repealed, kept as history


@dataclass(frozen=True)
class ProvisionId:
    """A provision id taken apart: the law's slug and the article's label (第三十二条)."""

    law_slug: str
    label: str

    @classmethod
    def parse(cls, text: str) -> ProvisionId:
        """`slug:label` -> ProvisionId. Raises ValueError when `text` has no slug or no label."""
        slug, sep, label = text.partition(SEPARATOR)
        if not sep or not slug or not label:
            raise ValueError(f"not a provision id: {text!r}")
        return cls(law_slug=slug, label=label)

    def __str__(self) -> str:
        return f"{self.law_slug}{SEPARATOR}{self.label}"


def format_provision_id(law_slug: str, label: str) -> str:
    """The id of article `label` of law `law_slug`."""
    return str(ProvisionId(law_slug=law_slug, label=label))


def law_slug_of(provision_id: str) -> str:
    """The law slug of a provision id ("" when the text is not a provision id)."""
    slug, sep, _ = provision_id.partition(SEPARATOR)
    return slug if sep else ""


def label_of(provision_id: str) -> str:
    """The article label of a provision id. Raises ValueError when the text is not one."""
    return ProvisionId.parse(provision_id).label
