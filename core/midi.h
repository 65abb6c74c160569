// MIDI bytes the converter generates (MIDI 1.0 system real-time and common messages).
#ifndef CV2MIDI_CORE_MIDI_H_
#define CV2MIDI_CORE_MIDI_H_

#include <stdint.h>

namespace cv2midi {
namespace midi {

constexpr uint8_t kClock = 0xF8;
constexpr uint8_t kStart = 0xFA;
constexpr uint8_t kContinue = 0xFB;
constexpr uint8_t kStop = 0xFC;
constexpr uint8_t kSongPosition = 0xF2;

// Clocks per MIDI beat (a sixteenth note), the unit of Song Position Pointer.
constexpr uint8_t kClocksPerMidiBeat = 6;
constexpr uint8_t kClocksPerQuarter = 24;
// Song Position Pointer is 14 bits of MIDI beats.
constexpr uint16_t kSongPositionBeats = 16384;

}  // namespace midi
}  // namespace cv2midi

#endif  // CV2MIDI_CORE_MIDI_H_
