// Extends Timer1's 16-bit counts (TCNT1, ICR1) to 32-bit tick stamps with a software
// count of overflows, including the race where the overflow is pending but not yet counted.
#ifndef CV2MIDI_CORE_CAPTURE_CLOCK_H_
#define CV2MIDI_CORE_CAPTURE_CLOCK_H_

#include <stdint.h>

// Both targets are little-endian: half[0] is the low word.

namespace cv2midi {

class CaptureClock {
 public:
  // The overflow interrupt: the counter wrapped once more.
  void OnOverflow() { ++high_; }

  // `count` was latched with interrupts off; `overflow_pending` is TOV1 read after it.
  // A pending overflow belongs to this count only if the count is from after the wrap,
  // i.e. small; a large count was latched just before the wrap the flag reports.
  __attribute__((always_inline)) uint32_t Extend(uint16_t count, bool overflow_pending) const {
    // Built from two halves, which avr-gcc keeps in registers as they are (a shift and an
    // or cost it a dozen instructions in the capture interrupt).
    union {
      uint32_t whole;
      uint16_t half[2];
    } t;
    t.half[0] = count;
    t.half[1] = high_;
    if (overflow_pending && count < 0x8000u) ++t.half[1];
    return t.whole;
  }

  uint16_t high() const { return high_; }

 private:
  uint16_t high_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_CAPTURE_CLOCK_H_
