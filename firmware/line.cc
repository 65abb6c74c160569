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
// The later output's bytes: DIN's when it follows (line.following()), else the host's.
DelayLine delayed;
OutputDelays delays;

// A wake-up is armed on Timer3 only when it is less than a timer period away (less the
// tick that would otherwise come first); further ones wait for a later 1 ms tick.
constexpr int32_t kWakeReach = 0x10000L - 2 * 16000L;

// A merged or transport byte is booked only while its start is at least this far ahead.
constexpr int32_t kBookMargin = 160;
// Closer than this, a wake-up is taken at once rather than armed.
constexpr int32_t kWakeMargin = 48;

uint16_t Low(uint32_t ticks) { return static_cast<uint16_t>(ticks); }

void PublishFastWindow(uint32_t now) {
  // From where the line frees: the transmitter lets go of a frame at its last level change,
  // which can be well before its stop bit ends, so only the schedule knows.
  uint32_t line_free;
  ATOMIC_BLOCK(ATOMIC_FORCEON) { line_free = wire.FreeAt(now); }
  // Following, the line's times lie the delay later than the engine's: the edge's byte
  // goes at t + delay + the follow delay, straight to the line while the delay holds
  // nothing before it and the sum is within the capture's reach; else through the delay.
  const uint32_t follow = delays.din;
  ClockEngine::FastEdge fast = engine.fast_edge(now, line_free - follow);
  const uint32_t delay = fast.delay + follow;
  if (follow != 0 && (!delayed.empty() || delay > kLatencyTicks + ClockEngine::kFastShiftReach)) {
    fast.byte = 0;
  }
  const uint16_t changes = FrameChanges(fast.byte);
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    shared.fast_from = fast.from;
    shared.fast_span = fast.until - fast.from;
    shared.busy_from = fast.earliest;
    shared.busy_span = fast.busy_until - fast.earliest;
    shared.fast_delay = static_cast<uint16_t>(delay);
    shared.fast_tag = follow != 0 ? WireSchedule::kFollowed : WireSchedule::kEngine;
    shared.fast_changes = changes;
    shared.fast_byte = fast.byte;
  }
}

// Arms a Timer3 compare to wake the loop at `at`. One that is already (nearly) due wakes it
// at once instead: a compare set at or behind the count would match only a period later.
// A wake-up too far for Timer3: a later 1 ms tick looks again once it comes within reach.
bool far_pending;
uint32_t far_at;

void WakeAt(uint32_t at, void (*arm)(uint16_t)) {
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    const int32_t left = TicksUntil(Now(), at);
    if (left < kWakeMargin) {
      shared.wake = 1;
    } else if (left < kWakeReach) {
      arm(Low(at));
    } else if (!far_pending || Before(at, far_at)) {
      far_pending = true;
      far_at = at;
    }
  }
}

// Frames that have gone out free their slots at once; what the host gets of them waits
// until the line has booked what was due (an edge's burst must not wait for USB).
uint8_t gone_bytes[WireSchedule::kSlots];
uint32_t gone_starts[WireSchedule::kSlots];
uint8_t gone_count;

void Retire(uint32_t now) {
  WireSchedule::Frame f;
  while (gone_count < WireSchedule::kSlots) {
    bool retired;
    ATOMIC_BLOCK(ATOMIC_FORCEON) { retired = wire.Retire(now, &f); }
    if (!retired) return;
    if (f.tag != WireSchedule::kEngine) continue;
    gone_bytes[gone_count] = f.byte;
    gone_starts[gone_count] = f.start;
    ++gone_count;
  }
}

__attribute__((noinline)) void PassGone() {
  for (uint8_t i = 0; i < gone_count; ++i) {
    // The host follows DIN by its delay; a full delay line lets the byte go early rather
    // than lose it.
    if (delays.usb == 0 || !delayed.Push(gone_starts[i] + delays.usb, gone_bytes[i])) {
      EngineByteToHost(gone_bytes[i]);
    }
  }
  gone_count = 0;
}

}  // namespace

__attribute__((noinline)) void HostAfterBooking(uint8_t byte) {
  if (gone_count == WireSchedule::kSlots) PassGone();
  gone_bytes[gone_count] = byte;
  gone_starts[gone_count] = 0;
  ++gone_count;
}

// The host as the earlier output: its bytes wait in the retired-frame buffer until the
// line has booked what was due (an edge's burst must not wait for USB).
struct HostSink {
  bool room() const { return gone_count < WireSchedule::kSlots; }
  void operator()(uint8_t byte) const { HostAfterBooking(byte); }
};

void ReleaseToHost(uint32_t now) {
  if (line.following()) return;
  while (delayed.Due(now)) {
    EngineByteToHost(delayed.front_byte());
    delayed.Pop();
  }
}

bool LineSettled() { return delayed.empty(); }

bool LineFollows() { return line.following(); }

bool HostFollows() { return delays.usb != 0 && !delayed.empty(); }

void SetOutputDelays(const OutputDelays& d) {
  delays = d;
  delayed.Clear();
  line.Follow(d.din != 0 ? &delayed : nullptr, d.din);
}

void InitLine(uint32_t now) {
  wire.Init(now);
  line.Init(&din_merger, &usb_merger);
  hal::InitMidiTx();
}

__attribute__((noinline)) void TakeFrameIfIdle() {
  if (!hal::midi_tx.busy) hal::TakeNextFrame(wire);
}

void KickLine() {
  ATOMIC_BLOCK(ATOMIC_FORCEON) { TakeFrameIfIdle(); }
}

