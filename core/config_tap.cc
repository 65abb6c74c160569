// Setting aside the settings SysEx; see config_tap.h.
#include "core/config_tap.h"

namespace cv2midi {
namespace {

MidiEvent SysExEvent(MidiEventKind kind, uint8_t data) {
  MidiEvent e;
  e.kind = kind;
  e.data[0] = data;
  return e;
}

}  // namespace

uint8_t ConfigTap::Take(const MidiEvent& e, MidiEvent out[4]) {
  switch (e.kind) {
    case MidiEventKind::kSysExStart:
      state_ = State::kDeciding;
      buf_[0] = 0xF0;
      size_ = 1;
      return 0;
    case MidiEventKind::kSysExData:
      if (state_ == State::kDeciding) {
        buf_[size_++] = e.data[0];
        if (e.data[0] != sysex::kHeader[size_ - 1]) {
          // Not ours: let go of what was held, this byte included.
          state_ = State::kPassing;
          uint8_t n = 0;
          out[n++] = SysExEvent(MidiEventKind::kSysExStart, 0);
          for (uint8_t i = 1; i < size_; ++i) {
            out[n++] = SysExEvent(MidiEventKind::kSysExData, buf_[i]);
          }
          return n;
        }
        if (size_ == 4) state_ = State::kOurs;
        return 0;
      }
      if (state_ == State::kOurs) {
        if (static_cast<size_t>(size_) + 1 < sysex::kMaxMessage) {
          buf_[size_++] = e.data[0];
        } else {
          state_ = State::kTooLong;  // no request is this long: answered as malformed
        }
        return 0;
      }
      if (state_ == State::kTooLong) return 0;
      out[0] = e;
      return 1;
    case MidiEventKind::kSysExEnd:
      if (state_ == State::kDeciding) {
        // Shorter than our header: not ours. Pass it on whole.
        uint8_t n = 0;
        out[n++] = SysExEvent(MidiEventKind::kSysExStart, 0);
        for (uint8_t i = 1; i < size_ && n < 3; ++i) {
          out[n++] = SysExEvent(MidiEventKind::kSysExData, buf_[i]);
        }
        out[n++] = e;
        state_ = State::kOutside;
        return n;
      }
      if (state_ == State::kOurs || state_ == State::kTooLong) {
        // Too long or cut short: keep only the header, which Handle answers with a NAK.
        if (state_ == State::kTooLong || e.cut) size_ = 4;
        buf_[size_++] = 0xF7;
        ready_ = true;
        state_ = State::kOutside;
        return 0;
      }
      state_ = State::kOutside;
      out[0] = e;
      return 1;
    default:
      out[0] = e;
      return 1;
  }
}

bool ConfigTap::TakeRequest(uint8_t* msg, size_t* size) {
  if (!ready_) return false;
  ready_ = false;
  for (uint8_t i = 0; i < size_; ++i) msg[i] = buf_[i];
  *size = size_;
  return true;
}

}  // namespace cv2midi
