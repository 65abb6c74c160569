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
#include "core/config_tap.h"
#include "core/setup_mode.h"
#include "core/sysex_config.h"
#include "core/merger.h"
#include "core/midi.h"
#include "core/midi_parser.h"
#include "core/settings.h"
#include "core/usb_descriptors.h"
#include "core/usb_midi_packet.h"
#include "hal/eeprom.h"
#include "hal/uart.h"
#include "hal/usb.h"
#include "firmware/usb_identity.h"

namespace cv2midi {
namespace firmware {

Shared shared;

namespace {

// Housekeeping that may send a byte waits while anything critical is nearer than this.
constexpr uint32_t kQuietTicks = 1200;
// An alarm is set at least this far ahead of its compare match (kSpinTicks - lead).
constexpr uint32_t kArmMargin = kSpinTicks - kAlarmLeadTicks;
// CPU cycles between housekeeping ticks (Timer0, 1 ms).
constexpr uint32_t kTickCycles = 16000;
// The engine's housekeeping and the LED run every this many 1 ms ticks; the button is
// sampled on every tick.
constexpr uint8_t kHousekeepingTicks = 4;
// A transport byte the main loop sends goes out this many cycles after it looked.
constexpr uint32_t kMainSendTicks = 64;
// Where the settings block lives in EEPROM.
constexpr uint16_t kSettingsAddress = 0;

ClockEngine engine;
Button button;
MidiParser din_parser;
bool thru = true;

// Settings: as stored, as found at boot, and on their way to the EEPROM and the engine.
Settings settings;
SettingsStatus boot_status;
bool settings_waiting;  // changed; the engine takes them once no clock is present
uint8_t eeprom_image[kSettingsBytes];
bool eeprom_dirty;
bool setup_requested;   // the button was held at power-up
SetupMode setup;
// Requests of the settings protocol, set aside from each source, and their replies.
ConfigTap din_tap;
ConfigTap usb_tap;
MidiParser reply_parser;
UsbMidiEncoder reply_encoder;

// DIN out's merged sources: DIN in and USB OUT, each with its own whole-message FIFO.
uint8_t din_fifo[128];
Merger din_merger(din_fifo, sizeof(din_fifo));
uint8_t usb_fifo[64];
Merger usb_merger(usb_fifo, sizeof(usb_fifo));
Merger* line_source = nullptr;  // whose message the wire carries now

// USB: the device, what goes to the host (the engine's bytes and DIN in), what comes back.
hal::UsbDevice usb_device;
MidiParser engine_bytes;
UsbMidiEncoder engine_encoder;
UsbMidiEncoder din_encoder;
UsbMidiDecoder usb_decoder;
constexpr uint8_t kHostSlots = 24;  // packets waiting for the host: 20 ms of clock at 3000 BPM
UsbMidiPacket to_host[kHostSlots];
uint8_t to_host_head;
uint8_t to_host_count;

// The slot i places after the head (i <= kHostSlots). Not '%': 24 is no power of two, and
// a division per packet was 4 % of the CPU at 3000 BPM (profiled under simavr).
uint8_t HostSlot(uint8_t i) {
  const uint8_t slot = static_cast<uint8_t>(to_host_head + i);
  return slot >= kHostSlots ? static_cast<uint8_t>(slot - kHostSlots) : slot;
}
uint16_t to_host_dropped;
ButtonEvent pending_event = ButtonEvent::kNone;
// A critical item too far away for the alarm yet: the housekeeping arms it in time.
bool far_pending;
uint32_t far_due;
uint8_t ticks_since_poll;

uint16_t Low(uint32_t ticks) { return static_cast<uint16_t>(ticks); }

uint32_t AtomicNow() {
  uint32_t now;
  ATOMIC_BLOCK(ATOMIC_FORCEON) { now = Now(); }
  return now;
}

// Only the main loop touches the engine, so engine calls need no lock; the interrupts see
// the engine only through the fast window and the alarm slot. Before the engine changes,
// the window is withdrawn, so an edge never acts on a stale one.
void WithdrawFastWindow() { shared.fast_byte = 0; }

// Sends every critical byte due within the spin window, arms the alarm for the next one
// and publishes the capture interrupt's fast window.
void ServiceCritical() {
  far_pending = false;
  // The alarm may have sent its byte since the main loop last looked: credit it before
  // taking the slot back, or the byte would go twice.
  bool alarm_sent = false;
  uint32_t alarm_at = 0;
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    if (shared.alarm_state == kSent) {
      alarm_sent = true;
      alarm_at = shared.alarm_sent_at;
    }
    shared.alarm_state = kIdle;
    hal::DisarmAlarm();
  }
  if (alarm_sent) engine.CriticalSent(alarm_at);
  uint32_t due;
  uint8_t byte;
  while (engine.PeekCritical(&due, &byte)) {
    bool armed = false;
    uint32_t at = due;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      const uint32_t now = Now();
      const int32_t wait = TicksUntil(now, due);
      if (wait > kSpinTicks) {
        // The compare fires at every cycle that matches `fire` in its low 16 bits, so it is
        // set only when `fire` is less than a timer period away; further items wait for a
        // later tick (Housekeeping) and never wake the CPU early. kSpinTicks keeps `fire`
        // at least kArmMargin ahead, so the match is never missed.
        const uint32_t fire = due - kAlarmLeadTicks;
        if (fire - now < 0x10000UL - kArmMargin) {
          shared.alarm_due = due;
          shared.alarm_byte = byte;
          shared.alarm_state = kArmed;
          hal::ArmAlarm(Low(fire));
        } else {
          far_due = due;
          far_pending = true;
        }
        armed = true;
      } else if (byte != 0 && hal::SendAt(Low(wait < 0 ? now : due), byte) != 0) {
        at = Now();
      }
    }
    if (armed) break;
    engine.CriticalSent(at);
  }
  const ClockEngine::FastEdge fast = engine.fast_edge();
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    shared.fast_from = fast.from;
    shared.fast_span = fast.until - fast.from;
    shared.fast_byte = fast.byte;
  }
}

