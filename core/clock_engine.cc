// Clock engine: edge handling, exact subdivision, catch-up, transport and timeout.
#include "core/clock_engine.h"

#include "core/midi.h"

namespace cv2midi {
namespace {

// The fastest legal interval is 3000 BPM; a glitch window may not reach half of it, or
// fast 24 PPQN clocks would read as glitches.
constexpr uint32_t kFastestBeatTicks = 60UL * kTicksPerSecond / 3000;

}  // namespace

void ClockEngine::Init(const EngineSettings& settings) {
  *this = ClockEngine();
  settings_ = settings;
  Derive();
  divisor_ = default_interval_;
  if (settings_.auto_start && settings_.reset_mode == ResetMode::kTrigger) arm_ = Arm::kStart;
  Refresh();
}

void ClockEngine::Configure(const EngineSettings& settings) {
  const uint8_t old_ppqn = settings_.ppqn;
  settings_ = settings;
  Derive();
  // The same tempo at the new resolution: an interval of 1/old of a beat becomes 1/new.
  if (last_interval_ != 0 && old_ppqn != settings_.ppqn) {
    const uint8_t to = settings_.ppqn;
    const uint32_t whole = last_interval_ / to;  // (whole * to + part) * old / to, in 32 bits
    const uint32_t part = last_interval_ % to;
    last_interval_ = whole > kMaxInterval / old_ppqn ? kMaxInterval
                                                     : whole * old_ppqn + part * old_ppqn / to;
    if (last_interval_ > kMaxInterval) last_interval_ = kMaxInterval;
  }
  if (old_ppqn != settings_.ppqn) pulse_in_beat_ = 0;
  divisor_ = last_interval_ != 0 ? last_interval_ : default_interval_;
  // A long press's Continue waits for its edge whatever the settings; a Start is armed
  // again as the new settings say.
  if (arm_ != Arm::kContinue) {
    const bool auto_start = settings_.auto_start && settings_.reset_mode == ResetMode::kTrigger;
    arm_ = auto_start ? Arm::kStart : Arm::kNone;
  }
  if (!settings_.clocks_while_stopped && !running_) sub_.Cancel();
  // The next edge is a restart: it places the grid afresh, from no shift.
  shift_next_ = 0;
  Refresh();
}

void ClockEngine::Derive() {
  if (!ValidPpqn(settings_.ppqn)) settings_.ppqn = 1;
  if (settings_.timeout_multiple < 2) settings_.timeout_multiple = 2;
  if (settings_.timeout_multiple > 8) settings_.timeout_multiple = 8;
  if (settings_.tempo_deci_bpm < 200 || settings_.tempo_deci_bpm > 3000) {
    settings_.tempo_deci_bpm = 1200;
  }
  const uint8_t p = settings_.ppqn;
  n_ = p > midi::kClocksPerQuarter ? 1 : static_cast<uint8_t>(midi::kClocksPerQuarter / p);
  group_mask_ = p > midi::kClocksPerQuarter ? static_cast<uint8_t>(p / midi::kClocksPerQuarter - 1)
                                            : 0;
  const uint32_t half_fastest = kFastestBeatTicks / settings_.ppqn / 2;
  glitch_ticks_ = settings_.glitch_ticks < half_fastest ? settings_.glitch_ticks : half_fastest;
  default_interval_ = kTicksPerSecond / 2 / settings_.ppqn;  // 120 BPM
}

ClockEngine::FastEdge ClockEngine::fast_edge(uint32_t now, uint32_t line_free) const {
  // The capture interrupt sends at t + L, or t + L + s with a positive shift s within its
  // reach. With a negative shift only a restart's, or a Start's, first byte goes at the
  // pulse; with the filter none: the main loop books every other edge's bytes.
  const int32_t s = shift();
  const uint32_t l = settings_.latency_ticks + (s > 0 ? static_cast<uint32_t>(s) : 0);
  FastEdge f{0, 0, now, 0, static_cast<uint16_t>(l), edge_byte_};
  const bool at_l = !clock_present_ || start_armed();
  if (filtering() || (s < 0 && !at_l) || s > static_cast<int32_t>(kFastShiftReach)) f.byte = 0;
  f.from = line_free - l;
  if (clock_present_ && !silence_long_) {
    const uint32_t unglitched = last_edge_ + glitch_ticks_;
    f.from = Later(f.from, unglitched);
    f.earliest = Later(now, unglitched);
  }
  const Source next = next_source_;
  if (next == Source::kBurst) {
    f.byte = 0;
  } else if (next == Source::kNone) {
    f.until = f.from + 0x7FFFFFFFUL;
    f.busy_until = f.earliest + 0x7FFFFFFFUL;
  } else {
    // A clock due next must come after the edge's byte ends. The timeout is no byte of its
    // own: an edge before it ends the silence (and takes back a tentative Stop whose start
    // bit has not left); one at or after it is a restart, for the main loop.
    f.until = next == Source::kTimeout ? next_due_ : next_due_ - l - kByteTicks;
    // Behind a frame on the line, an early edge's first byte is the clock it owes (the
    // interval's next, not yet booked: the interrupt sees nothing pending) up to the
    // timeout, as the window ends with any other next byte.
    f.busy_until = next != Source::kSubdivision ? f.until
                   : timeout_armed_              ? timeout_at_
                                                 : f.earliest + 0x7FFFFFFFUL;
    // Empty windows are empty spans, not wrapped ones.
    if (!Before(f.from, f.until)) f.until = f.from;
    if (!Before(f.earliest, f.busy_until)) f.busy_until = f.earliest;
    if (f.until == f.from && f.busy_until == f.earliest) f.byte = 0;
  }
  return f;
}

bool ClockEngine::OnEdge(uint32_t t) {
  const uint32_t since = t - last_edge_;
  // After a minute of silence `since` may have wrapped: no glitch can be that far out.
  if (clock_present_ && !silence_long_ && since < glitch_ticks_) {
    ++stats_.glitches;
    return false;
  }
  const bool restart = !clock_present_;
  const uint32_t silence = !has_edge_ ? 0 : (silence_long_ || since > kMaxInterval) ? kMaxInterval
                                                                                     : since;
  if (restart && internal_.running()) {
    // Hand-over: the pulse takes the internal clock's place, no Stop, no Start, and its
    // first interval is divided at the internal tempo.
    divisor_ = internal_.Span(n_);
    internal_.Stop();
    if (group_mask_ != 0) {
      // 48/96 PPQN: a clock is the span of 2 or 4 pulses, and this pulse is the next
      // clock's, so the beats of the wire land on beat pulses from here on.
      for (uint8_t m = group_mask_; m != 0; m >>= 1) divisor_ >>= 1;
      const uint8_t next = beat_clock_ == midi::kClocksPerQuarter - 1 ? 0 : beat_clock_ + 1;
      pulse_in_beat_ = static_cast<uint8_t>(next * pulses_per_clock());
    }
  } else if (restart) {
    divisor_ = last_interval_ != 0 ? last_interval_ : default_interval_;
    // 48/96 PPQN: the first pulse after a silence earns a clock.
    if (group_mask_ != 0) pulse_in_beat_ = 0;
  } else {
    divisor_ = silence;
    last_interval_ = silence;
  }

  // Clocks of the interval that ended early are owed: they go first, back to back. Clocks
  // a negative shift sent ahead of this edge are its own first clocks.
  const uint8_t owed = sub_.owed();
  uint8_t ahead = sub_.ahead();
  sub_.Cancel();
  const bool burst_was_empty = burst_.empty();
  // A pending Stop goes first; a Song Position keeps waiting for room between messages
  // (it must not ride a burst into a merged message), and so does the Continue after it.
  while (!soon_.empty() && soon_.front() >= midi::kClock) {
    burst_.Push(soon_.front(), 1);
    soon_.PopOne();
  }
  const bool song_position_waits = !soon_.empty();
  if (owed != 0) {
    burst_.Push(midi::kClock, owed);
    ++stats_.bursts;
    stats_.owed_clocks += owed;
  }

  bool started = false;
  if (!running_ && arm_ != Arm::kNone && !(arm_ == Arm::kContinue && song_position_waits)) {
    const uint8_t byte = arm_ == Arm::kStart ? midi::kStart : midi::kContinue;
    if (burst_.Push(byte, 1)) {
      running_ = true;
      started = true;
      // The pulse of the Start is the downbeat; that of a Continue is the resume
      // position's, a whole MIDI beat, which at 48/96 PPQN is pulse 0 of its group.
      // (resume_beat_clock_ + 1) % 24 is the resume position's clock in its beat.
      const uint8_t clock = resume_beat_clock_ == midi::kClocksPerQuarter - 1 ? 0 : resume_beat_clock_ + 1;
      pulse_in_beat_ = arm_ == Arm::kStart
                           ? 0
                           : static_cast<uint8_t>(static_cast<uint16_t>(clock) * settings_.ppqn /
                                                  midi::kClocksPerQuarter);
    } else {
      ++stats_.transport_dropped;
    }
    arm_ = Arm::kNone;
  }
  if (started && ahead != 0) {
    // Clocks sent ahead while stopped (a press armed the Start after they went): the
    // downbeat must follow the Start, so they were stopped clocks for no pulse.
    stats_.unearned_clocks += ahead;
    ahead = 0;
  }
  // Unshifted and unfiltered (the default), clock 0 is at t + L and the interval is
  // divided as measured: the common path stays as short as it was.
  uint32_t origin = t + settings_.latency_ticks;
  uint32_t span = divisor_;
  if (shift() != 0 || filtering()) {
    PlaceGrid(t, restart, started, &origin, &span);
  } else {
    grid_origin_ = origin;
    grid_span_ = span;
  }
  if (clocks_flow() && earns()) {
    if (ahead == 0) burst_.Push(midi::kClock, 1);
    // Clocks of the next interval within the shift's reach of its predicted pulse go ahead
    // of it; a Start to come cannot be predicted (nor, at 48/96 PPQN, which pulse earns).
    uint8_t limit = n_;
    if (shift_next_ < 0 && !start_armed() && group_mask_ == 0) {
      const uint32_t reach = static_cast<uint32_t>(-shift_next_);
      const uint32_t more = (reach * n_ + span - 1) / span;
      limit = static_cast<uint8_t>(more > 255u - n_ ? 255u : n_ + more);
    }
    const uint8_t first = ahead == 0 ? 1 : ahead;
    if (limit > first) sub_.Start(origin, span, n_, first, limit);
  }
  if (burst_was_empty) burst_start_ = origin;

  if (pulse_in_beat_ == 0) last_beat_edge_ = t;
  if (++pulse_in_beat_ == settings_.ppqn) pulse_in_beat_ = 0;

  // A grace of 1/8 interval (at most 0.5 ms) past the multiple: a clock that exactly halves
  // its tempo, jitter and all, is a slow-down, not a stop.
  const uint32_t basis = restart && silence > divisor_ ? silence : divisor_;
  const uint32_t grace = basis >> 3 < kMaxGraceTicks ? basis >> 3 : kMaxGraceTicks;
  far_intervals_ = 0;
  if (basis <= kNearTimeout / 8) {
    timeout_at_ = t + basis * settings_.timeout_multiple + grace + stop_delay();
    timeout_armed_ = true;
  } else {
    // Slower than 7 BPM at 1 PPQN: Poll counts the intervals (and the grace is whole).
    timeout_armed_ = false;
    far_intervals_ = settings_.timeout_multiple;
    far_near_ = static_cast<uint8_t>(kNearTimeout / basis);
    far_base_ = t;
    far_basis_ = basis;
  }

  last_edge_ = t;
  has_edge_ = true;
  clock_present_ = true;
  internal_pending_ = false;
  held_ = false;
  silence_long_ = false;
  ++stats_.edges;
  Refresh();
  return true;
}

// Where clock 0 of the interval this edge begins goes, and the span the interval is
// divided over so that its clocks end where the next edge's clock 0 is predicted.
void ClockEngine::PlaceGrid(uint32_t t, bool restart, bool started, uint32_t* origin,
                            uint32_t* span) {
  const int32_t shift = this->shift();
  // A positive shift delays everything. A negative one cannot place the first pulse after
  // a (re)start, which goes out at the pulse; the grid then moves ahead by a ppqn-th of the
  // shift a pulse, so it reaches the shifted phase within the first beat.
  int32_t now_shift = shift;
  int32_t next_shift = shift;
  if (shift < 0) {
    now_shift = restart || started ? 0 : shift_next_;
    const int32_t step = (-shift + settings_.ppqn - 1) / settings_.ppqn;
    next_shift = now_shift - step < shift ? shift : now_shift - step;
    if (start_armed()) next_shift = 0;
  }
  shift_next_ = next_shift;
  const uint32_t l = settings_.latency_ticks;
  uint32_t base = t;
  uint32_t period = divisor_;
  uint32_t at = t + l + static_cast<uint32_t>(now_shift);
  if (filtering()) Filter(t, restart);
  // A restart or a Start goes at the pulse: the filter's grid takes over from the next.
  if (filtering() && !restart && !started) {
    period = est_period_;
    const uint32_t lag = kSmoothLag < period / (2 * n_) ? kSmoothLag : period / (2 * n_);
    base = est_edge_ + lag;
    const uint32_t grid = base + l + static_cast<uint32_t>(now_shift);
    const uint32_t earliest = at + kSmoothEarliest;
    const uint32_t latest = at + kSmoothLatest;
    at = Before(grid, earliest) ? earliest : Before(latest, grid) ? latest : grid;
  }
  // The next edge's clock 0 is predicted one period after this one's place on the grid.
  const uint32_t next = base + period + l + static_cast<uint32_t>(next_shift);
  const int32_t whole = TicksUntil(at, next);
  *origin = at;
  *span = whole > static_cast<int32_t>(n_) ? static_cast<uint32_t>(whole) : period;
  grid_origin_ = *origin;
  grid_span_ = *span;
}

// The jitter filter: an alpha-beta tracker of the pulse train. The predicted edge is the
// last estimate plus the estimated interval; the residual moves the phase by a half, a
// quarter or an eighth of itself and the interval by an eighth, a 32nd or a 128th. A
// residual beyond an eighth of the interval, or two in a row beyond a 32nd the same way,
// is a tempo change, not jitter: the filter re-locks to the last interval.
void ClockEngine::Filter(uint32_t t, bool restart) {
  if (restart || !filtered_) {
    filtered_ = true;
    est_edge_ = t;
    est_period_ = divisor_;
    trend_ = 0;
    return;
  }
  const uint32_t predicted = est_edge_ + est_period_;
  const int32_t r = TicksUntil(predicted, t);
  const uint32_t size = r < 0 ? static_cast<uint32_t>(-r) : static_cast<uint32_t>(r);
  const int8_t sign = r < 0 ? -1 : 1;
  const uint32_t small = est_period_ >> 5;
  const bool large = size > small;
  if (size > small << 2 || (large && sign == trend_)) {
    est_edge_ = t;
    est_period_ = divisor_;
    trend_ = 0;
    ++stats_.relocks;
    return;
  }
  // Shifts of the signed residual (arithmetic, as avr-gcc and gcc both do).
  const uint8_t a = settings_.smooth;
  est_edge_ = predicted + static_cast<uint32_t>(r >> a);
  est_period_ += static_cast<uint32_t>(r >> (2 * a + 1));
  trend_ = large ? sign : 0;
}

void ClockEngine::OnButton(ButtonEvent event) {
  switch (event) {
    case ButtonEvent::kPress:
      press_stopped_ = running_;
      if (running_) Stop();
      break;
    case ButtonEvent::kRelease:
      if (!running_ && !press_stopped_) {
        arm_ = Arm::kStart;
        internal_pending_ = !clock_present_;
      }
      break;
    case ButtonEvent::kLongPress:
      if (!running_ && !press_stopped_) {
        // Resume at the next beat boundary of the input (or MIDI beat, if finer), sent as
        // Song Position in MIDI beats of 6 clocks, 14 bits wide.
        const uint32_t grid = n_ > midi::kClocksPerMidiBeat ? n_ : midi::kClocksPerMidiBeat;
        const uint32_t rounded = (position_ + grid - 1) / grid * grid;
        const uint16_t beats =
            static_cast<uint16_t>((rounded / midi::kClocksPerMidiBeat) % midi::kSongPositionBeats);
        resume_position_ = static_cast<uint32_t>(beats) * midi::kClocksPerMidiBeat;
        resume_beat_clock_ = static_cast<uint8_t>((resume_position_ + 23) % 24);
        PushSoon(midi::kSongPosition);
        PushSoon(static_cast<uint8_t>(beats & 0x7F));
        PushSoon(static_cast<uint8_t>(beats >> 7));
        arm_ = Arm::kContinue;
        internal_pending_ = !clock_present_;
      }
      break;
    case ButtonEvent::kNone:
      break;
  }
  Refresh();
}

void ClockEngine::OnResetJack(bool high) {
  if (settings_.reset_mode == ResetMode::kTrigger) {
    if (!high) return;
    // The internal clock restarts at once: a Start and the downbeat.
    if (internal_.running()) internal_pending_ = true;
    if (running_) Stop();
    arm_ = Arm::kStart;
  } else if (high) {
    if (!running_) arm_ = Arm::kStart;
  } else {
    if (running_) Stop();
    arm_ = Arm::kNone;
  }
  Refresh();
}

bool ClockEngine::Poll(uint32_t now) {
  // Past a minute the time since the last edge is only "long": stamps that old can wrap.
  if (has_edge_ && !silence_long_ && now - last_edge_ > kMaxInterval) silence_long_ = true;
  if (far_intervals_ == 0) return false;
  // Poll runs every few ms, an interval here is over 8 s: one step a call keeps up.
  if (now - far_base_ >= far_basis_) {
    far_base_ += far_basis_;
    --far_intervals_;
  }
  if (far_intervals_ > far_near_) return false;
  timeout_at_ = far_base_ + far_intervals_ * far_basis_ + kMaxGraceTicks + stop_delay();
  timeout_armed_ = true;
  far_intervals_ = 0;
  Refresh();
  return true;
}

ClockEngine::Source ClockEngine::Select(uint32_t* due, uint8_t* byte, bool* sends) const {
  *sends = true;
  if (!burst_.empty()) {
    *due = burst_start_;
    *byte = burst_.front();
    return Source::kBurst;
  }
  if (!sub_.done()) {
    *due = sub_.due();
    *byte = midi::kClock;
    return Source::kSubdivision;
  }
  if (internal_.running()) {
    *due = internal_.due();
    *byte = midi::kClock;
    return Source::kInternal;
  }
  if (timeout_armed_) {
    *sends = running_ && !settings_.hold;
    *byte = midi::kStop;
    *due = timeout_at_;
    return Source::kTimeout;
  }
  *byte = 0;
  *sends = false;
  return Source::kNone;
}

bool ClockEngine::PeekCritical(uint32_t* due, uint8_t* byte, bool* sends) const {
  *due = next_due_;
  *byte = next_byte_;
  *sends = next_sends_;
  return next_source_ != Source::kNone;
}

void ClockEngine::CriticalSent() {
  const bool sends = next_sends_;
  switch (next_source_) {
    case Source::kBurst:
      burst_.PopOne();
      break;
    case Source::kSubdivision:
      sub_.Advance();
      break;
    case Source::kInternal:
      internal_.Advance();
      break;
    case Source::kTimeout: {
      timeout_armed_ = false;
      const bool hold = running_ && !sends;
      const uint8_t ahead = sub_.ahead();
      if (sends) running_ = false;
      OnSilence();
      if (hold) {
        Hold(ahead);
      } else {
        stats_.unearned_clocks += ahead;
      }
      break;
    }
    case Source::kNone:
      return;
  }
  if (sends) OnWire(next_byte_);
  Refresh();
}

// (Out of line: Quiet runs for every merged byte, and below 48 PPQN never needs it.)
__attribute__((noinline)) uint32_t ClockEngine::ToNextEarner() const {
  uint32_t ahead = divisor_;
  for (uint8_t p = pulse_in_beat_; (p & group_mask_) != 0; ++p) ahead += divisor_;
  return ahead;
}

bool ClockEngine::Quiet(uint32_t now, uint32_t window) const {
  const uint32_t end = now + window;
  const Source next = next_source_;
  if (next == Source::kBurst) return false;
  if (next != Source::kNone && next_sends_ && Before(next_due_, end)) return false;
  if (clock_present_ && !silence_long_) {
    // The next edge is expected one interval after the last, give or take its jitter. At
    // 48/96 PPQN one that earns no clock sends nothing (edge_byte_ 0): the line keeps clear
    // of the next that earns one instead, 2 to 4 intervals on, or merged bytes would find
    // no room between pulses at all from about 1600 BPM at 96 PPQN.
    const uint32_t ahead = group_mask_ != 0 && edge_byte_ == 0 ? ToNextEarner() : divisor_;
    uint32_t guard = ahead >> 4;
    if (guard > 2 * kTicksPerMs) guard = 2 * kTicksPerMs;
    const uint32_t expected = last_edge_ + ahead + settings_.latency_ticks +
                              static_cast<uint32_t>(shift_next_) - guard;
    if (!Before(expected + 2 * guard, now) && Before(expected, end)) return false;
  }
  return true;
}

void ClockEngine::SoonSent() {
  OnWire(soon_.front());
  soon_.PopOne();
  Refresh();
}

bool ClockEngine::Led(uint32_t now) const {
  // The internal clock shows the other way round: dark for the first quarter of a beat.
  if (internal_.running()) return wire_running_ && position_ != 0 && beat_clock_ >= midi::kClocksPerQuarter / 4;
  if (!clock_present_) return false;
  if (wire_running_) return position_ != 0 && beat_clock_ < midi::kClocksPerQuarter / 4;
  return !silence_long_ && now - last_beat_edge_ < kBlinkTicks;
}

void ClockEngine::Stop() {
  running_ = false;
  internal_.Stop();
  PushSoon(midi::kStop);
  if (!settings_.clocks_while_stopped) sub_.Cancel();
}

void ClockEngine::PushSoon(uint8_t byte) {
  if (!soon_.Push(byte, 1)) ++stats_.transport_dropped;
}

void ClockEngine::OnWire(uint8_t byte) {
  switch (byte) {
    case midi::kClock:
      ++stats_.clocks;
      if (wire_running_) {
        ++position_;
        beat_clock_ = beat_clock_ == midi::kClocksPerQuarter - 1 ? 0 : beat_clock_ + 1;
      }
      break;
    case midi::kStart:
      wire_running_ = true;
      position_ = 0;
      beat_clock_ = midi::kClocksPerQuarter - 1;
      break;
    case midi::kContinue:
      wire_running_ = true;
      position_ = resume_position_;
      beat_clock_ = resume_beat_clock_;
      break;
    case midi::kStop:
      wire_running_ = false;
      break;
    default:
      break;
  }
}

void ClockEngine::OnSilence() {
  ++stats_.timeouts;
  clock_present_ = false;
  running_ = false;
  sub_.Cancel();
  if (settings_.auto_start && settings_.reset_mode == ResetMode::kTrigger &&
      arm_ == Arm::kNone) {
    arm_ = Arm::kStart;
  }
}

void ClockEngine::StartInternal(uint32_t at) {
  internal_pending_ = false;
  const uint8_t byte = arm_ == Arm::kContinue ? midi::kContinue : midi::kStart;
  if (burst_.empty()) burst_start_ = at;
  if (!burst_.Push(byte, 1)) {
    ++stats_.transport_dropped;
    Refresh();
    return;
  }
  if (arm_ == Arm::kStart) pulse_in_beat_ = 0;
  arm_ = Arm::kNone;
  running_ = true;
  held_ = false;
  internal_.StartTempo(at + kByteTicks, settings_.tempo_deci_bpm);
  Refresh();
}

// on-stop hold: the timed-out clock goes on at its last interval, on the grid of its last
// edge (clock N is where the next edge was due). The clocks whose time passed while the
// timeout waited are owed and go out back to back, as after a speed-up.
// (Kept out of line: inlined, it costs CriticalSent's every call a longer prologue.)
__attribute__((noinline)) void ClockEngine::Hold(uint8_t ahead) {
  running_ = true;
  arm_ = Arm::kNone;
  held_ = true;
  if (group_mask_ == 0) {
    // On the grid of the last edge's clocks, past those a negative shift sent ahead.
    internal_.Start(grid_origin_, grid_span_, n_, n_ + ahead);
    return;
  }
  // 48/96 PPQN: a clock every 2 or 4 intervals (at most 2^31 - 1 ticks), the next where
  // the next edge that earns one was due; pulse_in_beat_ is the next edge's.
  uint32_t next = last_edge_ + settings_.latency_ticks + divisor_;
  for (uint8_t p = pulse_in_beat_; (p & group_mask_) != 0; ++p) next += divisor_;
  uint32_t span = divisor_;
  for (uint8_t m = group_mask_; m != 0; m >>= 1) span = span > 0x3FFFFFFFUL ? 0x7FFFFFFFUL : span << 1;
  internal_.Start(next, span, 1, 0);
}

ClockEngine::ClockSource ClockEngine::source() const {
  if (clock_present_) return ClockSource::kExternal;
  if (internal_.running()) return held_ ? ClockSource::kHeld : ClockSource::kInternal;
  return ClockSource::kNone;
}

// The next critical item, and what the next accepted edge writes first, kept ready so the
// capture interrupt can send that before any bookkeeping.
void ClockEngine::Refresh() {
  next_source_ = Select(&next_due_, &next_byte_, &next_sends_);
  if (!burst_.empty()) {
    edge_byte_ = burst_.front();
  } else if (!soon_.empty() && soon_.front() >= midi::kClock) {
    edge_byte_ = soon_.front();
  } else if (!sub_.done()) {
    edge_byte_ = midi::kClock;
  } else if (start_armed()) {
    edge_byte_ = arm_ == Arm::kStart ? midi::kStart : midi::kContinue;
  } else if (clocks_flow() && earns()) {
    edge_byte_ = midi::kClock;
  } else {
    edge_byte_ = 0;
  }
}

}  // namespace cv2midi
