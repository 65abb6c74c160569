// Drives a ClockEngine the way the firmware does: the DIN line books its bytes into the
// wire schedule, a perfect transmitter sends each at its booked tick, housekeeping runs
// every 1 ms; in 64-bit time so long runs cross the 32-bit wrap. Checks the contract from
// the bytes that come out.
#ifndef CV2MIDI_TESTS_ENGINE_RIG_H_
#define CV2MIDI_TESTS_ENGINE_RIG_H_

#include <gtest/gtest.h>
#include <stdint.h>

#include <vector>

#include "core/clock_engine.h"
#include "core/delay_line.h"
#include "core/din_line.h"
#include "core/merger.h"
#include "core/midi.h"
#include "core/wire_schedule.h"

namespace cv2midi {

struct Sent {
  uint64_t at;
  uint8_t byte;
};

class EngineRig {
 public:
  static constexpr uint64_t kTick = kTicksPerMs;

  explicit EngineRig(EngineSettings settings = EngineSettings(), uint64_t start = 1000) {
    engine.Init(settings);
    now_ = start;
    next_tick_ = start + kTick;
    wire.Init(static_cast<uint32_t>(start));
    line.Init(nullptr, nullptr);
  }

  // Runs time forward to `t`, booking what falls due and doing housekeeping each ms.
  void RunUntil(uint64_t t) {
    for (;;) {
      Service();
      uint64_t next = next_tick_;
      if (line.has_critical_wake()) next = Min(next, Absolute(line.critical_wake()));
      if (line.stop_booked()) next = Min(next, Absolute(line.stop_at()));
      if (line.has_merge_wake()) next = Min(next, Absolute(line.merge_wake()));
      if (wire.full()) next = Min(next, next_frame_);
      if (lead_wake_) next = Min(next, Absolute(lead_at_));
      if (next > t) break;
      now_ = next > now_ ? next : now_;
      Retire();
      if (now_ >= next_tick_) {
        next_tick_ += kTick;
        engine.Poll(static_cast<uint32_t>(now_));
        wire.Poll(static_cast<uint32_t>(now_));
      }
    }
    now_ = t;
    Retire();
  }

  // An edge at `t` (absolute). Returns whether the engine accepted it.
  bool Edge(uint64_t t) {
    RunUntil(t);
    const uint32_t t32 = static_cast<uint32_t>(t);
    // As the capture interrupt and the main loop do: a tentative Stop not yet started is
    // taken back; one that has started stops the engine before the edge is seen.
    if (line.stop_booked() && Before(t32, line.stop_at())) {
      wire.Unbook();
      out.pop_back();
      line.CancelStop();
    }
    line.ConfirmStop(t32, &engine);
    const ClockEngine::FastEdge fast = engine.fast_edge(t32 - 1024, t32 - 1024);
    const uint32_t at = t32 + fast.delay;  // L, plus a positive shift within reach
    // As the capture interrupt decides: the engine's window, nothing booked but not yet
    // taken, and the frame on the line (if any) over by t + L; or, with a frame on the
    // line past t + L, the busy window, the byte going as that frame ends.
    const bool free = !Before(at, wire.FreeAt(t32));
    const bool in_window = !line.following() && fast.byte != 0 && !wire.pending() &&
                           (free ? !Before(t32, fast.from) && Before(t32, fast.until)
                                 : !Before(t32, fast.earliest) && Before(t32, fast.busy_until));
    if (in_window && fast_path) Book(at, fast.byte);
    if (!in_window) missed_fast.push_back(t);
    const bool accepted = engine.OnEdge(t32);
    if (in_window) {
      // The engine must agree that the byte booked is its next, due at t + delay.
      uint32_t due;
      uint8_t byte;
      bool sends;
      EXPECT_TRUE(accepted);
      EXPECT_TRUE(engine.PeekCritical(&due, &byte, &sends));
      EXPECT_TRUE(sends);
      EXPECT_EQ(byte, fast.byte);
      if (free) {
        EXPECT_EQ(Absolute(due), t + fast.delay);
      } else {
        EXPECT_LE(Absolute(due), t + fast.delay);
      }
      ++fast_edges;
      if (fast_path) engine.CriticalSent();
    }
    if (accepted) edges.push_back(t);
    return accepted;
  }

