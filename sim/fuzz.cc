// The random tester's driver; see fuzz.h.
#include "sim/fuzz.h"

#include <algorithm>
#include <chrono>

#include "sim/run.h"
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {

namespace {
constexpr PendingScope kAny = PendingScope::kAny;
constexpr PendingScope kFollows = PendingScope::kDinFollows;
constexpr PendingScope kNegative = PendingScope::kNegativeShift;
}  // namespace

const PendingKind kPendingKinds[] = {
    {"latency", "bug 8: the first clock's latency moves (swing, MIDI-in receive "
                "interrupt, an interrupts-off block)", kAny},
    {"clock-timing", "bugs 2 and 13: an alarm armed too close to its due time sends a clock "
                     "a Timer1 period late; an edge that finds the line busy waits a pass", kAny},
    {"edge-wait", "bug 13: an edge's owed clock goes a main-loop pass after the line frees",
     kAny},
    {"line-overlap", "bugs 2 and 14: a late clock, or a Stop booked on the alarm's F8, "
                     "overlaps the next byte", kAny},
    {"stop-cause", "bug 15: a Stop armed for an edge that came just before its timeout", kAny},
    {"stop-timeout", "bug 14: the alarm's F8 booked as the timeout", kAny},
    {"clock-lost", "bugs 1 and 15: a reset right after an edge; an edge just before its "
                   "timeout loses its clock to the Stop", kAny},
    {"clock-early", "bug 1: a reset 1-20 us after an edge invents a clock", kAny},
    {"clock-invented", "bug 1: the same clock, counted at the end of the run", kAny},
    {"clock-while-stopped", "bug 15: the wire stays stopped while the clock runs on", kAny},
    {"merged-in-edge-window", "bug 13: a merged byte in the window of an edge that waits "
                              "for the line (regress-18)", kAny},
    {"start-while-running", "bug 1: the Stop a reset right after an edge owes is lost", kAny},
    {"start-downbeat", "bugs 1 and 9: a gate that falls just after an edge leaves its Start "
                       "without a downbeat (regress-19); a settings request before a Start "
                       "edge delays the downbeat", kAny},
    {"usb-order", "bugs 1 and 15: the host is told of a Stop DIN never sent", kAny},
    {"usb-lost", "bug 14: a byte the alarm sent and the timeout's Stop overlap, and the "
                 "host never gets one of them", kAny},
    {"running-status", "bug 17: DIN's running status not restored after a host message", kAny},
    // Issue 14's shift, only in runs that can have it.
    {"clock-ahead", "regress-27: a negative shift sends more clocks ahead than its reach after "
                    "a short interval (a fast start, a double pulse), and they stay ahead",
     kNegative},
    {"thru-invented", "regress-28, 29 (both pass since the line books before the host "
                      "gets more; kept pending here until fresh seeds agree): DIN following "
                      "the host, merged traffic jumbled and the line stalled", kFollows},
    {"song-position", "regress-28: the same stall held back a long press's Song Position",
     kFollows},
    {"internal-timing", "regress-30: DIN following the host sends a held clock's catch-up "
                        "at the timeout, not the delay later", kFollows},
};
const size_t kPendingKindCount = sizeof(kPendingKinds) / sizeof(kPendingKinds[0]);

bool IsPending(const std::string& kind) {
  for (size_t i = 0; i < kPendingKindCount; ++i) {
    if (kind == kPendingKinds[i].kind) return true;
  }
  return false;
}

bool IsPending(const std::string& kind, const ShiftScope& scope) {
  for (size_t i = 0; i < kPendingKindCount; ++i) {
    const PendingKind& p = kPendingKinds[i];
    if (kind != p.kind) continue;
    if (p.scope == PendingScope::kAny ||
        (p.scope == PendingScope::kDinFollows && scope.din_follows) ||
        (p.scope == PendingScope::kNegativeShift && scope.negative)) {
      return true;
    }
  }
  return false;
}

ShiftScope ScopeOf(const Scenario& scenario) {
  std::vector<int> din = {scenario.settings.din_shift_10us};
  std::vector<int> usb = {scenario.settings.usb_shift_10us};
  for (const Action& a : scenario.actions) {
    if (a.kind != ActionKind::kMidiIn && a.kind != ActionKind::kUsbOut) continue;
    const std::vector<uint8_t>& b = a.bytes;
    for (size_t i = 0; i + 5 < b.size(); ++i) {
      if (b[i] != 0xF0 || b[i + 1] != 0x7D || b[i + 2] != 0x63 || b[i + 3] != 0x32) continue;
      if (b[i + 4] == 0x03) {
        din.push_back(0);
        usb.push_back(0);
      }
      if (b[i + 4] != 0x02 || i + 8 >= b.size() || b[i + 8] != 0xF7) continue;
      if (b[i + 5] != 10 && b[i + 5] != 11) continue;
      const int raw = b[i + 6] | (b[i + 7] << 7);  // 14-bit two's complement
      const int steps = raw >= 8192 ? raw - 16384 : raw;
      if (steps < -2000 || steps > 2000) continue;  // refused
      (b[i + 5] == 10 ? din : usb).push_back(steps);
    }
  }
  ShiftScope s;
  const int din_max = *std::max_element(din.begin(), din.end());
  const int usb_min = *std::min_element(usb.begin(), usb.end());
  s.din_follows = din_max > usb_min;
  s.negative = *std::min_element(din.begin(), din.end()) < 0 || usb_min < 0;
  return s;
}

bool FuzzRun::Fails(const std::string& kind) const {
  if (!legal) return kind.empty();
  for (const Violation& v : violations) {
    if (kind.empty() ? !Pending(v) : v.kind == kind) return true;
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
  r.scope = ScopeOf(scenario);
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
