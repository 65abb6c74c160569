// The settings in the firmware: read from EEPROM at power-up, changed by SysEx requests or
// setup mode, written back one byte at a time, and handed to the engine once no clock is
// present (a running clock never changes tempo or PPQN under you).
#include <avr/eeprom.h>

#include "core/settings.h"
#include "core/sysex_config.h"
#include "core/usb_serial.h"
#include "firmware/parts.h"
#include "hal/eeprom.h"

namespace cv2midi {
namespace firmware {
namespace {

// Where the settings block lives in EEPROM.
constexpr uint16_t kSettingsAddress = 0;
static_assert(kSettingsAddress + kSettingsBytes <= usb::kSerialAddress,
              "the settings block runs into the USB serial number's block");

Settings settings;
SettingsStatus boot_status;
bool settings_waiting;  // changed; the engine takes them once no clock is present
uint8_t eeprom_image[kSettingsBytes];
bool eeprom_dirty;
bool thru = true;
// Replies of the settings protocol, parsed back into messages for their port.
MidiParser reply_parser;
UsbMidiEncoder reply_encoder;

void StoreSettings() {
  EncodeSettings(settings, eeprom_image);
  eeprom_dirty = true;
}

}  // namespace

void InitSettings() {
  uint8_t stored[kSettingsBytes];
  eeprom_read_block(stored, reinterpret_cast<const void*>(kSettingsAddress), kSettingsBytes);
  boot_status = DecodeSettings(stored, &settings);
  thru = settings.thru;
}

EngineSettings CurrentEngineSettings() { return ToEngineSettings(settings, kLatencyTicks); }
OutputDelays CurrentOutputDelays() { return ToOutputDelays(settings); }
bool SettingsWaiting() { return settings_waiting; }
bool MidiInThru() { return thru; }
bool EepromDirty() { return eeprom_dirty; }
uint8_t SettingsPpqn() { return settings.ppqn; }

void SaveSetupPpqn(uint8_t ppqn) {
  settings.ppqn = ppqn;
  StoreSettings();
  ApplySettings();
}

void ApplySettings() {
  WithdrawFastWindow();
  engine.Configure(CurrentEngineSettings());  // keeps the tempo and the position (bug 4)
  PublishResetMode();
  SetOutputDelays(CurrentOutputDelays());
  thru = settings.thru;
  if (settings.reset_mode == ResetMode::kRunGate) shared.reset_changed = 1;
  settings_waiting = false;
  ServiceLine();
}

// One byte at a time, only bytes that differ, never waiting for the EEPROM: a write runs
// for 3.4 ms in the background while the clock goes on.
void WriteEepromStep() {
  if (!eeprom_dirty || hal::EepromBusy()) return;
  for (uint8_t i = 0; i < kSettingsBytes; ++i) {
    const uint16_t address = static_cast<uint16_t>(kSettingsAddress + i);
    if (hal::EepromRead(address) != eeprom_image[i]) {
      hal::EepromStartWrite(address, eeprom_image[i]);
      return;
    }
  }
  eeprom_dirty = false;
}

uint16_t replies_dropped;

namespace {

// A reply goes through the parser and the merger at about 460 cycles a byte: 10,000 for a
// get-all, 18,000 for a status, more than the line books a clock ahead (DinLine::kHorizon,
// 512 us); and one USB transfer of eight requests holds the loop for 1.6 ms. So the line's
// wake-ups that come meanwhile, and a far one come into the timer's reach, are served
// between requests and between a reply's bytes, not after them all (a clock went up to
// 2.4 ms late behind eight get-all replies). Inside a host reply what has gone out on DIN
// waits to be passed to the host: a Song Position would land inside the reply's SysEx.
}  // namespace

void ServeLineWake(bool to_host) {
  if (shared.wake || LineWakeNear(AtomicNow())) {
    shared.wake = 0;
    ServiceLine(to_host);
  }
}

// Answers the requests a source's tap set aside, on the port they came from.
void AnswerRequests(ConfigTap& tap, bool from_host) {
  uint8_t request[sysex::kMaxMessage];
  size_t size;
  while (tap.TakeRequest(request, &size)) {
    ServeLineWake(true);
    uint8_t reply[sysex::kMaxReply];
    bool changed = false;
    const sysex::Status status = CurrentStatus();
    const size_t n =
        sysex::Handle(request, size, boot_status, &settings, &changed, reply, &status);
    if (changed) {
      StoreSettings();
      settings_waiting = true;
    }
    // Whole replies or none: one that cannot be queued whole now is not started, and
    // counted; the request is not answered (the tools ask again after 1 s).
    const bool fits = from_host ? HostHasRoomFor(UsbPacketsOfSysEx(n)) : din_merger.room() >= n;
    if (!fits) {
      ++replies_dropped;
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      MidiEvent events[2];
      const uint8_t m = reply_parser.Feed(reply[i], events);
      for (uint8_t k = 0; k < m; ++k) {
        if (from_host) {
          ToHost(events[k], reply_encoder);
        } else {
          din_merger.Take(events[k]);
          LineHasNews();
        }
      }
      ServeLineWake(!from_host);
    }
  }
}

}  // namespace firmware
}  // namespace cv2midi
