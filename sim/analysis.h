// Measures a run against the behaviour contract (DESIGN.md sections 2-4) from what came
// out of the pins alone: the cycles the clock jack moved and the cycles each byte's start bit
// left on the MIDI OUT pin.
#ifndef CV2MIDI_SIM_ANALYSIS_H_
#define CV2MIDI_SIM_ANALYSIS_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "sim/run.h"

namespace cv2midi {
namespace sim {

struct VerdictItem {
  std::string item;    // what the contract asks
  std::string figure;  // what was measured
  bool must_pass;      // false: reported against a goal only
  bool pass;
};

struct SegmentFigures {
  Segment segment;
  double bpm_out = 0;
  int clocks_per_beat_min = 0;
  int clocks_per_beat_max = 0;
};

struct StopFigures {
  uint64_t last_edge;
  uint64_t stop_at;  // 0: no Stop came
  double intervals;  // silence before the Stop, in intervals
  uint64_t limit;    // latest allowed cycle
  bool ok;
};

struct Analysis {
  uint8_t n = 24;
  uint8_t pulses_per_clock = 1;  // 48 and 96 PPQN: a clock every 2nd or 4th pulse
  uint64_t glitch_window = 0;
  // Issue 14's settings as the engine has them at the first accepted edge (or as stored at
  // power-up when none came), in 10 us steps and 0 off / 1-3; and whether a settings request
  // changed any of them for a later edge.
  int16_t din_shift_10us = 0;
  int16_t usb_shift_10us = 0;
  uint8_t smooth = 0;
  bool shift_settings_changed = false;
  size_t pulses = 0;
  size_t accepted = 0;
  size_t rejected = 0;
  size_t glitches_sent = 0;     // glitch pulses in the scenario
  size_t glitches_through = 0;  // of those, accepted by the rule (should be 0)

  size_t line_overlaps = 0;  // bytes written less than 320 us after the one before
  size_t clocks = 0;
  long clock_balance = 0;  // clocks sent - those the accepted edges owe (clocks while stopped on)
  bool balance_checked = false;
  size_t starts = 0, continues = 0, stops = 0, song_positions = 0, other_bytes = 0;

  size_t position_checked = 0;
  size_t position_failures = 0;
  std::string first_position_failure;

  // The clock shift (issue 14), in cycles: as set, and as measured, the median offset of
  // the timed clocks from the unshifted grid (edge + L + j * interval / N, L = 256
  // cycles). DIN's times are read back onto that grid before the rest is analysed; with a
  // negative shift, the first beat after a (re)start phases in and is not timed.
  int64_t din_shift_set = 0;
  int64_t usb_shift_set = 0;
  bool shifted = false;
  double din_shift_measured = 0;
  double usb_shift_measured = 0;  // the host's reads, 1 ms frames and all
  size_t usb_shift_samples = 0;
  size_t phase_in_edges = 0;     // not timed: the grid moving ahead after a restart
  size_t unearned_clocks = 0;    // clocks sent ahead for pulses that never came
  size_t unearned_allowed = 0;   // at most the clocks of the shift, at each stop

  // The jitter filter (issue 14): each pulse's downbeat against its window
  // (0.5 to 4 ms after edge + L); the spacing of consecutive clocks (after the first two
  // beats, silences left out); after each tempo step, the pulses until every spacing is
  // within 0.1 % of the new tempo's.
  size_t window_checked = 0;
  size_t window_misses = 0;
  std::string first_window_miss;
  double spacing_mean_us = 0;
  double spacing_sd_us = 0;
  size_t spacing_samples = 0;
  struct Relock {
    uint64_t at;       // the step's first cycle
    double bpm;        // the new tempo
    long pulses;       // pulses after the step until locked; -1: never in the segment
  };
  std::vector<Relock> relocks;

  size_t latency_samples = 0;
  uint64_t latency_median = 0, latency_min = 0, latency_max = 0;

  size_t timed_clocks = 0;
  double error_max_ns = 0;
  double error_rms_ns = 0;
  std::string worst_clock;  // where the largest error was
  // Every clock of a locked edge against the interval the firmware divides (the one
  // before it), steady or not: how exactly the division itself lands.
  size_t divided_clocks = 0;
  double division_error_max_ns = 0;
  struct ClockError {
    uint64_t cycle;
    double ns;
  };
  std::vector<ClockError> clock_errors;  // each divided clock's error, for the plot

  size_t bursts = 0;
  std::vector<uint64_t> burst_edges;  // the edge each burst of owed clocks went out after
  size_t owed_clocks = 0;
  size_t longest_burst = 0;
  bool bursts_back_to_back = true;

  std::vector<StopFigures> timeouts;
  // The internal clock (issue 15): a Start or Continue that no edge caused, or a timeout
  // with on-stop hold, runs it; each clock against origin + round(k * ticks a clock).
  struct InternalRun {
    uint64_t from;        // the downbeat (button) or the last edge's first clock (held)
    bool held;
    double bpm;           // the tempo it owes
    size_t clocks = 0;    // clocks of the run
    size_t owed = 0;      // held: clocks whose time passed in the timeout, back to back
    bool back_to_back = true;
    int64_t max_error = 0;   // cycles, over the clocks on the grid
    int64_t last_error = 0;  // the run's last clock
    uint64_t last_at = 0;
    std::string ends;        // "Stop", "hand-over", "the end of the run"
  };
  std::vector<InternalRun> internal_runs;
  size_t internal_clocks = 0;
  size_t button_stops_checked = 0;
  size_t button_stops_late = 0;

  // MIDI in (thru), when the scenario sends any: what DIN out carried of it.
  size_t midi_in_bytes = 0;
  size_t thru_in = 0;         // whole messages in (less incoming clock and transport)
  size_t thru_delivered = 0;  // came out whole
  size_t thru_missing = 0;    // dropped whole
  size_t thru_shortened = 0;  // SysEx closed early
  bool thru_in_order = true;
  bool out_valid = true;      // DIN out read strictly as MIDI
  std::string out_fault;

  // USB, when the scenario has a host.
  bool usb_host = false;
  size_t usb_clock_bytes = 0;     // clock and transport on DIN while the host read
  size_t usb_clock_matched = 0;   // of those, read by the host as packets, in order
  uint64_t usb_delay_max = 0;     // DIN byte to the frame the host read it in, cycles
  size_t usb_within_a_frame = 0;  // matched packets read in the first frame after the byte
  size_t usb_din_in_packets = 0;  // packets that were not clock or transport (DIN in)
  size_t usb_out_in = 0;          // messages the host sent
  size_t usb_out_delivered = 0;   // of those, on DIN out whole, in order

  double awake_percent = 0;
  std::vector<SegmentFigures> segments;
  std::vector<VerdictItem> verdict;
  bool pass = true;
};

Analysis Analyze(const RunResult& run);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_ANALYSIS_H_
