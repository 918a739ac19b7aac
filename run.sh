#!/usr/bin/env bash
# Run the portal: set up .venv on first run, then (one process, ui.serve) migrate the database,
# import content (as `python -m portal setup`; a refused file stops here) and serve on :8501.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-venv requirements.txt
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m ui.serve --server.port "${PORT:-8501}" --server.address "${ADDRESS:-127.0.0.1}"
