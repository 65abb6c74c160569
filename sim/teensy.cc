// libsimavr glue for the simulated Teensy; see teensy.h.
#include "sim/teensy.h"

#include <avr_eeprom.h>
#include <avr_ioport.h>
#include <avr_timer.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_interrupts.h>
#include <sim_irq.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace cv2midi {
namespace sim {
namespace {

constexpr uint8_t kStackPaint = 0xC5;   // what firmware/main.cc paints free RAM with
// Registers the harness reads (32U4 datasheet 31, register summary).
constexpr avr_io_addr_t kPortB = 0x25, kTccr1A = 0x80, kTcnt1L = 0x84, kTcnt1H = 0x85;
constexpr avr_io_addr_t kOcr1AL = 0x88, kOcr1AH = 0x89;
// Compares at OCR1A below this, just after a wrap, are the ones simavr can skip.
constexpr uint16_t kSkippableCompare = 8;

avr_irq_t* PortPin(avr_t* avr, char port, int bit) {
  return avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit);
}

// The interrupts the trace shows, by vector number (ATmega32U4 datasheet 9.1).
struct TracedVector {
  int vector;
  const char* name;
};
constexpr TracedVector kTracedVectors[] = {
    {16, "timer1_capt_isr"},   // the clock edge
    {1, "int0_isr"},           // the reset jack
    {17, "timer1_compa_isr"},  // compare A
    {32, "timer3_compa_isr"},  // the alarm that sends a scheduled byte
    {33, "timer3_compb_isr"},  // wake-up
    {20, "timer1_ovf_isr"},    // extends the capture count
    {21, "timer0_compa_isr"},  // the 1 ms tick
    {25, "usart1_rx_isr"},     // MIDI in
};

}  // namespace

struct Teensy::Tracing {
  // An IRQ feeding one signal of the trace.
  struct Tap {
    Teensy* teensy;
    int signal;
  };
  Trace trace;
  std::vector<std::unique_ptr<Tap>> taps;
  int clock_jack = 0, reset_jack = 0, button = 0;
  int midi_in = 0, midi_out = 0, midi_out_byte = 0, midi_out_strobe = 0;
  bool strobe = false;
};

Teensy::Teensy() = default;

Teensy::~Teensy() {
  if (avr_ != nullptr) avr_terminate(avr_);
}

bool Teensy::Load(const std::string& elf_path, const std::vector<uint8_t>& eeprom,
                  std::string* error) {
  elf_firmware_t firmware;
  std::memset(&firmware, 0, sizeof(firmware));
  // simavr's loader chats on stdout; the report owns stdout.
  std::fflush(stdout);
  const int saved_stdout = dup(1);
  const int null_fd = open("/dev/null", O_WRONLY);
  if (null_fd >= 0) dup2(null_fd, 1);
  const int read = elf_read_firmware(elf_path.c_str(), &firmware);
  std::fflush(stdout);
  if (saved_stdout >= 0) dup2(saved_stdout, 1);
  if (null_fd >= 0) close(null_fd);
  if (saved_stdout >= 0) close(saved_stdout);
  if (read != 0) {
    *error = "cannot read the firmware image " + elf_path;
    return false;
  }
  if (std::strcmp(firmware.mmcu, "atmega32u4") != 0 || firmware.frequency != 16000000) {
    *error = elf_path + " does not embed AVR_MCU(16000000, \"atmega32u4\")";
    return false;
  }
  avr_ = avr_make_mcu_by_name(firmware.mmcu);
  if (avr_ == nullptr) {
    *error = "libsimavr has no atmega32u4 core";
    return false;
  }
  avr_init(avr_);
  avr_->log = LOG_ERROR;
  avr_load_firmware(avr_, &firmware);
  avr_->custom.data = this;
  avr_->sleep = reinterpret_cast<void (*)(avr_t*, avr_cycle_count_t)>(&Teensy::OnSleep);
  static_ram_ = firmware.datasize + firmware.bsssize;
  stack_floor_ = static_cast<uint16_t>(0x100 + static_ram_);

  if (!eeprom.empty()) {
    avr_eeprom_desc_t desc;
    desc.ee = const_cast<uint8_t*>(eeprom.data());
    desc.offset = 0;
    desc.size = static_cast<uint32_t>(eeprom.size());
    avr_ioctl(avr_, AVR_IOCTL_EEPROM_SET, &desc);
  }

  uint32_t flags = 0;  // no stdio echo, no usleep on every status read
  avr_ioctl(avr_, AVR_IOCTL_UART_SET_FLAGS('1'), &flags);
  avr_irq_register_notify(avr_io_getirq(avr_, AVR_IOCTL_UART_GETIRQ('1'), UART_IRQ_OUTPUT),
                          &Teensy::OnTx, this);
  avr_irq_register_notify(PortPin(avr_, 'D', 6), &Teensy::OnLed, this);
  avr_irq_register_notify(PortPin(avr_, 'B', 5), &Teensy::OnMidiOutPin, this);
  for (avr_io_t* io = avr_->io_port; io != nullptr; io = io->next) {
    if (std::strcmp(io->kind, "timer") == 0 && reinterpret_cast<avr_timer_t*>(io)->name == '1') {
      timer1_ = reinterpret_cast<avr_timer_t*>(io);
    }
  }
  avr_register_io_write(avr_, kOcr1AL, &Teensy::OnOcr1aWrite, this);

  // Idle levels: jacks low (pins high through the inverting stage), button up, MIDI idle.
  Drive('D', 4, true);
  Drive('D', 0, true);
  Drive('B', 0, true);
  Drive('D', 2, true);
  return true;
}