// What the interrupts left: a sent alarm byte, reset changes, captured edges. Most wake-ups
// (the 1 ms tick, a timer overflow) leave none; single-byte flags need no lock to look.
__attribute__((noinline)) void TakeInterruptWork() {
  if (shared.alarm_state != kSent && !shared.reset_changed && shared.edge_count == 0) return;
  bool reset_changed = false;
  uint8_t rises = 0;
  bool level = false;
  bool alarm_sent;
  ATOMIC_BLOCK(ATOMIC_FORCEON) {
    alarm_sent = shared.alarm_state == kSent;
    if (shared.reset_changed) {
      reset_changed = true;
      rises = shared.reset_rises;
      level = shared.reset_level != 0;
      shared.reset_changed = 0;
      shared.reset_rises = 0;
      WithdrawFastWindow();
    }
  }
  if (alarm_sent) ServiceCritical();
  if (reset_changed) {
    if (engine.settings().reset_mode == ResetMode::kTrigger) {
      for (; rises > 0; --rises) engine.OnResetJack(true);
    } else {
      engine.OnResetJack(level);
    }
    ServiceCritical();
  }
  for (;;) {
    uint32_t t;
    bool sent;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      if (shared.edge_count == 0) return;
      const uint8_t slot = shared.edge_head;
      shared.edge_head = (slot + 1) % Shared::kEdgeSlots;
      --shared.edge_count;
      t = shared.edge_at[slot];
      sent = shared.edge_sent[slot] != 0;
      WithdrawFastWindow();
    }
    if (engine.OnEdge(t) && sent) engine.CriticalSent(t + kLatencyTicks);
    ServiceCritical();
  }
}

void ApplySettings() {
  WithdrawFastWindow();
  engine.Init(ToEngineSettings(settings, kLatencyTicks));
  thru = settings.thru;
  if (settings.reset_mode == ResetMode::kRunGate) shared.reset_changed = 1;
  settings_waiting = false;
  ServiceCritical();
}

