# shellcheck shell=bash
# Shared helpers for infra/*.sh. Source it; do not execute it.
#
# Conventions: every message goes to stderr (stdout is reserved for a script's
# result, e.g. the path printed by ensure-chromium.sh); scripts stay silent when
# nothing has to be done.

INFRA_DIR="${INFRA_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
APT_LOCK_TIMEOUT="${APT_LOCK_TIMEOUT:-300}"
_APT_UPDATED=0
_ROOT_MODE=""   # "", "root", "sudo" or "none" once probed

log()  { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "${0##*/}" "$*" >&2; }
die()  { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

is_local_host() {
  case "$1" in
    127.0.0.1 | localhost | ::1 | "" | /*) return 0 ;;  # /* = unix socket dir
    *) return 1 ;;
  esac
}

# Probe once whether we can act as root: directly, or through sudo
# (non-interactive, or interactive when a terminal is attached).
root_mode() {
  if [[ -z "$_ROOT_MODE" ]]; then
    if [[ "$(id -u)" -eq 0 ]]; then
      _ROOT_MODE=root
    elif have sudo && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
      _ROOT_MODE=sudo
    else
      _ROOT_MODE=none
    fi
  fi
  printf '%s' "$_ROOT_MODE"
}

can_root() { [[ "$(root_mode)" != none ]]; }

# as_root CMD ARGS... — run a command as root (environment variables must be
# passed explicitly, e.g. `as_root env FOO=bar cmd`, because sudo drops them).
as_root() {
  case "$(root_mode)" in
    root) "$@" ;;
    sudo) sudo "$@" ;;
    *) die "internal: as_root called without root access: $*" ;;
  esac
}

# Print the manual steps the user must run and exit 1. Arguments: lines to print.
manual_steps() {
  {
    printf '%s: cannot do this automatically (%s).\n' "${0##*/}" "$1"
    shift
    printf 'Run, as root:\n'
    printf '    %s\n' "$@"
    printf 'Or, with Docker, from the repository root:\n'
    printf '    docker compose -f infra/docker-compose.yml up -d\n'
  } >&2
  exit 1
}

# require_root_or_explain REASON STEP... — succeed if we can act as root with
# apt-get available, otherwise print the steps and exit 1.
require_root_or_explain() {
  local reason="$1"
  shift
  if ! have apt-get; then
    manual_steps "apt-get not found: not a Debian-family system; $reason" "$@"
  fi
  if ! can_root; then
    manual_steps "not root and sudo is unavailable; $reason" "$@"
  fi
}

_apt() {
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -o "DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT}" "$@"
}

# At most one `apt-get update` per run. The lists lock is not always covered by
# DPkg::Lock::Timeout, so retry while another apt process holds it.
apt_update_once() {
  [[ "$_APT_UPDATED" -eq 1 ]] && return 0
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) out
  log "running apt-get update"
  while :; do
    if out="$(_apt update 2>&1)"; then
      _APT_UPDATED=1
      return 0
    fi
    if grep -qiE 'could not get lock|unable to lock|is another process using it' <<<"$out" &&
      ((SECONDS < deadline)); then
      sleep 5
      continue
    fi
    printf '%s\n' "$out" >&2
    die "apt-get update failed"
  done
}

# apt_install PKG... — update the lists once, then install (waits for the dpkg lock).
apt_install() {
  apt_update_once
  log "installing: $*"
  local out
  if ! out="$(_apt install -y "$@" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "apt-get install $* failed"
  fi
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# wait_until SECONDS CMD ARGS... — poll CMD every second until it succeeds.
wait_until() {
  local timeout="$1"
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep 1
  done
}
