// What goes on the DIN line, and when: the engine's clock and transport bytes at their due
// ticks, then its Stop and Song Position and the merged messages (DIN in, USB in) where
// they end before the next clock is due and the next pulse is expected. It decides; the
// wire schedule holds the bookings; the transmitter sends them.
#ifndef CV2MIDI_CORE_DIN_LINE_H_
#define CV2MIDI_CORE_DIN_LINE_H_

#include <stdint.h>

#include "core/clock_engine.h"
#include "core/delay_line.h"
#include "core/merger.h"
#include "core/midi.h"
#include "core/wire_schedule.h"

namespace cv2midi {

class DinLine {
 public:
  // A clock or transport byte is booked this long before it is due: more than the main
  // loop's longest pass, so it never books one late.
  static constexpr uint32_t kHorizon = 8192;
  // No frame is booked to start sooner than this after now: room for the caller to book it
  // and arm the transmitter.
  static constexpr uint32_t kLead = 1024;
  // A merged or transport byte is booked only when the line frees within this, so a pulse
  // that comes unexpected waits for at most the frame on the line and this.
  static constexpr uint32_t kMergeLead = 2048;
  // The least lead a timeout's Stop keeps when it waits for an expected edge's window;
  // and, following by less than this, how much before it is due the Stop is handed over
  // (inside the timeout's grace), so that the line can still book it on its tick.
  static constexpr uint32_t kStopLead = 2048;
  // A merged byte keeps this much further clear of the next clock and the expected pulse
  // than its own frame: the transmitter may start it late (an interrupt or interrupts-off
  // section in its way, seen at up to 575 cycles under a full DIN in), and late it must still
  // end outside the pulse's window.
  static constexpr uint32_t kMergeSlack = 640;

  // kSilence: the end of a silence while stopped, which books nothing but must be acted on.
  // kTimeoutStop: the timeout's Stop, booked ahead like a clock so that it leaves on its
  // tick, but only tentatively: an edge before its start bit takes it back (CancelStop),
  // and the engine hears of it once it has left (ConfirmStop).
  // kDelayed: a byte the engine sent the earlier output (USB) already, due here `delay`
  // later (Follow).
  enum What : uint8_t { kCritical, kSoon, kMerged, kSilence, kTimeoutStop, kDelayed };
  struct Booking {
    uint32_t at;
    uint8_t byte;
    What what;
    Merger* source;  // kMerged: whose byte
  };

  // The merged sources: DIN in and USB OUT (either may be null).
  void Init(Merger* din, Merger* usb);
  // DIN's shift is the later one: the engine's clock and transport bytes reach the line
  // through `delayed`, each at its tick, and the engine's own schedule (its expected pulse,
  // its next byte) lies `delay` earlier than the line's. Null: the line books the engine's
  // bytes itself.
  void Follow(DelayLine* delayed, uint32_t delay) {
    delayed_ = delayed;
    delay_ = delayed != nullptr ? delay : 0;
  }

  // The next byte to book now (or a silence to act on), given where the line frees
  // (WireSchedule::FreeAt) and whether the schedule is full: a snapshot, so that the
  // interrupts that also book and take frames cannot tear it. `merge_ok` is false while an edge waits to be taken: its burst comes
  // before any merged byte. When it returns false, wake() says when to look again.
  bool Next(uint32_t now, const ClockEngine& engine, uint32_t line_free, bool wire_full,
            bool merge_ok, Booking* booking);
  // `booking` is on the schedule: its source moves on.
  void Commit(const Booking& booking, ClockEngine* engine);

