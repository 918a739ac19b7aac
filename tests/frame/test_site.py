"""The bureau's identity and contacts: settings with defaults, one set of hours from the schedule file."""

from __future__ import annotations

from pathlib import Path

from portal.settings import load_settings
from portal.site import load_office

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_name_the_bureau_and_take_hours_from_the_schedule_file():
    office = load_office(load_settings({}), ROOT / "content" / "schedule.yaml")
    assert office.full_name == "示范市信访局"
    assert office.hours == ("09:00—12:00", "13:30—17:00")
    assert "周一至周五" in office.hours_text and "09:00—12:00、13:30—17:00" in office.hours_text
    assert "预约" in office.booking
    # the telephone books a time; 网上预登记 asks for none and gives none, so it promises none
    assert "网上预登记不能预约接访时间" in office.booking and "按约定时间" not in office.booking
    assert office.tel_url == "tel:12345"


def test_a_bureau_sets_its_own_city_name_and_contacts(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text("office:\n  days: 周一至周六\n  hours: ['08:30—12:00']\n  booking: 电话预约\n",
                        encoding="utf-8")
    settings = load_settings({"PORTAL_CITY": "青岛市", "PORTAL_BUREAU_NAME": "信访局",
                              "PORTAL_BUREAU_PHONE": "0532-8888 0000",
                              "PORTAL_BUREAU_ADDRESS": "香港中路 1 号"})
    office = load_office(settings, schedule)
    assert office.full_name == "青岛市信访局"
    assert office.hours_text == "周一至周六 08:30—12:00"
    assert office.tel_url == "tel:053288880000"
    # the map link searches the full address, percent-encoded
    assert office.map_url.startswith("https://uri.amap.com/search?keyword=") and "%E9%9D%92%E5%B2%9B" in office.map_url
