#!/usr/bin/env bash
# Installs the editor hosts the tests in test/editor/ need, idempotently:
#   apt: chromium (browser for code-server's workbench), libkrb5-dev (code-server's kerberos build),
#        ripgrep (seeds @vscode/ripgrep's download), neovim (0.7, a second real LSP client)
#   .hosts/: code-server 4.100.3 (VS Code 1.100.3, the newest release for Node 20) and playwright-core,
#            pinned by test/editor/hosts/package.json + package-lock.json.
# Recipe and workarounds: editor-hosts.md §5 (GitHub is unreachable here, so every download that
# code-server's install scripts would make is replaced).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
HOSTS="$ROOT/.hosts"
SRC="$ROOT/test/editor/hosts"
start=$(date +%s)

need_apt=()
for pkg in chromium libkrb5-dev ripgrep neovim; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  echo "editor-hosts: apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

mkdir -p "$HOSTS"
# Installed already with the same manifest and lock? Then there is nothing to do.
stamp="$HOSTS/node_modules/.pgsafe-hosts-stamp"
hash_manifest() { cat "$SRC/package.json" "$SRC/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1 || true; }
want="$(hash_manifest)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$HOSTS/node_modules/.bin/code-server" ]; then
  echo "editor-hosts: .hosts is up to date ($(( $(date +%s) - start )) s)"
  exit 0
fi

cp "$SRC/package.json" "$HOSTS/package.json"
if [ -f "$SRC/package-lock.json" ]; then cp "$SRC/package-lock.json" "$HOSTS/package-lock.json"; else rm -f "$HOSTS/package-lock.json"; fi

# code-server's bundled @vscode/ripgrep downloads rg from GitHub; seed its download cache with
# Debian's rg (the same upstream 13.0.0).
export TMPDIR="$HOSTS/.tmp"
rm -rf "$TMPDIR"; mkdir -p "$TMPDIR/vscode-ripgrep-cache-1.15.11"
tar czf "$TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg

# npm_config_unsafe_perm: code-server's postinstall refuses to run as root without it (npm 11 no
# longer knows the option, but the variable still reaches the script). npm_config_yes: node-pty's
# postinstall runs `npx node-gyp`, which a `yes = false` npmrc cancels.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false
cd "$HOSTS"
if [ -f package-lock.json ]; then
  npm ci --loglevel=error
else
  npm install --loglevel=error
  cp package-lock.json "$SRC/package-lock.json"
  want="$(hash_manifest)"
fi
XDG_CONFIG_HOME="$TMPDIR" XDG_DATA_HOME="$TMPDIR" XDG_CACHE_HOME="$TMPDIR" "$HOSTS/node_modules/.bin/code-server" --version
rm -rf "$TMPDIR"
echo "$want" > "$stamp"
echo "editor-hosts: installed in $(( $(date +%s) - start )) s"
