// The user's settings and their EEPROM form: a tagged, versioned block with a CRC, so a
// blank or corrupt EEPROM is told apart and the converter falls back to the defaults.
#ifndef CV2MIDI_CORE_SETTINGS_H_
#define CV2MIDI_CORE_SETTINGS_H_

#include <stddef.h>
#include <stdint.h>

#include "core/clock_engine.h"

namespace cv2midi {

// kStop: a timeout stops the clock. kHold: the internal clock takes over at the tempo last
// measured, phase-continuous.
enum class OnStop : uint8_t { kStop, kHold };

constexpr uint16_t kMinTempoDeciBpm = 200;
constexpr uint16_t kMaxTempoDeciBpm = 3000;

struct Settings {
  uint8_t ppqn = 1;
  ResetMode reset_mode = ResetMode::kTrigger;
  uint8_t timeout_multiple = 2;
  bool clocks_while_stopped = true;
  bool auto_start = true;
  bool thru = true;
  uint16_t glitch_us = 1000;  // 250..4000
  uint16_t tempo_deci_bpm = 1200;  // the internal clock: 200..3000 (20.0 to 300.0 BPM)
  OnStop on_stop = OnStop::kStop;  // what an external clock's timeout does
  // Clock shift of each output in 10 us steps, -2000..2000 (-20.00..+20.00 ms).
  int16_t din_shift_10us = 0;
  int16_t usb_shift_10us = 0;
  uint8_t smooth = 0;  // the jitter filter: 0 off, 1..3
};

constexpr int16_t kMaxShift10us = 2000;
constexpr uint8_t kMaxSmooth = 3;
constexpr uint32_t kTicksPer10us = 160;

enum class SettingsStatus : uint8_t { kOk, kBlank, kCorrupt };

// Layout version 3 (19 bytes) adds the two shifts and smooth; version 2 (14 bytes) added the
// tempo and on-stop. Blocks of version 1 (12 bytes) and 2, the same first bytes, still load,
// with the fields they lack at their defaults.
constexpr uint8_t kSettingsVersion = 3;
constexpr size_t kSettingsBytes = 19;

bool SettingsValid(const Settings& s);
void EncodeSettings(const Settings& s, uint8_t out[kSettingsBytes]);
// Fills `out` with the stored settings, or with the defaults when the block is blank,
// corrupt, of another layout version, or holds a value out of range.
SettingsStatus DecodeSettings(const uint8_t in[kSettingsBytes], Settings* out);
EngineSettings ToEngineSettings(const Settings& s, uint32_t latency_ticks);
// The engine's grid carries the earlier of the two shifts; the other output follows it by
// the difference. Each delay is in ticks, at least 0, and one of them is 0.
struct OutputDelays {
  uint32_t din;
  uint32_t usb;
};
OutputDelays ToOutputDelays(const Settings& s);

// The shift an output gets (`shift`: s's DIN or USB shift): at 48 and 96 PPQN a clock is
// earned by a group of pulses, so none can be sent ahead of it and a negative shift is not
// applied (README). The engine's shift and the outputs' delays are both taken from this,
// or DIN would follow an engine shift that was never applied (regress-31).
int16_t AppliedShift10us(const Settings& s, int16_t shift);

uint16_t Crc16(const uint8_t* data, size_t size);

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_SETTINGS_H_
