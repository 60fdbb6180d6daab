#!/usr/bin/env bash
# Installs what `npm run bench -- --vs-torch` compares against: Debian's CPU PyTorch and the threaded
# OpenBLAS it multiplies with. Never run by `npm test` (the side-by-side benchmark is a figure, not a test).
#   python3-torch          - PyTorch for Debian's /usr/bin/python3 (CPU only)
#   libopenblas0-pthread   - OpenBLAS with its own thread pool, so PyTorch uses every core as on a laptop
# Quick no-op when both are present. Needs root. Usage: scripts/install-torch.sh
set -euo pipefail

log() { echo "[install-torch] $*" >&2; }

missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all present (python3-torch libopenblas0-pthread)"
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
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
/usr/bin/python3 -c 'import torch; print("[install-torch] torch", torch.__version__, "threads", torch.get_num_threads())' >&2
log "done in $((SECONDS - started)) s"
