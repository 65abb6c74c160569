#!/usr/bin/env bash
# Installs the Debian packages cv2midi builds and tests with. Idempotent, asks nothing,
# and returns at once when everything is already there.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  gcc-avr avr-libc binutils-avr
  simavr libsimavr-dev libelf-dev
  libgtest-dev
  gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
