// The random tester's driver; see fuzz.h.
#include "sim/fuzz.h"

#include <chrono>

#include "sim/run.h"
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {

const PendingKind kPendingKinds[] = {
    {"latency", "bug 8: the first clock's latency moves (swing, MIDI-in receive "
                "interrupt, an interrupts-off block)"},
    {"clock-timing", "bugs 2 and 13: an alarm armed too close to its due time sends a clock "
                     "a Timer1 period late; an edge that finds the line busy waits a pass"},
    {"edge-wait", "bug 13: an edge's owed clock goes a main-loop pass after the line frees"},
    {"line-overlap", "bugs 2 and 14: a late clock, or a Stop booked on the alarm's F8, "
                     "overlaps the next byte"},
    {"stop-cause", "bug 15: a Stop armed for an edge that came just before its timeout"},
    {"stop-timeout", "bug 14: the alarm's F8 booked as the timeout"},
    {"clock-lost", "bugs 1 and 15: a reset right after an edge; an edge just before its "
                   "timeout loses its clock to the Stop"},
    {"clock-early", "bug 1: a reset 1-20 us after an edge invents a clock"},
    {"clock-invented", "bug 1: the same clock, counted at the end of the run"},
    {"clock-while-stopped", "bug 15: the wire stays stopped while the clock runs on"},
    {"merged-in-edge-window", "bug 13: a merged byte in the window of an edge that waits "
                              "for the line (regress-18)"},
    {"start-while-running", "bug 1: the Stop a reset right after an edge owes is lost"},
    {"start-downbeat", "bugs 1 and 9: a gate that falls just after an edge leaves its Start "
                       "without a downbeat (regress-19); a settings request before a Start "
                       "edge delays the downbeat"},
    {"usb-order", "bugs 1 and 15: the host is told of a Stop DIN never sent"},
    {"usb-lost", "bug 14: a byte the alarm sent and the timeout's Stop overlap, and the "
                 "host never gets one of them"},
    {"running-status", "bug 17: DIN's running status not restored after a host message"},
};
const size_t kPendingKindCount = sizeof(kPendingKinds) / sizeof(kPendingKinds[0]);

bool IsPending(const std::string& kind) {
  for (size_t i = 0; i < kPendingKindCount; ++i) {
    if (kind == kPendingKinds[i].kind) return true;
  }
  return false;
}

bool FuzzRun::Fails(const std::string& kind) const {
  if (!legal) return kind.empty();
  for (const Violation& v : violations) {
    if (kind.empty() ? !IsPending(v.kind) : v.kind == kind) return true;
  }
  return false;
}

FuzzRun PlayAndCheck(const std::string& text) {
  FuzzRun r;
  r.text = text;
  Scenario scenario;
  if (!ParseScenario(text, "fuzz", &scenario, &r.error)) {
    r.legal = false;
    return r;
  }
  RunOptions options;
  options.elf = DefaultElf();
  RunResult run;
  if (!RunScenario(scenario, options, &run, &r.error)) {
    r.legal = false;
    return r;
  }
  r.simulated_seconds = run.cycles / 16e6;
  r.wall_seconds = run.wall_seconds;
  if (run.crashed) r.violations.push_back(Violation{"crash", run.cycles, "the firmware crashed"});
  const std::vector<Violation> found = CheckRun(run);
  r.violations.insert(r.violations.end(), found.begin(), found.end());
  return r;
}

Shrunk ShrinkFailure(const rc::Shrinkable<ScenarioLines>& failing, const std::string& kind,
                     int budget) {
  Shrunk s;
  rc::Shrinkable<ScenarioLines> best = failing;
  s.text = ScenarioText(best.value());
  s.run = PlayAndCheck(s.text);
  bool progress = true;
  while (progress && s.tried < budget) {
    progress = false;
    rc::Seq<rc::Shrinkable<ScenarioLines>> candidates = best.shrinks();
    while (s.tried < budget) {
      rc::Maybe<rc::Shrinkable<ScenarioLines>> next = candidates.next();
      if (!next) break;
      ++s.tried;
      const std::string text = ScenarioText(next->value());
      FuzzRun run = PlayAndCheck(text);
      // A candidate the parser refuses is no counterexample.
      if (run.legal && run.Fails(kind)) {
        best = *next;
        s.text = text;
        s.run = run;
        progress = true;
        break;
      }
    }
  }
  return s;
}

}  // namespace sim
}  // namespace cv2midi
