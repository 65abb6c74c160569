; cv2midi_send_at(uint16_t at = r25:r24, uint8_t byte = r22) -> r24 = 1 if late.
; Cycle-exact: the instruction that reads TCNT1L starts at cycle c0 and the store to UDR1
; starts at c0 + (at - TCNT1), whatever the wait, so the write lands on `at` exactly.
; Cycle counts per instruction are from the AVR instruction set manual (ATmega, 2-cycle lds/sts).

#include <avr/io.h>

.equ FIXED, 21              ; cycles from the TCNT1L read to the store with a zero delay

.section .text.cv2midi_send_at,"ax",@progbits
.global cv2midi_send_at
.type cv2midi_send_at, @function
cv2midi_send_at:
1:  lds r18, TCNT1L         ; 2  c0: latches TCNT1H as well
    lds r19, TCNT1H         ; 2
    movw r20, r24           ; 1
    sub r20, r18            ; 1  r21:r20 = at - TCNT1
    sbc r21, r19            ; 1
    brmi 9f                 ; 1  already past: send now
    tst r21                 ; 1
    brne 1b                 ; 1  256 or more to go: poll again
    subi r20, FIXED         ; 1  r20 = delay still to burn
    brcs 9f                 ; 1  too close to make it exactly: send now
    lsr r20                 ; 1  bit 0 costs one more cycle when set
    brcc 2f                 ; 2 / 1
    rjmp .                  ; 2
2:  lsr r20                 ; 1  bit 1 costs two more cycles when set
    brcc 3f                 ; 2 / 1
    rjmp .                  ; 2
    nop                     ; 1
3:  subi r20, 1             ; 1  the rest, four cycles a count
    brcs 4f                 ; 1 / 2
    rjmp 3b                 ; 2
4:  sts UDR1, r22           ; c0 + 21 + delay = at
    clr r24
    ret
9:  sts UDR1, r22
    ldi r24, 1
    ret
.size cv2midi_send_at, .-cv2midi_send_at
