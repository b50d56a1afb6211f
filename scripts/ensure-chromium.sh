#!/bin/sh
# What the browser tests need, checked each time they run (`make browser-check`):
# - Debian's Chromium at /usr/bin/chromium (Playwright's own browser download
#   does not work here);
# - fonts for Chinese and for emoji, or Chromium draws empty boxes in the pages
#   (and screenshots) in Chinese and for every category's pictogram.
# Each is checked on its own, so fonts missing beside an installed Chromium are
# installed too. Whatever is missing is installed with apt-get when we are root;
# otherwise the run stops saying what to install. Quick when all is there.
set -eu
CHROMIUM="${OUTINGS_CHROMIUM:-/usr/bin/chromium}"

# A font is there when fontconfig knows one for the script (any CJK or
# colour-emoji font will do), or, without fontconfig, when Debian's package is.
has_font() { # package, fontconfig query, pattern the listing must hold
  if command -v fc-list >/dev/null 2>&1; then
    fc-list "$2" family 2>/dev/null | grep -qi "$3"
  else
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
  fi
}

missing=""
if [ ! -x "$CHROMIUM" ]; then
  if [ "$CHROMIUM" != /usr/bin/chromium ]; then
    echo "OUTINGS_CHROMIUM is $CHROMIUM, which is not an executable Chromium." >&2
    exit 1
  fi
  missing=" chromium"
fi
has_font fonts-noto-cjk :lang=zh . || missing="$missing fonts-noto-cjk"
has_font fonts-noto-color-emoji : "color emoji" || missing="$missing fonts-noto-color-emoji"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's packages for the browser tests:$missing"
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi
echo "The browser tests need these Debian packages, which are missing:$missing" >&2
echo "Install them as root: apt-get install$missing" >&2
case "$missing" in
  *chromium*) echo "(or point OUTINGS_CHROMIUM at another Chromium binary)." >&2 ;;
esac
exit 1