void Teensy::Drive(char port, int bit, bool level) {
  const int i = port == 'B' ? 0 : 1;
  external_mask_[i] = static_cast<uint8_t>(external_mask_[i] | (1u << bit));
  if (level) {
    external_value_[i] = static_cast<uint8_t>(external_value_[i] | (1u << bit));
  } else {
    external_value_[i] = static_cast<uint8_t>(external_value_[i] & ~(1u << bit));
  }
  avr_ioport_external_t external;
  external.name = port;
  external.mask = external_mask_[i];
  external.value = external_value_[i];
  avr_ioctl(avr_, AVR_IOCTL_IOPORT_SET_EXTERNAL(port), &external);
  avr_raise_irq(PortPin(avr_, port, bit), level ? 1 : 0);
}

void Teensy::StartTrace() {
  trace_.reset(new Tracing());
  Trace& t = trace_->trace;
  using G = TraceGroup;
  // Levels at time 0 are the idle ones Load drove: jacks low (so the inverting stage holds
  // the pins high), button up, MIDI lines idle high, LED off, no interrupt running.
  trace_->clock_jack = t.Add(G::kInputs, "clock_jack", 1, 0, true);
  TraceWatch(PortPin(avr_, 'D', 4), t.Add(G::kInputs, "clock_pin", 1, 1, true));
  trace_->reset_jack = t.Add(G::kInputs, "reset_jack", 1, 0, true);
  TraceWatch(PortPin(avr_, 'D', 0), t.Add(G::kInputs, "reset_pin", 1, 1, true));
  trace_->button = t.Add(G::kInputs, "button", 1, 0, true);
  trace_->midi_in = t.Add(G::kMidi, "midi_in", 1, 1, true);
  trace_->midi_out = t.Add(G::kMidi, "midi_out", 1, 1, true);
  trace_->midi_out_byte = t.Add(G::kMidi, "midi_out_byte", 8, 0, false);
  trace_->midi_out_strobe = t.Add(G::kMidi, "midi_out_strobe", 1, 0, false);
  TraceWatch(PortPin(avr_, 'D', 6), t.Add(G::kFirmware, "led", 1, 0, true));
  for (const TracedVector& v : kTracedVectors) {
    TraceWatch(avr_get_interrupt_irq(avr_, static_cast<uint8_t>(v.vector)) + AVR_INT_IRQ_RUNNING,
               t.Add(G::kFirmware, v.name, 1, 0, false));
  }
}

const Trace* Teensy::trace() const { return trace_ ? &trace_->trace : nullptr; }

void Teensy::TraceWatch(avr_irq_t* irq, int signal) {
  trace_->taps.emplace_back(new Tracing::Tap{this, signal});
  avr_irq_register_notify(
      irq,
      [](avr_irq_t*, uint32_t value, void* param) {
        const Tracing::Tap* tap = static_cast<const Tracing::Tap*>(param);
        tap->teensy->trace_->trace.Change(tap->signal, tap->teensy->avr_->cycle, value != 0);
      },
      trace_->taps.back().get());
}

void Teensy::SetClockJack(bool high) {
  last_clock_raise_ = avr_->cycle;
  if (trace_) trace_->trace.Change(trace_->clock_jack, avr_->cycle, high);
  Drive('D', 4, !high);
}

void Teensy::SetResetJack(bool high) {
  if (trace_) trace_->trace.Change(trace_->reset_jack, avr_->cycle, high);
  Drive('D', 0, !high);
}

void Teensy::SetButton(bool pressed) {
  if (trace_) trace_->trace.Change(trace_->button, avr_->cycle, pressed);
  Drive('B', 0, !pressed);
}

