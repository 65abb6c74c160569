// Setup on the module: entered by holding the button at power-up. The LED blinks the input
// PPQN (that many blinks, then a pause; 48 and 96 as 2 and 4 long blinks, one for each 24);
// a press steps to the next value (1, 2, 3, 4, 6, 8, 12, 24, 48, 96, then 1 again); a long
// press saves and leaves. Nothing counts until the button held at power-up has been let go.
#ifndef CV2MIDI_CORE_SETUP_MODE_H_
#define CV2MIDI_CORE_SETUP_MODE_H_

#include <stdint.h>

#include "core/button.h"
#include "core/ticks.h"

namespace cv2midi {

class SetupMode {
 public:
  static constexpr uint32_t kBlinkOnTicks = 120 * kTicksPerMs;
  static constexpr uint32_t kBlinkOffTicks = 120 * kTicksPerMs;
  static constexpr uint32_t kLongBlinkOnTicks = 600 * kTicksPerMs;  // one for 24 PPQN
  static constexpr uint32_t kPauseTicks = 1000 * kTicksPerMs;

  void Enter(uint8_t ppqn, uint32_t now);
  // A debounced button event with the debounced level; true when a long press has chosen
  // ppqn() and setup is over.
  bool OnButton(ButtonEvent event, bool pressed, uint32_t now);
  bool Led(uint32_t now) const;
  uint8_t ppqn() const;
  bool active() const { return active_; }

 private:
  bool active_ = false;
  bool waiting_release_ = false;
  bool seen_pressed_ = false;  // the debouncer has settled on the power-up press
  uint8_t index_ = 0;
  uint32_t cycle_start_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_SETUP_MODE_H_
