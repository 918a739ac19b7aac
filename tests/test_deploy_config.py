"""deploy/nginx-portal.conf serves the portal over HTTPS only (plain HTTP redirects) and keeps the
addresses citizens open out of the access log: ?draft= opens an unfinished pre-filing with its name
and ID number, ?q= is a question, ?code= a 查询码."""

import re
from pathlib import Path

from portal.site import PORTAL_TITLE
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
    pairs = dict(re.findall(r"^\s*sub_filter\s+'([^']*)'\s+'([^']*)';", SITE, re.M))
    assert set(pairs) == {'<html lang="en">', "<title>Streamlit</title>", '<div id="root"></div>', "<noscript>"}
    for old in pairs:
        assert shell.count(old) == 1, old
    # a link preview or a crawler that runs no script reads the portal's name, not "Streamlit"
    assert pairs.pop("<title>Streamlit</title>") == f"<title>{PORTAL_TITLE}</title>"
    for old, new in pairs.items():
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


def _servers() -> list[str]:
    """The bodies of the site's server { … } blocks (comments dropped; no braces inside its strings)."""
    text = re.sub(r"#[^\n]*", "", SITE)
    out = []
    for start in (m.end() for m in re.finditer(r"^server\s*\{", text, re.M)):
        depth, i = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out.append(text[start:i - 1])
    return out


def _listens(server: str) -> list[list[str]]:
    return [line.split() for line in re.findall(r"^\s*listen\s+([^;]+);", server, re.M)]


def _app_server() -> str:
    [server] = [s for s in _servers() if "proxy_pass" in s]
    return server


def test_the_portal_is_served_over_tls_only():
    """Citizens send their name, ID number, phone and petition, staff their passwords: the one server
    that reaches the replicas listens with TLS (1.2 or 1.3 only) on 443, with a certificate, and
    tells the replicas the browser came over HTTPS."""
    server = _app_server()
    listens = _listens(server)
    assert listens and all("ssl" in parts for parts in listens), f"a listener without TLS: {listens}"
    assert any(parts[0].rsplit(":", 1)[-1] == "443" for parts in listens)
    assert re.search(r"^\s*ssl_certificate\s+/\S+;", server, re.M)
    assert re.search(r"^\s*ssl_certificate_key\s+/\S+;", server, re.M)
    [protocols] = re.findall(r"^\s*ssl_protocols\s+([^;]+);", server, re.M)
    assert set(protocols.split()) <= {"TLSv1.2", "TLSv1.3"}, "Debian's nginx.conf allows TLS 1.0 and 1.1"
    assert re.search(r"^\s*proxy_set_header X-Forwarded-Proto (https|\$scheme);", server, re.M)


def test_plain_http_only_sends_the_browser_to_https():
    """A typed http:// address, or an old link with ?draft=, gets a redirect to the same address over
    HTTPS and nothing else: no page, no route cookie, no request passed on to a replica."""
    plain = [s for s in _servers() if any("ssl" not in parts for parts in _listens(s))]
    assert plain, "no server on port 80: a typed http:// address finds nothing"
    for server in plain:
        assert {parts[0] for parts in _listens(server)} == {"80"}
        assert re.search(r"^\s*return 301 https://\$host\$request_uri;", server, re.M)
        for serving in ("proxy_pass", "location", "root ", "add_header"):
            assert serving not in server, f"the plain-HTTP server does more than redirect: {serving}"


def test_browsers_are_told_to_use_https_for_a_year():
    """HSTS: a browser that has been on the portal once never sends a first request in clear again."""
    [age] = re.findall(r'^\s*add_header Strict-Transport-Security "max-age=(\d+)[^"]*" always;', _app_server(),
                       re.M)
    assert int(age) >= 31536000


def test_the_route_cookie_travels_over_https_only():
    """The route cookie carries Secure (never sent in clear) and HttpOnly (no script reads it); the
    replicas' own cookies (Streamlit's upload check) are made Secure on the way out."""
    [cookie] = re.findall(r'^\s*add_header Set-Cookie "(portal_route=[^"]*)" always;', _app_server(), re.M)
    flags = {part.strip() for part in cookie.split(";")[1:]}
    assert {"Secure", "HttpOnly", "Path=/"} <= flags, cookie
    assert re.search(r"^\s*proxy_cookie_flags ~ secure;", _app_server(), re.M)


def test_every_server_of_the_site_logs_in_the_private_format():
    """The redirecting port-80 server too: with Debian's format it would log the first request's
    ?draft= or ?code= in full."""
    for server in _servers():
        assert re.search(r"^\s*access_log\s+\S+\s+portal_private\s*;", server, re.M), server[:200]
