"""The documented deployment, started for real on 127.0.0.1: Debian's nginx with deploy/nginx-portal.conf
(HTTPS with a throw-away self-signed certificate) in front of two `python -m ui.serve` replicas
sharing one PostgreSQL database, a read-only index folder and one key file.

- plain HTTP only redirects to HTTPS; over HTTPS the proxy sends HSTS, a Secure route cookie and
  the framing / sniffing / referrer headers, and keeps a browser on one replica (pages and
  websockets, over TLS);
- a pre-filing submitted through replica A is looked up and registered by staff through replica B,
  and the citizen then sees the registration through B;
- replica A is killed in the middle of a pre-filing: what the page said was saved (the draft) is
  resumed on B, submitted, and found by the lookup.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import Session

from portal.db import make_engine
from portal.roles import HANDLER
from tests.browser.conftest import (
    _free_port,
    _wait_healthy,
    filter_queue,
    open_expander,
    open_prefiling,
    sign_in,
    wait_for_app,
)
from tests.conftest import _postgres_database
from tests.prefiling import files
from tests.prefiling.factories import valid_id
from tests.staff.factories import make_user

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx-portal.conf"
ROUTE = "portal_route"


@dataclass
class Deployment:
    url: str
    database_url: str
    access_log: Path
    index: Path
    key_file: Path
    replicas: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    index_files: dict[str, tuple[int, int]] = field(default_factory=dict)
    plain_port: int = 0                  # the site's port 80: redirects only
    tls: ssl.SSLContext | None = None    # trusts the throw-away certificate, and only it

    def fetch(self, path: str, headers: dict[str, str] | None = None):
        """urlopen(`url` + path) over HTTPS, the certificate checked against the test's own."""
        request = urllib.request.Request(f"{self.url}{path}", headers=headers or {})
        return urllib.request.urlopen(request, timeout=10, context=self.tls)

    def index_snapshot(self) -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(self.index)): (p.stat().st_size, p.stat().st_mtime_ns)
                for p in self.index.rglob("*") if p.is_file()}

    def route_to(self, name: str) -> str:
        """A route-cookie value that nginx hashes onto replica `name` (read from its access log)."""
        for i in range(400):
            value = f"t{i}"
            with self.fetch("/_stcore/health", {"Cookie": f"{ROUTE}={value}"}) as response:
                response.read()
            last = self.access_log.read_text().splitlines()[-1]
            if last.startswith(f"127.0.0.1:{self.ports[name]} ") and f" {value} " in last:
                return value
        raise AssertionError(f"no route cookie reaches replica {name}")

    def upstreams_of(self, route: str) -> set[str]:
        """The replica ports that served the requests carrying this route cookie."""
        lines = [line.split() for line in self.access_log.read_text().splitlines()]
        return {parts[0] for parts in lines if len(parts) > 1 and parts[1] == route}


SITE_LOG = "access_log /var/log/nginx/access.log portal_private;"
CERT, CERT_KEY = "/etc/ssl/portal/fullchain.pem", "/etc/ssl/portal/privkey.pem"


