#!/usr/bin/env bash
# Set up, then build the portal and every artifact from the shipped standards: the README's main command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/infostd check
.venv/bin/infostd schemas --check
.venv/bin/infostd build "$@"
