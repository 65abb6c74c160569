// What goes on the DIN line, and when: the engine's clock and transport bytes at their due
// ticks, then its Stop and Song Position and the merged messages (DIN in, USB in) where
// they end before the next clock is due and the next pulse is expected. It decides; the
// wire schedule holds the bookings; the transmitter sends them.
#ifndef CV2MIDI_CORE_DIN_LINE_H_
#define CV2MIDI_CORE_DIN_LINE_H_

#include <stdint.h>

#include "core/clock_engine.h"
#include "core/merger.h"
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
  // The least lead a timeout's Stop keeps when it waits for an expected edge's window.
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
  enum What : uint8_t { kCritical, kSoon, kMerged, kSilence, kTimeoutStop };
  struct Booking {
    uint32_t at;
    uint8_t byte;
    What what;
    Merger* source;  // kMerged: whose byte
  };

  // The merged sources: DIN in and USB OUT (either may be null).
  void Init(Merger* din, Merger* usb);

  // The next byte to book now (or a silence to act on), given where the line frees
  // (WireSchedule::FreeAt) and whether the schedule is full: a snapshot, so that the
  // interrupts that also book and take frames cannot tear it. `merge_ok` is false while an edge waits to be taken: its burst comes
  // before any merged byte. When it returns false, wake() says when to look again.
  bool Next(uint32_t now, const ClockEngine& engine, uint32_t line_free, bool wire_full,
            bool merge_ok, Booking* booking);
  // `booking` is on the schedule: its source moves on.
  void Commit(const Booking& booking, ClockEngine* engine);

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

  Merger* sources_[2] = {nullptr, nullptr};
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
