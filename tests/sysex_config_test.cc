#include "core/sysex_config.h"

#include <gtest/gtest.h>

#include <vector>

namespace cv2midi {
namespace sysex {
namespace {

std::vector<uint8_t> Ask(std::vector<uint8_t> request, Settings* s, bool* changed,
                         SettingsStatus status = SettingsStatus::kOk) {
  uint8_t reply[kMaxReply];
  const size_t n = Handle(request.data(), request.size(), status, s, changed, reply);
  return std::vector<uint8_t>(reply, reply + n);
}

TEST(SysexConfig, GetAllReportsEverySettingAndTheBootStatus) {
  Settings s;
  bool changed;
  const auto r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x01, 0xF7}, &s, &changed, SettingsStatus::kCorrupt);
  EXPECT_EQ(r, (std::vector<uint8_t>{0xF0, 0x7D, 0x63, 0x32, 0x41, 2, 1, 0, 2, 1, 1, 1,
                                     1000 & 0x7F, 1000 >> 7, 1200 & 0x7F, 1200 >> 7, 0,
                                     0, 0, 0, 0, 0, 0xF7}));
  EXPECT_EQ(r.size(), kAllReplyBytes);
  EXPECT_FALSE(changed);
  Reply d;
  ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
  EXPECT_EQ(d.code, kAll);
  EXPECT_EQ(d.status, SettingsStatus::kCorrupt);
  EXPECT_EQ(d.settings.glitch_us, 1000);
}

TEST(SysexConfig, EveryInputPpqnIsTakenAndNoOther) {
  for (int p = 0; p < 128; ++p) {
    Settings s;
    bool changed = false;
    uint8_t req[kMaxMessage];
    const size_t n = EncodeSet(kPpqn, static_cast<uint16_t>(p), req);
    const auto r = Ask(std::vector<uint8_t>(req, req + n), &s, &changed);
    Reply d;
    ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
    const bool valid = p == 1 || p == 2 || p == 3 || p == 4 || p == 6 || p == 8 || p == 12 ||
                       p == 24 || p == 48 || p == 96;
    EXPECT_EQ(changed, valid) << p;
    EXPECT_EQ(d.code, valid ? kAll : kNak) << p;
    EXPECT_EQ(s.ppqn, valid ? p : 1) << p;
    if (valid) {
      EXPECT_EQ(d.settings.ppqn, p);
    }
  }
}

TEST(SysexConfig, SetOneChangesOnlyThatAndRepliesWithAll) {
  Settings s;
  bool changed;
  uint8_t req[kMaxMessage];
  const size_t n = EncodeSet(kPpqn, 4, req);
  EXPECT_EQ(std::vector<uint8_t>(req, req + n),
            (std::vector<uint8_t>{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x04, 0xF7}));
  const auto r = Ask(std::vector<uint8_t>(req, req + n), &s, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(s.ppqn, 4);
  Reply d;
  ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
  EXPECT_EQ(d.settings.ppqn, 4);
  EXPECT_EQ(d.settings.timeout_multiple, 2);
  // Every parameter, and the two-byte glitch window.
  const std::pair<Param, uint16_t> sets[] = {{kResetMode, 1}, {kTimeout, 6},
                                             {kClocksWhileStopped, 0}, {kAutoStart, 0},
                                             {kThru, 0}, {kGlitchUs, 3500},
                                             {kTempo, 1285}, {kOnStop, 1}};
  for (const auto& p : sets) {
    const size_t m = EncodeSet(p.first, p.second, req);
    Ask(std::vector<uint8_t>(req, req + m), &s, &changed);
    EXPECT_TRUE(changed) << +p.first;
  }
  EXPECT_EQ(s.reset_mode, ResetMode::kRunGate);
  EXPECT_EQ(s.timeout_multiple, 6);
  EXPECT_FALSE(s.clocks_while_stopped);
  EXPECT_FALSE(s.auto_start);
  EXPECT_FALSE(s.thru);
  EXPECT_EQ(s.glitch_us, 3500);
  EXPECT_EQ(s.tempo_deci_bpm, 1285);
  EXPECT_EQ(s.on_stop, OnStop::kHold);
  const size_t m = EncodeSet(kTempo, 1285, req);
  EXPECT_EQ(std::vector<uint8_t>(req, req + m),
            (std::vector<uint8_t>{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x08, 1285 & 0x7F, 1285 >> 7, 0xF7}));
  const auto r2 = Ask(std::vector<uint8_t>(req, req + m), &s, &changed);
  ASSERT_TRUE(DecodeReply(r2.data(), r2.size(), &d));
  EXPECT_EQ(d.settings.tempo_deci_bpm, 1285);
  EXPECT_EQ(d.settings.on_stop, OnStop::kHold);
}

TEST(SysexConfig, TempoOutsideTwentyToThreeHundredIsRefused) {
  Settings s;
  bool changed;
  uint8_t req[kMaxMessage];
  for (uint16_t deci : {199, 3001, 0}) {
    const size_t n = EncodeSet(kTempo, deci, req);
    const auto r = Ask(std::vector<uint8_t>(req, req + n), &s, &changed);
    Reply d;
    ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
    EXPECT_EQ(d.code, kNak) << deci;
    EXPECT_EQ(d.nak_reason, kBadValue) << deci;
    EXPECT_FALSE(changed);
  }
  for (uint16_t deci : {200, 3000}) {
    const size_t n = EncodeSet(kTempo, deci, req);
    Ask(std::vector<uint8_t>(req, req + n), &s, &changed);
    EXPECT_TRUE(changed) << deci;
    EXPECT_EQ(s.tempo_deci_bpm, deci);
  }
}

// A shift goes as its count of 10 us steps in 14-bit two's complement, lo7 hi7.
TEST(SysexConfig, ShiftsAreFourteenBitTwosComplement) {
  const struct {
    int16_t steps;
    uint8_t lo, hi;
  } golden[] = {{0, 0x00, 0x00},     {1, 0x01, 0x00},     {-1, 0x7F, 0x7F},
                {-800, 0x60, 0x79},  {250, 0x7A, 0x01},   {2000, 0x50, 0x0F},
                {-2000, 0x30, 0x70}, {8191, 0x7F, 0x3F},  {-8192, 0x00, 0x40}};
  for (const auto& g : golden) {
    uint8_t b[2];
    EncodeShift(g.steps, b);
    EXPECT_EQ(b[0], g.lo) << g.steps;
    EXPECT_EQ(b[1], g.hi) << g.steps;
    EXPECT_EQ(DecodeShift(g.lo, g.hi), g.steps);
    // The set request carries the same two bytes.
    uint8_t req[kMaxMessage];
    const size_t n = EncodeSet(kDinShift, static_cast<uint16_t>(g.steps), req);
    EXPECT_EQ(std::vector<uint8_t>(req, req + n),
              (std::vector<uint8_t>{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0A, g.lo, g.hi, 0xF7}));
  }
}

TEST(SysexConfig, ShiftsAndSmoothAreSetAndReadBackInGetAll) {
  Settings s;
  bool changed;
  // DIN -8 ms, USB +2.5 ms, smooth 2.
  auto r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0A, 0x60, 0x79, 0xF7}, &s, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(s.din_shift_10us, -800);
  r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0B, 0x7A, 0x01, 0xF7}, &s, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(s.usb_shift_10us, 250);
  r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0C, 0x02, 0xF7}, &s, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(s.smooth, 2);
  ASSERT_EQ(r.size(), kAllReplyBytes);
  EXPECT_EQ(std::vector<uint8_t>(r.begin() + 17, r.end()),
            (std::vector<uint8_t>{0x60, 0x79, 0x7A, 0x01, 0x02, 0xF7}));
  Reply d;
  ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
  EXPECT_EQ(d.settings.din_shift_10us, -800);
  EXPECT_EQ(d.settings.usb_shift_10us, 250);
  EXPECT_EQ(d.settings.smooth, 2);
  // The other settings are untouched.
  EXPECT_EQ(d.settings.tempo_deci_bpm, 1200);
  EXPECT_EQ(d.settings.ppqn, 1);
  // Smooth off again.
  r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0C, 0x00, 0xF7}, &s, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(s.smooth, 0);
}

