// Writes one byte to UDR1 at an exact Timer1 count.
#ifndef CV2MIDI_HAL_SEND_AT_H_
#define CV2MIDI_HAL_SEND_AT_H_

#include <stdint.h>

extern "C" {
// Call with interrupts off and the line free. Spins until TCNT1 reaches `at` and writes
// `byte` to UDR1 on that very cycle; returns 1 if `at` had already passed (the byte then
// goes at once), 0 when it went on time.
uint8_t cv2midi_send_at(uint16_t at, uint8_t byte);
}

#endif  // CV2MIDI_HAL_SEND_AT_H_
