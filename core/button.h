// Debounces the front-panel button and tells presses, short releases and long presses.
#ifndef CV2MIDI_CORE_BUTTON_H_
#define CV2MIDI_CORE_BUTTON_H_

#include <stdint.h>

#include "core/ticks.h"

namespace cv2midi {

enum class ButtonEvent : uint8_t { kNone, kPress, kRelease, kLongPress };

class Button {
 public:
  static constexpr uint32_t kDebounceTicks = 5 * kTicksPerMs;
  static constexpr uint32_t kLongPressTicks = 1000 * kTicksPerMs;

  // Feed the raw level (true = pressed) at least once a millisecond. A level counts once it
  // has held for 5 ms. kRelease is sent only for a release before the long press fired.
  ButtonEvent Sample(bool pressed, uint32_t now);

  bool pressed() const { return stable_; }

 private:
  bool stable_ = false;
  bool candidate_ = false;
  bool long_sent_ = false;
  uint32_t candidate_since_ = 0;
  uint32_t pressed_at_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_BUTTON_H_
