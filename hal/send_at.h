// Writes one byte to UDR1 on an exact Timer1 count. Inline, so an interrupt that uses it
// saves only the registers it touches.
#ifndef CV2MIDI_HAL_SEND_AT_H_
#define CV2MIDI_HAL_SEND_AT_H_

#include <avr/io.h>
#include <stdint.h>

namespace cv2midi {
namespace hal {

// Call with interrupts off and the line free. Spins until TCNT1 reaches `at` and writes
// `byte` to UDR1 on that very cycle: the instruction reading TCNT1L starts at c0 and the
// store starts at c0 + (at - TCNT1), so a 21-cycle path plus a delay of 1, 2 and 4-cycle
// steps lands exactly (cycle counts from the AVR instruction set manual). Returns 1 when it
// could not land exactly: `at` had already passed (the byte goes at once) or was under 21
// cycles away (the byte goes on the first poll that finds TCNT1 at or past `at`: late by a
// few cycles, never early).
__attribute__((always_inline)) inline uint8_t SendAt(uint16_t at, uint8_t byte) {
  uint16_t left;
  uint8_t low, high, late;
  asm volatile(
      "1: lds %[low], %[tcntl]\n\t"  // 2  c0; latches TCNT1H too
      "lds %[high], %[tcnth]\n\t"    // 2
      "movw %A[left], %A[at]\n\t"    // 1
      "sub %A[left], %[low]\n\t"     // 1  left = at - TCNT1
      "sbc %B[left], %[high]\n\t"    // 1
      "brmi 9f\n\t"                  // 1  already past
      "tst %B[left]\n\t"             // 1
      "brne 1b\n\t"                  // 1  256 or more to go: poll again
      "subi %A[left], 21\n\t"        // 1  what is left to burn
      "brcs 8f\n\t"                  // 1  too close to land exactly
      "lsr %A[left]\n\t"             // 1  bit 0: one more cycle
      "brcc 2f\n\t"                  // 2 / 1
      "rjmp .\n\t"                   // 2
      "2: lsr %A[left]\n\t"          // 1  bit 1: two more cycles
      "brcc 3f\n\t"                  // 2 / 1
      "rjmp .\n\t"                   // 2
      "nop\n\t"                      // 1
      "3: subi %A[left], 1\n\t"      // 1  the rest: four cycles a count
      "brcs 4f\n\t"                  // 1 / 2
      "rjmp 3b\n\t"                  // 2
      "4: sts %[udr], %[byte]\n\t"   // c0 + 21 + delay = at
      "ldi %[late], 0\n\t"
      "rjmp 5f\n\t"
      "8: lds %[low], %[tcntl]\n\t"   // too close: poll until TCNT1 reaches `at`
      "lds %[high], %[tcnth]\n\t"
      "movw %A[left], %A[at]\n\t"
      "sub %A[left], %[low]\n\t"
      "sbc %B[left], %[high]\n\t"
      "breq 9f\n\t"                  // at reached (sbc keeps Z for all 16 bits)
      "brpl 8b\n\t"                  // not yet
      "9: sts %[udr], %[byte]\n\t"
      "ldi %[late], 1\n\t"
      "5:\n\t"
      : [late] "=&d"(late), [left] "=&d"(left), [low] "=&r"(low), [high] "=&r"(high)
      : [at] "r"(at), [byte] "r"(byte), [tcntl] "i"(_SFR_MEM_ADDR(TCNT1L)),
        [tcnth] "i"(_SFR_MEM_ADDR(TCNT1H)), [udr] "i"(_SFR_MEM_ADDR(UDR1))
      : "memory");
  return late;
}

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_SEND_AT_H_
