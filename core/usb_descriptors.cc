// Descriptor tables; each row is one descriptor, each commented with where its layout is
// specified: USB 2.0 chapter 9 ("USB 9.6.x"), USB Audio 1.0 ("Audio 4.x"), USB MIDI 1.0
// ("MIDI 6.x").
#include "core/usb_descriptors.h"

namespace cv2midi {
namespace usb {
namespace {

constexpr uint8_t kAudio = 0x01;
constexpr uint8_t kAudioControl = 0x01;
constexpr uint8_t kMidiStreaming = 0x03;
constexpr uint8_t kCsInterface = 0x24;
constexpr uint8_t kCsEndpoint = 0x25;
constexpr uint8_t kEmbedded = 0x01;
constexpr uint8_t kExternal = 0x02;

// Jack IDs: host -> DIN out goes into jack 1 (embedded IN) and out of jack 3 (external
// OUT); DIN in -> host goes into jack 2 (external IN) and out of jack 4 (embedded OUT).
constexpr uint8_t kJackEmbeddedIn = 1;
constexpr uint8_t kJackExternalIn = 2;
constexpr uint8_t kJackEmbeddedOut = 3;
constexpr uint8_t kJackExternalOut = 4;

#define CV2MIDI_U16(v) static_cast<uint8_t>((v) & 0xFF), static_cast<uint8_t>((v) >> 8)

// Strings are UTF-16LE; 'x', 0 per character.
const uint8_t kLanguages[] CV2MIDI_IN_FLASH = {4, 3, CV2MIDI_U16(0x0409)};
const uint8_t kManufacturer[] CV2MIDI_IN_FLASH = {
    2 + 2 * 15, 3, 'c', 0, 'v', 0, '2', 0, 'm', 0, 'i', 0, 'd', 0, 'i', 0, ' ', 0,
    'p', 0, 'r', 0, 'o', 0, 'j', 0, 'e', 0, 'c', 0, 't', 0};
const uint8_t kProduct[] CV2MIDI_IN_FLASH = {
    2 + 2 * 7, 3, 'c', 0, 'v', 0, '2', 0, 'm', 0, 'i', 0, 'd', 0, 'i', 0};
// The jacks' names (iJack), which a host shows as its port names: what the computer sends
// goes out of the DIN jack; what it receives is the clock (with DIN in merged).
const uint8_t kDinOutName[] CV2MIDI_IN_FLASH = {
    2 + 2 * 15, 3, 'c', 0, 'v', 0, '2', 0, 'm', 0, 'i', 0, 'd', 0, 'i', 0, ' ', 0,
    'D', 0, 'I', 0, 'N', 0, ' ', 0, 'o', 0, 'u', 0, 't', 0};
const uint8_t kClockName[] CV2MIDI_IN_FLASH = {
    2 + 2 * 13, 3, 'c', 0, 'v', 0, '2', 0, 'm', 0, 'i', 0, 'd', 0, 'i', 0, ' ', 0,
    'c', 0, 'l', 0, 'o', 0, 'c', 0, 'k', 0};
const uint8_t kDinInName[] CV2MIDI_IN_FLASH = {
    2 + 2 * 14, 3, 'c', 0, 'v', 0, '2', 0, 'm', 0, 'i', 0, 'd', 0, 'i', 0, ' ', 0,
    'D', 0, 'I', 0, 'N', 0, ' ', 0, 'i', 0, 'n', 0};

}  // namespace

const uint8_t kDeviceDescriptor[kDeviceDescriptorSize] CV2MIDI_IN_FLASH = {
    18, 1,                       // USB 9.6.1 device descriptor
    CV2MIDI_U16(0x0110),         // bcdUSB 1.1: a full-speed device
    0, 0, 0,                     // class, subclass, protocol: per interface
    kControlSize,                // bMaxPacketSize0
    CV2MIDI_U16(kVendorId), CV2MIDI_U16(kProductId),
    CV2MIDI_U16(0x0100),         // bcdDevice 1.00
    1, 2, kStringSerial,         // manufacturer, product, serial strings
    1,                           // one configuration
};

const uint8_t kConfiguration[kConfigurationSize] CV2MIDI_IN_FLASH = {
    // USB 9.6.3 configuration: two interfaces, bus powered, 100 mA.
    9, 2, CV2MIDI_U16(kConfigurationSize), 2, 1, 0, 0x80, 50,
    // USB 9.6.5 interface 0: Audio Control, no endpoints (MIDI B.3.1).
    9, 4, 0, 0, 0, kAudio, kAudioControl, 0, 0,
    // Audio 4.3.2 class-specific AC header: ADC 1.0, total 9, one streaming interface (1).
    9, kCsInterface, 0x01, CV2MIDI_U16(0x0100), CV2MIDI_U16(9), 1, 1,
    // USB 9.6.5 interface 1: MIDI Streaming, two endpoints (MIDI B.4.1).
    9, 4, 1, 0, 2, kAudio, kMidiStreaming, 0, 0,
    // MIDI 6.1.2.1 class-specific MS header: MS 1.0, total length of the MS descriptors.
    7, kCsInterface, 0x01, CV2MIDI_U16(0x0100), CV2MIDI_U16(7 + 6 + 6 + 9 + 9 + 9 + 5 + 9 + 5),
    // MIDI 6.1.2.2 MIDI IN jacks (B.4.3, table B-7 and B-8).
    6, kCsInterface, 0x02, kEmbedded, kJackEmbeddedIn, kStringDinOut,
    6, kCsInterface, 0x02, kExternal, kJackExternalIn, kStringDinIn,
    // MIDI 6.1.2.3 MIDI OUT jacks, one source pin each (B.4.4, tables B-9 and B-10).
    9, kCsInterface, 0x03, kEmbedded, kJackEmbeddedOut, 1, kJackExternalIn, 1, kStringClock,
    9, kCsInterface, 0x03, kExternal, kJackExternalOut, 1, kJackEmbeddedIn, 1, kStringDinOut,
    // Audio 4.6.1.1 standard bulk OUT endpoint 2, 64 bytes (B.5.1).
    9, 5, kMidiOutEndpoint, 0x02, CV2MIDI_U16(kBulkSize), 0, 0, 0,
    // MIDI 6.2.2 class-specific MS bulk endpoint: feeds embedded IN jack 1 (B.5.2).
    5, kCsEndpoint, 0x01, 1, kJackEmbeddedIn,
    // Audio 4.6.1.1 standard bulk IN endpoint 1, 64 bytes (B.6.1).
    9, 5, 0x80 | kMidiInEndpoint, 0x02, CV2MIDI_U16(kBulkSize), 0, 0, 0,
    // MIDI 6.2.2 class-specific MS bulk endpoint: carries embedded OUT jack 3 (B.6.2).
    5, kCsEndpoint, 0x01, 1, kJackEmbeddedOut,
};

const uint8_t* StringDescriptor(uint8_t index, uint8_t* size) {
  // The serial (index 3) is the unit's own, made at run time: not in this table.
  static const uint8_t* const kStrings[kStringCount] = {kLanguages, kManufacturer, kProduct,
                                                        nullptr, kDinOutName, kClockName,
                                                        kDinInName};
  static const uint8_t kSizes[kStringCount] = {sizeof(kLanguages), sizeof(kManufacturer),
                                               sizeof(kProduct), 0, sizeof(kDinOutName),
                                               sizeof(kClockName), sizeof(kDinInName)};
  if (index >= kStringCount || kStrings[index] == nullptr) return nullptr;
  *size = kSizes[index];
  return kStrings[index];
}

#undef CV2MIDI_U16

}  // namespace usb
}  // namespace cv2midi
