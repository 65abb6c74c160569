// Settings validation and the EEPROM block layout (version 3, 19 bytes):
// [0..1] 'c' '2'  [2] version  [3] ppqn  [4] reset mode  [5] timeout multiple
// [6] flags: bit 0 clocks while stopped, bit 1 auto-start, bit 2 thru, bit 3 on-stop hold
// [7..8] glitch window in us, little-endian  [9..10] tempo in 0.1 BPM, little-endian
// [11..12] DIN shift, [13..14] USB shift: 10 us steps, signed 16-bit, little-endian
// [15] smooth  [16] zero  [17..18] CRC-16/CCITT of 0..16
// Version 2 (14 bytes) ended at [11] zero and [12..13] the CRC of 0..11, no shifts and no
// smooth. Version 1 (12 bytes) had [9] zero and [10..11] the CRC of 0..9, no tempo and no
// bit 3. Both still load, with the fields they lack at their defaults.
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
         (s.on_stop == OnStop::kStop || s.on_stop == OnStop::kHold) &&
         s.din_shift_10us >= -kMaxShift10us && s.din_shift_10us <= kMaxShift10us &&
         s.usb_shift_10us >= -kMaxShift10us && s.usb_shift_10us <= kMaxShift10us &&
         s.smooth <= kMaxSmooth;
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
  const uint16_t din = static_cast<uint16_t>(s.din_shift_10us);
  const uint16_t usb = static_cast<uint16_t>(s.usb_shift_10us);
  out[11] = static_cast<uint8_t>(din);
  out[12] = static_cast<uint8_t>(din >> 8);
  out[13] = static_cast<uint8_t>(usb);
  out[14] = static_cast<uint8_t>(usb >> 8);
  out[15] = s.smooth;
  out[16] = 0;
  const uint16_t crc = Crc16(out, 17);
  out[17] = static_cast<uint8_t>(crc);
  out[18] = static_cast<uint8_t>(crc >> 8);
}

SettingsStatus DecodeSettings(const uint8_t in[kSettingsBytes], Settings* out) {
  *out = Settings();
  bool blank = true;
  for (size_t i = 0; i < kSettingsBytes; ++i) blank = blank && in[i] == 0xFF;
  if (blank) return SettingsStatus::kBlank;
  // Version 1 ends at 12 bytes, version 2 at 14, version 3 at 19: the CRC follows the body.
  const uint8_t version = in[2];
  if (version < 1 || version > kSettingsVersion) return SettingsStatus::kCorrupt;
  const size_t body = version == 1 ? 10 : version == 2 ? 12 : 17;
  const uint16_t crc = static_cast<uint16_t>(in[body] | (in[body + 1] << 8));
  const uint8_t flags_allowed = version == 1 ? 7 : 15;
  if (in[0] != kTag0 || in[1] != kTag1 || in[body - 1] != 0 || crc != Crc16(in, body) ||
      in[4] > 1 || (in[6] & ~flags_allowed) != 0) {
    return SettingsStatus::kCorrupt;
  }
  Settings s;
  if (version >= 2) {
    s.tempo_deci_bpm = static_cast<uint16_t>(in[9] | (in[10] << 8));
    s.on_stop = (in[6] & 8) != 0 ? OnStop::kHold : OnStop::kStop;
  }
  if (version >= 3) {
    s.din_shift_10us = static_cast<int16_t>(static_cast<uint16_t>(in[11] | (in[12] << 8)));
    s.usb_shift_10us = static_cast<int16_t>(static_cast<uint16_t>(in[13] | (in[14] << 8)));
    s.smooth = in[15];
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

int16_t AppliedShift10us(const Settings& s, int16_t shift) {
  return s.ppqn > 24 && shift < 0 ? 0 : shift;
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
  // The engine runs at the earlier output's shift; the later one is delayed from it
  // (ToOutputDelays).
  const int16_t din = AppliedShift10us(s, s.din_shift_10us);
  const int16_t usb = AppliedShift10us(s, s.usb_shift_10us);
  const int16_t lead = din < usb ? din : usb;
  e.shift_ticks = static_cast<int32_t>(lead) * static_cast<int32_t>(kTicksPer10us);
  e.smooth = s.smooth;
  return e;
}

OutputDelays ToOutputDelays(const Settings& s) {
  const int32_t d = AppliedShift10us(s, s.din_shift_10us);
  const int32_t u = AppliedShift10us(s, s.usb_shift_10us);
  OutputDelays o;
  o.din = d > u ? static_cast<uint32_t>(d - u) * kTicksPer10us : 0;
  o.usb = u > d ? static_cast<uint32_t>(u - d) * kTicksPer10us : 0;
  return o;
}

}  // namespace cv2midi
