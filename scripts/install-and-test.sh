#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian/Ubuntu machine with Node 20+,
# then runs it. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: an X server and xdotool for real OS-level input, Chromium for the e2e tests,
# poppler-utils (pdftoppm, pdfinfo, pdftotext) for the review's PDF report test; the headers
# and compiler native/ builds against (npm ci runs node-gyp on it); a real EWMH window
# manager, windows, xrandr/xprop and strace for the integrity capture tests.
apt_packages=(xvfb xdotool chromium poppler-utils build-essential python3 libx11-dev libxi-dev libxrandr-dev openbox xterm x11-xserver-utils x11-utils strace)
missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdotool >/dev/null || missing+=(xdotool)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v g++ >/dev/null && command -v make >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
for dev in libx11-dev libxi-dev libxrandr-dev; do
  dpkg-query -W -f='${Status}' "$dev" 2>/dev/null | grep -q 'install ok installed' || missing+=("$dev")
done
command -v openbox >/dev/null || missing+=(openbox)
command -v xterm >/dev/null || missing+=(xterm)
command -v xrandr >/dev/null || missing+=(x11-xserver-utils)
command -v xprop >/dev/null || missing+=(x11-utils)
command -v strace >/dev/null || missing+=(strace)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = "none" ]; then
    echo "install-and-test: missing system packages: ${missing[*]}." >&2
    echo "  Install them as root: apt-get update && apt-get install -y ${apt_packages[*]}" >&2
    exit 1
  fi
  echo "install-and-test: installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  # `env` inside sudo: sudo drops the caller's environment.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "install-and-test: Node $(node -v) is too old; Vigil needs Node 20.19 or newer." >&2
  exit 1
fi

npm ci --no-audit --no-fund
npm test
