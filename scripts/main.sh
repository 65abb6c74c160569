#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the firmware image on a
# simulated Teensy 2.0 against the default clock scenario, printing the timing report.
# Extra arguments go to cv2midi-sim (e.g. a scenario file, --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default
if [ $# -eq 0 ]; then
  set -- sim/scenarios/default.txt
fi
exec build/sim/cv2midi-sim "$@"
