#include "core/settings.h"

#include <gtest/gtest.h>

namespace cv2midi {
namespace {

Settings NonDefault() {
  Settings s;
  s.ppqn = 4;
  s.reset_mode = ResetMode::kRunGate;
  s.timeout_multiple = 5;
  s.clocks_while_stopped = false;
  s.auto_start = false;
  s.thru = false;
  s.glitch_us = 2500;
  s.tempo_deci_bpm = 1333;
  s.on_stop = OnStop::kHold;
  s.din_shift_10us = -800;
  s.usb_shift_10us = 250;
  s.smooth = 2;
  return s;
}

TEST(Settings, RoundTripsThroughTheEepromBlock) {
  uint8_t block[kSettingsBytes];
  EncodeSettings(NonDefault(), block);
  Settings back;
  ASSERT_EQ(DecodeSettings(block, &back), SettingsStatus::kOk);
  EXPECT_EQ(back.ppqn, 4);
  EXPECT_EQ(back.reset_mode, ResetMode::kRunGate);
  EXPECT_EQ(back.timeout_multiple, 5);
  EXPECT_FALSE(back.clocks_while_stopped);
  EXPECT_FALSE(back.auto_start);
  EXPECT_FALSE(back.thru);
  EXPECT_EQ(back.glitch_us, 2500);
  EXPECT_EQ(back.tempo_deci_bpm, 1333);
  EXPECT_EQ(back.on_stop, OnStop::kHold);
  EXPECT_EQ(back.din_shift_10us, -800);
  EXPECT_EQ(back.usb_shift_10us, 250);
  EXPECT_EQ(back.smooth, 2);
}

// The shifts are signed 16-bit little-endian at 11..12 and 13..14, smooth at 15; the
// extremes of each range survive the round trip.
TEST(Settings, ShiftsAndSmoothSitWhereTheLayoutSays) {
  Settings s;
  s.din_shift_10us = -2000;  // 0xF830
  s.usb_shift_10us = 2000;   // 0x07D0
  s.smooth = 3;
  uint8_t block[kSettingsBytes];
  EncodeSettings(s, block);
  EXPECT_EQ(block[2], 3);
  EXPECT_EQ(block[11], 0x30);
  EXPECT_EQ(block[12], 0xF8);
  EXPECT_EQ(block[13], 0xD0);
  EXPECT_EQ(block[14], 0x07);
  EXPECT_EQ(block[15], 3);
  EXPECT_EQ(block[16], 0);
  const uint16_t crc = Crc16(block, 17);
  EXPECT_EQ(block[17], static_cast<uint8_t>(crc));
  EXPECT_EQ(block[18], static_cast<uint8_t>(crc >> 8));
  Settings back;
  ASSERT_EQ(DecodeSettings(block, &back), SettingsStatus::kOk);
  EXPECT_EQ(back.din_shift_10us, -2000);
  EXPECT_EQ(back.usb_shift_10us, 2000);
  EXPECT_EQ(back.smooth, 3);
}

// A block written by firmware 0.6 (layout version 2, 14 bytes, then erased EEPROM): its
// settings load, the shifts and smooth take their defaults.
TEST(Settings, AVersionTwoBlockStillLoads) {
  uint8_t block[kSettingsBytes];
  for (uint8_t& b : block) b = 0xFF;
  // ppqn 4, gate, timeout 5, auto-start and thru off, clocks while stopped on, on-stop hold,
  // glitch 2500 us, tempo 133.3 BPM.
  const uint8_t v2[12] = {'c', '2', 2, 4, 1, 5, 0x09, 0xC4, 0x09, 0x35, 0x05, 0};
  for (size_t i = 0; i < 12; ++i) block[i] = v2[i];
  const uint16_t crc = Crc16(block, 12);
  block[12] = static_cast<uint8_t>(crc);
  block[13] = static_cast<uint8_t>(crc >> 8);
  Settings s = NonDefault();
  ASSERT_EQ(DecodeSettings(block, &s), SettingsStatus::kOk);
  EXPECT_EQ(s.ppqn, 4);
  EXPECT_EQ(s.reset_mode, ResetMode::kRunGate);
  EXPECT_EQ(s.timeout_multiple, 5);
  EXPECT_TRUE(s.clocks_while_stopped);
  EXPECT_FALSE(s.auto_start);
  EXPECT_FALSE(s.thru);
  EXPECT_EQ(s.glitch_us, 2500);
  EXPECT_EQ(s.tempo_deci_bpm, 1333);
  EXPECT_EQ(s.on_stop, OnStop::kHold);
  EXPECT_EQ(s.din_shift_10us, 0);
  EXPECT_EQ(s.usb_shift_10us, 0);
  EXPECT_EQ(s.smooth, 0);
  // Whatever the erased bytes after it hold, a version 2 block is read as 14 bytes.
  for (size_t i = 14; i < kSettingsBytes; ++i) block[i] = 0x00;
  ASSERT_EQ(DecodeSettings(block, &s), SettingsStatus::kOk);
  EXPECT_EQ(s.din_shift_10us, 0);
  // A flipped CRC bit, or the version byte saying 3 with the same bytes, is corrupt.
  block[12] ^= 1;
  EXPECT_EQ(DecodeSettings(block, &s), SettingsStatus::kCorrupt);
  block[12] ^= 1;
  block[2] = 3;
  EXPECT_EQ(DecodeSettings(block, &s), SettingsStatus::kCorrupt);
  EXPECT_EQ(s.ppqn, 1);
}

// Version 0 and versions after 3 are not ours to read.
TEST(Settings, AnUnknownLayoutVersionIsCorrupt) {
  for (uint8_t version : {0, 4, 0x7F}) {
    uint8_t block[kSettingsBytes];
    EncodeSettings(NonDefault(), block);
    block[2] = version;
    const uint16_t crc = Crc16(block, 17);
    block[17] = static_cast<uint8_t>(crc);
    block[18] = static_cast<uint8_t>(crc >> 8);
    Settings s;
    EXPECT_EQ(DecodeSettings(block, &s), SettingsStatus::kCorrupt) << +version;
    EXPECT_EQ(s.ppqn, 1);
  }
}

// A block written by firmware 0.5 (layout version 1, 12 bytes, then erased EEPROM): its
// settings load, the tempo and on-stop take their defaults.
TEST(Settings, AVersionOneBlockStillLoads) {
  uint8_t block[kSettingsBytes];
  const uint8_t v1[10] = {'c', '2', 1, 4, 1, 5, 0x02, 0xC4, 0x09, 0};
  for (size_t i = 0; i < 10; ++i) block[i] = v1[i];
  const uint16_t crc = Crc16(block, 10);
  block[10] = static_cast<uint8_t>(crc);
  block[11] = static_cast<uint8_t>(crc >> 8);
  for (size_t i = 12; i < kSettingsBytes; ++i) block[i] = 0xFF;
  Settings s = NonDefault();
  ASSERT_EQ(DecodeSettings(block, &s), SettingsStatus::kOk);
  EXPECT_EQ(s.ppqn, 4);
  EXPECT_EQ(s.reset_mode, ResetMode::kRunGate);
  EXPECT_EQ(s.timeout_multiple, 5);
  EXPECT_FALSE(s.clocks_while_stopped);
  EXPECT_TRUE(s.auto_start);
  EXPECT_EQ(s.glitch_us, 2500);
  EXPECT_EQ(s.tempo_deci_bpm, 1200);
  EXPECT_EQ(s.on_stop, OnStop::kStop);
  EXPECT_EQ(s.din_shift_10us, 0);
  EXPECT_EQ(s.usb_shift_10us, 0);
  EXPECT_EQ(s.smooth, 0);
  // The same block with a flipped CRC bit, or with version 2's on-stop bit, is corrupt.
  block[10] ^= 1;
  EXPECT_EQ(DecodeSettings(block, &s), SettingsStatus::kCorrupt);
  block[10] ^= 1;
  block[6] |= 8;
  const uint16_t crc8 = Crc16(block, 10);
  block[10] = static_cast<uint8_t>(crc8);
  block[11] = static_cast<uint8_t>(crc8 >> 8);
  EXPECT_EQ(DecodeSettings(block, &s), SettingsStatus::kCorrupt);
  EXPECT_EQ(s.ppqn, 1);
}

TEST(Settings, BlankEepromGivesTheDefaults) {
  uint8_t block[kSettingsBytes];
  for (uint8_t& b : block) b = 0xFF;
  Settings s = NonDefault();
  EXPECT_EQ(DecodeSettings(block, &s), SettingsStatus::kBlank);
  EXPECT_EQ(s.ppqn, 1);
  EXPECT_TRUE(s.auto_start);
}

TEST(Settings, EverySingleBitFlipIsCaughtAndGivesTheDefaults) {
  uint8_t good[kSettingsBytes];
  EncodeSettings(NonDefault(), good);
  for (size_t byte = 0; byte < kSettingsBytes; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      uint8_t bad[kSettingsBytes];
      for (size_t i = 0; i < kSettingsBytes; ++i) bad[i] = good[i];
      bad[byte] ^= static_cast<uint8_t>(1 << bit);
      Settings s;
      EXPECT_EQ(DecodeSettings(bad, &s), SettingsStatus::kCorrupt) << byte << ":" << bit;
      EXPECT_EQ(s.ppqn, 1);
    }
  }
}

TEST(Settings, EveryInputPpqnRoundTripsInTheSameLayout) {
  for (uint8_t p : {1, 2, 3, 4, 6, 8, 12, 24, 48, 96}) {
    Settings s;
    s.ppqn = p;
    EXPECT_TRUE(SettingsValid(s)) << +p;
    uint8_t block[kSettingsBytes];
    EncodeSettings(s, block);
    EXPECT_EQ(block[2], kSettingsVersion) << "the same layout holds every PPQN";
    EXPECT_EQ(block[3], p);
    Settings back;
    EXPECT_EQ(DecodeSettings(block, &back), SettingsStatus::kOk) << +p;
    EXPECT_EQ(back.ppqn, p);
    EXPECT_EQ(ToEngineSettings(back, 256).ppqn, p);
  }
}

TEST(Settings, OutOfRangeValuesWithAValidCrcAreRejected) {
  for (uint8_t bad : {0, 5, 7, 16, 25, 47, 49, 95, 97, 192, 255}) {
    Settings s;
    s.ppqn = bad;
    EXPECT_FALSE(SettingsValid(s)) << +bad;
    uint8_t block[kSettingsBytes];
    EncodeSettings(s, block);
    Settings back;
    EXPECT_EQ(DecodeSettings(block, &back), SettingsStatus::kCorrupt) << +bad;
    EXPECT_EQ(back.ppqn, 1);
  }
  Settings s;
  s.glitch_us = 100;
  EXPECT_FALSE(SettingsValid(s));
  s = Settings();
  s.timeout_multiple = 9;
  EXPECT_FALSE(SettingsValid(s));
  s = Settings();
  s.tempo_deci_bpm = 199;
  EXPECT_FALSE(SettingsValid(s));
  s.tempo_deci_bpm = 3001;
  EXPECT_FALSE(SettingsValid(s));
  s.tempo_deci_bpm = 3000;
  EXPECT_TRUE(SettingsValid(s));
  for (int16_t v : {-2001, 2001, -32768, 32767}) {
    s = Settings();
    s.din_shift_10us = v;
    EXPECT_FALSE(SettingsValid(s)) << v;
    s = Settings();
    s.usb_shift_10us = v;
    EXPECT_FALSE(SettingsValid(s)) << v;
  }
  for (int16_t v : {-2000, 2000}) {
    s = Settings();
    s.din_shift_10us = v;
    s.usb_shift_10us = v;
    EXPECT_TRUE(SettingsValid(s)) << v;
  }
  s = Settings();
  s.smooth = 4;
  EXPECT_FALSE(SettingsValid(s));
  s.smooth = 3;
  EXPECT_TRUE(SettingsValid(s));
}

// A version 3 block with a good CRC but a shift or smooth out of range gives the defaults.
TEST(Settings, AShiftOrSmoothOutOfRangeInTheBlockIsCorrupt) {
  struct Bad {
    int16_t din, usb;
    uint8_t smooth;
  };
  for (const Bad& b : {Bad{2001, 0, 0}, Bad{0, -2001, 0}, Bad{0, 0, 4}, Bad{-32768, 0, 0}}) {
    Settings s = NonDefault();
    s.din_shift_10us = b.din;
    s.usb_shift_10us = b.usb;
    s.smooth = b.smooth;
    uint8_t block[kSettingsBytes];
    EncodeSettings(s, block);
    Settings back;
    EXPECT_EQ(DecodeSettings(block, &back), SettingsStatus::kCorrupt) << b.din << " " << b.usb;
    EXPECT_EQ(back.ppqn, 1);
    EXPECT_EQ(back.din_shift_10us, 0);
    EXPECT_EQ(back.usb_shift_10us, 0);
    EXPECT_EQ(back.smooth, 0);
  }
}

TEST(Settings, EngineSettingsCarryTheGlitchWindowInTicks) {
  const EngineSettings e = ToEngineSettings(NonDefault(), 160);
  EXPECT_EQ(e.glitch_ticks, 2500u * 16);
  EXPECT_EQ(e.latency_ticks, 160u);
  EXPECT_EQ(e.ppqn, 4);
}

// At 48 and 96 PPQN a negative shift is not applied, to the engine or to the delay the
// later output follows it by (regress-31: USB at -8 ms delayed an unshifted DIN by 8 ms).
TEST(Settings, ANegativeShiftAt48And96PpqnIsNotAppliedAnywhere) {
  for (const uint8_t ppqn : {48, 96}) {
    Settings s;
    s.ppqn = ppqn;
    s.usb_shift_10us = -800;
    EXPECT_EQ(ToEngineSettings(s, 256).shift_ticks, 0);
    EXPECT_EQ(ToOutputDelays(s).din, 0u);
    EXPECT_EQ(ToOutputDelays(s).usb, 0u);
    s.din_shift_10us = 300;  // a positive one still is: USB leads DIN by it
    EXPECT_EQ(ToEngineSettings(s, 256).shift_ticks, 0);
    EXPECT_EQ(ToOutputDelays(s).din, 300u * 160);
    EXPECT_EQ(ToOutputDelays(s).usb, 0u);
  }
  Settings s;  // at 24 PPQN it is
  s.ppqn = 24;
  s.usb_shift_10us = -800;
  EXPECT_EQ(ToEngineSettings(s, 256).shift_ticks, -800 * 160);
  EXPECT_EQ(ToOutputDelays(s).din, 800u * 160);
}

}  // namespace
}  // namespace cv2midi
