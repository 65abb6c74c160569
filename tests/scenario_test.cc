// The scenario format: what a musician writes and what the harness makes of it.
#include "sim/scenario.h"
#include "sim/teensy.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace sim {
namespace {

Scenario Parse(const std::string& text) {
  Scenario s;
  std::string error;
  EXPECT_TRUE(ParseScenario(text, "t", &s, &error)) << error;
  return s;
}

std::string Error(const std::string& text) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(ParseScenario(text, "t", &s, &error));
  return error;
}

TEST(Scenario, TempoMakesEvenlySpacedPulsesFromTheStart) {
  const Scenario s = Parse("# steady\ntempo 120 for 4 beats\nsilence 1s\n");
  EXPECT_EQ(s.summary, "steady");
  ASSERT_EQ(s.pulses.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(s.pulses[i].at, kScenarioStart + i * 8000000);
    EXPECT_EQ(s.pulses[i].width, 80000u);
  }
  EXPECT_EQ(s.end, kScenarioStart + 4 * 8000000 + 16000000 + 16000);
}

TEST(Scenario, PpqnMultipliesPulsesAndSwingSplitsPairs) {
  const Scenario s = Parse("ppqn 4\nswing 60%\ntempo 120 for 1 beats\n");
  ASSERT_EQ(s.pulses.size(), 4u);
  EXPECT_EQ(s.settings.ppqn, 4);
  EXPECT_TRUE(s.settings_given);
  EXPECT_EQ(s.pulses[1].at - s.pulses[0].at, 2400000u);  // 60 % of two sixteenths
  EXPECT_EQ(s.pulses[2].at - s.pulses[1].at, 1600000u);
}

TEST(Scenario, GlitchIsASecondRiseInsideThePulse) {
  const Scenario s = Parse("glitches 0.3ms\ntempo 120 for 1 beats\n");
  ASSERT_EQ(s.pulses.size(), 2u);
  EXPECT_EQ(s.pulses[1].kind, PulseKind::kGlitch);
  EXPECT_EQ(s.pulses[1].at - s.pulses[0].at, 4800u);
  EXPECT_LT(s.pulses[0].at + s.pulses[0].width, s.pulses[1].at);
}

TEST(Scenario, JitterIsReproducibleWithItsSeed) {
  const Scenario a = Parse("jitter 50us seed 3\ntempo 120 for 8 beats\n");
  const Scenario b = Parse("jitter 50us seed 3\ntempo 120 for 8 beats\n");
  bool moved = false;
  for (size_t i = 0; i < a.pulses.size(); ++i) {
    EXPECT_EQ(a.pulses[i].at, b.pulses[i].at);
    const int64_t off = static_cast<int64_t>(a.pulses[i].at) -
                        static_cast<int64_t>(kScenarioStart + i * 8000000);
    EXPECT_LE(off < 0 ? -off : off, 800);
    moved = moved || off != 0;
  }
  EXPECT_TRUE(moved);
}

TEST(Scenario, EventsHappenAtTheCursorOrAtAnAbsoluteTime) {
  const Scenario s =
      Parse("tempo 120 for 2 beats\nbutton long\nreset at 0.25s\nmidi 90 3c 64 at 10ms\n");
  ASSERT_EQ(s.actions.size(), 3u);
  EXPECT_EQ(s.actions[0].kind, ActionKind::kMidiIn);
  EXPECT_EQ(s.actions[0].bytes, (std::vector<uint8_t>{0x90, 0x3C, 0x64}));
  EXPECT_EQ(s.actions[1].kind, ActionKind::kResetPulse);
  EXPECT_EQ(s.actions[1].at, kScenarioStart + 4000000);
  EXPECT_EQ(s.actions[2].kind, ActionKind::kButton);
  EXPECT_EQ(s.actions[2].at, kScenarioStart + 16000000);
  EXPECT_EQ(s.actions[2].length, 1500u * 16000);
}

