// Every interrupt vector of the firmware; the bodies are inline in converter.h.
#include <avr/interrupt.h>

#include "firmware/converter.h"

using namespace cv2midi::firmware;

ISR(TIMER1_CAPT_vect) { OnCapture(); }
ISR(TIMER1_COMPA_vect) { OnMidiTxCompare(); }
ISR(TIMER1_OVF_vect) { OnOverflow(); }
ISR(USART1_RX_vect) { OnMidiIn(); }
ISR(TIMER3_COMPA_vect) { OnWakeA(); }
ISR(TIMER3_COMPB_vect) { OnWakeB(); }
ISR(TIMER0_COMPA_vect) { OnTick(); }
ISR(INT0_vect) { OnResetPin(); }
