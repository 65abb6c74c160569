// The main loop: start-up, the interrupts' work (captured edges, the reset jack) into the
// engine, the 1 ms housekeeping (button, LED, EEPROM), setup mode, and the order in which
// the line, the host bridge and the settings get their turn after each wake-up.
#include "firmware/converter.h"

#include <avr/interrupt.h>
#include <avr/wdt.h>
#include <util/atomic.h>

#include "core/button.h"
#include "core/setup_mode.h"
#include "core/tempo_meter.h"
#include "firmware/parts.h"
#include "firmware/usb_identity.h"
#include "hal/uart.h"
#include "hal/usb.h"

namespace cv2midi {
namespace firmware {

Shared shared{};  // constant-initialised: no start-up code
// The engine's storage is zeroed at start-up rather than copied from an image of its
// defaults (242 bytes of flash): Init (below) gives it its state before anything reads it.
namespace {
union EngineStorage {
  EngineStorage() {}  // leaves the engine to Init
  ClockEngine engine;
};
EngineStorage engine_storage;
}  // namespace
ClockEngine& engine = engine_storage.engine;

namespace {

// Housekeeping that may change the engine waits while anything critical is nearer than this.
constexpr uint32_t kQuietTicks = 1200;
// The engine's housekeeping and the LED run every this many 1 ms ticks; the button is
// sampled on every tick.
constexpr uint8_t kHousekeepingTicks = 4;
// The internal clock's Start is booked this far ahead of the moment it is asked for: room
// for the line to book it (DinLine::kLead) and arm the transmitter.
constexpr uint32_t kInternalStartLead = 4096;

Button button;
TempoMeter tempo_meter;
ButtonEvent pending_event = ButtonEvent::kNone;
uint8_t ticks_since_poll;
uint8_t polls_since_service;  // the line is looked at at least every 256 polls (about 1 s)
bool setup_requested;  // the button was held at power-up
SetupMode setup;

// What the interrupts left: reset changes and captured edges. Single-byte flags need no
// lock to look at.
__attribute__((noinline)) void TakeInterruptWork() {
  bool reset_changed = false;
  uint8_t rises = 0;
  bool level = false;
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    if (shared.reset_changed) {
      reset_changed = true;
      rises = shared.reset_rises;
      level = shared.reset_level != 0;
      shared.reset_changed = 0;
      shared.reset_rises = 0;
      if (rises != 0 || shared.reset_gate) WithdrawFastWindow();
    }
  }
  if (reset_changed) {
    if (engine.settings().reset_mode == ResetMode::kTrigger) {
      for (; rises > 0; --rises) engine.OnResetJack(true);
    } else {
      engine.OnResetJack(level);
    }
    ServiceLine();
  }
  for (;;) {
    uint32_t t;
    uint8_t sent;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      if (shared.edge_count == 0) return;
      const uint8_t slot = shared.edge_head;
      shared.edge_head = (slot + 1) % Shared::kEdgeSlots;
      --shared.edge_count;
      t = shared.edge_at[slot];
      sent = shared.edge_sent[slot];
      WithdrawFastWindow();
    }
    SettleStop(t, true);
    // A silence that ended at or before this edge (its timeout passed with the wire
    // stopped, nothing to send) is acted on first, whether or not the line got to it: the
    // edge is then a restart (fresh soak seed 9000344: an edge 55 cycles past it).
    {
      uint32_t due;
      uint8_t byte;
      bool sends;
      if (engine.PeekCritical(&due, &byte, &sends) && !sends && !Before(t, due)) {
        engine.CriticalSent();
      }
    }
    const bool restart = !engine.clock_present();
    // The capture interrupt booked this edge's first byte at t + L: the engine's next.
    const bool accepted = engine.OnEdge(t);
    if (accepted && sent != 0) {
      engine.CriticalSent();
      // DIN following: the host, the earlier output, gets the byte as Lead would, once the
      // line has booked the edge's burst.
      if (LineFollows()) HostAfterBooking(sent);
    }
    // The burst first: the line books the edge's next byte before anything else is done.
    ServiceLine();
    if (accepted) tempo_meter.OnEdge(t, restart, engine.settings().ppqn);
  }
}

__attribute__((noinline)) void Housekeeping() {
  wdt_reset();
  KickLine();  // a frame booked too far ahead for the transmitter to take it itself
  const uint32_t now = AtomicNow();
  // A source that went quiet inside a SysEx lets go of the line (merger.h).
  if (din_merger.CloseStalled(now) | usb_merger.CloseStalled(now)) LineHasNews();
  // Bytes that found no room (a clock or a pulse near) look again each tick, as does a
  // wake-up that was too far for the timer.
  if (LineWakeNear(now) || LineWorkPending()) ServiceLine();
  ReleaseToHost(now);  // the host's copies, when its shift is the later one
  const ButtonEvent event = button.Sample(!hal::ButtonIn::Read(), now);
  if (event != ButtonEvent::kNone) pending_event = event;
  if (++ticks_since_poll < kHousekeepingTicks && event == ButtonEvent::kNone &&
      pending_event == ButtonEvent::kNone) {
    return;
  }
  ticks_since_poll = 0;
  // A far timeout that came near books now. And an idle line is looked at once a second,
  // so that no stamp it keeps (where the line frees, the fast window) ages past 2^31 ticks
  // (bug 3: after 134 s of silence every booking landed in the past's future).
  if (engine.Poll(now) || ++polls_since_service == 0) ServiceLine();
  if (SettingsWaiting() && !engine.clock_present() && !engine.internal_running() &&
      LineSettled()) {
    ApplySettings();
  }
  if (EepromDirty() && engine.Quiet(now, kQuietTicks)) WriteEepromStep();
  if (UsbSerialUnwritten() && engine.Quiet(now, kQuietTicks)) WriteUsbSerialStep();
  if (pending_event != ButtonEvent::kNone && engine.Quiet(now, kQuietTicks)) {
    WithdrawFastWindow();
    engine.OnButton(pending_event);
    pending_event = ButtonEvent::kNone;
    ServiceLine();
  }
  hal::LedOut::Set(engine.Led(now));
}

// A press with nothing on the jack: the internal clock starts (once the Stop or Song
// Position it waits for has gone out).
void StartInternalClock() {
  WithdrawFastWindow();
  // After what is on the line already (a Song Position it waited for may still be going out).
  const uint32_t now = AtomicNow();
  uint32_t line_free;
  ATOMIC_BLOCK(ATOMIC_FORCEON) { line_free = wire.FreeAt(now); }
  engine.StartInternal(Later(now + kInternalStartLead, line_free + kInternalStartLead / 2));
  ServiceLine();
}

}  // namespace