TEST(Scenario, SettingsReachTheEepromBlock) {
  const Scenario s = Parse(
      "setting reset-mode gate\nsetting timeout 4\nsetting auto-start off\n"
      "setting glitch 2ms\ntempo 100 for 1 beats\n");
  EXPECT_EQ(s.settings.reset_mode, ResetMode::kRunGate);
  EXPECT_EQ(s.settings.timeout_multiple, 4);
  EXPECT_FALSE(s.settings.auto_start);
  EXPECT_EQ(s.settings.glitch_us, 2000);
}

TEST(Scenario, ShiftAndSmoothSettingsReachTheEepromBlock) {
  Scenario s = Parse(
      "setting din-shift -8ms\nsetting usb-shift 2.5ms\nsetting smooth 2\n"
      "tempo 120 for 1 beats\n");
  EXPECT_EQ(s.settings.din_shift_10us, -800);
  EXPECT_EQ(s.settings.usb_shift_10us, 250);
  EXPECT_EQ(s.settings.smooth, 2);
  EXPECT_TRUE(s.settings_given);
  // The block the harness writes to EEPROM before boot carries them.
  uint8_t block[kSettingsBytes];
  EncodeSettings(s.settings, block);
  Settings back;
  ASSERT_EQ(DecodeSettings(block, &back), SettingsStatus::kOk);
  EXPECT_EQ(back.din_shift_10us, -800);
  EXPECT_EQ(back.usb_shift_10us, 250);
  EXPECT_EQ(back.smooth, 2);
  // Without a unit the number is ms; us, the extremes, and smooth off are taken too.
  s = Parse("setting din-shift +20\nsetting usb-shift -20000us\nsetting smooth 3\n"
            "setting smooth off\ntempo 120 for 1 beats\n");
  EXPECT_EQ(s.settings.din_shift_10us, 2000);
  EXPECT_EQ(s.settings.usb_shift_10us, -2000);
  EXPECT_EQ(s.settings.smooth, 0);
  s = Parse("setting din-shift 0.01ms\ntempo 120 for 1 beats\n");
  EXPECT_EQ(s.settings.din_shift_10us, 1);
}

TEST(Scenario, ShiftOrSmoothOutOfRangeIsAnError) {
  EXPECT_EQ(Error("setting din-shift -20.01ms\n"),
            "1: din-shift is -20ms to +20ms, e.g. -8ms or 2.5ms, got '-20.01ms'");
  EXPECT_EQ(Error("setting usb-shift 25ms\n"),
            "1: usb-shift is -20ms to +20ms, e.g. -8ms or 2.5ms, got '25ms'");
  EXPECT_EQ(Error("setting usb-shift 8s\n"),
            "1: usb-shift is -20ms to +20ms, e.g. -8ms or 2.5ms, got '8s'");
  EXPECT_EQ(Error("setting din-shift 2.505ms\n"),
            "1: din-shift goes in steps of 0.01ms (10us), got '2.505ms'");
  EXPECT_EQ(Error("setting smooth 4\n"), "1: smooth is off, 1, 2 or 3");
  EXPECT_EQ(Error("setting smooth on\n"), "1: smooth is off, 1, 2 or 3");
  EXPECT_EQ(Error("setting din-shift -8 ms\n"), "1: usage: setting NAME VALUE");
}

