// The random tester's scenarios: a RapidCheck generator of legal scenario text (the format
// of sim/scenarios/README.md) over every feature, with weights to steer it, and shrinking
// line by line (then each line smaller) through RapidCheck's shrink tree.
#ifndef CV2MIDI_SIM_FUZZ_GEN_H_
#define CV2MIDI_SIM_FUZZ_GEN_H_

#include <stdint.h>

#include <string>
#include <vector>

#include <rapidcheck.h>

namespace cv2midi {
namespace sim {

using ScenarioLines = std::vector<std::string>;

// How often each kind of line comes; 0 leaves it out.
struct FuzzWeights {
  // The clock.
  unsigned tempo = 6, ramp = 3, silence = 2, swing = 1, jitter = 1, glitches = 1,
           missing = 1, doubles = 1, ppqn = 1;
  // Events.
  unsigned button = 2, reset = 1, gate = 1, midi = 1, midi_notes = 1, midi_sysex = 1,
           midi_garbage = 1, usb = 1, usb_out = 1, settings = 1;
  // Issue 14's clock shifts and jitter filter: the percent of scenarios that power up with
  // a shift (DIN, USB or both) and with the filter on; 2 x (shift + smooth) percent of the
  // set requests become ones for params 10-12. They are drawn after everything else, so
  // each seed plays the scenario it played without them, plus these lines; 0 draws nothing.
  unsigned shift = 10, smooth = 8;
  // Each scenario's clock plays about this long at most.
  unsigned max_seconds = 40;
};

// Reads "tempo=3,usb=0,max_seconds=20"; false with a reason for an unknown name.
bool ParseWeights(const std::string& text, FuzzWeights* w, std::string* error);

rc::Gen<ScenarioLines> GenScenario(const FuzzWeights& weights);

// One scenario from a seed: its lines and the tree of its shrinks.
rc::Shrinkable<ScenarioLines> Generate(uint64_t seed, const FuzzWeights& weights);

std::string ScenarioText(const ScenarioLines& lines);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_FUZZ_GEN_H_
