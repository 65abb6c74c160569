#include "core/tempo_meter.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cv2midi {
namespace {

// A steady clock at `bpm` and `ppqn`, its edges rounded to the cycle as the capture takes
// them, read after a few beats.
double Measured(double bpm, uint8_t ppqn, uint32_t start = 1000) {
  TempoMeter m;
  const double interval = 16e6 * 60.0 / bpm / ppqn;
  for (int i = 0; i < 4 * ppqn + 1; ++i) {
    const uint32_t t = static_cast<uint32_t>(start + static_cast<uint64_t>(std::llround(i * interval)));
    m.OnEdge(t, i == 0, ppqn);
  }
  return m.centi_bpm() / 100.0;
}

TEST(TempoMeter, WithinFiveHundredthsOfABpmFromTwentyToThreeThousand) {
  for (double bpm : {20.0, 20.01, 33.33, 120.0, 133.3, 299.9, 512.7, 1000.0, 2999.9, 3000.0}) {
    for (uint8_t ppqn : {1, 2, 3, 4, 6, 8, 12, 24, 48, 96}) {
      EXPECT_NEAR(Measured(bpm, ppqn), bpm, 0.05) << bpm << " BPM at " << +ppqn << " PPQN";
    }
  }
}

TEST(TempoMeter, ReadsTheLastWholeBeatAndRestartsAfterSilence) {
  TempoMeter m;
  EXPECT_EQ(m.centi_bpm(), 0u);
  m.OnEdge(0, true, 4);
  for (uint32_t i = 1; i <= 3; ++i) m.OnEdge(i * 2000000, false, 4);
  EXPECT_EQ(m.centi_bpm(), 0u);  // no whole beat yet
  m.OnEdge(8000000, false, 4);
  EXPECT_EQ(m.centi_bpm(), 12000u);  // 120.00 BPM
  // A restart keeps the last reading until its own beat is whole.
  m.OnEdge(0xFFFFF000UL, true, 4);
  EXPECT_EQ(m.centi_bpm(), 12000u);
  for (uint32_t i = 1; i <= 4; ++i) m.OnEdge(0xFFFFF000UL + i * 4000000, false, 4);  // wraps
  EXPECT_EQ(m.centi_bpm(), 6000u);
}

}  // namespace
}  // namespace cv2midi
