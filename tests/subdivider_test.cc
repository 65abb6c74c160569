#include "core/subdivider.h"

#include <gtest/gtest.h>

#include <random>

namespace cv2midi {
namespace {

const uint8_t kDivisions[] = {1, 2, 3, 6, 12, 24};

TEST(Subdivider, StepsSumExactlyToTheIntervalForEveryDivision) {
  std::mt19937 rng(7);
  for (uint8_t n : kDivisions) {
    for (int trial = 0; trial < 2000; ++trial) {
      const uint32_t interval = 16000 + rng() % 960000000u;
      const uint32_t origin = rng();
      Subdivider s;
      s.Start(origin, interval, n, 0);
      for (uint8_t j = 0; j < n; ++j) {
        ASSERT_FALSE(s.done());
        // floor(j * interval / n): exact, never drifting.
        const uint64_t ideal = static_cast<uint64_t>(j) * interval / n;
        ASSERT_EQ(s.due(), static_cast<uint32_t>(origin + ideal)) << "n=" << +n << " j=" << +j;
        s.Advance();
      }
      EXPECT_TRUE(s.done());
      EXPECT_EQ(s.due(), origin + interval);
    }
  }
}

TEST(Subdivider, RemainderIsSpreadEvenly) {
  Subdivider s;
  s.Start(0, 24 * 1000 + 23, 24, 0);
  uint32_t last = s.due();
  uint32_t shortest = UINT32_MAX, longest = 0;
  for (int j = 0; j < 24; ++j) {
    s.Advance();
    const uint32_t step = s.due() - last;
    last = s.due();
    shortest = step < shortest ? step : shortest;
    longest = step > longest ? step : longest;
  }
  EXPECT_EQ(shortest, 1000u);
  EXPECT_EQ(longest, 1001u);
}

TEST(Subdivider, StartingAtClockOneSkipsTheEdgeClock) {
  Subdivider s;
  s.Start(100, 2400, 24, 1);
  EXPECT_EQ(s.index(), 1);
  EXPECT_EQ(s.remaining(), 23);
  EXPECT_EQ(s.due(), 200u);
}

TEST(Subdivider, CancelLeavesNothingOwed) {
  Subdivider s;
  s.Start(0, 2400, 24, 1);
  s.Cancel();
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.remaining(), 0);
}

TEST(Subdivider, WalksPastTheIntervalOnTheSameGrid) {
  Subdivider s;
  s.Start(1000, 24 * 1000 + 7, 24, 0, 27);
  for (int j = 0; j < 24; ++j) s.Advance();
  EXPECT_EQ(s.index(), 24);
  EXPECT_EQ(s.owed(), 0);
  EXPECT_EQ(s.ahead(), 0);
  EXPECT_EQ(s.due(), 1000u + 24007u);  // clock 24 is clock 0 of the next interval
  s.Advance();
  EXPECT_EQ(s.ahead(), 1);
  EXPECT_EQ(s.due(), 1000u + 24007u + 25 * 24007u / 24 - 24007u);
  s.Advance();
  s.Advance();
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.ahead(), 3);
  s.Cancel();
  EXPECT_EQ(s.ahead(), 0);
  EXPECT_EQ(s.owed(), 0);
}

TEST(Subdivider, OwesTheClocksNotYetWalked) {
  Subdivider s;
  s.Start(0, 2400, 24, 5, 30);
  EXPECT_EQ(s.owed(), 19);
  EXPECT_EQ(s.remaining(), 25);
  Subdivider t;
  t.Start(0, 2400, 24, 28, 26);  // started past a smaller limit: nothing to walk
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.ahead(), 4);  // the clocks already out stay counted
}

TEST(Subdivider, WrapsAcrossTheThirtyTwoBitEnd) {
  Subdivider s;
  s.Start(0xFFFFFF00u, 2400, 24, 0);
  s.Advance();
  s.Advance();
  s.Advance();
  EXPECT_EQ(s.due(), 0xFFFFFF00u + 300u);
}

}  // namespace
}  // namespace cv2midi