TEST(SysexConfig, ShiftsBeyondTwentyMsAndSmoothOverThreeAreRefused) {
  uint8_t req[kMaxMessage];
  for (Param p : {kDinShift, kUsbShift}) {
    // The boundaries are taken.
    for (int16_t steps : {-2000, 2000, -1, 0}) {
      Settings s;
      bool changed;
      const size_t n = EncodeSet(p, static_cast<uint16_t>(steps), req);
      const auto r = Ask(std::vector<uint8_t>(req, req + n), &s, &changed);
      Reply d;
      ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
      EXPECT_EQ(d.code, kAll) << steps;
      EXPECT_TRUE(changed);
      EXPECT_EQ(p == kDinShift ? d.settings.din_shift_10us : d.settings.usb_shift_10us, steps);
    }
    // One step past them, and the far ends of the 14-bit range, are not.
    for (int16_t steps : {-2001, 2001, 8191, -8192}) {
      Settings s;
      s.din_shift_10us = 5;
      s.usb_shift_10us = -5;
      bool changed = true;
      const size_t n = EncodeSet(p, static_cast<uint16_t>(steps), req);
      const auto r = Ask(std::vector<uint8_t>(req, req + n), &s, &changed);
      Reply d;
      ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
      EXPECT_EQ(d.code, kNak) << steps;
      EXPECT_EQ(d.nak_reason, kBadValue) << steps;
      EXPECT_FALSE(changed);
      EXPECT_EQ(s.din_shift_10us, 5);
      EXPECT_EQ(s.usb_shift_10us, -5);
    }
    // A shift takes two bytes.
    Settings s;
    bool changed = true;
    const auto r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, p, 0x10, 0xF7}, &s, &changed);
    Reply d;
    ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
    EXPECT_EQ(d.nak_reason, kBadLength);
    EXPECT_FALSE(changed);
  }
  for (uint8_t v : {4, 0x7F}) {
    Settings s;
    bool changed = true;
    const auto r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0C, v, 0xF7}, &s, &changed);
    Reply d;
    ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
    EXPECT_EQ(d.nak_reason, kBadValue) << +v;
    EXPECT_FALSE(changed);
  }
  Settings s;
  bool changed = true;
  const auto r = Ask({0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0C, 0x01, 0x00, 0xF7}, &s, &changed);
  Reply d;
  ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
  EXPECT_EQ(d.nak_reason, kBadLength) << "smooth takes one byte";
  EXPECT_FALSE(changed);
}

