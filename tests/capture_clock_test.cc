#include "core/capture_clock.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace {

TEST(CaptureClock, CountsOverflowsIntoTheHighWord) {
  CaptureClock c;
  EXPECT_EQ(c.Extend(0x1234, false), 0x1234u);
  c.OnOverflow();
  c.OnOverflow();
  EXPECT_EQ(c.Extend(0x1234, false), 0x21234u);
}

TEST(CaptureClock, PendingOverflowCountsForACaptureAfterTheWrap) {
  CaptureClock c;
  c.OnOverflow();
  // The counter wrapped, the capture latched 5 ticks later, the overflow ISR has not run.
  EXPECT_EQ(c.Extend(5, true), 0x20005u);
}

TEST(CaptureClock, PendingOverflowDoesNotCountForACaptureBeforeTheWrap) {
  CaptureClock c;
  c.OnOverflow();
  // Latched at 0xFFFE, then the wrap raised TOV1 before the ISR read the flag.
  EXPECT_EQ(c.Extend(0xFFFE, true), 0x1FFFEu);
}

TEST(CaptureClock, WrapsAtThirtyTwoBits) {
  CaptureClock c;
  for (uint32_t i = 0; i < 0xFFFF; ++i) c.OnOverflow();
  EXPECT_EQ(c.Extend(0xFFFF, false), 0xFFFFFFFFu);
  EXPECT_EQ(c.Extend(1, true), 1u);
}

}  // namespace
}  // namespace cv2midi
