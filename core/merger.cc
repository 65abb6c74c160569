// The merge FIFO; see merger.h.
#include "core/merger.h"

#include "core/midi.h"

namespace cv2midi {

// Wraps by subtraction, not '%': the capacity is a run-time value, and on the AVR each '%'
// was a 16-bit division, a tenth of the CPU under a dense merge (profiled under simavr).
// head_ < capacity_ and size_ <= capacity_, so one subtraction is always enough.
void Merger::Put(uint8_t byte) {
  uint16_t slot = static_cast<uint16_t>(head_ + size_);
  if (slot >= capacity_) slot = static_cast<uint16_t>(slot - capacity_);
  fifo_[slot] = byte;
  ++size_;
}

void Merger::Pop() {
  head_ = static_cast<uint16_t>(head_ + 1);
  if (head_ == capacity_) head_ = 0;
  --size_;
}

void Merger::Take(const MidiEvent& e) {
  switch (e.kind) {
    case MidiEventKind::kRealTime:
      if (e.status == midi::kClock || e.status == midi::kStart ||
          e.status == midi::kContinue || e.status == midi::kStop) {
        ++stats_.clock_dropped;
      } else if (Fits(1)) {
        Put(e.status);
        ++stats_.messages;
      } else {
        ++stats_.dropped;
      }
      break;
    case MidiEventKind::kMessage: {
      if (sysex_open_ || sysex_dropping_) {
        // Cannot happen: the parser ends a SysEx before the next message. Counted anyway.
        ++stats_.dropped;
        break;
      }
      const bool keep_running = e.running && e.status == out_status_ && e.status < 0xF0;
      const uint16_t n = static_cast<uint16_t>(e.size + (keep_running ? 0 : 1));
      if (!Fits(n)) {
        ++stats_.dropped;
        break;
      }
      if (!keep_running) Put(e.status);
      for (uint8_t i = 0; i < e.size; ++i) Put(e.data[i]);
      out_status_ = e.status < 0xF0 ? e.status : 0;
      ++stats_.messages;
      break;
    }
    case MidiEventKind::kSysExStart:
      // Room for F0, one data byte and the F7 at least; otherwise the whole SysEx goes.
      if (Fits(3)) {
        Put(0xF0);
        sysex_open_ = true;
        sysex_fed_ = true;
        out_status_ = 0;
      } else {
        sysex_dropping_ = true;
        ++stats_.dropped;
      }
      break;
    case MidiEventKind::kSysExData:
      if (sysex_open_) {
        if (Fits(1)) {
          Put(e.data[0]);
          sysex_fed_ = true;
        } else {
          // Past the line rate for longer than the FIFO holds: close it early, count it.
          sysex_open_ = false;
          Put(0xF7);
          sysex_dropping_ = true;
          ++stats_.sysex_truncated;
        }
      }
      break;
    case MidiEventKind::kSysExEnd:
      if (sysex_open_) {
        sysex_open_ = false;
        Put(0xF7);  // into the byte kept for it
        ++stats_.messages;
      }
      sysex_dropping_ = false;
      break;
    case MidiEventKind::kNone:
      break;
  }
}

bool Merger::CloseIfStalled(uint32_t now) {
  if (size_ != 0 || sysex_fed_) {
    // Bytes to send, or new ones: the source is alive, and the line is not waiting for it.
    sysex_fed_ = false;
    dry_since_ = now;
    return false;
  }
  if (TicksUntil(dry_since_, now) < static_cast<int32_t>(kSysExStallTicks)) return false;
  sysex_open_ = false;
  Put(0xF7);  // into the byte kept for it
  sysex_dropping_ = true;  // until the source's SysEx ends
  ++stats_.sysex_stalled;
  return true;
}

}  // namespace cv2midi
