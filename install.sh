#!/bin/sh
# Set up redactlens on a fresh machine: system packages (Tesseract OCR, poppler-utils), then the
# Python package with its test extras.  Safe to run again; skips what is already installed.
set -e
cd "$(dirname "$0")"
need=""
command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr tesseract-ocr-eng"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
# headless Chromium for tests/test_html_browser.py (skipped without it)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need="$need chromium"
if [ -n "$need" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "installing system packages:$need" >&2
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null 2>&1 \
      || echo "warning: could not install$need; OCR will be unavailable (scans still run)" >&2
  else
    echo "warning: no apt-get; install$need yourself for OCR (scans still run without it)" >&2
  fi
fi
python3 -m pip install -q -e ".[test]"
