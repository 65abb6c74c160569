#!/usr/bin/env bash
# Installs the Debian packages cv2midi builds and tests with. Idempotent, asks nothing,
# and returns at once when everything is already there.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  gcc-avr avr-libc binutils-avr
  simavr libsimavr-dev libelf-dev
  libgtest-dev librapidcheck-dev
  gnuplot-nox
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_kicad=no
command -v kicad-cli >/dev/null 2>&1 || need_kicad=yes

if [ ${#missing[@]} -eq 0 ] && [ "$need_kicad" = no ]; then
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
