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
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {

// What of issue 14's clock shifts a scenario can have in force at some moment, from its
// power-up settings and its set requests (params 10 and 11, and restore the defaults):
// DIN's shift later than USB's (DIN follows the host through its delay line), or a
// negative shift on either.
struct ShiftScope {
  bool din_follows = false;
  bool negative = false;
};
ShiftScope ScopeOf(const Scenario& scenario);

// Kinds of violation that today's firmware is known to commit, each with the open bug that
// causes it: issue 11's in the alarm, line and settings code, and issue 14's in the shift's
// paths, which are pending only in runs that can have that shift (`scope`). A violation of
// these kinds is reported and counted but does not fail a run. Empty this list as they are
// fixed.
enum class PendingScope : uint8_t { kAny, kDinFollows, kNegativeShift };
struct PendingKind {
  const char* kind;
  const char* why;
  PendingScope scope;  // kAny when left out
};
extern const PendingKind kPendingKinds[];
extern const size_t kPendingKindCount;
bool IsPending(const std::string& kind);  // in some scope
bool IsPending(const std::string& kind, const ShiftScope& scope);

struct FuzzRun {
  std::string text;
  bool legal = true;
  std::string error;  // the parser's or the simulator's, when not legal
  std::vector<Violation> violations;
  double simulated_seconds = 0;
  double wall_seconds = 0;
  ShiftScope scope;
  bool Pending(const Violation& v) const { return IsPending(v.kind, scope); }
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
