"""Start the portal: `python -m ui.serve [streamlit options]` is `portal setup` and `streamlit run
app.py` in one process, minus one trap.

Set-up first: the schema is migrated and the shipped content imported (idempotent) before the
server listens, exactly as `python -m portal setup` does — same summary, and exit status 1 without
serving when a content file is refused. The first page then finds the work done
(portal.bootstrap.bootstrap_once) and the law library already parsed (load_library_shared), instead
of a second process repeating it. The long-lived objects made so far (modules, the library) are then
frozen out of the garbage collector's reach, so the collection Streamlit runs after every page
(runner.postScriptGC) only walks what that page made.

The trap: Streamlit treats an app with a `pages/` folder beside its main script as a pages-folder
(v1) multipage app until the main script first calls st.navigation, so the very first visitor after a
start could see Streamlit's automatic list of page files. Deciding the mode before the server
starts makes every session use app.py's navigation. (app.py calls ui.frame.leave_pages_folder_mode
as a fallback for a plain `streamlit run app.py`.)"""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

from streamlit import delta_generator
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from portal.staff.passwords import dummy_hash

APP = Path(__file__).resolve().parent.parent / "app.py"


def prepare() -> int:
    """Migrate and import the shipped content as `portal setup` does; its exit status."""
    from portal.bootstrap import bootstrap_once
    from portal.cli_core import run_setup

    status = run_setup(bootstrap_once)
    gc.collect()
    gc.freeze()
    # the dummy password hash (unknown usernames cost one verification too) made now, off the pages' path
    threading.Thread(target=dummy_hash, name="dummy-hash", daemon=True).start()
    return status


def _skip_repl_probe() -> None:
    """Streamlit's first element of a process asks whether it runs in a REPL to print a usage
    warning, by walking inspect.stack() with source lines (0.2–0.7 s of the first page). Under
    `streamlit run` neither warning can apply, so mark it as shown."""
    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def main(argv: list[str] | None = None) -> int:
    from portal.cli_env import settings_problem

    if settings_problem():   # a setting it cannot use: said in one line, not served (as `portal setup`)
        return 2
    if status := prepare():
        return status
    PagesManager.uses_pages_directory = False
    _skip_repl_probe()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
