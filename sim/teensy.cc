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
#include <sim_vcd_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace cv2midi {
namespace sim {
namespace {

constexpr int kTimer3CompAVector = 32;  // ATmega32U4 datasheet 9.1, TIMER3 COMPA
constexpr uint8_t kStackPaint = 0xC5;   // what firmware/main.cc paints free RAM with
// Registers the harness reads (32U4 datasheet 31, register summary).
constexpr avr_io_addr_t kPortB = 0x25, kTccr1A = 0x80, kOcr1AL = 0x88, kOcr1AH = 0x89;
// Compares at OCR1A below this, just after a wrap, are the ones simavr can skip.
constexpr uint16_t kSkippableCompare = 8;

avr_irq_t* PortPin(avr_t* avr, char port, int bit) {
  return avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit);
}

}  // namespace

struct Teensy::Trace {
  avr_vcd_t vcd;
  avr_irq_t* tx_irqs = nullptr;  // [0] byte, [1] strobe
  bool strobe = false;
};

Teensy::Teensy() = default;

Teensy::~Teensy() {
  if (trace_ != nullptr) {
    avr_vcd_close(&trace_->vcd);
    delete trace_;
  }
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
  avr_irq_register_notify(PortPin(avr_, 'B', 5), &Teensy::OnMidiOut, this);
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

bool Teensy::TraceTo(const std::string& vcd_path) {
  trace_ = new Trace();
  // Flush often enough that a 1200-clock-a-second run never overflows simavr's FIFO.
  if (avr_vcd_init(avr_, vcd_path.c_str(), &trace_->vcd, 1000) != 0) return false;
  static const char* kTxNames[] = {"midi_tx_byte", "midi_tx_strobe"};
  trace_->tx_irqs = avr_alloc_irq(&avr_->irq_pool, 0, 2, kTxNames);
  avr_vcd_add_signal(&trace_->vcd, PortPin(avr_, 'D', 4), 1, "clock_pin_PD4");
  avr_vcd_add_signal(&trace_->vcd, PortPin(avr_, 'D', 0), 1, "reset_pin_PD0");
  avr_vcd_add_signal(&trace_->vcd, PortPin(avr_, 'B', 0), 1, "button_pin_PB0");
  avr_vcd_add_signal(&trace_->vcd, PortPin(avr_, 'D', 6), 1, "led_PD6");
  avr_vcd_add_signal(&trace_->vcd, &trace_->tx_irqs[0], 8, "midi_tx_byte");
  avr_vcd_add_signal(&trace_->vcd, &trace_->tx_irqs[1], 1, "midi_tx_strobe");
  avr_vcd_add_signal(&trace_->vcd,
                     avr_get_interrupt_irq(avr_, kTimer3CompAVector) + AVR_INT_IRQ_RUNNING, 1,
                     "timer3_compa_isr");
  return avr_vcd_start(&trace_->vcd) == 0;
}

void Teensy::SetClockJack(bool high) {
  last_clock_raise_ = avr_->cycle;
  Drive('D', 4, !high);
}

void Teensy::SetResetJack(bool high) { Drive('D', 0, !high); }

void Teensy::SetButton(bool pressed) { Drive('B', 0, !pressed); }

void Teensy::SendMidiIn(uint8_t byte) {
  avr_raise_irq(avr_io_getirq(avr_, AVR_IOCTL_UART_GETIRQ('1'), UART_IRQ_INPUT), byte);
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

void Teensy::OnTx(avr_irq_t* /*irq*/, uint32_t value, void* param) {
  Teensy* self = static_cast<Teensy*>(param);
  ++self->uart_writes_;
  if (self->trace_ != nullptr) {
    self->trace_->strobe = !self->trace_->strobe;
    avr_raise_irq(&self->trace_->tx_irqs[0], value & 0xFF);
    avr_raise_irq(&self->trace_->tx_irqs[1], self->trace_->strobe ? 1 : 0);
  }
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
  const bool made = !self->midi_out_.empty() && self->midi_out_.back().cycle >= self->small_compare_at_;
  if (ocr == self->small_compare_ocr_ && toggling && !made) {
    ++self->simavr_compare_fixes_;
    avr_raise_interrupt(avr, &self->timer1_->comp[0].interrupt);
    const bool port = (avr->data[kPortB] & (1u << 5)) != 0;
    avr_raise_irq(&self->timer1_->io.irq[TIMER_IRQ_OUT_COMP + 0], AVR_IOPORT_OUTPUT | (port ? 0 : 1));
  }
  return 0;
}

// TCNT1 as the firmware would read it now, through simavr's own read hook for the register
// (it rebuilds the count from the cycle; it has no side effects).
uint16_t Teensy::ReadTimer1() {
  constexpr avr_io_addr_t kTcnt1L = 0x84, kTcnt1H = 0x85;  // 32U4 datasheet 31 (register summary)
  avr_io_addr_t io = AVR_DATA_TO_IO(kTcnt1L);
  if (avr_->io[io].r.c != nullptr) avr_->io[io].r.c(avr_, kTcnt1L, avr_->io[io].r.param);
  return static_cast<uint16_t>(avr_->data[kTcnt1L] | (avr_->data[kTcnt1H] << 8));
}

void Teensy::OnMidiOut(avr_irq_t* /*irq*/, uint32_t value, void* param) {
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
