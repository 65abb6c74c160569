// The internal clock (issue 15) on the real image: what came out of the MIDI OUT pin, at
// its cycles, against start + round(k * 60 * F_CPU / (24 * tempo)).
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "core/midi.h"
#include "core/sysex_config.h"
#include "sim/analysis.h"
#include "sim/fuzz_check.h"
#include "sim/run.h"
#include "tests/sim_play.h"

namespace cv2midi {
namespace sim {
namespace {

constexpr uint64_t kFrame = 5120;

// The ideal of clock k after a downbeat at `origin`: round(k * 4e8 / tempo in 0.1 BPM).
uint64_t Ideal(uint64_t origin, uint64_t k, uint64_t deci) {
  return origin + (2 * k * 400000000ULL + deci) / (2 * deci);
}

size_t Find(const RunResult& run, uint8_t byte, size_t from = 0) {
  for (size_t i = from; i < run.tx.size(); ++i) {
    if (run.tx[i].byte == byte) return i;
  }
  return run.tx.size();
}

// Clocks from byte `from` on, until a byte other than F8 (or `until`).
std::vector<uint64_t> ClocksFrom(const RunResult& run, size_t from, uint64_t until = UINT64_MAX) {
  std::vector<uint64_t> c;
  for (size_t i = from; i < run.tx.size() && run.tx[i].cycle < until; ++i) {
    if (run.tx[i].byte != midi::kClock) break;
    c.push_back(run.tx[i].cycle);
  }
  return c;
}

void ExpectVerdictPasses(const Played& p) {
  EXPECT_FALSE(p.run.crashed);
  for (const VerdictItem& v : p.analysis.verdict) {
    if (v.must_pass) {
      EXPECT_TRUE(v.pass) << v.item << ": " << v.figure;
    }
  }
  for (const Violation& v : CheckRun(p.run)) ADD_FAILURE() << v.kind << ": " << v.what;
}

TEST(SimInternal, APressWithNoClockStartsItAt120BpmOnItsExactCycles) {
  const Played p = PlayFile("internal-120.txt");
  ExpectVerdictPasses(p);
  const RunResult& run = p.run;
  ASSERT_FALSE(run.tx.empty());
  ASSERT_EQ(run.tx[0].byte, midi::kStart);
  // The press's release (100 ms + 100 ms, debounced) starts it within a few ms.
  EXPECT_GT(run.tx[0].cycle, kScenarioStart + 200 * 16000);
  EXPECT_LT(run.tx[0].cycle, kScenarioStart + 215 * 16000);
  const uint64_t downbeat = run.tx[0].cycle + kFrame;
  const std::vector<uint64_t> clocks = ClocksFrom(run, 1);
  ASSERT_GT(clocks.size(), 200u);
  for (size_t k = 0; k < clocks.size(); ++k) {
    ASSERT_EQ(clocks[k], Ideal(downbeat, k, 1200)) << "clock " << k;
  }
  // The second press (5.1 s) stops it: Stop within 8 ms, no clock after.
  const size_t stop = 1 + clocks.size();
  ASSERT_LT(stop, run.tx.size());
  EXPECT_EQ(run.tx[stop].byte, midi::kStop);
  EXPECT_LT(run.tx[stop].cycle, kScenarioStart + 5108 * 16000ULL);
  EXPECT_EQ(stop + 1, run.tx.size());
  ASSERT_EQ(p.analysis.internal_runs.size(), 1u);
  EXPECT_EQ(p.analysis.internal_runs[0].clocks, clocks.size());
  EXPECT_EQ(p.analysis.internal_runs[0].max_error, 0);
}

TEST(SimInternal, APatchedClockTakesOverAt140WithNoStopOrStart) {
  const Played p = PlayFile("internal-handover-140.txt");
  ExpectVerdictPasses(p);
  const RunResult& run = p.run;
  ASSERT_EQ(run.tx[0].byte, midi::kStart);
  ASSERT_FALSE(run.edges.empty());
  const uint64_t edge = run.edges[0].at;
  // One Start and one Stop in all: the Stop is the timeout after the last pulse.
  EXPECT_EQ(p.analysis.starts, 1u);
  EXPECT_EQ(p.analysis.stops, 1u);
  EXPECT_GT(run.tx[Find(run, midi::kStop)].cycle, run.edges.back().at);
  // Up to the pulse, the internal grid; the pulse's own clock at the edge + L, or right
  // behind an internal clock booked just before it.
  const uint64_t downbeat = run.tx[0].cycle + kFrame;
  size_t i = 1;
  for (; i < run.tx.size() && run.tx[i].cycle < edge; ++i) {
    ASSERT_EQ(run.tx[i].cycle, Ideal(downbeat, i - 1, 1200)) << i;
  }
  const uint64_t first = run.tx[i].cycle;
  EXPECT_TRUE(first == edge + 256 || first == run.tx[i - 1].cycle + kFrame) << first - edge;
  // Its first interval is divided at the internal tempo (333333.33 cycles a clock), so
  // the second pulse (140 BPM, 0.43 s on) finds clocks still owed: they go back to back.
  const std::vector<uint64_t> after = ClocksFrom(run, i, run.edges[1].at);
  size_t due = 0;
  while (edge + 256 + due * 8000000ULL / 24 < run.edges[1].at) ++due;
  ASSERT_EQ(after.size(), due);
  EXPECT_LT(due, 24u);
  for (size_t j = 2; j < after.size(); ++j) {
    EXPECT_EQ(after[j] - after[1], (j * 8000000ULL / 24) - (8000000ULL / 24)) << j;
  }
  const std::vector<uint64_t> burst = ClocksFrom(run, i + due);
  ASSERT_GE(burst.size(), 24u - due + 1);
  for (size_t j = 1; j <= 24 - due; ++j) EXPECT_EQ(burst[j] - burst[j - 1], kFrame) << j;
  // From the third pulse on, steady at 140 BPM: 24 clocks a pulse.
  const std::vector<uint64_t> steady = ClocksFrom(run, i + 48, run.edges[3].at);
  ASSERT_EQ(steady.size(), 24u);
  const uint64_t interval = run.edges[2].at - run.edges[1].at;
  EXPECT_NEAR(static_cast<double>(steady[23] - steady[0]), 23.0 * interval / 24, 1.0);
  EXPECT_EQ(p.analysis.clock_balance, 0);
  EXPECT_EQ(p.analysis.position_failures, 0u);
}

TEST(SimInternal, OnStopHoldKeepsClockingOnTheOldGridWhenTheCableIsPulled) {
  const Played p = PlayFile("internal-hold.txt");
  ExpectVerdictPasses(p);
  const RunResult& run = p.run;
  // 8 pulses at 120 BPM from 0 s; the cable goes half a beat after the last (3.5 s). No
  // Stop at the timeout (4.5 s): the clock goes on until the button at 13.5 s.
  EXPECT_EQ(p.analysis.stops, 1u);
  EXPECT_GT(run.tx[Find(run, midi::kStop)].cycle, kScenarioStart + 13500 * 16000ULL);
  EXPECT_EQ(p.analysis.starts, 1u);
  const uint64_t last_edge = run.edges[7].at;
  const uint64_t anchor = last_edge + 256;  // the last edge's downbeat
  std::vector<uint64_t> held;
  for (const TxByte& b : run.tx) {
    if (b.byte == midi::kClock && b.cycle > last_edge + 16000000ULL && b.cycle < run.edges[8].at) {
      held.push_back(b.cycle);
    }
  }
  ASSERT_GT(held.size(), 100u);
  // The clocks of the missed beat (due from 4.0 s) go out back to back at the timeout, then
  // the grid: clock k of the last edge at anchor + round(k * 8e6 / 24).
  size_t k = 24, owed = 0;
  for (size_t j = 0; j < held.size(); ++j, ++k) {
    const uint64_t ideal = anchor + (2 * k * 8000000ULL + 24) / 48;
    if (held[j] > ideal + 1) {
      ++owed;
      if (j > 0) {
        EXPECT_EQ(held[j] - held[j - 1], kFrame) << j;
      }
    } else {
      EXPECT_EQ(held[j], ideal) << "held clock " << k;
    }
  }
  EXPECT_GE(owed, 24u);
  EXPECT_LE(owed, 26u);
  EXPECT_EQ(p.analysis.clock_balance, 0);
}

TEST(SimInternal, ATempoSetBySysExWhileStoppedIsTheTempoOfTheNextStart) {
  const Played p = PlayFile("internal-tempo-sysex.txt");
  ExpectVerdictPasses(p);
  const RunResult& run = p.run;
  const size_t start = Find(run, midi::kStart);
  ASSERT_LT(start, run.tx.size());
  const std::vector<uint64_t> clocks = ClocksFrom(run, start + 1);
  ASSERT_GT(clocks.size(), 100u);
  for (size_t k = 0; k < clocks.size(); ++k) {
    ASSERT_EQ(clocks[k], Ideal(run.tx[start].cycle + kFrame, k, 1285)) << k;
  }
  // The long press continues it: Song Position, Continue, the downbeat, the same tempo.
  const size_t cont = Find(run, midi::kContinue);
  ASSERT_LT(cont, run.tx.size());
  EXPECT_LT(Find(run, midi::kSongPosition), cont);
  const std::vector<uint64_t> more = ClocksFrom(run, cont + 1);
  ASSERT_GT(more.size(), 100u);
  EXPECT_EQ(more[100], Ideal(run.tx[cont].cycle + kFrame, 100, 1285));
}

TEST(SimInternal, OneHourAt133Point3BpmEndsOnItsIdealCycle) {
  const Played p = PlayFile("internal-one-hour.txt");
  ExpectVerdictPasses(p);
  const RunResult& run = p.run;
  ASSERT_EQ(run.tx[0].byte, midi::kStart);
  const uint64_t downbeat = run.tx[0].cycle + kFrame;
  const std::vector<uint64_t> clocks = ClocksFrom(run, 1);
  // 133.3 BPM x 24 for an hour, less the 0.2 s before the press.
  EXPECT_EQ(clocks.size(), 191942u);
  size_t off = 0;
  for (size_t k = 0; k < clocks.size(); ++k) off += clocks[k] != Ideal(downbeat, k, 1333);
  EXPECT_EQ(off, 0u);
  const uint64_t k = clocks.size() - 1;
  std::printf("[ figures  ] one hour at 133.3 BPM: %zu clocks, the last (clock %llu at %.6f s) "
              "%lld cycles off start + round(k * 4e8 / 1333)\n",
              clocks.size(), static_cast<unsigned long long>(k),
              (clocks.back() - kScenarioStart) / 16e6,
              static_cast<long long>(clocks.back()) - static_cast<long long>(Ideal(downbeat, k, 1333)));
}

// The status replies on DIN out (real-time bytes taken out), decoded.
std::vector<sysex::Status> Statuses(const RunResult& run) {
  std::vector<sysex::Status> out;
  std::vector<uint8_t> m;
  for (const TxByte& b : run.tx) {
    if (b.byte >= 0xF8) continue;
    if (b.byte == 0xF0) m.clear();
    m.push_back(b.byte);
    sysex::Reply r;
    if (b.byte == 0xF7 && sysex::DecodeReply(m.data(), m.size(), &r) &&
        r.code == sysex::kStatusReply) {
      out.push_back(r.status_reply);
    }
  }
  return out;
}

TEST(SimStatus, TheTempoIsWithinFiveHundredthsFromTwentyToThreeThousandBpm) {
  struct Case {
    double bpm;
    int ppqn;
    int beats;
  } cases[] = {{20, 1, 3}, {133.3, 4, 6}, {299.9, 24, 6}, {3000, 1, 40}, {3000, 24, 40}};
  for (const Case& c : cases) {
    char text[256];
    std::snprintf(text, sizeof(text),
                  "ppqn %d\nwidth 0.2ms\ntempo %.1f for %d beats\nmidi F0 7D 63 32 05 F7\n"
                  "tempo %.1f for %d beats\nsilence 1s\n",
                  c.ppqn, c.bpm, c.beats, c.bpm, c.beats);
    const Played p = PlayText(text);
    const std::vector<sysex::Status> st = Statuses(p.run);
    ASSERT_EQ(st.size(), 1u) << text;
    EXPECT_EQ(st[0].source, sysex::ClockSourceCode::kExternal) << text;
    EXPECT_TRUE(st[0].running);
    EXPECT_EQ(st[0].ppqn, c.ppqn);
    EXPECT_NEAR(st[0].tempo_centi_bpm / 100.0, c.bpm, 0.05) << text;
    EXPECT_GE(st[0].edges, static_cast<uint32_t>(c.beats * c.ppqn));
    std::printf("[ figures  ] status at %.1f BPM, %d PPQN: %.2f BPM\n", c.bpm, c.ppqn,
                st[0].tempo_centi_bpm / 100.0);
  }
}

TEST(SimStatus, TheInternalAndTheHeldClockAreNamed) {
  const Played internal = PlayText(
      "setting tempo 128.5\nbutton at 100ms\nsilence 2s\nmidi F0 7D 63 32 05 F7 at 1.5s\n"
      "button at 1.8s\nmidi F0 7D 63 32 05 F7 at 2.5s\nsilence 1s\n");
  std::vector<sysex::Status> st = Statuses(internal.run);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].source, sysex::ClockSourceCode::kInternal);
  EXPECT_TRUE(st[0].running);
  EXPECT_EQ(st[0].tempo_centi_bpm, 12850u);
  // 1.3 s at 128.5 BPM is 66.8 clocks: the position in MIDI beats of 6.
  EXPECT_GE(st[0].song_position, 10u);
  EXPECT_LE(st[0].song_position, 12u);
  EXPECT_EQ(st[1].source, sysex::ClockSourceCode::kNone);
  EXPECT_FALSE(st[1].running);
  const Played held = PlayText(
      "setting on-stop hold\ntempo 100 for 4 beats\nsilence 3s\nmidi F0 7D 63 32 05 F7 at 5s\n");
  st = Statuses(held.run);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].source, sysex::ClockSourceCode::kHeld);
  EXPECT_TRUE(st[0].running);
  EXPECT_NEAR(st[0].tempo_centi_bpm / 100.0, 100.0, 0.05);
  EXPECT_EQ(st[0].timeouts, 1u);
  EXPECT_EQ(st[0].edges, 4u);
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
