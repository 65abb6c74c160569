// Splits an incoming MIDI byte stream into real-time bytes, whole messages and SysEx
// bytes, following MIDI 1.0: running status, real-time bytes anywhere, SysEx of any
// length. Stray data bytes and messages cut short by a new status are dropped and counted.
#ifndef CV2MIDI_CORE_MIDI_PARSER_H_
#define CV2MIDI_CORE_MIDI_PARSER_H_

#include <stdint.h>

namespace cv2midi {

enum class MidiEventKind : uint8_t {
  kNone,
  kRealTime,    // `status` is the byte (F8..FF)
  kMessage,     // a channel or system common message: status + size data bytes
  kSysExStart,  // F0
  kSysExData,   // `data[0]`
  kSysExEnd,    // the SysEx ended: by F7, or cut short by another status (`cut` set)
};

struct MidiEvent {
  MidiEventKind kind = MidiEventKind::kNone;
  uint8_t status = 0;
  uint8_t data[2] = {0, 0};
  uint8_t size = 0;      // data bytes of a message
  bool running = false;  // the message came without its status byte (running status)
  bool cut = false;      // a SysEx ended without F7
};

class MidiParser {
 public:
  // Up to two events can come of one byte: a SysEx cut short, then the new message.
  // Returns how many it wrote to `out`.
  uint8_t Feed(uint8_t byte, MidiEvent out[2]);

  uint32_t stray_bytes() const { return stray_; }
  uint32_t truncated() const { return truncated_; }

  // Data bytes a message with this status carries; 0xFF for bytes that are not a message
  // status (real-time, SysEx, undefined).
  static uint8_t DataBytes(uint8_t status);

 private:
  uint8_t status_ = 0;  // running status, 0 when none
  uint8_t expected_ = 0;
  uint8_t count_ = 0;
  uint8_t data_[2] = {0, 0};
  bool fresh_ = false;  // the status byte of the message being gathered was in the stream
  bool in_sysex_ = false;
  uint32_t stray_ = 0;
  uint32_t truncated_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_MIDI_PARSER_H_
