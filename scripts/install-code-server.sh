#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) into an ignored cache folder, offline-safe:
# no postinstall may download a binary here, so we unpack the npm tarball and build it by hand.
# Reused when already present. Usage: scripts/install-code-server.sh  (prints the entry.js path)
set -euo pipefail
VERSION="4.100.3"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${LSTM_LENS_CACHE:-$ROOT/.cache}"
DEST="$CACHE/code-server-$VERSION"
ENTRY="$DEST/package/out/node/entry.js"
MARK="$DEST/.installed"

log() { echo "[install-code-server] $*" >&2; }

if [[ -f "$MARK" && -f "$ENTRY" ]]; then
  echo "$ENTRY"
  exit 0
fi

for bin in rg; do
  command -v "$bin" >/dev/null || { log "missing '$bin' (Debian package ripgrep); run scripts/install-debian-deps.sh"; exit 1; }
done

rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
log "packing code-server@$VERSION from the npm registry"
npm pack "code-server@$VERSION" --silent >/dev/null
tar -xzf "code-server-$VERSION.tgz"
rm -f "code-server-$VERSION.tgz"
cd package

export npm_config_yes=true
export npm_config_unsafe_perm=true
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false

log "1/3 code-server dependencies"
npm install --omit=dev --ignore-scripts --no-package-lock --loglevel=error >&2
npm rebuild argon2 --loglevel=error >&2

log "2/3 VS Code server dependencies (native modules build here; a few minutes)"
cd lib/vscode
npm install --omit=dev --ignore-scripts --no-package-lock --loglevel=error >&2
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --loglevel=error >&2
ln -sfn node_modules node_modules.asar

log "3/3 built-in extensions' dependencies"
cd extensions
npm install --omit=dev --no-package-lock --loglevel=error >&2

cd "$DEST/package"
# Keep the check off $HOME: code-server and VS Code create config, data and sockets under XDG_*.
SCRATCH="$(mktemp -d "$DEST/.version-check.XXXXXX")"
mkdir -p "$SCRATCH/config" "$SCRATCH/data" "$SCRATCH/cache" "$SCRATCH/runtime"
XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache" \
  XDG_RUNTIME_DIR="$SCRATCH/runtime" TMPDIR="$SCRATCH" node out/node/entry.js --version >&2
rm -rf "$SCRATCH"
touch "$MARK"
echo "$ENTRY"
