// Settings validation and the EEPROM block layout (version 2):
// [0..1] 'c' '2'  [2] version  [3] ppqn  [4] reset mode  [5] timeout multiple
// [6] flags: bit 0 clocks while stopped, bit 1 auto-start, bit 2 thru, bit 3 on-stop hold
// [7..8] glitch window in us, little-endian  [9..10] tempo in 0.1 BPM, little-endian
// [11] zero  [12..13] CRC-16/CCITT of 0..11
// Version 1 had [9] zero and [10..11] the CRC of 0..9, no tempo and no bit 3.
#include "core/settings.h"

namespace cv2midi {
namespace {

constexpr uint8_t kTag0 = 'c';
constexpr uint8_t kTag1 = '2';

}  // namespace

uint16_t Crc16(const uint8_t* data, size_t size) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < size; ++i) {
    crc = static_cast<uint16_t>(crc ^ (static_cast<uint16_t>(data[i]) << 8));
    for (uint8_t bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

bool SettingsValid(const Settings& s) {
  return ValidPpqn(s.ppqn) &&
         (s.reset_mode == ResetMode::kTrigger || s.reset_mode == ResetMode::kRunGate) &&
         s.timeout_multiple >= 2 && s.timeout_multiple <= 8 && s.glitch_us >= 250 &&
         s.glitch_us <= 4000 && s.tempo_deci_bpm >= kMinTempoDeciBpm &&
         s.tempo_deci_bpm <= kMaxTempoDeciBpm &&
         (s.on_stop == OnStop::kStop || s.on_stop == OnStop::kHold);
}

void EncodeSettings(const Settings& s, uint8_t out[kSettingsBytes]) {
  out[0] = kTag0;
  out[1] = kTag1;
  out[2] = kSettingsVersion;
  out[3] = s.ppqn;
  out[4] = static_cast<uint8_t>(s.reset_mode);
  out[5] = s.timeout_multiple;
  out[6] = static_cast<uint8_t>((s.clocks_while_stopped ? 1 : 0) | (s.auto_start ? 2 : 0) |
                                (s.thru ? 4 : 0) | (s.on_stop == OnStop::kHold ? 8 : 0));
  out[7] = static_cast<uint8_t>(s.glitch_us);
  out[8] = static_cast<uint8_t>(s.glitch_us >> 8);
  out[9] = static_cast<uint8_t>(s.tempo_deci_bpm);
  out[10] = static_cast<uint8_t>(s.tempo_deci_bpm >> 8);
  out[11] = 0;
  const uint16_t crc = Crc16(out, 12);
  out[12] = static_cast<uint8_t>(crc);
  out[13] = static_cast<uint8_t>(crc >> 8);
}

SettingsStatus DecodeSettings(const uint8_t in[kSettingsBytes], Settings* out) {
  *out = Settings();
  bool blank = true;
  for (size_t i = 0; i < kSettingsBytes; ++i) blank = blank && in[i] == 0xFF;
  if (blank) return SettingsStatus::kBlank;
  // Version 1 ends at 12 bytes; version 2 at 14.
  const bool v1 = in[2] == 1;
  const size_t body = v1 ? 10 : 12;
  const uint16_t crc = static_cast<uint16_t>(in[body] | (in[body + 1] << 8));
  const uint8_t flags_allowed = v1 ? 7 : 15;
  if (in[0] != kTag0 || in[1] != kTag1 || (!v1 && in[2] != kSettingsVersion) ||
      in[body - 1] != 0 || crc != Crc16(in, body) || in[4] > 1 ||
      (in[6] & ~flags_allowed) != 0) {
    return SettingsStatus::kCorrupt;
  }
  Settings s;
  if (!v1) {
    s.tempo_deci_bpm = static_cast<uint16_t>(in[9] | (in[10] << 8));
    s.on_stop = (in[6] & 8) != 0 ? OnStop::kHold : OnStop::kStop;
  }
  s.ppqn = in[3];
  s.reset_mode = static_cast<ResetMode>(in[4]);
  s.timeout_multiple = in[5];
  s.clocks_while_stopped = (in[6] & 1) != 0;
  s.auto_start = (in[6] & 2) != 0;
  s.thru = (in[6] & 4) != 0;
  s.glitch_us = static_cast<uint16_t>(in[7] | (in[8] << 8));
  if (!SettingsValid(s)) return SettingsStatus::kCorrupt;
  *out = s;
  return SettingsStatus::kOk;
}

EngineSettings ToEngineSettings(const Settings& s, uint32_t latency_ticks) {
  EngineSettings e;
  e.ppqn = s.ppqn;
  e.timeout_multiple = s.timeout_multiple;
  e.clocks_while_stopped = s.clocks_while_stopped;
  e.auto_start = s.auto_start;
  e.reset_mode = s.reset_mode;
  e.glitch_ticks = static_cast<uint32_t>(s.glitch_us) * kTicksPerUs;
  e.latency_ticks = latency_ticks;
  e.tempo_deci_bpm = s.tempo_deci_bpm;
  e.hold = s.on_stop == OnStop::kHold;
  return e;
}

}  // namespace cv2midi
