// MIDI in through the real firmware (DESIGN.md item 13): thru and merge never move a clock.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/midi.h"
#include "sim/analysis.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "tests/sim_play.h"

namespace cv2midi {
namespace sim {
namespace {

void ExpectClockUntouched(const Played& p) {
  const Analysis& a = p.analysis;
  EXPECT_FALSE(p.run.crashed);
  ASSERT_GT(a.timed_clocks, 0u);
  EXPECT_LE(a.error_max_ns, 1000.0) << "goal 1 us (must 2 us)";
  EXPECT_LE(a.division_error_max_ns, 62.5);
  EXPECT_EQ(a.latency_min, a.latency_max);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_EQ(a.position_failures, 0u);
  EXPECT_EQ(a.line_overlaps, 0u);
  EXPECT_TRUE(a.out_valid) << a.out_fault;
  EXPECT_TRUE(a.thru_in_order);
}

TEST(SimMerge, HalfTheLineIsDeliveredWholeAndInOrderWithoutMovingAClock) {
  for (const char* name : {"merge-140-50.txt", "merge-300-50.txt"}) {
    SCOPED_TRACE(name);
    const Played p = PlayFile(name);
    ExpectClockUntouched(p);
    EXPECT_GT(p.analysis.thru_in, 2000u);
    EXPECT_EQ(p.analysis.thru_delivered, p.analysis.thru_in);
    EXPECT_EQ(p.analysis.thru_missing, 0u);
    // DIN in reaches the computer too: one USB-MIDI packet a note message.
    EXPECT_TRUE(p.analysis.usb_host);
    EXPECT_EQ(p.analysis.usb_din_in_packets, p.analysis.thru_in);
    std::printf("[ figures  ] %s: %zu of %zu messages through, clock error max %.1f ns\n", name,
                p.analysis.thru_delivered, p.analysis.thru_in, p.analysis.error_max_ns);
  }
}

TEST(SimMerge, AFullLineDropsOnlyWholeMessagesAndNeverMovesAClock) {
  for (const char* name : {"merge-140-100.txt", "merge-300-100.txt"}) {
    SCOPED_TRACE(name);
    const Played p = PlayFile(name);
    ExpectClockUntouched(p);
    EXPECT_EQ(p.analysis.thru_delivered + p.analysis.thru_missing, p.analysis.thru_in);
    EXPECT_GT(p.analysis.thru_delivered, p.analysis.thru_in * 9 / 10);
    std::printf("[ figures  ] %s: %zu of %zu messages through, %zu dropped whole, clock error "
                "max %.1f ns\n",
                name, p.analysis.thru_delivered, p.analysis.thru_in, p.analysis.thru_missing,
                p.analysis.error_max_ns);
  }
}

TEST(SimMerge, RunningStatusComesOutUnchanged) {
  const Played p = PlayFile("merge-300-50.txt");
  std::vector<uint8_t> in;
  for (const Action& a : p.run.scenario.actions) {
    if (a.kind == ActionKind::kMidiIn) in.insert(in.end(), a.bytes.begin(), a.bytes.end());
  }
  std::vector<uint8_t> out;
  for (const TxByte& b : p.run.tx) {
    if (b.byte < 0xF8) out.push_back(b.byte);
  }
  ASSERT_EQ(in[0], 0x90);
  ASSERT_LT(in[3], 0x80) << "the input uses running status";
  EXPECT_EQ(out, in) << "byte for byte, one status byte for the whole stream";
}

TEST(SimMerge, AKilobyteSysExPassesIntactWithClocksInsideIt) {
  const Played p = PlayFile("sysex-1k.txt");
  ExpectClockUntouched(p);
  EXPECT_EQ(p.analysis.thru_delivered, 1u);
  EXPECT_EQ(p.analysis.thru_shortened, 0u);
  size_t start = 0, end = 0, clocks_inside = 0, data = 0;
  for (size_t i = 0; i < p.run.tx.size(); ++i) {
    const uint8_t b = p.run.tx[i].byte;
    if (b == 0xF0) start = i;
    if (b == 0xF7) end = i;
    if (start != 0 && end == 0) {
      if (b == midi::kClock) ++clocks_inside;
      if (b < 0x80) ++data;
    }
  }
  EXPECT_GT(end, start);
  EXPECT_EQ(data, 1024u - 2) << "7D and 1021 counting bytes";
  EXPECT_GT(clocks_inside, 10u) << "clocks are not held back by the SysEx";
}

TEST(SimMerge, GarbageNeverStallsTheFirmwareOrTheClock) {
  const Played p = PlayFile("midi-garbage.txt");
  ExpectClockUntouched(p);
  EXPECT_EQ(p.analysis.clocks, 20u * 24);
  EXPECT_EQ(p.analysis.stops, 1u);
  EXPECT_GT(p.analysis.thru_delivered, 100u) << "what whole messages the garbage held go through";
}

// Non-real-time bytes on DIN out with their cycles.
std::vector<TxByte> MergedBytes(const RunResult& run) {
  std::vector<TxByte> out;
  for (const TxByte& b : run.tx) {
    if (b.byte < 0xF8) out.push_back(b);
  }
  return out;
}

// Issue 11 bug 11: the host starts a SysEx and never ends it. It holds the line while it
// may still come (DIN's note waits, never inside it) and is closed with F7 100 ms after its
// last byte went out; then DIN's note passes whole.
TEST(SimMerge, AHostSysExLeftOpenHoldsTheLineOnlyUntilItsTimeout) {
  const Played p = PlayText(
      "tempo 120 for 8 beats\n"
      "usb-out F0 7E 01 02 at 1s\n"
      "midi 91 3C 40 at 1020ms\n"
      "silence 2s\n");
  ExpectClockUntouched(p);
  const std::vector<TxByte> b = MergedBytes(p.run);
  ASSERT_EQ(b.size(), 7u);
  const std::vector<uint8_t> want = {0xF0, 0x7E, 0x01, 0xF7, 0x91, 0x3C, 0x40};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(b[i].byte, want[i]) << "byte " << i;
  const uint64_t quiet = b[3].cycle - b[2].cycle;
  EXPECT_GE(quiet, 99 * kCyclesPerMs) << quiet;
  EXPECT_LE(quiet, 103 * kCyclesPerMs) << quiet;
  EXPECT_GE(b[4].cycle, b[3].cycle + 5120) << "the note after the F7's frame";
  EXPECT_LT(b[4].cycle, b[3].cycle + 5 * kCyclesPerMs);
  std::printf("[ figures  ] host SysEx left open: F7 %llu cycles (%.2f ms) after its last byte\n",
              static_cast<unsigned long long>(quiet), quiet / 16000.0);
}

// A message from the host ends the SysEx it left open at once (as a status does on DIN),
// and is itself passed on, not refused.
TEST(SimMerge, AHostMessageEndsTheSysExTheHostLeftOpen) {
  const Played p = PlayText(
      "tempo 120 for 8 beats\n"
      "usb-out F0 7E 01 02 at 1s\n"
      "usb-out 92 3C 40 at 1010ms\n"
      "silence 2s\n");
  ExpectClockUntouched(p);
  const std::vector<TxByte> b = MergedBytes(p.run);
  ASSERT_EQ(b.size(), 7u);
  const std::vector<uint8_t> want = {0xF0, 0x7E, 0x01, 0xF7, 0x92, 0x3C, 0x40};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(b[i].byte, want[i]) << "byte " << i;
  EXPECT_LT(b[3].cycle - b[2].cycle, 15 * kCyclesPerMs) << "closed by the note, not the timeout";
}

// The same rule on DIN in: a SysEx that stops arriving is closed 100 ms on, and the host's
// note, which waited for the line, follows it.
TEST(SimMerge, ADinSysExThatStopsArrivingIsClosedAndTheHostGoesOn) {
  const Played p = PlayText(
      "tempo 120 for 8 beats\n"
      "midi F0 7E 01 02 at 1s\n"
      "usb-out 93 3C 40 at 1020ms\n"
      "silence 2s\n");
  ExpectClockUntouched(p);
  const std::vector<TxByte> b = MergedBytes(p.run);
  ASSERT_EQ(b.size(), 8u);
  const std::vector<uint8_t> want = {0xF0, 0x7E, 0x01, 0x02, 0xF7, 0x93, 0x3C, 0x40};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(b[i].byte, want[i]) << "byte " << i;
  const uint64_t quiet = b[4].cycle - b[3].cycle;
  EXPECT_GE(quiet, 99 * kCyclesPerMs) << quiet;
  EXPECT_LE(quiet, 103 * kCyclesPerMs) << quiet;
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
