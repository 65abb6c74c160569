// The converter's brain: accepted clock edges in, MIDI clock and transport bytes out, each
// with the tick at which it is due. No hardware here; the firmware feeds it capture stamps
// and sends what it says, and the host tests drive it the same way.
#ifndef CV2MIDI_CORE_CLOCK_ENGINE_H_
#define CV2MIDI_CORE_CLOCK_ENGINE_H_

#include <stdint.h>

#include "core/button.h"
#include "core/byte_runs.h"
#include "core/internal_clock.h"
#include "core/midi.h"
#include "core/subdivider.h"
#include "core/ticks.h"

namespace cv2midi {

enum class ResetMode : uint8_t { kTrigger, kRunGate };

// The input resolutions: 1 to 24 PPQN give 24/PPQN clocks a pulse; 48 and 96 give a clock
// on every 2nd and every 4th pulse.
inline bool ValidPpqn(uint8_t p) {
  return p == 1 || p == 2 || p == 3 || p == 4 || p == 6 || p == 8 || p == 12 || p == 24 ||
         p == 48 || p == 96;
}

struct EngineSettings {
  uint8_t ppqn = 1;                  // input pulses per quarter note: 1 to 96 (ValidPpqn)
  uint8_t timeout_multiple = 2;      // Stop after this many silent intervals (2..8)
  bool clocks_while_stopped = true;  // keep sending F8 while stopped
  bool auto_start = true;            // the first edge after silence sends Start
  ResetMode reset_mode = ResetMode::kTrigger;
  uint32_t glitch_ticks = kTicksPerMs;  // edges closer than this to the last one are ignored
  uint32_t latency_ticks = 1536;        // L: edge to first start bit, constant
  uint16_t tempo_deci_bpm = 1200;       // the internal clock, 0.1 BPM (200..3000)
  bool hold = false;                    // a timeout keeps clocking at the last tempo
  // The clock shift of the engine's output, signed: every byte goes this long after its
  // unshifted time (edge + L on the divided grid). Negative: ahead of the predicted pulse.
  int32_t shift_ticks = 0;
  uint8_t smooth = 0;  // the jitter filter: 0 off, 1..3 stronger
};

struct EngineStats {
  uint32_t edges = 0;              // accepted edges
  uint32_t glitches = 0;           // rejected edges
  uint32_t clocks = 0;             // F8 written
  uint32_t bursts = 0;             // edges that found clocks still owed
  uint32_t owed_clocks = 0;        // clocks those edges owed
  uint32_t timeouts = 0;           // silences that stopped or ended the clock
  uint32_t transport_dropped = 0;  // transport bytes refused by a full queue
  uint32_t unearned_clocks = 0;    // clocks a negative shift sent for pulses that never came
  uint32_t relocks = 0;            // the jitter filter let go of its estimate for a tempo change
};

class ClockEngine {
 public:
  // Slowest interval accepted: one pulse a minute (1 BPM at 1 PPQN).
  static constexpr uint32_t kMaxInterval = 60UL * kTicksPerSecond;
  // A timeout can lie 8 intervals of up to a minute out, past what 32-bit stamps can tell
  // apart (2^31 ticks, 134 s). When its interval is longer than an eighth of this, Poll
  // counts its intervals down until the rest is this near; then it is armed at its tick.
  static constexpr uint32_t kNearTimeout = 1UL << 30;
  // The timeout's grace past its multiple of the interval.
  static constexpr uint32_t kMaxGraceTicks = kTicksPerMs / 2;
  // How long the LED blinks on a beat while stopped.
  static constexpr uint32_t kBlinkTicks = 25 * kTicksPerMs;
  // The jitter filter's grid runs this far behind the filtered pulse, so that a pulse that
  // comes early by up to about as much is already there when its clock 0 is due...
  static constexpr uint32_t kSmoothLag = 2 * kTicksPerMs;
  // ...and a pulse's clock 0 goes at least this long and at most this long after it (plus
  // L and the shift): the first is the main loop's room to book it.
  static constexpr uint32_t kSmoothEarliest = kTicksPerMs / 2;
  static constexpr uint32_t kSmoothLatest = 4 * kTicksPerMs;

  // Power-up: stopped, position 0, silent until the first edge.
  void Init(const EngineSettings& settings);
  // New settings while the clock is absent (the firmware applies them only then). The
  // engine keeps what it measured and where the song is: the last interval (converted to
  // the new PPQN), the song position and a long press's pending Continue, the counters.
  void Configure(const EngineSettings& settings);

  // --- Inputs. The firmware calls these with interrupts off. ---

