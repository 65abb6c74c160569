#include "core/setup_mode.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace {

constexpr uint32_t kMs = kTicksPerMs;

TEST(SetupMode, TheLedBlinksThePpqn) {
  for (uint8_t ppqn : {1, 2, 3, 4, 6, 8, 12, 24}) {
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

// 48 and 96: 2 and 4 long blinks (600 ms on, 120 off), one for each 24 pulses.
TEST(SetupMode, TheLedBlinksFortyEightAndNinetySixAsLongBlinksOfTwentyFour) {
  for (uint8_t ppqn : {48, 96}) {
    SetupMode s;
    s.Enter(ppqn, 0);
    ASSERT_EQ(s.ppqn(), ppqn);
    const int count = ppqn / 24;
    const uint32_t cycle = count * 720 + 1000;  // ms
    int blinks = 0;
    uint32_t on_ms = 0;
    bool last = false;
    for (uint32_t t = 0; t < 2 * cycle; ++t) {
      const bool on = s.Led(t * kMs);
      if (on && !last) ++blinks;
      on_ms += on;
      last = on;
    }
    EXPECT_EQ(blinks, 2 * count);
    EXPECT_EQ(on_ms, 2u * count * 600);
    EXPECT_FALSE(s.Led((cycle - 10) * kMs)) << "a pause ends the cycle";
  }
}

TEST(SetupMode, AfterAStepTheLedGoesDarkThenCountsTheNewValue) {
  SetupMode s;
  s.Enter(1, 0);
  s.OnButton(ButtonEvent::kNone, true, 0);
  s.OnButton(ButtonEvent::kNone, false, 0);
  EXPECT_TRUE(s.Led(50 * kMs));
  s.OnButton(ButtonEvent::kRelease, false, 60 * kMs);  // now 2, while the LED was on
  EXPECT_FALSE(s.Led(61 * kMs));
  EXPECT_FALSE(s.Led(299 * kMs));
  int blinks = 0;
  bool last = false;
  for (uint32_t t = 61; t < 60 + 240 + 2 * 240 + 900; ++t) {
    const bool on = s.Led(t * kMs);
    blinks += on && !last;
    last = on;
  }
  EXPECT_EQ(blinks, 2);
}

TEST(SetupMode, NothingCountsUntilThePowerUpPressIsLetGo) {
  SetupMode s;
  s.Enter(1, 0);
  EXPECT_FALSE(s.OnButton(ButtonEvent::kNone, false, 1 * kMs)) << "not settled yet";
  EXPECT_FALSE(s.OnButton(ButtonEvent::kLongPress, true, 1000 * kMs));
  EXPECT_EQ(s.ppqn(), 1);
  s.OnButton(ButtonEvent::kNone, false, 1100 * kMs);  // let go
  s.OnButton(ButtonEvent::kPress, true, 1500 * kMs);
  s.OnButton(ButtonEvent::kRelease, false, 1600 * kMs);
  EXPECT_EQ(s.ppqn(), 2);
}

// The firmware's path: the debouncer, sampled each millisecond from power-up, with the
// button held at power-up, then two short presses and a long one.
TEST(SetupMode, ThroughTheDebouncerTheHeldPowerUpPressIsNotAStep) {
  Button button;
  SetupMode s;
  s.Enter(1, 0);
  bool done = false;
  auto hold = [&](bool pressed, uint32_t from_ms, uint32_t to_ms) {
    for (uint32_t t = from_ms; t < to_ms && !done; ++t) {
      const ButtonEvent e = button.Sample(pressed, t * kMs);
      done = s.OnButton(e, button.pressed(), t * kMs);
    }
  };
  hold(true, 0, 300);      // held at power-up
  hold(false, 300, 600);
  hold(true, 600, 700);    // 1 -> 2
  hold(false, 700, 900);
  hold(true, 900, 1000);   // 2 -> 3
  hold(false, 1000, 1300);
  hold(true, 1300, 2800);  // long: save
  EXPECT_TRUE(done);
  EXPECT_EQ(s.ppqn(), 3);
}

TEST(SetupMode, PressesStepAroundAndALongPressSavesAndLeaves) {
  SetupMode s;
  s.Enter(12, 0);
  s.OnButton(ButtonEvent::kNone, true, 0);
  s.OnButton(ButtonEvent::kNone, false, 0);
  // In order: 1, 2, 3, 4, 6, 8, 12, 24, 48, 96, then 1 again.
  const uint8_t order[] = {24, 48, 96, 1, 2, 3, 4, 6, 8, 12, 24, 48, 96, 1, 2};
  uint32_t t = 100;
  for (uint8_t want : order) {
    s.OnButton(ButtonEvent::kRelease, false, t * kMs);
    t += 100;
    EXPECT_EQ(s.ppqn(), want);
  }
  EXPECT_TRUE(s.active());
  EXPECT_TRUE(s.OnButton(ButtonEvent::kLongPress, true, (t + 2000) * kMs));
  EXPECT_FALSE(s.active());
  EXPECT_EQ(s.ppqn(), 2);
}

}  // namespace
}  // namespace cv2midi
