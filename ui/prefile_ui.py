"""Small widgets shared by the pre-filing and lookup pages: client identity, error summary,
inline errors, CSS."""

from __future__ import annotations

import streamlit as st

from portal.clientaddr import client_address
from portal.prefiling.fields import FieldError
from portal.prefiling.form import label_of
from portal.prefiling.ratelimit import ClientInfo
from portal.settings import get_settings
from portal.text.escape import html_escape
from ui.site_frame import field_error, focus_once

CSS = """
<style>
.error-summary {border:4px solid #a11212;padding:0.8rem 1rem;margin:0 0 1rem 0;border-radius:0.3rem;
  background:#fff;color:#1f1f1f;}
.error-summary .es-title {font-size:1.2rem;font-weight:700;margin:0 0 0.4rem 0;color:#a11212;}
.error-summary, .confirm-panel, .step-progress {scroll-margin-top:4.5rem;}
.error-summary ul {margin:0;padding-left:1.2rem;}
.kept-draft {border-left:4px solid #0b3d91;background:#eef3fb;padding:0.5rem 0.8rem;margin:0 0 0.8rem 0;color:#1f1f1f;}
.kept-draft a {color:#0b3d91;font-weight:700;text-decoration:underline;}
.error-summary a {color:#a11212;font-weight:600;text-decoration:underline;}
.ref-code {font-size:min(1.5rem, 7vw);font-weight:700;letter-spacing:0.08em;white-space:nowrap;}
.confirm-panel {background:#0b6b2f;color:#fff;border-radius:0.4rem;padding:1rem 1.1rem;margin:0 0 0.8rem 0;
  text-align:center;}
.confirm-panel h1 {color:#fff;font-size:1.7rem;margin:0 0 0.4rem 0;padding:0;}
.confirm-panel p {color:#fff;margin:0;font-size:1.05rem;}
.confirm-panel .panel-code {font-size:min(2rem, 8vw);font-weight:700;letter-spacing:0.06em;white-space:nowrap;
  margin:0 0 0.5rem 0;font-family:monospace, sans-serif;}
.once {border-left:8px solid #a11212;padding:0.4rem 0.8rem;font-weight:700;font-size:1.1rem;margin:0 0 0.8rem 0;
  color:#1f1f1f;background:#fdeaea;}
.step-progress {font-size:1rem;color:#444;margin:0;}
.kept-receipt-clear {font-size:1rem;padding:0.5rem 1rem;margin:0 0 1rem 0;border:1px solid #0b6b2f;
  border-radius:0.4rem;background:#fff;color:#0b6b2f;min-height:2.75rem;}
.answer-value {white-space:pre-wrap;word-break:break-word;margin:0;}
/* 正在保存… / 正在提交…: a button's callback draws it at the page's top, a screen above the button on a
   phone; held at the bottom of the view instead, over the greyed page, where the finger and eyes are */
[data-testid="stMain"] [data-testid="stSpinner"] {position:fixed;left:50%;bottom:1.5rem;transform:translateX(-50%);
  z-index:1000;width:max-content;max-width:90vw;background:#fff;color:#1f1f1f;border:2px solid #0b3d91;
  border-radius:0.4rem;padding:0.6rem 1rem;box-shadow:0 2px 8px rgba(0,0,0,0.3);font-size:1.05rem;}
</style>
"""


def page_css() -> None:
    st.html(CSS)


def client_info() -> ClientInfo:
    """This browser session and the client address, for rate limits (never stored in plain).

    Streamlit reports no address for a loopback peer (st.context.ip_address is None for
    127.0.0.1 and ::1), which is what a reverse proxy on the same host looks like; with request
    headers present such a peer is taken as 127.0.0.1. Behind a trusted proxy the address comes
    from X-Forwarded-For (portal.clientaddr); with no address at all the limits use one global
    bucket."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    session_id = ctx.session_id if ctx else "no-session"
    try:
        headers = st.context.headers
        peer = st.context.ip_address
        forwarded = headers.get_all("X-Forwarded-For")
        if peer is None and len(headers):
            peer = "127.0.0.1"
    except Exception:  # no request context (AppTest, scripts)
        peer, forwarded = None, []
    ip = client_address(peer=peer, forwarded_for=forwarded, trusted=get_settings().trusted_networks)
    return ClientInfo(session_id=session_id, ip=ip)


def anchor(field: str) -> None:
    """A jump target for the error summary's link to `field`."""
    st.markdown(f'<span id="field-{html_escape(field.replace(".", "-"))}"></span>', unsafe_allow_html=True)


def error_summary(errors: list[FieldError]) -> None:
    """The box at the top of a step: how many problems, each with its field and what to do."""
    if not errors:
        return
    items = "".join(
        f'<li><a href="#field-{html_escape(e.field.replace(".", "-"))}">{html_escape(label_of(e.field))}：{html_escape(e.message)}</a></li>'
        for e in errors)
    st.markdown(f'<div class="error-summary" id="error-summary" role="alert" tabindex="-1">'
                f'<p class="es-title" role="heading" aria-level="2">有 {len(errors)} 处需要修改</p><ul>{items}</ul></div>', unsafe_allow_html=True)
    focus_once("error-summary", id(errors))


def inline_error(field: str, errors: list[FieldError]) -> None:
    """The same words as in the summary, right under the field."""
    for e in errors:
        if e.field == field:
            field_error(e.message)


# beside an uploader: what to do with the file a citizen most often has, which it does not take
OTHER_FILES = "Word、Excel 文件请另存为 PDF，或拍照后上传。"
# a slow-network audit: a 3.9 MB photo took 84 s on slow 3G, with a spinner and a greyed 继续 only
UPLOAD_WAIT = "网络慢时，一张照片可能要传一两分钟：文件旁边在转圈时表示还在上传，传完后才能点下面的按钮。"
