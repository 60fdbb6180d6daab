#!/usr/bin/env bash
# Installs the Debian packages the test rig and `npm start` need:
#   libkrb5-dev  - headers for code-server's kerberos native module (built once by install-code-server.sh)
#   ripgrep      - /usr/bin/rg, linked in as VS Code's search binary (its npm postinstall would download one)
#   chromium     - /usr/bin/chromium, the browser Playwright drives (never `playwright install`)
# Quick no-op when all are present. Needs root (as on CI). Usage: scripts/install-debian-deps.sh
set -euo pipefail

log() { echo "[install-debian-deps] $*" >&2; }

missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all present (libkrb5-dev ripgrep chromium)"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "missing: ${missing[*]}; run as root: apt-get update && apt-get install -y ${missing[*]}"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log "installing: ${missing[*]}"
started=$SECONDS
apt-get update -qq </dev/null
apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
log "done in $((SECONDS - started)) s"
