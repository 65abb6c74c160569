// Merges parsed MIDI input into DIN out beside the generated clock (DESIGN.md item 13).
// Incoming F8 FA FB FC are dropped (this converter is the clock master); everything else
// passes unchanged, running status included, through a FIFO that takes whole messages or
// none. The line side pops bytes only when the clock engine says the line has room. Each
// source (DIN in, USB OUT) has its own merger; the line side switches between them only
// where both are at a message boundary. A SysEx holds the line until it ends, so a source
// that stalls inside one has it closed after kSysExStallTicks (CloseStalled).
#ifndef CV2MIDI_CORE_MERGER_H_
#define CV2MIDI_CORE_MERGER_H_

#include <stdint.h>

#include "core/midi_parser.h"
#include "core/ticks.h"

namespace cv2midi {

struct MergeStats {
  uint32_t messages = 0;         // whole messages queued (SysEx counted once)
  uint32_t dropped = 0;          // whole messages dropped for lack of room
  uint32_t clock_dropped = 0;    // incoming F8 FA FB FC
  uint32_t sysex_truncated = 0;  // SysEx longer than the room left, closed early with F7
  uint32_t sysex_stalled = 0;    // SysEx whose source went quiet inside it, closed with F7
};

class Merger {
 public:
  // The FIFO is the caller's: `capacity` bytes at `buffer`.
  constexpr Merger(uint8_t* buffer, uint16_t capacity) : fifo_(buffer), capacity_(capacity) {}

  void Take(const MidiEvent& event);

  bool empty() const { return size_ == 0; }
  uint8_t front() const { return fifo_[head_]; }
  void Pop();
  // A system common byte (e.g. Song Position) may go on the wire only here: not inside a
  // message, not inside a SysEx, not between running-status messages. A real-time byte at
  // the front is none: what follows it may be running-status data, or the rest of a SysEx.
  bool AtBoundary() const {
    if (size_ == 0) return !sysex_open_;
    const uint8_t f = front();
    return f >= 0x80 && f < 0xF8 && f != 0xF7;
  }
  // Something else went on the wire that cancels running status: a system common message
  // (Song Position) or a message from another source. Call it only at AtBoundary().
  void CancelRunningStatus() {
    if (size_ == 0) out_status_ = 0;
  }

  uint16_t size() const { return size_; }
  // Bytes a message may still take: a whole one of this size or less always fits.
  uint16_t room() const { return static_cast<uint16_t>(capacity_ - size_ - (sysex_open_ ? 1 : 0)); }

  // An open SysEx with nothing queued holds the line for its source. When that lasts this
  // long (the source stopped inside it), it is closed with F7 and the rest of it dropped.
  static constexpr uint32_t kSysExStallTicks = 100UL * kTicksPerMs;
  // Call every millisecond or so; true when it closed a stalled SysEx (a byte to send).
  bool CloseStalled(uint32_t now) { return sysex_open_ && CloseIfStalled(now); }
  const MergeStats& stats() const { return stats_; }

 private:
  bool Fits(uint16_t n) const { return size_ + n <= capacity_ - (sysex_open_ ? 1 : 0); }
  void Put(uint8_t byte);
  bool CloseIfStalled(uint32_t now);

  uint8_t* fifo_;
  uint16_t capacity_;
  uint16_t head_ = 0;
  uint16_t size_ = 0;
  uint8_t out_status_ = 0;    // running status the queued stream leaves on the wire
  bool sysex_open_ = false;   // F0 queued, F7 not yet (one byte kept for the F7)
  bool sysex_dropping_ = false;
  bool sysex_fed_ = false;    // the open SysEx took a byte since CloseStalled last looked
  uint32_t dry_since_ = 0;    // when CloseStalled first saw the open SysEx with nothing queued
  MergeStats stats_;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_MERGER_H_