  // Following: hands the engine's bytes to the earlier output as they fall due (up to
  // kHorizon ahead; a timeout's Stop only once the silence has lasted, so no edge can take
  // it back) and moves them into the delay for this line, with the real-time transport
  // bytes that wait for room (a Stop from the button). `sent(byte)` is the earlier
  // output, which takes a byte while `sent.room()`. Stops when the delay is full, or the
  // earlier output is (then it is to look again at once). Returns whether the engine has a
  // byte yet to hand over, and when (`*wake`).
  template <typename Sink>
  __attribute__((noinline)) bool Lead(uint32_t now, ClockEngine* engine, Sink sent, uint32_t* wake) {
    while (!delayed_->full()) {
      if (!sent.room()) {
        *wake = now;
        return true;
      }
      // This line's next byte first: one that is due to be booked goes before the engine
      // hands over more (each byte of a burst is engine work that would keep the line
      // waiting). Booking it brings the loop back here; a full schedule, the frame that
      // frees a slot.
      if (!delayed_->empty() && !Before(now, delayed_->front_at() - kHorizon)) return false;
      if (engine->soon_pending() && soon_left_ == 0 && engine->soon_front() >= midi::kClock) {
        const uint8_t byte = engine->soon_front();
        delayed_->Push(now + delay_, byte);
        sent(byte);
        engine->SoonSent();
        continue;
      }
      uint32_t due;
      uint8_t byte;
      bool sends;
      if (!engine->PeekCritical(&due, &byte, &sends)) return false;
      // A silence's end is acted on when it comes; a timeout's Stop is handed over when it
      // is due, or early enough that a short delay still leaves room to book it here.
      uint32_t from = due - kHorizon;
      if (!sends) {
        from = due;
      } else if (engine->critical_is_timeout_stop()) {
        from = delay_ >= kStopLead ? due : due - (kStopLead - delay_);
      }
      if (Before(now, from)) {
        *wake = from;
        return true;
      }
      if (sends) {
        delayed_->Push(due + delay_, byte);
        sent(byte);
      }
      engine->CriticalSent();
    }
    return false;
  }
  bool following() const { return delayed_ != nullptr; }
  // A timeout's Stop that Next offers to start at `start` waits: an edge that comes while
  // the tentative Stop is booked takes it back, but too late for its own byte at t + L.
  // When the next edge is due after the Stop's horizon opens (intervals under about 7300
  // ticks: 48 and 96 PPQN from about 2700 and 1400 BPM), the Stop is booked once that
  // edge's window has passed, if that leaves it kStopLead. True: it waits, and `*until` is
  // when to look again (WaitUntil).
  static bool StopWaitsForEdge(const ClockEngine& engine, uint32_t now, uint32_t start,
                               uint32_t* until);
  // Nothing is booked now: the critical wake-up is at `t`.
  void WaitUntil(uint32_t t) {
    has_critical_wake_ = true;
    critical_wake_ = t;
  }

  // A tentative Stop is booked; it leaves at stop_at().
  bool stop_booked() const { return stop_booked_; }
  uint32_t stop_at() const { return stop_at_; }
  // Its start bit has left by `now` (the silence did last): the engine stops. Call before
  // acting on an edge captured at `now`, and on every pass.
  void ConfirmStop(uint32_t now, ClockEngine* engine);
  // An edge came before its start bit, and the transmitter and schedule let it go.
  void CancelStop() { stop_booked_ = false; }

  // When Next next has work, at the latest (a critical byte's booking, or the line freeing
  // for a merged one); `has_*` false: nothing waits of that kind.
  bool has_critical_wake() const { return has_critical_wake_; }
  uint32_t critical_wake() const { return critical_wake_; }
  bool has_merge_wake() const { return has_merge_wake_; }
  uint32_t merge_wake() const { return merge_wake_; }

 private:
  Merger* NextSource() const;

  // Nothing due in [start, start + window) on the line: the engine's schedule, moved by
  // the delay, and the bytes waiting to follow it.
  bool Quiet(const ClockEngine& engine, uint32_t start, uint32_t window) const {
    if (delayed_ == nullptr) return engine.Quiet(start, window);
    if (!delayed_->empty() && Before(delayed_->front_at(), start + window)) return false;
    return engine.Quiet(start - delay_, window);
  }

  Merger* sources_[2] = {nullptr, nullptr};
  DelayLine* delayed_ = nullptr;
  uint32_t delay_ = 0;
  Merger* line_source_ = nullptr;  // whose message the wire carries now
  uint8_t soon_left_ = 0;          // bytes of a transport message still to book back to back
  bool stop_booked_ = false;       // a tentative timeout Stop is on the schedule
  uint32_t stop_at_ = 0;
  bool has_critical_wake_ = false;
  uint32_t critical_wake_ = 0;
  bool has_merge_wake_ = false;
  uint32_t merge_wake_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_DIN_LINE_H_
