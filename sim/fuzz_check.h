// The random tester's invariant checker: re-derives from a run's inputs (edges, button,
// reset, MIDI in, host traffic, settings requests) what the contract (DESIGN.md and the
// README's choices) owes, and lists every way the bytes out break it. It shares no code
// with sim/analysis or the firmware, so one mistake cannot hide in both.
#ifndef CV2MIDI_SIM_FUZZ_CHECK_H_
#define CV2MIDI_SIM_FUZZ_CHECK_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "sim/run.h"

namespace cv2midi {
namespace sim {

// No two bytes on DIN out closer than this: the 10-bit frame on the pin, 320 us. The
// checker's own figure, not the harness's decoder's (sim/wire.h), so that one mistake
// cannot hide in both.
constexpr uint64_t kCheckedFrameCycles = 5120;

struct Violation {
  std::string kind;  // one of kViolationKinds
  uint64_t at;       // the cycle it shows
  std::string what;
};

// Every kind the checker can report, for tallies.
extern const char* const kViolationKinds[];
extern const size_t kViolationKindCount;

std::vector<Violation> CheckRun(const RunResult& run);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_FUZZ_CHECK_H_
