// Reads the MIDI OUT pin as a UART receiver would: a falling edge from idle starts a frame,
// each bit is sampled at its middle, the stop bit must be high. It also holds the firmware
// to the grid: every level change of a frame must fall exactly on a 512-cycle bit boundary.
#ifndef CV2MIDI_SIM_WIRE_H_
#define CV2MIDI_SIM_WIRE_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "sim/teensy.h"

namespace cv2midi {
namespace sim {

constexpr uint64_t kBitCycles = 512;
constexpr uint64_t kFrameCycles = 10 * kBitCycles;

struct WireFault {
  uint64_t cycle;
  std::string what;
};

struct WireDecode {
  std::vector<TxByte> bytes;  // cycle: the falling edge of the start bit
  std::vector<WireFault> faults;
  int cut_at_end = 0;  // a frame the end of the run cut short: neither a byte nor a fault
};

// `changes` are the pin's level changes in time order, starting from idle high. `end` is the
// cycle the recording stopped at: a frame that would finish after it was cut by the end of
// the run, not by the firmware, and is not read as a byte (its missing bits would read as
// the idle level and make one up).
WireDecode DecodeWire(const std::vector<PinChange>& changes, uint64_t end = UINT64_MAX);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_WIRE_H_
