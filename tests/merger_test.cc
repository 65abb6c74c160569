#include "core/merger.h"

#include "sim/midi_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace cv2midi {
namespace {

struct Rig {
  static constexpr uint16_t kCapacity = 256;
  uint8_t fifo[kCapacity];
  MidiParser parser;
  Merger merger{fifo, kCapacity};
  void In(const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) {
      MidiEvent e[2];
      const uint8_t n = parser.Feed(b, e);
      for (uint8_t i = 0; i < n; ++i) merger.Take(e[i]);
    }
  }
  std::vector<uint8_t> Drain() {
    std::vector<uint8_t> out;
    while (!merger.empty()) {
      out.push_back(merger.front());
      merger.Pop();
    }
    return out;
  }
};

TEST(Merger, DropsIncomingClockAndTransportAndPassesOtherRealTime) {
  Rig r;
  r.In({0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF});
  EXPECT_EQ(r.Drain(), (std::vector<uint8_t>{0xFE, 0xFF}));
  EXPECT_EQ(r.merger.stats().clock_dropped, 4u);
}

TEST(Merger, PassesRunningStatusUnchanged) {
  Rig r;
  const std::vector<uint8_t> in = {0x90, 0x3C, 0x64, 0x3E, 0x64, 0x40, 0x00, 0xB0, 0x07, 0x7F};
  r.In(in);
  EXPECT_EQ(r.Drain(), in);
}

TEST(Merger, RestoresTheStatusAfterASystemCommonOnTheWire) {
  Rig r;
  r.In({0x90, 0x3C, 0x64});
  r.Drain();
  EXPECT_TRUE(r.merger.AtBoundary());
  r.merger.CancelRunningStatus();  // the engine sent Song Position
  r.In({0x3E, 0x64});             // running status on the input
  EXPECT_EQ(r.Drain(), (std::vector<uint8_t>{0x90, 0x3E, 0x64}));
}

TEST(Merger, NoBoundaryInsideAMessageASysExOrRunningStatus) {
  Rig r;
  r.In({0x90, 0x3C, 0x64, 0x3E, 0x64});
  EXPECT_TRUE(r.merger.AtBoundary());
  r.merger.Pop();
  EXPECT_FALSE(r.merger.AtBoundary());
  r.merger.Pop();
  r.merger.Pop();
  EXPECT_FALSE(r.merger.AtBoundary()) << "the next bytes rely on running status";
  r.Drain();
  r.In({0xF0, 0x01});
  r.merger.Pop();
  r.merger.Pop();
  EXPECT_FALSE(r.merger.AtBoundary()) << "a SysEx is open";
  r.In({0xF7});
  r.Drain();
  EXPECT_TRUE(r.merger.AtBoundary());
  // A real-time byte before running-status data (issue 11's regress-17, met again with
  // another timing): switching source there would strand the data without its status.
  r.In({0xBA, 0x23, 0x5B});
  r.Drain();
  r.In({0xFE, 0x63, 0x19});
  EXPECT_FALSE(r.merger.AtBoundary()) << "FE, then data under BA's running status";
  r.merger.Pop();
  EXPECT_FALSE(r.merger.AtBoundary());
  r.Drain();
  r.In({0xF0, 0x01, 0xFE, 0x02});
  r.merger.Pop();
  r.merger.Pop();
  EXPECT_FALSE(r.merger.AtBoundary()) << "FE inside a SysEx";
}

TEST(Merger, WhenFullWholeMessagesAreDroppedNeverHalves) {
  Rig r;
  for (int i = 0; i < 85; ++i) r.In({0x90, 0x3C, 0x64});  // 255 bytes queued
  EXPECT_EQ(r.merger.size(), 255u);
  r.In({0x80, 0x3C, 0x00});
  EXPECT_EQ(r.merger.size(), 255u);
  EXPECT_EQ(r.merger.stats().dropped, 1u);
  r.In({0xFE});  // one byte still fits
  EXPECT_EQ(r.merger.size(), 256u);
}

TEST(Merger, ASysExPassesIntactWithRealTimeInside) {
  Rig r;
  std::vector<uint8_t> in = {0xF0, 0x7D};
  for (int i = 0; i < 200; ++i) in.push_back(static_cast<uint8_t>(i & 0x7F));
  in.push_back(0xF7);
  r.In(in);
  EXPECT_EQ(r.Drain(), in);
  EXPECT_EQ(r.merger.stats().messages, 1u);
}

