#include "core/internal_clock.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace {

// The ideal of the issue: start + round(k * 60 * F_CPU / (tempo * 24)), in exact 64-bit
// integers: round(k * 4e8 / deci) = floor((2 * k * 4e8 + deci) / (2 * deci)).
uint64_t Ideal(uint64_t k, uint64_t num, uint64_t den) { return (2 * k * num + den) / (2 * den); }

void ExpectNoDrift(uint16_t deci, uint32_t origin, uint32_t clocks) {
  InternalClock c;
  c.StartTempo(origin, deci);
  uint32_t worst = 0;
  for (uint32_t k = 0; k < clocks; ++k) {
    const uint32_t want = static_cast<uint32_t>(origin + Ideal(k, InternalClock::kTempoNumerator, deci));
    const uint32_t diff = c.due() > want ? c.due() - want : want - c.due();
    if (diff > worst) worst = diff;
    if (diff != 0) {
      ADD_FAILURE() << "clock " << k << " at " << deci / 10.0 << " BPM: " << c.due() << " vs "
                    << want;
      return;
    }
    ASSERT_EQ(c.index(), k);
    c.Advance();
  }
  EXPECT_EQ(worst, 0u);
}

TEST(InternalClock, TenMillionClocksAt133Point3BpmKeepToTheIdeal) {
  ExpectNoDrift(1333, 12345, 10000000);
}

TEST(InternalClock, TenMillionClocksAt299Point9BpmKeepToTheIdeal) {
  ExpectNoDrift(2999, 0, 10000000);
}

TEST(InternalClock, TheTickCountWrapsPast2To32WithoutAStep) {
  // 10^7 clocks at 133.3 BPM span 3.0e12 ticks: the 32-bit count wraps about 700 times.
  ExpectNoDrift(1333, 0xFFFFF000UL, 10000000);
  InternalClock c;
  c.StartTempo(0xFFFFFFF0UL, 1200);  // 120 BPM: 333333.33 ticks a clock
  c.Advance();
  EXPECT_EQ(c.due(), static_cast<uint32_t>(0xFFFFFFF0UL + 333333));
  c.Advance();
  EXPECT_EQ(c.due(), static_cast<uint32_t>(0xFFFFFFF0UL + 666667));
}

TEST(InternalClock, EveryTempoOfTheSettingKeepsToItsIdeal) {
  for (uint16_t deci = 200; deci <= 3000; deci += 7) ExpectNoDrift(deci, 99, 5000);
}

TEST(InternalClock, AHeldClockContinuesTheGridOfTheLastInterval) {
  // A measured interval of 7200017 ticks over 24 clocks, continued from clock 24.
  InternalClock c;
  c.Start(1000, 7200017, 24, 24);
  EXPECT_EQ(c.index(), 24u);
  EXPECT_EQ(c.due(), 1000u + 7200017u);
  for (uint32_t k = 24; k < 24 * 1000; ++k) {
    ASSERT_EQ(c.due(), static_cast<uint32_t>(1000 + Ideal(k, 7200017, 24))) << k;
    c.Advance();
  }
}

TEST(InternalClock, SpanIsAPulseAtTheTempo) {
  InternalClock c;
  c.StartTempo(0, 1200);
  EXPECT_EQ(c.Span(24), 8000000u);  // a beat at 120 BPM
  EXPECT_EQ(c.Span(1), 333333u);
  c.StartTempo(0, 1333);
  EXPECT_EQ(c.Span(24), 7201800u);  // 9.6e9 / 1333 = 7201800.45
  EXPECT_EQ(c.Span(6), 1800450u);   // 1800450.11
  EXPECT_FALSE(InternalClock().running());
  EXPECT_TRUE(c.running());
  c.Stop();
  EXPECT_FALSE(c.running());
}

}  // namespace
}  // namespace cv2midi
