// Start-up and the main loop: sleep, and on each wake-up do the housekeeping that is due.
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

#include "firmware/converter.h"

// Fills the free RAM between the static data and the stack with a pattern before anything
// runs, so a debugger or the simulator can read the stack's high-water mark.
extern "C" void cv2midi_paint_stack() __attribute__((naked, used, section(".init1")));
extern "C" void cv2midi_paint_stack() {
  asm volatile(
      "ldi r30, lo8(__bss_end)\n\t"
      "ldi r31, hi8(__bss_end)\n\t"
      "ldi r24, 0xC5\n\t"
      "1: st Z+, r24\n\t"
      "cpi r30, lo8(%0)\n\t"
      "ldi r25, hi8(%0)\n\t"
      "cpc r31, r25\n\t"
      "brlo 1b\n\t" ::"i"(RAMEND));
}

int main() {
  cv2midi::firmware::Init();
  set_sleep_mode(SLEEP_MODE_IDLE);
  sei();
  for (;;) {
    cv2midi::firmware::Run();
    // Sleep unless work arrived since Run looked; sei takes effect only after the next
    // instruction, so an interrupt between the check and the sleep still wakes us.
    cli();
    if (!cv2midi::firmware::WorkPending()) {
      sleep_enable();
      sei();
      sleep_cpu();
      sleep_disable();
    }
    sei();
  }
}
