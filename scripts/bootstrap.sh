#!/usr/bin/env bash
# Set up a fresh Debian machine for roundabout: system packages through apt-get when missing,
# then .venv with the pinned Python dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)   # local Spark (tests)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)                         # PyICU build
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists icu-uc 2>/dev/null || need_apt+=(libicu-dev)          # PyICU (rigour, FtM)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)                          # dashboard tests
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: need system packages: ${need_apt[*]} (run as root or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$cand; break
    fi
  done
fi
if [ -z "$PY" ]; then echo "bootstrap: Python 3.11 not found" >&2; exit 1; fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip==24.3.1"
.venv/bin/python -m pip install -q -r requirements.lock
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null \
  || .venv/bin/python -m pip install -q --no-deps -e .
