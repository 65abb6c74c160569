// The clock shift and the jitter filter (issue 14) on the real image: what left the MIDI
// OUT pin and what the simulated host read, at their cycles, against the unshifted grid
// edge + L + floor(j * interval / 24) worked out here from the pin's own edges.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/midi.h"
#include "sim/analysis.h"
#include "sim/run.h"
#include "tests/sim_play.h"

namespace cv2midi {
namespace sim {
namespace {

constexpr int64_t kL = 256;
constexpr int64_t kMs = 16000;

void ExpectVerdictPasses(const Played& p) {
  EXPECT_FALSE(p.run.crashed);
  for (const VerdictItem& v : p.analysis.verdict) {
    if (v.must_pass) {
      EXPECT_TRUE(v.pass) << v.item << ": " << v.figure;
    }
  }
}

std::vector<uint64_t> Clocks(const RunResult& run) {
  std::vector<uint64_t> c;
  for (const TxByte& b : run.tx) {
    if (b.byte == midi::kClock) c.push_back(b.cycle);
  }
  return c;
}

std::vector<uint64_t> Edges(const RunResult& run) {
  std::vector<uint64_t> e;
  for (const Edge& x : run.edges) e.push_back(x.at);
  return e;
}

// Clock c (from the first) at 1 PPQN: edge c / 24's grid, divided at the interval before it.
int64_t Unshifted(const std::vector<uint64_t>& e, size_t c) {
  const size_t k = c / 24;
  const uint64_t interval = e[k] - e[k - 1];
  return static_cast<int64_t>(e[k] + kL + (c % 24) * interval / 24);
}

struct ShiftCase {
  const char* name;
  int shift_us;
  int bpm;
};

class DinShift : public testing::TestWithParam<ShiftCase> {};

// Every clock from the second beat on at exactly its unshifted time plus the shift; the
// Start at the pulse (plus a positive shift); no clock lost, at most the shift's reach
// unearned at the Stop.
TEST_P(DinShift, EveryClockOnItsShiftedCycle) {
  const ShiftCase c = GetParam();
  const Played p = PlayFile(c.name);
  ExpectVerdictPasses(p);
  const std::vector<uint64_t> e = Edges(p.run);
  const std::vector<uint64_t> clocks = Clocks(p.run);
  const int64_t s = c.shift_us * kMs / 1000;
  ASSERT_GE(e.size(), 16u);
  ASSERT_EQ(p.run.tx.front().byte, midi::kStart);
  EXPECT_EQ(static_cast<int64_t>(p.run.tx.front().cycle),
            static_cast<int64_t>(e[0]) + kL + (s > 0 ? s : 0));
  size_t checked = 0;
  for (size_t i = 48; i < 24 * (e.size() - 1); ++i, ++checked) {
    ASSERT_EQ(static_cast<int64_t>(clocks[i]), Unshifted(e, i) + s) << c.name << " clock " << i;
  }
  EXPECT_GT(checked, 300u);
  const size_t reach = s < 0 ? static_cast<size_t>((-s * 24 + (e[1] - e[0]) - 1) / (e[1] - e[0])) : 0;
  EXPECT_GE(clocks.size(), 24 * e.size());
  EXPECT_LE(clocks.size(), 24 * e.size() + reach);
  EXPECT_EQ(p.analysis.unearned_clocks, clocks.size() - 24 * e.size());
  EXPECT_EQ(p.run.tx.back().byte, midi::kStop);
  EXPECT_NEAR(p.analysis.din_shift_measured, static_cast<double>(s), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Shifts, DinShift,
                         testing::Values(ShiftCase{"shift-din-plus8-120.txt", 8000, 120},
                                         ShiftCase{"shift-din-minus8-120.txt", -8000, 120},
                                         ShiftCase{"shift-din-plus8-300.txt", 8000, 300},
                                         ShiftCase{"shift-din-minus8-300.txt", -8000, 300},
                                         // Small positive shifts: the capture interrupt
                                         // arms each pulse's first clock at t + L + s.
                                         ShiftCase{"shift-din-plus10us-300.txt", 10, 300},
                                         ShiftCase{"shift-din-plus0.1-120.txt", 100, 120},
                                         ShiftCase{"shift-both-plus50us-300.txt", 50, 300},
                                         ShiftCase{"shift-din-plus1-120.txt", 1000, 120},
                                         // Past the interrupt's reach: the main loop.
                                         ShiftCase{"shift-din-plus1.01-120.txt", 1010, 120}),
                         [](const testing::TestParamInfo<ShiftCase>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n) {
                             if (ch == '-' || ch == '.') ch = '_';
                           }
                           return n;
                         });

// USB's shift earlier than DIN's: DIN follows the engine by the difference, still on its
// exact cycles, and the host reads each clock about 8 ms before DIN sends it.
TEST(UsbShift, TheHostLeadsAndDinFollowsOnItsCycles) {
  const Played p = PlayFile("shift-usb-minus8-120.txt");
  ExpectVerdictPasses(p);
  const std::vector<uint64_t> e = Edges(p.run);
  const std::vector<uint64_t> clocks = Clocks(p.run);
  for (size_t i = 48; i < 24 * (e.size() - 1); ++i) {
    ASSERT_EQ(static_cast<int64_t>(clocks[i]), Unshifted(e, i)) << "clock " << i;
  }
  EXPECT_NEAR(p.analysis.usb_shift_measured, -8.0 * kMs, 1.5 * kMs);
  EXPECT_GT(p.analysis.usb_shift_samples, 300u);
}

// The jitter benchmark: 120 BPM with +-1 ms jitter; the clock spacing's standard
// deviation at strength 2 at least 4 times below the unfiltered one.
TEST(Smooth, FourTimesLessSpacingJitterOnThePin) {
  const Played off = PlayFile("smooth-jitter-off.txt");
  const Played two = PlayFile("smooth-jitter-2.txt");
  ExpectVerdictPasses(off);
  ExpectVerdictPasses(two);
  ASSERT_GT(two.analysis.spacing_sd_us, 0.0);
  EXPECT_GE(off.analysis.spacing_sd_us / two.analysis.spacing_sd_us, 4.0)
      << off.analysis.spacing_sd_us << " us against " << two.analysis.spacing_sd_us << " us";
  // Every pulse's 24 clocks and no more, and each downbeat in its window.
  EXPECT_EQ(Clocks(two.run).size(), 24 * two.run.edges.size());
  EXPECT_GT(two.analysis.window_checked, 50u);
  EXPECT_EQ(two.analysis.window_misses, 0u);
}

TEST(Smooth, AStepIsFollowedWithinTwoPulses) {
  const Played p = PlayFile("smooth-step-120-150.txt");
  ExpectVerdictPasses(p);
  ASSERT_EQ(p.analysis.relocks.size(), 1u);
  EXPECT_GE(p.analysis.relocks[0].pulses, 0);
  EXPECT_LE(p.analysis.relocks[0].pulses, 2);
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
