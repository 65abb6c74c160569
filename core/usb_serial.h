// The unit's USB serial number, so two modules on one computer are two devices: 32 bits
// made once from the moment of the first bus reset after power-up (outside timing, so it
// differs from unit to unit), kept in EEPROM as a block of its own apart from the settings,
// and shown to the host as the string "CV2M-" and eight hex digits.
#ifndef CV2MIDI_CORE_USB_SERIAL_H_
#define CV2MIDI_CORE_USB_SERIAL_H_

#include <stddef.h>
#include <stdint.h>

namespace cv2midi {
namespace usb {

constexpr uint16_t kSerialAddress = 0x40;  // EEPROM; the settings block sits at 0
constexpr size_t kSerialBlockBytes = 6;    // 'S', the serial (little-endian), a check byte
constexpr size_t kSerialChars = 13;        // "CV2M-" and eight hex digits
constexpr size_t kSerialStringSize = 2 + 2 * kSerialChars;

// The serial a block holds; false when the block is blank or does not check.
bool DecodeSerial(const uint8_t block[kSerialBlockBytes], uint32_t* serial);
void EncodeSerial(uint32_t serial, uint8_t block[kSerialBlockBytes]);
// Spreads the bits of a raw timestamp over all 32 (a timestamp's high bits say little), and
// never gives 0 or 0xFFFFFFFF, which look like blank memory.
uint32_t SerialFromEntropy(uint32_t entropy);
// The USB string descriptor (USB 9.6.7) of a serial.
void SerialString(uint32_t serial, uint8_t out[kSerialStringSize]);

}  // namespace usb
}  // namespace cv2midi

#endif  // CV2MIDI_CORE_USB_SERIAL_H_
