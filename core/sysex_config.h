// The settings protocol over SysEx: F0 7D 63 32 <command> [arguments] F7. 7D is the
// non-commercial manufacturer ID (MIDI 1.0), 63 32 ("c2") tags this product. Requests and
// replies, encoded and decoded here for both the firmware and the command-line tool.
//
// requests                              replies
// 01              get all settings      41 <status> <ppqn> <reset> <timeout> <stopped>
// 02 <param> <v>  set one (glitch, tempo   <auto> <thru> <glitch lo7> <glitch hi7>
//     and the shifts: v is two bytes,      <tempo lo7> <tempo hi7> <on-stop>
//     lo7 hi7)                             <din shift lo7 hi7> <usb shift lo7 hi7> <smooth>
//                                          status: 0 stored, 1 blank, 2 corrupt at boot
// 03              restore the defaults  41 ... (all settings, after the change)
// 04              identity              44 <major> <minor> <patch> 'c' 'v' '2' 'm' 'i' 'd' 'i'
// 05              status                45 <source> <running> <tempo, 0.01 BPM: 3 x 7 bits>
//                                          <ppqn> <song position, MIDI beats: 3 x 7 bits>
//                                          <edges> <glitches> <catch-up bursts> <timeouts>
//                                          <merged messages dropped> <USB packets dropped>
//                                          <clocks unearned at stops> <filter re-locks>
//                                          (each counter 4 x 7 bits, low first, mod 2^28)
// anything else                         7F <command> <reason>
//
// A shift is signed: its count of 10 us steps, -2000..2000, as a 14-bit two's complement
// number sent lo7 hi7 (-1 is 7F 7F, -2000 is 30 70, 2000 is 50 0F). 14-bit values from 2001
// to 14383 are out of range (NAK reason 3).
#ifndef CV2MIDI_CORE_SYSEX_CONFIG_H_
#define CV2MIDI_CORE_SYSEX_CONFIG_H_

#include <stddef.h>
#include <stdint.h>

#include "core/settings.h"

namespace cv2midi {
namespace sysex {

constexpr uint8_t kManufacturer = 0x7D;
constexpr uint8_t kTag0 = 0x63;  // 'c'
constexpr uint8_t kTag1 = 0x32;  // '2'
constexpr uint8_t kHeader[4] = {0xF0, kManufacturer, kTag0, kTag1};

enum Command : uint8_t {
  kGetAll = 0x01,
  kSet = 0x02,
  kRestoreDefaults = 0x03,
  kIdentity = 0x04,
  kStatus = 0x05,
};
enum ReplyCode : uint8_t { kAll = 0x41, kIdentityReply = 0x44, kStatusReply = 0x45, kNak = 0x7F };
enum Param : uint8_t {
  kPpqn = 1,
  kResetMode = 2,       // 0 trigger, 1 run gate
  kTimeout = 3,         // 2..8 intervals
  kClocksWhileStopped = 4,
  kAutoStart = 5,
  kThru = 6,
  kGlitchUs = 7,        // 250..4000, two bytes
  kTempo = 8,           // the internal clock in 0.1 BPM: 200..3000, two bytes
  kOnStop = 9,          // 0 stop, 1 hold
  kDinShift = 10,       // 10 us steps, -2000..2000, two bytes of 14-bit two's complement
  kUsbShift = 11,       // the same, for the host
  kSmooth = 12,         // 0 off, 1..3
};
enum NakReason : uint8_t {
  kUnknownCommand = 1,
  kBadLength = 2,
  kBadValue = 3,
  kUnknownParam = 4,
};

constexpr uint8_t kVersion[3] = {0, 8, 0};
constexpr size_t kMaxMessage = 16;  // the longest request, F0 to F7
constexpr size_t kMaxReply = 48;    // the longest reply, F0 to F7
constexpr size_t kAllReplyBytes = 23;
constexpr size_t kStatusReplyBytes = 47;

// What the module sees, for the status request.
enum class ClockSourceCode : uint8_t { kNone = 0, kExternal = 1, kInternal = 2, kHeld = 3 };
struct Status {
  ClockSourceCode source = ClockSourceCode::kNone;
  bool running = false;
  uint32_t tempo_centi_bpm = 0;  // measured over the last beat; 0: none measured yet
  uint8_t ppqn = 1;
  uint32_t song_position = 0;  // MIDI beats (6 clocks) since Start
  uint32_t edges = 0;
  uint32_t glitches = 0;
  uint32_t bursts = 0;
  uint32_t timeouts = 0;
  uint32_t merged_dropped = 0;
  uint32_t usb_dropped = 0;
  uint32_t unearned = 0;  // clocks a negative shift sent ahead for pulses that never came
  uint32_t relocks = 0;   // times the jitter filter let go of its estimate for a new tempo
};

// Whether a whole SysEx message (F0 ... F7) is ours.
bool IsConfig(const uint8_t* msg, size_t size);

// The firmware's side: answers a request of ours. `settings` is changed by a valid set or
// restore; `changed` says so. Returns the reply's size (always a reply, maybe a NAK).
// `status`: what a status request answers; null, such a request gets a NAK.
size_t Handle(const uint8_t* msg, size_t size, SettingsStatus boot_status, Settings* settings,
              bool* changed, uint8_t reply[kMaxReply], const Status* status = nullptr);

// The tool's side.
size_t EncodeGetAll(uint8_t out[kMaxMessage]);
// `value` is the setting's own number; a shift's steps go as their 16-bit two's
// complement, static_cast<uint16_t>(steps), whose low 14 bits are the wire's form.
size_t EncodeSet(Param param, uint16_t value, uint8_t out[kMaxMessage]);
// A shift in 10 us steps as the two 7-bit bytes of the set request and the get-all reply.
void EncodeShift(int16_t steps_10us, uint8_t out[2]);
int16_t DecodeShift(uint8_t lo7, uint8_t hi7);
size_t EncodeRestoreDefaults(uint8_t out[kMaxMessage]);
size_t EncodeIdentity(uint8_t out[kMaxMessage]);
size_t EncodeStatusRequest(uint8_t out[kMaxMessage]);
size_t EncodeStatus(const Status& status, uint8_t out[kMaxReply]);

struct Reply {
  ReplyCode code = kNak;
  SettingsStatus status = SettingsStatus::kOk;  // kAll
  Settings settings;                            // kAll
  uint8_t version[3] = {0, 0, 0};               // kIdentityReply
  Status status_reply;                          // kStatusReply
  uint8_t nak_command = 0;                      // kNak
  NakReason nak_reason = kUnknownCommand;       // kNak
};
// False when the message is not a well-formed reply of ours.
bool DecodeReply(const uint8_t* msg, size_t size, Reply* out);

}  // namespace sysex
}  // namespace cv2midi

#endif  // CV2MIDI_CORE_SYSEX_CONFIG_H_
