#!/usr/bin/env bash
# Debian packages the test suite needs: chromium for the browser tests (Playwright drives it;
# `playwright install` is never run, it downloads a browser build of its own) and faketime, which runs the
# date-sensitive tests with the machine's clock moved years ahead (tests/test_clock.py).
# Idempotent: installs only what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
[ -x /usr/bin/faketime ] || missing+=(faketime)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
/usr/bin/chromium --version 2>/dev/null || true
