// Settings on the real firmware: SysEx over DIN and USB, the button at power-up, the
// EEPROM across a power cycle and when corrupt, and a write that never moves a clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "core/midi.h"
#include "core/settings.h"
#include "core/sysex_config.h"
#include "core/usb_serial.h"
#include "sim/analysis.h"
#include "sim/run.h"
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {
namespace {

RunResult Play(const Scenario& scenario, const std::vector<uint8_t>& eeprom) {
  std::string error;
  RunOptions options;
  options.elf = DefaultElf();
  options.eeprom = eeprom;
  RunResult run;
  EXPECT_TRUE(RunScenario(scenario, options, &run, &error)) << error;
  EXPECT_FALSE(run.crashed);
  return run;
}

RunResult PlayFile(const std::string& name, const std::vector<uint8_t>& eeprom = {}) {
  Scenario scenario;
  std::string error;
  EXPECT_TRUE(LoadScenario(std::string(CV2MIDI_SCENARIOS) + "/" + name, &scenario, &error))
      << error;
  return Play(scenario, eeprom);
}

// Clocks between consecutive beat pulses (rising edges), from `from` on.
std::vector<size_t> ClocksPerPulse(const RunResult& run, uint64_t from) {
  std::vector<uint64_t> edges;
  for (const Edge& e : run.edges) {
    if (e.at >= from) edges.push_back(e.at);
  }
  std::vector<size_t> counts;
  for (size_t i = 1; i < edges.size(); ++i) {
    size_t n = 0;
    for (const TxByte& b : run.tx) {
      n += b.byte == midi::kClock && b.cycle >= edges[i - 1] && b.cycle < edges[i];
    }
    counts.push_back(n);
  }
  return counts;
}

// The SysEx messages of ours that went out on DIN.
std::vector<std::vector<uint8_t>> RepliesOnDin(const RunResult& run) {
  std::vector<std::vector<uint8_t>> out;
  std::vector<uint8_t> cur;
  for (const TxByte& b : run.tx) {
    if (b.byte >= 0xF8) continue;
    if (b.byte == 0xF0) cur = {0xF0};
    else if (!cur.empty()) cur.push_back(b.byte);
    if (b.byte == 0xF7 && !cur.empty()) {
      if (sysex::IsConfig(cur.data(), cur.size())) out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

// The SysEx messages of ours that the host read, from USB-MIDI packets (CIN 4-7).
std::vector<std::vector<uint8_t>> RepliesOnUsb(const RunResult& run) {
  std::vector<std::vector<uint8_t>> out;
  std::vector<uint8_t> cur;
  for (const UsbPacketIn& p : run.usb.packets) {
    const uint8_t cin = p.b[0] & 0x0F;
    const int n = cin == 4 || cin == 7 ? 3 : cin == 6 ? 2 : cin == 5 ? 1 : 0;
    for (int i = 0; i < n; ++i) {
      if (p.b[1 + i] == 0xF0) cur.clear();
      cur.push_back(p.b[1 + i]);
    }
    if (cin >= 5 && cin <= 7 && !cur.empty() && cur.back() == 0xF7) {
      if (sysex::IsConfig(cur.data(), cur.size())) out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

Settings Stored(const RunResult& run, SettingsStatus* status) {
  Settings s;
  *status = DecodeSettings(run.eeprom.data(), &s);
  return s;
}

void ExpectSixClocksAPulse(const RunResult& run, uint64_t from) {
  const std::vector<size_t> counts = ClocksPerPulse(run, from);
  ASSERT_GT(counts.size(), 10u);
  for (size_t c : counts) EXPECT_EQ(c, 6u);
}

// The contract's timing figures, with N = 6 (4 PPQN).
void ExpectContractTiming(const RunResult& run) {
  const Analysis a = Analyze(run);
  EXPECT_EQ(a.n, 6);
  EXPECT_GT(a.timed_clocks, 100u);
  EXPECT_LE(a.error_max_ns, 62.5);
  EXPECT_LE(a.division_error_max_ns, 62.5);
  EXPECT_EQ(a.latency_min, a.latency_max);
  EXPECT_LE(a.latency_max, 320u);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_EQ(a.position_failures, 0u);
  EXPECT_EQ(a.line_overlaps, 0u);
  for (const StopFigures& s : a.timeouts) EXPECT_TRUE(s.ok);
}

TEST(SimSettings, FourPpqnOverDinGivesSixClocksAPulseAndIsStored) {
  const RunResult run = PlayFile("settings-din.txt");
  const auto replies = RepliesOnDin(run);
  ASSERT_EQ(replies.size(), 1u) << "the reply goes back on DIN, where the request came from";
  sysex::Reply reply;
  ASSERT_TRUE(sysex::DecodeReply(replies[0].data(), replies[0].size(), &reply));
  EXPECT_EQ(reply.code, sysex::kAll);
  EXPECT_EQ(reply.settings.ppqn, 4);
  EXPECT_EQ(reply.status, SettingsStatus::kBlank) << "a fresh chip";
  ExpectSixClocksAPulse(run, 0);
  SettingsStatus status;
  EXPECT_EQ(Stored(run, &status).ppqn, 4);
  EXPECT_EQ(status, SettingsStatus::kOk);
  // The request itself never reaches DIN out or the host.
  for (const UsbPacketIn& p : run.usb.packets) EXPECT_EQ(p.b[0], 0x0F);
  ExpectContractTiming(run);
}

TEST(SimSettings, FourPpqnOverUsbIsAnsweredOverUsb) {
  const RunResult run = PlayFile("settings-usb.txt");
  EXPECT_TRUE(RepliesOnDin(run).empty());
  const auto replies = RepliesOnUsb(run);
  ASSERT_EQ(replies.size(), 1u);
  sysex::Reply reply;
  ASSERT_TRUE(sysex::DecodeReply(replies[0].data(), replies[0].size(), &reply));
  EXPECT_EQ(reply.settings.ppqn, 4);
  ExpectSixClocksAPulse(run, 0);
  ExpectContractTiming(run);
}

TEST(SimSettings, SettingsSurviveAPowerCycle) {
  const RunResult first = PlayFile("settings-din.txt");
  // Power up again with the EEPROM the first run left, and no SysEx at all.
  Scenario again;
  std::string error;
  ASSERT_TRUE(ParseScenario("input-ppqn 4\ntempo 120 for 8 beats\nsilence 1s\n", "again",
                            &again, &error))
      << error;
  const RunResult second = Play(again, first.eeprom);
  ExpectSixClocksAPulse(second, 0);
  ExpectContractTiming(second);
  EXPECT_TRUE(RepliesOnDin(second).empty());
}

TEST(SimSettings, ACorruptEepromBootsToTheDefaultsAndSaysSo) {
  const RunResult run = PlayFile("settings-corrupt.txt");
  const auto replies = RepliesOnDin(run);
  ASSERT_EQ(replies.size(), 1u);
  sysex::Reply reply;
  ASSERT_TRUE(sysex::DecodeReply(replies[0].data(), replies[0].size(), &reply));
  EXPECT_EQ(reply.status, SettingsStatus::kCorrupt);
  EXPECT_EQ(reply.settings.ppqn, 1);
  const std::vector<size_t> counts = ClocksPerPulse(run, 0);
  for (size_t c : counts) EXPECT_EQ(c, 24u);
}

// Issue 14's settings on the real image: a DIN shift of -8 ms set over USB, USB +2.5 ms and
// smooth 2 over DIN, read back by get all on both ports, stored as a layout 3 block that
// leaves the serial number's block alone, and still there after a power cycle.
TEST(SimSettings, ShiftsAndSmoothSetBySysExReadBackInGetAll) {
  Scenario scenario;
  std::string error;
  ASSERT_TRUE(ParseScenario("usb-out F0 7D 63 32 02 0A 60 79 F7 at 150ms\n"
                            "midi F0 7D 63 32 02 0B 7A 01 F7 at 200ms\n"
                            "midi F0 7D 63 32 02 0C 02 F7 at 250ms\n"
                            "midi F0 7D 63 32 01 F7 at 300ms\n"
                            "usb-out F0 7D 63 32 01 F7 at 350ms\n"
                            "silence 500ms\ntempo 120 for 2 beats\nsilence 1s\n",
                            "shift", &scenario, &error))
      << error;
  const RunResult run = Play(scenario, {});
  const auto din = RepliesOnDin(run);
  const auto usb = RepliesOnUsb(run);
  ASSERT_EQ(din.size(), 3u);
  ASSERT_EQ(usb.size(), 2u);
  const std::vector<uint8_t> want = {0xF0, 0x7D, 0x63, 0x32, 0x41, 0x01, 0x01, 0x00,
                                     0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09,
                                     0x00, 0x60, 0x79, 0x7A, 0x01, 0x02, 0xF7};
  EXPECT_EQ(din[2], want) << "get all over DIN";
  EXPECT_EQ(usb[1], want) << "get all over USB";
  sysex::Reply first;
  ASSERT_TRUE(sysex::DecodeReply(usb[0].data(), usb[0].size(), &first));
  EXPECT_EQ(first.settings.din_shift_10us, -800) << "the set's own reply";
  EXPECT_EQ(first.settings.usb_shift_10us, 0);
  SettingsStatus status;
  const Settings stored = Stored(run, &status);
  EXPECT_EQ(status, SettingsStatus::kOk);
  EXPECT_EQ(run.eeprom[2], kSettingsVersion);
  EXPECT_EQ(stored.din_shift_10us, -800);
  EXPECT_EQ(stored.usb_shift_10us, 250);
  EXPECT_EQ(stored.smooth, 2);
  uint32_t serial = 0;
  EXPECT_TRUE(usb::DecodeSerial(&run.eeprom[usb::kSerialAddress], &serial));
  // Power up again with that EEPROM: get all says so.
  Scenario again;
  ASSERT_TRUE(ParseScenario("midi F0 7D 63 32 01 F7 at 100ms\nsilence 300ms\n"
                            "tempo 120 for 2 beats\nsilence 1s\n",
                            "again", &again, &error))
      << error;
  const auto replies = RepliesOnDin(Play(again, run.eeprom));
  ASSERT_EQ(replies.size(), 1u);
  std::vector<uint8_t> stored_reply = want;
  stored_reply[5] = 0x00;  // stored, not blank
  EXPECT_EQ(replies[0], stored_reply);
}

// A block of firmware 0.6 (layout version 2) in EEPROM: the real image boots with its
// settings and the shifts and smooth at 0, and says "stored".
TEST(SimSettings, AVersionTwoBlockBootsWithTheShiftsAtZero) {
  // ppqn 1, trigger, timeout 5, all flags on, glitch 1000 us, tempo 133.3 BPM.
  std::vector<uint8_t> block = {'c', '2', 2, 1, 0, 5, 0x07, 0xE8, 0x03, 0x35, 0x05, 0};
  const uint16_t crc = Crc16(block.data(), 12);
  block.push_back(static_cast<uint8_t>(crc));
  block.push_back(static_cast<uint8_t>(crc >> 8));
  block.resize(usb::kSerialAddress, 0xFF);
  Scenario scenario;
  std::string error;
  ASSERT_TRUE(ParseScenario("midi F0 7D 63 32 01 F7 at 100ms\nsilence 300ms\n"
                            "tempo 120 for 2 beats\nsilence 1s\n",
                            "v2", &scenario, &error))
      << error;
  const auto replies = RepliesOnDin(Play(scenario, block));
  ASSERT_EQ(replies.size(), 1u);
  sysex::Reply r;
  ASSERT_TRUE(sysex::DecodeReply(replies[0].data(), replies[0].size(), &r));
  EXPECT_EQ(r.status, SettingsStatus::kOk);
  EXPECT_EQ(r.settings.timeout_multiple, 5);
  EXPECT_EQ(r.settings.tempo_deci_bpm, 1333);
  EXPECT_EQ(r.settings.din_shift_10us, 0);
  EXPECT_EQ(r.settings.usb_shift_10us, 0);
  EXPECT_EQ(r.settings.smooth, 0);
}

TEST(SimSettings, ButtonSetupAtPowerUpStepsTheValueAndSavesIt) {
  const RunResult run = PlayFile("settings-setup.txt");
  // In setup the LED blinks the PPQN: after the third press (released at 1.0 s) it is 4,
  // four blinks of 240 ms, then a one-second pause.
  size_t blinks = 0;
  for (const PinChange& c : run.led) {
    blinks += c.level && c.cycle > kScenarioStart + kCyclesPerSecond &&
              c.cycle < kScenarioStart + 2 * kCyclesPerSecond;
  }
  EXPECT_EQ(blinks, 4u);
  SettingsStatus status;
  EXPECT_EQ(Stored(run, &status).ppqn, 4);
  EXPECT_EQ(status, SettingsStatus::kOk);
  ExpectSixClocksAPulse(run, kScenarioStart + 3 * kCyclesPerSecond);
}

TEST(SimSettings, GarbageRequestsGetNaksAndChangeNothing) {
  const RunResult run = PlayFile("settings-garbage.txt");
  const auto replies = RepliesOnDin(run);
  ASSERT_EQ(replies.size(), 6u);
  const uint8_t reasons[] = {sysex::kUnknownCommand, sysex::kBadValue, sysex::kUnknownParam,
                             sysex::kBadLength, sysex::kBadLength};
  for (size_t i = 0; i < 5; ++i) {
    sysex::Reply r;
    ASSERT_TRUE(sysex::DecodeReply(replies[i].data(), replies[i].size(), &r)) << i;
    EXPECT_EQ(r.code, sysex::kNak) << i;
    EXPECT_EQ(r.nak_reason, reasons[i]) << i;
  }
  sysex::Reply all;
  ASSERT_TRUE(sysex::DecodeReply(replies[5].data(), replies[5].size(), &all));
  EXPECT_EQ(all.code, sysex::kAll);
  EXPECT_EQ(all.settings.ppqn, 1);
  const std::vector<size_t> counts = ClocksPerPulse(run, 0);
  for (size_t c : counts) EXPECT_EQ(c, 24u);
  SettingsStatus status;
  Stored(run, &status);
  EXPECT_EQ(status, SettingsStatus::kBlank) << "nothing was written";
}

TEST(SimSettings, AWriteDuringAClockNeverMovesItAndTakesEffectAfterTheStop) {
  const RunResult run = PlayFile("settings-while-running.txt");
  SettingsStatus status;
  EXPECT_FALSE(Stored(run, &status).auto_start);
  EXPECT_EQ(status, SettingsStatus::kOk);
  // The whole run meets the contract: the EEPROM write during the first part moved no clock.
  const Analysis a = Analyze(run);
  EXPECT_LE(a.error_max_ns, 62.5);
  EXPECT_LE(a.division_error_max_ns, 62.5);
  EXPECT_EQ(a.latency_min, a.latency_max);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_EQ(a.line_overlaps, 0u);
  for (const VerdictItem& v : a.verdict) {
    if (v.must_pass) {
      EXPECT_TRUE(v.pass) << v.item << ": " << v.figure;
    }
  }
  // The change arrived during the first run and took effect after its Stop: one Start,
  // the clock's return starts nothing (and its clocks still flow, stopped).
  EXPECT_EQ(a.starts, 1u);
  EXPECT_EQ(a.stops, 1u);
  EXPECT_EQ(a.clocks, 12u * 24);
}

// Issue 11 bug 7: 80 "get all" requests back to back on DIN in, at 120 BPM. The replies
// are 2.5 times the requests' bytes, so the line cannot carry them all: each one is whole
// (the defaults, 23 bytes) or not sent at all, never cut short.
TEST(SimSettings, RepliesUnderLoadAreWholeOrNotSent) {
  const RunResult run = PlayFile("regress-07-replies-under-load.txt");
  const std::vector<uint8_t> whole = {0xF0, 0x7D, 0x63, 0x32, 0x41, 0x01, 0x01, 0x00, 0x02,
                                      0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0xF7};
  const std::vector<std::vector<uint8_t>> replies = RepliesOnDin(run);
  EXPECT_GT(replies.size(), 20u);
  EXPECT_LT(replies.size(), 80u) << "the line cannot carry them all";
  for (const std::vector<uint8_t>& r : replies) EXPECT_EQ(r, whole);
  // And they never push a clock off its cycle.
  const Analysis a = Analyze(run);
  EXPECT_LE(a.division_error_max_ns, 62.5);
  EXPECT_EQ(a.clock_balance, 0);
  EXPECT_TRUE(a.out_valid) << a.out_fault;
  std::printf("[ figures  ] 80 requests on DIN: %zu replies whole, none cut\n", replies.size());
}

// The same over USB: 40 requests, five transfers from the host of 8 each, whose replies
// (6 packets each) overflow the 24-packet queue to the host within one transfer. Each
// request is answered as it ends, whole if the queue has room, or not at all.
TEST(SimSettings, RepliesToTheHostUnderLoadAreWholeOrNotSent) {
  std::string text = "tempo 120 for 8 beats\nusb-out";
  for (int i = 0; i < 40; ++i) text += " F0 7D 63 32 01 F7";
  text += " at 1s\nsilence 1s\n";
  Scenario scenario;
  std::string error;
  ASSERT_TRUE(ParseScenario(text, "test", &scenario, &error)) << error;
  const RunResult run = Play(scenario, {});
  const std::vector<uint8_t> whole = {0xF0, 0x7D, 0x63, 0x32, 0x41, 0x01, 0x01, 0x00, 0x02,
                                      0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0xF7};
  // Every SysEx the host read, whole or not.
  std::vector<std::vector<uint8_t>> sysex;
  for (const UsbPacketIn& p : run.usb.packets) {
    const uint8_t cin = p.b[0] & 0x0F;
    const int n = cin == 4 || cin == 7 ? 3 : cin == 6 ? 2 : cin == 5 ? 1 : 0;
    for (int i = 0; i < n; ++i) {
      if (p.b[1 + i] == 0xF0) sysex.push_back({});
      if (!sysex.empty()) sysex.back().push_back(p.b[1 + i]);
    }
  }
  EXPECT_GT(sysex.size(), 5u);
  for (const std::vector<uint8_t>& r : sysex) EXPECT_EQ(r, whole);
  std::printf("[ figures  ] 40 requests over USB: %zu replies to the host\n", sysex.size());
}

// A reply is ~460 cycles a byte to queue, a get-all ~10,000, and one USB transfer of eight
// requests held the loop 1.6 ms: longer than a clock is booked ahead (512 us). At some
// phases a clock then went late by up to 2.4 ms. The line's wake-ups are served between
// requests and bytes now; these are phases that failed, over DIN and over USB.
TEST(SimSettings, RepliesUnderLoadNeverPushAClockOffItsCycle) {
  std::string din;
  for (int i = 0; i < 80; ++i) din += " F0 7D 63 32 01 F7";
  std::string usb;
  for (int i = 0; i < 40; ++i) usb += " F0 7D 63 32 01 F7";
  std::vector<std::string> texts;
  for (int ms : {501, 503, 509, 513}) {
    texts.push_back("midi" + din + " at " + std::to_string(ms) +
                    "ms\ntempo 120 for 16 beats\nsilence 2s\n");
  }
  for (int ms : {1001, 1007, 1011}) {
    texts.push_back("tempo 120 for 8 beats\nusb-out" + usb + " at " + std::to_string(ms) +
                    "ms\nsilence 1s\n");
  }
  for (const std::string& text : texts) {
    Scenario scenario;
    std::string error;
    ASSERT_TRUE(ParseScenario(text, "load", &scenario, &error)) << error;
    const Analysis a = Analyze(Play(scenario, {}));
    const std::string at = text.substr(text.find(" at "), 11);
    EXPECT_LE(a.division_error_max_ns, 62.5) << (text[0] == 'm' ? "DIN" : "USB") << at;
    EXPECT_LE(a.error_max_ns, 62.5) << (text[0] == 'm' ? "DIN" : "USB") << at;
    EXPECT_EQ(a.clock_balance, 0);
  }
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
