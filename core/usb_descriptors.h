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

// String descriptor `index` (0: the language list), or nullptr.
const uint8_t* StringDescriptor(uint8_t index, uint8_t* size);
constexpr uint8_t kStringCount = 4;

}  // namespace usb
}  // namespace cv2midi

#endif  // CV2MIDI_CORE_USB_DESCRIPTORS_H_
