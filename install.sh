#!/bin/sh
# Set up redactlens on a fresh machine: system packages (Tesseract OCR, poppler-utils, and headless
# Chromium for the browser test), then the Python package with its test extras.  Safe to run
# again; skips what is already installed.  Each group is installed on its own, so a missing
# Chromium never costs the OCR packages.
set -e
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
updated=""
apt_install() {   # apt_install "what it is for" package...
  why="$1"; shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: no apt-get; install $* yourself ($why)" >&2; return 0
  fi
  if [ -z "$updated" ]; then $SUDO apt-get update -qq >/dev/null 2>&1 || true; updated=1; fi
  echo "installing system packages: $*" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || echo "warning: could not install $*; $why" >&2
}
need=""
command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr tesseract-ocr-eng"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -z "$need" ] || apt_install "OCR will be unavailable (scans still run)" $need
# headless Chromium for tests/test_html_browser.py (the test skips without it)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || apt_install "the browser test will be skipped" chromium
python3 -m pip install -q -e ".[test]"