def site_config(https: int, plain: int, ports: list[int], cert: Path, key: Path) -> str:
    """deploy/nginx-portal.conf, unchanged but for the addresses (443 -> `https`, 80 -> `plain`, the
    replicas') and the certificate's paths, and its access logs left to the test's (which names the
    replica that answered)."""
    text = SITE.read_text(encoding="utf-8")
    for fixed in ("listen 80;", "listen 443 ", "server 127.0.0.1:8501 ", "server 127.0.0.1:8502 ", f" {CERT};",
                  f" {CERT_KEY};"):
        assert text.count(fixed) == 1, fixed
    assert SITE_LOG in text
    text = text.replace("listen 80;", f"listen 127.0.0.1:{plain};").replace("listen 443 ", f"listen 127.0.0.1:{https} ")
    text = text.replace(f" {CERT};", f" {cert};").replace(f" {CERT_KEY};", f" {key};").replace(SITE_LOG, "")
    return text.replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8502", f"127.0.0.1:{ports[1]}")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 (two days) and its key, as the README's test recipe makes."""
    if not shutil.which("openssl"):
        pytest.fail("openssl is missing: apt-get install -y openssl")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def main_config(tmp: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides, in a throw-away prefix, logging the upstream."""
    user = "user root;" if os.geteuid() == 0 else ""
    temps = " ".join(f"{kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 512; }}
http {{
    log_format replica '$upstream_addr $cookie_{ROUTE} "$request" $status';
    access_log {tmp}/access.log replica;
    {temps}
    include {tmp}/portal.conf;
}}
"""


def _run(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)


def _read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.fail("Debian's nginx is missing: apt-get install -y nginx (the README's test command does)")
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("TEST_POSTGRES_URL not set")
    tmp = tmp_path_factory.mktemp("deploy")
    database_url, drop = _postgres_database(admin_url)
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_ENCRYPTION_KEY"}
    env |= {"DATABASE_URL": database_url, "PORTAL_DATA_DIR": str(tmp / "data"),
            "PORTAL_INDEX_DIR": str(tmp / "index"), "PORTAL_ENCRYPTION_KEY_FILE": str(tmp / "secrets" / "portal.key"),
            "PORTAL_EMBEDDING_MODEL": "fake", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "PORTAL_TRUSTED_PROXIES": "127.0.0.1, ::1"}
    # once, before the replicas start (README: 部署): key, schema and content, the index
    _run(env, "-m", "portal", "keygen")
    _run(env, "-m", "portal", "setup")
    _run(env, "-m", "portal.search", "build")
    _read_only(tmp / "index")

    dep = Deployment(url="", database_url=database_url, access_log=tmp / "access.log", index=tmp / "index",
                     key_file=tmp / "secrets" / "portal.key")
    dep.index_files = dep.index_snapshot()
    procs: list[subprocess.Popen] = []
    try:
        for name in ("A", "B"):
            port = _free_port()
            log = open(tmp / f"replica-{name}.log", "w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1", "--server.port", str(port),
                 "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            procs.append(proc)
            dep.replicas[name], dep.ports[name] = proc, port
        for name, proc in dep.replicas.items():
            _wait_healthy(f"http://127.0.0.1:{dep.ports[name]}", proc)
        https, dep.plain_port = _free_port(), _free_port()
        cert, key = self_signed_certificate(tmp)
        dep.tls = ssl.create_default_context(cafile=str(cert))
        (tmp / "portal.conf").write_text(site_config(https, dep.plain_port, [dep.ports["A"], dep.ports["B"]], cert, key),
                                         encoding="utf-8")
        (tmp / "nginx.conf").write_text(main_config(tmp), encoding="utf-8")
        subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], check=True, capture_output=True)
        nginx = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=open(tmp / "nginx.out", "w"))
        procs.append(nginx)
        dep.url = f"https://127.0.0.1:{https}"
        _wait_healthy(dep.url, nginx, context=dep.tls)
        yield dep
    finally:
        for proc in reversed(procs):
            _stop(proc)
        drop()


@pytest.fixture
def open_context(browser, deployment):
    """open_context(route, address=None): a browser context whose requests nginx routes by `route`
    (None: the first answer gives it one); `address` is what a client-side proxy would have put into
    X-Forwarded-For (nginx appends its own peer). The certificate is the test's self-signed one, so
    the browser is told to accept it. Closed after the test's report, so a failure's screenshots
    still see its pages."""
    opened = []

    def open_(route: str | None, address: str | None = None):
        headers = {"X-Forwarded-For": address} if address else {}
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                      extra_http_headers=headers, ignore_https_errors=True)
        if route:
            context.add_cookies([{"name": ROUTE, "value": route, "url": deployment.url}])
        opened.append(context)
        return context

    yield open_
    for context in opened:
        context.close()


def _fill(pg, label: str, value: str) -> None:
    pg.get_by_role("textbox", name=label, exact=True).fill(value)


