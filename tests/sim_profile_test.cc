// cv2midi-sim --profile: the awake cycles of a run, summed per function of the image.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sim/profile.h"
#include "sim/run.h"
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {
namespace {

TEST(SimProfile, NamesReadAsTheSourceDoes) {
  EXPECT_EQ(ShortFunctionName("cv2midi::hal::UsbDevice::Poll(void (*)(unsigned char const*, "
                              "unsigned char)) [clone .constprop.0]"),
            "hal::UsbDevice::Poll");
  EXPECT_EQ(ShortFunctionName("cv2midi::firmware::(anonymous namespace)::ToHost(cv2midi::"
                              "MidiEvent const&) [clone .lto_priv.95] [clone .constprop.3]"),
            "ToHost");
  EXPECT_EQ(ShortFunctionName("cv2midi::hal::Gpio<cv2midi::hal::PortD, (unsigned char)6>::"
                              "Set(bool)"),
            "hal::Gpio<hal::PortD, (unsigned char)6>::Set");
  EXPECT_EQ(ShortFunctionName("__vector_16"), "TIMER1_CAPT interrupt");
  EXPECT_EQ(ShortFunctionName("__vector_32"), "TIMER3_COMPA interrupt");
  EXPECT_EQ(ShortFunctionName("__vector_5"), "__vector_5");  // reserved on the 32U4
  EXPECT_EQ(ShortFunctionName("__prologue_saves__"), "__prologue_saves__");
  EXPECT_EQ(ShortFunctionName("main"), "main");
}

TEST(SimProfile, CyclesGoToTheFunctionSpanningTheirAddress) {
  const std::vector<FunctionSymbol> symbols = {{0x100, 0x10, "a()"}, {0x200, 0x4, "b()"}};
  std::vector<uint64_t> words(0x200, 0);
  words[0x100 / 2] = 5;   // a's first word
  words[0x10e / 2] = 7;   // a's last word
  words[0x110 / 2] = 11;  // just past a: no function
  words[0x202 / 2] = 3;   // b
  words[0x80 / 2] = 2;    // before every symbol
  const Profile p = SumByFunction(words, symbols);
  EXPECT_EQ(p.awake_cycles, 28u);
  EXPECT_EQ(p.outside_functions, 13u);
  ASSERT_EQ(p.functions.size(), 2u);
  EXPECT_EQ(p.functions[0].name, "a");
  EXPECT_EQ(p.functions[0].cycles, 12u);
  EXPECT_EQ(p.functions[1].name, "b");
  EXPECT_EQ(p.functions[1].cycles, 3u);
}

RunResult Play(bool profile) {
  Scenario scenario;
  std::string error;
  EXPECT_TRUE(ParseScenario("tempo 120 for 4 beats\nsilence 1200ms\n", "test", &scenario, &error))
      << error;
  RunOptions options;
  options.elf = DefaultElf();
  options.profile = profile;
  RunResult run;
  EXPECT_TRUE(RunScenario(scenario, options, &run, &error)) << error;
  return run;
}

// Every awake cycle of the real image is in the profile, none of the sleep is, and counting
// them does not move a single byte.
TEST(SimProfile, AccountsForEveryAwakeCycleOfTheFirmwareAndChangesNothing) {
  const RunResult plain = Play(false);
  const RunResult run = Play(true);
  EXPECT_TRUE(plain.word_cycles.empty());
  ASSERT_EQ(run.tx.size(), plain.tx.size());
  for (size_t i = 0; i < run.tx.size(); ++i) {
    EXPECT_EQ(run.tx[i].cycle, plain.tx[i].cycle) << i;
    EXPECT_EQ(run.tx[i].byte, plain.tx[i].byte) << i;
  }
  EXPECT_EQ(run.sleep_cycles, plain.sleep_cycles);

  std::vector<FunctionSymbol> symbols;
  std::string error;
  ASSERT_TRUE(ReadFunctionSymbols(DefaultElf(), &symbols, &error)) << error;
  const Profile profile = SumByFunction(run.word_cycles, symbols);
  EXPECT_EQ(profile.awake_cycles, run.cycles - run.sleep_cycles);
  EXPECT_LT(profile.awake_cycles, run.cycles / 10);  // asleep most of the time at 120 BPM
  uint64_t in_functions = 0;
  for (const FunctionCycles& f : profile.functions) in_functions += f.cycles;
  EXPECT_EQ(in_functions + profile.outside_functions, profile.awake_cycles);
  // The capture, alarm and tick interrupts all ran, and main did.
  for (const char* name : {"TIMER1_CAPT interrupt", "TIMER3_COMPA interrupt",
                           "TIMER0_COMPA interrupt", "main"}) {
    bool found = false;
    for (const FunctionCycles& f : profile.functions) found = found || f.name == name;
    EXPECT_TRUE(found) << name;
  }

  std::ostringstream table;
  PrintProfile(profile, run.cycles, 5, table);
  EXPECT_NE(table.str().find("Where the CPU is awake (" + std::to_string(profile.awake_cycles) +
                             " cycles"),
            std::string::npos)
      << table.str();
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
