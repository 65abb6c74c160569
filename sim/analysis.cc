// Contract measurements; see analysis.h.
#include "sim/analysis.h"

#include <algorithm>
#include <utility>
#include <cmath>
#include <cstdio>

#include "core/clock_engine.h"
#include "core/midi.h"
#include "core/midi_parser.h"
#include "core/sysex_config.h"
#include "sim/midi_check.h"

namespace cv2midi {
namespace sim {
namespace {

constexpr uint64_t kByte = 5120;            // 320 us on the wire
constexpr uint64_t kSteadyTolerance = 8;    // intervals equal within half a microsecond
constexpr double kNsPerCycle = 62.5;
// The firmware's L (firmware/converter.h kLatencyTicks): the unshifted grid's origin past
// each edge, against which a shift and the filter's window are measured.
constexpr uint64_t kGridLatency = 256;
// The slowest interval the firmware measures (1 BPM at 1 PPQN, DESIGN.md item 12): a longer
// one that does not stop the clock is divided, and timed out, as this long.
constexpr uint64_t kSlowestInterval = 60 * 16000000ull;

// The interval from edge a to edge b as the firmware measures it.
uint64_t Measured(uint64_t a, uint64_t b) { return std::min(b - a, kSlowestInterval); }

std::string Format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), fmt, a, b, c);
  return buf;
}

struct Transport {
  uint64_t at;
  uint8_t byte;
};

// Whether the wire said "running" just before `t`.
bool RunningAt(const std::vector<Transport>& transport, uint64_t t) {
  bool running = false;
  for (const Transport& x : transport) {
    if (x.at >= t) break;
    if (x.byte == midi::kStart || x.byte == midi::kContinue) running = true;
    if (x.byte == midi::kStop) running = false;
  }
  return running;
}

// Settings requests in the scenario (DIN in and from the host), each with the settings
// it leaves stored, in time order.
struct StoredChange {
  uint64_t at;
  Settings settings;
};

std::vector<StoredChange> StoredChanges(const Scenario& sc) {
  std::vector<std::pair<uint64_t, MidiMessage>> requests;
  for (const Action& act : sc.actions) {
    if (act.kind != ActionKind::kMidiIn && act.kind != ActionKind::kUsbOut) continue;
    MidiMessage m;
    for (size_t i = 0; i < act.bytes.size(); ++i) {
      const uint8_t b = act.bytes[i];
      if (b >= 0xF8) continue;
      if (b == 0xF0) {
        m = {b};
      } else if (!m.empty()) {
        m.push_back(b);
        if (b == 0xF7 || b >= 0x80) {
          if (b == 0xF7 && sysex::IsConfig(m.data(), m.size())) {
            requests.push_back({act.at + i * act.spacing, m});
          }
          m.clear();
        }
      }
    }
  }
  std::stable_sort(requests.begin(), requests.end(),
                   [](const std::pair<uint64_t, MidiMessage>& a,
                      const std::pair<uint64_t, MidiMessage>& b) { return a.first < b.first; });
  std::vector<StoredChange> changes;
  Settings stored = sc.settings;
  for (const auto& r : requests) {
    bool changed = false;
    uint8_t reply[sysex::kMaxReply];
    sysex::Handle(r.second.data(), r.second.size(), SettingsStatus::kOk, &stored, &changed,
                  reply);
    if (changed) changes.push_back(StoredChange{r.first, stored});
  }
  return changes;
}

// The settings the engine runs with at each accepted edge. The firmware takes new settings
// only while no clock is present: before the first edge, or once a silence timed out.
std::vector<Settings> SettingsAtEdges(const Scenario& sc, const std::vector<uint64_t>& edges) {
  const std::vector<StoredChange> changes = StoredChanges(sc);
  std::vector<Settings> at_edge(edges.size());
  Settings current = sc.settings;
  current.ppqn = sc.pulse_ppqn;
  size_t c = 0;
  auto take_until = [&](uint64_t t) {
    for (; c < changes.size() && changes[c].at < t; ++c) current = changes[c].settings;
  };
  uint64_t deadline = 0;
  uint64_t last_interval = 0;
  for (size_t i = 0; i < edges.size(); ++i) {
    const bool restart = i == 0 || edges[i] > deadline;
    if (restart) take_until(edges[i]);
    at_edge[i] = current;
    const uint64_t silence = i == 0 ? 0 : Measured(edges[i - 1], edges[i]);
    uint64_t basis;
    if (restart) {
      basis = std::max(last_interval != 0 ? last_interval : 8000000 / current.ppqn, silence);
    } else {
      basis = silence;
      last_interval = silence;
    }
    deadline = edges[i] + current.timeout_multiple * basis +
               std::min<uint64_t>(basis / 8, kCyclesPerMs / 2);
  }
  return at_edge;
}
// A shift setting as the report gives it, with the shift applied (in ticks) when the
// PPQN leaves it out (AppliedShift10us).
std::string SetShiftText(int16_t set_10us, int64_t applied_ticks) {
  const bool applied = applied_ticks == static_cast<int64_t>(set_10us) * kTicksPer10us;
  return Format("set %+.2f ms", set_10us / 100.0) +
         (applied ? "" : Format(" (%+.2f ms applied at this PPQN)", applied_ticks / 16000.0));
}


}  // namespace

