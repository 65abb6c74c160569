// DIN line booking policy; see din_line.h.
#include "core/din_line.h"

#include "core/midi.h"

namespace cv2midi {

void DinLine::Init(Merger* din, Merger* usb) {
  *this = DinLine();
  sources_[0] = din;
  sources_[1] = usb;
}

bool DinLine::Next(uint32_t now, const ClockEngine& engine, uint32_t line_free, bool wire_full,
                   bool merge_ok, Booking* booking) {
  has_critical_wake_ = false;
  has_merge_wake_ = false;
  if (wire_full) return false;  // the next frame that goes out brings the loop back
  const uint32_t earliest = now + kLead;

  uint32_t due;
  uint8_t byte;
  bool sends;
  if (delayed_ != nullptr) {
    if (!delayed_->empty()) {
      const uint32_t start = Later(Later(delayed_->front_at(), earliest), line_free);
      const uint32_t book_from = start - kHorizon;
      if (!Before(now, book_from)) {
        *booking = Booking{start, delayed_->front_byte(), kDelayed, nullptr};
        return true;
      }
      has_critical_wake_ = true;
      critical_wake_ = book_from;
    }
  } else if (!stop_booked_ && engine.PeekCritical(&due, &byte, &sends)) {
    if (!sends) {
      if (!Before(now, due)) {
        *booking = Booking{due, 0, kSilence, nullptr};
        return true;
      }
      has_critical_wake_ = true;
      critical_wake_ = due;
    } else {
      const uint32_t start = Later(Later(due, earliest), line_free);
      const uint32_t book_from = start - kHorizon;
      if (!Before(now, book_from)) {
        const What what = engine.critical_is_timeout_stop() ? kTimeoutStop : kCritical;
        *booking = Booking{start, byte, what, nullptr};
        return true;
      }
      has_critical_wake_ = true;
      critical_wake_ = book_from;
    }
  }

  if (!merge_ok) return false;
  Merger* source = soon_left_ != 0 ? nullptr : NextSource();
  if (!engine.soon_pending() && source == nullptr) return false;
  const uint32_t start = Later(line_free, earliest);
  if (TicksUntil(now, start) > static_cast<int32_t>(kMergeLead)) {
    has_merge_wake_ = true;
    merge_wake_ = start - kMergeLead;
    return false;
  }
  // Real-time clocks may land between the bytes of any message; nothing else may. Every
  // byte must end before the next clock is due and keep clear of the next pulse.
  if (!Quiet(engine, start, kByteTicks + kMergeSlack)) return false;
  // Following, the real-time ones go through the delay with the clock; the rest (a Song
  // Position) goes at once, as it does unshifted.
  if (engine.soon_pending() &&
      (delayed_ == nullptr || soon_left_ != 0 || engine.soon_front() < midi::kClock)) {
    const uint8_t front = engine.soon_front();
    const bool boundary = line_source_ == nullptr || line_source_->AtBoundary();
    if (soon_left_ != 0 || front >= midi::kClock || boundary) {
      *booking = Booking{start, front, kSoon, nullptr};
      return true;
    }
  }
  if (source == nullptr) return false;
  *booking = Booking{start, source->front(), kMerged, source};
  return true;
}

// Out of line: ServiceLine's loop, which has Next inlined, does not pay for it.
__attribute__((noinline)) bool DinLine::StopWaitsForEdge(const ClockEngine& engine, uint32_t now,
                                                         uint32_t start, uint32_t* until) {
  // The next edge's window ends an interval after the last edge and the jitter guard Quiet
  // allows (a 16th; its 2 ms cap is far off below kHorizon).
  const uint32_t interval = engine.interval();
  if (interval >= kHorizon) return false;
  const uint32_t after = engine.last_edge() + interval + (interval >> 4);
  if (!Before(now, after) || TicksUntil(after, start) < static_cast<int32_t>(kStopLead)) {
    return false;
  }
  *until = after;
  return true;
}

void DinLine::ConfirmStop(uint32_t now, ClockEngine* engine) {
  if (!stop_booked_ || Before(now, stop_at_)) return;
  stop_booked_ = false;
  engine->CriticalSent();
}

void DinLine::Commit(const Booking& booking, ClockEngine* engine) {
  switch (booking.what) {
    case kTimeoutStop:
      stop_booked_ = true;
      stop_at_ = booking.at;
      break;
    case kCritical:
    case kSilence:
      engine->CriticalSent();
      break;
    case kDelayed:
      delayed_->Pop();
      break;
    case kSoon:
      if (soon_left_ != 0) {
        --soon_left_;
      } else {
        soon_left_ = static_cast<uint8_t>(engine->soon_message() - 1);
      }
      engine->SoonSent();
      if (booking.byte == midi::kSongPosition) {
        // A system common message ends running status for every receiver.
        for (Merger* m : sources_) {
          if (m != nullptr) m->CancelRunningStatus();
        }
      }
      break;
    case kMerged:
      if (booking.source != line_source_ && line_source_ != nullptr) {
        line_source_->CancelRunningStatus();
      }
      line_source_ = booking.source;
      booking.source->Pop();
      break;
  }
}

// The merged source whose byte goes next: the one whose message is on the wire keeps the
// line until a boundary; then the other gets its turn, so neither starves the other. A
// SysEx whose source has nothing queued yet still holds it (the merger closes a stalled one).
Merger* DinLine::NextSource() const {
  if (line_source_ != nullptr && !line_source_->AtBoundary()) {
    return line_source_->empty() ? nullptr : line_source_;
  }
  Merger* first = line_source_ == sources_[0] ? sources_[1] : sources_[0];
  Merger* second = first == sources_[0] ? sources_[1] : sources_[0];
  if (first != nullptr && !first->empty()) return first;
  if (second != nullptr && !second->empty()) return second;
  return nullptr;
}

}  // namespace cv2midi