void StoreSettings() {
  EncodeSettings(settings, eeprom_image);
  eeprom_dirty = true;
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

void ToHost(const MidiEvent& e, UsbMidiEncoder& encoder);

// Answers the requests a source's tap set aside, on the port they came from.
void AnswerRequests(ConfigTap& tap, bool from_host) {
  uint8_t request[sysex::kMaxMessage];
  size_t size;
  while (tap.TakeRequest(request, &size)) {
    uint8_t reply[sysex::kMaxMessage];
    bool changed = false;
    const size_t n = sysex::Handle(request, size, boot_status, &settings, &changed, reply);
    if (changed) {
      StoreSettings();
      settings_waiting = true;
    }
    for (size_t i = 0; i < n; ++i) {
      MidiEvent events[2];
      const uint8_t m = reply_parser.Feed(reply[i], events);
      for (uint8_t k = 0; k < m; ++k) {
        if (from_host) {
          ToHost(events[k], reply_encoder);
        } else {
          din_merger.Take(events[k]);
        }
      }
    }
  }
}

bool IsClockOrTransport(const MidiEvent& e) {
  return e.kind == MidiEventKind::kRealTime &&
         (e.status == midi::kClock || e.status == midi::kStart || e.status == midi::kContinue ||
          e.status == midi::kStop);
}

// Queues a packet for the host, or counts it dropped when the queue is full: a host that
// stops reading makes the queue drop, never the DIN side wait.
void QueueForHost(const UsbMidiPacket& packet) {
  if (to_host_count == kHostSlots) {
    ++to_host_dropped;
    return;
  }
  to_host[HostSlot(to_host_count)] = packet;
  ++to_host_count;
}

// Queues a message for the host. Nothing is queued while no host has configured the device.
void ToHost(const MidiEvent& e, UsbMidiEncoder& encoder) {
  UsbMidiPacket packets[2];
  const uint8_t n = encoder.Encode(e, packets);
  if (!usb_device.configured()) return;
  for (uint8_t i = 0; i < n; ++i) QueueForHost(packets[i]);
}

// The engine's clocks and transport, as they went on the wire, to the host. A real-time
// byte is its own packet and leaves the parser's state alone, so clocks skip the parser
// (at 3000 BPM the parser and encoder were a quarter of the USB cost).
__attribute__((noinline)) void PassEngineBytesToHost() {
  uint8_t byte;
  while (engine.TakeWireByte(&byte)) {
    if (byte >= midi::kClock) {
      if (usb_device.configured()) QueueForHost(RealTimePacket(byte));
      continue;
    }
    MidiEvent events[2];
    const uint8_t n = engine_bytes.Feed(byte, events);
    for (uint8_t i = 0; i < n; ++i) ToHost(events[i], engine_encoder);
  }
}

// Commits queued packets to the IN endpoint at once, up to 16 (64 bytes) a transfer.
__attribute__((noinline)) void FlushToHost() {
  while (to_host_count != 0) {
    uint8_t data[usb::kBulkSize];
    uint8_t n = 0;
    while (n < usb::kBulkSize / 4 && n < to_host_count) {
      const UsbMidiPacket& p = to_host[HostSlot(n)];
      for (uint8_t k = 0; k < 4; ++k) data[n * 4 + k] = p.b[k];
      ++n;
    }
    if (!usb_device.SendIn(data, static_cast<uint8_t>(n * 4))) return;
    to_host_head = HostSlot(n);
    to_host_count = static_cast<uint8_t>(to_host_count - n);
  }
}

// What the host sent: whole packets into the USB merger, for DIN out.
void OnUsbOut(const uint8_t* data, uint8_t size) {
  for (uint8_t i = 0; i + 4 <= size; i = static_cast<uint8_t>(i + 4)) {
    UsbMidiPacket packet;
    for (uint8_t k = 0; k < 4; ++k) packet.b[k] = data[i + k];
    MidiEvent events[5];
    const uint8_t n = usb_decoder.Decode(packet, events);
    for (uint8_t k = 0; k < n; ++k) {
      MidiEvent passed[4];
      const uint8_t m = usb_tap.Take(events[k], passed);
      for (uint8_t j = 0; j < m; ++j) usb_merger.Take(passed[j]);
    }
  }
  AnswerRequests(usb_tap, true);
}

// The merged source whose byte goes next: the one whose message is on the wire keeps the
// line until a boundary; then the other gets its turn, so neither starves the other.
Merger* NextSource() {
  if (line_source != nullptr && !line_source->empty() && !line_source->AtBoundary()) {
    return line_source;
  }
  Merger* first = line_source == &din_merger ? &usb_merger : &din_merger;
  Merger* second = first == &din_merger ? &usb_merger : &din_merger;
  if (!first->empty()) return first;
  if (!second->empty()) return second;
  return nullptr;
}

// DIN in: bytes from the receive interrupt through the parser into the merge FIFO, a few
// a pass, so the alarm's bookkeeping (the next byte of a burst is due 5120 cycles after the
// last) never waits behind a full receive ring.
constexpr uint8_t kMidiInBytesPerPass = 4;

__attribute__((noinline)) void TakeMidiIn() {
  for (uint8_t done = 0; done < kMidiInBytesPerPass; ++done) {
    uint8_t byte;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      if (shared.rx_count == 0) return;
      byte = shared.rx[shared.rx_head];
      shared.rx_head = (shared.rx_head + 1) % Shared::kRxSlots;
      --shared.rx_count;
    }
    MidiEvent events[2];
    const uint8_t n = din_parser.Feed(byte, events);
    for (uint8_t i = 0; i < n; ++i) {
      MidiEvent passed[4];
      const uint8_t m = din_tap.Take(events[i], passed);
      for (uint8_t k = 0; k < m; ++k) {
        if (!IsClockOrTransport(passed[k])) ToHost(passed[k], din_encoder);
        if (thru) din_merger.Take(passed[k]);
      }
    }
    AnswerRequests(din_tap, false);
  }
}