TEST(Scenario, MistakesNameTheLineAndWhatWasExpected) {
  EXPECT_EQ(Error("tempo 120 for 8 beats\ntempo 120 for 8 bars\n"),
            "2: expected 'beats', got 'bars'");
  EXPECT_EQ(Error("\n\ntempo fast for 8 beats\n"), "3: expected a tempo in BPM, got 'fast'");
  EXPECT_EQ(Error("tempo 5000 for 1 beats\n"), "1: tempo must be 1 to 3000 BPM");
  EXPECT_EQ(Error("ppqn 5\n"), "1: ppqn must be 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96");
  EXPECT_EQ(Error("ppqn 97\n"), "1: ppqn must be 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96");
  EXPECT_EQ(Error("input-ppqn 7\n"), "1: ppqn must be 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96");
  EXPECT_EQ(Error("ppqn 4.5\n"), "1: ppqn must be 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96");
  EXPECT_EQ(Error("silence 2 seconds\n"), "1: usage: silence DURATION");
  EXPECT_EQ(Error("silence 2min\n"), "1: unknown time unit 'min' (use s, ms or us)");
  EXPECT_EQ(Error("midi 90 3C 1FF\n"), "1: expected a hex byte such as 90 or F8, got '1ff'");
  EXPECT_EQ(Error("setting colour red\n").substr(0, 28), "1: unknown setting 'colour' ");
  EXPECT_EQ(Error("wobble\n").substr(0, 23), "1: unknown command 'wob");
  EXPECT_EQ(Error("# only a comment\n"), "1: the scenario plays nothing (add a tempo line)");
}

TEST(Scenario, JitterNeverMovesAnEdgeBeforeTheStart) {
  // 20 ms of jitter on the first pulse used to wrap below zero and never end.
  const Scenario s = Parse("jitter 20ms seed 7\ntempo 120 for 1 beats\n");
  ASSERT_EQ(s.pulses.size(), 1u);
  EXPECT_GE(s.pulses[0].at, kScenarioStart);
  EXPECT_LT(s.end, kScenarioStart + 2 * kCyclesPerSecond);
}

TEST(Scenario, JitterKeepsPulsesApartAndInOrder) {
  const Scenario s = Parse("jitter 4ms seed 1\nwidth 2ms\ntempo 3000 for 50 beats\n");
  for (size_t i = 1; i < s.pulses.size(); ++i) {
    EXPECT_GT(s.pulses[i].at, s.pulses[i - 1].at + s.pulses[i - 1].width) << i;
  }
}

TEST(Scenario, AtOnACursorLineIsAnError) {
  EXPECT_EQ(Error("tempo 120 for 4 beats at 2s\n").substr(0, 22), "1: 'at' is for events ");
  EXPECT_EQ(Error("tempo 120 for 4 beats\nsetting thru off at 1s\n").substr(0, 22),
            "2: 'at' is for events ");
  EXPECT_EQ(Error("silence 1s at 2s\n").substr(0, 22), "1: 'at' is for events ");
}

TEST(Scenario, OverlappingDinInLinesAreAnError) {
  EXPECT_EQ(Error("tempo 120 for 4 beats\nmidi-notes 50% for 1s at 0s\nmidi 90 3C 64 at 500ms\n"),
            "3: DIN-in bytes from 0.500000 s to 0.501056 s overlap those of line 2 (0.000000 s "
            "to 0.998976 s)");
  // Back to back is fine.
  Parse("tempo 120 for 4 beats\nmidi 90 3C 64 at 0s\nmidi 80 3C 00 at 1056us\n");
}

TEST(Scenario, EventsMayComeHoursIn) {
  const Scenario s = Parse("tempo 120 for 1 beats\nbutton at 7200s\n");
  ASSERT_EQ(s.actions.size(), 1u);
  EXPECT_EQ(s.actions[0].at, kScenarioStart + 7200 * kCyclesPerSecond);
}

TEST(Scenario, SeedsAreWholeUnsignedNumbers) {
  EXPECT_EQ(Error("jitter 50us seed -1\ntempo 120 for 1 beats\n"),
            "1: a seed is a whole number from 0 to 4294967295, got '-1'");
  EXPECT_EQ(Error("midi-garbage 10 seed 1.5\n"),
            "1: a seed is a whole number from 0 to 4294967295, got '1.5'");
  EXPECT_EQ(Error("midi-garbage 10 seed 4294967296\n"),
            "1: a seed is a whole number from 0 to 4294967295, got '4294967296'");
  Parse("midi-garbage 10 seed 4294967295\n");
}

TEST(Scenario, LoadNamesTheFileInItsErrors) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(LoadScenario("/nonexistent/x.txt", &s, &error));
  EXPECT_EQ(error, "cannot open scenario /nonexistent/x.txt");
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
