// Button debouncing and press classification.
#include "core/button.h"

namespace cv2midi {

ButtonEvent Button::Sample(bool pressed, uint32_t now) {
  if (pressed != candidate_) {
    candidate_ = pressed;
    candidate_since_ = now;
  }
  if (candidate_ != stable_ && now - candidate_since_ >= kDebounceTicks) {
    stable_ = candidate_;
    if (stable_) {
      pressed_at_ = now;
      long_sent_ = false;
      return ButtonEvent::kPress;
    }
    return long_sent_ ? ButtonEvent::kNone : ButtonEvent::kRelease;
  }
  if (stable_ && !long_sent_ && now - pressed_at_ >= kLongPressTicks) {
    long_sent_ = true;
    return ButtonEvent::kLongPress;
  }
  return ButtonEvent::kNone;
}

}  // namespace cv2midi
