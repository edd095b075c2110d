#!/usr/bin/env bash
# Debian's chromium for the browser accessibility tests (tests/directory/test_accessibility.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. Playwright drives this browser;
# `playwright install` is never run (it downloads a browser build of its own).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version 2>/dev/null || true
