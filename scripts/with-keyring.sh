#!/usr/bin/env bash
# Runs a command against a fresh, unlocked, throwaway gnome-keyring (Linux), so keytar works for real in
# tests without touching the user's own keyring. Must run inside its own session bus:
#
#   dbus-run-session -- scripts/with-keyring.sh <command…>
#
# Recipe from toolchain-notes.md ("keytar"): fresh 0700 XDG_RUNTIME_DIR and HOME temp dirs, unlock the
# secrets component with a throwaway password, export what the daemon prints, then exec the command.
# The temp dirs are made under $TMPDIR (scripts/run-tests.mjs points it at a folder it removes afterwards).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: dbus-run-session -- $0 <command…>" >&2
  exit 2
fi
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  echo "$0: no session bus; run me as: dbus-run-session -- $0 <command…>" >&2
  exit 2
fi
if ! command -v gnome-keyring-daemon >/dev/null; then
  echo "$0: gnome-keyring-daemon is not installed (Debian/Ubuntu: apt-get install gnome-keyring)" >&2
  exit 2
fi

tmp_base="${TMPDIR:-/tmp}"
XDG_RUNTIME_DIR="$(mktemp -d "$tmp_base/keyring-run.XXXXXX")"
chmod 0700 "$XDG_RUNTIME_DIR"
HOME="$(mktemp -d "$tmp_base/keyring-home.XXXXXX")"
chmod 0700 "$HOME"
export XDG_RUNTIME_DIR HOME
# Keep every keyring file inside the throwaway HOME, even if the caller set XDG dirs of their own.
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"

# A throwaway password: it unlocks (and on first use creates) the login keyring in the temp HOME.
password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
daemon_env="$(printf '%s' "$password" | gnome-keyring-daemon --unlock --components=secrets)"
unset password
# Prints e.g. GNOME_KEYRING_CONTROL=/tmp/…/keyring
eval "$daemon_env"
# The daemon prints nothing when it uses the standard $XDG_RUNTIME_DIR/keyring location.
export GNOME_KEYRING_CONTROL="${GNOME_KEYRING_CONTROL:-$XDG_RUNTIME_DIR/keyring}"

exec "$@"