  // Edges captured at t in [from, until) send `byte` first, at t + delay (L, plus a
  // positive shift up to kFastShiftReach), with nothing else due before that byte ends,
  // given that the line is free from `line_free` on: the capture interrupt may book it
  // before any bookkeeping. byte 0: no such edge now.
  // An edge that finds a frame on the line sends `byte` as that frame ends (or at
  // t + delay, if later) when captured in [earliest, busy_until): from `now` (or past the
  // glitch window) up to the timeout, early edges included, whose first byte is an owed
  // clock.
  struct FastEdge {
    uint32_t from;
    uint32_t until;
    uint32_t earliest;
    uint32_t busy_until;
    uint16_t delay;
    uint8_t byte;
  };
  // The longest positive shift whose edge byte the capture interrupt arms itself (its
  // compare reaches 2^15 ticks); past it the main loop books the byte, in time.
  static constexpr uint32_t kFastShiftReach = 16000;  // 1 ms
  FastEdge fast_edge(uint32_t now, uint32_t line_free) const;

  // An edge captured at `t`. Returns false when it is rejected as a glitch. A caller that
  // booked fast_edge().byte at t + L says so next with CriticalSent().
  bool OnEdge(uint32_t t);

  void OnButton(ButtonEvent event);
  // Trigger mode: call with true on each reset edge. Run-gate mode: the gate's new level.
  void OnResetJack(bool high);
  // Housekeeping; call at least once a second. Returns true when it changed what is due
  // (a far timeout came near and is now armed): the caller books again.
  bool Poll(uint32_t now);

  // --- Outputs. ---

  // The next time-critical item and the tick it is due: a byte to book at `due` (or where
  // the line frees after it), or, when `sends` is false, an event that sends nothing but
  // must happen at that tick (the end of a silence while stopped).
  bool PeekCritical(uint32_t* due, uint8_t* byte, bool* sends) const;
  // The item PeekCritical named is booked on the wire (or, sending nothing, has happened).
  void CriticalSent();
  // The next critical item is the timeout's Stop (a silence that stops a running clock).
  bool critical_is_timeout_stop() const { return next_source_ == Source::kTimeout && next_sends_; }
  // The last accepted edge.
  uint32_t last_edge() const { return last_edge_; }

  // Transport bytes not tied to an edge (Stop from the button, Song Position) wait for the
  // line to have room; soon_front() is the next, soon_message() how many bytes its message
  // has. SoonSent: the front byte is booked on the wire.
  bool soon_pending() const { return !soon_.empty(); }
  uint8_t soon_front() const { return soon_.front(); }
  uint8_t soon_message() const { return soon_.front() == midi::kSongPosition ? 3 : 1; }
  void SoonSent();
  // True when nothing time-critical (a due byte, an expected edge) falls in [now, now + window).
  bool Quiet(uint32_t now, uint32_t window) const;

  bool Led(uint32_t now) const;

  // --- Observers. ---
  uint8_t clocks_per_pulse() const { return n_; }
  // 48 and 96 PPQN: pulses a clock (2, 4); 1 below.
  uint8_t pulses_per_clock() const { return static_cast<uint8_t>(group_mask_ + 1); }
  bool running() const { return running_; }
  bool clock_present() const { return clock_present_; }
  bool wire_running() const { return wire_running_; }
  uint32_t position() const { return position_; }
  uint32_t interval() const { return divisor_; }
  uint32_t latency() const { return settings_.latency_ticks; }
  uint32_t glitch_ticks() const { return glitch_ticks_; }
  const EngineSettings& settings() const { return settings_; }
  const EngineStats& stats() const { return stats_; }

  // --- The internal clock (internal_clock.h): runs only while nothing is on the jack. ---
  enum class ClockSource : uint8_t { kNone, kExternal, kInternal, kHeld };
  // A press (or a reset while it ran) asks for the internal clock and nothing stands in the
  // way: the caller starts it, StartInternal(a tick at least DinLine::kLead ahead), at which
  // its Start or Continue goes, the downbeat one frame later.
  bool internal_wanted() const { return internal_pending_ && !clock_present_ && !running_ && soon_.empty(); }
  void StartInternal(uint32_t at);
  bool internal_running() const { return internal_.running(); }
  ClockSource source() const;

 private:
  enum class Arm : uint8_t { kNone, kStart, kContinue };
  enum class Source : uint8_t { kNone, kBurst, kSubdivision, kInternal, kTimeout };

