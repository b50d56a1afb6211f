#!/bin/sh
# Browser tests drive Debian's Chromium at /usr/bin/chromium (Playwright's own
# browser download does not work here). Install it when missing and we are root.
set -eu
CHROMIUM="${OUTINGS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at $CHROMIUM." >&2
echo "Install Debian's package 'chromium' (as root: apt-get install chromium)," >&2
echo "or point OUTINGS_CHROMIUM at a Chromium binary." >&2
exit 1
