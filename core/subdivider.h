// Divides one interval into n clocks at integer tick offsets floor(j * interval / n):
// the n steps sum to the interval exactly and the remainder is spread evenly (Bresenham).
#ifndef CV2MIDI_CORE_SUBDIVIDER_H_
#define CV2MIDI_CORE_SUBDIVIDER_H_

#include <stdint.h>

namespace cv2midi {

class Subdivider {
 public:
  // Clock 0 is due at `origin`. The walk starts at clock `first`.
  void Start(uint32_t origin, uint32_t interval, uint8_t n, uint8_t first);

  bool done() const { return index_ >= n_; }
  uint8_t index() const { return index_; }
  uint8_t remaining() const { return done() ? 0 : static_cast<uint8_t>(n_ - index_); }
  uint32_t due() const { return due_; }

  // Moves to the next clock; costs additions only, so it runs in an interrupt.
  void Advance();
  void Cancel() { index_ = n_; }

 private:
  uint32_t due_ = 0;
  uint32_t step_ = 0;
  uint8_t rem_ = 0;
  uint8_t acc_ = 0;
  uint8_t n_ = 0;
  uint8_t index_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_SUBDIVIDER_H_