  // DIN follows the earlier output (USB, `early`) by `delay`.
  void Follow(uint32_t delay) { line.Follow(&delayed, delay); }

  // Merged traffic (DIN in) beside the clock, through the line like the firmware's.
  void AttachMerger(Merger* merger) { line.Init(merger, nullptr); }

  void Button(ButtonEvent event) { engine.OnButton(event); }
  void Reset(bool high) { engine.OnResetJack(high); }

  uint64_t now() const { return now_; }

  std::vector<uint8_t> Bytes() const {
    std::vector<uint8_t> bytes;
    for (const Sent& s : out) bytes.push_back(s.byte);
    return bytes;
  }
  size_t Count(uint8_t byte) const {
    size_t n = 0;
    for (const Sent& s : out) n += s.byte == byte;
    return n;
  }

  ClockEngine engine;
  WireSchedule wire;
  DinLine line;
  std::vector<Sent> out;
  std::vector<uint64_t> edges;
  uint32_t line_violations = 0;
  uint32_t fast_edges = 0;   // edges the capture interrupt could have served alone
  std::vector<uint64_t> missed_fast;  // the others
  bool fast_path = true;     // serve them so, as the firmware does
  DelayLine delayed{};  // value-initialised: empty
  std::vector<Sent> early;   // following: what the earlier output got, when

 private:
  static uint64_t Min(uint64_t a, uint64_t b) { return a < b ? a : b; }

  // The earlier output, which takes every byte at once.
  struct EarlySink {
    EngineRig* rig;
    bool room() const { return true; }
    void operator()(uint8_t byte) const { rig->early.push_back(Sent{rig->now_, byte}); }
  };

  uint64_t Absolute(uint32_t t32) const {
    return now_ + static_cast<int64_t>(TicksUntil(static_cast<uint32_t>(now_), t32));
  }

  void Service() {
    Retire();
    line.ConfirmStop(static_cast<uint32_t>(now_), &engine);
    // As ServiceLine does: the earlier output first, then this line's next booking, again
    // after every booking.
    DinLine::Booking b;
    for (;;) {
      if (line.following()) {
        lead_wake_ = line.Lead(static_cast<uint32_t>(now_), &engine, EarlySink{this}, &lead_at_);
      }
      if (!line.Next(static_cast<uint32_t>(now_), engine, wire.FreeAt(static_cast<uint32_t>(now_)),
                     wire.full(), true, &b)) {
        break;
      }
      if (b.what != DinLine::kSilence) Book(b.at, b.byte);
      line.Commit(b, &engine);
    }
  }

  void Book(uint32_t at, uint8_t byte) {
    ASSERT_FALSE(wire.full());
    const uint64_t start = Absolute(wire.Book(at, byte, WireSchedule::kEngine));
    wire.Take();  // a perfect transmitter takes every frame as soon as it is booked
    if (!out.empty() && start < out.back().at + kByteTicks) ++line_violations;
    if (start < now_) ++line_violations;  // booked in the past: it could not go then
    out.push_back(Sent{start, byte});
  }

  void Retire() {
    WireSchedule::Frame f;
    while (wire.Retire(static_cast<uint32_t>(now_), &f)) {
    }
    // When the schedule is full, its oldest frame leaving frees the next slot.
    next_frame_ = UINT64_MAX;
    if (wire.full() && !out.empty()) next_frame_ = out[out.size() - WireSchedule::kSlots].at;
  }

  uint64_t now_;
  uint64_t next_tick_;
  uint64_t next_frame_ = UINT64_MAX;
  bool lead_wake_ = false;
  uint32_t lead_at_ = 0;
};

// A rig with DIN in traffic through a merger on the line, as the firmware has it, and an
// L a little over the line's booking lead.
struct MergedRig {
  static EngineSettings Settings() {
    EngineSettings s;
    s.latency_ticks = 256;
    return s;
  }
  explicit MergedRig(uint64_t start = 5000) : rig(Settings(), start) { rig.AttachMerger(&merger); }
  // Queues a note-on, its key taken from `at`'s low bits.
  void Note(uint64_t at) {
    MidiEvent note;
    note.kind = MidiEventKind::kMessage;
    note.status = 0x90;
    note.size = 2;
    note.data[0] = static_cast<uint8_t>(at & 0x7F);
    note.data[1] = 0x40;
    merger.Take(note);
  }

