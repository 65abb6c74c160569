// Scenario playback; see run.h.
#include "sim/run.h"

#include "sim/wire.h"

#include <chrono>
#include <memory>

#include "core/midi_parser.h"
#include "core/usb_serial.h"
#include "core/usb_midi_packet.h"
#include <cstdlib>
#include <fstream>

namespace cv2midi {
namespace sim {

std::string DefaultElf() {
  const char* env = std::getenv("CV2MIDI_ELF");
  if (env != nullptr && *env != '\0') return env;
  return CV2MIDI_ELF;
}

namespace {

unsigned FlashBytes(const std::string& elf) {
  std::ifstream hex(elf.substr(0, elf.size() - 4) + ".hex");
  unsigned bytes = 0;
  for (std::string line; std::getline(hex, line);) {
    if (line.size() > 9 && line[0] == ':' && line.substr(7, 2) == "00") {
      bytes += static_cast<unsigned>(std::stoul(line.substr(1, 2), nullptr, 16));
    }
  }
  return bytes;
}

// The view GTKWave opens on: the first edge, the Start and the first clock.
void FirstBeat(const RunResult& run, uint64_t* from, uint64_t* edge_at, uint64_t* to) {
  const uint64_t edge = run.edges.empty() ? 0 : run.edges.front().at;
  uint64_t clock = edge;
  for (const TxByte& b : run.tx) {
    if (b.cycle >= edge && b.byte == 0xF8) {
      clock = b.cycle;
      break;
    }
  }
  *edge_at = edge;
  *from = edge > 100 * kCyclesPerUs ? edge - 100 * kCyclesPerUs : 0;
  *to = clock + 500 * kCyclesPerUs;
}

bool WriteTraces(const Teensy& teensy, const RunResult& run, const std::string& base,
                 std::string* error) {
  const Trace& trace = *teensy.trace();
  uint64_t from = 0, edge = 0, to = 0;
  FirstBeat(run, &from, &edge, &to);
  if (!trace.WriteVcd(base + ".vcd", teensy.cycle()) ||
      !trace.WriteLogicVcd(base + ".logic.vcd", teensy.cycle()) ||
      !trace.WriteGtkw(base + ".gtkw", base + ".vcd", from, edge, to)) {
    *error = "cannot write the traces " + base + ".*";
    return false;
  }
  return true;
}

}  // namespace

bool RunScenario(const Scenario& scenario, const RunOptions& options, RunResult* result,
                 std::string* error) {
  const auto wall_start = std::chrono::steady_clock::now();
  *result = RunResult();
  result->scenario = scenario;
  Teensy teensy;
  std::vector<uint8_t> eeprom;
  if (!options.eeprom.empty()) {
    eeprom = options.eeprom;
  } else if (!scenario.eeprom_raw.empty()) {
    eeprom = scenario.eeprom_raw;
  } else if (scenario.settings_given) {
    eeprom.resize(kSettingsBytes);
    EncodeSettings(scenario.settings, eeprom.data());
  }
  if (!teensy.Load(options.elf, eeprom, error)) return false;
  if (options.profile) teensy.CountCyclesPerInstruction();
  if (!options.trace_base.empty()) teensy.StartTrace();
  std::unique_ptr<UsbHost> host;
  if (scenario.usb_host) {
    host.reset(new UsbHost(&teensy));
    if (!options.trace_base.empty() && !host->CaptureTo(options.trace_base + ".pcap")) {
      *error = "cannot write the USB capture " + options.trace_base + ".pcap";
      return false;
    }
    host->Start(options.host_start);
  }
  std::vector<Edge>& edges = result->edges;
  for (const Pulse& p : scenario.pulses) {
    const PulseKind kind = p.kind;
    teensy.At(p.at, [&teensy, &edges, kind] {
      teensy.SetClockJack(true);
      edges.push_back(Edge{teensy.last_clock_raise(), kind});
    });
    teensy.At(p.at + p.width, [&teensy] { teensy.SetClockJack(false); });
  }
  for (const Action& a : scenario.actions) {
    switch (a.kind) {
      case ActionKind::kButton:
        teensy.At(a.at, [&teensy] { teensy.SetButton(true); });
        teensy.At(a.at + a.length, [&teensy] { teensy.SetButton(false); });
        break;
      case ActionKind::kResetPulse:
        teensy.At(a.at, [&teensy] { teensy.SetResetJack(true); });
        teensy.At(a.at + a.length, [&teensy] { teensy.SetResetJack(false); });
        break;
      case ActionKind::kGateOn:
        teensy.At(a.at, [&teensy] { teensy.SetResetJack(true); });
        break;
      case ActionKind::kGateOff:
        teensy.At(a.at, [&teensy] { teensy.SetResetJack(false); });
        break;
      case ActionKind::kUsbReset:
        if (host) host->Reset(a.at);
        break;
      case ActionKind::kUsbPause:
      case ActionKind::kUsbRead:
        if (host) host->PauseReading(a.at, a.kind == ActionKind::kUsbPause);
        break;
      case ActionKind::kUsbSuspend:
      case ActionKind::kUsbWake:
        if (host) host->Suspend(a.at, a.kind == ActionKind::kUsbSuspend);
        break;
      case ActionKind::kUsbOut:
        if (host) {
          // The host's MIDI, as USB-MIDI event packets.
          MidiParser parser;
          UsbMidiEncoder encoder;
          std::vector<uint8_t> packets;
          for (uint8_t byte : a.bytes) {
            MidiEvent e[2];
            const uint8_t n = parser.Feed(byte, e);
            for (uint8_t i = 0; i < n; ++i) {
              UsbMidiPacket p[2];
              const uint8_t m = encoder.Encode(e[i], p);
              for (uint8_t k = 0; k < m; ++k) packets.insert(packets.end(), p[k].b, p[k].b + 4);
            }
          }
          host->SendOut(a.at, packets);
        }
        break;
      case ActionKind::kMidiIn:
        for (size_t i = 0; i < a.bytes.size(); ++i) {
          const uint8_t byte = a.bytes[i];
          teensy.At(a.at + i * a.spacing, [&teensy, byte] { teensy.SendMidiIn(byte); });
        }
        break;
    }
  }
  teensy.RunUntil(scenario.end);
  // What the MIDI OUT pin carried, read as a receiver would.
  result->midi_out = teensy.midi_out();
  WireDecode wire = DecodeWire(result->midi_out, teensy.cycle());
  for (const TxByte& b : wire.bytes) teensy.NoteByteOut(b.cycle, b.byte);
  result->tx = teensy.tx();
  result->wire_faults = std::move(wire.faults);
  result->wire_cut_at_end = wire.cut_at_end;
  result->uart_writes = teensy.uart_writes();
  result->simavr_compare_fixes = teensy.simavr_compare_fixes();
  result->led = teensy.led();
  result->cycles = teensy.cycle();
  result->sleep_cycles = teensy.sleep_cycles();
  result->stack_depth = teensy.StackDepth();
  result->static_ram = teensy.StaticRam();
  result->flash = FlashBytes(options.elf);
  result->crashed = teensy.crashed();
  if (host) result->usb = host->report();
  result->eeprom = teensy.ReadEeprom(usb::kSerialAddress + usb::kSerialBlockBytes);
  result->word_cycles = teensy.word_cycles();
  if (!options.trace_base.empty() && !WriteTraces(teensy, *result, options.trace_base, error)) {
    return false;
  }
  result->wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return true;
}

}  // namespace sim
}  // namespace cv2midi
