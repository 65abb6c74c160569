#include "core/setup_mode.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace {

constexpr uint32_t kMs = kTicksPerMs;

TEST(SetupMode, TheLedBlinksThePpqn) {
  for (uint8_t ppqn : {1, 2, 4, 8, 12, 24}) {
    SetupMode s;
    s.Enter(ppqn, 0);
    int blinks = 0;
    bool last = false;
    const uint32_t cycle = ppqn * 240 + 1000;  // ms
    for (uint32_t t = 0; t < cycle; ++t) {
      const bool on = s.Led(t * kMs);
      if (on && !last) ++blinks;
      last = on;
    }
    EXPECT_EQ(blinks, ppqn);
    EXPECT_FALSE(s.Led((cycle - 10) * kMs)) << "a pause ends the cycle";
  }
}

TEST(SetupMode, NothingCountsUntilThePowerUpPressIsLetGo) {
  SetupMode s;
  s.Enter(1, 0);
  EXPECT_FALSE(s.OnButton(ButtonEvent::kLongPress, true, 1000 * kMs));
  EXPECT_EQ(s.ppqn(), 1);
  s.OnButton(ButtonEvent::kNone, false, 1100 * kMs);  // let go
  s.OnButton(ButtonEvent::kPress, true, 1500 * kMs);
  s.OnButton(ButtonEvent::kRelease, false, 1600 * kMs);
  EXPECT_EQ(s.ppqn(), 2);
}

TEST(SetupMode, PressesStepAroundAndALongPressSavesAndLeaves) {
  SetupMode s;
  s.Enter(12, 0);
  s.OnButton(ButtonEvent::kNone, false, 0);
  s.OnButton(ButtonEvent::kRelease, false, 100 * kMs);
  EXPECT_EQ(s.ppqn(), 24);
  s.OnButton(ButtonEvent::kRelease, false, 200 * kMs);
  EXPECT_EQ(s.ppqn(), 1);
  s.OnButton(ButtonEvent::kRelease, false, 300 * kMs);
  EXPECT_EQ(s.ppqn(), 2);
  EXPECT_TRUE(s.active());
  EXPECT_TRUE(s.OnButton(ButtonEvent::kLongPress, true, 2000 * kMs));
  EXPECT_FALSE(s.active());
  EXPECT_EQ(s.ppqn(), 2);
}

}  // namespace
}  // namespace cv2midi