// A get-all reply whose shift or smooth is out of range, or of the old 18-byte form, is not
// a reply the tools take.
TEST(SysexConfig, AGetAllReplyWithABadShiftOrTheOldLengthIsRefused) {
  Settings s;
  bool changed;
  const std::vector<uint8_t> good = Ask({0xF0, 0x7D, 0x63, 0x32, 0x01, 0xF7}, &s, &changed);
  Reply d;
  ASSERT_TRUE(DecodeReply(good.data(), good.size(), &d));
  std::vector<uint8_t> bad = good;
  bad[17] = 0x51;  // DIN 2001 steps
  bad[18] = 0x0F;
  EXPECT_FALSE(DecodeReply(bad.data(), bad.size(), &d));
  bad = good;
  bad[19] = 0x2F;  // USB -2001 steps
  bad[20] = 0x70;
  EXPECT_FALSE(DecodeReply(bad.data(), bad.size(), &d));
  bad = good;
  bad[21] = 4;
  EXPECT_FALSE(DecodeReply(bad.data(), bad.size(), &d));
  std::vector<uint8_t> old(good.begin(), good.begin() + 17);
  old.push_back(0xF7);
  EXPECT_FALSE(DecodeReply(old.data(), old.size(), &d));
}

TEST(SysexConfig, StatusRepliesWithSourceTempoPositionAndCounters) {
  Status st;
  st.source = ClockSourceCode::kExternal;
  st.running = true;
  st.tempo_centi_bpm = 13330;  // 133.30 BPM
  st.ppqn = 4;
  st.song_position = 300;
  st.edges = 0x0FEDCBA9;
  st.glitches = 1;
  st.bursts = 2;
  st.timeouts = 3;
  st.merged_dropped = 4;
  st.usb_dropped = 5;
  st.unearned = 6;
  st.relocks = 200;  // two 7-bit groups
  Settings s;
  bool changed;
  uint8_t reply[kMaxReply];
  const uint8_t req[] = {0xF0, 0x7D, 0x63, 0x32, 0x05, 0xF7};
  const size_t n = Handle(req, sizeof(req), SettingsStatus::kOk, &s, &changed, reply, &st);
  EXPECT_FALSE(changed);
  const std::vector<uint8_t> bytes(reply, reply + n);
  EXPECT_EQ(bytes, (std::vector<uint8_t>{
                       0xF0, 0x7D, 0x63, 0x32, 0x45, 1, 1,
                       13330 & 0x7F, (13330 >> 7) & 0x7F, 0, 4,  // tempo, ppqn
                       300 & 0x7F, 300 >> 7, 0,                  // position
                       0x29, 0x17, 0x37, 0x7F,                   // 0x0FEDCBA9 in 7-bit groups
                       1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0,
                       6, 0, 0, 0, 200 & 0x7F, 1, 0, 0, 0xF7}));
  Reply d;
  ASSERT_TRUE(DecodeReply(bytes.data(), bytes.size(), &d));
  EXPECT_EQ(d.code, kStatusReply);
  EXPECT_EQ(d.status_reply.source, ClockSourceCode::kExternal);
  EXPECT_TRUE(d.status_reply.running);
  EXPECT_EQ(d.status_reply.tempo_centi_bpm, 13330u);
  EXPECT_EQ(d.status_reply.ppqn, 4);
  EXPECT_EQ(d.status_reply.song_position, 300u);
  EXPECT_EQ(d.status_reply.edges, 0x0FEDCBA9u);
  EXPECT_EQ(d.status_reply.usb_dropped, 5u);
  EXPECT_EQ(d.status_reply.unearned, 6u);
  EXPECT_EQ(d.status_reply.relocks, 200u);
  // Without a status to give, and with an argument, a NAK.
  size_t m = Handle(req, sizeof(req), SettingsStatus::kOk, &s, &changed, reply);
  ASSERT_TRUE(DecodeReply(reply, m, &d));
  EXPECT_EQ(d.code, kNak);
  EXPECT_EQ(d.nak_reason, kUnknownCommand);
  const uint8_t longer[] = {0xF0, 0x7D, 0x63, 0x32, 0x05, 0x00, 0xF7};
  m = Handle(longer, sizeof(longer), SettingsStatus::kOk, &s, &changed, reply, &st);
  ASSERT_TRUE(DecodeReply(reply, m, &d));
  EXPECT_EQ(d.nak_reason, kBadLength);
  // A reply one byte short, or with source 4, is no reply.
  EXPECT_FALSE(DecodeReply(bytes.data(), bytes.size() - 2, &d));
  std::vector<uint8_t> bad = bytes;
  bad[5] = 4;
  EXPECT_FALSE(DecodeReply(bad.data(), bad.size(), &d));
}

