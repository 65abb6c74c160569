// Divides one interval into n clocks at integer tick offsets floor(j * interval / n):
// the n steps sum to the interval exactly and the remainder is spread evenly (Bresenham).
// The walk may go on past the interval's n clocks into the next one, on the same grid: a
// negative clock shift sends those ahead of the pulse that earns them.
#ifndef CV2MIDI_CORE_SUBDIVIDER_H_
#define CV2MIDI_CORE_SUBDIVIDER_H_

#include <stdint.h>

namespace cv2midi {

class Subdivider {
 public:
  // Clock 0 is due at `origin`. The walk starts at clock `first` and ends before clock
  // `limit` (n when 0 or less than n; at most 255); a walk that starts past it is done.
  void Start(uint32_t origin, uint32_t interval, uint8_t n, uint8_t first, uint8_t limit = 0);

  bool done() const { return index_ >= limit_; }
  uint8_t index() const { return index_; }
  uint8_t remaining() const { return done() ? 0 : static_cast<uint8_t>(limit_ - index_); }
  // Clocks of this interval not yet walked, and clocks of the next one already walked.
  uint8_t owed() const { return index_ < n_ ? static_cast<uint8_t>(n_ - index_) : 0; }
  uint8_t ahead() const { return index_ > n_ ? static_cast<uint8_t>(index_ - n_) : 0; }
  uint32_t due() const { return due_; }

  // Moves to the next clock; costs additions only, so it runs in an interrupt.
  void Advance();
  // Ends the walk: nothing owed, nothing ahead.
  void Cancel() { index_ = n_ = limit_ = 0; }

 private:
  uint32_t due_ = 0;
  uint32_t step_ = 0;
  uint8_t rem_ = 0;
  uint8_t acc_ = 0;
  uint8_t n_ = 0;
  uint8_t limit_ = 0;
  uint8_t index_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_SUBDIVIDER_H_