  EngineRig rig;
  uint8_t fifo[128];
  Merger merger{fifo, sizeof(fifo)};
};

struct IntegrityReport {
  uint64_t clocks = 0;
  // Worst |send - ideal| in 1/N ticks, ideal = edge + L + j * divided interval / N, over
  // clocks that went out at their own time (not owed, not behind another byte).
  int64_t worst_error_x_n = 0;
  uint64_t timed_clocks = 0;
  // The same, over steady intervals only (DESIGN.md section 2).
  int64_t worst_steady_error_x_n = 0;
  uint64_t steady_clocks = 0;
  bool ok = true;
};

// Checks a run that auto-started at its first edge against DESIGN.md item 6 edge by edge:
// the first clock of edge e is clock N*(e-1)+1, never before the edge and no later than
// the owed burst allows; and, when `complete`, every edge gave exactly N clocks.
// `run` picks which Start's run is checked (0 = the first).
inline IntegrityReport CheckIntegrity(const EngineRig& rig, bool complete = true,
                                      size_t run = 0) {
  IntegrityReport r;
  const uint8_t n = rig.engine.clocks_per_pulse();
  const uint64_t latency = rig.engine.latency();
  std::vector<uint64_t> clocks;  // send time of clock k (k = 1..) after that Start
  size_t starts = 0;
  bool started = false;
  uint64_t start_at = 0;
  for (const Sent& s : rig.out) {
    if (s.byte == midi::kStart) {
      if (started) break;  // checks one run, up to a restart
      if (starts++ == run) {
        started = true;
        start_at = s.at;
      }
    } else if (s.byte == midi::kClock && started) {
      clocks.push_back(s.at);
    } else if (s.byte == midi::kStop && started) {
      break;
    }
  }
  r.clocks = clocks.size();
  // The run's edges: from the one whose burst carried the Start.
  std::vector<uint64_t> edges;
  for (uint64_t t : rig.edges) {
    if (t + latency <= start_at) edges.clear();
    edges.push_back(t);
  }
  auto fail = [&r](const char* what, size_t e) {
    if (r.ok) ADD_FAILURE() << what << " at edge " << e;
    r.ok = false;
  };
  size_t sent_index = 0;
  for (size_t e = 1; e <= edges.size(); ++e) {
    const uint64_t t = edges[e - 1];
    const size_t first = n * (e - 1);  // index of clock N*(e-1)+1
    if (first >= clocks.size()) {
      if (complete || e < edges.size()) fail("first clock of the edge never sent", e);
      break;
    }
    while (sent_index < clocks.size() && clocks[sent_index] < t + latency) ++sent_index;
    const size_t owed = first > sent_index ? first - sent_index : 0;
    if (sent_index > first) fail("a clock went out ahead of its edge", e);
    if (clocks[first] < t + latency) fail("first clock before edge + L", e);
    if (clocks[first] > t + latency + (owed + 4) * kByteTicks) fail("first clock late", e);

    const uint64_t divisor = e >= 2 ? t - edges[e - 2] : 0;
    const bool steady = e >= 2 && e < edges.size() && edges[e] - t == divisor;
    for (size_t j = 0; j < n && e >= 2; ++j) {
      const size_t k = first + j;
      if (k >= clocks.size()) break;
      if (e < edges.size() && clocks[k] >= edges[e] + latency) break;  // owed to the next edge
      if (k > 0 && clocks[k] == clocks[k - 1] + kByteTicks) continue;  // behind a byte
      if (j == 0 && owed > 0) continue;
      const int64_t error = static_cast<int64_t>(clocks[k] * n) -
                            static_cast<int64_t>((t + latency) * n + j * divisor);
      const int64_t magnitude = error < 0 ? -error : error;
      ++r.timed_clocks;
      if (magnitude > r.worst_error_x_n) r.worst_error_x_n = magnitude;
      if (steady) {
        ++r.steady_clocks;
        if (magnitude > r.worst_steady_error_x_n) r.worst_steady_error_x_n = magnitude;
      }
    }
  }
  if (complete && r.clocks != n * edges.size()) {
    if (r.ok) {
      ADD_FAILURE() << "clocks " << r.clocks << " for " << edges.size() << " edges of " << +n;
    }
    r.ok = false;
  }
  return r;
}

}  // namespace cv2midi

#endif  // CV2MIDI_TESTS_ENGINE_RIG_H_
