// The DIN line in the firmware: books what core's DinLine decides into the wire schedule,
// keeps the transmitter fed, passes what went out to the host, wakes the loop when the
// next booking is due, and publishes the capture interrupt's fast window.
#include <util/atomic.h>

#include "core/din_line.h"
#include "firmware/parts.h"
#include "hal/midi_tx.h"
#include "hal/timers.h"

namespace cv2midi {
namespace hal {
MidiTx midi_tx;
}  // namespace hal

namespace firmware {

WireSchedule wire;
// DIN out's merged sources: DIN in and USB OUT, each with its own whole-message FIFO.
namespace {
uint8_t din_fifo[128];
uint8_t usb_fifo[64];
}  // namespace
Merger din_merger(din_fifo, sizeof(din_fifo));
Merger usb_merger(usb_fifo, sizeof(usb_fifo));

namespace {

DinLine line;

// A wake-up is armed on Timer3 only when it is less than a timer period away (less the
// tick that would otherwise come first); further ones wait for a later 1 ms tick.
constexpr int32_t kWakeReach = 0x10000L - 2 * 16000L;

// Closer than this, a wake-up is taken at once rather than armed.
constexpr int32_t kWakeMargin = 48;

uint16_t Low(uint32_t ticks) { return static_cast<uint16_t>(ticks); }

void PublishFastWindow(uint32_t now) {
  const ClockEngine::FastEdge fast = engine.fast_edge(now);
  const uint16_t changes = hal::FrameChanges(fast.byte);
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    shared.fast_from = fast.from;
    shared.fast_span = fast.until - fast.from;
    shared.fast_changes = changes;
    shared.fast_byte = fast.byte;
  }
}

// Arms a Timer3 compare to wake the loop at `at`. One that is already (nearly) due wakes it
// at once instead: a compare set at or behind the count would match only a period later.
void WakeAt(uint32_t at, void (*arm)(uint16_t)) {
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    const int32_t left = TicksUntil(Now(), at);
    if (left < kWakeMargin) {
      shared.wake = 1;
    } else if (left < kWakeReach) {
      arm(Low(at));
    }
  }
}

void Retire(uint32_t now) {
  WireSchedule::Frame f;
  for (;;) {
    bool retired;
    ATOMIC_BLOCK(ATOMIC_FORCEON) { retired = wire.Retire(now, &f); }
    if (!retired) return;
    if (f.tag == WireSchedule::kEngine) EngineByteToHost(f.byte);
  }
}

}  // namespace

void InitLine(uint32_t now) {
  wire.Init(now);
  line.Init(&din_merger, &usb_merger);
  hal::InitMidiTx();
}

void KickLine() {
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    if (!hal::midi_tx.busy) hal::TakeNextFrame(wire);
  }
}

bool LineBusy() { return !wire.idle(); }

__attribute__((noinline)) void ServiceLine() {
  const uint32_t now = AtomicNow();
  hal::midi_tx.started = 0;
  Retire(now);
  ATOMIC_BLOCK(ATOMIC_FORCEON) { wire.Poll(now); }
  DinLine::Booking b;
  while (line.Next(now, engine, wire, shared.edge_count == 0, &b)) {
    if (b.what != DinLine::kMerged) WithdrawFastWindow();
    if (b.what != DinLine::kSilence) {
      const uint8_t tag = b.what == DinLine::kMerged ? WireSchedule::kMerged : WireSchedule::kEngine;
      ATOMIC_BLOCK(ATOMIC_FORCEON) {
        wire.Book(b.at, b.byte, tag);
        if (!hal::midi_tx.busy) hal::TakeNextFrame(wire);
      }
    }
    line.Commit(b, &engine);
  }
  if (line.has_critical_wake()) {
    WakeAt(line.critical_wake(), &hal::ArmAlarm);
  } else {
    hal::DisarmAlarm();
  }
  if (line.has_merge_wake()) {
    WakeAt(line.merge_wake(), &hal::ArmWake);
  } else {
    hal::DisarmWake();
  }
  PublishFastWindow(now);
}

}  // namespace firmware
}  // namespace cv2midi
