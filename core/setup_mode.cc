// Setup on the module; see setup_mode.h.
#include "core/setup_mode.h"

namespace cv2midi {
namespace {

const uint8_t kPpqns[] = {1, 2, 3, 4, 6, 8, 12, 24, 48, 96};
constexpr uint8_t kCount = sizeof(kPpqns);

}  // namespace

void SetupMode::Enter(uint8_t ppqn, uint32_t now) {
  active_ = true;
  waiting_release_ = true;
  seen_pressed_ = false;
  index_ = 0;
  for (uint8_t i = 0; i < kCount; ++i) {
    if (kPpqns[i] == ppqn) index_ = i;
  }
  cycle_start_ = now;
}

bool SetupMode::OnButton(ButtonEvent event, bool pressed, uint32_t now) {
  if (!active_) return false;
  if (waiting_release_) {
    // The debouncer starts out "released": wait for it to settle on the power-up press,
    // then for that press to end (with or without a long press on the way).
    if (pressed) seen_pressed_ = true;
    if (seen_pressed_ && !pressed) waiting_release_ = false;
    return false;
  }
  if (event == ButtonEvent::kRelease) {
    index_ = static_cast<uint8_t>((index_ + 1) % kCount);
    // A short dark gap, then the new value from its first blink: a blink under way when
    // the button went up would otherwise merge with it and the count read one short.
    cycle_start_ = now + kBlinkOnTicks + kBlinkOffTicks;
  } else if (event == ButtonEvent::kLongPress) {
    active_ = false;
    return true;
  }
  return false;
}

bool SetupMode::Led(uint32_t now) const {
  if (Before(now, cycle_start_)) return false;
  // Up to 24 that many short blinks; 48 and 96 as 2 and 4 long ones, a long blink for 24.
  const uint8_t ppqn = kPpqns[index_];
  const bool long_blinks = ppqn > 24;
  const uint8_t count = long_blinks ? static_cast<uint8_t>(ppqn / 24) : ppqn;
  const uint32_t on = long_blinks ? kLongBlinkOnTicks : kBlinkOnTicks;
  const uint32_t blink = on + kBlinkOffTicks;
  const uint32_t cycle = count * blink + kPauseTicks;
  const uint32_t t = (now - cycle_start_) % cycle;
  return t < count * blink && t % blink < on;
}

uint8_t SetupMode::ppqn() const { return kPpqns[index_]; }

}  // namespace cv2midi
