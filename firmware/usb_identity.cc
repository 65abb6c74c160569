// The serial number's life on the device; see usb_identity.h.
#include "firmware/usb_identity.h"

#include "core/usb_serial.h"
#include "hal/eeprom.h"

namespace cv2midi {
namespace firmware {
namespace {

uint8_t serial_string[usb::kSerialStringSize];
uint8_t block[usb::kSerialBlockBytes];
bool have_serial;
uint8_t written = usb::kSerialBlockBytes;  // bytes of `block` in EEPROM

}  // namespace

void LoadUsbSerial(hal::UsbDevice& usb) {
  for (uint8_t i = 0; i < usb::kSerialBlockBytes; ++i) {
    block[i] = hal::EepromRead(static_cast<uint16_t>(usb::kSerialAddress + i));
  }
  uint32_t serial;
  if (!usb::DecodeSerial(block, &serial)) return;
  usb::SerialString(serial, serial_string);
  usb.SetSerialString(serial_string);
  have_serial = true;
}

bool UsbSerialWanted(const hal::UsbDevice& usb) { return !have_serial && usb.stats().resets != 0; }

void MakeUsbSerial(hal::UsbDevice& usb, uint32_t now) {
  // The host resets the bus when it sees the device, at a moment set by the computer and the
  // cable, not by this crystal: the cycle count then differs from unit to unit.
  const uint32_t serial = usb::SerialFromEntropy(now);
  usb::SerialString(serial, serial_string);
  usb.SetSerialString(serial_string);
  usb::EncodeSerial(serial, block);
  written = 0;
  have_serial = true;
}

bool UsbSerialUnwritten() { return written < usb::kSerialBlockBytes; }

void WriteUsbSerialStep() {
  if (hal::EepromBusy()) return;
  hal::EepromStartWrite(static_cast<uint16_t>(usb::kSerialAddress + written), block[written]);
  ++written;
}

}  // namespace firmware
}  // namespace cv2midi
