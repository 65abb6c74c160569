// Report printing, GTKWave save file and the spacing plot.
#include "sim/report.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/midi.h"

namespace cv2midi {
namespace sim {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string Seconds(uint64_t cycles) { return Fixed(cycles / 16e6, 3) + " s"; }

}  // namespace

void PrintReport(const RunResult& run, const Analysis& a, std::ostream& out) {
  const Scenario& sc = run.scenario;
  out << "cv2midi on a simulated Teensy 2.0 (ATmega32U4 at 16 MHz, simavr)\n";
  out << "scenario  " << sc.name;
  if (!sc.summary.empty()) out << ": " << sc.summary;
  out << "\nsimulated " << Seconds(run.cycles) << " in " << Fixed(run.wall_seconds, 2)
      << " s of wall time (" << Fixed(run.cycles / 16e6 / run.wall_seconds, 0)
      << "x real time)\n";
  out << "input     " << +sc.pulse_ppqn << " PPQN, so " << +a.n
      << " MIDI clocks per pulse; glitch window " << Fixed(a.glitch_window / 16000.0, 3)
      << " ms\n\n";

  out << "Tempo\n";
  for (const SegmentFigures& f : a.segments) {
    const Segment& s = f.segment;
    out << "  line " << s.line << "  " << Seconds(s.from - kScenarioStart) << " to "
        << Seconds(s.to - kScenarioStart) << "  in " << Fixed(s.bpm_from, 1);
    if (s.bpm_to != s.bpm_from) out << " -> " << Fixed(s.bpm_to, 1);
    out << " BPM  out " << Fixed(f.bpm_out, 1) << " BPM (median spacing)  clocks per beat ";
    if (f.clocks_per_beat_max == 0) {
      out << "n/a";
    } else if (f.clocks_per_beat_min == f.clocks_per_beat_max) {
      out << f.clocks_per_beat_min;
    } else {
      out << f.clocks_per_beat_min << ".." << f.clocks_per_beat_max;
    }
    out << "\n";
  }

  out << "\nWhat went out on DIN\n";
  out << "  clocks F8 " << a.clocks << ", Start FA " << a.starts << ", Continue FB "
      << a.continues << ", Stop FC " << a.stops << ", Song Position F2 " << a.song_positions;
  if (a.other_bytes > 0) out << ", other bytes " << a.other_bytes;
  out << "\n  pulses in " << a.pulses << ": accepted " << a.accepted << ", rejected as glitches "
      << a.rejected << "\n";
  if (a.balance_checked) {
    out << "  clocks lost or invented: " << a.clock_balance << " (sent " << a.clocks
        << ", expected " << a.accepted * a.n << ")\n";
  }
  out << "  position check: " << a.position_checked << " edges, " << a.position_failures
      << " failures";
  if (a.position_failures > 0) out << " (first: " << a.first_position_failure << ")";
  out << "\n  bursts (speed-ups): " << a.bursts << ", owed clocks " << a.owed_clocks
      << ", longest burst " << a.longest_burst << " bytes, back to back: "
      << (a.bursts_back_to_back ? "yes" : "NO") << "\n";
  for (const StopFigures& s : a.timeouts) {
    out << "  silence after " << Seconds(s.last_edge - kScenarioStart) << ": ";
    if (s.stop_at == 0) {
      out << "no Stop\n";
    } else {
      out << "Stop after " << Fixed(s.intervals, 3) << " intervals\n";
    }
  }

  if (a.midi_in_bytes > 0) {
    out << "\nMIDI in (thru on DIN out)\n";
    out << "  " << a.midi_in_bytes << " bytes in: " << a.thru_in << " messages (incoming clock"
        << " and transport left out), " << a.thru_delivered << " through whole, "
        << a.thru_missing << " dropped whole";
    if (a.thru_shortened > 0) out << ", " << a.thru_shortened << " SysEx closed early";
    out << "; in order: " << (a.thru_in_order ? "yes" : "NO") << "\n";
  }
  out << "  DIN out read as MIDI: " << (a.out_valid ? "valid" : a.out_fault) << "\n";

  if (a.usb_host) {
    const UsbHostReport& u = run.usb;
    out << "\nUSB (a simulated host, reading the IN endpoint once a frame)\n";
    out << "  enumerations " << u.enumerations << (u.enumerated ? ", configured" : ", NOT configured")
        << "; descriptor faults " << u.descriptor_faults.size() << "; STALLs " << u.stalls_seen
        << "\n  packets read " << u.packets.size() << " in " << u.frames << " frames: "
        << a.usb_clock_matched << " of " << a.usb_clock_bytes
        << " clock/transport bytes sent while the host read, " << a.usb_din_in_packets
        << " from DIN in\n  delay DIN byte -> host: max " << Fixed(a.usb_delay_max / 16000.0, 3)
        << " ms, " << a.usb_within_a_frame << " within the first frame";
    if (a.usb_out_in > 0) {
      out << "\n  host -> DIN out: " << a.usb_out_delivered << " of " << a.usb_out_in
          << " messages (" << u.out_packets_sent << " packets, " << u.out_naks << " NAKs)";
    }
    out << "\n";
  }

  out << "\nTiming (DESIGN.md section 2; 1 CPU cycle = 62.5 ns)\n";
  out << "  edge to first byte latency L: " << Fixed(a.latency_median / 16.0, 2) << " us ("
      << a.latency_median << " cycles; min " << a.latency_min << ", max " << a.latency_max
      << ", over " << a.latency_samples << " edges)\n";
  if (a.timed_clocks > 0) {
    out << "  timing error at steady tempo: max " << Fixed(a.error_max_ns, 1) << " ns, rms "
        << Fixed(a.error_rms_ns, 1) << " ns over " << a.timed_clocks << " clocks\n"
        << "  largest error: " << a.worst_clock << "\n";
  } else {
    out << "  timing error at steady tempo: no steady intervals in this scenario\n";
  }
  out << "  division error (each clock against the interval it divides, steady or not): max "
      << Fixed(a.division_error_max_ns, 1) << " ns over " << a.divided_clocks << " clocks\n";

  out << "\nFirmware\n";
  out << "  CPU awake " << Fixed(a.awake_percent, 2) << " % (asleep the rest)\n";
  out << "  static RAM " << run.static_ram << " bytes, stack high-water " << run.stack_depth
      << " bytes, flash " << run.flash << " bytes\n";

  out << "\nVerdict against the contract\n";
  for (const VerdictItem& v : a.verdict) {
    out << "  " << (v.pass ? "PASS" : (v.must_pass ? "FAIL" : "miss")) << "  " << v.item
        << ": " << v.figure << "\n";
  }
  out << "\n" << (a.pass ? "PASS" : "FAIL") << ": " << sc.name << "\n";
}

void PrintDump(const RunResult& run, std::ostream& out) {
  char line[48];
  auto edge = [&](const Edge& e) {
    std::snprintf(line, sizeof(line), "%12llu  edge%s\n", static_cast<unsigned long long>(e.at),
                  e.kind == PulseKind::kGlitch ? " (glitch)" : "");
    out << line;
  };
  size_t e = 0;
  for (const TxByte& b : run.tx) {
    for (; e < run.edges.size() && run.edges[e].at <= b.cycle; ++e) edge(run.edges[e]);
    std::snprintf(line, sizeof(line), "%12llu  %02X\n", static_cast<unsigned long long>(b.cycle),
                  b.byte);
    out << line;
  }
  for (; e < run.edges.size(); ++e) edge(run.edges[e]);
}

bool WriteGtkwSave(const std::string& gtkw_path, const std::string& vcd_path) {
  std::ofstream f(gtkw_path);
  if (!f) return false;
  f << "[dumpfile] \"" << vcd_path << "\"\n"
    << "[savefile] \"" << gtkw_path << "\"\n"
    << "[timestart] 0\n[size] 1600 600\n[pos] -1 -1\n"
    << "[sst_width] 240\n[signals_width] 220\n[sst_expanded] 1\n"
    << "@28\nclock_pin_PD4\nreset_pin_PD0\nbutton_pin_PB0\n"
    << "@22\nmidi_tx_byte[7:0]\n"
    << "@28\nmidi_tx_strobe\ntimer3_compa_isr\nled_PD6\n";
  return static_cast<bool>(f);
}

bool WriteSpacingPlot(const RunResult& run, const std::string& png_path, std::string* note) {
  const std::string data = png_path + ".dat";
  const std::string script = png_path + ".gp";
  {
    std::ofstream d(data);
    uint64_t last = 0;
    for (const TxByte& b : run.tx) {
      if (b.byte != midi::kClock) continue;
      if (last != 0) d << Fixed(b.cycle / 16e6, 6) << " " << Fixed((b.cycle - last) / 16e3, 4) << "\n";
      last = b.cycle;
    }
    d << "\n\n";
    for (const TxByte& b : run.tx) {
      if (b.byte == midi::kStart || b.byte == midi::kStop || b.byte == midi::kContinue) {
        d << Fixed(b.cycle / 16e6, 6) << " " << (b.byte == midi::kStop ? "Stop" : "Start")
          << "\n";
      }
    }
  }
  {
    std::ofstream g(script);
    g << "set terminal pngcairo size 1200,500 font 'sans,10'\n"
      << "set output '" << png_path << "'\n"
      << "set title 'cv2midi: spacing of MIDI clocks (" << run.scenario.name << ")'\n"
      << "set xlabel 'time (s)'\nset ylabel 'clock to clock (ms)'\n"
      << "set logscale y\nset grid\nset key off\n"
      << "plot '" << data << "' index 0 using 1:2 with points pt 7 ps 0.4 lc rgb '#1f77b4', "
      << "'' index 1 using 1:(0.3):2 with labels rotate left tc rgb '#d62728'\n";
  }
  const std::string cmd = "gnuplot '" + script + "' 2>&1";
  if (std::system(("command -v gnuplot >/dev/null 2>&1")) != 0) {
    *note = "gnuplot is not installed (scripts/setup.sh installs gnuplot-nox): no plot";
    return false;
  }
  if (std::system(cmd.c_str()) != 0) {
    *note = "gnuplot failed; its script is " + script;
    return false;
  }
  std::remove(script.c_str());
  std::remove(data.c_str());
  return true;
}

}  // namespace sim
}  // namespace cv2midi
