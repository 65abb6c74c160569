// Takes one source's parser events and sets aside the SysEx messages of the settings
// protocol (sysex_config.h): a SysEx is held until its first four bytes show whose it is.
// Anything else passes on unchanged, in order.
#ifndef CV2MIDI_CORE_CONFIG_TAP_H_
#define CV2MIDI_CORE_CONFIG_TAP_H_

#include <stddef.h>
#include <stdint.h>

#include "core/midi_parser.h"
#include "core/sysex_config.h"

namespace cv2midi {

class ConfigTap {
 public:
  // Writes the events to pass on (0..4) to `out`, returns how many.
  uint8_t Take(const MidiEvent& event, MidiEvent out[4]);
  // A whole request of ours, once one has ended; its bytes F0 ... F7.
  bool TakeRequest(uint8_t* msg, size_t* size);

 private:
  enum class State : uint8_t { kOutside, kDeciding, kPassing, kOurs, kTooLong };
  State state_ = State::kOutside;
  uint8_t buf_[sysex::kMaxMessage] = {};
  uint8_t size_ = 0;
  bool ready_ = false;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_CONFIG_TAP_H_
