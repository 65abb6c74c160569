// The one timeline of the DIN line: every frame booked at the tick its start bit leaves,
// in time order, never overlapping. Sources book; the transmitter takes the head; the main
// loop retires what has gone out. Only this class knows when the line is busy.
#ifndef CV2MIDI_CORE_WIRE_SCHEDULE_H_
#define CV2MIDI_CORE_WIRE_SCHEDULE_H_

#include <stdint.h>

#include "core/ticks.h"

namespace cv2midi {

// Bit p of the result is set where the line changes level at bit p of `byte`'s 8N1 frame
// (start bit 0, data bits 1-8 LSB first, stop bit 9), coming from idle high.
inline uint16_t FrameChanges(uint8_t byte) {
  const uint16_t levels = static_cast<uint16_t>((static_cast<uint16_t>(byte) << 1) | 0x200);
  return static_cast<uint16_t>((levels ^ static_cast<uint16_t>((levels << 1) | 1)) & 0x3FF);
}

class WireSchedule {
 public:
  static constexpr uint8_t kSlots = 8;  // a power of two: the counters run free
  // Who booked a frame, for what the main loop does once it is out.
  // kFollowed: an engine byte the earlier output (USB) had already (DinLine::Follow).
  enum Tag : uint8_t { kEngine = 0, kMerged = 1, kFollowed = 2 };
  struct Frame {
    uint32_t start;
    uint16_t changes;  // FrameChanges(byte), worked out at booking, not by the transmitter
    uint8_t byte;
    uint8_t tag;
  };

  void Init(uint32_t now) {
    booked_ = taken_ = retired_ = 0;
    end_ = now;
  }

  // The first tick from which a new frame may start, given that it is `now`.
  uint32_t FreeAt(uint32_t now) const { return Before(end_, now) ? now : end_; }
  // Keeps the end of the last frame within 2^31 ticks of now; call at least every 100 s.
  void Poll(uint32_t now) {
    if (Before(end_, now)) end_ = now;
  }

  bool full() const { return static_cast<uint8_t>(booked_ - retired_) == kSlots; }
  // Frames booked that the transmitter has not taken yet.
  bool pending() const { return booked_ != taken_; }
  bool idle() const { return booked_ == retired_; }

  // Books `byte` at `at`, or where the line frees if that is later, and returns the tick
  // its start bit leaves. The caller checks !full() and, for the transmitter's sake, that
  // the start lies less than half a timer period ahead.
  uint32_t Book(uint32_t at, uint8_t byte, uint8_t tag) {
    const uint32_t start = Later(at, end_);
    Frame& f = frames_[booked_ & kMask];
    f.start = start;
    f.changes = FrameChanges(byte);
    f.byte = byte;
    f.tag = tag;
    end_before_last_ = end_;
    end_ = start + kByteTicks;
    booked_ = static_cast<uint8_t>(booked_ + 1);
    return start;
  }

  // Takes back the last frame booked, before its start bit has left (the transmitter must
  // have let go of it). The line frees where it did before that booking.
  void Unbook() {
    if (taken_ == booked_) taken_ = static_cast<uint8_t>(taken_ - 1);
    booked_ = static_cast<uint8_t>(booked_ - 1);
    end_ = end_before_last_;
  }
  // The start of the last frame booked.
  uint32_t last_start() const { return frames_[(booked_ - 1) & kMask].start; }

  // --- The transmitter's side (its interrupt). ---
  const Frame* Next() const { return pending() ? &frames_[taken_ & kMask] : nullptr; }
  void Take() { taken_ = static_cast<uint8_t>(taken_ + 1); }
  // The head frame goes `late` ticks after its booked start (the transmitter could not arm
  // it in time): what is booked later must not start before it ends.
  void TakeLate(uint16_t late) {
    const uint32_t end = frames_[taken_ & kMask].start + late + kByteTicks;
    if (Before(end_, end)) end_ = end;
    Take();
  }

  // A frame the transmitter took whose start bit has left by `now`, oldest first.
  bool Retire(uint32_t now, Frame* frame) {
    if (retired_ == taken_) return false;
    const Frame& f = frames_[retired_ & kMask];
    if (Before(now, f.start)) return false;
    *frame = f;
    retired_ = static_cast<uint8_t>(retired_ + 1);
    return true;
  }

 private:
  static constexpr uint8_t kMask = kSlots - 1;
  Frame frames_[kSlots] = {};
  // Free-running counts: booked >= taken >= retired, at most kSlots apart.
  volatile uint8_t booked_ = 0;
  volatile uint8_t taken_ = 0;
  volatile uint8_t retired_ = 0;
  uint32_t end_ = 0;  // where the last booked frame ends
  uint32_t end_before_last_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_WIRE_SCHEDULE_H_
