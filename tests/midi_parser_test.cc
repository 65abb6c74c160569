#include "core/midi_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace cv2midi {
namespace {

std::vector<MidiEvent> Parse(MidiParser& p, const std::vector<uint8_t>& bytes) {
  std::vector<MidiEvent> events;
  for (uint8_t b : bytes) {
    MidiEvent out[2];
    const uint8_t n = p.Feed(b, out);
    for (uint8_t i = 0; i < n; ++i) events.push_back(out[i]);
  }
  return events;
}

TEST(MidiParser, RunningStatusGivesWholeMessagesAndSaysSo) {
  MidiParser p;
  const auto e = Parse(p, {0x90, 0x3C, 0x64, 0x3E, 0x64, 0xC1, 0x05, 0x06});
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].status, 0x90);
  EXPECT_FALSE(e[0].running);
  EXPECT_EQ(e[1].data[0], 0x3E);
  EXPECT_TRUE(e[1].running);
  EXPECT_EQ(e[2].status, 0xC1);
  EXPECT_EQ(e[2].size, 1);
  EXPECT_TRUE(e[3].running);
  EXPECT_EQ(e[3].data[0], 0x06);
}

TEST(MidiParser, RealTimeBytesLandInsideMessagesAndChangeNothing) {
  MidiParser p;
  const auto e = Parse(p, {0x90, 0xF8, 0x3C, 0xFE, 0x64});
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, MidiEventKind::kRealTime);
  EXPECT_EQ(e[1].status, 0xFE);
  EXPECT_EQ(e[2].kind, MidiEventKind::kMessage);
  EXPECT_EQ(e[2].data[1], 0x64);
}

TEST(MidiParser, SysExOfAnyLengthStreams) {
  MidiParser p;
  std::vector<uint8_t> bytes = {0xF0};
  for (int i = 0; i < 5000; ++i) bytes.push_back(static_cast<uint8_t>(i & 0x7F));
  bytes.push_back(0xF8);
  bytes.push_back(0xF7);
  const auto e = Parse(p, bytes);
  ASSERT_EQ(e.size(), 5003u);
  EXPECT_EQ(e.front().kind, MidiEventKind::kSysExStart);
  EXPECT_EQ(e[5001].kind, MidiEventKind::kRealTime);
  EXPECT_EQ(e.back().kind, MidiEventKind::kSysExEnd);
  EXPECT_FALSE(e.back().cut);
  EXPECT_EQ(p.truncated(), 0u);
}

TEST(MidiParser, AStatusCutsASysExShortAndStartsItsMessage) {
  MidiParser p;
  const auto e = Parse(p, {0xF0, 0x01, 0x90, 0x3C, 0x64});
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[2].kind, MidiEventKind::kSysExEnd);
  EXPECT_TRUE(e[2].cut);
  EXPECT_EQ(e[3].status, 0x90);
  EXPECT_EQ(p.truncated(), 1u);
}

TEST(MidiParser, StrayDataAndUndefinedBytesAreDroppedAndCounted) {
  MidiParser p;
  const auto e = Parse(p, {0x3C, 0x64, 0xF4, 0x10, 0xF9, 0xFD, 0xF7});
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(p.stray_bytes(), 7u);
}

TEST(MidiParser, AMessageCutShortIsCountedAndTheNextOneStands) {
  MidiParser p;
  const auto e = Parse(p, {0x90, 0x3C, 0x80, 0x3C, 0x00});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].status, 0x80);
  EXPECT_EQ(p.truncated(), 1u);
}

TEST(MidiParser, SystemCommonCancelsRunningStatus) {
  MidiParser p;
  const auto e = Parse(p, {0x90, 0x3C, 0x64, 0xF2, 0x10, 0x20, 0x3E, 0x64, 0xF6});
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[1].status, 0xF2);
  EXPECT_EQ(e[1].size, 2);
  EXPECT_EQ(e[2].status, 0xF6);
  EXPECT_EQ(p.stray_bytes(), 2u);
}

}  // namespace
}  // namespace cv2midi
