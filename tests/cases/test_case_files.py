"""Shipped case files: every one valid, imported idempotently, and exported back in the same format."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import Session

from portal.cases import service
from portal.cases.content import parse_case_text, to_case_text
from portal.cases.importer import check_case_file, export_cases, import_cases
from tests.cases.factories import EDITOR_ACTOR, make_case, make_draft

CASES = Path(__file__).resolve().parents[2] / "content" / "cases"


def test_every_shipped_case_file_is_valid_and_cites_real_articles(library):
    files = sorted(CASES.glob("*.md"))
    assert len(files) >= 2
    for path in files:
        assert check_case_file(path, library=library) == [], path.name


def test_import_is_idempotent_and_publishes(db_engine, library):
    with Session(db_engine) as s:
        first = import_cases(session=s, directory=CASES, library=library)
        s.commit()
        again = import_cases(session=s, directory=CASES, library=library)
        s.commit()
        assert "staff-example-tiaojie-xieyi" in first.added and not first.refused
        assert again.added == again.updated == again.refused == []
        case = service.published_case(session=s, slug="staff-example-tiaojie-xieyi")
        assert case.illustrative and str(case.published_on) == "2026-11-22" and case.revision == 1


def test_changed_file_updates_unless_staff_edited(db_engine, library, tmp_path):
    for name in ("staff-example-tiaojie-xieyi.md", "staff-example-fucha-fuhe-qixian.md"):
        shutil.copy(CASES / name, tmp_path / name)
    with Session(db_engine) as s:
        import_cases(session=s, directory=tmp_path, library=library)
        service.withdraw(session=s, actor=EDITOR_ACTOR, library=library, slug="staff-example-fucha-fuhe-qixian")
        s.commit()
    for path in tmp_path.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("## 典型意义\n", "## 典型意义\n新增一句。\n"),
                        encoding="utf-8")
    with Session(db_engine) as s:
        report = import_cases(session=s, directory=tmp_path, library=library)
        s.commit()
        assert report.updated == ["staff-example-tiaojie-xieyi"]
        assert report.kept == ["staff-example-fucha-fuhe-qixian"]  # the editor's withdrawal stands
        assert service.published_case(session=s, slug="staff-example-tiaojie-xieyi").significance.startswith("新增一句。")
        assert service.published_case(session=s, slug="staff-example-fucha-fuhe-qixian") is None


def test_a_shipped_file_whose_name_a_staff_case_took_is_named_not_skipped_silently(db_engine, library, tmp_path, capsys):
    """Upgrade drill: a case staff wrote under a 网址名 that a later release ships as a file kept its
    place (right), but `setup` said nothing of the shipped case left out."""
    from portal.bootstrap import BootstrapReport
    from portal.cli_core import print_setup_report
    from portal.laws.importer import ImportReport

    shutil.copy(CASES / "staff-example-tiaojie-xieyi.md", tmp_path / "staff-example-tiaojie-xieyi.md")
    with Session(db_engine) as s:
        make_case(s, library, "staff-example-tiaojie-xieyi", state="已发布", title="员工写的同名案例")
        report = import_cases(session=s, directory=tmp_path, library=library)
        s.commit()
        assert report.taken == ["staff-example-tiaojie-xieyi"] and report.added == report.updated == []
        assert service.published_case(session=s, slug="staff-example-tiaojie-xieyi").title == "员工写的同名案例"
        # the staff case itself exported into the folder is the same case: nothing to say
        export_cases(session=s, actor=EDITOR_ACTOR, directory=tmp_path)
        assert import_cases(session=s, directory=tmp_path, library=library).taken == []
    print_setup_report(BootstrapReport(laws=ImportReport(), cases=report))
    assert ("WARNING cases: staff-example-tiaojie-xieyi not imported: a case written by staff has the same web "
            "name (网址名)") in capsys.readouterr().out


def test_bad_file_is_refused_with_a_reason(db_engine, library, tmp_path):
    text = (CASES / "staff-example-tiaojie-xieyi.md").read_text(encoding="utf-8")
    (tmp_path / "broken.md").write_text(text.replace("slug: staff-example-tiaojie-xieyi", "slug: broken")
                                        .replace("renmin-tiaojie-fa-2010:第三十一条", "renmin-tiaojie-fa-2010:第九十九条"),
                                        encoding="utf-8")
    with Session(db_engine) as s:
        report = import_cases(session=s, directory=tmp_path, library=library)
        assert report.added == [] and "第九十九条" in report.refused[0]


def test_export_round_trips_staff_cases(db_engine, library, tmp_path):
    with Session(db_engine) as s:
        import_cases(session=s, directory=CASES, library=library)
        make_case(s, library, "staff-made", state="已发布", title="员工发布的案例")
        make_case(s, library, "staff-draft")
        s.commit()
        written = export_cases(session=s, actor=EDITOR_ACTOR, directory=tmp_path / "out")
        s.commit()
    assert [p.name for p in written] == ["staff-made.md"]  # drafts and untouched shipped files are not
    parsed = parse_case_text(written[0].read_text(encoding="utf-8"), slug="staff-made")
    assert parsed.errors == [] and parsed.draft == make_draft(title="员工发布的案例")
    assert parsed.published is not None


def test_text_round_trip():
    draft = make_draft()
    text = to_case_text(slug="rt", draft=draft, published=None)
    assert parse_case_text(text, slug="rt").draft == draft
