// Plays a scenario on the simulated Teensy and keeps what happened at the pins.
#ifndef CV2MIDI_SIM_RUN_H_
#define CV2MIDI_SIM_RUN_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/teensy.h"
#include "sim/usb_host.h"
#include "sim/wire.h"

namespace cv2midi {
namespace sim {

struct Edge {
  uint64_t at;  // the cycle the pin actually moved
  PulseKind kind;
};

struct RunResult {
  Scenario scenario;
  std::vector<Edge> edges;  // every rising edge of the clock jack
  std::vector<TxByte> tx;               // the bytes the MIDI OUT pin carried, as decoded
  std::vector<PinChange> midi_out;      // that pin's level changes, exact cycles
  std::vector<WireFault> wire_faults;   // framing errors, changes off the bit grid
  int wire_cut_at_end = 0;              // a last frame the end of the run cut short
  size_t uart_writes = 0;               // bytes written to UDR1 (must be none)
  size_t simavr_compare_fixes = 0;      // compares simavr skipped, made by the harness
  std::vector<PinChange> led;
  uint64_t cycles = 0;
  uint64_t sleep_cycles = 0;
  unsigned stack_depth = 0;
  unsigned static_ram = 0;
  unsigned flash = 0;
  bool crashed = false;
  double wall_seconds = 0;
  UsbHostReport usb;  // empty when the scenario has no host
  // EEPROM at the end of the run, from address 0 through the serial number's block (the
  // settings block first); pass it as RunOptions::eeprom for a power cycle.
  std::vector<uint8_t> eeprom;
  std::vector<uint64_t> word_cycles;  // awake cycles per instruction word, if profiled
};

struct RunOptions {
  std::string elf;
  // Empty: no trace. Otherwise the run writes BASE.vcd (GTKWave), BASE.gtkw (its save
  // file), BASE.logic.vcd (the 1-bit wires, for sigrok) and, with a host, BASE.pcap.
  std::string trace_base;
  std::vector<uint8_t> eeprom;  // if not empty: boot with this EEPROM (a power cycle)
  bool profile = false;  // count awake cycles per instruction (RunResult::word_cycles)
  uint64_t host_start = 2 * kCyclesPerMs;  // when the USB host first looks at the bus
};

bool RunScenario(const Scenario& scenario, const RunOptions& options, RunResult* result,
                 std::string* error);

// The image the build made (CV2MIDI_ELF, or the CV2MIDI_ELF environment variable).
std::string DefaultElf();

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_RUN_H_
