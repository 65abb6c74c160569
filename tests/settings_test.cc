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

TEST(Settings, OutOfRangeValuesWithAValidCrcAreRejected) {
  Settings s;
  s.ppqn = 3;
  EXPECT_FALSE(SettingsValid(s));
  uint8_t block[kSettingsBytes];
  EncodeSettings(s, block);
  Settings back;
  EXPECT_EQ(DecodeSettings(block, &back), SettingsStatus::kCorrupt);
  EXPECT_EQ(back.ppqn, 1);
  s = Settings();
  s.glitch_us = 100;
  EXPECT_FALSE(SettingsValid(s));
  s = Settings();
  s.timeout_multiple = 9;
  EXPECT_FALSE(SettingsValid(s));
}

TEST(Settings, EngineSettingsCarryTheGlitchWindowInTicks) {
  const EngineSettings e = ToEngineSettings(NonDefault(), 160);
  EXPECT_EQ(e.glitch_ticks, 2500u * 16);
  EXPECT_EQ(e.latency_ticks, 160u);
  EXPECT_EQ(e.ppqn, 4);
}

}  // namespace
}  // namespace cv2midi
