"""Small widgets shared by the pre-filing and lookup pages: client identity, the step's error
summary, CSS."""

from __future__ import annotations

import streamlit as st

from portal.clientaddr import client_address
from portal.prefiling.fields import FieldError
from portal.prefiling.form import label_of
from portal.prefiling.ratelimit import ClientInfo
from portal.settings import get_settings
from ui import form_errors

CSS = """
<style>
.confirm-panel, .step-progress {scroll-margin-top:4.5rem;}
.kept-draft {border-left:4px solid #0b3d91;background:#eef3fb;padding:0.5rem 0.8rem;margin:0 0 0.8rem 0;color:#1f1f1f;}
.kept-draft a {color:#0b3d91;font-weight:700;text-decoration:underline;}
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


def error_summary(errors: list[FieldError]) -> None:
    """The box at the top of a step: how many problems, each with its field and what to do."""
    form_errors.error_summary(errors, label=label_of)


# beside an uploader: what to do with the file a citizen most often has, which it does not take
OTHER_FILES = "Word、Excel 文件请另存为 PDF，或拍照后上传。"
# a slow-network audit: a 3.9 MB photo took 84 s on slow 3G, with a spinner and a greyed 继续 only
UPLOAD_WAIT = "网络慢时，一张照片可能要传一两分钟：文件旁边在转圈时表示还在上传，传完后才能点下面的按钮。"
