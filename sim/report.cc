// Report printing and the tempo and timing plot.
#include "sim/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/midi.h"
#include "core/shift_text.h"

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
  out << "input     " << +sc.pulse_ppqn << " PPQN, so ";
  if (a.pulses_per_clock > 1) {
    out << "a MIDI clock every " << +a.pulses_per_clock << " pulses";
  } else {
    out << +a.n << " MIDI clocks per pulse";
  }
  out << "; glitch window " << Fixed(a.glitch_window / 16000.0, 3) << " ms\n";
  char din[kShiftTextBytes], usb[kShiftTextBytes];
  FormatShift(a.din_shift_10us, din);
  FormatShift(a.usb_shift_10us, usb);
  out << "settings  din-shift " << din << " ms, usb-shift " << usb << " ms, smooth "
      << (a.smooth == 0 ? std::string("off") : std::to_string(a.smooth))
      << (a.shift_settings_changed ? " (at the first edge; a settings request changed them)"
                                   : "")
      << "\n\n";

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
    out << "  clocks lost or invented: " << a.clock_balance << " (sent "
        << a.clocks - a.internal_clocks << " for the edges, expected " << a.accepted * a.n
        << ")\n";
  }
  for (const Analysis::InternalRun& r : a.internal_runs) {
    char buf[320];
    std::snprintf(buf, sizeof(buf),
                  "  internal clock (%s) from %.6f s at %.2f BPM: %zu clocks to %s, %zu owed back "
                  "to back%s; error on the grid max %lld cycles, last clock %lld cycles at %.6f s\n",
                  r.held ? "held" : "button", (r.from - kScenarioStart) / 16e6, r.bpm, r.clocks,
                  r.ends.c_str(), r.owed, r.back_to_back ? "" : " (NOT back to back)",
                  static_cast<long long>(r.max_error), static_cast<long long>(r.last_error),
                  r.last_at > kScenarioStart ? (r.last_at - kScenarioStart) / 16e6 : 0.0);
    out << buf;
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
        << "; serial " << (u.strings.count(3) ? u.strings.at(3) : std::string("none"))
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

  out << "\nTiming at the wire: each byte at its start bit's falling edge on the MIDI OUT pin"
         "\n(DESIGN.md section 2; 1 CPU cycle = 62.5 ns)\n";
  out << "  edge to first start bit latency L: " << Fixed(a.latency_median / 16.0, 2) << " us ("
      << a.latency_median << " cycles; min " << a.latency_min << ", max " << a.latency_max
      << ", over " << a.latency_samples << " edges)\n";
  if (a.timed_clocks > 0) {
    out << "  timing error at steady tempo: max " << Fixed(a.error_max_ns, 1) << " ns, rms "
        << Fixed(a.error_rms_ns, 1) << " ns over " << a.timed_clocks << " clocks\n"
        << "  largest error: " << a.worst_clock << "\n";
  } else {
    out << "  timing error at steady tempo: no steady intervals in this scenario\n";
  }
  if (a.shifted) {
    out << "  clock shift: DIN set " << Fixed(a.din_shift_set / 16000.0, 2) << " ms, measured "
        << Fixed(a.din_shift_measured / 16000.0, 5) << " ms (median against the unshifted grid)";
    if (a.usb_shift_samples > 0) {
      out << "; USB set " << Fixed(a.usb_shift_set / 16000.0, 2) << " ms, measured "
          << Fixed(a.usb_shift_measured / 16000.0, 3) << " ms (host frames included)";
    }
    out << "\n  " << a.phase_in_edges << " edges phasing in after a start, " << a.unearned_clocks
        << " clocks unearned at stops (at most " << a.unearned_allowed << ")\n";
  }
  if (a.smooth != 0) {
    out << "  jitter filter: strength " << static_cast<int>(a.smooth) << "; downbeats "
        << (a.window_checked - a.window_misses) << " of " << a.window_checked
        << " within 0.5-4 ms of their pulse\n";
  }
  if (a.spacing_samples > 0) {
    out << "  clock spacing: mean " << Fixed(a.spacing_mean_us, 2) << " us, sd "
        << Fixed(a.spacing_sd_us, 3) << " us over " << a.spacing_samples << " gaps\n";
  }
  for (const Analysis::Relock& r : a.relocks) {
    out << "  step to " << Fixed(r.bpm, 2) << " BPM at " << Fixed(r.at / 16e6, 3) << " s: ";
    if (r.pulses < 0) {
      out << "spacing never within 0.1 % in the segment\n";
    } else {
      out << "every spacing within 0.1 % from pulse " << r.pulses << " after it\n";
    }
  }
  out << "  division error (each clock against the interval it divides, steady or not): max "
      << Fixed(a.division_error_max_ns, 1) << " ns over " << a.divided_clocks << " clocks\n";
  out << "  the pin: " << run.midi_out.size() << " level changes, " << run.tx.size()
      << " frames, " << run.wire_faults.size() << " faults"
      << (run.wire_cut_at_end ? ", 1 frame cut by the end of the run (not read)" : "")
      << "; compares simavr skipped after a"
      << " Timer1 wrap, made by the harness: " << run.simavr_compare_fixes << "\n";

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

bool WritePlot(const RunResult& run, const Analysis& a, const std::string& png_path,
               std::string* note) {
  const std::string data = png_path + ".dat";
  const std::string script = png_path + ".gp";
  auto at = [](uint64_t cycle) {
    return Fixed((static_cast<double>(cycle) - kScenarioStart) / 16e6, 6);
  };
  std::vector<uint64_t> clocks, transport;
  std::vector<const TxByte*> transport_bytes;
  for (const TxByte& b : run.tx) {
    if (b.byte == midi::kClock) clocks.push_back(b.cycle);
    if (b.byte == midi::kStart || b.byte == midi::kStop || b.byte == midi::kContinue) {
      transport.push_back(b.cycle);
      transport_bytes.push_back(&b);
    }
  }
  // Whether a Start, Stop or Continue went out between two moments: no tempo spans those.
  auto transport_between = [&transport](uint64_t from, uint64_t to) {
    auto it = std::upper_bound(transport.begin(), transport.end(), from);
    return it != transport.end() && *it < to;
  };
  double lo = 1e9, hi = 0;
  auto range = [&lo, &hi](double bpm) {
    lo = std::min(lo, bpm);
    hi = std::max(hi, bpm);
  };
  {
    std::ofstream d(data);
    // 0: the input tempo, from each interval between edges the glitch rule accepts.
    uint64_t last = 0;
    for (const Edge& e : run.edges) {
      if (last != 0 && e.at - last < a.glitch_window) continue;
      if (last != 0 && !transport_between(last, e.at)) {
        const double bpm = 60 * 16e6 / (static_cast<double>(e.at - last) * run.scenario.pulse_ppqn);
        d << at(e.at) << " " << Fixed(bpm, 3) << "\n";
        range(bpm);
      }
      last = e.at;
    }
    // 1: the output tempo, from each beat of 24 clocks.
    d << "\n\n";
    for (size_t k = 24; k < clocks.size(); ++k) {
      if (transport_between(clocks[k - 24], clocks[k])) continue;
      const double bpm = 60 * 16e6 / static_cast<double>(clocks[k] - clocks[k - 24]);
      d << at(clocks[k]) << " " << Fixed(bpm, 3) << "\n";
      range(bpm);
    }
    // 2: every edge; 3: each clock's timing error; 4: the catch-up bursts.
    d << "\n\n";
    for (const Edge& e : run.edges) d << at(e.at) << "\n";
    d << "\n\n";
    for (const Analysis::ClockError& c : a.clock_errors) d << at(c.cycle) << " " << Fixed(c.ns, 1) << "\n";
    d << "\n\n";
    for (uint64_t e : a.burst_edges) d << at(e) << "\n";
    if (a.burst_edges.empty()) d << "NaN\n";
  }
  if (hi == 0) {
    lo = 100;
    hi = 140;
  }
  // Room above the curves for the transport labels, and below for the edge ticks.
  const double span = std::max(hi - lo, 0.1 * hi);
  const double y_lo = std::max(0.0, lo - 0.25 * span), y_hi = hi + 0.3 * span;
  const double t_end = (static_cast<double>(run.cycles) - kScenarioStart) / 16e6;
  double err = 62.5;
  for (const Analysis::ClockError& c : a.clock_errors) err = std::max(err, std::fabs(c.ns));
  {
    std::ofstream g(script);
    g << "set terminal pngcairo size 1400,820 font 'sans,11'\n"
      << "set output '" << png_path << "'\n"
      << "set multiplot title 'cv2midi on a simulated Teensy: " << run.scenario.name << "'\n"
      << "set lmargin 12\nset rmargin 4\nset grid\n"
      << "set xrange [" << Fixed(-0.01 * t_end, 3) << ":" << Fixed(1.01 * t_end, 3) << "]\n"
      << "set size 1,0.64\nset origin 0,0.33\n"
      << "set format x ''\nset ylabel 'tempo (BPM)'\n"
      << "set yrange [" << Fixed(y_lo, 1) << ":" << Fixed(y_hi, 1) << "]\n"
      << "set key outside top center horizontal\n";
    // Transport bytes: a line each, labelled inside the plot.
    for (const TxByte* b : transport_bytes) {
      const char* name = b->byte == midi::kStart ? "Start" : b->byte == midi::kStop ? "Stop" : "Continue";
      const char* colour = b->byte == midi::kStop ? "#d62728" : "#2ca02c";
      g << "set arrow from " << at(b->cycle) << ", graph 0 to " << at(b->cycle)
        << ", graph 1 nohead lw 1.5 lc rgb '" << colour << "' back\n"
        << "set label '" << name << "' at " << at(b->cycle) << ", graph 0.97 right rotate by 90"
        << " offset 1.2,0 tc rgb '" << colour << "' front\n";
    }
    const double tick_top = y_lo + 0.06 * (y_hi - y_lo);
    g << "plot '" << data << "' index 2 using 1:(" << Fixed(y_lo, 1) << "):(0):(" << Fixed(tick_top - y_lo, 2)
      << ") with vectors nohead lc rgb '#999999' title 'edges', "
      << "'' index 0 using 1:2 with steps lw 5 lc rgb '#ffbb78' title 'input tempo (from the edges)', "
      << "'' index 1 using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title 'output tempo (from each 24 clocks)', "
      << "'' index 4 using 1:(" << Fixed(tick_top, 1) << ") with points pt 9 ps 1.6 lc rgb '#9467bd'"
      << " title 'catch-up burst (owed clocks sent back to back)'\n"
      << "unset arrow\nunset label\n"
      << "set size 1,0.33\nset origin 0,0\nset format x '%g'\nset xlabel 'time (s)'\n"
      << "set ylabel 'timing error (ns)'\n"
      << "set yrange [" << Fixed(-1.3 * err, 1) << ":" << Fixed(1.3 * err, 1) << "]\n"
      << "set key outside top center horizontal\n"
      << "plot 62.5 with lines dt 2 lc rgb '#999999' title 'one CPU cycle (62.5 ns)', -62.5 with lines dt 2 lc rgb '#999999' notitle, "
      << "'" << data << "' index 3 using 1:2 with points pt 7 ps 0.4 lc rgb '#1f77b4'"
      << " title 'each clock against edge + L + j x interval / N (measured at the start bit on the MIDI OUT pin)'\n"
      << "unset multiplot\n";
  }
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    *note = "gnuplot is not installed (scripts/setup.sh installs gnuplot-nox): no plot";
    return false;
  }
  if (std::system(("gnuplot '" + script + "' 2>&1").c_str()) != 0) {
    *note = "gnuplot failed; its script is " + script;
    return false;
  }
  std::remove(script.c_str());
  std::remove(data.c_str());
  return true;
}

}  // namespace sim
}  // namespace cv2midi
