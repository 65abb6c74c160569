#!/usr/bin/env bash
# Installs the Debian packages cv2midi builds and tests with, and the web page's npm test
# dependencies (web/package-lock.json). Idempotent, asks nothing, and returns at once when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake make g++ pkg-config
  gcc-avr avr-libc binutils-avr
  simavr libsimavr-dev libelf-dev
  libgtest-dev librapidcheck-dev
  gnuplot-nox
  python3
  chromium
  gtkwave xvfb xauth  # the trace and GTKWave under a virtual display (tests)
  sigrok-cli          # decodes the logic trace's MIDI (tests)
  tshark              # reads the USB capture (tests)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_kicad=no
command -v kicad-cli >/dev/null 2>&1 || need_kicad=yes
# Node from Debian only where there is none: a machine may have a newer one of its own.
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
# web/node_modules is current when it was installed from the lockfile as it is now.
npm_stamp=web/node_modules/.cv2midi-package-lock.json
need_npm=no
cmp -s web/package-lock.json "$npm_stamp" || need_npm=yes

install_npm() {
  echo "setup: npm ci in web/ (puppeteer-core for the browser test; it downloads no browser)"
  (cd web && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp web/package-lock.json "$npm_stamp"
}

if [ ${#missing[@]} -eq 0 ] && [ "$need_kicad" = no ]; then
  [ "$need_npm" = no ] || install_npm
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")

# kicad-cli (the hardware check) needs KiCad 9, which Debian 12 ships in bookworm-backports.
# Enable that suite by adding it to the machine's own Debian source; no host name is written.
if [ "$need_kicad" = yes ] && [ "$codename" = bookworm ] &&
   ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    echo "setup: adding bookworm-backports to /etc/apt/sources.list.d/debian.sources"
    "${sudo_cmd[@]}" sed -i -E '/^Suites:(.*[[:space:]])?bookworm([[:space:]]|$)/ s/$/ bookworm-backports/' \
      /etc/apt/sources.list.d/debian.sources
  elif [ -f /etc/apt/sources.list ]; then
    echo "setup: adding bookworm-backports to /etc/apt/sources.list"
    lines=$(sed -n -E 's/^(deb[[:space:]]+[^[:space:]]+[[:space:]]+)bookworm([[:space:]].*)$/\1bookworm-backports\2/p' \
      /etc/apt/sources.list)
    [ -z "$lines" ] || printf '%s\n' "$lines" | "${sudo_cmd[@]}" tee -a /etc/apt/sources.list >/dev/null
  fi
fi

"${sudo_cmd[@]}" apt-get update -qq
# tshark's package asks whether non-root users may capture; answer no before it asks.
if printf '%s\n' "${missing[@]}" | grep -qx tshark; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" |
    "${sudo_cmd[@]}" debconf-set-selections
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$need_kicad" = yes ]; then
  echo "setup: installing kicad (for kicad-cli)"
  target=()
  [ "$codename" = bookworm ] && target=(-t bookworm-backports)
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${target[@]}" kicad ||
    echo "setup: kicad could not be installed; the hardware check will be skipped"
fi
[ "$need_npm" = no ] || install_npm