Analysis Analyze(const RunResult& run) {
  Analysis a;
  const Scenario& sc = run.scenario;
  // N and the glitch window as the firmware has them while the pulses play: the pulses'
  // PPQN (set by SysEx or setup in some scenarios), the rest as stored.
  Settings playing = sc.settings;
  playing.ppqn = sc.pulse_ppqn;
  ClockEngine reference;
  reference.Init(ToEngineSettings(playing, 0));
  a.n = reference.clocks_per_pulse();
  a.pulses_per_clock = reference.pulses_per_clock();
  a.glitch_window = reference.glitch_ticks();
  const size_t n = a.n;

  // Edges the contract's glitch rule accepts.
  std::vector<uint64_t> edges;
  a.pulses = run.edges.size();
  for (const Edge& e : run.edges) {
    const bool accept = edges.empty() || e.at - edges.back() >= a.glitch_window;
    if (e.kind == PulseKind::kGlitch) {
      ++a.glitches_sent;
      if (accept) ++a.glitches_through;
    }
    if (accept) {
      edges.push_back(e.at);
    } else {
      ++a.rejected;
    }
  }
  a.accepted = edges.size();
  const std::vector<Settings> in_force = SettingsAtEdges(sc, edges);
  const Settings& first = in_force.empty() ? playing : in_force.front();
  a.din_shift_10us = first.din_shift_10us;
  a.usb_shift_10us = first.usb_shift_10us;
  a.smooth = first.smooth;
  for (const Settings& st : in_force) {
    a.shift_settings_changed |= st.din_shift_10us != first.din_shift_10us ||
                                st.usb_shift_10us != first.usb_shift_10us ||
                                st.smooth != first.smooth;
  }
  bool clocks_while_stopped = sc.settings.clocks_while_stopped;
  for (const Settings& st : in_force) clocks_while_stopped &= st.clocks_while_stopped;

  // The clock shift: DIN's clock and transport bytes read back onto the unshifted grid.
  // The engine runs at the earlier output's shift and DIN follows it by the difference; a
  // negative engine shift cannot move a (re)start's Start or a timeout's Stop ahead.
  a.din_shift_set = static_cast<int64_t>(AppliedShift10us(first, a.din_shift_10us)) * kTicksPer10us;
  a.usb_shift_set = static_cast<int64_t>(AppliedShift10us(first, a.usb_shift_10us)) * kTicksPer10us;
  a.shifted = a.din_shift_10us != 0 || a.usb_shift_10us != 0;
  const int64_t engine_shift = std::min(a.din_shift_set, a.usb_shift_set);
  const bool smoothed = a.smooth != 0;
  const int64_t clock_move = a.din_shift_set;
  const int64_t transport_move = a.din_shift_set - engine_shift + std::max<int64_t>(engine_shift, 0);
  std::vector<TxByte> tx = run.tx;
  if (a.shifted) {
    for (TxByte& b : tx) {
      const int64_t move = b.byte == midi::kClock ? clock_move
                           : (b.byte == midi::kStart || b.byte == midi::kContinue ||
                              b.byte == midi::kStop)
                               ? transport_move
                               : 0;
      const int64_t at = static_cast<int64_t>(b.cycle) - move;
      b.cycle = at > 0 ? static_cast<uint64_t>(at) : 0;
    }
    std::stable_sort(tx.begin(), tx.end(),
                     [](const TxByte& x, const TxByte& y) { return x.cycle < y.cycle; });
  }

  std::vector<uint64_t> clocks;
  std::vector<Transport> transport;
  for (const TxByte& b : tx) {
    switch (b.byte) {
      case midi::kClock: clocks.push_back(b.cycle); break;
      case midi::kStart: ++a.starts; transport.push_back({b.cycle, b.byte}); break;
      case midi::kContinue: ++a.continues; transport.push_back({b.cycle, b.byte}); break;
      case midi::kStop: ++a.stops; transport.push_back({b.cycle, b.byte}); break;
      case midi::kSongPosition: ++a.song_positions; break;
      default: ++a.other_bytes; break;
    }
  }
  a.clocks = clocks.size();

  // Which edges restart the clock after a silence (DESIGN.md item 2): those divide the
  // last measured interval, not the silence, so they never count as steady.
  std::vector<bool> restart(edges.size(), true);
  std::vector<uint64_t> deadlines(edges.size(), 0);
  std::vector<uint64_t> divisors(edges.size(), 0);  // the interval each edge divides
  {
    const uint64_t grace_max = kCyclesPerMs / 2;
    uint64_t deadline = 0;
    for (size_t i = 0; i < edges.size(); ++i) {
      restart[i] = i == 0 || edges[i] > deadline;
      uint64_t basis;
      if (restart[i]) {
        const uint64_t silence = i == 0 ? 0 : Measured(edges[i - 1], edges[i]);
        uint64_t divisor = 8000000 / in_force[i].ppqn;
        for (size_t k = i; k >= 2; --k) {
          if (!restart[k - 1]) {
            divisor = Measured(edges[k - 2], edges[k - 1]);
            break;
          }
        }
        basis = std::max(divisor, silence);
        divisors[i] = divisor;
      } else {
        basis = Measured(edges[i - 1], edges[i]);
      }
      deadline = edges[i] + in_force[i].timeout_multiple * basis + std::min(basis / 8, grace_max);
      deadlines[i] = deadline;
      if (!restart[i]) divisors[i] = basis;
    }
  }

  // The internal clock's runs, from the inputs and the settings alone; their clocks are
  // taken out of `clocks`, which then holds the edges' clocks only.
  {
    const std::vector<StoredChange> changes = StoredChanges(sc);
    auto stored_at = [&](uint64_t t) {
      Settings s = sc.settings;
      for (const StoredChange& c : changes) {
        if (c.at < t) s = c.settings;
      }
      return s;
    };
    std::vector<bool> internal(clocks.size(), false);
    auto first_edge_after = [&](uint64_t t) {
      auto it = std::upper_bound(edges.begin(), edges.end(), t);
      return it == edges.end() ? UINT64_MAX : *it;
    };
    auto first_stop_after = [&](uint64_t t) {
      for (const Transport& x : transport) {
        if (x.byte == midi::kStop && x.at > t) return x.at;
      }
      return UINT64_MAX;
    };
    // Walks the clocks after `from` up to the hand-over edge or the Stop, each against
    // origin + round(k * num / den) from clock `first` on.
    auto walk = [&](Analysis::InternalRun* r, uint64_t origin, uint64_t num, uint64_t den,
                    uint64_t first, uint64_t after) {
      const uint64_t edge = first_edge_after(after);
      const uint64_t stop = first_stop_after(after);
      uint64_t k = first;
      uint64_t prev = 0;
      bool catching_up = r->held;
      for (size_t c = 0; c < clocks.size(); ++c) {
        if (clocks[c] <= after || internal[c]) continue;
        if (clocks[c] > stop) break;
        const int64_t ideal = static_cast<int64_t>(origin + (2 * k * num + den) / (2 * den));
        const int64_t error = static_cast<int64_t>(clocks[c]) - ideal;
        // Past the hand-over edge only a clock already booked on the grid is the internal
        // clock's; the edge's own clocks follow it.
        if (edge != UINT64_MAX &&
            (clocks[c] >= edge + 8192 + 256 || (clocks[c] >= edge + 256 && std::llabs(error) > 1))) {
          break;
        }
        internal[c] = true;
        ++r->clocks;
        if (catching_up && error > 1) {
          ++r->owed;
          if (prev != 0 && clocks[c] - prev != kByte && r->owed > 1) r->back_to_back = false;
        } else {
          catching_up = false;
          r->max_error = std::max<int64_t>(r->max_error, std::llabs(error));
        }
        r->last_error = error;
        r->last_at = clocks[c];
        prev = clocks[c];
        ++k;
      }
      r->ends = edge < stop && edge != UINT64_MAX ? "hand-over" : stop != UINT64_MAX ? "Stop" : "the end of the run";
    };
    // Started by the button: a Start or Continue with no edge just before it.
    for (const Transport& x : transport) {
      if (x.byte != midi::kStart && x.byte != midi::kContinue) continue;
      auto it = std::upper_bound(edges.begin(), edges.end(), x.at);
      if (it != edges.begin() && x.at - *std::prev(it) < 10 * kCyclesPerMs) continue;
      const Settings st = stored_at(x.at);
      Analysis::InternalRun r;
      r.held = false;
      r.from = x.at + kByte;  // the downbeat, one frame behind the Start
      r.bpm = st.tempo_deci_bpm / 10.0;
      walk(&r, r.from, 400000000ULL, st.tempo_deci_bpm, 0, x.at);
      a.internal_runs.push_back(r);
    }
    // Held: a timeout while running with on-stop hold; the grid of the last edge's clocks.
    for (size_t i = 0; i < edges.size(); ++i) {
      const uint64_t next = i + 1 < edges.size() ? edges[i + 1] : run.cycles;
      if (next <= deadlines[i] || in_force[i].on_stop != OnStop::kHold || !RunningAt(transport, deadlines[i])) {
        continue;
      }
      Analysis::InternalRun r;
      r.held = true;
      r.bpm = 60.0 * 16e6 / divisors[i] / in_force[i].ppqn;
      if (a.pulses_per_clock > 1) {
        // 48/96 PPQN: a clock every 2 or 4 intervals from the last clock an edge sent.
        auto after = std::lower_bound(clocks.begin(), clocks.end(), deadlines[i]);
        if (after == clocks.begin()) continue;
        r.from = *std::prev(after);
        walk(&r, r.from, divisors[i] * a.pulses_per_clock, 1, 1, deadlines[i] - 1);
      } else {
        auto first = std::lower_bound(clocks.begin(), clocks.end(), edges[i]);
        if (first == clocks.end()) continue;
        r.from = *first;
        walk(&r, r.from, divisors[i], n, n, deadlines[i] - 1);
      }
      a.internal_runs.push_back(r);
    }
    std::vector<uint64_t> edge_only;
    for (size_t c = 0; c < clocks.size(); ++c) {
      if (internal[c]) {
        ++a.internal_clocks;
      } else {
        edge_only.push_back(clocks[c]);
      }
    }
    clocks.swap(edge_only);
  }
  for (size_t b = 1; b < run.tx.size(); ++b) {
    if (run.tx[b].cycle - run.tx[b - 1].cycle < kByte) ++a.line_overlaps;
  }

  // The clocks each edge owes: N; at 48 and 96 PPQN one on pulse 0 of each group of 2 or 4,
  // counted from the first pulse after a silence or the pulse that sends a Start or a
  // Continue, none on the others. first_clock[i]: the clocks the edges before i owe.
  std::vector<size_t> gives(edges.size(), n), first_clock(edges.size() + 1, 0);
  {
    const size_t k = a.pulses_per_clock;
    size_t count = 0;
    for (size_t i = 0; i < edges.size(); ++i) {
      if (k > 1) {
        const uint64_t next = i + 1 < edges.size() ? edges[i + 1] : UINT64_MAX;
        bool anchor = restart[i];
        for (const Transport& x : transport) {
          anchor |= (x.byte == midi::kStart || x.byte == midi::kContinue) && x.at >= edges[i] &&
                    x.at < next && x.at < edges[i] + 4 * kByte;
        }
        if (anchor) count = 0;
        gives[i] = count++ % k == 0 ? 1 : 0;
      }
      first_clock[i + 1] = first_clock[i] + gives[i];
    }
  }

  // Each accepted edge's N clocks. With clocks while stopped every edge gives N clocks in
  // order, so clock k belongs to edge k / N; otherwise only clocks of running stretches,
  // counted from each Start.
  std::vector<std::vector<uint64_t>> edge_clocks(edges.size());
  if (clocks_while_stopped) {
    a.balance_checked = true;
    a.clock_balance = static_cast<long>(clocks.size()) - static_cast<long>(first_clock.back());
    size_t e = 0;
    for (size_t k = 0; k < clocks.size(); ++k) {
      while (e < edges.size() && first_clock[e + 1] <= k) ++e;
      if (e == edges.size()) break;
      edge_clocks[e].push_back(clocks[k]);
    }
  } else {
    for (size_t t = 0; t < transport.size(); ++t) {
      if (transport[t].byte != midi::kStart) continue;
      const uint64_t from = transport[t].at;
      const uint64_t to = t + 1 < transport.size() ? transport[t + 1].at : UINT64_MAX;
      size_t first_edge = 0;
      while (first_edge + 1 < edges.size() && edges[first_edge + 1] <= from) ++first_edge;
      size_t k = first_clock[first_edge];
      size_t e = first_edge;
      for (uint64_t c : clocks) {
        if (c <= from || c >= to) continue;
        while (e < edges.size() && first_clock[e + 1] <= k) ++e;
        if (e < edges.size()) edge_clocks[e].push_back(c);
        ++k;
      }
    }
  }

  // A negative shift's phase-in: the first PPQN edges after a restart, or after a Start the
  // edge carried, lie between the unshifted grid and the shifted one.
  std::vector<bool> phase_in(edges.size(), false);
  if (engine_shift < 0) {
    size_t since = 0;
    size_t t = 0;
    for (size_t i = 0; i < edges.size(); ++i) {
      bool start = restart[i];
      for (; t < transport.size() && transport[t].at < edges[i]; ++t) {
      }
      if (t < transport.size() && transport[t].at < edges[i] + 2 * kCyclesPerMs &&
          (transport[t].byte == midi::kStart || transport[t].byte == midi::kContinue)) {
        start = true;
      }
      since = start ? 0 : since + 1;
      phase_in[i] = since < in_force[i].ppqn;
      a.phase_in_edges += phase_in[i];
    }
    // What a stop may leave unearned: the clocks within the shift's reach of the next pulse.
    for (size_t i = 0; i < edges.size(); ++i) {
      const bool ends = i + 1 == edges.size() || restart[i + 1];
      if (!ends || divisors[i] == 0) continue;
      const uint64_t reach = static_cast<uint64_t>(-engine_shift);
      a.unearned_allowed += (reach * n + divisors[i] - 1) / divisors[i];
    }
  }

  // Latency: the first byte after an edge that found the line idle and nothing owed.
  std::vector<uint64_t> latencies;
  for (size_t i = 0; i < edges.size(); ++i) {
    if (edge_clocks[i].empty()) continue;
    const bool owed = i > 0 && !edge_clocks[i - 1].empty() && edge_clocks[i - 1].back() >= edges[i];
    if (owed) continue;
    if (phase_in[i] || smoothed) continue;
    auto it = std::lower_bound(tx.begin(), tx.end(), edges[i],
                               [](const TxByte& b, uint64_t t) { return b.cycle < t; });
    if (it == tx.end()) continue;
    if (it != tx.begin() && std::prev(it)->cycle + kByte > edges[i]) continue;
    // An edge that carries a Stop first (a reset with the beat) is transport, not timing.
    if (it->byte == midi::kStop || it->byte == midi::kSongPosition) continue;
    latencies.push_back(it->cycle - edges[i]);
  }
  if (!latencies.empty()) {
    std::vector<uint64_t> sorted = latencies;
    std::sort(sorted.begin(), sorted.end());
    a.latency_samples = sorted.size();
    a.latency_median = sorted[sorted.size() / 2];
    a.latency_min = sorted.front();
    a.latency_max = sorted.back();
  }
  const uint64_t latency = a.latency_median;

  // Without clocks while stopped, a Stop in the middle of an interval rightly cuts its
  // remaining clocks.
  auto cut_by_stop = [&](size_t i) {
    if (in_force[i].clocks_while_stopped || edge_clocks[i].empty()) return false;
    const uint64_t next = i + 1 < edges.size() ? edges[i + 1] : UINT64_MAX;
    for (const Transport& x : transport) {
      if (x.byte == midi::kStop && x.at > edge_clocks[i].front() && x.at < next) return true;
    }
    return false;
  };
  // Position (DESIGN.md item 6): edge i's first clock never before the edge, never later
  // than the clocks owed before it allow, and all N of them present.
  for (size_t i = 0; i < edges.size(); ++i) {
    const std::vector<uint64_t>& mine = edge_clocks[i];
    const bool last = i + 1 == edges.size();
    if (mine.empty()) continue;
    ++a.position_checked;
    // Owed: the last edge's clocks still to go when this edge came. A negative shift's
    // clocks are read back later than they left, so for it the question is when they left.
    const int64_t back = std::min<int64_t>(clock_move, 0);
    auto left = [back](uint64_t c) { return static_cast<uint64_t>(static_cast<int64_t>(c) + back); };
    size_t owed = 0;
    if (i > 0) {
      for (uint64_t c : edge_clocks[i - 1]) owed += left(c) >= edges[i];
    }
    std::string failure;
    if (mine.front() < edges[i] && engine_shift >= 0) {
      // (A negative shift sends clocks ahead of a pulse that comes late: the rule for
      // those is the reach below.)
      failure = "first clock before its edge";
    } else if (!smoothed && (!phase_in[i] || owed > 0) &&
               left(mine.front()) > edges[i] + latency + (owed + 3) * kByte) {
      failure = "first clock late by " + Format("%.0f us", (mine.front() - edges[i]) / 16.0);
    } else if (mine.size() != gives[i] && !last && !cut_by_stop(i)) {
      failure = Format("%.0f clocks instead of %.0f", mine.size(), gives[i]);
    }
    if (!failure.empty()) {
      if (a.position_failures++ == 0) {
        a.first_position_failure =
            Format("edge %.0f at %.6f s: ", i + 1, edges[i] / 16e6) + failure;
      }
    }
    if (owed > 0) {
      ++a.bursts;
      a.burst_edges.push_back(edges[i]);
      a.owed_clocks += owed;
      a.longest_burst = std::max(a.longest_burst, owed + 1);
      // From the first owed clock to this edge's first clock, every byte back to back.
      const uint64_t from = edge_clocks[i - 1][edge_clocks[i - 1].size() - owed];
      for (size_t b = 1; b < tx.size(); ++b) {
        if (tx[b].cycle <= from || tx[b - 1].cycle < from) continue;
        if (tx[b].cycle > mine.front()) break;
        // Back to back: each byte 320 us after the one before, give or take the few cycles
        // a late send is booked late by (the first waits for the line, which is allowed).
        const uint64_t gap = tx[b].cycle - tx[b - 1].cycle;
        if (gap < kByte || gap > kByte + 32) a.bursts_back_to_back = false;
      }
    }
  }

  // A negative shift's reach: at each edge, at most the clocks of the shift went out ahead
  // of the pulses that earned them (real times, clocks while stopped counted too).
  if ((engine_shift < 0 || smoothed) && clocks_while_stopped) {
    const uint64_t reach = engine_shift < 0 ? static_cast<uint64_t>(-engine_shift) : 0;
    size_t out = 0;
    size_t sent = 0;
    for (size_t i = 1; i < edges.size(); ++i) {
      for (; out < run.tx.size() && run.tx[out].cycle < edges[i]; ++out) {
        sent += run.tx[out].byte == midi::kClock;
      }
      const uint64_t interval = divisors[i - 1] != 0 ? divisors[i - 1] : 1;
      if (sent > n * i + (reach * n + interval - 1) / interval + a.internal_clocks) {
        // (Clocks before edge i: its pulses earned n * i.)
        if (a.position_failures++ == 0) {
          a.first_position_failure = Format("edge %.0f at %.6f s: ", i + 1, edges[i] / 16e6) +
                                     Format("%.0f clocks out, beyond the shift's reach", sent);
        }
      }
    }
  }

  // The run may end before the last edge's clocks are all due: those are not owed yet.
  if (a.balance_checked && !edges.empty()) {
    const size_t last = edges.size() - 1;
    // A restart divides the last measured interval (or 120 BPM), any other edge the one
    // that just ended.
    uint64_t divided = 8000000 / in_force[last].ppqn;
    for (size_t k = last; k >= 1; --k) {
      if (!restart[k]) {
        divided = Measured(edges[k - 1], edges[k]);
        break;
      }
    }
    size_t due_by_end = 0, surely_due = 0;
    for (size_t k = 0; k < gives[last]; ++k) {
      const uint64_t due = edges[last] + latency + k * divided / n;
      due_by_end += due < run.cycles;
      surely_due += due + kByte < run.cycles;
    }
    const long low = static_cast<long>(first_clock[last] + surely_due);
    const long high = static_cast<long>(first_clock[last] + due_by_end);
    const long sent = static_cast<long>(clocks.size());
    a.clock_balance = sent < low ? sent - low : sent > high ? sent - high : 0;
  }
  // Clocks a negative shift sent ahead for pulses that never came, up to its reach.
  if (a.balance_checked && a.clock_balance > 0 &&
      static_cast<size_t>(a.clock_balance) <= a.unearned_allowed) {
    a.unearned_clocks = static_cast<size_t>(a.clock_balance);
    a.clock_balance = 0;
  }

  // Timing error over steady intervals: ideal = edge + L + j * interval / N. A clock right
  // behind a Start or Continue waits for that byte by design and is not timed.
  auto behind_transport = [&tx](uint64_t clock) {
    auto it = std::lower_bound(tx.begin(), tx.end(), clock,
                               [](const TxByte& b, uint64_t t) { return b.cycle < t; });
    if (it == tx.begin()) return false;
    const TxByte& prev = *std::prev(it);
    return (prev.byte == midi::kStart || prev.byte == midi::kContinue) &&
           prev.cycle + kByte == clock;
  };
  auto behind_frame = [&tx](uint64_t clock) {
    auto it = std::lower_bound(tx.begin(), tx.end(), clock,
                               [](const TxByte& b, uint64_t t) { return b.cycle < t; });
    return it != tx.begin() && std::prev(it)->cycle + kByte == clock;
  };
  for (size_t i = 1; i < edges.size(); ++i) {
    if (restart[i] || phase_in[i] || smoothed || edge_clocks[i].empty()) continue;
    const uint64_t divided = Measured(edges[i - 1], edges[i]);
    const uint64_t end = i + 1 < edges.size() ? edges[i + 1] + latency : UINT64_MAX;
    for (size_t j = 0; j < edge_clocks[i].size(); ++j) {
      const uint64_t c = edge_clocks[i][j];
      if (c >= end || behind_transport(c)) break;
      if (j > 0 && c == edge_clocks[i][j - 1] + kByte) break;  // behind the owed burst
      if (j == 0 && i > 0 && !edge_clocks[i - 1].empty() && edge_clocks[i - 1].back() >= edges[i]) {
        break;
      }
      // The pulse's first clock found a frame on the line (its interval's last clock, or a
      // merged byte, started just before the pulse) and went as it ended: the line rate,
      // not the division, placed it. The clocks after it are timed as usual.
      if (j == 0 && behind_frame(c)) continue;
      const double ideal = edges[i] + latency + static_cast<double>(j) * divided / n;
      a.division_error_max_ns =
          std::max(a.division_error_max_ns, std::fabs((c - ideal) * kNsPerCycle));
      a.clock_errors.push_back({c, (c - ideal) * kNsPerCycle});
      ++a.divided_clocks;
    }
  }

  double sum_sq = 0;
  for (size_t i = 1; i + 1 < edges.size(); ++i) {
    if (restart[i] || restart[i + 1] || phase_in[i] || phase_in[i - 1] || smoothed) continue;
    const uint64_t before = edges[i] - edges[i - 1];
    const uint64_t after = edges[i + 1] - edges[i];
    const uint64_t diff = before > after ? before - after : after - before;
    if (diff > kSteadyTolerance || edge_clocks[i].size() != n) continue;
    if (edge_clocks[i - 1].size() == n && edge_clocks[i - 1].back() >= edges[i]) continue;
    for (size_t j = 0; j < n; ++j) {
      if (behind_transport(edge_clocks[i][j])) continue;
      const double ideal = edges[i] + latency + static_cast<double>(j) * before / n;
      const double error = (static_cast<double>(edge_clocks[i][j]) - ideal) * kNsPerCycle;
      if (std::fabs(error) > a.error_max_ns) {
        a.error_max_ns = std::fabs(error);
        a.worst_clock = Format("edge %.0f, clock %.0f, at %.6f s", i + 1, j + 1,
                               edge_clocks[i][j] / 16e6);
      }
      sum_sq += error * error;
      ++a.timed_clocks;
    }
  }
  if (a.timed_clocks > 0) a.error_rms_ns = std::sqrt(sum_sq / a.timed_clocks);

  // The filter's window: each locked pulse's downbeat 0.5 to 4 ms after edge + L (+ a frame
  // when it waits behind an owed clock or a transport byte).
  if (smoothed) {
    for (size_t i = 1; i < edges.size(); ++i) {
      if (restart[i] || edge_clocks[i].empty() || (i + 1 == edges.size())) continue;
      ++a.window_checked;
      const int64_t after = static_cast<int64_t>(edge_clocks[i].front()) -
                            static_cast<int64_t>(edges[i] + kGridLatency);
      const bool waited = behind_transport(edge_clocks[i].front()) ||
                          (!edge_clocks[i - 1].empty() && edge_clocks[i - 1].back() >= edges[i]);
      const int64_t latest = 4 * static_cast<int64_t>(kCyclesPerMs) + (waited ? 3 * kByte : 0);
      if (after < static_cast<int64_t>(kCyclesPerMs / 2) || after > latest) {
        if (a.window_misses++ == 0) {
          a.first_window_miss = Format("edge %.0f at %.6f s: downbeat %.3f ms after it", i + 1,
                                       edges[i] / 16e6, after / 16000.0);
        }
      }
    }
  }
  // Clock-to-clock spacing after the first two beats, silences (over 3 x the median) out.
  {
    std::vector<uint64_t> gaps;
    for (size_t k = 48; k < clocks.size(); ++k) gaps.push_back(clocks[k] - clocks[k - 1]);
    if (!gaps.empty()) {
      std::vector<uint64_t> sorted = gaps;
      std::sort(sorted.begin(), sorted.end());
      const uint64_t median = sorted[sorted.size() / 2];
      double sum = 0, sq = 0;
      size_t m = 0;
      for (uint64_t g : gaps) {
        if (g > 3 * median) continue;
        sum += g;
        sq += static_cast<double>(g) * g;
        ++m;
      }
      if (m > 1) {
        const double mean = sum / m;
        a.spacing_samples = m;
        a.spacing_mean_us = mean / 16.0;
        a.spacing_sd_us = std::sqrt(std::max(0.0, sq / m - mean * mean)) / 16.0;
      }
    }
  }
  // After each tempo step (a steady segment at a new tempo), the pulses until every clock
  // spacing to the segment's end is within 0.1 % of the new tempo's.
  for (size_t g = 1; g < sc.segments.size(); ++g) {
    const Segment& seg = sc.segments[g];
    const Segment& before = sc.segments[g - 1];
    if (seg.bpm_from != seg.bpm_to || seg.bpm_from == before.bpm_to || seg.bpm_from <= 0) continue;
    const double want = 60.0 * 16e6 / (24.0 * seg.bpm_from);
    std::vector<uint64_t> inside;
    for (uint64_t c : clocks) {
      if (c > seg.from && c < seg.to) inside.push_back(c);
    }
    long locked_from = -1;  // index into inside of the first clock of the locked run
    for (size_t k = inside.size(); k-- > 1;) {
      if (std::fabs(static_cast<double>(inside[k] - inside[k - 1]) - want) > want / 1000) break;
      locked_from = static_cast<long>(k - 1);
    }
    Analysis::Relock r{seg.from, seg.bpm_from, -1};
    if (locked_from >= 0 && inside.size() > 2 && static_cast<size_t>(locked_from) + 2 < inside.size()) {
      const uint64_t at = inside[static_cast<size_t>(locked_from)];
      long pulses = 0;
      for (uint64_t e : edges) pulses += e >= seg.from && e + kGridLatency <= at;
      r.pulses = pulses;
    }
    a.relocks.push_back(r);
  }
  if (a.shifted && !a.clock_errors.empty()) {
    // Against the unshifted grid: the set shift, what L measured beyond its 256 cycles on
    // the grid read back, and the clocks' median error on it.
    std::vector<double> errors;
    for (const Analysis::ClockError& e : a.clock_errors) errors.push_back(e.ns / kNsPerCycle);
    std::sort(errors.begin(), errors.end());
    a.din_shift_measured = static_cast<double>(a.din_shift_set) +
                           (static_cast<double>(a.latency_median) - static_cast<double>(kGridLatency)) +
                           errors[errors.size() / 2];
  }

  // Timeouts: every silence past the multiple while running must end in a Stop on time.
  for (size_t i = 1; i < edges.size(); ++i) {
    const uint64_t multiple = in_force[i].timeout_multiple;
    const uint64_t interval = Measured(edges[i - 1], edges[i]);
    const uint64_t next = i + 1 < edges.size() ? edges[i + 1] : run.cycles;
    const uint64_t due = edges[i] + multiple * interval;
    const uint64_t limit = due + kCyclesPerMs;
    // With on-stop hold a timeout sends no Stop: the held clock goes on (checked above).
    if (next <= limit || !RunningAt(transport, due) || in_force[i].on_stop == OnStop::kHold) {
      continue;
    }
    StopFigures s{edges[i], 0, 0, limit, false};
    for (const Transport& x : transport) {
      if (x.byte == midi::kStop && x.at > edges[i] && x.at <= next) {
        s.stop_at = x.at;
        s.intervals = static_cast<double>(x.at - edges[i]) / interval;
        s.ok = x.at >= due && x.at <= limit;
        break;
      }
    }
    a.timeouts.push_back(s);
  }

  // Button presses while running: a Stop within the 5 ms debounce, a 1 ms tick and a byte.
  for (const Action& act : sc.actions) {
    // A press shorter than the 5 ms debounce (and its 1 ms sampling) is a bounce, not a press.
    if (act.kind != ActionKind::kButton || act.length < 6 * kCyclesPerMs ||
        !RunningAt(transport, act.at)) {
      continue;
    }
    ++a.button_stops_checked;
    bool stopped = false;
    for (const Transport& x : transport) {
      if (x.byte == midi::kStop && x.at > act.at && x.at <= act.at + 8 * kCyclesPerMs) {
        stopped = true;
      }
    }
    if (!stopped) ++a.button_stops_late;
  }

  // DIN out as a MIDI stream, and what it carried of DIN in.
  {
    std::vector<uint8_t> in;
    for (const Action& act : sc.actions) {
      if (act.kind == ActionKind::kMidiIn) in.insert(in.end(), act.bytes.begin(), act.bytes.end());
    }
    a.midi_in_bytes = in.size();
    ThruExpectation thru;
    MidiParser parser;
    for (uint8_t byte : in) {
      MidiEvent e[2];
      const uint8_t n = parser.Feed(byte, e);
      for (uint8_t k = 0; k < n; ++k) thru.Take(e[k]);
    }
    thru.End();
    // Requests of the settings protocol are answered, not passed through.
    std::vector<MidiMessage> in_messages;
    std::vector<MidiMessage> in_song_positions;  // from DIN in, not yet seen on DIN out
    for (const MidiMessage& m : thru.messages()) {
      if (m[0] == midi::kSongPosition) in_song_positions.push_back(m);
      if (!sysex::IsConfig(m.data(), m.size())) in_messages.push_back(m);
    }
    std::vector<uint8_t> out;
    for (const TxByte& b : run.tx) out.push_back(b.byte);
    const MidiReading reading = ReadStrictly(out);
    a.out_valid = reading.valid;
    a.out_fault = reading.first_fault;
    // What the host sent over USB, as whole messages.
    std::vector<MidiMessage> usb_out;
    {
      MidiParser usb_parser;
      ThruExpectation host;
      for (const Action& act : sc.actions) {
        if (act.kind != ActionKind::kUsbOut) continue;
        for (uint8_t byte : act.bytes) {
          MidiEvent e[2];
          const uint8_t n = usb_parser.Feed(byte, e);
          for (uint8_t k = 0; k < n; ++k) host.Take(e[k]);
        }
      }
      host.End();
      // SysEx from the host counts too; settings requests are answered, not passed on.
      for (const MidiMessage& m : host.messages()) {
        if (!sysex::IsConfig(m.data(), m.size())) usb_out.push_back(m);
      }
    }
    a.usb_out_in = usb_out.size();
    if (!in.empty() || !usb_out.empty()) {
      // A Song Position on DIN out is thru when DIN in sent one just like it, else ours.
      auto take_song_position = [&in_song_positions](const MidiMessage& m) {
        auto it = std::find(in_song_positions.begin(), in_song_positions.end(), m);
        if (it == in_song_positions.end()) return false;
        in_song_positions.erase(it);
        return true;
      };
      std::vector<MidiMessage> merged;
      for (const MidiMessage& m : reading.messages) {
        const bool ours = (m.size() == 1 && (m[0] == midi::kClock || m[0] == midi::kStart ||
                                             m[0] == midi::kContinue || m[0] == midi::kStop)) ||
                          (m[0] == midi::kSongPosition && !take_song_position(m)) ||
                          sysex::IsConfig(m.data(), m.size());  // a settings reply
        if (ours) continue;
        // The host's messages come out in their order among DIN in's: take them aside.
        if (a.usb_out_delivered < usb_out.size() &&
            SameOrCutSysEx(usb_out[a.usb_out_delivered], m)) {
          ++a.usb_out_delivered;
          continue;
        }
        merged.push_back(m);
      }
      const ThruMatch match = MatchThru(in_messages, merged);
      a.thru_in = in_messages.size();
      a.thru_delivered = match.delivered;
      a.thru_missing = match.missing;
      a.thru_shortened = match.shortened;
      a.thru_in_order = match.in_order;
    }
  }

  // USB: every clock and transport byte on DIN, once a host has the device configured and
  // reads, must reach it in order; how long after the byte did the host have it?
  if (sc.usb_host) {
    a.usb_host = true;
    const UsbHostReport& u = run.usb;
    // Intervals in which the host read: enumerated, not paused and not suspended. A read
    // ends a pause only, a wake a suspend only; reading resumes 2 ms after either.
    std::vector<std::pair<uint64_t, uint64_t>> reading;
    {
      struct Mark {
        uint64_t at;
        int what;  // 0 enumerated, 1 bus reset, 2 pause, 3 read, 4 suspend, 5 wake
      };
      std::vector<Mark> marks;
      for (uint64_t t : u.enumerated_at) marks.push_back({t, 0});
      for (const Action& act : sc.actions) {
        switch (act.kind) {
          case ActionKind::kUsbReset: marks.push_back({act.at, 1}); break;
          case ActionKind::kUsbPause: marks.push_back({act.at, 2}); break;
          case ActionKind::kUsbRead: marks.push_back({act.at + 2 * kCyclesPerMs, 3}); break;
          case ActionKind::kUsbSuspend: marks.push_back({act.at, 4}); break;
          case ActionKind::kUsbWake: marks.push_back({act.at + 2 * kCyclesPerMs, 5}); break;
          default: break;
        }
      }
      std::stable_sort(marks.begin(), marks.end(),
                       [](const Mark& x, const Mark& y) { return x.at < y.at; });
      bool enumerated = false, paused = false, suspended = false, on = false;
      uint64_t from = 0;
      for (const Mark& m : marks) {
        switch (m.what) {
          case 0: enumerated = true; break;
          case 1: enumerated = false; break;
          case 2: paused = true; break;
          case 3: paused = false; break;
          case 4: suspended = true; break;
          case 5: suspended = false; break;
        }
        const bool now = enumerated && !paused && !suspended;
        if (now && !on) from = m.at;
        if (!now && on) reading.push_back({from, m.at});
        on = now;
      }
      if (on) reading.push_back({from, run.cycles});
    }
    auto read_at = [&reading](uint64_t t) {
      for (const auto& r : reading) {
        if (t >= r.first && t + 2 * kCyclesPerMs < r.second) return true;
      }
      return false;
    };
    size_t p = 0;
    for (const UsbPacketIn& packet : u.packets) {
      if ((packet.b[0] & 0x0F) != 0x0F) ++a.usb_din_in_packets;
    }
    // The host's copy of each byte is due the difference of the shifts after DIN's. One
    // that leads DIN is handed over when it falls due, up to a booking horizon ahead, and
    // DIN's copy may then wait for the line: a burst goes back to back, its host copies at
    // once, so the k-th byte of a burst may find its packet k frames earlier still.
    const int64_t usb_after_din = a.usb_shift_set - a.din_shift_set;
    std::vector<int64_t> usb_offsets;
    size_t behind = 0;  // bytes back to back before this one
    for (size_t t = 0; t < run.tx.size(); ++t) {
      const TxByte& b = run.tx[t];
      behind = t > 0 && run.tx[t].cycle - run.tx[t - 1].cycle <= kByte + 64 ? behind + 1 : 0;
      const int64_t early = usb_after_din < 0 ? 2 * 8192 + static_cast<int64_t>(behind) * kByte : 0;
      const bool clock_or_transport = b.byte == midi::kClock || b.byte == midi::kStart ||
                                      b.byte == midi::kContinue || b.byte == midi::kStop;
      const int64_t expect = static_cast<int64_t>(b.cycle) + usb_after_din;
      if (!clock_or_transport || expect < early || !read_at(static_cast<uint64_t>(expect))) continue;
      ++a.usb_clock_bytes;
      // The next clock or transport packet the host read after this byte went out (DIN
      // in's own real-time bytes, FE and FF, travel as CIN F packets too).
      auto is_ours = [](const UsbPacketIn& q) {
        return (q.b[0] & 0x0F) == 0x0F && q.b[1] >= midi::kClock && q.b[1] <= midi::kStop &&
               q.b[1] != 0xF9;
      };
      while (p < u.packets.size() &&
             (!is_ours(u.packets[p]) ||
              static_cast<int64_t>(u.packets[p].cycle) < expect - early)) {
        ++p;
      }
      if (p < u.packets.size() && u.packets[p].b[1] == b.byte) {
        ++a.usb_clock_matched;
        const int64_t late = static_cast<int64_t>(u.packets[p].cycle) - expect;
        if (b.byte == midi::kClock) usb_offsets.push_back(late + usb_after_din);
        const uint64_t delay = late > 0 ? static_cast<uint64_t>(late) : 0;
        a.usb_delay_max = std::max(a.usb_delay_max, delay);
        if (delay <= kCyclesPerMs) ++a.usb_within_a_frame;
        ++p;
      }
    }
    if (a.shifted && !usb_offsets.empty()) {
      std::sort(usb_offsets.begin(), usb_offsets.end());
      a.usb_shift_samples = usb_offsets.size();
      // Host read less DIN byte, plus DIN's own measured offset from the unshifted grid.
      a.usb_shift_measured = usb_offsets[usb_offsets.size() / 2] + a.din_shift_measured;
    }
  }

  a.awake_percent =
      run.cycles > 0 ? 100.0 * (run.cycles - std::min(run.sleep_cycles, run.cycles)) / run.cycles
                     : 0;

  for (const Segment& seg : sc.segments) {
    SegmentFigures f;
    f.segment = seg;
    std::vector<uint64_t> gaps;
    for (size_t k = 1; k < clocks.size(); ++k) {
      if (clocks[k - 1] >= seg.from + latency && clocks[k] < seg.to + latency) {
        gaps.push_back(clocks[k] - clocks[k - 1]);
      }
    }
    if (!gaps.empty()) {
      std::sort(gaps.begin(), gaps.end());
      f.bpm_out = 60.0 * 16e6 / (24.0 * gaps[gaps.size() / 2]);
    }
    std::vector<uint64_t> beats;
    size_t pulse = 0;
    for (uint64_t e : edges) {
      if (e < seg.from || e >= seg.to) continue;
      if (pulse++ % sc.pulse_ppqn == 0) beats.push_back(e + latency);
    }
    for (size_t b = 1; b < beats.size(); ++b) {
      const int count = static_cast<int>(
          std::lower_bound(clocks.begin(), clocks.end(), beats[b]) -
          std::lower_bound(clocks.begin(), clocks.end(), beats[b - 1]));
      if (f.clocks_per_beat_min == 0 || count < f.clocks_per_beat_min) f.clocks_per_beat_min = count;
      f.clocks_per_beat_max = std::max(f.clocks_per_beat_max, count);
    }
    a.segments.push_back(f);
  }

  // The verdict, item by item.
  auto add = [&a](const std::string& item, const std::string& figure, bool must, bool pass) {
    a.verdict.push_back(VerdictItem{item, figure, must, pass});
    if (must && !pass) a.pass = false;
  };
  add("firmware ran without crashing", run.crashed ? "crashed" : "ran to the end", true,
      !run.crashed);
  if (a.timed_clocks > 0) {
    add("timing error at steady tempo <= 1 us",
        Format("max %.1f ns, rms %.1f ns over %.0f clocks", a.error_max_ns, a.error_rms_ns,
               a.timed_clocks),
        true, a.error_max_ns <= 1000.0);
    add("goal: timing error <= 0.25 us", Format("max %.1f ns", a.error_max_ns), false,
        a.error_max_ns <= 250.0);
  }
  if (a.divided_clocks > 0) {
    add("every clock on its division of the measured interval (<= 1 us)",
        Format("max %.1f ns over %.0f clocks", a.division_error_max_ns, a.divided_clocks), true,
        a.division_error_max_ns <= 1000.0);
  }
  if (smoothed) {
    add("jitter filter: each pulse's downbeat 0.5 to 4 ms after it (+ L)",
        a.window_misses == 0 ? Format("%.0f pulses checked", a.window_checked)
                             : Format("%.0f of %.0f outside, first: ", a.window_misses,
                                      a.window_checked) + a.first_window_miss,
        true, a.window_misses == 0);
  }
  if (a.latency_samples > 0) {
    add("edge to first clock latency constant and <= 20 us",
        Format("%.2f us (%.0f to %.0f cycles)", a.latency_median / 16.0, a.latency_min,
               a.latency_max),
        true, a.latency_max <= 320 && a.latency_max - a.latency_min <= 4);
    add("goal: latency <= 5 us", Format("%.2f us", a.latency_median / 16.0), false,
        a.latency_median <= 80);
  }
  if (a.shifted) {
    add("clock shift on DIN as set, to the cycle (median against the unshifted grid)",
        SetShiftText(a.din_shift_10us, a.din_shift_set) +
            Format(", measured %+.5f ms", a.din_shift_measured / 16000.0) +
            (a.phase_in_edges > 0 ? Format(", %.0f edges phasing in", a.phase_in_edges) : "") +
            (a.unearned_clocks > 0 ? Format(", %.0f clocks unearned at stops", a.unearned_clocks) : ""),
        true, a.clock_errors.empty() || std::fabs(a.din_shift_measured - a.din_shift_set) <= 1.0);
    if (a.usb_shift_samples > 0) {
      // The host reads in 1 ms frames: its copy lands up to a frame after its time.
      const double off = a.usb_shift_measured - a.usb_shift_set;
      add("clock shift to the host as set, within its 1 ms frames",
          SetShiftText(a.usb_shift_10us, a.usb_shift_set) +
              Format(", measured %+.2f ms (median of %.0f clocks)",
                     a.usb_shift_measured / 16000.0, a.usb_shift_samples),
          true, off >= -0.75 * kCyclesPerMs && off <= 1.5 * kCyclesPerMs);
    }
  }
  add("DIN out is a valid MIDI stream", a.out_valid ? "yes" : a.out_fault, true, a.out_valid);
  if (a.usb_host) {
    const UsbHostReport& u = run.usb;
    add("USB enumerates as a class-compliant MIDI device",
        u.enumerated ? Format("%.0f enumeration(s), descriptors checked", u.enumerations)
                     : (u.descriptor_faults.empty() ? std::string("did not finish")
                                                    : u.descriptor_faults.front()),
        true, u.enumerations > 0 && u.descriptor_faults.empty());
    add("unknown requests answered with STALL",
        Format("%.0f STALLs for %.0f probes", u.stalls_seen, 2.0 * u.enumerations), true,
        u.stalls_seen == 2 * u.enumerations);
    add("every clock and transport byte reaches the reading host, in order",
        Format("%.0f of %.0f, at most %.2f ms after the DIN byte", a.usb_clock_matched,
               a.usb_clock_bytes, a.usb_delay_max / 16000.0),
        true, a.usb_clock_matched == a.usb_clock_bytes);
    if (a.usb_out_in > 0) {
      add("USB OUT messages reach DIN out whole, in order",
          Format("%.0f of %.0f", a.usb_out_delivered, a.usb_out_in), true,
          a.usb_out_delivered == a.usb_out_in);
    }
  }
  if (a.midi_in_bytes > 0) {
    add("MIDI thru in order, only whole messages missing",
        Format("%.0f of %.0f messages through, %.0f dropped whole", a.thru_delivered, a.thru_in,
               a.thru_missing) +
            (a.thru_shortened > 0 ? Format(", %.0f SysEx closed early", a.thru_shortened) : ""),
        true, a.thru_in_order);
  }
  add("the MIDI OUT pin reads as clean 8N1 frames, every change on its bit's cycle",
      run.wire_faults.empty()
          ? Format("%.0f frames, 0 faults", run.tx.size())
          : Format("%.0f faults, first: ", run.wire_faults.size()) + run.wire_faults[0].what,
      true, run.wire_faults.empty());
  add("the USART transmits nothing (MIDI OUT is timer-driven)",
      Format("%.0f bytes written to UDR1", run.uart_writes), true, run.uart_writes == 0);
  add("bytes never overlap on the wire (320 us each)",
      Format("%.0f bytes, %.0f too close", run.tx.size(), a.line_overlaps), true,
      a.line_overlaps == 0);
  if (a.balance_checked) {
    add("no clock lost or invented",
        (a.pulses_per_clock > 1
             ? Format("%.0f clocks for %.0f edges / %.0f", a.clocks - a.internal_clocks,
                      a.accepted, a.pulses_per_clock)
             : Format("%.0f clocks for %.0f edges x %.0f", a.clocks - a.internal_clocks,
                      a.accepted, n)) +
            (a.internal_clocks > 0 ? Format(", and %.0f of the internal clock", a.internal_clocks)
                                   : ""),
        true, a.clock_balance == 0);
  }
  if (!a.internal_runs.empty()) {
    int64_t worst = 0;
    bool back = true;
    size_t on_grid = 0;
    for (const Analysis::InternalRun& r : a.internal_runs) {
      worst = std::max(worst, r.max_error);
      back = back && r.back_to_back;
      on_grid += r.clocks - r.owed;
    }
    add("internal clock k at start + round(k * 60 * F_CPU / (24 * tempo)), within 1 cycle",
        Format("%.0f runs, %.0f clocks on the grid, max error %.0f cycles",
               a.internal_runs.size(), on_grid, worst),
        true, worst <= 1 && back);
  }
  add("position integrity after every edge",
      a.position_failures == 0 ? Format("%.0f edges checked", a.position_checked)
                               : a.first_position_failure,
      true, a.position_failures == 0 && (a.position_checked > 0 || edges.empty()));
  if (a.bursts > 0) {
    add("owed clocks back to back at the line rate",
        Format("%.0f bursts, %.0f owed clocks, longest %.0f bytes", a.bursts, a.owed_clocks,
               a.longest_burst),
        true, a.bursts_back_to_back);
  }
  if (a.glitches_sent > 0 || a.rejected > 0) {
    add("glitches under the window ignored",
        Format("%.0f of %.0f glitch pulses ignored (window %.2f ms)",
               a.glitches_sent - a.glitches_through, a.glitches_sent, a.glitch_window / 16000.0),
        true, a.glitches_through == 0);
  }
  for (const StopFigures& s : a.timeouts) {
    add("Stop when the clock stops (timeout x interval, +1 ms)",
        s.stop_at == 0 ? std::string("no Stop came")
                       : Format("Stop %.3f intervals after the last edge at %.3f s", s.intervals,
                                s.last_edge / 16e6),
        true, s.ok);
  }
  if (a.button_stops_checked > 0) {
    add("button press while running sends Stop at once",
        Format("%.0f of %.0f presses stopped within 8 ms",
               a.button_stops_checked - a.button_stops_late, a.button_stops_checked),
        true, a.button_stops_late == 0);
  }
  add("static RAM <= 1.5 KB (goal 1 KB)", Format("%.0f bytes, stack peak %.0f bytes", run.static_ram,
                                   run.stack_depth),
      true, run.static_ram <= 1536 && run.static_ram + run.stack_depth <= 2560);
  if (run.flash > 0) {
    add("flash <= 28 KB", Format("%.0f bytes", run.flash), true, run.flash <= 28672);
    add("flash (goal 16 KB)", Format("%.0f bytes", run.flash), false, run.flash <= 16384);
  }
  add("CPU awake time (reported; goal < 5 % at 3000 BPM)", Format("%.2f %%", a.awake_percent),
      false, a.awake_percent < 5.0);
  return a;
}

}  // namespace sim
}  // namespace cv2midi