def _continue(pg, step: int) -> None:
    pg.get_by_role("button", name="继续").click()
    wait_for_app(pg, f"第 {step} 步，共 5 步")


def fill_until_history(pg, dep: Deployment, name: str, photo: bytes | None = None) -> str:
    """Consent, 信访人 and 信访事项 (with `photo` attached) filled in; returns the draft code the
    page says is saved."""
    pg.goto(f"{dep.url}/prefile")
    wait_for_app(pg, "须知与授权")
    pg.get_by_label("我已阅读以上须知，同意按上述方式处理我的个人信息").focus()
    pg.keyboard.press("Space")
    _continue(pg, 2)
    _fill(pg, "姓名", name)
    _fill(pg, "身份证号码", valid_id())
    _fill(pg, "联系电话（手机或固定电话）", "13812345678")
    _fill(pg, "住址", "济南市历下区文化东路1号2单元301室")
    _continue(pg, 3)
    _fill(pg, "问题属地（区、县、市）", "历下区")
    pg.get_by_text("申诉求决", exact=True).click()
    _fill(pg, "诉求", "请求督促物业公司修复漏水的屋顶。")
    _fill(pg, "事实与理由", "2026年6月起屋顶漏水，多次找物业公司未修。")
    if photo:
        pg.locator('input[type="file"]').set_input_files(
            files=[{"name": "屋顶.jpg", "mimeType": "image/jpeg", "buffer": photo}])
        wait_for_app(pg, "屋顶.jpg")
    _continue(pg, 4)
    caption = pg.get_by_text("草稿已保存").first.inner_text()
    return re.search(r"草稿码：([A-Z0-9]+)", caption).group(1)


def finish_and_submit(pg, name: str) -> tuple[str, str]:
    """是否已反映 → 核对 → 确认提交; returns (查询码, 查询密码) as shown."""
    pg.get_by_text("否", exact=True).click()
    pg.get_by_role("button", name="继续").click()
    wait_for_app(pg, "核对您填写的内容")
    assert pg.get_by_text(name).count() >= 1
    pg.get_by_role("button", name="确认提交").click()
    wait_for_app(pg, "预登记已提交")
    code, secret = (t.replace("-", "").strip() for t in pg.locator(".panel-code").all_inner_texts())
    return code, secret


def look_up(pg, dep: Deployment, code: str, secret: str, expect: str) -> None:
    pg.goto(f"{dep.url}/lookup?code={code}")
    wait_for_app(pg, "进度查询")
    pg.get_by_label("查询密码（8位）").fill(secret)
    pg.get_by_role("button", name="查询").click()
    wait_for_app(pg, expect)


def register_as_staff(pg, dep: Deployment, code: str, number: str) -> None:
    name = f"r{uuid.uuid4().hex[:8]}"
    engine = make_engine(dep.database_url)
    with Session(engine) as s:
        make_user(s, name, HANDLER)
        s.commit()
    engine.dispose()
    sign_in(pg, dep.url, name)
    pg.get_by_test_id("stSidebarNavLink").filter(has_text="预登记办理").first.click()  # same session
    wait_for_app(pg, "按查询码查找")
    filter_queue(pg, code)
    open_prefiling(pg, code)
    open_expander(pg, "登记")
    _fill(pg, "信访件编号（正式登记的编号）", number)
    pg.get_by_role("button", name="登记", exact=True).click()
    wait_for_app(pg, "已办理：")


def test_the_proxy_sends_the_security_headers_and_a_route_cookie(deployment):
    with deployment.fetch("/") as response:
        headers = response.headers
        assert response.status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert re.match(rf"{ROUTE}=[0-9a-f]{{32}}; Path=/; HttpOnly; Secure; SameSite=Lax", headers["Set-Cookie"])


