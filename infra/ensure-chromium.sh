#!/usr/bin/env bash
# Make sure Debian's Chromium is installed (for headless browser tests) and
# print its path on stdout, e.g.  CHROME_BIN="$(infra/ensure-chromium.sh)"
# Installs the `chromium` package with apt-get when /usr/bin/chromium is
# missing (as root, or through sudo); elsewhere prints what to do and exits 1.
set -euo pipefail

# shellcheck source=infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

CHROMIUM=/usr/bin/chromium

if [[ ! -x "$CHROMIUM" ]]; then
  if ! have apt-get || ! can_root; then
    {
      printf '%s: %s is missing and cannot be installed automatically (%s).\n' \
        "${0##*/}" "$CHROMIUM" "$(have apt-get && echo 'not root and sudo is unavailable' || echo 'apt-get not found')"
      printf 'Run, as root:\n    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\n'
      printf 'Or install Chromium/Chrome another way and point CHROME_BIN at it.\n'
    } >&2
    exit 1
  fi
  apt_install chromium
  [[ -x "$CHROMIUM" ]] || die "installed package 'chromium' but $CHROMIUM is still missing"
fi

printf '%s\n' "$CHROMIUM"
