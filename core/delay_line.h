// The later of the two outputs (DIN, USB) follows the engine by the difference of their
// clock shifts: the bytes wait here, each with the tick it is due there, in time order.
#ifndef CV2MIDI_CORE_DELAY_LINE_H_
#define CV2MIDI_CORE_DELAY_LINE_H_

#include <stdint.h>

#include "core/ticks.h"

namespace cv2midi {

class DelayLine {
 public:
  // 40 ms (the widest difference, -20 against +20 ms) of 3000 BPM clock is 48 bytes, and
  // room for the transport bytes among them.
  static constexpr uint8_t kSlots = 52;

  void Clear() { head_ = count_ = 0; }
  // False when full: the caller keeps the byte and tries again (nothing is dropped here).
  bool Push(uint32_t at, uint8_t byte) {
    if (count_ == kSlots) return false;
    uint8_t slot = static_cast<uint8_t>(head_ + count_);
    if (slot >= kSlots) slot = static_cast<uint8_t>(slot - kSlots);
    at_[slot] = at;
    byte_[slot] = byte;
    ++count_;
    return true;
  }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == kSlots; }
  uint8_t size() const { return count_; }
  uint32_t front_at() const { return at_[head_]; }
  uint8_t front_byte() const { return byte_[head_]; }
  // The front is due by `now`.
  bool Due(uint32_t now) const { return count_ != 0 && !Before(now, at_[head_]); }
  void Pop() {
    head_ = static_cast<uint8_t>(head_ + 1 == kSlots ? 0 : head_ + 1);
    --count_;
  }

 private:
  uint32_t at_[kSlots];
  uint8_t byte_[kSlots];
  // No initialisers: a static DelayLine starts zeroed (empty) with no constructor to run.
  uint8_t head_;
  uint8_t count_;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_DELAY_LINE_H_
