// USB-MIDI 1.0 event packets (USB Device Class Definition for MIDI Devices, section 4):
// four bytes, cable number and Code Index Number (CIN) in the first, MIDI in the rest.
#ifndef CV2MIDI_CORE_USB_MIDI_PACKET_H_
#define CV2MIDI_CORE_USB_MIDI_PACKET_H_

#include <stddef.h>
#include <stdint.h>

#include "core/midi_parser.h"

namespace cv2midi {

struct UsbMidiPacket {
  uint8_t b[4];
};

// A real-time byte (F8-FF) as its packet: CIN 0xF, the byte, two zeros. Needs no state, so
// a clock can skip the parser and the encoder.
UsbMidiPacket RealTimePacket(uint8_t status);

// The CIN of a whole message with this status (table 4-1); 0 for SysEx, which takes 4-7.
uint8_t CodeIndex(uint8_t status, uint8_t data_bytes);

// MIDI bytes a packet with this CIN carries: 0 for reserved CINs 0 and 1.
uint8_t PacketBytes(uint8_t cin);

// Packets a whole SysEx of `bytes` bytes (F0 to F7) takes: three bytes a packet.
inline uint8_t UsbPacketsOfSysEx(size_t bytes) { return static_cast<uint8_t>((bytes + 2) / 3); }

// Turns parser events into packets on cable 0. A message is one packet; a SysEx goes
// three bytes a packet (CIN 4) and ends with CIN 5, 6 or 7.
class UsbMidiEncoder {
 public:
  // Returns how many packets (0..2) it wrote to `out`.
  uint8_t Encode(const MidiEvent& event, UsbMidiPacket out[2]);

 private:
  uint8_t sysex_[3] = {0, 0, 0};
  uint8_t sysex_count_ = 0;
  bool sysex_open_ = false;
};

// Turns packets from the host back into parser events: whole messages with their status
// written out, and SysEx as start, data and end. Reserved CINs and malformed packets are
// dropped and counted.
class UsbMidiDecoder {
 public:
  // Returns how many events (0..5) it wrote to `out`.
  uint8_t Decode(const UsbMidiPacket& packet, MidiEvent out[5]);
  uint32_t rejected() const { return rejected_; }

 private:
  uint8_t SysEx(const UsbMidiPacket& p, uint8_t count, bool ends, MidiEvent out[5]);

  bool in_sysex_ = false;
  uint32_t rejected_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_USB_MIDI_PACKET_H_
