// USB-MIDI on the real firmware with a simulated host: enumeration, clocks to the host,
// and DIN that never waits for USB, whatever the host does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "core/midi.h"
#include "core/usb_descriptors.h"
#include "core/usb_serial.h"
#include "sim/analysis.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "tests/sim_play.h"

namespace cv2midi {
namespace sim {
namespace {

// DIN exactly as without USB: the clock on its cycles, nothing lost, Stop on time.
void ExpectDinUntouched(const Played& p) {
  const Analysis& a = p.analysis;
  EXPECT_FALSE(p.run.crashed);
  EXPECT_LE(a.error_max_ns, 62.5);
  EXPECT_LE(a.division_error_max_ns, 62.5);
  EXPECT_EQ(a.latency_min, a.latency_max);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_EQ(a.position_failures, 0u);
  EXPECT_EQ(a.line_overlaps, 0u);
  EXPECT_EQ(a.stops, 1u);
  for (const StopFigures& s : a.timeouts) EXPECT_TRUE(s.ok);
}

TEST(SimUsb, EnumeratesAsAClassCompliantMidiDevice) {
  const Played p = PlayFile("usb-120.txt");
  const UsbHostReport& u = p.run.usb;
  EXPECT_TRUE(u.attached);
  EXPECT_TRUE(u.enumerated);
  EXPECT_EQ(u.enumerations, 1);
  EXPECT_TRUE(u.descriptor_faults.empty()) << u.descriptor_faults.front();
  EXPECT_EQ(u.stalls_seen, 2) << "the device qualifier and a class request are not ours";
  EXPECT_EQ(u.in_endpoint, 1);
  EXPECT_EQ(u.out_endpoint, 2);
  ASSERT_GE(u.transcript.size(), 19u);
  EXPECT_EQ(u.transcript[0], "bus reset");
  EXPECT_NE(u.transcript[1].find("18 bytes: 12 01 10 01"), std::string::npos) << u.transcript[1];
  bool got_config = false, got_product = false;
  for (const std::string& line : u.transcript) {
    got_config = got_config || line.find("(GET_DESCRIPTOR configuration) -> 101 bytes") !=
                                   std::string::npos;
    got_product = got_product || line.find("string 2) -> 16 bytes: 10 03 63 00 76 00 32 00 6D 00")
                                     != std::string::npos;
  }
  EXPECT_TRUE(got_config);
  EXPECT_TRUE(got_product) << "\"cv2midi\" in UTF-16";
  // Endpoint halt: set, read back as halted, cleared, read back as running.
  bool halted = false, running = false;
  for (const std::string& line : u.transcript) {
    halted = halted || line.find("halted) -> 2 bytes: 01 00") != std::string::npos;
    running = running || line.find("running) -> 2 bytes: 00 00") != std::string::npos;
  }
  EXPECT_TRUE(halted);
  EXPECT_TRUE(running);
  for (const std::string& line : u.transcript) std::printf("[ transcript ] %s\n", line.c_str());
}

TEST(SimUsb, ClocksReachTheHostInOrderTwentyFourABeatWithinAFrame) {
  const Played p = PlayFile("usb-120.txt");
  ExpectDinUntouched(p);
  const Analysis& a = p.analysis;
  EXPECT_EQ(a.usb_clock_matched, a.usb_clock_bytes);
  EXPECT_GT(a.usb_clock_bytes, 15u * 24);
  // Available at the first frame after the firmware has the byte, which is within a
  // quarter of a millisecond of the DIN write.
  EXPECT_LE(a.usb_delay_max, kCyclesPerMs + kCyclesPerMs / 4);
  size_t clocks = 0;
  uint64_t last = 0;
  for (const UsbPacketIn& packet : p.run.usb.packets) {
    if (packet.b[0] == 0x0F && packet.b[1] == midi::kClock) {
      ++clocks;
      EXPECT_GE(packet.cycle, last);
      last = packet.cycle;
    }
  }
  // Enumeration (about 50 ms) overlaps the first clocks of the first beat; every clock from
  // SET_CONFIGURATION on reaches the host.
  EXPECT_GE(clocks, 16u * 24 - 3);
  EXPECT_LE(clocks, 16u * 24);
  std::printf("[ figures  ] USB at 120 BPM: %zu clock/transport packets, max delay %.3f ms, "
              "%zu of %zu within the first frame\n",
              a.usb_clock_matched, a.usb_delay_max / 16000.0, a.usb_within_a_frame,
              a.usb_clock_matched);
}

TEST(SimUsb, AHostThatStopsReadingNeverDelaysDinAndTheClockResumes) {
  const Played p = PlayFile("usb-pause.txt");
  ExpectDinUntouched(p);
  EXPECT_EQ(p.analysis.usb_clock_matched, p.analysis.usb_clock_bytes);
  // After reading again the host gets the queued packets, then the live clock.
  size_t after = 0;
  for (const UsbPacketIn& packet : p.run.usb.packets) {
    after += packet.cycle > kScenarioStart + 5 * kCyclesPerSecond && packet.b[1] == midi::kClock;
  }
  EXPECT_GT(after, 4u * 24);
}

TEST(SimUsb, ABusResetMidRunReEnumeratesAndDinNeverNotices) {
  const Played p = PlayFile("usb-reset.txt");
  ExpectDinUntouched(p);
  EXPECT_EQ(p.run.usb.enumerations, 2);
  EXPECT_EQ(p.analysis.usb_clock_matched, p.analysis.usb_clock_bytes);
  EXPECT_GT(p.analysis.usb_clock_bytes, 12u * 24);
}

TEST(SimUsb, SuspendAndWakeNeverDelayDin) {
  const Played p = PlayFile("usb-suspend.txt");
  ExpectDinUntouched(p);
  EXPECT_EQ(p.analysis.usb_clock_matched, p.analysis.usb_clock_bytes);
  EXPECT_GT(p.analysis.usb_clock_bytes, 10u * 24);
}

TEST(SimUsb, NoHostAtAllNeverDelaysDin) {
  const Played p = PlayFile("usb-none.txt");
  ExpectDinUntouched(p);
  EXPECT_FALSE(p.analysis.usb_host);
  EXPECT_EQ(p.analysis.clocks, 16u * 24);
}

TEST(SimUsb, OutPacketsArriveWholeOnDinBetweenTheClocks) {
  const Played p = PlayFile("usb-out.txt");
  ExpectDinUntouched(p);
  const Analysis& a = p.analysis;
  EXPECT_EQ(a.usb_out_in, 11u) << "3 notes on, 3 off, CC, program, bend, note and the SysEx";
  EXPECT_EQ(a.usb_out_delivered, a.usb_out_in);
  EXPECT_TRUE(a.out_valid) << a.out_fault;
  // The SysEx, whole, in DIN out.
  std::vector<uint8_t> out;
  for (const TxByte& b : p.run.tx) {
    if (b.byte < 0xF8) out.push_back(b.byte);
  }
  const std::vector<uint8_t> sysex = {0xF0, 0x7D, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0A, 0xF7};
  EXPECT_NE(std::search(out.begin(), out.end(), sysex.begin(), sysex.end()), out.end());
  // The host's F8 and FA are not passed on: this converter is the clock master.
  EXPECT_EQ(a.starts, 1u);
  // Nothing of the host's own comes back to it.
  for (const UsbPacketIn& packet : p.run.usb.packets) {
    EXPECT_EQ(packet.b[0], 0x0F) << "only clock and transport go to the host here";
  }
}

// Issue 11 bug 10: a 30-note chord from the host in one go is 120 bytes, two OUT
// transfers, and 90 bytes for DIN: more than the USB FIFO's 64. The firmware leaves the
// bank unread until there is room, the host is NAKed and sends again, and every note goes
// out on DIN, in order, back to back between the clocks.
TEST(SimUsb, AChordLargerThanTheFifoIsFlowControlledNotDropped) {
  const Played p = PlayFile("regress-10-usb-out-chord.txt");
  ExpectDinUntouched(p);
  std::vector<uint8_t> sent;
  for (const Action& a : p.run.scenario.actions) {
    if (a.kind == ActionKind::kUsbOut) sent = a.bytes;
  }
  ASSERT_EQ(sent.size(), 90u);
  std::vector<TxByte> notes;
  for (const TxByte& b : p.run.tx) {
    if (b.byte < 0xF8) notes.push_back(b);
  }
  std::vector<uint8_t> out;
  for (const TxByte& b : notes) out.push_back(b.byte);
  EXPECT_EQ(out, sent) << "all 30 notes, each with its status";
  EXPECT_EQ(p.run.usb.out_packets_sent, 30u);
  // From the first note byte to the last: 90 frames of 320 us, and the few clocks between.
  ASSERT_EQ(notes.size(), 90u);
  const uint64_t span = notes.back().cycle - notes.front().cycle;
  EXPECT_LT(span, 90 * 5120 + 8 * 5120 + 20 * kCyclesPerMs / 10) << "cycles " << span;
  std::printf("[ figures  ] 30-note chord: %zu NAKs, %llu cycles from the first note byte to "
              "the last\n",
              p.run.usb.out_naks, static_cast<unsigned long long>(span));
}

// Four transfers of notes at once (64 notes, 192 bytes for DIN, 60 ms of line): the bank
// holds one while the FIFO drains, so the host's next ones are NAKed and sent again, and
// nothing is lost.
TEST(SimUsb, OutTransfersTheFifoCannotTakeAreNakedAndSentAgain) {
  std::string text = "tempo 120 for 8 beats\nusb-out";
  std::vector<uint8_t> sent;
  for (int i = 0; i < 64; ++i) {
    char note[16];
    std::snprintf(note, sizeof(note), " 9%X %02X 40", i % 16, 0x20 + i);
    text += note;
    sent.push_back(static_cast<uint8_t>(0x90 + i % 16));
    sent.push_back(static_cast<uint8_t>(0x20 + i));
    sent.push_back(0x40);
  }
  text += " at 1s\nsilence 2s\n";
  const Played p = PlayText(text);
  ExpectDinUntouched(p);
  std::vector<uint8_t> out;
  for (const TxByte& b : p.run.tx) {
    if (b.byte < 0xF8) out.push_back(b.byte);
  }
  EXPECT_EQ(out, sent);
  EXPECT_EQ(p.run.usb.out_packets_sent, 64u);
  EXPECT_GT(p.run.usb.out_naks, 10u) << "the host was held off while the line drained";
  std::printf("[ figures  ] 64 notes from the host at once: %zu NAKs, all on DIN\n",
              p.run.usb.out_naks);
}

// A unit with a blank EEPROM makes its serial at the first bus reset, from the moment it
// came (here: when the simulated host starts), keeps it in EEPROM and shows the same one
// after a power cycle; another moment, another unit, gives another serial.
TEST(SimUsb, EachUnitMakesItsSerialOnceAndKeepsItAcrossAPowerCycle) {
  Scenario scenario;
  std::string error;
  ASSERT_TRUE(LoadScenario(std::string(CV2MIDI_SCENARIOS) + "/usb-120.txt", &scenario, &error));
  auto play = [&scenario](uint64_t host_start, const std::vector<uint8_t>& eeprom) {
    RunOptions options;
    options.elf = DefaultElf();
    options.host_start = host_start;
    options.eeprom = eeprom;
    Played p;
    std::string error;
    EXPECT_TRUE(RunScenario(scenario, options, &p.run, &error)) << error;
    p.analysis = Analyze(p.run);
    return p;
  };
  const Played first = play(2 * kCyclesPerMs, {});
  const Played other_unit = play(2 * kCyclesPerMs + 12345, {});
  const Played power_cycled = play(5 * kCyclesPerMs, first.run.eeprom);
  for (const Played* p : {&first, &other_unit, &power_cycled}) {
    EXPECT_TRUE(p->run.usb.enumerated);
    EXPECT_TRUE(p->run.usb.descriptor_faults.empty()) << p->run.usb.descriptor_faults.front();
  }
  const std::string serial = first.run.usb.strings.at(usb::kStringSerial);
  EXPECT_EQ(serial.size(), usb::kSerialChars);
  EXPECT_EQ(serial.substr(0, 5), "CV2M-");
  EXPECT_NE(other_unit.run.usb.strings.at(usb::kStringSerial), serial);
  EXPECT_EQ(power_cycled.run.usb.strings.at(usb::kStringSerial), serial);
  // In EEPROM as its own block, the settings block untouched (still blank).
  ASSERT_EQ(first.run.eeprom.size(), usb::kSerialAddress + usb::kSerialBlockBytes);
  uint32_t stored = 0;
  ASSERT_TRUE(usb::DecodeSerial(&first.run.eeprom[usb::kSerialAddress], &stored));
  char hex[16];
  std::snprintf(hex, sizeof(hex), "CV2M-%08X", stored);
  EXPECT_EQ(serial, hex);
  for (size_t i = 0; i < kSettingsBytes; ++i) EXPECT_EQ(first.run.eeprom[i], 0xFF);
  EXPECT_EQ(power_cycled.run.eeprom, first.run.eeprom) << "made once, never rewritten";
  // Writing it moved no clock.
  ExpectDinUntouched(first);
  // The jacks' names, as the host read them.
  EXPECT_EQ(first.run.usb.strings.at(usb::kStringDinOut), "cv2midi DIN out");
  EXPECT_EQ(first.run.usb.strings.at(usb::kStringClock), "cv2midi clock");
  EXPECT_EQ(first.run.usb.strings.at(usb::kStringDinIn), "cv2midi DIN in");
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