void Teensy::SendMidiIn(uint8_t byte) {
  avr_raise_irq(avr_io_getirq(avr_, AVR_IOCTL_UART_GETIRQ('1'), UART_IRQ_INPUT), byte);
  // The frame: start bit low, eight data bits LSB first, stop bit high.
  const uint64_t start = std::max(avr_->cycle, midi_in_free_);
  midi_in_free_ = start + 10 * kMidiBit;
  bool level = true;
  for (int bit = 0; bit < 10; ++bit) {
    const bool next = bit == 0 ? false : bit == 9 ? true : ((byte >> (bit - 1)) & 1) != 0;
    if (next == level) continue;
    level = next;
    const uint64_t at = start + bit * kMidiBit;
    if (trace_) trace_->trace.Change(trace_->midi_in, at, level);
    At(at, [this, next] { Drive('D', 2, next); });
  }
}

void Teensy::At(uint64_t cycle, std::function<void()> action) {
  actions_.emplace(cycle, std::move(action));
  Reschedule();
}

void Teensy::Reschedule() {
  if (actions_.empty()) return;
  const uint64_t next = actions_.begin()->first;
  if (pump_at_ != 0 && pump_at_ <= next) return;
  avr_cycle_timer_cancel(avr_, reinterpret_cast<avr_cycle_timer_t>(&Teensy::Pump), this);
  pump_at_ = next;
  const uint64_t delay = next > avr_->cycle ? next - avr_->cycle : 1;
  avr_cycle_timer_register(avr_, delay, reinterpret_cast<avr_cycle_timer_t>(&Teensy::Pump),
                           this);
}

uint64_t Teensy::Pump(avr_t* avr, uint64_t /*when*/, void* param) {
  Teensy* self = static_cast<Teensy*>(param);
  self->pump_at_ = 0;
  while (!self->actions_.empty() && self->actions_.begin()->first <= avr->cycle) {
    std::function<void()> action = std::move(self->actions_.begin()->second);
    self->actions_.erase(self->actions_.begin());
    action();
  }
  if (self->actions_.empty()) return 0;
  self->pump_at_ = self->actions_.begin()->first;
  return self->pump_at_;
}

void Teensy::CountCyclesPerInstruction() { word_cycles_.assign((avr_->flashend + 1) / 2, 0); }

void Teensy::RunUntil(uint64_t cycle) {
  At(cycle, [] {});
  while (avr_->cycle < cycle) {
    // Each avr_run is one instruction, or one stretch of sleep (which OnSleep counts).
    const uint32_t pc = avr_->pc;
    const uint64_t cycle_before = avr_->cycle;
    const uint64_t sleep_before = sleep_cycles_;
    const int state = avr_run(avr_);
    if (!word_cycles_.empty() && pc / 2 < word_cycles_.size()) {
      word_cycles_[pc / 2] += (avr_->cycle - cycle_before) - (sleep_cycles_ - sleep_before);
    }
    if (state == cpu_Done || state == cpu_Crashed) break;
  }
}

uint64_t Teensy::cycle() const { return avr_->cycle; }

std::vector<uint8_t> Teensy::ReadEeprom(size_t size) {
  avr_eeprom_desc_t desc;
  desc.ee = nullptr;
  desc.offset = 0;
  desc.size = static_cast<uint32_t>(size);
  avr_ioctl(avr_, AVR_IOCTL_EEPROM_GET, &desc);
  if (desc.ee == nullptr) return {};
  return std::vector<uint8_t>(desc.ee, desc.ee + size);
}

bool Teensy::crashed() const { return avr_->state == cpu_Crashed || avr_->state == cpu_Done; }

unsigned Teensy::StackDepth() const {
  const uint16_t ramend = 0x0AFF;
  uint16_t lowest = ramend + 1;
  for (uint16_t a = stack_floor_; a <= ramend; ++a) {
    if (avr_->data[a] != kStackPaint) {
      lowest = a;
      break;
    }
  }
  return ramend + 1u - lowest;
}

void Teensy::OnSleep(avr_t* avr, uint64_t cycles) {
  static_cast<Teensy*>(avr->custom.data)->sleep_cycles_ += cycles + 1;
}

void Teensy::OnTx(avr_irq_t* /*irq*/, uint32_t /*value*/, void* param) {
  ++static_cast<Teensy*>(param)->uart_writes_;
}

// TCNT1 as the firmware would read it now, through simavr's own read hook for the register
// (it rebuilds the count from the cycle; it has no side effects).
uint16_t Teensy::ReadTimer1() {
  const avr_io_addr_t io = AVR_DATA_TO_IO(kTcnt1L);
  if (avr_->io[io].r.c != nullptr) avr_->io[io].r.c(avr_, kTcnt1L, avr_->io[io].r.param);
  return static_cast<uint16_t>(avr_->data[kTcnt1L] | (avr_->data[kTcnt1H] << 8));
}

