// MIDI OUT on OC1A (PB5, Teensy pin 14): Timer1's compare unit toggles the pin at each level
// change of a frame, so every bit edge of every byte lands on its cycle (31250 baud, 8N1,
// 512 cycles a bit). The compare interrupt only loads the next change, or the next frame
// from the wire schedule. Toggle mode throughout: simavr 1.6 mis-drives the pin in the set
// and clear modes (SIMAVR.md), and idle is high in both the OC1A register and PORTB5.
#ifndef CV2MIDI_HAL_MIDI_TX_H_
#define CV2MIDI_HAL_MIDI_TX_H_

#include <avr/io.h>
#include <stdint.h>

#include "core/wire_schedule.h"

namespace cv2midi {
namespace hal {

struct MidiTx {
  uint16_t start;   // low 16 bits of the tick the frame's start bit leaves
  uint16_t rest;    // level changes still to make: bit i is bit position pos + 1 + i
  uint8_t pos;      // bit position of the change last armed (0: the start bit)
  uint8_t busy;     // a frame is armed or on the line
  uint8_t started;  // start bits that have left, for the main loop (it clears it)
  uint8_t late;     // frames started late or cut short: counted, never silent
};
extern MidiTx midi_tx;

constexpr uint16_t kBitTicks = 512;
// A change is armed at least this far ahead of TCNT1, or it counts as late.
constexpr int16_t kMinAhead = 3;
// A start bit is armed at least this far ahead of TCNT1: more than the few instructions
// from the look at TCNT1 to the OCR1A and TCCR1A writes.
constexpr int16_t kArmPath = 64;
// The next frame is armed from the interrupt only when it starts within this; further
// ones the main loop arms later. Under half the timer period, so a match from before the
// arming is never taken for the real one.
constexpr int16_t kReach = 0x6000;

inline void InitMidiTx() {
  // Idle high everywhere before the pin drives: PORTB5 (what the pin shows disconnected)
  // and the OC1A register, set by a forced compare in set mode (32U4 datasheet 14.7.3).
  PORTB |= _BV(PB5);
  TCCR1A = _BV(COM1A1) | _BV(COM1A0);
  TCCR1C = _BV(FOC1A);
  TCCR1A = 0;
  DDRB |= _BV(PB5);
  midi_tx.busy = 0;
}

// Ends a frame that could not make its next change in time with the line high, at once.
__attribute__((always_inline)) inline void AbortFrame() {
  TCCR1A = 0;
  TIMSK1 &= static_cast<uint8_t>(~_BV(OCIE1A));
  PORTB |= _BV(PB5);  // simavr keeps the toggled level here; on silicon it is already 1
  TCCR1A = _BV(COM1A1) | _BV(COM1A0);
  TCCR1C = _BV(FOC1A);
  TCCR1A = 0;
  midi_tx.busy = 0;
  ++midi_tx.late;
}

// Nothing to send: the pin is left to PORTB5 (high) and the compare stops waking the CPU.
// A match flag raised meanwhile is told apart by OnMidiTxCompare when it is enabled again.
__attribute__((always_inline)) inline void GoIdle() {
  TCCR1A = 0;
  TIMSK1 &= static_cast<uint8_t>(~_BV(OCIE1A));
  midi_tx.busy = 0;
}

// Arms a frame's start bit at `start`; `changes` from FrameChanges. Interrupts off.
__attribute__((always_inline)) inline void ArmFrame(uint16_t start, uint16_t changes) {
  OCR1A = static_cast<uint16_t>(start - 1);  // the pin moves as TCNT1 becomes OCR1A + 1
  TCCR1A = _BV(COM1A0);
  TIMSK1 |= _BV(OCIE1A);  // before the match: simavr 1.6 drops a flag raised while disabled
  midi_tx.start = start;
  midi_tx.rest = static_cast<uint16_t>(changes >> 1);
  midi_tx.pos = 0;
  midi_tx.busy = 1;
}

// Takes the schedule's next frame onto the line, or goes idle. Interrupts off.
__attribute__((always_inline)) inline void TakeNextFrame(WireSchedule& wire) {
  const WireSchedule::Frame* f = wire.Next();
  if (f == nullptr) {
    GoIdle();
    return;
  }
  const uint16_t changes = f->changes;
  const uint16_t booked = static_cast<uint16_t>(f->start);
  uint16_t start = booked;
  // Never over the frame before, should that one have started late.
  const uint16_t end = static_cast<uint16_t>(midi_tx.start + 10 * kBitTicks);
  if (midi_tx.busy && static_cast<int16_t>(start - end) < 0) {
    start = end;
    ++midi_tx.late;
  }
  const int16_t ahead = static_cast<int16_t>(start - 1 - TCNT1);
  if (ahead > kReach) {
    GoIdle();
    return;
  }
  // A match the count has passed would come a whole timer period later: too close, the
  // frame starts as soon as it safely can instead, and counts as late.
  if (ahead < kArmPath) {
    start = static_cast<uint16_t>(TCNT1 + 1 + kArmPath);
    ++midi_tx.late;
  }
  ArmFrame(start, changes);
  if (start == booked) {
    wire.Take();
  } else {
    wire.TakeLate(static_cast<uint16_t>(start - booked));  // rare: its cost is no one's budget
  }
}

// The compare interrupt: the change armed has just been made.
__attribute__((always_inline)) inline void OnMidiTxCompare(WireSchedule& wire) {
  if (!midi_tx.busy) return;
  const uint16_t now = TCNT1;
  // A match left over from before this change was armed: the real one is still ahead.
  if (static_cast<uint16_t>(now - OCR1A) > 0x4000u) return;
  uint8_t pos = midi_tx.pos;
  if (pos == 0) ++midi_tx.started;
  uint16_t rest = midi_tx.rest;
  if (rest == 0) {
    TakeNextFrame(wire);  // the frame is over and the line high
    return;
  }
  uint8_t hit;
  do {
    ++pos;
    hit = static_cast<uint8_t>(rest & 1);
    rest >>= 1;
  } while (!hit);
  midi_tx.rest = rest;
  midi_tx.pos = pos;
  const uint16_t at = static_cast<uint16_t>(midi_tx.start + pos * kBitTicks - 1);
  OCR1A = at;
  if (static_cast<int16_t>(at - TCNT1) < kMinAhead) AbortFrame();
}

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_MIDI_TX_H_
