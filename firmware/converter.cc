// The main loop's side of the converter: feeds captured edges, the reset jack, the button
// and the clock into the engine, sends or arms its critical bytes, and keeps the fast
// window and the alarm slot that the interrupts act on (converter.h) up to date.
#include "firmware/converter.h"

#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/wdt.h>
#include <util/atomic.h>

#include "core/button.h"
#include "core/clock_engine.h"
#include "core/settings.h"
#include "hal/uart.h"

namespace cv2midi {
namespace firmware {

Shared shared;

namespace {

// Housekeeping with interrupts off waits while anything critical is nearer than this.
constexpr uint32_t kQuietTicks = 1200;
// A transport byte the main loop sends goes out this many cycles after it looked.
constexpr uint32_t kMainSendTicks = 64;
// Where the settings block lives in EEPROM.
constexpr uint16_t kSettingsAddress = 0;

ClockEngine engine;
Button button;
bool housekeeping_due;
ButtonEvent pending_event = ButtonEvent::kNone;

uint16_t Low(uint32_t ticks) { return static_cast<uint16_t>(ticks); }

// Sends every critical byte due within the spin window, arms the alarm for the next one
// and republishes the capture interrupt's fast window. Interrupts are off.
void ServiceCritical() {
  uint32_t due;
  uint8_t byte;
  shared.alarm_state = kIdle;
  hal::DisarmAlarm();
  while (engine.PeekCritical(&due, &byte)) {
    const uint32_t now = Now();
    const int32_t wait = TicksUntil(now, due);
    if (wait > kSpinTicks) {
      shared.alarm_due = due;
      shared.alarm_byte = byte;
      shared.alarm_state = kArmed;
      hal::ArmAlarm(Low(due - kAlarmLeadTicks));
      break;
    }
    uint32_t at = due;
    if (byte != 0 && hal::SendAt(Low(wait < 0 ? now : due), byte) != 0) at = Now();
    engine.CriticalSent(at);
  }
  const ClockEngine::FastEdge fast = engine.fast_edge();
  shared.fast_from = fast.from;
  shared.fast_until = fast.until;
  shared.fast_byte = fast.byte;
}

// What the interrupts left: a sent alarm byte, reset changes, captured edges.
void TakeInterruptWork() {
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    if (shared.alarm_state == kSent) {
      engine.CriticalSent(shared.alarm_sent_at);
      ServiceCritical();
    }
    if (shared.reset_changed) {
      shared.reset_changed = 0;
      if (engine.settings().reset_mode == ResetMode::kTrigger) {
        for (; shared.reset_rises > 0; --shared.reset_rises) engine.OnResetJack(true);
      } else {
        shared.reset_rises = 0;
        engine.OnResetJack(shared.reset_level != 0);
      }
      ServiceCritical();
    }
  }
  for (;;) {
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      if (shared.edge_count == 0) return;
      const uint8_t slot = shared.edge_head;
      shared.edge_head = (slot + 1) % Shared::kEdgeSlots;
      --shared.edge_count;
      const uint32_t t = shared.edge_at[slot];
      if (engine.OnEdge(t) && shared.edge_sent[slot] != 0) {
        engine.CriticalSent(t + kLatencyTicks);
      }
      ServiceCritical();
    }
  }
}

void Housekeeping() {
  wdt_reset();
  const bool pressed = !hal::ButtonIn::Read();
  bool led;
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    const uint32_t now = Now();
    const ButtonEvent event = button.Sample(pressed, now);
    if (event != ButtonEvent::kNone) pending_event = event;
    engine.Poll(now);
    if (pending_event != ButtonEvent::kNone || engine.soon_pending()) {
      // Near a critical moment: try again at the next wake-up, which the alarm or the
      // edge itself brings.
      if (!engine.Quiet(now, kQuietTicks)) return;
      engine.OnButton(pending_event);
      pending_event = ButtonEvent::kNone;
      const uint32_t at = now + kMainSendTicks;
      uint8_t byte;
      if (engine.PopSoon(at, &byte)) hal::SendAt(Low(at), byte);
      ServiceCritical();
    }
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

  uint8_t stored[kSettingsBytes];
  eeprom_read_block(stored, reinterpret_cast<const void*>(kSettingsAddress), kSettingsBytes);
  Settings settings;
  DecodeSettings(stored, &settings);
  engine.Init(ToEngineSettings(settings, kLatencyTicks));

  hal::InitMidiUart();
  hal::InitTimers();
  // INT0 on both edges: trigger mode acts on the jack's rise, run-gate mode on both.
  EICRA = _BV(ISC00);
  EIFR = _BV(INTF0);
  EIMSK = _BV(INT0);
  shared.reset_level = hal::ResetIn::Read() ? 0 : 1;
  if (engine.settings().reset_mode == ResetMode::kRunGate) shared.reset_changed = 1;
  ATOMIC_BLOCK(ATOMIC_FORCEON) { ServiceCritical(); }
}

void Run() {
  TakeInterruptWork();
  if (shared.tick) {
    shared.tick = 0;
    housekeeping_due = true;
  }
  if (housekeeping_due) Housekeeping();
}

bool WorkPending() {
  return shared.tick || shared.edge_count != 0 || shared.alarm_state == kSent ||
         shared.reset_changed;
}

}  // namespace firmware
}  // namespace cv2midi
