// cv2midi-sim: runs the real firmware image on a simulated Teensy against a scenario,
// prints the report, writes the traces (VCD, logic VCD, GTKWave save file, USB capture)
// and a tempo plot, and exits 1
// when the run breaks the contract (2 for bad arguments or a bad scenario).
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "sim/analysis.h"
#include "sim/profile.h"
#include "sim/report.h"
#include "sim/run.h"
#include "sim/scenario.h"

namespace {

void Usage() {
  std::cerr << "usage: cv2midi-sim [--elf FILE] [--out DIR] [--no-trace] [--dump] [--profile]"
               " SCENARIO\n"
               "  SCENARIO  a scenario file (see sim/scenarios/README.md)\n"
               "  --elf     the firmware image (default: the one this build made)\n"
               "  --out     where the .vcd, .gtkw, .logic.vcd, .pcap and .png go (default: build/sim-out)\n"
               "  --no-trace  skip the VCD and the plot\n"
               "  --dump    list every clock edge and every byte on the MIDI OUT pin, by the cycle of its start bit\n"
               "  --profile  after the report, the functions the awake cycles went to\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cv2midi::sim;
  RunOptions options;
  options.elf = DefaultElf();
  std::string out_dir = CV2MIDI_SIM_OUT;
  std::string scenario_path;
  bool trace = true;
  bool dump = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--elf" || arg == "--out") && i + 1 < argc) {
      (arg == "--elf" ? options.elf : out_dir) = argv[++i];
    } else if (arg == "--no-trace") {
      trace = false;
    } else if (arg == "--dump") {
      dump = true;
    } else if (arg == "--profile") {
      options.profile = true;
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else if (!arg.empty() && arg[0] != '-' && scenario_path.empty()) {
      scenario_path = arg;
    } else {
      Usage();
      return 2;
    }
  }
  if (scenario_path.empty()) {
    Usage();
    return 2;
  }
  Scenario scenario;
  std::string error;
  if (!LoadScenario(scenario_path, &scenario, &error)) {
    std::cerr << "cv2midi-sim: " << error << "\n";
    return 2;
  }
  std::string stem = scenario.name;
  if (stem.size() > 4 && stem.substr(stem.size() - 4) == ".txt") stem.resize(stem.size() - 4);
  const std::string base = out_dir + "/" + stem;
  if (trace) {
    if (std::system(("mkdir -p '" + out_dir + "'").c_str()) != 0) {
      std::cerr << "cv2midi-sim: cannot create " << out_dir << "\n";
      return 2;
    }
    options.trace_base = base;
  }
  std::vector<FunctionSymbol> symbols;
  if (options.profile && !ReadFunctionSymbols(options.elf, &symbols, &error)) {
    std::cerr << "cv2midi-sim: " << error << "\n";
    return 2;
  }
  RunResult run;
  if (!RunScenario(scenario, options, &run, &error)) {
    std::cerr << "cv2midi-sim: " << error << "\n";
    return 2;
  }
  if (dump) {
    PrintDump(run, std::cout);
    std::cout << "\n";
  }
  const Analysis analysis = Analyze(run);
  PrintReport(run, analysis, std::cout);
  if (options.profile) {
    std::cout << "\n";
    PrintProfile(SumByFunction(run.word_cycles, symbols), run.cycles, 20, std::cout);
  }
  if (trace) {
    std::string note;
    const bool plotted = WritePlot(run, analysis, base + ".png", &note);
    std::cout << "\nTrace  gtkwave " << base << ".gtkw\n"
              << "Logic  sigrok-cli -I vcd:downsample=625 -i " << base
              << ".logic.vcd -P uart:rx=midi_out:baudrate=31250,midi\n";
    if (scenario.usb_host) std::cout << "USB    tshark -r " << base << ".pcap -V\n";
    if (plotted) {
      std::cout << "Plot   " << base << ".png\n";
    } else {
      std::cout << "Plot   " << note << "\n";
    }
  }
  return analysis.pass ? 0 : 1;
}