// Puts transport bytes, then merged bytes, on the line one at a time, only when each can
// end before the next clock is due or the next edge is expected (the engine says). A
// system common byte (Song Position) waits for a message boundary of the merged stream.
__attribute__((noinline)) void PumpLine() {
  for (;;) {
    const bool soon_pending = engine.soon_pending();
    Merger* source = NextSource();
    if (!soon_pending && source == nullptr) return;
    const uint32_t now = AtomicNow();
    if (Before(now, engine.line_free())) {
      ATOMIC_BLOCK(ATOMIC_FORCEON) { hal::ArmWake(Low(engine.line_free())); }
      return;
    }
    const uint32_t at = now + kMainSendTicks;
    // No room: the clock's alarm, the edge, or the next tick brings the loop back here.
    if (!engine.LineHasRoom(at)) return;
    // A real-time byte goes anywhere; the data bytes of a transport message follow it at
    // once; a transport message starts only where no merged message is under way.
    const uint8_t soon = soon_pending ? engine.soon_front() : 0;
    const bool at_boundary = line_source == nullptr || line_source->AtBoundary();
    const bool send_soon = soon_pending && (soon >= 0xF8 || soon < 0x80 || at_boundary);
    if (!send_soon && source == nullptr) return;
    WithdrawFastWindow();
    const uint8_t byte = send_soon ? soon : source->front();
    // Send first, then book it at the cycle it really went (a late send must not leave the
    // line model thinking the line frees earlier than it does).
    uint32_t sent_at = at;
    bool line_taken = false;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      // An interrupt may have put a byte on the line that the engine has not heard of yet:
      // an edge's first byte from the capture, or the alarm's. Then the line is not free.
      line_taken = shared.edge_count != 0 || shared.alarm_state == kSent;
      if (!line_taken && hal::SendAt(Low(at), byte) != 0) sent_at = Now();
    }
    if (line_taken) return;  // Run takes the interrupt's work and comes back here
    if (send_soon) {
      engine.TakeSoon(sent_at);
      if (byte == midi::kSongPosition) {
        din_merger.CancelRunningStatus();
        usb_merger.CancelRunningStatus();
      }
    } else {
      if (source != line_source && line_source != nullptr) line_source->CancelRunningStatus();
      line_source = source;
      source->Pop();
      engine.ExternalSent(sent_at);
    }
    ServiceCritical();
  }
}