def test_plain_http_only_redirects_to_the_same_address_over_https(deployment):
    """A typed http:// address or an old link with ?draft=: a 301 to the same path and query over
    HTTPS, with no page, no route cookie, and no replica asked."""
    connection = http.client.HTTPConnection("127.0.0.1", deployment.plain_port, timeout=10)
    try:
        connection.request("GET", "/prefile?draft=PLAIN7")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 301
    # $host drops the port: the real site's HTTPS is on 443 (here it is on another port)
    assert response.headers["Location"] == "https://127.0.0.1/prefile?draft=PLAIN7"
    assert response.headers["Set-Cookie"] is None and "正在打开" not in body.decode()
    [logged] = [line for line in deployment.access_log.read_text().splitlines() if "draft=PLAIN7" in line]
    assert logged.startswith("- "), f"the plain-HTTP request reached a replica: {logged}"


def test_a_browser_keeps_its_route_cookie_for_https_only(deployment, open_context):
    """The browser stores the route cookie nginx gives it as Secure and HttpOnly, and every cookie
    of the replicas as Secure too; the app loads (its websocket over TLS)."""
    page = open_context(None).new_page()
    page.goto(f"{deployment.url}/ask")
    wait_for_app(page, "查找相关条文")
    cookies = page.context.cookies()
    [cookie] = [c for c in cookies if c["name"] == ROUTE]
    assert cookie["secure"] and cookie["httpOnly"] and re.fullmatch(r"[0-9a-f]{32}", cookie["value"])
    assert len(cookies) > 1, "Streamlit's _streamlit_xsrf cookie was expected beside the route"
    assert all(c["secure"] for c in cookies), [c["name"] for c in cookies if not c["secure"]]


def test_no_client_drives_a_session_without_a_browser(deployment):
    """Streamlit's experimental agent API: the replicas keep it off, and the site refuses its path."""
    import json
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as refused:
        deployment.fetch("/_stcore/agent/openapi.json")
    assert refused.value.code == 404
    replica = f"http://127.0.0.1:{deployment.ports['A']}/_stcore/agent/openapi.json"
    with urllib.request.urlopen(replica, timeout=10) as response:
        assert json.load(response)["info"]["x-streamlit-agent-api"] == "disabled"


def test_the_proxy_compresses_scripts_and_sends_a_chinese_shell_with_words_while_loading(deployment, open_context):
    """A first visit on a slow phone: the scripts come compressed (3.2 MB → about 1.2 MB), and the
    page says it is opening, in Chinese, before any script has run (a minute of white screen); its
    title is the portal's name then, and the page's own once it has run."""
    import gzip

    with deployment.fetch("/ask", {"Accept-Encoding": "gzip"}) as response:
        body = response.read()
        shell = (gzip.decompress(body) if response.headers["Content-Encoding"] == "gzip" else body).decode()
    assert '<html lang="zh-CN">' in shell and "正在打开法治信访门户" in shell
    # a link preview, a crawler (no script run): the portal's name, not Streamlit's
    assert "<title>法治信访门户</title>" in shell and "Streamlit</title>" not in shell
    [script] = re.findall(r'src="\./(static/js/index\.[^"]+\.js)"', shell)
    with deployment.fetch(f"/{script}", {"Accept-Encoding": "gzip"}) as response:
        packed = response.read()
        assert response.headers["Content-Encoding"] == "gzip"
    assert len(packed) < len(gzip.decompress(packed)) / 2
    page = open_context(deployment.route_to("A")).new_page()     # the app, once loaded, replaces the words
    page.goto(f"{deployment.url}/ask")
    wait_for_app(page, "查找相关条文")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.get_by_text("正在打开法治信访门户").count() == 0
    assert page.title() == "法律问答 - 法治信访门户"   # the page, once run, names itself


