#!/usr/bin/env bash
# The whole test suite on a fresh machine: Debian packages the tests need, dependencies, then
# `npm test` (type-check, lint, format check, build, unit + integration + e2e tests).
set -euo pipefail
cd "$(dirname "$0")/.."

# Packages: libsecret-1-dev to build keytar; gnome-keyring + dbus for the keychain tests;
# chromium for the UI tests (Playwright's own browser download can't work here); poppler-utils
# to render exported PDF reports in tests.
packages=(libsecret-1-dev gnome-keyring dbus libsecret-1-0 chromium poppler-utils)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node-gyp builds native modules against the local Node headers instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
# The Electron binary can't be downloaded here and isn't needed to test (ARCHITECTURE.md).
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

npm ci --no-audit --no-fund
npm test