TEST(Merger, ASysExLongerThanTheRoomIsClosedWithF7AndCounted) {
  Rig r;
  std::vector<uint8_t> in = {0xF0};
  for (int i = 0; i < 1000; ++i) in.push_back(0x11);
  in.push_back(0xF7);
  in.push_back(0xFE);
  r.In(in);
  const auto out = r.Drain();
  ASSERT_EQ(out.size(), 256u);
  EXPECT_EQ(out.front(), 0xF0);
  EXPECT_EQ(out.back(), 0xF7);
  EXPECT_EQ(r.merger.stats().sysex_truncated, 1u);
}

TEST(Merger, RoomIsTheLargestMessageThatStillGoesInWhole) {
  Rig r;
  for (int i = 0; i < 80; ++i) r.In({0x90, 0x3C, 0x64});  // 240 bytes queued
  ASSERT_EQ(r.merger.room(), 16u);
  // A settings reply is 15 bytes: it fits whole, and then the next one does not.
  const std::vector<uint8_t> reply = {0xF0, 0x7D, 0x63, 0x32, 0x41, 1, 1, 0, 2, 1, 1, 1, 0x68, 7, 0xF7};
  r.In(reply);
  EXPECT_EQ(r.merger.stats().sysex_truncated, 0u);
  EXPECT_EQ(r.merger.room(), 1u);
  // Inside a SysEx one byte is kept for its F7.
  Rig s;
  s.In({0xF0, 0x01});
  EXPECT_EQ(s.merger.room(), Rig::kCapacity - 3u);
  // A SysEx exactly the room long goes in whole; one byte longer is cut.
  Rig a, b;
  std::vector<uint8_t> sysex = {0xF0};
  while (sysex.size() + 1 < a.merger.room()) sysex.push_back(0x11);
  sysex.push_back(0xF7);
  ASSERT_EQ(sysex.size(), a.merger.room());
  a.In(sysex);
  EXPECT_EQ(a.Drain(), sysex);
  EXPECT_EQ(a.merger.stats().sysex_truncated, 0u);
  sysex.insert(sysex.begin() + 1, 0x11);
  b.In(sysex);
  EXPECT_EQ(b.merger.stats().sysex_truncated, 1u);
}

// A source that stops inside a SysEx holds the line (din_line.h) only until the merger
// closes it: 100 ms with nothing queued and nothing new.
TEST(Merger, ASysExWhoseSourceGoesQuietIsClosedAfterItsTimeoutAndTheRestDropped) {
  Rig r;
  const uint32_t t0 = 0xFFFFFFFFUL - 50 * kTicksPerMs;  // the timeout spans the wrap
  r.In({0xF0, 0x7E, 0x01});
  EXPECT_FALSE(r.merger.CloseStalled(t0)) << "it was just fed";
  EXPECT_EQ(r.Drain(), (std::vector<uint8_t>{0xF0, 0x7E, 0x01}));
  EXPECT_FALSE(r.merger.AtBoundary()) << "an open SysEx holds the line";
  // Quiet from the look that saw it fed.
  EXPECT_FALSE(r.merger.CloseStalled(t0 + kTicksPerMs));
  EXPECT_FALSE(r.merger.CloseStalled(t0 + Merger::kSysExStallTicks - 1));
  EXPECT_TRUE(r.merger.CloseStalled(t0 + Merger::kSysExStallTicks));
  EXPECT_EQ(r.Drain(), (std::vector<uint8_t>{0xF7}));
  EXPECT_TRUE(r.merger.AtBoundary());
  EXPECT_EQ(r.merger.stats().sysex_stalled, 1u);
  EXPECT_FALSE(r.merger.CloseStalled(t0 + 2 * Merger::kSysExStallTicks)) << "closed once";
  // The rest of that SysEx, if it ever comes, is dropped; what follows it passes.
  r.In({0x02, 0x03, 0xF7, 0x91, 0x3C, 0x40});
  EXPECT_EQ(r.Drain(), (std::vector<uint8_t>{0x91, 0x3C, 0x40}));
}

