// The internal clock's exact arithmetic; see internal_clock.h.
#include "core/internal_clock.h"

namespace cv2midi {

// round(x) = floor(x + 1/2), so clock k is at floor((2 * k * num + den) / (2 * den)): the
// accumulator starts at den and each clock adds 2 * num, carried as step and remainder.
void InternalClock::Start(uint32_t origin, uint32_t num, uint16_t den, uint32_t first) {
  if (den == 0) den = 1;
  running_ = true;
  index_ = 0;
  due_ = origin;
  step_ = num / den;
  rem_ = 2 * (num % den);
  den2_ = 2UL * den;
  acc_ = den;
  while (index_ < first) Advance();
}

uint32_t InternalClock::Span(uint8_t n) const {
  // n * num / den, rounded; n * rem / 2 < n * den fits easily.
  const uint32_t den = den2_ / 2;
  return step_ * n + (static_cast<uint32_t>(n) * (rem_ / 2) + den / 2) / den;
}

}  // namespace cv2midi
