#include "core/button.h"

#include <gtest/gtest.h>

#include <vector>

namespace cv2midi {
namespace {

// Samples a level pattern once a millisecond and collects the events with their ms.
struct Trace {
  Button button;
  uint32_t ms = 0;
  std::vector<std::pair<uint32_t, ButtonEvent>> events;
  void Hold(bool pressed, uint32_t for_ms) {
    for (uint32_t i = 0; i < for_ms; ++i, ++ms) {
      const ButtonEvent e = button.Sample(pressed, ms * kTicksPerMs);
      if (e != ButtonEvent::kNone) events.emplace_back(ms, e);
    }
  }
};

TEST(Button, PressCountsAfterFiveStableMilliseconds) {
  Trace t;
  t.Hold(false, 10);
  t.Hold(true, 20);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events[0].second, ButtonEvent::kPress);
  EXPECT_EQ(t.events[0].first, 15u);
}

TEST(Button, BounceShorterThanFiveMillisecondsIsIgnored) {
  Trace t;
  for (int i = 0; i < 10; ++i) {
    t.Hold(true, 3);
    t.Hold(false, 2);
  }
  EXPECT_TRUE(t.events.empty());
}

TEST(Button, ShortPressGivesPressThenRelease) {
  Trace t;
  t.Hold(true, 100);
  t.Hold(false, 20);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.events[0].second, ButtonEvent::kPress);
  EXPECT_EQ(t.events[1].second, ButtonEvent::kRelease);
}

TEST(Button, LongPressFiresOnceAtOneSecondAndItsReleaseIsSilent) {
  Trace t;
  t.Hold(true, 3000);
  t.Hold(false, 20);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.events[0].second, ButtonEvent::kPress);
  EXPECT_EQ(t.events[1].second, ButtonEvent::kLongPress);
  EXPECT_EQ(t.events[1].first - t.events[0].first, 1000u);
}

}  // namespace
}  // namespace cv2midi
