// Clock scenarios: a small text format a musician can write (see sim/scenarios/README.md),
// parsed into timed pulses and actions for the simulated Teensy.
#ifndef CV2MIDI_SIM_SCENARIO_H_
#define CV2MIDI_SIM_SCENARIO_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "core/settings.h"

namespace cv2midi {
namespace sim {

enum class PulseKind : uint8_t { kBeat, kGlitch, kDouble };

struct Pulse {
  uint64_t at;     // cycle the jack rises
  uint64_t width;  // cycles it stays high
  PulseKind kind;
};

enum class ActionKind : uint8_t {
  kButton,
  kResetPulse,
  kGateOn,
  kGateOff,
  kMidiIn,
  kUsbReset,    // a bus reset by the host
  kUsbPause,    // the host stops reading
  kUsbRead,     // the host reads again
  kUsbSuspend,  // the bus suspends
  kUsbWake,     // the bus resumes
  kUsbOut,      // MIDI from the host (bytes, sent as USB-MIDI packets)
};

struct Action {
  uint64_t at;
  ActionKind kind;
  uint64_t length = 0;         // button hold or reset pulse width, in cycles
  std::vector<uint8_t> bytes;  // MIDI in
  uint64_t spacing = 11 * 512;  // cycles between MIDI-in bytes: 352 us, simavr's full line
};

// A stretch of steady or changing tempo, for the report.
struct Segment {
  uint64_t from;
  uint64_t to;
  double bpm_from;
  double bpm_to;
  int line;
};

struct Scenario {
  std::string name;
  std::string summary;  // the file's first comment line
  Settings settings;    // written to the simulated EEPROM before boot
  bool settings_given = false;
  bool usb_host = true;  // a host enumerates the device and reads it every frame
  std::vector<uint8_t> eeprom_raw;  // if given: the EEPROM as it is, instead of `settings`
  uint8_t pulse_ppqn = 1;  // the PPQN the pulses are at (the last ppqn or input-ppqn)
  std::vector<Pulse> pulses;
  std::vector<Action> actions;
  std::vector<Segment> segments;
  uint64_t end = 0;  // cycle the run stops
};

// The simulation starts the scenario this long after power-up, once the firmware runs.
constexpr uint64_t kScenarioStart = 10 * 16000;

// Parses scenario text; on failure returns false and sets `error` to "LINE: reason".
bool ParseScenario(const std::string& text, const std::string& name, Scenario* out,
                   std::string* error);
bool LoadScenario(const std::string& path, Scenario* out, std::string* error);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_SCENARIO_H_
