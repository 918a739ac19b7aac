"""Docs as tests: settings documented, navigation pages exist, every cited provision id resolves,
the CI script runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

from portal.settings import ENV_NAMES, Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROVISION_ID = re.compile(r"([a-z][a-z0-9-]+-\d{4}):(第[零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)")


def test_every_setting_is_documented_in_the_readme():
    assert set(ENV_NAMES) == set(Settings.__dataclass_fields__)
    for env in ENV_NAMES.values():
        assert f"`{env}`" in README, f"{env} is not documented in README.md"


def test_every_page_in_navigation_exists():
    sources = (ROOT / "app.py").read_text(encoding="utf-8")
    for path in (ROOT / "ui").glob("*.py"):
        sources += path.read_text(encoding="utf-8")
    pages = set(re.findall(r"[\"'](pages/[a-z_]+\.py)[\"']", sources))
    assert "pages/laws.py" in pages
    for page in pages:
        assert (ROOT / page).is_file(), f"{page} is in navigation but missing"


def test_every_provision_id_in_code_and_content_resolves(library):
    roots = ["portal", "ui", "pages", "content", "app.py"]
    seen = 0
    for root in roots:
        base = ROOT / root
        files = [base] if base.is_file() else [p for p in base.rglob("*") if p.suffix in {".py", ".md", ".yaml", ".yml", ".json", ".txt"}]
        for path in files:
            if path.parent.name == "laws" and path.parent.parent.name == "content":
                continue  # the law texts themselves
            for slug, label in PROVISION_ID.findall(path.read_text(encoding="utf-8")):
                seen += 1
                assert library.provision(f"{slug}:{label}") is not None, f"{path}: {slug}:{label} does not resolve"
    assert seen > 0


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./test.sh" in ci and "`./test.sh`" in README and "`./run.sh`" in README


def test_domain_package_never_imports_streamlit_and_only_settings_reads_the_environment():
    for path in (ROOT / "portal").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import streamlit|from streamlit)", text, re.M), f"{path} imports streamlit"
        if path.name != "settings.py":
            assert "os.environ" not in text and "getenv(" not in text, f"{path} reads the environment"
    for path in [ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]:
        assert "os.environ" not in path.read_text(encoding="utf-8"), f"{path} reads the environment"
