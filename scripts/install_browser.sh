#!/bin/sh
# The browser tests drive Debian's Chromium through Playwright; Chinese pages
# need a CJK font. Install both with apt-get when they are missing. Playwright's
# own browser download is not used.
set -eu
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "The browser tests need Chromium and fonts-noto-cjk. Install them as root:" >&2
    echo "  apt-get update && apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install Chromium and a Noto CJK font yourself, then set" >&2
    echo "CHROMIUM=/path/to/chromium if it is not on PATH as 'chromium'." >&2
    exit 1
fi
echo "Installing chromium and fonts-noto-cjk with apt-get"
$SUDO apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk fontconfig