  Source Select(uint32_t* due, uint8_t* byte, bool* sends) const;
  // Recomputes the cached next critical item and the next edge's first byte; every method
  // that changes the schedule ends with it.
  void Refresh();
  // The settings-derived constants (clocks a pulse, glitch window, default interval).
  __attribute__((noinline)) void Derive();
  void Stop();
  void PushSoon(uint8_t byte);
  void OnWire(uint8_t byte);
  void OnSilence();
  // Clocks `ahead` of the next pulse have gone already (a negative shift).
  void Hold(uint8_t ahead);
  bool clocks_flow() const { return running_ || settings_.clocks_while_stopped; }
  // The next edge's Start or Continue, if it brings one.
  bool start_armed() const {
    return !running_ && arm_ != Arm::kNone && !(arm_ == Arm::kContinue && !soon_.empty());
  }
  // Where this edge's clock 0 goes on the grid, and the span its interval is divided over.
  __attribute__((noinline)) void PlaceGrid(uint32_t t, bool restart, bool started,
                                          uint32_t* origin, uint32_t* span);
  void Filter(uint32_t t, bool restart);
  // Ticks a timeout's Stop goes after the timeout: a positive shift delays it; a negative
  // one cannot send it early (a silence is not predicted).
  // The shift and the filter as applied: at 48 and 96 PPQN a clock goes on its pulse, so
  // a negative shift (which would have to predict which pulse earns one) and the filter
  // are not applied there; a positive shift is.
  int32_t shift() const {
    return group_mask_ != 0 && settings_.shift_ticks < 0 ? 0 : settings_.shift_ticks;
  }
  bool filtering() const { return settings_.smooth != 0 && group_mask_ == 0; }
  uint32_t stop_delay() const {
    return settings_.shift_ticks > 0 ? static_cast<uint32_t>(settings_.shift_ticks) : 0;
  }
  // 48 and 96 PPQN: the next edge earns a clock when it is pulse 0 of its group of 2 or 4,
  // counted from the downbeat; below 48 PPQN every edge does.
  bool earns() const { return (pulse_in_beat_ & group_mask_) == 0; }
  // From the last edge to the next that earns a clock, in ticks at the last interval.
  uint32_t ToNextEarner() const;

  EngineSettings settings_;
  uint8_t n_ = 24;
  uint32_t glitch_ticks_ = kTicksPerMs;
  uint32_t default_interval_ = 0;

  // Input side.
  bool has_edge_ = false;
  bool clock_present_ = false;
  bool silence_long_ = false;
  uint32_t last_edge_ = 0;
  uint32_t last_interval_ = 0;  // last measured interval, 0 before two edges
  uint32_t divisor_ = 0;        // the interval being divided now
  uint8_t pulse_in_beat_ = 0;
  uint32_t last_beat_edge_ = 0;

  // The grid. shift_next_: the offset from the unshifted grid the next edge's clocks take
  // (a negative shift phases in over the first beat after a Start). grid_origin_,
  // grid_span_: this interval's clock 0 and the span it is divided over.
  int32_t shift_next_ = 0;
  uint32_t grid_origin_ = 0;
  uint32_t grid_span_ = 0;
  // The jitter filter: the filtered edge and interval, and the sign of the last residual
  // that was large (0: none), for the re-lock.
  bool filtered_ = false;
  uint32_t est_edge_ = 0;
  uint32_t est_period_ = 0;
  int8_t trend_ = 0;

  // Logical transport: what the next edge and the button act on.
  bool running_ = false;
  Arm arm_ = Arm::kNone;
  bool press_stopped_ = false;
  uint32_t resume_position_ = 0;
  uint8_t resume_beat_clock_ = 0;

  // Schedule.
  ByteRuns burst_;
  uint32_t burst_start_ = 0;
  Subdivider sub_;
  bool timeout_armed_ = false;
  uint32_t timeout_at_ = 0;
  // A far timeout: far_intervals_ intervals of far_basis_ from far_base_, plus the grace.
  uint8_t far_intervals_ = 0;  // 0: none
  uint8_t far_near_ = 0;       // this many intervals or fewer are near enough to arm
  uint32_t far_base_ = 0;
  uint32_t far_basis_ = 0;
  ByteRuns soon_;
  uint8_t edge_byte_ = 0;
  Source next_source_ = Source::kNone;
  uint32_t next_due_ = 0;
  uint8_t next_byte_ = 0;
  bool next_sends_ = false;

  // The wire as slaves see it.
  bool wire_running_ = false;
  uint32_t position_ = 0;
  uint8_t beat_clock_ = 0;

  EngineStats stats_;

  InternalClock internal_;
  bool internal_pending_ = false;
  bool held_ = false;  // the internal clock holds a timed-out clock's tempo
  // Pulses a clock, less one: 0, or 1 and 3 at 48 and 96 PPQN. Last, so that no member
  // before it moves: the AVR reaches members within 63 bytes of the object at no cost.
  uint8_t group_mask_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_CLOCK_ENGINE_H_
