// The settings SysEx protocol; see sysex_config.h.
#include "core/sysex_config.h"

namespace cv2midi {
namespace sysex {
namespace {

size_t Header(uint8_t* out) {
  for (size_t i = 0; i < 4; ++i) out[i] = kHeader[i];
  return 4;
}

size_t AllSettings(SettingsStatus status, const Settings& s, uint8_t* out) {
  size_t n = Header(out);
  out[n++] = kAll;
  out[n++] = static_cast<uint8_t>(status);
  out[n++] = s.ppqn;
  out[n++] = static_cast<uint8_t>(s.reset_mode);
  out[n++] = s.timeout_multiple;
  out[n++] = s.clocks_while_stopped ? 1 : 0;
  out[n++] = s.auto_start ? 1 : 0;
  out[n++] = s.thru ? 1 : 0;
  out[n++] = static_cast<uint8_t>(s.glitch_us & 0x7F);
  out[n++] = static_cast<uint8_t>(s.glitch_us >> 7);
  out[n++] = static_cast<uint8_t>(s.tempo_deci_bpm & 0x7F);
  out[n++] = static_cast<uint8_t>(s.tempo_deci_bpm >> 7);
  out[n++] = s.on_stop == OnStop::kHold ? 1 : 0;
  EncodeShift(s.din_shift_10us, out + n);
  EncodeShift(s.usb_shift_10us, out + n + 2);
  n += 4;
  out[n++] = s.smooth;
  out[n++] = 0xF7;
  return n;
}

size_t Nak(uint8_t command, NakReason reason, uint8_t* out) {
  size_t n = Header(out);
  out[n++] = kNak;
  out[n++] = static_cast<uint8_t>(command & 0x7F);
  out[n++] = reason;
  out[n++] = 0xF7;
  return n;
}

size_t Request(uint8_t command, uint8_t* out) {
  size_t n = Header(out);
  out[n++] = command;
  out[n++] = 0xF7;
  return n;
}

size_t Put7(uint32_t v, uint8_t groups, uint8_t* out) {
  for (uint8_t i = 0; i < groups; ++i) {
    out[i] = static_cast<uint8_t>(v & 0x7F);
    v >>= 7;
  }
  return groups;
}

uint32_t Get7(const uint8_t* in, uint8_t groups) {
  uint32_t v = 0;
  for (uint8_t i = groups; i > 0; --i) v = (v << 7) | in[i - 1];
  return v;
}

// The settings whose value takes two 7-bit bytes.
bool Wide(uint8_t param) {
  return param == kGlitchUs || param == kTempo || param == kDinShift || param == kUsbShift;
}

// Applies one parameter to a copy; false when the value is out of range.
bool Apply(uint8_t param, uint16_t v, Settings* s, NakReason* why) {
  Settings t = *s;
  switch (param) {
    case kPpqn: t.ppqn = static_cast<uint8_t>(v); break;
    case kResetMode:
      if (v > 1) return (*why = kBadValue), false;
      t.reset_mode = static_cast<ResetMode>(v);
      break;
    case kTimeout: t.timeout_multiple = static_cast<uint8_t>(v); break;
    case kClocksWhileStopped:
    case kAutoStart:
    case kThru:
      if (v > 1) return (*why = kBadValue), false;
      (param == kClocksWhileStopped ? t.clocks_while_stopped
                                    : param == kAutoStart ? t.auto_start : t.thru) = v == 1;
      break;
    case kGlitchUs: t.glitch_us = v; break;
    case kTempo: t.tempo_deci_bpm = v; break;
    case kOnStop:
      if (v > 1) return (*why = kBadValue), false;
      t.on_stop = v == 1 ? OnStop::kHold : OnStop::kStop;
      break;
    case kDinShift:
    case kUsbShift:
      (param == kDinShift ? t.din_shift_10us : t.usb_shift_10us) =
          DecodeShift(static_cast<uint8_t>(v & 0x7F), static_cast<uint8_t>(v >> 7));
      break;
    case kSmooth: t.smooth = static_cast<uint8_t>(v); break;
    default: return (*why = kUnknownParam), false;
  }
  if (v > 0x3FFF || !SettingsValid(t)) return (*why = kBadValue), false;
  *s = t;
  return true;
}

}  // namespace

bool IsConfig(const uint8_t* msg, size_t size) {
  if (size < 5 || msg[size - 1] != 0xF7) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (msg[i] != kHeader[i]) return false;
  }
  return true;
}

size_t Handle(const uint8_t* msg, size_t size, SettingsStatus boot_status, Settings* settings,
              bool* changed, uint8_t reply[kMaxReply], const Status* status) {
  *changed = false;
  if (!IsConfig(msg, size) || size < 6) return Nak(size > 5 ? msg[4] : 0, kBadLength, reply);
  const uint8_t command = msg[4];
  const size_t args = size - 6;  // between the command and F7
  for (size_t i = 4; i + 1 < size; ++i) {
    if (msg[i] >= 0x80) return Nak(command, kBadValue, reply);
  }
  switch (command) {
    case kGetAll:
      if (args != 0) return Nak(command, kBadLength, reply);
      return AllSettings(boot_status, *settings, reply);
    case kSet: {
      if (args < 2) return Nak(command, kBadLength, reply);
      const uint8_t param = msg[5];
      const bool wide = Wide(param);
      const size_t want = wide ? 3 : 2;
      if (param >= kPpqn && param <= kSmooth && args != want) {
        return Nak(command, kBadLength, reply);
      }
      const uint16_t v = wide ? static_cast<uint16_t>(msg[6] | (msg[7] << 7)) : msg[6];
      NakReason why = kBadValue;
      if (!Apply(param, v, settings, &why)) return Nak(command, why, reply);
      *changed = true;
      return AllSettings(boot_status, *settings, reply);
    }
    case kRestoreDefaults:
      if (args != 0) return Nak(command, kBadLength, reply);
      *settings = Settings();
      *changed = true;
      return AllSettings(boot_status, *settings, reply);
    case kIdentity: {
      if (args != 0) return Nak(command, kBadLength, reply);
      size_t n = Header(reply);
      reply[n++] = kIdentityReply;
      for (uint8_t v : kVersion) reply[n++] = v;
      const char* name = "cv2midi";
      for (const char* c = name; *c != '\0'; ++c) reply[n++] = static_cast<uint8_t>(*c);
      reply[n++] = 0xF7;
      return n;
    }
    case kStatus:
      if (status == nullptr) return Nak(command, kUnknownCommand, reply);
      if (args != 0) return Nak(command, kBadLength, reply);
      return EncodeStatus(*status, reply);
    default:
      return Nak(command, kUnknownCommand, reply);
  }
}

namespace {
// The status reply's counters, in their order on the wire.
constexpr uint32_t Status::*kCounters[] = {&Status::edges,          &Status::glitches,
                                           &Status::bursts,         &Status::timeouts,
                                           &Status::merged_dropped, &Status::usb_dropped,
                                           &Status::unearned,       &Status::relocks};
}  // namespace

size_t EncodeStatus(const Status& st, uint8_t out[kMaxReply]) {
  size_t n = Header(out);
  out[n++] = kStatusReply;
  out[n++] = static_cast<uint8_t>(st.source);
  out[n++] = st.running ? 1 : 0;
  n += Put7(st.tempo_centi_bpm, 3, out + n);
  out[n++] = st.ppqn;
  n += Put7(st.song_position, 3, out + n);
  for (uint32_t Status::*c : kCounters) n += Put7(st.*c, 4, out + n);
  out[n++] = 0xF7;
  return n;
}

size_t EncodeGetAll(uint8_t out[kMaxMessage]) { return Request(kGetAll, out); }
size_t EncodeRestoreDefaults(uint8_t out[kMaxMessage]) { return Request(kRestoreDefaults, out); }
size_t EncodeIdentity(uint8_t out[kMaxMessage]) { return Request(kIdentity, out); }
size_t EncodeStatusRequest(uint8_t out[kMaxMessage]) { return Request(kStatus, out); }

size_t EncodeSet(Param param, uint16_t value, uint8_t out[kMaxMessage]) {
  size_t n = Header(out);
  out[n++] = kSet;
  out[n++] = param;
  out[n++] = static_cast<uint8_t>(value & 0x7F);
  if (Wide(param)) out[n++] = static_cast<uint8_t>((value >> 7) & 0x7F);
  out[n++] = 0xF7;
  return n;
}

void EncodeShift(int16_t steps_10us, uint8_t out[2]) {
  const uint16_t v = static_cast<uint16_t>(steps_10us);
  out[0] = static_cast<uint8_t>(v & 0x7F);
  out[1] = static_cast<uint8_t>((v >> 7) & 0x7F);
}

int16_t DecodeShift(uint8_t lo7, uint8_t hi7) {
  const int16_t v = static_cast<int16_t>((lo7 & 0x7F) | ((hi7 & 0x7F) << 7));
  return v >= 0x2000 ? static_cast<int16_t>(v - 0x4000) : v;
}

bool DecodeReply(const uint8_t* msg, size_t size, Reply* out) {
  if (!IsConfig(msg, size) || size < 6) return false;
  *out = Reply();
  out->code = static_cast<ReplyCode>(msg[4]);
  switch (msg[4]) {
    case kAll: {
      if (size != kAllReplyBytes || msg[5] > 2 || msg[16] > 1) return false;
      out->settings.din_shift_10us = DecodeShift(msg[17], msg[18]);
      out->settings.usb_shift_10us = DecodeShift(msg[19], msg[20]);
      out->settings.smooth = msg[21];
      out->status = static_cast<SettingsStatus>(msg[5]);
      Settings& s = out->settings;
      s.ppqn = msg[6];
      s.reset_mode = static_cast<ResetMode>(msg[7] & 1);
      s.timeout_multiple = msg[8];
      s.clocks_while_stopped = msg[9] != 0;
      s.auto_start = msg[10] != 0;
      s.thru = msg[11] != 0;
      s.glitch_us = static_cast<uint16_t>(msg[12] | (msg[13] << 7));
      s.tempo_deci_bpm = static_cast<uint16_t>(msg[14] | (msg[15] << 7));
      s.on_stop = msg[16] == 1 ? OnStop::kHold : OnStop::kStop;
      return SettingsValid(s);
    }
    case kIdentityReply:
      if (size != 16) return false;
      for (int i = 0; i < 3; ++i) out->version[i] = msg[5 + i];
      return true;
    case kStatusReply: {
      if (size != kStatusReplyBytes || msg[5] > 3 || msg[6] > 1) return false;
      Status& st = out->status_reply;
      st.source = static_cast<ClockSourceCode>(msg[5]);
      st.running = msg[6] != 0;
      st.tempo_centi_bpm = Get7(msg + 7, 3);
      st.ppqn = msg[10];
      st.song_position = Get7(msg + 11, 3);
      for (size_t i = 0; i < sizeof(kCounters) / sizeof(kCounters[0]); ++i) {
        st.*kCounters[i] = Get7(msg + 14 + 4 * i, 4);
      }
      return true;
    }
    case kNak:
      if (size != 8) return false;
      out->nak_command = msg[5];
      out->nak_reason = static_cast<NakReason>(msg[6]);
      return true;
    default:
      return false;
  }
}

}  // namespace sysex
}  // namespace cv2midi
