#!/usr/bin/env bash
# Create .venv with the pinned dependencies (constraints.txt) and the infostd command.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# pip's notes about index locations that do not exist on this machine are noise for the
# committee; every other warning and every error still shows.
quiet() { "$@" 2> >(grep -v "^WARNING: Location '.*' is ignored" >&2); }
quiet .venv/bin/python -m pip install -q --upgrade "pip==25.3"
quiet .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
echo "环境已就绪：运行 .venv/bin/infostd check 检查标准；编写方法见门户的“编写指南”（.venv/bin/mkdocs serve 后打开 guide/）。"
