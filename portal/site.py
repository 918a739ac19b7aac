"""Who runs the portal and how to reach them: the bureau's name and city (settings) and the
reception hall's one set of opening hours (content/schedule.yaml). Header, footer, 接访日程 and
receipts all read this, so the hours never contradict each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from portal.settings import Settings
from portal.yamlload import safe_load

PORTAL_TITLE = "法治信访门户"


@dataclass(frozen=True)
class Office:
    """The bureau's identity and contacts as a citizen sees them."""

    city: str
    bureau: str            # e.g. 信访局
    phone: str
    address: str
    days: str              # 周一至周五（法定节假日除外）
    hours: tuple[str, ...]  # ("09:00—12:00", "13:30—17:00")
    booking: str

    @property
    def full_name(self) -> str:
        """示范市信访局 — the 主办单位."""
        return f"{self.city}{self.bureau}"

    @property
    def hours_text(self) -> str:
        return f"{self.days} {'、'.join(self.hours)}"

    @property
    def map_url(self) -> str:
        """A link that opens the address in a web map (the citizen's own map app on a phone)."""
        return "https://uri.amap.com/search?keyword=" + quote(f"{self.city}{self.address}")

    @property
    def tel_url(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


def load_office(settings: Settings, schedule_file: Path | None = None) -> Office:
    """The office from `settings` and the `office:` block of content/schedule.yaml."""
    path = schedule_file or settings.content_dir / "schedule.yaml"
    raw = (safe_load(path.read_text(encoding="utf-8")) or {}).get("office") or {}
    return Office(city=settings.city, bureau=settings.bureau_name, phone=settings.bureau_phone,
                  address=settings.bureau_address, days=str(raw.get("days", "周一至周五")),
                  hours=tuple(str(h) for h in raw.get("hours", ("09:00—12:00", "13:30—17:00"))),
                  booking=str(raw.get("booking", "")))
