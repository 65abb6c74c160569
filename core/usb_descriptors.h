// The USB descriptors of cv2midi: a USB Audio Class 1.0 MIDIStreaming device with one MIDI
// port each way (USB Device Class Definition for MIDI Devices 1.0, appendix B). On the AVR
// the tables live in flash; the USB driver reads them with LPM.
#ifndef CV2MIDI_CORE_USB_DESCRIPTORS_H_
#define CV2MIDI_CORE_USB_DESCRIPTORS_H_

#include <stddef.h>
#include <stdint.h>

#if defined(__AVR__)
#define CV2MIDI_IN_FLASH __attribute__((__progmem__))
#else
#define CV2MIDI_IN_FLASH
#endif

namespace cv2midi {
namespace usb {

constexpr uint8_t kControlSize = 64;
constexpr uint8_t kMidiInEndpoint = 1;   // IN: device to host
constexpr uint8_t kMidiOutEndpoint = 2;  // OUT: host to device
constexpr uint8_t kBulkSize = 64;
// pid.codes' test PID under its open VID: fine for a prototype; a released device needs
// its own PID (https://pid.codes).
constexpr uint16_t kVendorId = 0x1209;
constexpr uint16_t kProductId = 0x0001;

constexpr size_t kDeviceDescriptorSize = 18;
constexpr size_t kConfigurationSize = 101;

extern const uint8_t kDeviceDescriptor[kDeviceDescriptorSize] CV2MIDI_IN_FLASH;
extern const uint8_t kConfiguration[kConfigurationSize] CV2MIDI_IN_FLASH;

// String indexes. The serial number is per unit (core/usb_serial.h): the USB driver
// answers it from RAM, so StringDescriptor has none.
constexpr uint8_t kStringSerial = 3;
constexpr uint8_t kStringDinOut = 4;  // jacks 1 and 4: what the computer sends to DIN out
constexpr uint8_t kStringClock = 5;   // jack 3: the clock (and DIN in) to the computer
constexpr uint8_t kStringDinIn = 6;   // jack 2: the DIN in socket
constexpr uint8_t kStringCount = 7;

// String descriptor `index` (0: the language list) from the table in flash, or nullptr.
const uint8_t* StringDescriptor(uint8_t index, uint8_t* size);

}  // namespace usb
}  // namespace cv2midi

#endif  // CV2MIDI_CORE_USB_DESCRIPTORS_H_
