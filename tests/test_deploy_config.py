"""deploy/nginx-portal.conf keeps the addresses citizens open out of the access log: ?draft= opens
an unfinished pre-filing with its name and ID number, ?q= is a question, ?code= a 查询码."""

import re
from pathlib import Path

from tests.conftest import ROOT

SITE = (ROOT / "deploy" / "nginx-portal.conf").read_text(encoding="utf-8")


def _formats() -> dict[str, str]:
    """log_format name -> its (joined) format strings."""
    out = {}
    for name, body in re.findall(r"log_format\s+(\w+)\s+(.*?);", SITE, re.S):
        out[name] = "".join(re.findall(r"'([^']*)'", body))
    return out


def test_the_site_logs_paths_without_query_strings_or_referrers():
    logs = re.findall(r"^\s*access_log\s+(\S+)(?:\s+(\w+))?\s*;", SITE, re.M)
    assert logs, "without its own access_log the site would use Debian's, which logs the whole request"
    formats = _formats()
    for _path, fmt in logs:
        assert fmt in formats, f"access_log without a format of this site: {fmt or 'Debian combined'}"
        written = formats[fmt]
        assert "$uri" in written
        for leaky in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$http_referer"):
            assert leaky not in written + " ", leaky


def test_each_replica_may_open_enough_files_for_its_tabs():
    """A soak (1,100 citizen sessions) held up to 240 descriptors on one replica; systemd's usual
    soft limit of 1024 leaves room for about 250 open tabs."""
    unit = (ROOT / "deploy" / "portal@.service").read_text(encoding="utf-8")
    [limit] = re.findall(r"^LimitNOFILE=(\d+)$", unit, re.M)
    assert int(limit) >= 65536


def test_the_site_compresses_scripts_and_styles():
    """Streamlit sends its JavaScript and CSS uncompressed and Debian compresses HTML only: a first
    visit on slow 3G was a minute of white screen (tests/browser/test_two_replicas.py checks the
    compressed answer itself)."""
    assert re.search(r"^\s*gzip on;", SITE, re.M)
    [types] = re.findall(r"^\s*gzip_types\s+([^;]+);", SITE, re.M)
    assert {"application/javascript", "text/css"} <= set(types.split())
    assert re.search(r"^\s*gzip_proxied any;", SITE, re.M), "the answers are the replicas' (proxied)"


def test_the_shell_rewrites_match_the_installed_streamlit():
    """sub_filter rewrites exact strings of Streamlit's page shell: an upgrade that changes them
    would silently drop the Chinese language tag and the loading line."""
    import streamlit

    shell = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    pairs = re.findall(r"^\s*sub_filter\s+'([^']*)'\s+'([^']*)';", SITE, re.M)
    assert {old for old, _new in pairs} == {'<html lang="en">', '<div id="root"></div>', "<noscript>"}
    for old, new in pairs:
        assert shell.count(old) == 1, old
        assert new.startswith(old.removesuffix("</div>").removesuffix('="en">')), (old, new)
    assert re.search(r'^\s*proxy_set_header Accept-Encoding "";', SITE, re.M), \
        "sub_filter cannot rewrite a shell the replica compressed"


def test_a_phone_that_drops_its_link_for_minutes_finds_its_page_again():
    """Streamlit keeps a session whose websocket closed for server.disconnectedSessionTTL (120 s by
    default); after a longer drop-out the page started afresh (a slow-network audit: 150 s)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["disconnectedSessionTTL"] >= 600


def test_no_client_can_drive_a_session_without_a_browser():
    """Streamlit's experimental agent API (/_stcore/agent/) would let a script run the pages over
    plain HTTP; it is pinned off and the site refuses its path."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableAgentApi"] is False
    assert re.search(r"location \^~ /_stcore/agent/ \{\s*return 404;\s*\}", SITE)
