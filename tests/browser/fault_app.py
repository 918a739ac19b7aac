"""A page that fails on purpose, for test_fault_message: the portal's frame script and CSS (the header's links need the portal's pages),
then a button whose callback raises, as a database fault in a form's 继续 would."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from ui.site_frame import FRAME_CSS, framework_script  # noqa: E402

framework_script()
st.html(FRAME_CSS)


def fail() -> None:
    raise RuntimeError("a fault on purpose")


st.button("继续", on_click=fail)


def refused() -> bytes:
    """A file made at the click that is refused, as ui.auth.at_click refuses one for a staff session
    that ended between drawing and clicking."""
    from portal.identity import PermissionDenied
    raise PermissionDenied("the session ended")


st.download_button("下载月通报", data=refused, file_name="bulletin.html", on_click="ignore")