TEST(Merger, ASysExStillFedOrWaitingForTheLineIsNeverClosed) {
  Rig r;
  r.In({0xF0, 0x01});
  uint32_t t = 1000;
  // A byte every 90 ms: slow, but never quiet for the whole timeout.
  for (int i = 0; i < 20; ++i, t += 90 * kTicksPerMs) {
    for (uint32_t k = 0; k < 90; ++k) EXPECT_FALSE(r.merger.CloseStalled(t + k * kTicksPerMs));
    r.Drain();
    r.In({0x02});
  }
  // Bytes queued for a busy line are not a stall, however long the line takes.
  r.In({0x03, 0x04});
  for (uint32_t k = 0; k < 1000; ++k) EXPECT_FALSE(r.merger.CloseStalled(t + k * kTicksPerMs));
  r.In({0xF7});
  std::vector<uint8_t> out = r.Drain();
  EXPECT_EQ(out.back(), 0xF7);
  EXPECT_EQ(r.merger.stats().sysex_stalled, 0u);
  EXPECT_EQ(r.merger.stats().messages, 1u);
}

// Seeded random streams, a million bytes each, drained at a changing rate (so the FIFO
// fills and drops): the output is always a valid MIDI stream, and every whole
// message that went in came out whole, in order, or was counted as dropped.
TEST(Merger, FuzzedStreamsComeOutValidAndEveryMessageIsAccountedFor) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    std::mt19937 rng(seed);
    Rig r;
    std::vector<uint8_t> out;
    sim::ThruExpectation thru;  // what the parser saw, as thru owes it
    for (int i = 0; i < 1000000; ++i) {
      uint8_t b;
      const uint32_t roll = rng() % 100;
      if (roll < 55) {
        b = static_cast<uint8_t>(rng() % 0x80);
      } else if (roll < 85) {
        b = static_cast<uint8_t>(0x80 + rng() % 0x70);
      } else if (roll < 88) {
        b = 0xF0;
      } else if (roll < 91) {
        b = 0xF7;
      } else {
        b = static_cast<uint8_t>(0xF0 + rng() % 16);
      }
      MidiEvent e[2];
      const uint8_t n = r.parser.Feed(b, e);
      for (uint8_t k = 0; k < n; ++k) {
        r.merger.Take(e[k]);
        thru.Take(e[k]);
      }
      // The line drains in phases: slower than the input for 20,000 bytes (the FIFO fills
      // and drops), then as fast, so every part of the FIFO's life is exercised.
      const uint32_t rate = (i / 20000) % 2 == 0 ? 20 : 100;
      if (rng() % 100 < rate && !r.merger.empty()) {
        out.push_back(r.merger.front());
        r.merger.Pop();
      }
    }
    const std::vector<uint8_t> rest = r.Drain();
    out.insert(out.end(), rest.begin(), rest.end());
    const sim::MidiReading reading = sim::ReadStrictly(out);
    EXPECT_TRUE(reading.valid) << "seed " << seed << ": " << reading.first_fault;
    const auto& out_messages = reading.messages;
    const std::vector<sim::MidiMessage>& in_messages = thru.messages();
    const MergeStats& st = r.merger.stats();
    EXPECT_GT(st.dropped, 0u) << "the fuzz must reach overload";
    EXPECT_GT(st.sysex_truncated, 0u) << "the fuzz must reach a SysEx longer than the room";
    // Out is in, in order, less the dropped messages; a SysEx longer than the room comes out
    // as a prefix closed with F7. The counts add up exactly.
    const sim::ThruMatch match = sim::MatchThru(in_messages, out_messages);
    EXPECT_TRUE(match.in_order) << "seed " << seed << ": output has a message not in";
    EXPECT_EQ(match.missing, st.dropped) << "seed " << seed;
    EXPECT_GE(match.shortened, st.sysex_truncated) << "seed " << seed;
    EXPECT_EQ(in_messages.size(), out_messages.size() + st.dropped) << "seed " << seed;
    std::printf("[ figures  ] merge fuzz seed %u: %zu messages in, %zu out, %u dropped, %u "
                "SysEx truncated, %u parser stray, %u cut short\n",
                seed, in_messages.size(), out_messages.size(), st.dropped, st.sysex_truncated,
                r.parser.stray_bytes(), r.parser.truncated());
  }
}

}  // namespace
}  // namespace cv2midi
