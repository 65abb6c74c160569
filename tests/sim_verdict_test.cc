// The report's own verdicts on runs where the firmware did nothing wrong (and the dump):
// each scenario here was once judged wrongly by sim/analysis.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "sim/report.h"
#include "tests/sim_play.h"

namespace cv2midi {
namespace sim {
namespace {

std::string Failures(const Analysis& a) {
  std::string out;
  for (const VerdictItem& v : a.verdict) {
    if (v.must_pass && !v.pass) out += v.item + ": " + v.figure + "\n";
  }
  return out;
}

TEST(Dump, ListsEdgesAfterTheLastByte) {
  // No Start and no clocks while stopped: the edges are all there is.
  const Played p = PlayText(
      "setting auto-start off\nsetting clocks-while-stopped off\ntempo 120 for 3 beats\n");
  ASSERT_TRUE(p.run.tx.empty());
  std::ostringstream dump;
  PrintDump(p.run, dump);
  size_t edges = 0;
  for (size_t at = dump.str().find("edge"); at != std::string::npos;
       at = dump.str().find("edge", at + 1)) {
    ++edges;
  }
  EXPECT_EQ(edges, 3u) << dump.str();
}

// Issue 14's settings reach the report's settings line: as stored at power-up, and as a
// SysEx request left them for the edges after the next stop.
TEST(Report, TheSettingsLineCarriesTheShiftsAndSmooth) {
  Played p = PlayText("setting din-shift -8ms\nsetting usb-shift 2.5ms\ntempo 120 for 2 beats\n"
                      "silence 1s\n");
  EXPECT_EQ(p.analysis.din_shift_10us, -800);
  EXPECT_EQ(p.analysis.usb_shift_10us, 250);
  EXPECT_EQ(p.analysis.smooth, 0);
  EXPECT_FALSE(p.analysis.shift_settings_changed);
  std::ostringstream report;
  PrintReport(p.run, p.analysis, report);
  EXPECT_NE(report.str().find("\nsettings  din-shift -8.00 ms, usb-shift +2.50 ms, smooth off\n"),
            std::string::npos)
      << report.str();
  p = PlayText("tempo 120 for 2 beats\nmidi F0 7D 63 32 02 0C 03 F7 at 200ms\nsilence 2s\n"
               "tempo 120 for 2 beats\nsilence 1s\n");
  EXPECT_EQ(p.analysis.smooth, 0) << "at the first edge";
  EXPECT_TRUE(p.analysis.shift_settings_changed);
  report.str("");
  PrintReport(p.run, p.analysis, report);
  EXPECT_NE(report.str().find("smooth off (at the first edge; a settings request changed them)"),
            std::string::npos)
      << report.str();
  // A request before the first edge is in force at it.
  p = PlayText("midi F0 7D 63 32 02 0C 03 F7 at 50ms\nsilence 500ms\ntempo 120 for 2 beats\n"
               "silence 1s\n");
  EXPECT_EQ(p.analysis.smooth, 3);
  EXPECT_FALSE(p.analysis.shift_settings_changed);
}

// Each of these runs meets the contract; the report once failed it.
TEST(Verdict, TimeoutSetBySysExIsTheOneInForceAfterTheStop) {
  EXPECT_EQ(Failures(PlayText("tempo 120 for 4 beats\nmidi F0 7D 63 32 02 03 04 F7 at 500ms\n"
                              "silence 3s\ntempo 120 for 4 beats\nsilence 4s\n")
                         .analysis),
            "");
}

TEST(Verdict, ClocksWhileStoppedTurnedOffBySysEx) {
  EXPECT_EQ(Failures(PlayText("tempo 120 for 4 beats\nmidi F0 7D 63 32 02 04 00 F7 at 500ms\n"
                              "silence 3s\ntempo 120 for 4 beats\nbutton at 5.1s\nsilence 2s\n")
                         .analysis),
            "");
}

TEST(Verdict, AStopCutsTheClocksWhenClocksWhileStoppedIsOff) {
  EXPECT_EQ(Failures(PlayText("setting clocks-while-stopped off\ntempo 120 for 8 beats\n"
                              "button at 1.1s\nbutton at 2.2s\nsilence 2s\n")
                         .analysis),
            "");
}

TEST(Verdict, HostSysExIsNotDinThru) {
  const Played p = PlayText("tempo 120 for 4 beats\nusb-out F0 7D 01 02 F7 at 1s\n"
                            "midi 90 3C 64 at 1500ms\nsilence 2s\n");
  EXPECT_EQ(Failures(p.analysis), "");
  EXPECT_EQ(p.analysis.usb_out_in, 1u);
  EXPECT_EQ(p.analysis.thru_delivered, 1u);
}

TEST(Verdict, SongPositionFromDinInIsThruAndTheModulesOwnIsNot) {
  const Played p = PlayText("tempo 120 for 4 beats\nmidi F2 10 00 at 100ms\nbutton at 1s\n"
                            "button long at 1.3s\nsilence 1s\ntempo 120 for 2 beats\nsilence 2s\n");
  EXPECT_EQ(Failures(p.analysis), "");
  EXPECT_EQ(p.analysis.thru_delivered, 1u);
  EXPECT_EQ(p.analysis.song_positions, 2u);
}

TEST(Verdict, AWakeDoesNotEndAPause) {
  EXPECT_EQ(Failures(PlayText("tempo 120 for 8 beats\nusb pause at 1s\nusb wake at 2s\n"
                              "silence 1s\n")
                         .analysis),
            "");
}

TEST(Verdict, ABounceShorterThanTheDebounceIsNoPress) {
  const Played p = PlayText("tempo 120 for 8 beats\nbutton hold 3ms at 1.1s\nsilence 1s\n");
  EXPECT_EQ(Failures(p.analysis), "");
  EXPECT_EQ(p.analysis.stops, 1u) << "only the timeout's";
}

TEST(Verdict, TheRunMayEndBeforeTheLastEdgesClocksAreDue) {
  // A speed-up's last pulse divides the longer interval before it, beyond the run's end.
  const Played p = PlayText("tempo 60 for 2 beats\nramp 60 to 240 over 4 beats\n");
  EXPECT_EQ(Failures(p.analysis), "");
  EXPECT_LT(p.analysis.clocks, 6u * 24);
}

TEST(Verdict, AScenarioWithoutClockCanPass) {
  const Played p = PlayText("midi 90 3C 64 at 0s\n");
  EXPECT_EQ(Failures(p.analysis), "");
  EXPECT_TRUE(p.analysis.pass);
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
