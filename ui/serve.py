"""Start the portal: `python -m ui.serve [streamlit options]` is `streamlit run app.py` minus one trap.

Streamlit treats an app with a `pages/` folder beside its main script as a pages-folder (v1)
multipage app until the main script first calls st.navigation, so the very first visitor after a
start could see Streamlit's automatic list of page files. Deciding the mode before the server
starts makes every session use app.py's navigation. (app.py calls ui.frame.leave_pages_folder_mode
as a fallback for a plain `streamlit run app.py`.)"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