__attribute__((noinline)) void Housekeeping() {
  wdt_reset();
  const uint32_t now = AtomicNow();
  // Ticks come every 16000 cycles: an item comes within the alarm's reach in time.
  if (far_pending && TicksUntil(now, far_due) < static_cast<int32_t>(0x10000UL - 2 * kTickCycles)) {
    ServiceCritical();
  }
  // Work that may send a byte waits while anything critical is near; the alarm or the
  // edge itself wakes the loop again once it has passed.
  const ButtonEvent event = button.Sample(!hal::ButtonIn::Read(), now);
  if (event != ButtonEvent::kNone) pending_event = event;
  if (++ticks_since_poll < kHousekeepingTicks && event == ButtonEvent::kNone &&
      pending_event == ButtonEvent::kNone) {
    return;
  }
  ticks_since_poll = 0;
  engine.Poll(now);
  if (settings_waiting && !engine.clock_present()) ApplySettings();
  if (eeprom_dirty && engine.Quiet(now, kQuietTicks)) WriteEepromStep();
  if (UsbSerialUnwritten() && engine.Quiet(now, kQuietTicks)) WriteUsbSerialStep();
  if (pending_event != ButtonEvent::kNone && engine.Quiet(now, kQuietTicks)) {
    WithdrawFastWindow();
    engine.OnButton(pending_event);
    pending_event = ButtonEvent::kNone;
    ServiceCritical();
  }
  hal::LedOut::Set(engine.Led(now));
}

// Each step is tested for work here, at no cost, before its call: the steps are large
// enough that their prologues alone, run for nothing on every wake-up, cost more than the
// rest of an idle pass (3.6 % of the CPU, measured).
__attribute__((always_inline)) inline bool LineWorkPending() {
  return engine.soon_pending() || !din_merger.empty() || !usb_merger.empty();
}

__attribute__((always_inline)) inline void PassToHost() {
  if (engine.wire_log_pending()) PassEngineBytesToHost();
  if (to_host_count != 0 && usb_device.InReady()) FlushToHost();
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
  boot_status = DecodeSettings(stored, &settings);
  thru = settings.thru;
  engine.Init(ToEngineSettings(settings, kLatencyTicks));

  hal::InitMidiUart();
  hal::InitTimers();
  LoadUsbSerial(usb_device);
  usb_device.Attach();
  // INT0 on both edges: trigger mode acts on the jack's rise, run-gate mode on both.
  EICRA = _BV(ISC00);
  EIFR = _BV(INTF0);
  EIMSK = _BV(INT0);
  shared.reset_level = hal::ResetIn::Read() ? 0 : 1;
  if (engine.settings().reset_mode == ResetMode::kRunGate) shared.reset_changed = 1;
  ServiceCritical();
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
  if (!setup.active()) setup.Enter(settings.ppqn, now);
  const ButtonEvent event = button.Sample(!hal::ButtonIn::Read(), now);
  if (setup.OnButton(event, button.pressed(), now)) {
    settings.ppqn = setup.ppqn();
    StoreSettings();
    ApplySettings();
    setup_requested = false;
  }
  hal::LedOut::Set(setup.active() && setup.Led(now));
  WriteEepromStep();
}

void Run() {
  if (setup_requested) {
    RunSetup();
    usb_device.Poll(&OnUsbOut);
    if (UsbSerialWanted(usb_device)) MakeUsbSerial(usb_device, AtomicNow());
    return;
  }
  if (shared.alarm_state == kSent || shared.reset_changed || shared.edge_count != 0) {
    TakeInterruptWork();
  }
  // A wake-up at "line free" sends the next merged byte at once, before anything else.
  shared.wake = 0;
  if (LineWorkPending()) PumpLine();
  // Clocks to the host next: committed within microseconds, they make the next frame.
  PassToHost();
  if (shared.rx_count != 0) TakeMidiIn();
  if (shared.tick) {
    shared.tick = 0;
    Housekeeping();
  }
  usb_device.Poll(&OnUsbOut);
  if (UsbSerialWanted(usb_device)) MakeUsbSerial(usb_device, AtomicNow());
  if (LineWorkPending()) PumpLine();
  PassToHost();
}

bool WorkPending() {
  return shared.tick || shared.edge_count != 0 || shared.alarm_state == kSent ||
         shared.reset_changed || shared.rx_count != 0 || shared.wake;
}

}  // namespace firmware
}  // namespace cv2midi
