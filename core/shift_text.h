// Clock shifts as people write them ("-8", "-8ms", "2.5", "+0.01 ms", "-800us") and as the
// tools show them ("-8.00"), in the settings' 10 us steps. Integer-only, so "2.51" is exact.
#ifndef CV2MIDI_CORE_SHIFT_TEXT_H_
#define CV2MIDI_CORE_SHIFT_TEXT_H_

#include <stddef.h>
#include <stdint.h>

namespace cv2midi {

enum class ShiftText : uint8_t {
  kOk,
  kNotANumber,  // not [+|-]digits[.digits] [ms|us]
  kOutOfRange,  // beyond +-20 ms
  kNotAStep,    // within range, but not a whole number of 10 us
};

// A number of milliseconds, or of microseconds with "us"; spaces may stand around it and
// before the unit. `steps_10us` is set only when the result is kOk.
ShiftText ParseShift(const char* text, int16_t* steps_10us);

// Milliseconds with two decimals and a sign unless zero: "+2.50", "-8.00", "0.00".
constexpr size_t kShiftTextBytes = 8;
void FormatShift(int16_t steps_10us, char out[kShiftTextBytes]);

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_SHIFT_TEXT_H_
