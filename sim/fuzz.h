// The random tester's driver: plays a generated scenario on the real image, checks it with
// the invariant checker, and shrinks a failure to a minimal scenario. The invariants still
// broken by open firmware bugs are named in one list, kPendingKinds.
#ifndef CV2MIDI_SIM_FUZZ_H_
#define CV2MIDI_SIM_FUZZ_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "sim/fuzz_check.h"
#include "sim/fuzz_gen.h"

namespace cv2midi {
namespace sim {

// Kinds of violation that today's firmware is known to commit, each with the open bug of
// issue 11 that causes it; the wire transmitter (issue 12) replaces the code they live in.
// A violation of these kinds is reported and counted but does not fail a run. Empty this
// list as they are fixed.
struct PendingKind {
  const char* kind;
  const char* why;
};
extern const PendingKind kPendingKinds[];
extern const size_t kPendingKindCount;
bool IsPending(const std::string& kind);

struct FuzzRun {
  std::string text;
  bool legal = true;
  std::string error;  // the parser's or the simulator's, when not legal
  std::vector<Violation> violations;
  double simulated_seconds = 0;
  double wall_seconds = 0;
  bool Fails(const std::string& kind) const;  // kind "": any kind not pending
};

FuzzRun PlayAndCheck(const std::string& text);

// Walks the shrink tree of a failing scenario to a local minimum that still fails with
// `kind` ("" for any kind not pending), trying at most `budget` candidates.
struct Shrunk {
  std::string text;
  FuzzRun run;
  int tried = 0;
};
Shrunk ShrinkFailure(const rc::Shrinkable<ScenarioLines>& failing, const std::string& kind,
                     int budget);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_FUZZ_H_
