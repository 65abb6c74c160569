// The USB serial number's EEPROM block and string; see usb_serial.h.
#include "core/usb_serial.h"

namespace cv2midi {
namespace usb {
namespace {

constexpr uint8_t kTag = 'S';

uint8_t Check(const uint8_t* b) {
  uint8_t c = 0xA5;
  for (size_t i = 0; i < kSerialBlockBytes - 1; ++i) c = static_cast<uint8_t>((c << 1 | c >> 7) ^ b[i]);
  return c;
}

}  // namespace

bool DecodeSerial(const uint8_t block[kSerialBlockBytes], uint32_t* serial) {
  if (block[0] != kTag || block[kSerialBlockBytes - 1] != Check(block)) return false;
  *serial = static_cast<uint32_t>(block[1]) | static_cast<uint32_t>(block[2]) << 8 |
            static_cast<uint32_t>(block[3]) << 16 | static_cast<uint32_t>(block[4]) << 24;
  return true;
}

void EncodeSerial(uint32_t serial, uint8_t block[kSerialBlockBytes]) {
  block[0] = kTag;
  for (int i = 0; i < 4; ++i) block[1 + i] = static_cast<uint8_t>(serial >> (8 * i));
  block[kSerialBlockBytes - 1] = Check(block);
}

uint32_t SerialFromEntropy(uint32_t entropy) {
  // xorshift32 (Marsaglia) steps are one-to-one, so different moments give different serials.
  uint32_t x = entropy ^ 0x63326D69;  // "c2mi": no zero state
  for (int i = 0; i < 4; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
  }
  if (x == 0 || x == 0xFFFFFFFF) x = 0x00C2D1D1;
  return x;
}

void SerialString(uint32_t serial, uint8_t out[kSerialStringSize]) {
  static const char kPrefix[] = "CV2M-";
  out[0] = kSerialStringSize;
  out[1] = 3;  // string descriptor
  for (size_t i = 0; i < kSerialChars; ++i) {
    char c;
    if (i < 5) {
      c = kPrefix[i];
    } else {
      const uint8_t nibble = static_cast<uint8_t>(serial >> (4 * (kSerialChars - 1 - i)) & 0xF);
      c = static_cast<char>(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
    out[2 + 2 * i] = static_cast<uint8_t>(c);
    out[3 + 2 * i] = 0;
  }
}

}  // namespace usb
}  // namespace cv2midi
