#!/usr/bin/env bash
# Set up a fresh machine for the tests, then run them: the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real clients the tests drive: Chromium (portal) and LibreOffice (templates), from Debian.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
command -v node >/dev/null || missing+=(nodejs)
fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing+=(fonts-noto-cjk)
# A private PostgreSQL cluster (tests/sql_support.py) and a Java runtime for local Spark.
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
# PDF editions: WeasyPrint needs pango; the tests read PDFs back with poppler (pdftotext, pdffonts).
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少 ${missing[*]}（需 root 安装）；相关测试将被跳过。" >&2
  fi
fi

bash scripts/setup.sh
.venv/bin/pre-commit run --all-files --show-diff-on-failure
.venv/bin/python -m pytest
