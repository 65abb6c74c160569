// The unit's USB serial number on the device: read from EEPROM at start-up, or made at the
// first bus reset of a unit that has none and then written to EEPROM, once in its life.
#ifndef CV2MIDI_FIRMWARE_USB_IDENTITY_H_
#define CV2MIDI_FIRMWARE_USB_IDENTITY_H_

#include <stdint.h>

#include "hal/usb.h"

namespace cv2midi {
namespace firmware {

// Before the device attaches.
void LoadUsbSerial(hal::UsbDevice& usb);
// Whether the serial is to be made now: the unit has none and the host has reset the bus.
// Then MakeUsbSerial makes it from `now`, the cycle count. Ask after each UsbDevice::Poll.
bool UsbSerialWanted(const hal::UsbDevice& usb);
void MakeUsbSerial(hal::UsbDevice& usb, uint32_t now);
// Whether EEPROM bytes of a new serial are still to be written; WriteUsbSerialStep writes
// one (call when the EEPROM is free and no clock is near, as for the settings).
bool UsbSerialUnwritten();
void WriteUsbSerialStep();

}  // namespace firmware
}  // namespace cv2midi

#endif  // CV2MIDI_FIRMWARE_USB_IDENTITY_H_
