// Timer1: free-running at the CPU clock with input capture on PD4 (the clock jack).
// Timer3: runs in lock-step with Timer1 and is only the alarm that wakes the scheduler.
// Timer0: the 1 ms housekeeping tick.
#ifndef CV2MIDI_HAL_TIMERS_H_
#define CV2MIDI_HAL_TIMERS_H_

#include <avr/io.h>
#include <stdint.h>

namespace cv2midi {
namespace hal {

// TCNT3 - TCNT1, measured once at start-up (32U4 datasheet 14.3: both count clk_io / 1).
extern uint16_t timer3_offset;

void InitTimers();

inline uint16_t Timer1Count() { return TCNT1; }
inline bool Timer1OverflowPending() { return (TIFR1 & _BV(TOV1)) != 0; }

// Timer3 compare A fires when Timer1 reads `at` (low 16 bits); arm it less than 65536
// ticks ahead or expect early wake-ups a whole wrap before.
inline void ArmAlarm(uint16_t at) {
  OCR3A = static_cast<uint16_t>(at + timer3_offset);
  TIFR3 = _BV(OCF3A);
  TIMSK3 = _BV(OCIE3A);
}

inline void DisarmAlarm() { TIMSK3 = 0; }

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_TIMERS_H_
