// USART1 receives MIDI IN: 31250 baud 8N1 (UBRR1 = 31 at 16 MHz, exact). It sends nothing:
// MIDI OUT is the timer-driven transmitter (midi_tx.h).
#ifndef CV2MIDI_HAL_UART_H_
#define CV2MIDI_HAL_UART_H_

#include <avr/io.h>

namespace cv2midi {
namespace hal {

inline void InitMidiUart() {
  UBRR1 = 31;
  UCSR1A = 0;
  UCSR1C = _BV(UCSZ11) | _BV(UCSZ10);
  UCSR1B = _BV(RXEN1) | _BV(RXCIE1);
}

inline uint8_t MidiUartRead() { return UDR1; }

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_UART_H_
