// The converter on the ATmega32U4: capture stamps into the engine, the engine's bytes onto
// the wire at their exact cycles, and the 1 ms housekeeping (button, LED, transport bytes).
#include "firmware/converter.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>
#include <util/atomic.h>

#include "core/button.h"
#include "core/capture_clock.h"
#include "core/clock_engine.h"
#include "hal/board.h"
#include "hal/send_at.h"
#include "hal/timers.h"
#include "hal/uart.h"

namespace cv2midi {
namespace firmware {
namespace {

// Main-loop work with interrupts off takes at most this long; it waits while anything
// critical is nearer than that.
constexpr uint32_t kQuietTicks = 1200;
// A byte the main loop sends goes out this many cycles after it looked at the clock.
constexpr uint32_t kMainSendTicks = 64;

CaptureClock capture_clock;
ClockEngine engine;
Button button;
volatile bool tick_pending;
bool housekeeping_due;

uint16_t Low(uint32_t ticks) { return static_cast<uint16_t>(ticks); }

uint32_t Now() {
  const uint16_t count = hal::Timer1Count();
  return capture_clock.Extend(count, hal::Timer1OverflowPending());
}

// Sends every critical byte that is due within the spin window, then arms the alarm for
// the next one. Interrupts are off.
void ServiceCritical() {
  uint32_t due;
  uint8_t byte;
  while (engine.PeekCritical(&due, &byte)) {
    const uint32_t now = Now();
    const int32_t wait = TicksUntil(now, due);
    if (wait > kSpinTicks) {
      hal::ArmAlarm(Low(due - kAlarmLeadTicks));
      return;
    }
    uint32_t at = due;
    if (byte != 0) {
      if (cv2midi_send_at(wait < 0 ? Low(now) : Low(due), byte) != 0) at = Now();
    }
    engine.CriticalSent(at);
  }
  hal::DisarmAlarm();
}

void Housekeeping() {
  wdt_reset();
  const bool pressed = !hal::ButtonIn::Read();
  uint32_t now;
  bool led;
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    now = Now();
    // Near a critical moment: try again at the next wake-up, which the alarm or the
    // edge itself brings.
    if (!engine.Quiet(now, kQuietTicks)) return;
    const ButtonEvent event = button.Sample(pressed, now);
    if (event != ButtonEvent::kNone) engine.OnButton(event);
    engine.Poll(now);
    const uint32_t at = now + kMainSendTicks;
    uint8_t byte;
    if (engine.PopSoon(at, &byte)) cv2midi_send_at(Low(at), byte);
    ServiceCritical();
    led = engine.Led(now);
  }
  housekeeping_due = false;
  hal::LedOut::Set(led);
}

}  // namespace

void Init() {
  // Teensy 2.0 leaves the bootloader with the clock divided by 8: run at 16 MHz.
  CLKPR = _BV(CLKPCE);
  CLKPR = 0;
  MCUSR = 0;
  wdt_enable(WDTO_120MS);

  hal::ClockIn::Input();
  hal::ClockIn::PullUp();
  hal::ResetIn::Input();
  hal::ResetIn::PullUp();
  hal::ButtonIn::Input();
  hal::ButtonIn::PullUp();
  hal::MidiIn::Input();
  hal::MidiIn::PullUp();
  hal::LedOut::Output();
  hal::LedOut::Set(false);

  EngineSettings settings;
  settings.latency_ticks = kLatencyTicks;
  engine.Init(settings);

  hal::InitMidiUart();
  hal::InitTimers();
  // INT0 on both edges: trigger mode acts on the jack's rise, run-gate mode on both.
  EICRA = _BV(ISC00);
  EIFR = _BV(INTF0);
  EIMSK = _BV(INT0);
}

void OnCapture() {
  const uint16_t count = ICR1;
  const uint32_t t = capture_clock.Extend(count, hal::Timer1OverflowPending());
  const uint8_t first = engine.FastFirstByte(t);
  uint32_t at = t + kLatencyTicks;
  if (first != 0 && cv2midi_send_at(Low(at), first) != 0) at = Now();
  if (engine.OnEdge(t) && first != 0) engine.CriticalSent(at);
  ServiceCritical();
}

void OnOverflow() { capture_clock.OnOverflow(); }

void OnAlarm() { ServiceCritical(); }

void OnResetPin() {
  // The input stage inverts: the pin is low while the jack is high.
  engine.OnResetJack(!hal::ResetIn::Read());
}

void OnTick() { tick_pending = true; }

void Run() {
  if (tick_pending) {
    tick_pending = false;
    housekeeping_due = true;
  }
  if (housekeeping_due) Housekeeping();
}

bool WorkPending() { return tick_pending; }

}  // namespace firmware
}  // namespace cv2midi
