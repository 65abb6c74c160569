// Exact division of an interval into n clocks.
#include "core/subdivider.h"

namespace cv2midi {

void Subdivider::Start(uint32_t origin, uint32_t interval, uint8_t n, uint8_t first,
                       uint8_t limit) {
  n_ = n;
  limit_ = limit > n ? limit : n;
  index_ = 0;
  due_ = origin;
  acc_ = 0;
  if (n == 0) return;
  step_ = interval / n;
  rem_ = static_cast<uint8_t>(interval - step_ * n);
  while (index_ < first) Advance();
}

void Subdivider::Advance() {
  ++index_;
  due_ += step_;
  acc_ = static_cast<uint8_t>(acc_ + rem_);
  if (acc_ >= n_) {
    acc_ = static_cast<uint8_t>(acc_ - n_);
    ++due_;
  }
}

}  // namespace cv2midi
