// The descriptors read back the way a host reads them.
#include "core/usb_descriptors.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace cv2midi {
namespace usb {
namespace {

std::vector<std::vector<uint8_t>> Split(const uint8_t* data, size_t size) {
  std::vector<std::vector<uint8_t>> out;
  size_t i = 0;
  while (i < size) {
    const uint8_t len = data[i];
    EXPECT_GE(len, 2u) << "at " << i;
    if (len < 2 || i + len > size) break;
    out.emplace_back(data + i, data + i + len);
    i += len;
  }
  EXPECT_EQ(i, size) << "descriptors must tile the table exactly";
  return out;
}

std::string Utf16(const uint8_t* s) {
  std::string out;
  for (uint8_t i = 2; i < s[0]; i += 2) out += static_cast<char>(s[i]);
  return out;
}

TEST(UsbDescriptors, DeviceDescriptorIsAFullSpeedDeviceWithOneConfiguration) {
  const uint8_t* d = kDeviceDescriptor;
  EXPECT_EQ(d[0], 18);
  EXPECT_EQ(d[1], 1);
  EXPECT_EQ(d[7], kControlSize);
  EXPECT_EQ(d[8] | d[9] << 8, kVendorId);
  EXPECT_EQ(d[10] | d[11] << 8, kProductId);
  EXPECT_EQ(d[17], 1);
  EXPECT_EQ(d[4], 0) << "class per interface";
}

TEST(UsbDescriptors, ConfigurationTotalsAndInterfacesAddUp) {
  const auto all = Split(kConfiguration, kConfigurationSize);
  ASSERT_EQ(all.size(), 13u);
  EXPECT_EQ(all[0][1], 2);
  EXPECT_EQ(all[0][2] | all[0][3] << 8, static_cast<int>(kConfigurationSize));
  EXPECT_EQ(all[0][4], 2) << "two interfaces";
  int interfaces = 0;
  for (const auto& d : all) interfaces += d[1] == 4;
  EXPECT_EQ(interfaces, 2);
  // Audio Control (class 1, subclass 1) and MIDI Streaming (class 1, subclass 3).
  EXPECT_EQ(all[1][5], 1);
  EXPECT_EQ(all[1][6], 1);
  EXPECT_EQ(all[3][5], 1);
  EXPECT_EQ(all[3][6], 3);
  EXPECT_EQ(all[3][4], 2) << "two endpoints";
  // The AC header names the streaming interface; its total is itself.
  EXPECT_EQ(all[2][1], 0x24);
  EXPECT_EQ(all[2][5] | all[2][6] << 8, 9);
  EXPECT_EQ(all[2][8], 1);
  // The MS header's total covers itself and every descriptor after it.
  size_t ms = 0;
  for (size_t i = 4; i < all.size(); ++i) ms += all[i].size();
  EXPECT_EQ(all[4][5] | all[4][6] << 8, static_cast<int>(ms));
}

TEST(UsbDescriptors, JacksLinkHostToDinAndDinToHost) {
  const auto all = Split(kConfiguration, kConfigurationSize);
  std::map<int, std::pair<int, int>> in_jacks;   // id -> (type, 0)
  std::map<int, std::pair<int, int>> out_jacks;  // id -> (type, source)
  for (const auto& d : all) {
    if (d[1] != 0x24) continue;
    if (d[2] == 0x02) in_jacks[d[4]] = {d[3], 0};
    if (d[2] == 0x03) {
      ASSERT_EQ(d[5], 1) << "one input pin";
      out_jacks[d[4]] = {d[3], d[6]};
    }
  }
  ASSERT_EQ(in_jacks.size(), 2u);
  ASSERT_EQ(out_jacks.size(), 2u);
  for (const auto& j : out_jacks) {
    ASSERT_TRUE(in_jacks.count(j.second.second)) << "OUT jack " << j.first << " has a source";
    // An embedded OUT (to the host) takes the external IN (DIN in); an external OUT (DIN
    // out) takes the embedded IN (from the host).
    EXPECT_NE(in_jacks[j.second.second].first, j.second.first);
  }
  // Endpoints: bulk, 64 bytes, each tied to an embedded jack of its direction.
  int endpoints = 0;
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    if (all[i][1] != 5) continue;
    ++endpoints;
    const auto& ep = all[i];
    const auto& cs = all[i + 1];
    EXPECT_EQ(ep[0], 9) << "audio-class endpoints are 9 bytes";
    EXPECT_EQ(ep[3], 2) << "bulk";
    EXPECT_EQ(ep[4] | ep[5] << 8, kBulkSize);
    ASSERT_EQ(cs[1], 0x25);
    ASSERT_EQ(cs[3], 1);
    const int jack = cs[4];
    if (ep[2] & 0x80) {
      EXPECT_EQ(ep[2] & 0x7F, kMidiInEndpoint);
      ASSERT_TRUE(out_jacks.count(jack));
      EXPECT_EQ(out_jacks[jack].first, 1) << "IN endpoint carries an embedded OUT jack";
    } else {
      EXPECT_EQ(ep[2], kMidiOutEndpoint);
      ASSERT_TRUE(in_jacks.count(jack));
      EXPECT_EQ(in_jacks[jack].first, 1) << "OUT endpoint feeds an embedded IN jack";
    }
    EXPECT_LE(ep[2] & 0x7F, 4) << "endpoints 1-4 only (simavr has no more)";
  }
  EXPECT_EQ(endpoints, 2);
}

TEST(UsbDescriptors, StringsNameTheDevice) {
  uint8_t size = 0;
  const uint8_t* langs = StringDescriptor(0, &size);
  ASSERT_NE(langs, nullptr);
  EXPECT_EQ(size, 4);
  EXPECT_EQ(langs[2] | langs[3] << 8, 0x0409);
  const uint8_t* product = StringDescriptor(2, &size);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product[0], size);
  EXPECT_EQ(product[1], 3);
  EXPECT_EQ(Utf16(product), "cv2midi");
  EXPECT_EQ(Utf16(StringDescriptor(1, &size)), "cv2midi project");
  EXPECT_EQ(kDeviceDescriptor[16], kStringSerial);
  EXPECT_EQ(StringDescriptor(kStringSerial, &size), nullptr) << "the serial is per unit";
  EXPECT_EQ(StringDescriptor(kStringCount, &size), nullptr);
}

// Each jack names itself (iJack) with a string the table holds: the names a host shows.
TEST(UsbDescriptors, EveryJackHasAName) {
  std::map<int, std::string> names;  // jack id -> its string
  for (const auto& d : Split(kConfiguration, kConfigurationSize)) {
    if (d[1] != 0x24 || (d[2] != 0x02 && d[2] != 0x03)) continue;
    const uint8_t index = d[0] - 1 < static_cast<int>(d.size()) ? d[d[0] - 1] : 0;
    uint8_t size = 0;
    const uint8_t* s = StringDescriptor(index, &size);
    ASSERT_NE(s, nullptr) << "jack " << +d[4] << " names string " << +index;
    EXPECT_EQ(s[0], size);
    EXPECT_EQ(s[1], 3);
    names[d[4]] = Utf16(s);
  }
  const std::map<int, std::string> expected = {
      {1, "cv2midi DIN out"}, {2, "cv2midi DIN in"}, {3, "cv2midi clock"}, {4, "cv2midi DIN out"}};
  EXPECT_EQ(names, expected);
}

}  // namespace
}  // namespace usb
}  // namespace cv2midi
