// EEPROM without waiting: one byte at a time, started only when the last write is done
// (a write takes 3.4 ms on silicon; the CPU carries on). 32U4 datasheet 5.3.
#ifndef CV2MIDI_HAL_EEPROM_H_
#define CV2MIDI_HAL_EEPROM_H_

#include <avr/io.h>
#include <stdint.h>
#include <util/atomic.h>

namespace cv2midi {
namespace hal {

inline bool EepromBusy() { return (EECR & _BV(EEPE)) != 0; }

inline uint8_t EepromRead(uint16_t address) {
  EEAR = address;
  EECR |= _BV(EERE);
  return EEDR;
}

// Starts writing one byte; call only when !EepromBusy(). Erase and write in one (EEPM 00).
inline void EepromStartWrite(uint16_t address, uint8_t value) {
  EEAR = address;
  EEDR = value;
  // EEPE must follow EEMPE within four cycles: no interrupt in between.
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    EECR = _BV(EEMPE);
    EECR |= _BV(EEPE);
  }
}

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_EEPROM_H_
