// Time in cv2midi: Timer1 ticks of the undivided 16 MHz CPU clock, one tick per cycle.
// 32-bit stamps wrap after 268 s; compare them only through these helpers.
#ifndef CV2MIDI_CORE_TICKS_H_
#define CV2MIDI_CORE_TICKS_H_

#include <stdint.h>

namespace cv2midi {

constexpr uint32_t kTicksPerSecond = 16000000UL;
constexpr uint32_t kTicksPerMs = 16000UL;
constexpr uint32_t kTicksPerUs = 16UL;

// One MIDI byte on the wire: start, 8 data and stop bits at 31250 baud = 320 us.
constexpr uint32_t kByteTicks = 10UL * 512UL;

// Signed distance from `from` to `to`; valid while they are less than 2^31 ticks apart.
inline int32_t TicksUntil(uint32_t from, uint32_t to) {
  return static_cast<int32_t>(to - from);
}

inline bool Before(uint32_t a, uint32_t b) { return TicksUntil(b, a) < 0; }

inline uint32_t Later(uint32_t a, uint32_t b) { return Before(a, b) ? b : a; }

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_TICKS_H_