void SettleStop(uint32_t now, bool edge) {
  bool cancelled = false;
  bool confirmed = false;
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    // The capture takes a Stop back as it comes; one booked while its edge waited is taken
    // back here the same way.
    if (edge && shared.stop_armed) CancelStop();
    cancelled = shared.stop_cancelled != 0;
    shared.stop_cancelled = 0;
    // A Stop still booked when an edge is to be seen could not be taken back: it is on the
    // line, so the engine stops first and the edge restarts the clock.
    if (!cancelled && line.stop_booked() && (edge || !Before(now, line.stop_at()))) {
      shared.stop_armed = 0;
      confirmed = true;
    }
  }
  if (cancelled) {
    line.CancelStop();
  } else if (confirmed) {
    WithdrawFastWindow();
    line.ConfirmStop(Later(now, line.stop_at()), &engine);
  }
}

bool LineWakeNear(uint32_t now) {
  return far_pending && TicksUntil(now, far_at) < kWakeReach;
}

namespace {
bool news;  // a merged source or the engine has something new since ServiceLine last looked
bool waits_for_slot;  // the schedule was full: a frame that goes out makes room to book
}  // namespace

void LineHasNews() { news = true; }

void RetireSent() {
  hal::midi_tx.started = 0;
  Retire(AtomicNow());
  PassGone();
}

bool LineNeedsService() { return shared.wake || news || (hal::midi_tx.started && waits_for_slot); }

bool LineWorkPending() {
  return !din_merger.empty() || !usb_merger.empty() || engine.soon_pending();
}

__attribute__((noinline)) void ServiceLine(bool to_host) {
  const uint32_t now = AtomicNow();
  far_pending = false;
  news = false;
  if (to_host) {
    hal::midi_tx.started = 0;
    Retire(now);
  }
  SettleStop(now, false);
  ATOMIC_BLOCK(ATOMIC_FORCEON) { wire.Poll(now); }
  DinLine::Booking b;
  uint32_t at = now;
  bool lead_wake = false;
  uint32_t lead_at = 0;
  for (;;) {
    if (line.following()) lead_wake = line.Lead(at, &engine, HostSink(), &lead_at);
    uint32_t line_free;
    bool full;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      line_free = wire.FreeAt(at);
      full = wire.full();
    }
    waits_for_slot = full;
    if (!line.Next(at, engine, line_free, full, shared.edge_count == 0, &b)) break;
    uint32_t stop_waits_until;
    if (b.what == DinLine::kTimeoutStop &&
        DinLine::StopWaitsForEdge(engine, at, b.at, &stop_waits_until)) {
      line.WaitUntil(stop_waits_until);
      break;
    }
    // The end of a silence while stopped that a captured edge, not yet taken, came before:
    // that edge ends it. Acted on first, it would make the edge a restart (at 48/96 PPQN a
    // new group: a clock on the wrong pulse). Run takes the edge, then looks again. (The
    // head slot is the main loop's while edge_count is not 0.)
    if (b.what == DinLine::kSilence && shared.edge_count != 0 &&
        Before(shared.edge_at[shared.edge_head], b.at)) {
      break;
    }
    if (b.what != DinLine::kMerged) WithdrawFastWindow();
    bool booked = true;
    if (b.what != DinLine::kSilence) {
      const uint8_t tag = b.what == DinLine::kMerged    ? WireSchedule::kMerged
                          : b.what == DinLine::kDelayed ? WireSchedule::kFollowed
                                                        : WireSchedule::kEngine;
      // Interrupts since `at` may have eaten the lead: a byte that is not due at a tick of
      // its own is then decided again from a fresh now, rather than arming late.
      if (b.what != DinLine::kCritical && TicksUntil(AtomicNow(), b.at) < kBookMargin) {
        booked = false;
      } else {
        // Two short interrupts-off sections rather than one long one: every one of them
        // counts against the latency L (see the README).
        ATOMIC_BLOCK(ATOMIC_FORCEON) {
          if ((b.what == DinLine::kTimeoutStop || b.what == DinLine::kMerged) &&
              shared.edge_count != 0) {
            // An edge came since the loop looked: it may end the silence, so no Stop now;
            // and its burst goes before any merged byte (the capture may have booked the
            // first of it already).
            booked = false;
          } else {
            const uint32_t start = wire.Book(b.at, b.byte, tag);
            if (b.what == DinLine::kTimeoutStop) {
              b.at = start;
              shared.stop_start = Low(start);
              shared.stop_armed = 1;
            }
          }
        }
        if (booked) KickLine();
      }
    }
    if (booked) {
      line.Commit(b, &engine);
    } else if (b.what == DinLine::kTimeoutStop) {
      break;  // the edge comes first: Run takes it and looks again
    }
    at = AtomicNow();
  }
  if (line.stop_booked()) {
    WakeAt(line.stop_at() + 1, &hal::ArmAlarm);  // then the engine hears of the Stop
  } else if (line.has_critical_wake() || lead_wake) {
    const uint32_t wake = !line.has_critical_wake()                       ? lead_at
                          : lead_wake && Before(lead_at, line.critical_wake()) ? lead_at
                                                                           : line.critical_wake();
    WakeAt(wake, &hal::ArmAlarm);
  } else {
    hal::DisarmAlarm();
  }
  if (line.has_merge_wake()) {
    WakeAt(line.merge_wake(), &hal::ArmWake);
  } else {
    hal::DisarmWake();
  }
  PublishFastWindow(now);
  PassGone();
}

}  // namespace firmware
}  // namespace cv2midi