sysex::Status CurrentStatus() {
  sysex::Status s;
  const EngineStats& e = engine.stats();
  switch (engine.source()) {
    case ClockEngine::ClockSource::kExternal: s.source = sysex::ClockSourceCode::kExternal; break;
    case ClockEngine::ClockSource::kInternal: s.source = sysex::ClockSourceCode::kInternal; break;
    case ClockEngine::ClockSource::kHeld: s.source = sysex::ClockSourceCode::kHeld; break;
    case ClockEngine::ClockSource::kNone: break;
  }
  s.running = engine.wire_running();
  s.tempo_centi_bpm = s.source == sysex::ClockSourceCode::kInternal
                          ? 10UL * engine.settings().tempo_deci_bpm
                          : tempo_meter.centi_bpm();
  s.ppqn = engine.settings().ppqn;
  s.song_position = engine.position() / midi::kClocksPerMidiBeat;
  s.edges = e.edges;
  s.glitches = e.glitches;
  s.bursts = e.bursts;
  s.timeouts = e.timeouts;
  s.merged_dropped = din_merger.stats().dropped + usb_merger.stats().dropped;
  s.usb_dropped = HostPacketsDropped();
  s.unearned = e.unearned_clocks;
  s.relocks = e.relocks;
  return s;
}

void Init() {
  // Teensy 2.0 leaves the bootloader with the clock divided by 8: run at 16 MHz.
  CLKPR = _BV(CLKPCE);
  CLKPR = 0;
  MCUSR = 0;
  wdt_enable(WDTO_120MS);

  // Every PORTB write happens here, before the transmitter drives PB5 (SIMAVR.md).
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

  InitSettings();
  engine.Init(CurrentEngineSettings());
  PublishResetMode();

  hal::InitMidiUart();
  hal::InitTimers();
  InitLine(AtomicNow());
  SetOutputDelays(CurrentOutputDelays());
  LoadUsbSerial(usb_device);
  usb_device.Attach();
  // INT0 on both edges: trigger mode acts on the jack's rise, run-gate mode on both.
  EICRA = _BV(ISC00);
  EIFR = _BV(INTF0);
  EIMSK = _BV(INT0);
  shared.reset_level = hal::ResetIn::Read() ? 0 : 1;
  if (engine.settings().reset_mode == ResetMode::kRunGate) shared.reset_changed = 1;
  ServiceLine();
  // The pull-up has had the whole start-up to settle: a held button asks for setup.
  setup_requested = !hal::ButtonIn::Read();
}

