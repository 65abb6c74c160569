// USB-MIDI event packet codec; see usb_midi_packet.h.
#include "core/usb_midi_packet.h"

namespace cv2midi {
namespace {

UsbMidiPacket Packet(uint8_t cin, uint8_t b1, uint8_t b2, uint8_t b3) {
  UsbMidiPacket p;
  p.b[0] = cin;  // cable 0 in the high nibble
  p.b[1] = b1;
  p.b[2] = b2;
  p.b[3] = b3;
  return p;
}

MidiEvent Message(uint8_t status, uint8_t size, uint8_t d0, uint8_t d1) {
  MidiEvent e;
  e.kind = MidiEventKind::kMessage;
  e.status = status;
  e.size = size;
  e.data[0] = d0;
  e.data[1] = d1;
  return e;
}

}  // namespace

UsbMidiPacket RealTimePacket(uint8_t status) { return Packet(0xF, status, 0, 0); }

uint8_t CodeIndex(uint8_t status, uint8_t data_bytes) {
  if (status >= 0xF8) return 0xF;  // single byte (real-time)
  if (status < 0xF0) return static_cast<uint8_t>(status >> 4);  // channel voice
  // System common: 2-byte (F1, F3) is 2, 3-byte (F2) is 3, single-byte (F6) is 5.
  if (data_bytes == 2) return 0x3;
  if (data_bytes == 1) return 0x2;
  return 0x5;
}

uint8_t PacketBytes(uint8_t cin) {
  static const uint8_t kBytes[16] = {0, 0, 2, 3, 3, 1, 2, 3, 3, 3, 3, 3, 2, 2, 3, 1};
  return kBytes[cin & 0x0F];
}

uint8_t UsbMidiEncoder::Encode(const MidiEvent& e, UsbMidiPacket out[2]) {
  switch (e.kind) {
    case MidiEventKind::kRealTime:
      out[0] = RealTimePacket(e.status);
      return 1;
    case MidiEventKind::kMessage:
      out[0] = Packet(CodeIndex(e.status, e.size), e.status, e.size > 0 ? e.data[0] : 0,
                      e.size > 1 ? e.data[1] : 0);
      return 1;
    case MidiEventKind::kSysExStart:
      sysex_open_ = true;
      sysex_[0] = 0xF0;
      sysex_count_ = 1;
      return 0;
    case MidiEventKind::kSysExData:
      if (!sysex_open_) return 0;
      sysex_[sysex_count_++] = e.data[0];
      if (sysex_count_ == 3) {
        sysex_count_ = 0;
        out[0] = Packet(0x4, sysex_[0], sysex_[1], sysex_[2]);
        return 1;
      }
      return 0;
    case MidiEventKind::kSysExEnd: {
      if (!sysex_open_) return 0;
      sysex_open_ = false;
      // The end packet carries what is left plus F7: 1, 2 or 3 bytes, CIN 5, 6 or 7.
      const uint8_t n = sysex_count_;
      sysex_count_ = 0;
      if (n == 0) return (out[0] = Packet(0x5, 0xF7, 0, 0)), 1;
      if (n == 1) return (out[0] = Packet(0x6, sysex_[0], 0xF7, 0)), 1;
      return (out[0] = Packet(0x7, sysex_[0], sysex_[1], 0xF7)), 1;
    }
    case MidiEventKind::kNone:
      break;
  }
  return 0;
}

uint8_t UsbMidiDecoder::SysEx(const UsbMidiPacket& p, uint8_t count, bool ends,
                             MidiEvent out[5]) {
  uint8_t n = 0;
  for (uint8_t i = 0; i < count; ++i) {
    const uint8_t byte = p.b[1 + i];
    MidiEventKind kind;
    if (byte == 0xF0 && !in_sysex_) {
      in_sysex_ = true;
      kind = MidiEventKind::kSysExStart;
    } else if (byte == 0xF7 && in_sysex_ && ends && i + 1 == count) {
      in_sysex_ = false;
      kind = MidiEventKind::kSysExEnd;
    } else if (byte < 0x80 && in_sysex_) {
      kind = MidiEventKind::kSysExData;
    } else {
      ++rejected_;
      return n;
    }
    out[n] = MidiEvent();
    out[n].kind = kind;
    out[n++].data[0] = byte;
  }
  return n;
}

uint8_t UsbMidiDecoder::Decode(const UsbMidiPacket& p, MidiEvent out[5]) {
  const uint8_t cin = p.b[0] & 0x0F;
  const uint8_t status = p.b[1];
  switch (cin) {
    case 0x4:
      return SysEx(p, 3, false, out);
    case 0x6:
      return SysEx(p, 2, true, out);
    case 0x7:
      return SysEx(p, 3, true, out);
    case 0x5:
      if (status == 0xF7 || in_sysex_) return SysEx(p, 1, true, out);
      if (status == 0xF6) {
        out[0] = Message(0xF6, 0, 0, 0);
        return 1;
      }
      if (status >= 0xF8) break;  // single-byte real-time travels as CIN F
      break;
    case 0xF:
      if (status >= 0xF8 && status != 0xF9 && status != 0xFD) {
        out[0] = MidiEvent();
        out[0].kind = MidiEventKind::kRealTime;
        out[0].status = status;
        return 1;
      }
      break;
    default: {
      // Channel voice (8-E) and system common (2, 3): status and its data, all checked.
      const uint8_t size = MidiParser::DataBytes(status);
      if (status < 0x80 || size == 0xFF || status == 0xF0 || CodeIndex(status, size) != cin ||
          (size > 0 && p.b[2] >= 0x80) || (size > 1 && p.b[3] >= 0x80)) {
        break;
      }
      // A message ends a SysEx the host left open, as a status byte does on DIN: the SysEx
      // is cut, and the host's stream goes on.
      uint8_t n = 0;
      if (in_sysex_) {
        in_sysex_ = false;
        out[n] = MidiEvent();
        out[n].kind = MidiEventKind::kSysExEnd;
        out[n++].cut = true;
      }
      out[n++] = Message(status, size, size > 0 ? p.b[2] : 0, size > 1 ? p.b[3] : 0);
      return n;
    }
  }
  ++rejected_;
  return 0;
}

}  // namespace cv2midi
