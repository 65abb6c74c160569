// The wiring of the clock engine to the hardware. The interrupts here do only what must
// happen on the cycle: extend a capture stamp, write a byte whose time and value the main
// loop prepared, count an overflow. Everything else happens in the main loop (converter.cc).
#ifndef CV2MIDI_FIRMWARE_CONVERTER_H_
#define CV2MIDI_FIRMWARE_CONVERTER_H_

#include <avr/io.h>
#include <stdint.h>

#include "core/capture_clock.h"
#include "core/ticks.h"
#include "hal/board.h"
#include "hal/send_at.h"
#include "hal/timers.h"
#include "hal/uart.h"

namespace cv2midi {
namespace firmware {

// Edge to first byte, in CPU cycles: the capture interrupt's path to the UDR1 write (111
// cycles, measured in simavr) plus room for the longest interrupt that may be running when
// the edge comes: the Timer1 overflow, 63 cycles end to end. Interrupts run one at a time
// and the capture outranks all but INT0, so one is the most that can be ahead of it.
constexpr uint32_t kLatencyTicks = 176;
// The alarm fires this early and spins to the exact cycle: its own path to the spin is
// about 100 cycles, and the rest is room for one interrupt or main-loop lock ahead of it
// (144 was too little: a tick plus a lock under a jittery clock made one clock 22 late).
constexpr uint32_t kAlarmLeadTicks = 200;
// A due time this close is spun for at once rather than given to the alarm.
constexpr int32_t kSpinTicks = kAlarmLeadTicks + 64;

// State the interrupts share with the main loop.
struct Shared {
  CaptureClock clock;
  // The window in which an edge's first byte may go straight from the capture interrupt:
  // captures t with t - fast_from < fast_span.
  uint32_t fast_from;
  uint32_t fast_span;
  uint8_t fast_byte;  // 0: no fast path now
  // Captured edges waiting for the main loop.
  static constexpr uint8_t kEdgeSlots = 4;
  uint32_t edge_at[kEdgeSlots];
  uint8_t edge_sent[kEdgeSlots];  // 1: its first byte went at t + L
  uint8_t edge_head;
  uint8_t edge_count;
  uint8_t edges_lost;
  // The one critical byte the alarm will send, and what became of it. The alarm is armed
  // only when it is less than one 16-bit timer period away, so its compare matches once.
  uint32_t alarm_due;
  uint8_t alarm_byte;
  uint8_t alarm_state;  // kIdle, kArmed, kSent
  uint32_t alarm_sent_at;
  // Bytes from DIN in, waiting for the main loop. 64 bytes: 20 ms of a full line.
  static constexpr uint8_t kRxSlots = 64;
  uint8_t rx[kRxSlots];
  uint8_t rx_head;
  uint8_t rx_count;
  uint8_t rx_lost;
  uint8_t wake;  // Timer3 compare B: time to look at the line again
  uint8_t reset_rises;  // rising jack edges since the main loop last looked
  uint8_t reset_level;  // the jack's level at the last change
  uint8_t reset_changed;
  uint8_t tick;
};
enum : uint8_t { kIdle, kArmed, kSent };
extern Shared shared;

inline uint32_t Now() {
  const uint16_t count = hal::Timer1Count();
  return shared.clock.Extend(count, hal::Timer1OverflowPending());
}

inline void OnCapture() {
  const uint16_t count = ICR1;
  const uint32_t t = shared.clock.Extend(count, hal::Timer1OverflowPending());
  uint8_t sent = 0;
  if (shared.edge_count == 0 && shared.fast_byte != 0 &&
      t - shared.fast_from < shared.fast_span) {
    hal::SendAt(static_cast<uint16_t>(count + kLatencyTicks), shared.fast_byte);
    shared.fast_byte = 0;  // the line is taken: the main loop recomputes the window
    sent = 1;
  }
  if (shared.edge_count == Shared::kEdgeSlots) {
    ++shared.edges_lost;
    return;
  }
  const uint8_t slot = (shared.edge_head + shared.edge_count) % Shared::kEdgeSlots;
  shared.edge_at[slot] = t;
  shared.edge_sent[slot] = sent;
  ++shared.edge_count;
}

inline void OnAlarm() {
  if (shared.alarm_state != kArmed) return;
  // A match left over from before the alarm was armed: the real one is further away.
  const uint16_t left = static_cast<uint16_t>(shared.alarm_due) - hal::Timer1Count();
  if (left > static_cast<uint16_t>(kSpinTicks)) return;
  uint32_t at = shared.alarm_due;
  if (shared.alarm_byte != 0 &&
      hal::SendAt(static_cast<uint16_t>(shared.alarm_due), shared.alarm_byte) != 0) {
    at = Now();
  }
  shared.alarm_sent_at = at;
  shared.alarm_state = kSent;
  shared.fast_byte = 0;
  hal::DisarmAlarm();
}

inline void OnOverflow() { shared.clock.OnOverflow(); }

inline void OnMidiIn() {
  const uint8_t byte = hal::MidiUartRead();
  if (shared.rx_count == Shared::kRxSlots) {
    ++shared.rx_lost;
    return;
  }
  shared.rx[(shared.rx_head + shared.rx_count) % Shared::kRxSlots] = byte;
  ++shared.rx_count;
}

inline void OnWake() {
  shared.wake = 1;
  hal::DisarmWake();
}

inline void OnResetPin() {
  // The input stage inverts: the pin is low while the jack is high.
  const uint8_t high = hal::ResetIn::Read() ? 0 : 1;
  shared.reset_rises = static_cast<uint8_t>(shared.reset_rises + high);
  shared.reset_level = high;
  shared.reset_changed = 1;
  shared.fast_byte = 0;  // the next edge must see the reset first
}

inline void OnTick() { shared.tick = 1; }

void Init();
// The main loop's work after every wake-up.
void Run();
// True when an interrupt left work that Run has not seen yet.
bool WorkPending();

}  // namespace firmware
}  // namespace cv2midi

#endif  // CV2MIDI_FIRMWARE_CONVERTER_H_
