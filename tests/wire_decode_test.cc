// The harness's MIDI OUT receiver (sim/wire.h): clean frames read back, and a bit edge one
// cycle off its grid, a low stop bit or a line left low are faults.
#include "sim/wire.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace sim {
namespace {

// The pin's level changes for `bytes` sent back to back from `start`.
std::vector<PinChange> Frames(uint64_t start, const std::vector<uint8_t>& bytes) {
  std::vector<PinChange> changes;
  bool level = true;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const uint64_t s = start + i * kFrameCycles;
    for (int bit = 0; bit < 10; ++bit) {
      const bool next = bit == 0 ? false : bit == 9 ? true : ((bytes[i] >> (bit - 1)) & 1) != 0;
      if (next == level) continue;
      level = next;
      changes.push_back(PinChange{s + bit * kBitCycles, level});
    }
  }
  return changes;
}

TEST(WireDecode, ReadsFramesBackWithTheirStartBits) {
  const std::vector<uint8_t> bytes = {0xF8, 0x55, 0x00, 0xFF, 0x90, 0x3C};
  const WireDecode d = DecodeWire(Frames(1000, bytes));
  EXPECT_TRUE(d.faults.empty());
  ASSERT_EQ(d.bytes.size(), bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(d.bytes[i].byte, bytes[i]);
    EXPECT_EQ(d.bytes[i].cycle, 1000 + i * kFrameCycles);
  }
}

TEST(WireDecode, AnEdgeOneCycleOffItsBitIsAFault) {
  std::vector<PinChange> changes = Frames(1000, {0x55, 0xF8});
  changes[3].cycle += 1;
  const WireDecode d = DecodeWire(changes);
  ASSERT_FALSE(d.faults.empty());
  EXPECT_NE(d.faults[0].what.find("off the bit grid"), std::string::npos);
  EXPECT_EQ(d.faults[0].cycle, changes[3].cycle);
}

TEST(WireDecode, ALowStopBitIsAFramingError) {
  // 0x00: low from the start bit through bit 7; the rise that ends it comes a bit late.
  std::vector<PinChange> changes = Frames(1000, {0x00});
  changes.back().cycle += kBitCycles;
  const WireDecode d = DecodeWire(changes);
  ASSERT_FALSE(d.faults.empty());
  EXPECT_NE(d.faults[0].what.find("framing error"), std::string::npos);
}

// A frame the recording stopped inside is not a byte: its missing bits would read as the idle
// level (0x8F cut after four data bits reads FF). Regression for regress-21, whose stray FF
// was the end of the run cutting the host's first note.
TEST(WireDecode, AFrameCutByTheEndOfTheRunIsNotReadAsAByte) {
  std::vector<PinChange> changes = Frames(1000, {0x90, 0x8F});
  const uint64_t second = 1000 + kFrameCycles;
  const WireDecode whole = DecodeWire(changes, second + kFrameCycles);
  ASSERT_EQ(whole.bytes.size(), 2u);
  EXPECT_EQ(whole.cut_at_end, 0);
  while (!changes.empty() && changes.back().cycle > second + 5 * kBitCycles) changes.pop_back();
  const WireDecode cut = DecodeWire(changes, second + 5 * kBitCycles);
  ASSERT_EQ(cut.bytes.size(), 1u);
  EXPECT_EQ(cut.bytes[0].byte, 0x90);
  EXPECT_EQ(cut.cut_at_end, 1);
  EXPECT_TRUE(cut.faults.empty());
}

TEST(WireDecode, ALineLeftLowIsAFault) {
  const WireDecode d = DecodeWire({PinChange{1000, false}});
  EXPECT_FALSE(d.faults.empty());
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
