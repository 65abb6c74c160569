// A Teensy 2.0 on libsimavr running the real cv2midi.elf: drives the jacks, button and MIDI
// in through the pins, and records every level change of the MIDI OUT pin (PB5) with the
// exact cycle the compare unit made it, the bytes those changes carry, the LED, the cycles
// spent asleep and, on request, a trace of every pin and interrupt (sim/trace.h).
#ifndef CV2MIDI_SIM_TEENSY_H_
#define CV2MIDI_SIM_TEENSY_H_

#include <stdint.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace.h"

struct avr_t;
struct avr_irq_t;
struct avr_timer_t;

namespace cv2midi {
namespace sim {

constexpr uint64_t kCyclesPerSecond = 16000000;
constexpr uint64_t kCyclesPerMs = 16000;
constexpr uint64_t kCyclesPerUs = 16;
constexpr uint64_t kMidiBit = 512;  // 32 us at 31250 baud

struct TxByte {
  uint64_t cycle;  // the cycle the start bit's falling edge reached the MIDI OUT pin
  uint8_t byte;
};

struct PinChange {
  uint64_t cycle;
  bool level;
};

class Teensy {
 public:
  Teensy();
  ~Teensy();
  Teensy(const Teensy&) = delete;
  Teensy& operator=(const Teensy&) = delete;

  // Loads the image; false with a reason when it cannot. `eeprom` (if not empty) is written
  // to EEPROM address 0 before the first instruction runs.
  bool Load(const std::string& elf_path, const std::vector<uint8_t>& eeprom, std::string* error);
  // Starts recording the trace: jacks and pins, button, MIDI in and out (wire levels, and
  // each byte sent with a strobe), LED and the interrupts. Call after Load, before running.
  void StartTrace();
  const Trace* trace() const;  // null unless StartTrace

  // The jacks as a musician patches them: high = a pulse is present. The input stage
  // inverts, so the pins see the opposite level.
  void SetClockJack(bool high);
  void SetResetJack(bool high);
  void SetButton(bool pressed);
  // A byte into DIN in: handed to the USART at once, and played on RXD1 (PD2) as the frame
  // it is on the wire, 8N1 at 31250 baud, from now or from the end of the frame before.
  void SendMidiIn(uint8_t byte);

  // Counts every awake cycle against the address of the instruction it ran (index = byte
  // address / 2), for a profile. Call after Load, before running; it slows the run a little.
  void CountCyclesPerInstruction();
  const std::vector<uint64_t>& word_cycles() const { return word_cycles_; }

  // Runs until `cycle`, doing each action scheduled with At() on its cycle.
  void RunUntil(uint64_t cycle);
  void At(uint64_t cycle, std::function<void()> action);

  uint64_t cycle() const;
  avr_t* avr() { return avr_; }
  bool crashed() const;
  // The true moment of the last SetClockJack (the instruction boundary simavr raised it on).
  uint64_t last_clock_raise() const { return last_clock_raise_; }

  // The bytes the MIDI OUT pin carried, once DecodeMidiOut has read them.
  const std::vector<TxByte>& tx() const { return tx_; }
  // The one place the harness learns that a byte went out on DIN (read off the pin after
  // the run, sim/wire.h): recorded in tx_ and on the trace's midi_out_byte and strobe.
  void NoteByteOut(uint64_t cycle, uint8_t byte);
  // Every level change of the MIDI OUT pin, from idle high, at its exact cycle.
  const std::vector<PinChange>& midi_out() const { return midi_out_; }
  // Bytes written to UDR1: the USART must not transmit (MIDI OUT is the timer's).
  size_t uart_writes() const { return uart_writes_; }
  // Compares simavr skipped just after a Timer1 wrap that the harness made (see teensy.cc).
  size_t simavr_compare_fixes() const { return simavr_compare_fixes_; }
  const std::vector<PinChange>& led() const { return led_; }
  uint64_t sleep_cycles() const { return sleep_cycles_; }
  // Deepest the stack went, in bytes, from the pattern the firmware paints at start-up.
  unsigned StackDepth() const;
  // The first `size` bytes of EEPROM as the firmware left them.
  std::vector<uint8_t> ReadEeprom(size_t size);
  // Bytes of static data (.data + .bss) in the image.
  unsigned StaticRam() const { return static_ram_; }

 private:
  static uint64_t Pump(avr_t* avr, uint64_t when, void* param);
  static void OnSleep(avr_t* avr, uint64_t cycles);
  static void OnTx(avr_irq_t* irq, uint32_t value, void* param);
  static void OnLed(avr_irq_t* irq, uint32_t value, void* param);
  static void OnMidiOutPin(avr_irq_t* irq, uint32_t value, void* param);
  uint16_t ReadTimer1();
  static void OnOcr1aWrite(avr_t* avr, uint16_t addr, uint8_t v, void* param);
  static uint64_t CheckSmallCompare(avr_t* avr, uint64_t when, void* param);
  // The DIN out pin's level (PB5, OC1A) at `cycle`, for the trace.
  void NoteMidiOutLevel(uint64_t cycle, bool level);
  void TraceWatch(avr_irq_t* irq, int signal);
  void Reschedule();
  // Drives an input pin from outside, as the jack circuits do. simavr 1.6 re-drives every
  // input with its pull-up on whenever any bit of the port is written; registering the
  // level as the port's "external" state keeps ours.
  void Drive(char port, int bit, bool level);

  avr_t* avr_ = nullptr;
  struct Tracing;
  std::unique_ptr<Tracing> trace_;
  std::multimap<uint64_t, std::function<void()>> actions_;
  uint64_t pump_at_ = 0;
  std::vector<TxByte> tx_;
  std::vector<PinChange> midi_out_;
  size_t uart_writes_ = 0;
  avr_timer_t* timer1_ = nullptr;
  uint64_t small_compare_at_ = 0;
  uint16_t small_compare_ocr_ = 0;
  size_t simavr_compare_fixes_ = 0;
  std::vector<PinChange> led_;
  uint64_t sleep_cycles_ = 0;
  std::vector<uint64_t> word_cycles_;  // empty unless CountCyclesPerInstruction
  uint64_t last_clock_raise_ = 0;
  uint64_t midi_in_free_ = 0;  // the cycle the last frame played on RXD1 ends
  unsigned static_ram_ = 0;
  uint16_t stack_floor_ = 0;
  uint8_t external_mask_[2] = {0, 0};  // ports B and D
  uint8_t external_value_[2] = {0, 0};
};

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_TEENSY_H_
