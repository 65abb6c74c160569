#include "core/byte_runs.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace {

std::vector<uint8_t> Drain(ByteRuns& runs) {
  std::vector<uint8_t> out;
  while (!runs.empty()) {
    out.push_back(runs.front());
    runs.PopOne();
  }
  return out;
}

TEST(ByteRuns, KeepsOrderAndCounts) {
  ByteRuns r;
  r.Push(0xFC, 1);
  r.Push(0xF8, 3);
  r.Push(0xFA, 1);
  r.Push(0xF8, 1);
  EXPECT_EQ(Drain(r), (std::vector<uint8_t>{0xFC, 0xF8, 0xF8, 0xF8, 0xFA, 0xF8}));
}

TEST(ByteRuns, MergesARunWithTheSameByteSoOwedClocksTakeOneSlot) {
  ByteRuns r;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(r.Push(0xF8, 23));
  EXPECT_EQ(Drain(r).size(), 2300u);
}

TEST(ByteRuns, RefusesANewRunWhenFullAndChangesNothing) {
  ByteRuns r;
  for (uint8_t i = 0; i < ByteRuns::kCapacity; ++i) ASSERT_TRUE(r.Push(i, 1));
  EXPECT_FALSE(r.Push(0x77, 1));
  EXPECT_EQ(Drain(r).size(), ByteRuns::kCapacity);
}

}  // namespace
}  // namespace cv2midi
