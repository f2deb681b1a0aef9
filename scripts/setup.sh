#!/usr/bin/env bash
# Create .venv with the pinned dependencies (constraints.txt) and the infostd command.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip==25.3"
.venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