void Teensy::OnMidiOutPin(avr_irq_t* /*irq*/, uint32_t value, void* param) {
  Teensy* self = static_cast<Teensy*>(param);
  const bool level = (value & 1) != 0;
  const bool last = self->midi_out_.empty() ? true : self->midi_out_.back().level;
  if (level == last) return;
  // The pin reaches us between instructions, 0-1 cycle after the compare moved it (exactly
  // 1 after sleep). The compare moved it as TCNT1 became OCR1A + 1 (SIMAVR.md).
  const uint16_t ocr = static_cast<uint16_t>(self->avr_->data[kOcr1AL] |
                                             (self->avr_->data[kOcr1AH] << 8));
  const uint16_t since = static_cast<uint16_t>(self->ReadTimer1() - ocr - 1);
  uint64_t cycle = self->avr_->cycle;
  if (since <= 4) cycle -= since;  // else not a compare change: keep the cycle seen
  self->midi_out_.push_back(PinChange{cycle, level});
  self->NoteMidiOutLevel(cycle, level);
}

// simavr (1.6 and upstream alike) arms the compares of a new timer period in its overflow
// callback, only those still ahead of the cycle the callback runs on: the callback can run
// up to an instruction late, so a compare at OCR1A = 0..3 just after the wrap is skipped
// and comes a whole period late. Silicon makes it. When the firmware arms such a compare
// before the wrap, the harness checks its cycle and, if simavr skipped it, makes it as the
// compare unit would: the OC1A toggle and the interrupt flag. Counted in the report.
void Teensy::OnOcr1aWrite(avr_t* avr, avr_io_addr_t /*addr*/, uint8_t /*v*/, void* param) {
  Teensy* self = static_cast<Teensy*>(param);
  const uint16_t ocr = static_cast<uint16_t>(avr->data[kOcr1AL] | (avr->data[kOcr1AH] << 8));
  const uint16_t tcnt = self->ReadTimer1();
  if (ocr >= kSkippableCompare || tcnt <= ocr || self->timer1_ == nullptr) return;
  self->small_compare_at_ = avr->cycle + (0x10000u - tcnt) + ocr + 1;
  self->small_compare_ocr_ = ocr;
  avr_cycle_timer_register(avr, self->small_compare_at_ + 1 - avr->cycle,
                           &Teensy::CheckSmallCompare, self);
}

uint64_t Teensy::CheckSmallCompare(avr_t* avr, uint64_t /*when*/, void* param) {
  Teensy* self = static_cast<Teensy*>(param);
  const uint16_t ocr = static_cast<uint16_t>(avr->data[kOcr1AL] | (avr->data[kOcr1AH] << 8));
  const bool toggling = (avr->data[kTccr1A] & 0xC0) == 0x40;
  const bool made =
      !self->midi_out_.empty() && self->midi_out_.back().cycle >= self->small_compare_at_;
  if (ocr == self->small_compare_ocr_ && toggling && !made) {
    ++self->simavr_compare_fixes_;
    avr_raise_interrupt(avr, &self->timer1_->comp[0].interrupt);
    const bool port = (avr->data[kPortB] & (1u << 5)) != 0;
    avr_raise_irq(&self->timer1_->io.irq[TIMER_IRQ_OUT_COMP + 0],
                  AVR_IOPORT_OUTPUT | (port ? 0 : 1));
  }
  return 0;
}

void Teensy::NoteMidiOutLevel(uint64_t cycle, bool level) {
  if (trace_) trace_->trace.Change(trace_->midi_out, cycle, level);
}

void Teensy::NoteByteOut(uint64_t cycle, uint8_t byte) {
  tx_.push_back(TxByte{cycle, byte});
  if (trace_) {
    // The strobe toggles once per byte, so repeated F8s stay visible.
    trace_->strobe = !trace_->strobe;
    trace_->trace.Change(trace_->midi_out_byte, cycle, byte);
    trace_->trace.Change(trace_->midi_out_strobe, cycle, trace_->strobe);
  }
}

void Teensy::OnLed(avr_irq_t* /*irq*/, uint32_t value, void* param) {
  Teensy* self = static_cast<Teensy*>(param);
  const bool level = value != 0;
  if (self->led_.empty() || self->led_.back().level != level) {
    self->led_.push_back(PinChange{self->avr_->cycle, level});
  }
}

}  // namespace sim
}  // namespace cv2midi