TEST(SysexConfig, RestoreDefaultsAndIdentity) {
  Settings s;
  s.ppqn = 8;
  bool changed;
  Ask({0xF0, 0x7D, 0x63, 0x32, 0x03, 0xF7}, &s, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(s.ppqn, 1);
  const auto id = Ask({0xF0, 0x7D, 0x63, 0x32, 0x04, 0xF7}, &s, &changed);
  EXPECT_FALSE(changed);
  Reply d;
  ASSERT_TRUE(DecodeReply(id.data(), id.size(), &d));
  EXPECT_EQ(d.code, kIdentityReply);
  EXPECT_EQ(d.version[1], kVersion[1]);
  EXPECT_EQ(std::string(id.begin() + 8, id.end() - 1), "cv2midi");
}

TEST(SysexConfig, MalformedOrUnknownRequestsGetANakAndChangeNothing) {
  struct Case {
    std::vector<uint8_t> request;
    uint8_t reason;
  };
  const Case cases[] = {
      {{0xF0, 0x7D, 0x63, 0x32, 0x09, 0xF7}, kUnknownCommand},
      {{0xF0, 0x7D, 0x63, 0x32, 0x01, 0x00, 0xF7}, kBadLength},
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0xF7}, kBadLength},
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x05, 0xF7}, kBadValue},      // PPQN 5
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x07, 0xF7}, kBadValue},      // PPQN 7
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x61, 0xF7}, kBadValue},      // PPQN 97
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x00, 0xF7}, kBadValue},      // PPQN 0
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x03, 0x09, 0xF7}, kBadValue},      // timeout 9
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x07, 0x10, 0x00, 0xF7}, kBadValue},  // 16 us glitch
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x05, 0x02, 0xF7}, kBadValue},      // auto-start 2
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x2A, 0x01, 0xF7}, kUnknownParam},
      {{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x0D, 0x01, 0xF7}, kUnknownParam},  // after smooth
      {{0xF0, 0x7D, 0x63, 0x32, 0xF7}, kBadLength},
      {{0xF0, 0x7D, 0x63, 0x32, 0x03, 0x00, 0xF7}, kBadLength},
  };
  for (const Case& c : cases) {
    Settings s;
    bool changed = true;
    const auto r = Ask(c.request, &s, &changed);
    Reply d;
    ASSERT_TRUE(DecodeReply(r.data(), r.size(), &d));
    EXPECT_EQ(d.code, kNak);
    EXPECT_EQ(d.nak_reason, c.reason) << "request byte 4: " << std::hex << +c.request[4];
    EXPECT_FALSE(changed);
    EXPECT_EQ(s.ppqn, 1);
  }
}

}  // namespace
}  // namespace sysex
}  // namespace cv2midi