def test_submitted_on_one_replica_looked_up_and_handled_on_the_other(deployment, open_context, artifacts):
    to_a, to_b = deployment.route_to("A"), deployment.route_to("B")
    citizen_a, citizen_b, staff_b = (open_context(r) for r in (to_a, to_b, to_b))
    pg = citizen_a.new_page()
    name = "王" + uuid.uuid4().hex[:4]
    photo = files.jpeg_with_gps()
    fill_until_history(pg, deployment, name, photo=photo)
    code, secret = finish_and_submit(pg, name)
    pg.screenshot(path=str(artifacts / "two-replicas-submitted-on-A.png"), full_page=True)

    lookup = citizen_b.new_page()
    look_up(lookup, deployment, code, secret, "当前状态：已提交")
    number = f"LX{uuid.uuid4().hex[:6].upper()}"
    staff = staff_b.new_page()
    register_as_staff(staff, deployment, code, number)
    # the photo written (encrypted) by replica A is read by replica B: re-encoded, no location
    with staff.expect_download() as download:
        staff.get_by_role("button", name=re.compile("下载附件1（JPG")).click()
    kept = Path(download.value.path()).read_bytes()
    assert kept.startswith(b"\xff\xd8") and b"CameraMaker-SECRET" not in kept and b"GPS" not in kept
    look_up(lookup, deployment, code, secret, "当前状态：已登记")
    assert lookup.get_by_text(number).count() >= 1
    assert deployment.index_snapshot() == deployment.index_files, "the shared index is only read"
    lookup.screenshot(path=str(artifacts / "two-replicas-registered-seen-on-B.png"), full_page=True)
    for context in (citizen_a, citizen_b, staff_b):  # their websockets end: logged by nginx
        context.close()
    a, b = f"127.0.0.1:{deployment.ports['A']}", f"127.0.0.1:{deployment.ports['B']}"
    assert deployment.upstreams_of(to_a) == {a}, "a browser routed to A must stay on A (sticky sessions)"
    assert deployment.upstreams_of(to_b) == {b}


def _wrong_lookup(pg, dep: Deployment, code: str, expect: str) -> None:
    look_up(pg, dep, code, "ZZZZZZZZ", expect)


def test_lookup_throttles_hold_across_both_replicas(deployment, open_context):
    """Guessing one 查询码's secret: three failures through replica A from one address, and the next
    try through replica B, from another session and another address, is made to wait; the
    failures are counted against the address the proxy forwarded, not the proxy's own."""
    from sqlmodel import select

    from portal.prefiling.codes import new_reference_code
    from portal.prefiling.crypto import get_cipher
    from portal.prefiling.models import RateEvent
    from portal.settings import Settings

    code = new_reference_code()
    first, second = "203.0.113.7", "198.51.100.23"
    on_a = open_context(deployment.route_to("A"), first)
    on_b = open_context(deployment.route_to("B"), second)
    pg = on_a.new_page()
    for _ in range(3):
        _wrong_lookup(pg, deployment, code, "查询码或查询密码不正确")
    _wrong_lookup(on_b.new_page(), deployment, code, "这个查询码的查询失败次数较多")
    cipher = get_cipher(Settings(encryption_key_file=deployment.key_file))
    engine = make_engine(deployment.database_url)
    with Session(engine) as s:
        keys = {e.key for e in s.exec(select(RateEvent).where(RateEvent.bucket == "lookup_fail"))}
    engine.dispose()
    assert cipher.mac(f"lookup_fail:a:{first}") in keys
    assert cipher.mac("lookup_fail:a:127.0.0.1") not in keys and cipher.mac("lookup_fail:global") not in keys


# last: it kills replica A for the rest of the module
def test_a_replica_killed_mid_form_loses_nothing_the_citizen_was_told_was_saved(deployment, open_context,
                                                                                  artifacts):
    to_a = deployment.route_to("A")
    context = open_context(to_a)
    pg = context.new_page()
    name = "李" + uuid.uuid4().hex[:4]
    draft = fill_until_history(pg, deployment, name)
    assert f"draft={draft}" in pg.url
    deployment.replicas["A"].send_signal(signal.SIGKILL)  # the replica holding the session dies
    deployment.replicas["A"].wait(timeout=10)
    pg.reload()
    wait_for_app(pg, "第 4 步，共 5 步")  # resumed from the saved draft, now on B
    code, secret = finish_and_submit(pg, name)
    pg.screenshot(path=str(artifacts / "two-replicas-resumed-on-B.png"), full_page=True)
    look_up(pg, deployment, code, secret, "当前状态：已提交")
