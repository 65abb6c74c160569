// A strict reading of a MIDI byte stream, for checking what came out of DIN: each status
// with exactly its data bytes, running status only after channel messages, SysEx closed,
// real-time anywhere, nothing stray or undefined.
#ifndef CV2MIDI_SIM_MIDI_CHECK_H_
#define CV2MIDI_SIM_MIDI_CHECK_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "core/midi_parser.h"

namespace cv2midi {
namespace sim {

using MidiMessage = std::vector<uint8_t>;  // status written out, then its data

struct MidiReading {
  std::vector<MidiMessage> messages;
  bool valid = true;
  std::string first_fault;  // empty when valid
};

MidiReading ReadStrictly(const std::vector<uint8_t>& stream);

// What a thru path owes downstream for what a MidiParser made of its input: each message
// whole, in order (status written out, SysEx from F0 to F7), real-time bytes on their own,
// less F8 FA FB FC, which the converter drops because it is the clock master.
class ThruExpectation {
 public:
  void Take(const MidiEvent& e);
  // The input ended: a SysEx it left open is owed too, closed with F7, and may come out
  // closed earlier still (the firmware closes a SysEx whose source went quiet).
  void End();
  const std::vector<MidiMessage>& messages() const { return messages_; }

 private:
  std::vector<MidiMessage> messages_;
  MidiMessage sysex_;
  bool sysex_open_ = false;
};

// Whether `out` is `in`, or `in` a SysEx and `out` a prefix of it closed with F7.
bool SameOrCutSysEx(const MidiMessage& in, const MidiMessage& out);

// Whether `out` is `in` in order, less whole messages, where a SysEx may also come out as
// a prefix of itself closed with F7. Real-time bytes and the rest are matched apart, since
// a SysEx closed early ends before the real-time bytes that came during its rest.
struct ThruMatch {
  bool in_order = true;
  size_t delivered = 0;
  size_t missing = 0;
  size_t shortened = 0;  // SysEx that came out as a prefix
};
ThruMatch MatchThru(const std::vector<MidiMessage>& in, const std::vector<MidiMessage>& out);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_MIDI_CHECK_H_
