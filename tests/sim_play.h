// Plays a shipped scenario (sim/scenarios) on the real firmware image and analyses the run:
// the one way the simulator suites load, run and measure a scenario file.
#ifndef CV2MIDI_TESTS_SIM_PLAY_H_
#define CV2MIDI_TESTS_SIM_PLAY_H_

#include <gtest/gtest.h>

#include <string>

#include "sim/analysis.h"
#include "sim/run.h"
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {

struct Played {
  RunResult run;
  Analysis analysis;
};

inline Played PlayFile(const std::string& name) {
  Played p;
  Scenario scenario;
  std::string error;
  EXPECT_TRUE(LoadScenario(std::string(CV2MIDI_SCENARIOS) + "/" + name, &scenario, &error))
      << error;
  RunOptions options;
  options.elf = DefaultElf();
  EXPECT_TRUE(RunScenario(scenario, options, &p.run, &error)) << error;
  p.analysis = Analyze(p.run);
  return p;
}

// The same for a scenario written in the test.
inline Played PlayText(const std::string& text) {
  Played p;
  Scenario scenario;
  std::string error;
  EXPECT_TRUE(ParseScenario(text, "test", &scenario, &error)) << error;
  RunOptions options;
  options.elf = DefaultElf();
  EXPECT_TRUE(RunScenario(scenario, options, &p.run, &error)) << error;
  p.analysis = Analyze(p.run);
  return p;
}

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_TESTS_SIM_PLAY_H_
