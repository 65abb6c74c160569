// MIDI stream parsing; see midi_parser.h.
#include "core/midi_parser.h"

namespace cv2midi {

uint8_t MidiParser::DataBytes(uint8_t status) {
  if (status < 0x80) return 0xFF;
  if (status < 0xF0) {
    const uint8_t type = status & 0xF0;
    return (type == 0xC0 || type == 0xD0) ? 1 : 2;
  }
  switch (status) {
    case 0xF1: return 1;  // MTC quarter frame
    case 0xF2: return 2;  // Song Position Pointer
    case 0xF3: return 1;  // Song Select
    case 0xF6: return 0;  // Tune Request
    default: return 0xFF;
  }
}

uint8_t MidiParser::Feed(uint8_t byte, MidiEvent out[2]) {
  uint8_t n = 0;
  if (byte >= 0xF8) {
    // Real-time: anywhere, even inside a message or a SysEx; changes nothing.
    if (byte == 0xF9 || byte == 0xFD) {
      ++stray_;  // undefined
      return 0;
    }
    out[n] = MidiEvent();
    out[n].kind = MidiEventKind::kRealTime;
    out[n].status = byte;
    return 1;
  }
  if (byte >= 0x80) {
    // Any other status ends a SysEx, and cuts short a message being gathered.
    if (in_sysex_) {
      in_sysex_ = false;
      out[n] = MidiEvent();
      out[n].kind = MidiEventKind::kSysExEnd;
      out[n].cut = byte != 0xF7;
      if (out[n].cut) ++truncated_;
      ++n;
      if (byte == 0xF7) return n;
    } else if (byte == 0xF7) {
      ++stray_;  // an end without a start
      return 0;
    }
    if (count_ != 0) ++truncated_;
    count_ = 0;
    if (byte == 0xF0) {
      in_sysex_ = true;
      status_ = 0;
      out[n] = MidiEvent();
      out[n].kind = MidiEventKind::kSysExStart;
      out[n].status = byte;
      return n + 1;
    }
    const uint8_t expected = DataBytes(byte);
    if (expected == 0xFF) {
      ++stray_;  // F4, F5: undefined
      status_ = 0;
      return n;
    }
    if (expected == 0) {  // Tune Request: complete at once; cancels running status
      status_ = 0;
      out[n] = MidiEvent();
      out[n].kind = MidiEventKind::kMessage;
      out[n].status = byte;
      return n + 1;
    }
    status_ = byte;
    expected_ = expected;
    fresh_ = true;
    return n;
  }
  // A data byte.
  if (in_sysex_) {
    out[0] = MidiEvent();
    out[0].kind = MidiEventKind::kSysExData;
    out[0].data[0] = byte;
    return 1;
  }
  if (status_ == 0) {
    ++stray_;
    return 0;
  }
  data_[count_++] = byte;
  if (count_ < expected_) return 0;
  out[0] = MidiEvent();
  out[0].kind = MidiEventKind::kMessage;
  out[0].status = status_;
  out[0].size = expected_;
  out[0].data[0] = data_[0];
  out[0].data[1] = data_[1];
  out[0].running = !fresh_;
  fresh_ = false;
  count_ = 0;
  if (status_ >= 0xF0) status_ = 0;  // system common: no running status after it
  return 1;
}

}  // namespace cv2midi
