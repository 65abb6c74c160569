// Every shipped scenario on the real image: the contract's numbers from the report, and
// what each scenario is about, asserted on the bytes that came out.
#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "core/midi.h"
#include "sim/analysis.h"
#include "sim/fuzz_check.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "tests/sim_play.h"

namespace cv2midi {
namespace sim {
namespace {

// The transport bytes (everything but clocks), in order.
std::vector<uint8_t> Transport(const RunResult& run) {
  std::vector<uint8_t> bytes;
  for (const TxByte& b : run.tx) {
    if (b.byte != midi::kClock) bytes.push_back(b.byte);
  }
  return bytes;
}

class Scenarios : public testing::TestWithParam<const char*> {};

// The contract, for every scenario: exact timing, constant latency, nothing lost or
// invented, position after every edge, no overlap on the wire, Stop on time.
TEST_P(Scenarios, MeetTheContract) {
  const Played p = PlayFile(GetParam());
  const Analysis& a = p.analysis;
  EXPECT_FALSE(p.run.crashed);
  for (const VerdictItem& v : a.verdict) {
    if (v.must_pass) {
      EXPECT_TRUE(v.pass) << v.item << ": " << v.figure;
    }
  }
  if (a.timed_clocks > 0) {
    EXPECT_LE(a.error_max_ns, 1000.0);
  }
  EXPECT_GT(a.divided_clocks, 0u);
  EXPECT_LE(a.division_error_max_ns, 62.5) << "every divided clock within one CPU cycle";
  ASSERT_GT(a.latency_samples, 0u);
  EXPECT_LE(a.latency_max, 320u);
  EXPECT_EQ(a.latency_max, a.latency_min) << "latency must be constant";
  EXPECT_TRUE(a.balance_checked);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_EQ(a.position_failures, 0u) << a.first_position_failure;
  EXPECT_GT(a.position_checked, 0u);
  EXPECT_EQ(a.line_overlaps, 0u);
  EXPECT_TRUE(a.bursts_back_to_back);
  for (const StopFigures& s : a.timeouts) {
    EXPECT_NE(s.stop_at, 0u);
    EXPECT_LE(s.stop_at, s.limit) << "Stop within the timeout plus 1 ms";
  }
  // The random tester's checker, which shares no code with the report, agrees.
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
  std::printf("[ figures  ] %-18s steady error max %.1f ns rms %.1f ns (%zu clocks), division "
              "error max %.1f ns (%zu clocks), latency %llu cycles, awake %.2f %%\n",
              GetParam(), a.error_max_ns, a.error_rms_ns, a.timed_clocks,
              a.division_error_max_ns, a.divided_clocks,
              static_cast<unsigned long long>(a.latency_median), a.awake_percent);
}

// A test name from a scenario file's name: "step-up-25.txt" gives "step_up_25".
std::string ScenarioTestName(const testing::TestParamInfo<const char*>& info) {
  std::string name = info.param;
  name = name.substr(0, name.find('.'));
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, Scenarios,
    testing::Values("default.txt", "steady-20.txt", "steady-120.txt", "steady-300.txt",
                    "steady-3000.txt", "step-up-25.txt", "step-up-300.txt",
                    "step-down-50.txt", "ramp-60-180.txt", "jitter-50us.txt",
                    "swing-4ppqn.txt", "stop-restart.txt", "button.txt", "reset.txt",
                    "run-gate.txt", "glitches.txt", "one-bpm.txt", "merge-140-50.txt",
                    "merge-140-100.txt", "merge-300-50.txt", "merge-300-100.txt",
                    "sysex-1k.txt", "midi-garbage.txt", "usb-120.txt", "usb-pause.txt",
                    "usb-reset.txt", "usb-suspend.txt", "usb-out.txt", "usb-none.txt",
                    "settings-din.txt", "settings-usb.txt", "settings-setup.txt",
                    "settings-corrupt.txt", "settings-garbage.txt",
                    "settings-while-running.txt", "internal-handover-140.txt",
                    "internal-hold.txt", "ppqn3-120.txt", "ppqn6-120.txt", "ppqn48-60.txt",
                    "ppqn48-120.txt", "ppqn48-300.txt", "ppqn96-60.txt", "ppqn96-120.txt",
                    "ppqn96-300.txt", "ppqn96-2000.txt"),
    ScenarioTestName);

// Issue 11's minimal scenarios of the firmware bugs still open, in the line, settings and
// merge paths. Each must still fail today, under the report or
// the checker: once one passes, move it to the Shipped list above.
const char* const kPendingRegressions[] = {
    "regress-01-reset-after-edge.txt",
    "regress-09-request-before-start.txt",
    "regress-13-edge-finds-line-busy.txt",
    "regress-15-edge-before-timeout.txt",
    "regress-18-window-after-settings-change.txt",
    "regress-19-gate-fall-at-edge.txt",
    "regress-20-dense-24ppqn-jitter.txt",
    // Issue 14's clock shift, found by the random tester's model of it.
    "regress-27-shift-ahead-runs-away.txt",
    "regress-30-follow-hold-catch-up-early.txt",
    "regress-32-shift-clock-due-at-pulse-late.txt",
    "regress-33-shift-start-downbeat-late.txt",
};

// Issue 11's scenarios whose bugs are fixed (the wire transmitter and its line; USB OUT
// flow control, whole replies, stalled SysEx closed): they meet the whole contract, as the
// shipped ones do.
INSTANTIATE_TEST_SUITE_P(
    Fixed, Scenarios,
    testing::Values("regress-03-settings-after-134s.txt", "regress-03b-clock-after-141s.txt",
                    "regress-04-settings-keep-tempo.txt", "regress-05-timeout-past-2e31.txt",
                    "regress-05b-timeout-8-at-1bpm.txt", "regress-07-replies-under-load.txt",
                    "regress-08-latency-swing.txt", "regress-08b-latency-midi-in.txt",
                    "regress-08c-latency-atomic.txt", "regress-10-usb-out-chord.txt",
                    "regress-11-host-sysex-unterminated.txt", "regress-16-spp-zero-byte.txt",
                    "regress-17-running-status-after-host.txt", "regress-12-reset-before-edge.txt",
                    "regress-02-late-alarm.txt", "regress-06-spp-inside-running-status.txt",
                    "regress-22-stop-while-stopped-eats-a-byte.txt",
                    "regress-28-follow-merge-stalls-line.txt",
                    "regress-29-follow-merge-thru-jumbled.txt",
                    "regress-31-ppqn96-usb-minus-delays-din.txt"),
    ScenarioTestName);

class PendingRegressions : public testing::TestWithParam<const char*> {};

TEST_P(PendingRegressions, StillFailUntilTheirBugIsFixed) {
  const Played p = PlayFile(GetParam());
  const std::vector<Violation> found = CheckRun(p.run);
  EXPECT_TRUE(!p.analysis.pass || !found.empty())
      << GetParam() << " now passes the report and the checker: move it to the Shipped list";
}

INSTANTIATE_TEST_SUITE_P(
    Issue11, PendingRegressions, testing::ValuesIn(kPendingRegressions),
    ScenarioTestName);

// The shipped shift and filter scenarios under the random tester's checker, which models
// the shift and the filter with no code of the report's or the firmware's: nothing, but
// that a negative DIN shift's first pulse has its downbeat late behind its Start
// (regress-33; the burst check sees the same byte).
class ShiftScenarios : public testing::TestWithParam<const char*> {};

TEST_P(ShiftScenarios, TheCheckerFindsNothing) {
  const Played p = PlayFile(GetParam());
  ASSERT_FALSE(p.run.edges.empty());
  const uint64_t first_beat = p.run.edges[0].at + 8 * kCyclesPerMs;
  for (const Violation& v : CheckRun(p.run)) {
    const bool regress33 = p.run.scenario.settings.din_shift_10us < 0 && v.at < first_beat &&
                           (v.kind == "start-downbeat" || v.kind == "clock-timing");
    if (!regress33) ADD_FAILURE() << v.kind << ": " << v.what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Issue14, ShiftScenarios,
    testing::Values("shift-both-plus50us-300.txt", "shift-din-minus8-120.txt",
                    "shift-din-minus8-300.txt", "shift-din-plus0.1-120.txt",
                    "shift-din-plus1-120.txt", "shift-din-plus1.01-120.txt",
                    "shift-din-plus10us-300.txt", "shift-din-plus8-120.txt",
                    "shift-din-plus8-300.txt", "shift-usb-minus8-120.txt",
                    "smooth-jitter-off.txt", "smooth-jitter-1.txt", "smooth-jitter-2.txt",
                    "smooth-jitter-3.txt", "smooth-ppqn1.txt", "smooth-ppqn4.txt",
                    "smooth-step-120-150.txt"),
    [](const testing::TestParamInfo<const char*>& info) {
      std::string name = info.param;
      name = name.substr(0, name.size() - 4);  // ".txt"
      for (char& c : name) c = c == '-' || c == '.' ? '_' : c;
      return name;
    });

// Bug 14: with clocks while stopped off, the clock the line sends before the timeout is
// not taken for the timeout; the Stop follows a frame later, and the host gets both. (A
// Stop cuts the clocks here, so the report does not count them against the edges.)
TEST(Scenario, FixedRegress14TheStopFollowsTheLastClockWhole) {
  const Played p = PlayFile("regress-14-stop-after-alarm-clock.txt");
  EXPECT_TRUE(p.analysis.pass);
  EXPECT_EQ(p.analysis.line_overlaps, 0u);
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
}

// Regress-21: the host's eight notes at the very end of a run all reach the pin, in order,
// frame after frame, and nothing else does (the stray FF was the run's end cutting a frame).
TEST(Scenario, FixedRegress21TheHostsChordAtTheEndGoesOutWhole) {
  const Played p = PlayFile("regress-21-host-chord-stray-byte.txt");
  const std::vector<uint8_t> chord = {0x8F, 0x27, 0x40, 0x8F, 0x32, 0x41, 0x9F, 0x23,
                                      0x2C, 0x9F, 0x45, 0x7B, 0x9F, 0x62, 0x3F, 0x8F,
                                      0x47, 0x64, 0x8F, 0x58, 0x1E, 0x9F, 0x1E, 0x2A};
  std::vector<uint8_t> out;
  for (const TxByte& b : p.run.tx) out.push_back(b.byte);
  EXPECT_EQ(out, chord);
  ASSERT_EQ(p.run.tx.size(), chord.size());
  const uint64_t sent_at = kScenarioStart + 12139386ull * 16;
  EXPECT_GT(p.run.tx.front().cycle, sent_at);
  EXPECT_LT(p.run.tx.front().cycle, sent_at + 2 * 16000) << "within two USB frames";
  for (size_t i = 1; i < p.run.tx.size(); ++i) {
    EXPECT_GE(p.run.tx[i].cycle - p.run.tx[i - 1].cycle, 5120u) << "byte " << i;
  }
  EXPECT_EQ(p.analysis.usb_out_in, 8u);
  EXPECT_EQ(p.analysis.usb_out_delivered, 8u);
  EXPECT_LT(p.run.tx.back().cycle + 5120, p.run.cycles) << "the last frame ends in the run";
  EXPECT_EQ(p.run.wire_cut_at_end, 0);
  EXPECT_TRUE(p.run.wire_faults.empty());
  EXPECT_TRUE(p.analysis.pass);
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
}

// Bug 5 to the end of the range: the Stop 8 intervals of 1 BPM after the last edge, past the
// 32-bit wrap, on its cycle.
TEST(Scenario, FixedRegress05bTheStopAfterEightMinutesComesOnItsCycle) {
  const Played p = PlayFile("regress-05b-timeout-8-at-1bpm.txt");
  const uint64_t last_edge = kScenarioStart + 1 + 2 * 60 * 16000000ull;
  const uint64_t stop = last_edge + 8 * 60 * 16000000ull + 8000;
  std::vector<uint64_t> stops;
  for (const TxByte& b : p.run.tx) {
    if (b.byte == midi::kStop) stops.push_back(b.cycle);
  }
  ASSERT_EQ(stops.size(), 2u) << "the first interval's at 120 BPM, and this one";
  EXPECT_EQ(stops[1], stop);
}

// Regress-22: DIN in's "C4 68 DB 46" reaches the pin whole, each frame clean, though an edge
// comes while the C4 is on the line (it read FC when the capture interrupt held off the
// transmitter's next bit change).
TEST(Scenario, FixedRegress22AMergedFrameIsNotCutByAnEdge) {
  const Played p = PlayFile("regress-22-stop-while-stopped-eats-a-byte.txt");
  EXPECT_TRUE(p.run.wire_faults.empty());
  std::vector<uint8_t> merged;
  for (const TxByte& b : p.run.tx) {
    if (b.byte < midi::kClock) merged.push_back(b.byte);
  }
  const std::vector<uint8_t> sent = {0x84, 0x55, 0x0B, 0x99, 0x46, 0x62, 0xD7, 0x1D,
                                     0x96, 0x6E, 0x43, 0xC4, 0x68, 0xDB, 0x46};
  EXPECT_EQ(merged, sent);
  EXPECT_EQ(p.analysis.stops, 0u) << "gate mode with no gate: nothing runs, nothing stops";
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
}

// Regress-23 (a checker bug): a long press with nothing patched starts the internal clock
// with a Continue; run-gate mode set by SysEx while it runs waits until it stops, so the
// reset still restarts it as a trigger does: Stop, then Start at once.
TEST(Scenario, FixedRegress23ASettingWaitsWhileTheInternalClockRuns) {
  const Played p = PlayFile("regress-23-gate-reset-after-long-press.txt");
  std::vector<uint8_t> transport;
  std::vector<uint64_t> at;
  for (const TxByte& b : p.run.tx) {
    if (b.byte == midi::kStart || b.byte == midi::kContinue || b.byte == midi::kStop) {
      transport.push_back(b.byte);
      at.push_back(b.cycle);
    }
  }
  ASSERT_EQ(transport, (std::vector<uint8_t>{midi::kContinue, midi::kStop, midi::kStart}));
  EXPECT_LT(at[2] - at[1], 16000u) << "the Start follows its Stop within 1 ms";
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
}

// Regress-24: the edge at 21.448 s finds a note on the line and the capture books its owed
// clock to follow it; the rest of the burst comes back to back, with no merged byte inside
// it (one the main loop had in hand when the edge came went there). The run still shows
// pending bug 13 (edge-wait), so only the burst is judged here.
TEST(Scenario, FixedRegress24NoMergedByteInsideAnEdgesBurst) {
  const Played p = PlayFile("regress-24-merged-byte-inside-burst.txt");
  size_t edges_judged = 0;
  for (const Violation& v : CheckRun(p.run)) {
    EXPECT_NE(v.kind, std::string("clock-timing")) << v.what;
    edges_judged += v.kind == std::string("edge-wait");
  }
  EXPECT_LE(edges_judged, 1u);
  EXPECT_TRUE(p.run.wire_faults.empty());
}

// Regress-25: the internal clock keeps its cycle while the host's transfer (a chord and a
// SysEx, 8 packets) is taken; the checker holds every internal clock to its ideal.
TEST(Scenario, FixedRegress25TheInternalClockIsNotHeldByAHostTransfer) {
  const Played p = PlayFile("regress-25-internal-clock-behind-host-transfer.txt");
  size_t clocks = 0;
  for (const TxByte& b : p.run.tx) clocks += b.byte == midi::kClock;
  EXPECT_GT(clocks, 1000u);
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
}

// Regress-26: the wire stopped by the button, a pulse 55 cycles past its timeout is a
// restart: Start and the downbeat follow it. (Its latency is pending bug 8's, so only the
// Start is judged here.)
TEST(Scenario, FixedRegress26AnEdgeJustPastASilenceIsARestart) {
  const Played p = PlayFile("regress-26-edge-just-past-silence.txt");
  for (const Violation& v : CheckRun(p.run)) {
    EXPECT_NE(v.kind, std::string("start-missing")) << v.what;
  }
  // The pulse just past its timeout: 2 intervals plus the 0.5 ms grace, give or take 200
  // cycles.
  uint64_t restart = 0;
  for (size_t i = 2; i < p.run.edges.size() && restart == 0; ++i) {
    const uint64_t before = p.run.edges[i - 1].at - p.run.edges[i - 2].at;
    const uint64_t gap = p.run.edges[i].at - p.run.edges[i - 1].at;
    const uint64_t timeout = 2 * before + std::min<uint64_t>(before / 8, 8000);
    if (gap > timeout && gap < timeout + 200) restart = p.run.edges[i].at;
  }
  ASSERT_NE(restart, 0u);
  bool started = false;
  for (const TxByte& b : p.run.tx) {
    started |= b.byte == midi::kStart && b.cycle > restart && b.cycle < restart + 16000;
  }
  EXPECT_TRUE(started) << "no Start within 1 ms of the restart at cycle " << restart;
}

TEST(Scenario, SteadyTempoIsTimedOnEveryClock) {
  for (const char* name : {"steady-120.txt", "steady-300.txt", "steady-3000.txt"}) {
    const Played p = PlayFile(name);
    EXPECT_GT(p.analysis.timed_clocks, p.analysis.clocks * 9 / 10) << name;
    EXPECT_LE(p.analysis.error_max_ns, 62.5) << name << ": within one CPU cycle";
    EXPECT_EQ(Transport(p.run), (std::vector<uint8_t>{midi::kStart, midi::kStop})) << name;
  }
}

TEST(Scenario, SpeedUpsSendOwedClocksBackToBack) {
  const Played up = PlayFile("step-up-300.txt");
  EXPECT_GT(up.analysis.bursts, 0u);
  EXPECT_GE(up.analysis.owed_clocks, 18u);
  EXPECT_TRUE(up.analysis.bursts_back_to_back);
  const Played down = PlayFile("step-down-50.txt");
  EXPECT_EQ(down.analysis.owed_clocks, 0u) << "a slow-down owes nothing";
  EXPECT_EQ(Transport(down.run), (std::vector<uint8_t>{midi::kStart, midi::kStop}))
      << "halving the tempo is not a stop";
}

TEST(Scenario, GlitchesAreIgnoredAndCounted) {
  const Played p = PlayFile("glitches.txt");
  EXPECT_EQ(p.analysis.glitches_sent, 16u);
  EXPECT_EQ(p.analysis.glitches_through, 0u);
  EXPECT_EQ(p.analysis.clocks, 16u * 24);
}

TEST(Scenario, FourPpqnSwingGivesSixClocksAPulse) {
  const Played p = PlayFile("swing-4ppqn.txt");
  EXPECT_EQ(p.analysis.n, 6);
  EXPECT_EQ(p.analysis.clocks, 64u * 6);
}

// Issue 14 part 3, from the pins: at 48 and 96 PPQN a clock on every 2nd or 4th pulse
// from the Start's, each at its pulse + L to the cycle (the Start's behind the Start), and
// the Stop two intervals after the last pulse; at 3 and 6 PPQN 8 and 4 clocks a pulse, on
// the exact division of the interval that ends at the pulse.
TEST(Scenario, InputPpqnThreeSixFortyEightAndNinetySixFromThePins) {
  const struct {
    const char* file;
    uint64_t ppqn;
    uint64_t beats;
  } cases[] = {{"ppqn48-60.txt", 48, 8},  {"ppqn48-120.txt", 48, 8},  {"ppqn48-300.txt", 48, 8},
               {"ppqn96-60.txt", 96, 8},  {"ppqn96-120.txt", 96, 8},  {"ppqn96-300.txt", 96, 8},
               {"ppqn96-2000.txt", 96, 100}, {"ppqn3-120.txt", 3, 16}, {"ppqn6-120.txt", 6, 16}};
  constexpr uint64_t kL = 256;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const Played p = PlayFile(c.file);
    const std::vector<Edge>& edges = p.run.edges;
    ASSERT_EQ(edges.size(), c.beats * c.ppqn);
    std::vector<uint64_t> clocks;
    uint64_t start = 0, stop = 0;
    for (const TxByte& b : p.run.tx) {
      if (b.byte == midi::kClock) clocks.push_back(b.cycle);
      if (b.byte == midi::kStart) start = b.cycle;
      if (b.byte == midi::kStop) stop = b.cycle;
    }
    EXPECT_EQ(Transport(p.run), (std::vector<uint8_t>{midi::kStart, midi::kStop}));
    ASSERT_EQ(clocks.size(), c.beats * 24);
    EXPECT_EQ(start, edges[0].at + kL);
    EXPECT_EQ(clocks[0], start + kByteTicks);
    if (c.ppqn > 24) {
      const uint64_t k = c.ppqn / 24;
      for (size_t j = 1; j < clocks.size(); ++j) {
        ASSERT_EQ(clocks[j], edges[j * k].at + kL) << "clock " << j;
      }
    } else {
      const uint64_t n = 24 / c.ppqn;
      for (size_t e = 1; e < edges.size(); ++e) {
        const uint64_t interval = edges[e].at - edges[e - 1].at;
        for (uint64_t j = 0; j < n; ++j) {
          ASSERT_EQ(clocks[e * n + j], edges[e].at + kL + j * interval / n) << e << " " << j;
        }
      }
    }
    const uint64_t last = edges.back().at;
    const uint64_t interval = last - edges[edges.size() - 2].at;
    const uint64_t grace = std::min<uint64_t>(interval / 8, 8000);
    EXPECT_NEAR(static_cast<double>(stop), static_cast<double>(last + 2 * interval + grace), 2);
  }
}

// At 96 PPQN and 1945 BPM a USB OUT burst keeps the main loop behind the pulses for
// longer than a timeout (0.7 ms). The silence that ends then while a captured pulse waits
// must not be taken first: the pulse would restart the groups and a clock go out on the
// wrong pulse (2 clocks invented, the position off from there). The clocks it delays are
// the load limit (README "Input PPQN"), not asserted here.
// At 96 PPQN and 2000 BPM a pulse comes every 5000 ticks, less than a merged byte and its
// slack: the host's notes go out over the pulses that earn no clock, every clock still at
// its pulse + L.
TEST(Scenario, Ppqn96MergedBytesGoOverThePulsesThatEarnNoClock) {
  const Played p = PlayFile("ppqn96-merge-2000.txt");
  const Analysis& a = p.analysis;
  EXPECT_EQ(a.usb_out_in, 13u);
  EXPECT_EQ(a.usb_out_delivered, a.usb_out_in);
  EXPECT_EQ(a.clocks, 120u * 24);
  EXPECT_EQ(a.position_failures, 0u) << a.first_position_failure;
  // Each packet's bytes within 100 ms of it (kept clear of every pulse, they waited for
  // the clock to stop: 2.6 s).
  size_t within[3] = {0, 0, 0};
  for (const TxByte& b : p.run.tx) {
    if (b.byte >= 0xF8) continue;
    for (int k = 0; k < 3; ++k) {
      const uint64_t at = kScenarioStart + (k + 1) * kCyclesPerSecond;
      within[k] += b.cycle >= at && b.cycle < at + kCyclesPerSecond / 10;
    }
  }
  EXPECT_EQ(within[0], 25u);
  EXPECT_EQ(within[1], 23u);
  EXPECT_EQ(within[2], 15u);
}

TEST(Scenario, Ppqn96AStalledLoopKeepsTheGroups) {
  const Played p = PlayFile("ppqn96-usb-out-stall.txt");
  const Analysis& a = p.analysis;
  EXPECT_EQ(a.pulses, 149u * 96);
  EXPECT_EQ(a.clocks, 149u * 24);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_EQ(a.position_failures, 0u) << a.first_position_failure;
  EXPECT_EQ(a.timeouts.size(), 0u);
  for (const Violation& v : CheckRun(p.run)) {
    EXPECT_TRUE(v.kind != "clock-early" && v.kind != "clock-lost" && v.kind != "clock-invented")
        << v.kind << ": " << v.what;
  }
}

TEST(Scenario, StopAndRestart) {
  const Played p = PlayFile("stop-restart.txt");
  EXPECT_EQ(Transport(p.run), (std::vector<uint8_t>{midi::kStart, midi::kStop, midi::kStart,
                                                    midi::kStop}));
}

TEST(Scenario, ButtonStopsStartsAndContinuesFromTheSongPosition) {
  const Played p = PlayFile("button.txt");
  // Stop, Start, Stop; the long press sends Song Position 12 (beat 3 of the run, rounded
  // up to the next input beat, in sixteenths), then Continue at the next edge.
  EXPECT_EQ(Transport(p.run),
            (std::vector<uint8_t>{midi::kStart, midi::kStop, midi::kStart, midi::kStop,
                                  midi::kSongPosition, 12, 0, midi::kContinue, midi::kStop}));
}

TEST(Scenario, ResetStopsAndTheNextEdgeStartsEvenTogetherWithIt) {
  const Played p = PlayFile("reset.txt");
  EXPECT_EQ(Transport(p.run), (std::vector<uint8_t>{midi::kStart, midi::kStop, midi::kStart,
                                                    midi::kStop, midi::kStart, midi::kStop}));
  // The reset that comes with the beat at 4.0 s makes that beat the downbeat.
  const uint64_t beat = kScenarioStart + 4 * 16000000;
  uint64_t start = 0;
  for (const TxByte& b : p.run.tx) {
    if (b.byte == midi::kStart && b.cycle > beat && start == 0) start = b.cycle;
  }
  EXPECT_LT(start, beat + 16000) << "Start within 1 ms of the beat it came with";
}

TEST(Scenario, RunGateRunsWhileHigh) {
  const Played p = PlayFile("run-gate.txt");
  EXPECT_EQ(Transport(p.run), (std::vector<uint8_t>{midi::kStart, midi::kStop, midi::kStart,
                                                    midi::kStop}));
  // The first Start waits for the gate (1.2 s) and goes with the next beat (1.5 s).
  for (const TxByte& b : p.run.tx) {
    if (b.byte == midi::kStart) {
      EXPECT_GT(b.cycle, kScenarioStart + 24000000u);
      EXPECT_LT(b.cycle, kScenarioStart + 24000000u + 1000);
      break;
    }
  }
}

TEST(Scenario, OneBpmLocksAfterThePowerUpGuess) {
  const Played p = PlayFile("one-bpm.txt");
  // The first pulse is divided at 120 BPM and stops after 1 s (DESIGN.md item 2); the
  // second restarts with a timeout of twice the silence, the third is divided at 1 BPM.
  EXPECT_EQ(Transport(p.run), (std::vector<uint8_t>{midi::kStart, midi::kStop, midi::kStart,
                                                    midi::kStop}));
  EXPECT_EQ(p.analysis.clocks, 72u);
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
