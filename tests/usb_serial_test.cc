// The USB serial number: its EEPROM block, the string a host reads, and serials that differ
// for different moments.
#include "core/usb_serial.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cv2midi {
namespace usb {
namespace {

std::string Utf16(const uint8_t* s) {
  std::string out;
  for (uint8_t i = 2; i < s[0]; i += 2) out += static_cast<char>(s[i]);
  return out;
}

TEST(UsbSerial, BlockKeepsTheSerial) {
  uint8_t block[kSerialBlockBytes];
  EncodeSerial(0x1234ABCD, block);
  uint32_t serial = 0;
  ASSERT_TRUE(DecodeSerial(block, &serial));
  EXPECT_EQ(serial, 0x1234ABCDu);
}

TEST(UsbSerial, BlankOrDamagedEepromHasNoSerial) {
  uint8_t block[kSerialBlockBytes];
  for (uint8_t& b : block) b = 0xFF;
  uint32_t serial = 0;
  EXPECT_FALSE(DecodeSerial(block, &serial));
  for (size_t i = 0; i < kSerialBlockBytes; ++i) {
    EncodeSerial(0x1234ABCD, block);
    block[i] ^= 0x10;
    EXPECT_FALSE(DecodeSerial(block, &serial)) << "byte " << i;
  }
}

TEST(UsbSerial, StringIsCv2mAndEightHexDigits) {
  uint8_t s[kSerialStringSize];
  SerialString(0x00C2F00D, s);
  EXPECT_EQ(s[0], kSerialStringSize);
  EXPECT_EQ(s[1], 3);
  EXPECT_EQ(Utf16(s), "CV2M-00C2F00D");
  for (size_t i = 3; i < kSerialStringSize; i += 2) EXPECT_EQ(s[i], 0);
}

TEST(UsbSerial, NearbyMomentsGiveDifferentSerialsThatLookNothingAlike) {
  std::set<uint32_t> serials;
  for (uint32_t t = 1000000; t < 1000000 + 4096; ++t) {
    const uint32_t s = SerialFromEntropy(t);
    EXPECT_NE(s, 0u);
    EXPECT_NE(s, 0xFFFFFFFFu);
    serials.insert(s);
  }
  EXPECT_EQ(serials.size(), 4096u);
  // One cycle apart: about half the bits differ, not one.
  const uint32_t d = SerialFromEntropy(1000000) ^ SerialFromEntropy(1000001);
  EXPECT_GE(__builtin_popcount(d), 8);
}

}  // namespace
}  // namespace usb
}  // namespace cv2midi
