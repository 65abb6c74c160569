// The main loop's parts and what they share: the engine and the inputs (converter.cc), the
// DIN line (line.cc), the USB host bridge (host.cc) and the settings (settings_store.cc).
// Each object is defined in the one part that owns it.
#ifndef CV2MIDI_FIRMWARE_PARTS_H_
#define CV2MIDI_FIRMWARE_PARTS_H_

#include <stdint.h>
#include <util/atomic.h>

#include "core/clock_engine.h"
#include "core/config_tap.h"
#include "core/settings.h"
#include "core/merger.h"
#include "core/midi_parser.h"
#include "core/sysex_config.h"
#include "core/usb_midi_packet.h"
#include "firmware/converter.h"
#include "hal/usb.h"

namespace cv2midi {
namespace firmware {

inline uint32_t AtomicNow() {
  uint32_t now;
  ATOMIC_BLOCK(ATOMIC_FORCEON) { now = Now(); }
  return now;
}

// converter.cc: the engine. Only the main loop touches it; the interrupts see it only
// through the fast window, which is withdrawn before the engine changes.
extern ClockEngine& engine;
inline void WithdrawFastWindow() { shared.fast_byte = 0; }
// The reset mode the engine works in, for the jack's interrupt.
inline void PublishResetMode() {
  shared.reset_gate = engine.settings().reset_mode == ResetMode::kRunGate ? 1 : 0;
}
// What the status request answers: the engine, the tempo measured, the counters.
sysex::Status CurrentStatus();

// line.cc: the DIN line and its merged sources.
extern Merger din_merger;
extern Merger usb_merger;
void InitLine(uint32_t now);
// Books what is due, arms the transmitter and the wake-ups, publishes the fast window.
// `to_host` false: what has gone out is passed to the host later (RetireSent), not now.
void ServiceLine(bool to_host = true);
// The transmitter takes the next frame if it is idle (a frame too far ahead for it).
void KickLine();
// Before the engine sees an edge captured at `t` (`edge`), and on each ServiceLine: a
// tentative timeout Stop the edge came before is taken back (by the capture, or here); one
// whose start bit left by `t` stops the engine first.
void SettleStop(uint32_t t, bool edge);
// A wake-up that was too far for the timer is now within its reach: call ServiceLine.
bool LineWakeNear(uint32_t now);
// Merged or transport bytes wait for room on the line.
bool LineWorkPending();
// A merged source took a message: the line should look again soon.
void LineHasNews();
// A wake-up for the line, new bytes, or a slot freed while bookings waited for one.
bool LineNeedsService();
// Passes what has gone out to the host, when nothing else asks for ServiceLine.
void RetireSent();
// The later output follows the engine by the difference of the clock shifts (settings.h).
// Bytes still held for it go out first: call only when LineSettled().
void SetOutputDelays(const OutputDelays& delays);
bool LineSettled();
// DIN's shift is the later one: the engine's bytes reach DIN through the delay.
bool LineFollows();
// A byte for the host once ServiceLine has booked what was due (it passes them last).
void HostAfterBooking(uint8_t byte);
// USB's shift is the later one: the engine's bytes that are due for the host now.
void ReleaseToHost(uint32_t now);
bool HostFollows();

// host.cc: USB.
extern hal::UsbDevice usb_device;
void ToHost(const MidiEvent& e, UsbMidiEncoder& encoder);
// A byte of the engine's that has gone out on DIN, for the host.
void EngineByteToHost(uint8_t byte);
void PassToHost();
// Whether `packets` more packets fit the host's queue now (or no host takes any).
bool HostHasRoomFor(uint8_t packets);
// Where the host's OUT packets go, as fast as DIN out makes room for them.
extern const hal::UsbDevice::OutSink usb_out;
uint16_t HostPacketsDropped();
void TakeMidiIn();
bool MidiInThru();

// settings_store.cc: the settings, their EEPROM copy and the SysEx requests.
void InitSettings();
EngineSettings CurrentEngineSettings();
OutputDelays CurrentOutputDelays();
bool SettingsWaiting();
void ApplySettings();
void AnswerRequests(ConfigTap& tap, bool from_host);
// Books what has fallen due on the line, from inside a long step of the main loop.
void ServeLineWake(bool to_host);
// Replies not sent because their port could not take them whole.
extern uint16_t replies_dropped;
void WriteEepromStep();
bool EepromDirty();
uint8_t SettingsPpqn();
void SaveSetupPpqn(uint8_t ppqn);

}  // namespace firmware
}  // namespace cv2midi

#endif  // CV2MIDI_FIRMWARE_PARTS_H_
