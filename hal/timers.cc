// Timer set-up; see timers.h.
#include "hal/timers.h"

namespace cv2midi {
namespace hal {

uint16_t timer3_offset;

void InitTimers() {
  TCCR1B = 0;
  TCCR3B = 0;
  TCCR1A = 0;  // normal mode: capture works and the counter wraps at 0xFFFF
  TCCR3A = 0;
  TCNT1 = 0;
  TCNT3 = 0;
  // Noise canceller (4 samples) and capture on the falling edge: the stage inverts, so the
  // pin falls when the jack rises. 32U4 datasheet 14.6.
  TCCR1B = _BV(ICNC1) | _BV(CS10);
  TCCR3B = _BV(CS30);

  // Read both counters four cycles apart, in one fixed instruction sequence, so the
  // offset is exact on silicon and in simavr alike.
  uint16_t t1, t3;
  asm volatile(
      "lds %A0, %2\n\t"
      "lds %B0, %3\n\t"
      "lds %A1, %4\n\t"
      "lds %B1, %5\n\t"
      : "=&r"(t1), "=&r"(t3)
      : "i"(_SFR_MEM_ADDR(TCNT1L)), "i"(_SFR_MEM_ADDR(TCNT1H)), "i"(_SFR_MEM_ADDR(TCNT3L)),
        "i"(_SFR_MEM_ADDR(TCNT3H)));
  timer3_offset = static_cast<uint16_t>(t3 - t1 - 4);

  TIFR1 = _BV(ICF1) | _BV(TOV1);
  TIMSK1 = _BV(ICIE1) | _BV(TOIE1);

  // 1 ms tick: CTC, clk/64, 250 counts.
  TCCR0A = _BV(WGM01);
  OCR0A = 249;
  TCCR0B = _BV(CS01) | _BV(CS00);
  TIMSK0 = _BV(OCIE0A);
}

}  // namespace hal
}  // namespace cv2midi
