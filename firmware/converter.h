// The wiring of the clock engine to the hardware: what each interrupt and the main loop do.
#ifndef CV2MIDI_FIRMWARE_CONVERTER_H_
#define CV2MIDI_FIRMWARE_CONVERTER_H_

#include <stdint.h>

namespace cv2midi {
namespace firmware {

// Edge to first byte, in CPU cycles: the capture interrupt's worst path to the UDR1 write,
// including one other interrupt that may run first.
constexpr uint32_t kLatencyTicks = 160;
// The alarm fires this early and the send spins to the exact cycle: room for another
// interrupt to delay the alarm's entry.
constexpr uint32_t kAlarmLeadTicks = 200;
// A due time this close is spun for at once rather than given to the alarm.
constexpr int32_t kSpinTicks = kAlarmLeadTicks + 64;

void Init();
void OnCapture();
void OnOverflow();
void OnAlarm();
void OnResetPin();
void OnTick();
// The main loop's work after every wake-up; returns when it may sleep again.
void Run();
bool WorkPending();

}  // namespace firmware
}  // namespace cv2midi

#endif  // CV2MIDI_FIRMWARE_CONVERTER_H_
