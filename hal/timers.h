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
// ticks ahead. Flags are never cleared by hand (simavr 1.6 clears every flag of the timer
// on such a write): the interrupt tells a stale match from the real one itself.
inline void ArmAlarm(uint16_t at) {
  OCR3A = static_cast<uint16_t>(at + timer3_offset);
  TIMSK3 |= _BV(OCIE3A);
}

inline void DisarmAlarm() { TIMSK3 &= static_cast<uint8_t>(~_BV(OCIE3A)); }

// Timer3 compare B only wakes the main loop (to put the next merged byte on the line); a
// stale or early match costs a look, nothing more.
inline void ArmWake(uint16_t at) {
  OCR3B = static_cast<uint16_t>(at + timer3_offset);
  TIMSK3 |= _BV(OCIE3B);
}

inline void DisarmWake() { TIMSK3 &= static_cast<uint8_t>(~_BV(OCIE3B)); }

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_TIMERS_H_