// Setup on the module: the engine rests, edges are let go, the button and the LED are
// setup's (setup_mode.h) until a long press saves the new PPQN.
void RunSetup() {
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    shared.edge_count = 0;
    WithdrawFastWindow();
  }
  if (!shared.tick) return;
  shared.tick = 0;
  wdt_reset();
  const uint32_t now = AtomicNow();
  if (!setup.active()) setup.Enter(SettingsPpqn(), now);
  ReleaseToHost(now);  // the host's copies, when its shift is the later one
  const ButtonEvent event = button.Sample(!hal::ButtonIn::Read(), now);
  if (setup.OnButton(event, button.pressed(), now)) {
    SaveSetupPpqn(setup.ppqn());
    setup_requested = false;
  }
  hal::LedOut::Set(setup.active() && setup.Led(now));
  WriteEepromStep();
}

// What the interrupts left, if anything.
inline void TakeEdges() {
  if (shared.reset_changed || shared.edge_count != 0) TakeInterruptWork();
}

void Run() {
  if (setup_requested) {
    RunSetup();
    usb_device.Poll(usb_out);
    if (UsbSerialWanted(usb_device)) MakeUsbSerial(usb_device, AtomicNow());
    return;
  }
  TakeEdges();
  // A wake-up for the line or new bytes book; a frame that went out only goes to the host.
  if (LineNeedsService()) {
    shared.wake = 0;
    ServiceLine();
  } else if (hal::midi_tx.started) {
    RetireSent();
  }
  // Clocks to the host next: committed within microseconds, they make the next frame.
  // (Those that follow DIN by a later shift, as each falls due.)
  if (HostFollows()) ReleaseToHost(AtomicNow());
  PassToHost();
  // An edge is taken between the pass's longer steps too, not only at its top: its burst
  // is booked while the byte the capture sent is still on the line (issue 11 bug 13).
  TakeEdges();
  if (shared.rx_count != 0) TakeMidiIn();
  TakeEdges();
  if (shared.tick) {
    shared.tick = 0;
    Housekeeping();
  }
  TakeEdges();
  usb_device.Poll(usb_out);
  TakeEdges();
  if (UsbSerialWanted(usb_device)) MakeUsbSerial(usb_device, AtomicNow());
  if (engine.internal_wanted()) StartInternalClock();
  if (LineNeedsService()) {
    shared.wake = 0;
    ServiceLine();
  } else if (hal::midi_tx.started) {
    RetireSent();
  }
  PassToHost();
}

bool WorkPending() {
  return shared.tick || shared.edge_count != 0 || shared.reset_changed || shared.rx_count != 0 ||
         shared.wake || hal::midi_tx.started;
}

}  // namespace firmware
}  // namespace cv2midi
