// The wiring of the clock engine to the hardware: the state the interrupts share with the
// main loop, and the interrupt bodies. They do only what must happen on the cycle: extend
// a capture stamp, arm an edge's first frame, load the transmitter's next bit change,
// count an overflow, take a received byte. The rest is the main loop's (converter.cc).
#ifndef CV2MIDI_FIRMWARE_CONVERTER_H_
#define CV2MIDI_FIRMWARE_CONVERTER_H_

#include <avr/io.h>
#include <stdint.h>

#include "core/capture_clock.h"
#include "core/ticks.h"
#include "core/wire_schedule.h"
#include "hal/board.h"
#include "hal/midi_tx.h"
#include "hal/timers.h"
#include "hal/uart.h"

namespace cv2midi {
namespace firmware {

// Edge to the first clock's start bit on the pin, in CPU cycles: the capture interrupt's
// path to its OCR1A write plus room for the longest interrupt or interrupts-off section
// that may be running when the edge comes (see the README's timing section).
constexpr uint32_t kLatencyTicks = 256;

// State the interrupts share with the main loop.
struct Shared {
  CaptureClock clock;
  // The window in which an edge's first frame may be armed straight from the capture
  // interrupt: captures t with t - fast_from < fast_span, while the line has nothing
  // booked ahead and the frame on it (if any) ends by t + fast_delay.
  uint32_t fast_from;
  uint32_t fast_span;
  // Captures t with t - busy_from < busy_span that find a frame on the line send
  // fast_byte as it ends (ClockEngine::FastEdge).
  uint32_t busy_from;
  uint32_t busy_span;
  uint16_t fast_delay;  // L, plus a small positive shift (ClockEngine::kFastShiftReach)
  uint8_t fast_byte;  // 0: no fast path now
  uint8_t fast_tag;   // WireSchedule::kEngine, or kFollowed while DIN follows the host
  uint16_t fast_changes;  // FrameChanges(fast_byte)
  // Captured edges waiting for the main loop.
  static constexpr uint8_t kEdgeSlots = 4;
  uint32_t edge_at[kEdgeSlots];
  uint8_t edge_sent[kEdgeSlots];  // not 0: this first byte is booked at t + fast_delay
  uint8_t edge_head;
  uint8_t edge_count;
  uint8_t edges_lost;
  // Bytes from DIN in, waiting for the main loop. 64 bytes: 20 ms of a full line.
  static constexpr uint8_t kRxSlots = 64;
  uint8_t rx[kRxSlots];
  uint8_t rx_head;
  uint8_t rx_count;
  uint8_t rx_lost;
  uint8_t wake;         // Timer3 compare A or B: time to book on the line again
  // The timeout's Stop, booked ahead but tentatively: an edge captured before its start bit
  // takes it back (the capture interrupt), and says so.
  uint8_t stop_armed;
  uint16_t stop_start;  // low 16 bits of its start tick
  uint8_t stop_cancelled;
  uint8_t reset_rises;  // rising jack edges since the main loop last looked
  uint8_t reset_level;  // the jack's level at the last change
  uint8_t reset_changed;
  uint8_t reset_gate;   // the engine's reset mode is run gate: the jack's fall counts too
  uint8_t tick;
};
extern Shared shared;
// The DIN line's bookings: the main loop books, the capture interrupt books an edge's
// first frame, the transmitter interrupt takes them.
extern WireSchedule wire;

inline uint32_t Now() {
  const uint16_t count = hal::Timer1Count();
  return shared.clock.Extend(count, hal::Timer1OverflowPending());
}

// An edge before the tentative Stop's start bit: the silence did not last. The Stop is the
// last frame booked (nothing is booked behind it); the transmitter lets go of it unless its
// start bit is about to leave or has left, which the count says, not the edge's time: an
// edge just before the Stop can reach this after the start bit. Interrupts off.
inline void CancelStop() {
  if (!shared.stop_armed ||
      static_cast<int16_t>(shared.stop_start - 1 - TCNT1) < hal::kArmPath) {
    return;
  }
  if (hal::midi_tx.busy && !wire.pending()) {
    if (hal::midi_tx.pos != 0) return;  // a frame on the line: the Stop has started
    hal::GoIdle();  // armed, its start bit not yet out
  }
  wire.Unbook();
  shared.stop_armed = 0;
  shared.stop_cancelled = 1;
}

// The transmitter takes the schedule's next frame if it has none (line.cc). Interrupts off.
void TakeFrameIfIdle();

inline void OnCapture() {
  const uint16_t count = ICR1;
  const uint32_t t = shared.clock.Extend(count, hal::Timer1OverflowPending());
  uint8_t sent = 0;
  uint8_t fast = shared.fast_byte;
  if (shared.stop_armed) {
    CancelStop();
    // A Stop that could not be taken back is on the line: the edge restarts the clock,
    // which is the main loop's to decide.
    if (shared.stop_armed) fast = 0;
  }
  if (shared.edge_count == 0 && fast != 0) {
    const bool busy = hal::midi_tx.busy != 0;
    if (!busy && !wire.pending()) {
      const uint16_t start = static_cast<uint16_t>(count + shared.fast_delay);
      if (t - shared.fast_from < shared.fast_span) {
        // Too late for L (never, if L covers what can delay this interrupt): the main loop
        // books the byte instead, and the report shows the latency that edge got.
        if (static_cast<int16_t>(start - 1 - TCNT1) >= hal::kArmPath) {
          hal::ArmFrame(start, shared.fast_changes);
          wire.Book(t + shared.fast_delay, fast, shared.fast_tag);
          wire.Take();
          sent = fast;
        }
      } else if (t - shared.busy_from < shared.busy_span) {
        // The last frame's stop bit is still on the line (the transmitter lets go at its
        // last level change): this one starts as it ends.
        wire.Book(t + shared.fast_delay, fast, shared.fast_tag);
        TakeFrameIfIdle();
        sent = fast;
      }
    } else if (busy && !wire.full() && t - shared.busy_from < shared.busy_span) {
      // A frame on the line, and maybe more queued behind it (the engine's own, committed
      // before this byte was published): this one goes as the last of them ends (or at
      // t + L, if later), and the transmitter takes it in turn (issue 11 bugs 13 and 2).
      wire.Book(t + shared.fast_delay, fast, shared.fast_tag);
      sent = fast;
    }
    shared.fast_byte = 0;  // the main loop publishes the next window
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

inline void OnMidiTxCompare() { hal::OnMidiTxCompare(wire); }

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

inline void OnWakeA() {
  shared.wake = 1;
  hal::DisarmAlarm();
}

inline void OnWakeB() {
  shared.wake = 1;
  hal::DisarmWake();
}

inline void OnResetPin() {
  // The input stage inverts: the pin is low while the jack is high.
  const uint8_t high = hal::ResetIn::Read() ? 0 : 1;
  shared.reset_rises = static_cast<uint8_t>(shared.reset_rises + high);
  shared.reset_level = high;
  shared.reset_changed = 1;
  // The next edge must see the reset first; a fall that trigger mode ignores changes
  // nothing it would send (bug 12: one just before an edge cost it the fast path).
  if (high | shared.reset_gate) shared.fast_byte = 0;
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
