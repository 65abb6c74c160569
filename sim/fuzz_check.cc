// The contract's invariants over one run; see fuzz_check.h. Every rule here is re-derived
// from DESIGN.md section 3 and the README; the tolerances are named where they are used.
#include "sim/fuzz_check.h"

#include <algorithm>
#include <cstdio>

namespace cv2midi {
namespace sim {

const char* const kViolationKinds[] = {
    "din-stream",       "line-overlap",       "clock-early",     "clock-lost",
    "clock-invented",   "clock-while-stopped", "clock-timing",   "latency",
    "edge-wait",        "merged-in-edge-window", "stop-timeout", "stop-cause",
    "start-downbeat",   "start-while-running", "start-cause",    "start-missing",
    "song-position",    "thru-invented",      "thru-while-off",  "usb-out-dropped",
    "reply-truncated",  "reply-value",        "request-leak",    "usb-order",
    "usb-lost",         "crash",              "running-status",  "internal-timing",
    "clock-ahead",      "smooth-window",
};
const size_t kViolationKindCount = sizeof(kViolationKinds) / sizeof(kViolationKinds[0]);

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint64_t kMs = 16000;
constexpr uint64_t kUs = 16;
// The contract's timing bar for a clock against its division of the interval.
constexpr uint64_t kTimingBar = 1 * kUs;
// Bytes sent back to back at the line rate: one frame apart, give or take the few cycles
// a spin loop or an interrupt entry costs.
constexpr uint64_t kLineRateSlack = 32;
// How far the latency may move between edges and still be "constant".
constexpr uint64_t kLatencySpread = 2;
// The firmware samples the button and the reset flag about once a millisecond.
constexpr uint64_t kPoll = 2 * kMs;
constexpr uint64_t kDebounce = 5 * kMs;
constexpr uint64_t kLongPress = 1000 * kMs;
constexpr uint64_t kMaxInterval = 60ULL * 16000000;  // 1 BPM at 1 PPQN
constexpr uint64_t kMaxGrace = kMs / 2;
// A clock or transport byte is booked on the line this long before it is due (README "How
// it keeps time"): one booked before an edge came may still leave after it.
constexpr uint64_t kHorizon = 8192;
// The clock shift's settings come in steps of 10 us.
constexpr int64_t kShiftStep = 160;
// The jitter filter's window for a pulse's clock 0, after the pulse plus L and the shift.
constexpr uint64_t kSmoothEarliest = kMs / 2;
constexpr uint64_t kSmoothLatest = 4 * kMs;

bool IsRealTime(uint8_t b) { return b >= 0xF8; }
bool IsEngineRealTime(uint8_t b) { return b == 0xF8 || b == 0xFA || b == 0xFB || b == 0xFC; }

// Data bytes after a status; -1 for a status that is not one (F4 F5 F7 F9 FD) or SysEx.
int DataCount(uint8_t status) {
  if (status < 0xF0) return (status & 0xE0) == 0xC0 ? 1 : 2;
  switch (status) {
    case 0xF1: case 0xF3: return 1;
    case 0xF2: return 2;
    case 0xF6: return 0;
    default: return -1;
  }
}

std::string Hex(const Bytes& b) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < b.size() && i < 16; ++i) {
    std::snprintf(buf, sizeof(buf), "%s%02X", i ? " " : "", b[i]);
    s += buf;
  }
  if (b.size() > 16) s += " ...";
  return s;
}

std::string Us(uint64_t cycles) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f us", cycles / 16.0);
  return buf;
}

std::string At(uint64_t cycle) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.6f s",
                (cycle > kScenarioStart ? cycle - kScenarioStart : 0) / 16e6);
  return buf;
}

// A timed byte stream into a MIDI reading of whole messages. Real-time bytes are their own
// messages; a status cuts off what was open; stray data and undefined statuses are dropped.
struct Message {
  Bytes bytes;
  uint64_t at;          // the cycle of its last byte
  bool cut = false;     // a SysEx that a status ended without F7
  int source = 0;       // 0 DIN in, 1 the host
  bool by_running = false;  // its status byte was not sent again (running status)
  uint64_t first_at = 0;    // the cycle of its first byte
};

struct Reader {
  std::vector<Message> messages;
  std::vector<std::string> faults;  // only for a strict reading of DIN out
  bool strict = false;
  Bytes open;
  int need = 0;
  uint8_t running = 0;
  bool sysex = false;
  bool by_running = false;
  uint64_t open_at = 0;
  size_t index = 0;

  void Fault(const char* what, uint8_t b) {
    if (!strict) return;
    char buf[96];
    std::snprintf(buf, sizeof(buf), "%s at byte %zu (%02X)", what, index, b);
    faults.push_back(buf);
  }
  void Feed(uint8_t b, uint64_t at) {
    ++index;
    if (IsRealTime(b)) {
      if (b == 0xF9 || b == 0xFD) {
        Fault("undefined real-time byte", b);
        return;
      }
      messages.push_back(Message{{b}, at});
      messages.back().first_at = at;
      return;
    }
    if (sysex) {
      if (b == 0xF7) {
        open.push_back(b);
        messages.push_back(Message{open, at});
        messages.back().first_at = open_at;
        sysex = false;
        open.clear();
        return;
      }
      if (b < 0x80) {
        open.push_back(b);
        return;
      }
      Fault("a status inside a SysEx", b);
      messages.push_back(Message{open, at, true});
      messages.back().first_at = open_at;
      sysex = false;
      open.clear();
    }
    // What an undefined status or a lone F7 does to an open message or running status MIDI
    // leaves open; reading the input, take it as nothing at all, like a real-time byte,
    // which is the firmware's choice.
    if (!strict && b >= 0xF0 && DataCount(b) < 0 && b != 0xF0) return;
    if (b >= 0x80) {
      if (need > 0) Fault("a status cut a message short", b);
      need = 0;
      open.clear();
      open_at = at;
      if (b == 0xF0) {
        sysex = true;
        open = {b};
        running = 0;
        return;
      }
      const int d = DataCount(b);
      if (d < 0) {
        Fault("an undefined status or a lone F7", b);
        running = 0;
        return;
      }
      running = b < 0xF0 ? b : 0;
      if (d == 0) {
        messages.push_back(Message{{b}, at});
        messages.back().first_at = at;
        return;
      }
      open = {b};
      need = d;
      return;
    }
    if (need == 0) {
      if (running == 0) {
        Fault("a stray data byte", b);
        return;
      }
      open = {running};
      need = DataCount(running);
      by_running = true;
      open_at = at;
    }
    open.push_back(b);
    if (--need == 0) {
      messages.push_back(Message{open, at});
      messages.back().by_running = by_running;
      messages.back().first_at = open_at;
      by_running = false;
      open.clear();
    }
  }
  void End() {
    if (need > 0) Fault("the stream ends inside a message", 0);
    if (sysex) Fault("the stream ends inside a SysEx", 0);
  }
};

// The settings protocol (README "Settings"), as a module owes it.
bool IsConfigSysEx(const Bytes& m) {
  return m.size() >= 6 && m[0] == 0xF0 && m[1] == 0x7D && m[2] == 0x63 && m[3] == 0x32;
}

// A shift's 10 us steps as the protocol's 14-bit two's complement, low 7 bits first.
uint8_t ShiftLo(int16_t steps) { return static_cast<uint8_t>((steps + 0x4000) & 0x7F); }
uint8_t ShiftHi(int16_t steps) { return static_cast<uint8_t>(((steps + 0x4000) >> 7) & 0x7F); }

Bytes ReplyAll(const Settings& s, uint8_t status) {
  return {0xF0, 0x7D, 0x63, 0x32, 0x41, status, s.ppqn,
          static_cast<uint8_t>(s.reset_mode == ResetMode::kRunGate ? 1 : 0), s.timeout_multiple,
          static_cast<uint8_t>(s.clocks_while_stopped), static_cast<uint8_t>(s.auto_start),
          static_cast<uint8_t>(s.thru), static_cast<uint8_t>(s.glitch_us & 0x7F),
          static_cast<uint8_t>(s.glitch_us >> 7), static_cast<uint8_t>(s.tempo_deci_bpm & 0x7F),
          static_cast<uint8_t>(s.tempo_deci_bpm >> 7),
          static_cast<uint8_t>(s.on_stop == OnStop::kHold ? 1 : 0), ShiftLo(s.din_shift_10us),
          ShiftHi(s.din_shift_10us), ShiftLo(s.usb_shift_10us), ShiftHi(s.usb_shift_10us),
          s.smooth, 0xF7};
}

// Applies a request; returns the reply code it owes (0x41 all, 0x44 identity, 0x7F NAK).
uint8_t Answer(const Bytes& m, Settings* s) {
  const size_t body = m.size() - 6;  // after F0 7D 63 32 <cmd>, before F7
  const uint8_t cmd = m[4];
  if (cmd == 0x01 || cmd == 0x03 || cmd == 0x04 || cmd == 0x05) {
    if (body != 0) return 0x7F;
    if (cmd == 0x03) *s = Settings();
    return cmd == 0x04 ? 0x44 : cmd == 0x05 ? 0x45 : 0x41;  // 0x45: the status
  }
  if (cmd != 0x02) return 0x7F;
  if (body < 1) return 0x7F;
  const uint8_t p = m[5];
  if (p < 1 || p > 12) return 0x7F;
  if (body != (p == 7 || p == 8 || p == 10 || p == 11 ? 3u : 2u)) return 0x7F;
  const uint8_t v = m[6];
  Settings n = *s;
  switch (p) {
    case 1:
      if (v != 1 && v != 2 && v != 3 && v != 4 && v != 6 && v != 8 && v != 12 && v != 24 &&
          v != 48 && v != 96) {
        return 0x7F;
      }
      n.ppqn = v;
      break;
    case 2:
      if (v > 1) return 0x7F;
      n.reset_mode = v ? ResetMode::kRunGate : ResetMode::kTrigger;
      break;
    case 3:
      if (v < 2 || v > 8) return 0x7F;
      n.timeout_multiple = v;
      break;
    case 4: case 5: case 6:
      if (v > 1) return 0x7F;
      (p == 4 ? n.clocks_while_stopped : p == 5 ? n.auto_start : n.thru) = v != 0;
      break;
    case 7: {
      const uint16_t us = static_cast<uint16_t>(v | (m[7] << 7));
      if (us < 250 || us > 4000) return 0x7F;
      n.glitch_us = us;
      break;
    }
    case 8: {
      const uint16_t deci = static_cast<uint16_t>(v | (m[7] << 7));
      if (deci < 200 || deci > 3000) return 0x7F;
      n.tempo_deci_bpm = deci;
      break;
    }
    case 9:
      if (v > 1) return 0x7F;
      n.on_stop = v ? OnStop::kHold : OnStop::kStop;
      break;
    case 10: case 11: {
      const int raw = v | (m[7] << 7);  // 14-bit two's complement
      const int steps = raw >= 8192 ? raw - 16384 : raw;
      if (steps < -2000 || steps > 2000) return 0x7F;
      (p == 10 ? n.din_shift_10us : n.usb_shift_10us) = static_cast<int16_t>(steps);
      break;
    }
    case 12:
      if (v > 3) return 0x7F;
      n.smooth = v;
      break;
  }
  *s = n;
  return 0x41;
}

// The clock shift and the jitter filter as the README ("Clock shift and the jitter filter")
// says they reach the outputs, for one set of settings. The engine runs at the earlier of
// the two shifts and the later output follows it by the difference; at 48 and 96 PPQN a
// negative shift and the filter are not applied. DIN carries every engine byte P later than
// an engine at shift S would send it, S being the negative part of the engine's shift: once
// a negative shift has phased in, DIN's clocks sit P + S = DIN's shift off the unshifted
// grid; a Start at the pulse, a timeout's Stop and a positive shift sit P off it.
struct Shift {
  int64_t P = 0;     // ticks, >= 0
  int64_t S = 0;     // ticks, <= 0: clocks go ahead of the predicted pulse
  int64_t H = 0;     // the host's copy of a byte comes this long after DIN's (either sign)
  int64_t epos = 0;  // the engine's positive shift: its timeout, and so its silence, this late
  bool smooth = false;
};

Shift ShiftOf(const Settings& s) {
  const bool high = s.ppqn > 24;
  int64_t d = s.din_shift_10us * kShiftStep, u = s.usb_shift_10us * kShiftStep;
  if (high) {
    d = std::max<int64_t>(d, 0);
    u = std::max<int64_t>(u, 0);
  }
  Shift x;
  x.S = std::min<int64_t>(std::min(d, u), 0);
  x.P = d - x.S;
  x.H = u - d;
  x.epos = std::max<int64_t>(std::min(d, u), 0);
  x.smooth = s.smooth != 0 && !high;
  return x;
}

// Every setting the engine or the outputs act on.
bool SameEngineSettings(const Settings& a, const Settings& b) {
  return a.ppqn == b.ppqn && a.reset_mode == b.reset_mode &&
         a.timeout_multiple == b.timeout_multiple &&
         a.clocks_while_stopped == b.clocks_while_stopped && a.auto_start == b.auto_start &&
         a.thru == b.thru && a.glitch_us == b.glitch_us && a.tempo_deci_bpm == b.tempo_deci_bpm &&
         a.on_stop == b.on_stop && a.din_shift_10us == b.din_shift_10us &&
         a.usb_shift_10us == b.usb_shift_10us && a.smooth == b.smooth;
}

struct Request {
  uint64_t at;
  int source;  // 0 DIN in, 1 the host
  Bytes bytes;
  uint8_t reply_code;
  Bytes reply;  // for 0x41: the whole reply owed
  Settings after;
};

struct Press {
  uint64_t down, up;  // debounced: the moments the firmware sees them
  bool is_long;
};

class Checker {
 public:
  explicit Checker(const RunResult& run) : run_(run), sc_(run.scenario) {}

  std::vector<Violation> Run() {
    ReadInputs();
    ReadOutput();
    CheckLine();
    // Setup mode (the button held at power-up) is not modelled: its presses set the PPQN,
    // not the transport. Only the line and the stream are judged then.
    for (const Action& a : sc_.actions) {
      if (a.kind == ActionKind::kButton && a.at < kScenarioStart) return out_;
    }
    ModelEdges();
    ModelInternal();
    CheckClocks();
    CheckTiming();
    CheckFirstBytes();
    CheckStops();
    CheckStarts();
    CheckSongPosition();
    CheckMerge();
    CheckUsb();
    std::stable_sort(out_.begin(), out_.end(),
                     [](const Violation& a, const Violation& b) { return a.at < b.at; });
    return out_;
  }

 private:
  void Add(const char* kind, uint64_t at, const std::string& what) {
    out_.push_back(Violation{kind, at, what});
  }

  // ---- Inputs ----
  void ReadInputs() {
    std::vector<std::pair<uint64_t, std::pair<uint8_t, int>>> bytes[2];
    for (const Action& a : sc_.actions) {
      if (a.kind == ActionKind::kMidiIn) {
        // simavr hands the firmware each byte on the cycle it is fed.
        for (size_t i = 0; i < a.bytes.size(); ++i) {
          bytes[0].push_back({a.at + i * a.spacing, {a.bytes[i], 0}});
        }
      } else if (a.kind == ActionKind::kUsbOut && sc_.usb_host) {
        // The host sends only while enumerated and awake; until then its packets wait.
        const uint64_t at = HostDelivers(a.at);
        if (at == UINT64_MAX) continue;
        for (uint8_t b : a.bytes) bytes[1].push_back({at, {b, 1}});
      } else if (a.kind == ActionKind::kButton) {
        if (a.length < kDebounce + kMs) continue;  // a bounce
        presses_.push_back(Press{a.at + kDebounce, a.at + a.length + kDebounce,
                                 a.length > kLongPress + kDebounce + 10 * kMs});
      } else if (a.kind == ActionKind::kResetPulse) {
        reset_rises_.push_back(a.at);
      } else if (a.kind == ActionKind::kGateOn) {
        gate_changes_.push_back({a.at, true});
      } else if (a.kind == ActionKind::kGateOff) {
        gate_changes_.push_back({a.at, false});
      }
    }
    std::sort(presses_.begin(), presses_.end(),
              [](const Press& a, const Press& b) { return a.down < b.down; });
    for (int s = 0; s < 2; ++s) {
      std::stable_sort(bytes[s].begin(), bytes[s].end(),
                       [](const std::pair<uint64_t, std::pair<uint8_t, int>>& a,
                          const std::pair<uint64_t, std::pair<uint8_t, int>>& b) {
                         return a.first < b.first;
                       });
      Reader r;
      // The host sends USB-MIDI packets: each line is its own messages (run.cc encodes per
      // line, so an unfinished message at a line's end goes nowhere).
      for (const auto& x : bytes[s]) r.Feed(x.second.first, x.first);
      // A SysEx its source never ends: the firmware closes it once the source is quiet
      // (README), so it may come out cut short, like one a status cut.
      if (r.sysex) {
        r.messages.push_back(Message{r.open, bytes[s].back().first, true});
        r.messages.back().first_at = r.open_at;
      }
      for (Message& m : r.messages) {
        m.source = s;
        if (IsRealTime(m.bytes[0])) {
          if (IsEngineRealTime(m.bytes[0])) continue;  // the master drops them
        }
        if (IsConfigSysEx(m.bytes) && !m.cut) {
          requests_.push_back(Request{m.at, s, m.bytes, 0, {}, Settings()});
          continue;
        }
        (s == 0 ? din_in_ : host_out_).push_back(m);
        if (m.bytes[0] == 0xF2) din_song_position_at_.push_back(m.at);
      }
    }
    std::stable_sort(requests_.begin(), requests_.end(),
                     [](const Request& a, const Request& b) { return a.at < b.at; });
    Settings stored = sc_.settings;
    const uint8_t status = sc_.settings_given ? 0 : 1;
    unmodelled_ = !sc_.eeprom_raw.empty();
    for (Request& q : requests_) {
      q.reply_code = Answer(q.bytes, &stored);
      q.after = stored;
      if (q.reply_code == 0x41) q.reply = ReplyAll(stored, status);
    }
    std::vector<Settings> all = {sc_.settings};
    for (const Request& q : requests_) all.push_back(q.after);
    for (const Settings& a : all) {
      const Shift x = ShiftOf(a);
      max_delay_ = std::max(max_delay_, static_cast<uint64_t>(x.P));
      if (x.H < 0) max_host_ahead_ = std::max(max_host_ahead_, static_cast<uint64_t>(-x.H));
      if (x.H > 0) max_host_behind_ = std::max(max_host_behind_, static_cast<uint64_t>(x.H));
    }
  }

  // When the host's OUT packets queued at `at` go out: at once while it is enumerated and
  // the bus awake, else when it next is (UINT64_MAX: never in this run).
  uint64_t HostDelivers(uint64_t at) const {
    struct Mark {
      uint64_t at;
      int what;  // 0 enumerated, 1 bus reset, 2 suspend, 3 wake
    };
    std::vector<Mark> marks;
    for (uint64_t t : run_.usb.enumerated_at) marks.push_back({t, 0});
    for (const Action& a : sc_.actions) {
      if (a.kind == ActionKind::kUsbReset) marks.push_back({a.at, 1});
      if (a.kind == ActionKind::kUsbSuspend) marks.push_back({a.at, 2});
      if (a.kind == ActionKind::kUsbWake) marks.push_back({a.at, 3});
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const Mark& x, const Mark& y) { return x.at < y.at; });
    bool enumerated = false, suspended = false;
    for (const Mark& m : marks) {
      if (m.at > at && enumerated && !suspended) return at;
      if (m.what == 0) enumerated = true;
      if (m.what == 1) enumerated = false;
      if (m.what == 2) suspended = true;
      if (m.what == 3) suspended = false;
      if (m.at >= at && enumerated && !suspended) return m.at;
    }
    return enumerated && !suspended ? at : UINT64_MAX;
  }

  // Stored settings as of cycle t.
  Settings StoredAt(uint64_t t) const {
    Settings s = sc_.settings;
    for (const Request& q : requests_) {
      if (q.at <= t) s = q.after;
    }
    return s;
  }
  // The settings the engine has at t as far as the internal clock goes: a change waits
  // while the internal clock runs (README, "Settings reach the engine only while neither
  // clock runs"), so within an internal run those stored at its Start or Continue.
  Settings InternalSettingsAt(uint64_t t) const {
    uint64_t from = t;
    for (uint64_t start : internal_starts_) {
      if (start <= t) from = start;
    }
    for (const TxByte& x : transport_) {
      if (x.byte == 0xFC && x.cycle > from && x.cycle <= t) from = t;  // it stopped since
    }
    return StoredAt(from);
  }
  // True when a settings change lands within `margin` of t: which side it falls is a matter
  // of the main loop's pass, so what follows is not judged.
  bool ChangeNear(uint64_t t, uint64_t margin) const {
    for (const Request& q : requests_) {
      if (q.reply_code == 0x41 && q.at + margin > t && q.at < t + margin) return true;
    }
    return false;
  }

  // ---- Output ----
  void ReadOutput() {
    Reader r;
    r.strict = true;
    for (const TxByte& b : run_.tx) {
      r.Feed(b.byte, b.cycle);
      if (!r.faults.empty()) {
        Add("din-stream", b.cycle, r.faults.front());
        r.faults.clear();
      }
    }
    // A SysEx whose source went quiet is closed 100 ms later (the merger's stall rule): one
    // still open when the run ends sooner than that after its last byte is not judged
    // (fresh soak seed 9000195: garbage with an F0 ended 0.1 s before the run).
    const bool closing = r.sysex && !run_.tx.empty() &&
                         run_.tx.back().cycle + 120 * kMs > run_.cycles;
    if (closing) r.sysex = false;
    r.End();
    for (const std::string& f : r.faults) Add("din-stream", run_.cycles, f);
    out_messages_ = r.messages;
    for (const TxByte& b : run_.tx) {
      if (b.byte == 0xF8) clocks_.push_back(b.cycle);
      if (b.byte == 0xFA || b.byte == 0xFB || b.byte == 0xFC) transport_.push_back(b);
    }
  }

  size_t ClocksBefore(uint64_t t) const {
    return std::lower_bound(clocks_.begin(), clocks_.end(), t) - clocks_.begin();
  }
  // The wire's transport state just after cycle t (inclusive).
  bool WireRunning(uint64_t t) const {
    bool running = false;
    for (const TxByte& x : transport_) {
      if (x.cycle > t) break;
      running = x.byte != 0xFC;
    }
    return running;
  }
  // Index of the first byte on the wire at or after t.
  size_t ByteAtOrAfter(uint64_t t) const {
    return std::lower_bound(run_.tx.begin(), run_.tx.end(), t,
                            [](const TxByte& b, uint64_t c) { return b.cycle < c; }) -
           run_.tx.begin();
  }
  // Whether byte i is the engine's (clock, transport, or the module's Song Position).
  bool EngineByte(size_t i) const {
    const uint8_t b = run_.tx[i].byte;
    if (IsEngineRealTime(b)) return true;
    return std::find(module_spp_bytes_.begin(), module_spp_bytes_.end(), i) !=
           module_spp_bytes_.end();
  }

  void CheckLine() {
    for (size_t i = 1; i < run_.tx.size(); ++i) {
      const uint64_t gap = run_.tx[i].cycle - run_.tx[i - 1].cycle;
      if (gap < kCheckedFrameCycles) {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "%02X %s after %02X, less than a frame",
                      run_.tx[i].byte, Us(gap).c_str(), run_.tx[i - 1].byte);
        Add("line-overlap", run_.tx[i].cycle, buf);
      }
    }
    // The module's own Song Positions: an F2 that follows a long press by at most half a
    // second, and its two data bytes.
    for (size_t i = 0; i < run_.tx.size(); ++i) {
      if (run_.tx[i].byte != 0xF2) continue;
      // (It waits for a message boundary of the merged stream, which a long SysEx delays.)
      bool after_press = false;
      for (const Press& p : presses_) {
        bool continued = false;
        for (const TxByte& x : transport_) {
          continued |= x.byte == 0xFB && x.cycle > p.down + kLongPress && x.cycle < run_.tx[i].cycle;
        }
        after_press |= p.is_long && !continued && run_.tx[i].cycle >= p.down + kLongPress &&
                       run_.tx[i].cycle <= p.down + kLongPress + 10000 * kMs;
      }
      if (!after_press) continue;
      module_spp_bytes_.push_back(i);
      size_t k = i + 1;
      for (int d = 0; d < 2 && k < run_.tx.size(); ++k) {
        if (!IsRealTime(run_.tx[k].byte)) {
          module_spp_bytes_.push_back(k);
          ++d;
        }
      }
    }
  }

  // ---- The engine as the contract describes it ----
  struct EdgeModel {
    uint64_t at;
    bool restart;       // first edge, or the first after a timeout
    uint64_t divided;   // the interval its N clocks divide
    uint64_t deadline;  // its timeout
    uint64_t basis;
    Settings s;         // settings in force
    uint8_t n;          // clocks a pulse: 24 / PPQN, 1 at 48 and 96 PPQN
    uint8_t k = 1;      // pulses a clock: 2 and 4 at 48 and 96 PPQN, else 1
    bool earns = true;  // 48/96 PPQN: pulse 0 of its group (ModelGroups), which owes a clock
    bool resync = false;  // a group anchor after a stretch too close to tell: count afresh
    bool judged = true;  // false: settings changed too close to tell
    bool gives = false;  // clocks flow for it
    size_t clocks_from = 0;  // index into clocks_ of its first clock
    size_t clocks = 0;       // how many it owns
    bool handover = false;   // it takes over from the internal clock: no Start owed
    // The shift and filter in force (ShiftOf), and where they put this edge's clocks.
    Shift sh;
    uint64_t gone = 0;     // the engine's timeout (deadline + sh.epos): an edge after it restarts
    uint64_t stop_at = 0;  // where the timeout's Stop goes on DIN: deadline + sh.P
    bool start = false;    // a restart, or it carries a Start or Continue: its bytes at the pulse
    // A negative shift's phase (ModelPhase): this edge's clock 0 lies `now` off the grid of a
    // positive one, the next edge's `next` off it (both <= 0); the interval is divided over
    // `span`, or `span_alt` when a Start armed at this edge kept the next one at the pulse.
    int64_t now = 0, next = 0;
    uint64_t span = 0, span_alt = 0;
    size_t reach = 0;      // at most this many of the next edge's clocks go ahead of it
    bool grid = true;      // its clocks' places are known (see ModelPhase)
    size_t owed = 0;       // clocks of earlier edges still to go when it came (CheckClocks)
    // Where DIN's clocks stop being earlier edges' (or sent ahead of this one) and become
    // this edge's: din(), but for an early pulse under a negative shift (ModelPhase).
    uint64_t count_from = 0;
    // Its first byte goes at the pulse plus L and P: unshifted or positively shifted, or a
    // start. A negative shift books the others' on the predicted grid; the filter books every
    // edge's in the main loop, a start's as soon as it can, the others' in its window.
    bool at_pulse() const { return !sh.smooth && (start || sh.S == 0); }
    // The edge as DIN sees it: its engine bytes come P later.
    uint64_t din() const { return at + static_cast<uint64_t>(sh.P); }
  };

  void ModelEdges() {
    Settings engine = StoredAt(0);
    uint64_t last = 0, deadline = 0, gone = 0, stop_at = 0, last_interval = 0;
    bool present = false, judged = true;
    Shift sh = ShiftOf(engine);
    for (const Edge& e : run_.edges) {
      if (present && e.at > gone) {
        present = false;
        // New settings are taken while no clock is present.
        if (ChangeNear(deadline, 5 * kMs)) judged = false;
      }
      // Following the host, DIN's timeout Stop is handed to the delay up to kStopLead (2048
      // ticks) before it is due: an edge that close to the timeout may find the clock gone.
      if (present && sh.P != 0 && e.at + 2048 + 64 > deadline && e.at <= gone + 64) judged = false;
      if (!present) {
        const Settings now = StoredAt(e.at);
        if (ChangeNear(e.at, 5 * kMs)) judged = false;
        // New settings wait for the delay line to empty (the timeout's Stop on DIN) and the
        // next housekeeping pass, 4 ms apart: a restart sooner than that may keep the old.
        if (!SameEngineSettings(now, engine) && !edges_.empty() && e.at < stop_at + 8 * kMs) {
          judged = false;
        }
        // Nor are they taken while the internal clock runs, which a press or a reset since
        // the clock went may have started: a hand-over edge may keep the old ones.
        if (!SameEngineSettings(now, engine)) {
          for (const Press& p : presses_) judged &= p.down < gone || p.down > e.at;
          for (uint64_t r : reset_rises_) judged &= r < gone || r > e.at;
        }
        if (now.ppqn != engine.ppqn) last_interval = 0;
        engine = now;
        sh = ShiftOf(engine);
      }
      const uint64_t glitch = std::min<uint64_t>(engine.glitch_us * kUs,
                                                 320000 / engine.ppqn / 2);
      if (present && e.at - last < glitch) continue;
      // Within 20 us of the glitch window either way the capture's filter decides.
      if (present && e.at - last < glitch + 20 * kUs) judged = false;
      EdgeModel m;
      m.at = e.at;
      m.restart = !present;
      m.s = engine;
      m.sh = sh;
      m.n = static_cast<uint8_t>(engine.ppqn > 24 ? 1 : 24 / engine.ppqn);
      m.k = static_cast<uint8_t>(engine.ppqn > 24 ? engine.ppqn / 24 : 1);
      const uint64_t fallback = 8000000 / engine.ppqn;
      const uint64_t since = edges_.empty() ? 0 : std::min(e.at - last, kMaxInterval);
      if (m.restart) {
        m.divided = last_interval != 0 ? last_interval : fallback;
        m.basis = std::max(m.divided, since);
      } else {
        m.divided = since;
        m.basis = since;
        last_interval = since;
      }
      const uint64_t grace = std::min(m.basis / 8, kMaxGrace);
      m.deadline = e.at + engine.timeout_multiple * m.basis + grace;
      m.gone = m.deadline + static_cast<uint64_t>(sh.epos);
      m.stop_at = m.deadline + static_cast<uint64_t>(sh.P);
      m.judged = judged;
      m.start = m.restart;
      edges_.push_back(m);
      last = e.at;
      deadline = m.deadline;
      gone = m.gone;
      stop_at = m.stop_at;
      present = true;
    }
  }

  // Which edges carry a Start or Continue: the last edge whose DIN time is not after it,
  // when it comes within the edge's first bytes (L and a burst of owed clocks).
  void ModelStarts() {
    for (const TxByte& x : transport_) {
      if (x.byte != 0xFA && x.byte != 0xFB) continue;
      size_t e = edges_.size();
      for (size_t i = 0; i < edges_.size() && edges_[i].din() <= x.cycle; ++i) e = i;
      if (e < edges_.size() && x.cycle <= edges_[e].din() + 640 + 26 * kCheckedFrameCycles) {
        edges_[e].start = true;
      }
    }
  }

  // A negative shift (README "Start and the downbeat with a negative shift"): the first
  // pulse after a start goes at the pulse; from there the grid moves ahead by |s| / PPQN a
  // pulse (each interval divided over a span that much shorter) until it reaches the shift.
  // A clock goes ahead of its pulse only while it lies within the shift of where the pulse
  // is predicted: at most ceil(|s| x N / span) of them (the span is the interval once phased
  // in). Under the filter the span is the filtered interval, which the checker does not
  // model: it takes the shortest span the filter can give (a re-lock bounds its estimate to
  // an eighth of the interval, its window to 4 ms), 3/4 of the interval less 4 ms and a step.
  void ModelPhase() {
    for (size_t i = 0; i < edges_.size(); ++i) PlacePhase(i);
  }
  void PlacePhase(size_t i) {
    EdgeModel& e = edges_[i];
    e.span = e.divided;
    e.count_from = e.din();
    if (e.sh.S == 0) return;
    const int64_t s = -e.sh.S;
    const int64_t step = (s + e.s.ppqn - 1) / e.s.ppqn;
    e.now = e.start || i == 0 ? 0 : edges_[i - 1].next;
    e.next = -std::min(-e.now + step, s);
    const int64_t span = static_cast<int64_t>(e.divided) + e.next - e.now;
    e.span = span > e.n ? static_cast<uint64_t>(span) : e.divided;
    // A phase-in step of half an interval or more (|s| / PPQN against a fast pulse: 20 ms
    // at 24 PPQN and 3000 BPM is a whole interval a pulse) leaves no span to divide: the
    // clocks go at the line rate to catch up with the shift, and only the count and the
    // reach are judged.
    e.grid = 2 * span > static_cast<int64_t>(e.divided);
    e.span_alt = static_cast<uint64_t>(static_cast<int64_t>(e.divided) - e.now);
    uint64_t shortest = e.span;
    if (e.sh.smooth) {
      const uint64_t lo = e.divided * 3 / 4;
      const uint64_t st = static_cast<uint64_t>(step);
      shortest = std::max<uint64_t>(lo > 4 * kMs + st ? lo - 4 * kMs - st : 0,
                                    e.divided / 4);
    }
    if (shortest == 0) shortest = 1;
    e.reach = static_cast<size_t>((static_cast<uint64_t>(-e.next) * e.n + shortest - 1) / shortest);
    // An early pulse finds nothing sent ahead of it: the first clock that could go ahead,
    // on the predicted grid |now| before the predicted pulse, was neither due nor booked.
    // Its owed clocks and clock 0 are then due at once on its own grid, pulse + L + now,
    // and a DIN that follows the host books them from that tick plus the delay, P: on DIN
    // they may come before the pulse + P. (Under the filter the prediction is the filter's,
    // within an eighth of the interval and its 4 ms window.)
    if (i == 0 || e.start) return;
    const EdgeModel& p = edges_[i - 1];
    const int64_t first_ahead = static_cast<int64_t>(p.at + p.divided + latency_) + e.now;
    const uint64_t doubt = kHorizon + 2 * kMs + (e.sh.smooth ? e.divided / 8 + kSmoothLatest : 0);
    if (static_cast<int64_t>(e.at + doubt) < first_ahead) {
      e.count_from = static_cast<uint64_t>(std::max<int64_t>(
          static_cast<int64_t>(e.din() + latency_) + e.now - static_cast<int64_t>(kLineRateSlack),
          0));
    }
  }

  // ---- The internal clock (README "Internal clock") ----
  // With nothing on the jack, a press (its release, or the long press firing) starts the
  // internal clock: a Start or Continue, the downbeat one frame later, and clock k at
  // downbeat + round(k * 4e8 / tempo in 0.1 BPM). With on-stop hold, a timeout while
  // running goes on at the last interval: clock k of that edge at edge + L +
  // round(k * interval / N) from k = N, those already due back to back. Either ends at a
  // Stop, or at an edge, which takes over with no Start. Their clocks belong to no edge:
  // they are judged here and taken out of clocks_.
  // Whether the clock is present at t: the last edge before it has not timed out.
  bool ClockPresentAt(uint64_t t) const {
    const EdgeModel* last = nullptr;
    for (const EdgeModel& e : edges_) {
      if (e.at > t) break;
      last = &e;
    }
    if (last == nullptr || t > last->gone) return false;
    // A restart edge after a settings change: the firmware takes new settings afresh and
    // may time that edge out at its own first-edge rule (issue 11's pending settings bugs);
    // whether the clock is present is then not this model's to say.
    if (last->restart) {
      const uint64_t from = last == &edges_[0] ? 0 : (last - 1)->deadline;
      for (const Request& q : requests_) {
        if (q.reply_code == 0x41 && q.at >= from && q.at < last->at) return false;
      }
    }
    // A Stop since that edge with no press, reset or gate to cause it (a pending bug, which
    // CheckStops reports) is the firmware taking the clock for gone: so does this model.
    for (const TxByte& x : transport_) {
      if (x.byte != 0xFC || x.cycle <= last->at || x.cycle >= t) continue;
      bool caused = false;
      // (DIN follows the host by up to 40 ms: a Stop from the button goes that much later.)
      const uint64_t w = 30 * kMs + max_delay_;
      for (const Press& p : presses_) caused |= x.cycle >= p.down && x.cycle <= p.down + w;
      for (uint64_t r : reset_rises_) caused |= x.cycle >= r && x.cycle <= r + w;
      for (const auto& g : gate_changes_) caused |= x.cycle >= g.first && x.cycle <= g.first + w;
      if (!caused) return false;
    }
    return true;
  }

  // How a walk knows its clocks' places. kFromLast: a held clock after a negative shift goes
  // on past the clocks sent ahead of the pulse that never came (how many is the unearned
  // rule's to judge): the first clock past the catch-up gives its index by its place.
  // kSpacing: the grid is the jitter filter's, which the checker does not model: past the
  // catch-up the clocks keep the spacing they start at (within a tick and the 1 us bar).
  enum class Walk { kExact, kFromLast, kSpacing };

  // Walks the clocks after `after` against origin + round(k * num / den) from clock
  // `first`, up to the next Stop or the hand-over edge; marks them internal.
  void WalkInternal(uint64_t after, uint64_t origin, uint64_t num, uint64_t den,
                    uint64_t first, bool held, std::vector<bool>* internal,
                    Walk walk = Walk::kExact) {
    uint64_t stop = UINT64_MAX;
    for (const TxByte& x : transport_) {
      if (x.byte == 0xFC && x.cycle > after) {
        stop = x.cycle;
        break;
      }
    }
    size_t edge = edges_.size();
    for (size_t i = 0; i < edges_.size(); ++i) {
      if (edges_[i].at > after) {
        edge = i;
        break;
      }
    }
    // (The edge as DIN sees it: its own bytes come its shift later. One not judged may run
    // at other settings than the model's: from the edge itself.)
    const uint64_t edge_at = edge == edges_.size() ? UINT64_MAX
                             : edges_[edge].judged ? edges_[edge].din()
                                                   : edges_[edge].at;
    if (edge < edges_.size() && edge_at < stop) {
      edges_[edge].handover = true;
      // (At 48/96 PPQN a clock's span is 2 or 4 intervals.)
      edges_[edge].divided = (edges_[edge].n * num + den / 2) / den / edges_[edge].k;
      PlacePhase(edge);
    }
    uint64_t k = first;
    bool catching_up = held;
    uint64_t prev = 0, spacing = 0;
    size_t on_grid = 0;  // clocks past the catch-up
    for (size_t c = ClocksBefore(after + 1); c < clocks_.size(); ++c) {
      const uint64_t at = clocks_[c];
      if (at > stop) break;
      // Past the catch-up: in kFromLast and kSpacing the first clock that is not back to back.
      if (catching_up && walk != Walk::kExact && prev != 0 &&
          at - prev > kCheckedFrameCycles + kLineRateSlack) {
        catching_up = false;
        if (walk == Walk::kFromLast && at > origin) k = ((at - origin) * den + num / 2) / num;
      }
      uint64_t ideal = origin + (2 * k * num + den) / (2 * den);
      uint64_t bar = kTimingBar;
      if (walk == Walk::kSpacing && !catching_up) {
        // (Each step of an exact division is its span / N, give or take one tick.)
        if (on_grid == 1) spacing = at - prev;
        ideal = on_grid < 2 ? at : prev + spacing;
        bar = kTimingBar + 1;
        ++on_grid;
      }
      const uint64_t diff = at > ideal ? at - ideal : ideal - at;
      // Past the edge only a clock booked ahead on the grid is still the internal clock's.
      if (edge_at != UINT64_MAX && at >= edge_at + 8192 + 640) break;
      if (edge_at != UINT64_MAX && at >= edge_at && diff > bar) break;
      (*internal)[c] = true;
      internal_cycles_.push_back(at);
      if (catching_up && (walk != Walk::kExact || at > ideal + kTimingBar)) {
        if (prev != 0 && at - prev > kCheckedFrameCycles + kLineRateSlack) {
          Add("internal-timing", at, "a held clock owed at " + At(ideal) + " is not back to back");
        }
      } else {
        catching_up = false;
        if (diff > bar) {
          Add("internal-timing", at, "internal clock " + std::to_string(k) + " off its ideal " +
                                      At(ideal) + " by " + Us(diff));
          return;
        }
      }
      prev = at;
      ++k;
    }
  }

  // ---- 48 and 96 PPQN (README "Input PPQN") ----
  // A clock on pulse 0 of each group of 2 or 4 accepted edges, counted from the downbeat:
  // the first edge after a silence, and the edge that sends a Start or a Continue: the last
  // edge whose t + L is not after it. One that waited for the line (behind a reset's Stop,
  // a timeout's Stop or a merged byte, up to two frames) with more than one edge that could
  // have sent it is too close to tell: the edges up to the next anchor are not judged.
  void ModelGroups() {
    if (edges_.empty()) return;
    std::vector<uint8_t> anchor(edges_.size(), 0);  // 1 anchor, 2 anchor after an unclear one
    for (size_t i = 0; i < edges_.size(); ++i) anchor[i] = edges_[i].restart ? 1 : 0;
    std::vector<bool> unclear(edges_.size(), false);
    for (const TxByte& x : transport_) {
      if (x.byte != 0xFA && x.byte != 0xFB) continue;
      const uint64_t head = x.cycle;
      size_t e = edges_.size();
      size_t candidates = 0;
      for (size_t i = 0; i < edges_.size() && edges_[i].din() + latency_ <= head + kLatencySpread;
           ++i) {
        e = i;
        const uint64_t first = edges_[i].din() + latency_;
        if (first + 2 * kCheckedFrameCycles + kLineRateSlack >= head) ++candidates;
      }
      if (e == edges_.size() || edges_[e].k == 1) continue;
      if (head > edges_[e].din() + latency_ + 26 * kCheckedFrameCycles) continue;  // not an edge's
      if (anchor[e] == 0) anchor[e] = 1;
      // Waited behind another byte, with more than one edge that could have sent it.
      const bool waited = head > edges_[e].din() + latency_ + kLatencySpread;
      if (waited && candidates > 1) {
        for (size_t i = e + 1 - candidates; i <= e; ++i) unclear[i] = true;
      }
    }
    size_t count = 0;
    bool in_unclear = false;
    for (size_t i = 0; i < edges_.size(); ++i) {
      EdgeModel& m = edges_[i];
      if (anchor[i] != 0) {
        count = 0;
        if (in_unclear) m.resync = true;
        in_unclear = false;
      }
      if (unclear[i]) in_unclear = true;
      if (in_unclear && m.k > 1) m.judged = false;
      m.earns = m.k == 1 || count % m.k == 0;
      ++count;
    }
  }

  void ModelInternal() {
    ModelStarts();
    latency_ = Latency();
    ModelPhase();
    ModelGroups();
    std::vector<bool> internal(clocks_.size(), false);
    for (size_t t = 0; t < transport_.size(); ++t) {
      const TxByte& x = transport_[t];
      if (x.byte != 0xFA && x.byte != 0xFB) continue;
      bool with_edge = false;
      for (const EdgeModel& e : edges_) {
        if (e.at > x.cycle) break;
        with_edge |= x.cycle <= e.din() + latency_ + 26 * kCheckedFrameCycles;
      }
      if (with_edge) continue;
      // What asked for it, with no clock on the jack at that moment: a press, or a reset
      // while the internal clock ran (it restarts).
      bool asked = false;
      // A long press's Song Position waits for the merged message on the line to end (a
      // SysEx may hold it well past 60 ms): its Continue is due 60 ms after the later of
      // the press and the last merged byte before it.
      uint64_t merged_end = 0;
      for (size_t b = 0; b < run_.tx.size() && run_.tx[b].cycle < x.cycle; ++b) {
        if (!EngineByte(b)) merged_end = run_.tx[b].cycle + kCheckedFrameCycles;
      }
      for (const Press& p : presses_) {
        const uint64_t ev = p.is_long ? p.down + kLongPress : p.up;
        const uint64_t settled = p.is_long && x.byte == 0xFB ? std::max(ev, merged_end) : ev;
        asked |= x.cycle >= ev && x.cycle <= settled + 60 * kMs + max_delay_ && !ClockPresentAt(ev);
      }
      std::vector<uint64_t> rises = reset_rises_;
      for (const auto& g : gate_changes_) {
        if (g.second) rises.push_back(g.first);  // a gate's rise is a reset in trigger mode
      }
      for (uint64_t r : rises) {
        asked |= x.cycle >= r && x.cycle <= r + 30 * kMs + max_delay_ && !ClockPresentAt(r) &&
                 InternalSettingsAt(r).reset_mode == ResetMode::kTrigger;
      }
      if (!asked) continue;  // CheckStarts says what is wrong with it
      internal_starts_.push_back(x.cycle);
      const uint16_t tempo = StoredAt(x.cycle).tempo_deci_bpm;
      WalkInternal(x.cycle, x.cycle + kCheckedFrameCycles, 400000000ULL, tempo, 0, false,
                   &internal);
    }
    for (size_t i = 0; i < edges_.size(); ++i) {
      const EdgeModel& e = edges_[i];
      const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].at : run_.cycles;
      // (With a shift the held clock takes over at the engine's timeout, and DIN sees it
      // where it sees the timeout's Stop, stop_at.)
      if (e.s.on_stop != OnStop::kHold || e.restart || next <= e.gone + kLineRateSlack ||
          !WireRunning(e.stop_at)) {
        continue;
      }
      if (e.k > 1) {
        // A clock every 2 or 4 intervals, the next where the next edge that earns one was
        // due: the edge after this one is pulse `next` of its group.
        size_t count = 0;
        for (size_t j = i + 1; j-- > 0;) {
          ++count;
          if (edges_[j].earns) break;
        }
        const uint64_t next = count % e.k;  // the group index of the edge after this one
        const uint64_t ahead = (e.k - next) % e.k + 1;
        WalkInternal(e.gone - 1, e.din() + latency_ + ahead * e.divided, e.divided * e.k, 1, 0,
                     true, &internal);
      } else {
        // On the grid of the last edge's clocks. After a negative shift it goes on from the
        // clocks already sent ahead; under the filter on the filter's grid (kSpacing).
        const Walk walk =
            e.sh.smooth ? Walk::kSpacing : e.sh.S < 0 ? Walk::kFromLast : Walk::kExact;
        WalkInternal(e.gone - 1,
                     static_cast<uint64_t>(static_cast<int64_t>(e.din() + latency_) + e.now),
                     e.span, e.n, e.n, true, &internal, walk);
      }
      // DIN following the host gets every engine byte its delay later (README "Two
      // outputs"), the held clock's catch-up at the timeout too: on DIN at stop_at.
      const size_t first = ClocksBefore(e.gone);
      if (e.sh.P > e.sh.epos && e.judged && first < clocks_.size() && internal[first] &&
          clocks_[first] + kLineRateSlack < e.stop_at) {
        Add("internal-timing", clocks_[first],
            "the held clock's first clock left DIN at " + At(clocks_[first]) + ", before the "
            "timeout plus DIN's delay behind the host (" + At(e.stop_at) + ")");
      }
    }
    std::vector<uint64_t> kept;
    for (size_t c = 0; c < clocks_.size(); ++c) {
      if (!internal[c]) kept.push_back(clocks_[c]);
    }
    clocks_.swap(kept);
    std::sort(internal_cycles_.begin(), internal_cycles_.end());
  }

  bool InternalClockAt(uint64_t t) const {
    return std::binary_search(internal_cycles_.begin(), internal_cycles_.end(), t);
  }

  uint64_t Latency() {
    // L: the most common delay from an edge to its first byte, over edges that found the
    // line free, as DIN sees them (a shift's P later); only edges whose first byte goes at
    // the pulse (not a negative shift's or the filter's, but for a start).
    std::vector<uint64_t> d;
    for (const EdgeModel& e : edges_) {
      if (!e.at_pulse()) continue;
      const size_t i = ByteAtOrAfter(e.din());
      if (i >= run_.tx.size()) continue;
      if (i > 0 && run_.tx[i - 1].cycle + kCheckedFrameCycles + 320 > e.din()) continue;
      const uint64_t delay = run_.tx[i].cycle - e.din();
      if (delay <= 640 && IsEngineRealTime(run_.tx[i].byte)) d.push_back(delay);
    }
    if (d.empty()) return 176;
    std::sort(d.begin(), d.end());
    return d[d.size() / 2];
  }

  // Every accepted edge accounts for exactly N clocks (DESIGN.md items 4-6), counted on DIN,
  // where an edge's clocks come its shift's P later. A negative shift sends up to `reach`
  // of the next pulse's clocks ahead of it (README "Clock shift": the rule replaces "no
  // clock before its edge", kind clock-ahead); those a start or a silence leaves with no
  // pulse of their own are unearned, and each stop may leave no more than that rule allows.
  // The filter sends none ahead: never more than N x pulses out, exactly that many at a Stop.
  void CheckClocks() {
    if (latency_ > 320) Add("latency", 0, "L is " + Us(latency_) + ", above 20 us");
    size_t owed_total = 0;  // clocks owed by the edges before this one, and those unearned
    size_t reach = 0;       // of this edge's clocks, how many the last that gave may have sent
    bool featured = false;  // that edge's shift was negative or its filter on
    for (size_t i = 0; i < edges_.size(); ++i) {
      EdgeModel& e = edges_[i];
      const uint64_t at = e.count_from;
      const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].count_from : UINT64_MAX;
      const size_t sent_before = ClocksBefore(at);
      if (e.resync) owed_total = sent_before;  // after a stretch too close to tell
      featured |= e.sh.S < 0 || e.sh.smooth;
      if (sent_before > owed_total + reach && e.judged) {
        if (featured) {
          Add("clock-ahead", at, std::to_string(sent_before - owed_total) + " clock(s) before " +
                                     "the edge at " + At(e.at) + " that no earlier edge owed; " +
                                     "a negative shift may send " + std::to_string(reach) +
                                     " ahead of it");
        } else {
          Add("clock-early", at, std::to_string(sent_before - owed_total) +
                                     " clock(s) before the edge at " + At(e.at) +
                                     " that no earlier edge owed");
        }
        owed_total = sent_before;
      } else if (sent_before > owed_total && e.start) {
        // Sent ahead for a pulse that came after a silence, or with a Start (whose downbeat
        // follows it): they are no pulse's, unearned.
        owed_total = sent_before;
      }
      e.owed = owed_total - std::min(owed_total, sent_before);
      const size_t owed = e.owed;
      // Clocks flow for an edge when clocks-while-stopped is on or the edge starts or
      // continues a run.
      uint64_t burst_end = at + latency_ + (owed + 3) * kCheckedFrameCycles + 64;
      e.gives = e.s.clocks_while_stopped || WireRunning(std::min(burst_end, next - 1));
      // (Under the filter an edge's clock 0 goes up to 4 ms after it, booked at the edge.
      // Following the host, DIN books the edge's bytes after those handed over before it,
      // up to the booking horizon past the pulse plus the delay.)
      if (e.sh.smooth && !e.start) burst_end += kSmoothLatest;
      if (e.sh.S < 0 && !e.start) {
        burst_end = std::max(burst_end, e.din() + kHorizon + kMs +
                                            (owed + 3) * kCheckedFrameCycles);
      }
      if (!e.gives || !e.earns) {
        e.clocks_from = owed_total;
        e.clocks = 0;
        continue;
      }
      e.clocks_from = owed_total;
      const uint64_t first_by = burst_end + kCheckedFrameCycles;  // a merged byte may hold it one frame
      const size_t by_then = ClocksBefore(first_by + 1);
      if (by_then < owed_total + 1 && e.judged && first_by < run_.cycles) {
        Add("clock-lost", at, "no first clock for the edge at " + At(e.at) + " by " +
                                  Us(first_by - e.at) + " after it");
        // Count on from what went out, so one lost clock is reported once.
        owed_total = by_then;
        e.clocks_from = owed_total;
      }
      size_t mine = e.n;
      // Without clocks while stopped a Stop cuts the rest of the interval's clocks.
      if (!e.s.clocks_while_stopped) {
        for (const TxByte& x : transport_) {
          if (x.byte == 0xFC && x.cycle > at && x.cycle < next) {
            const size_t by_stop = ClocksBefore(x.cycle);
            if (by_stop < owed_total + mine) mine = by_stop > owed_total ? by_stop - owed_total : 0;
            break;
          }
        }
      }
      e.clocks = mine;
      owed_total += mine;
      reach = e.reach;
      featured = e.sh.S < 0 || e.sh.smooth;
    }
    // The end: everything owed went out, but for the last edge's clocks not yet due, and
    // what its negative shift may have sent ahead of a pulse that never came.
    if (!edges_.empty() && edges_.back().judged) {
      const EdgeModel& e = edges_.back();
      size_t not_due = 0;
      if (e.gives) {
        const int64_t origin = static_cast<int64_t>(e.din() + latency_) + e.now +
                               (e.sh.smooth ? static_cast<int64_t>(kSmoothLatest) : 0);
        for (size_t k = 0; k < e.clocks; ++k) {
          not_due += origin + static_cast<int64_t>(k * e.span / e.n + kCheckedFrameCycles * 3) >=
                     static_cast<int64_t>(run_.cycles);
        }
      }
      const size_t sent = clocks_.size();
      if (sent > owed_total + reach) {
        Add("clock-invented", run_.cycles, std::to_string(sent - owed_total) +
                                               " more clocks than the edges owe (" +
                                               std::to_string(owed_total) + ")" +
                                               (reach ? ", " + std::to_string(reach) +
                                                            " of them may be unearned"
                                                      : std::string("")));
      } else if (sent + not_due < owed_total) {
        Add("clock-lost", run_.cycles, std::to_string(owed_total - sent - not_due) +
                                           " clocks owed never went out (" +
                                           std::to_string(sent) + " of " +
                                           std::to_string(owed_total) + ")");
      }
    }
    // No clock while the wire is stopped, when clocks-while-stopped is off.
    for (const EdgeModel& e : edges_) {
      if (e.s.clocks_while_stopped || !e.judged) continue;
      const size_t i = &e - &edges_[0];
      const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].count_from : run_.cycles;
      for (size_t c = ClocksBefore(e.count_from); c < clocks_.size() && clocks_[c] < next; ++c) {
        if (!WireRunning(clocks_[c])) {
          Add("clock-while-stopped", clocks_[c], "F8 at " + At(clocks_[c]) +
                                                     " while stopped, with clocks-while-stopped off");
          break;
        }
      }
    }
  }

  // Whether clock c (a cycle on the wire) follows an engine byte at the line rate.
  bool BehindEngineByte(uint64_t c) const {
    const size_t bi = ByteAtOrAfter(c);
    return bi > 0 && EngineByte(bi - 1) &&
           c <= run_.tx[bi - 1].cycle + kCheckedFrameCycles + kLineRateSlack;
  }

  // Each clock on its division of the interval, unless it follows an engine byte at the
  // line rate; merged bytes never move a clock. With a shift the division is the edge's
  // grid on DIN: edge + L + P, plus a negative shift's phase, then k x span / N.
  void CheckTiming() {
    for (size_t i = 0; i < edges_.size(); ++i) {
      const EdgeModel& e = edges_[i];
      if (!e.gives || !e.judged || e.clocks == 0) continue;
      if (e.sh.smooth) {
        CheckSpacing(i);
        continue;
      }
      const uint64_t at = e.count_from;
      const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].count_from : UINT64_MAX;
      // A negative shift: the edge's first clocks may have gone ahead of it on the grid an
      // edge before predicted (its own, carried on past N; with N small and the shift long,
      // more than a pulse ahead); and when the next edge brought a Start, one armed at this
      // edge kept the next pulse at the pulse (span_alt).
      if (!e.grid) continue;
      size_t first_before = i;  // the earliest edge whose grid may have sent one of these
      if (e.sh.S < 0) {
        for (size_t g = i; g > 0 && !edges_[g].start && edges_[g - 1].clocks > 0 &&
                           e.clocks_from < edges_[g - 1].clocks_from + e.n + edges_[g - 1].reach;
             --g) {
          first_before = g - 1;
        }
      }
      bool known = true;
      for (size_t g = first_before; g < i; ++g) known &= edges_[g].grid;
      if (!known) continue;
      const bool alt = e.sh.S < 0 && i + 1 < edges_.size() && edges_[i + 1].start &&
                       !edges_[i + 1].restart;
      const int64_t origin = static_cast<int64_t>(e.din() + latency_) + e.now;
      for (size_t k = 0; k < e.clocks && e.clocks_from + k < clocks_.size(); ++k) {
        const uint64_t c = clocks_[e.clocks_from + k];
        if (c >= next) break;  // owed: goes with the next edge's burst
        // Its place on each earlier grid that reached it, as a clock sent ahead.
        std::vector<int64_t> expected;
        if (c < at + kHorizon + kMs) {
          for (size_t g = first_before; g < i; ++g) {
            const EdgeModel& b = edges_[g];
            const size_t index = e.clocks_from + k - b.clocks_from;  // on b's walk
            if (index < b.n || index >= b.n + b.reach) continue;
            expected.push_back(static_cast<int64_t>(b.din() + latency_) + b.now +
                               static_cast<int64_t>(index * b.span / b.n));
          }
        }
        if (k == 0) {
          // CheckFirstBytes judges a first byte at the pulse. A negative shift's clock 0
          // that did not go ahead went in the burst the main loop booked on the edge:
          // nothing fixes when (clock-lost bounds it).
          if (e.at_pulse() || expected.empty() || c >= at) continue;
        }
        expected.push_back(origin + static_cast<int64_t>(k * e.span / e.n));
        if (alt) expected.push_back(origin + static_cast<int64_t>(k * e.span_alt / e.n));
        const size_t bi = ByteAtOrAfter(c);
        uint64_t best = UINT64_MAX;
        bool within = false;
        for (const int64_t x : expected) {
          uint64_t want = x > 0 ? static_cast<uint64_t>(x) : 0;
          uint64_t tolerance = kTimingBar;
          if (bi > 0 && e.clocks_from + k > 0) {
            const TxByte& prev = run_.tx[bi - 1];
            if (prev.cycle + kCheckedFrameCycles + kTimingBar > want &&
                prev.cycle >= clocks_[e.clocks_from + k - 1] && EngineByte(bi - 1)) {
              want = std::max(want, prev.cycle + kCheckedFrameCycles);
              tolerance = kLineRateSlack;
            }
          }
          const uint64_t diff = c > want ? c - want : want - c;
          within |= diff <= tolerance;
          best = std::min(best, diff);
        }
        if (!within) {
          Add("clock-timing", c, "clock " + std::to_string(k + 1) + " of the edge at " +
                                     At(e.at) + " off its division by " + Us(best));
          break;  // the rest of the edge's clocks follow this one
        }
      }
    }
  }

  // Under the jitter filter the clocks are spaced by a filtered tempo the checker does not
  // model (README "Jitter filter": alpha-beta tracker): the check of each clock against
  // the measured interval is replaced by one of the spacing. The clocks of one edge that
  // go on its grid (not at the line rate behind an engine byte) divide one span exactly:
  // their gaps differ by at most a tick, and the 1 us bar.
  void CheckSpacing(size_t i) {
    const EdgeModel& e = edges_[i];
    const uint64_t at = e.count_from;
    const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].count_from : UINT64_MAX;
    uint64_t lo = UINT64_MAX, hi = 0, hi_at = 0;
    // (A start's clock 0 goes when the main loop books it, off the grid the rest keep. With
    // a negative shift too, the first clocks may have gone on the grid before, ahead.)
    size_t from = e.start ? 2 : 1;
    if (e.sh.S < 0 && !e.start && i > 0) from += edges_[i - 1].reach;
    for (size_t k = from; k < e.clocks && e.clocks_from + k < clocks_.size(); ++k) {
      const uint64_t a = clocks_[e.clocks_from + k - 1], c = clocks_[e.clocks_from + k];
      if (a < at || c >= next) continue;
      if (BehindEngineByte(a) || BehindEngineByte(c)) continue;
      const uint64_t gap = c - a;
      lo = std::min(lo, gap);
      if (gap > hi) {
        hi = gap;
        hi_at = c;
      }
    }
    if (hi != 0 && hi > lo + 1 + 2 * kTimingBar) {
      Add("clock-timing", hi_at, "the clocks of the edge at " + At(e.at) + " are not evenly " +
                                     "spaced: gaps from " + Us(lo) + " to " + Us(hi));
    }
  }

  // What an edge sends first (owed clocks, a Start, its downbeat) goes at the edge plus L
  // (and a shift's P) when the line is free, else the moment it frees; then back to back at
  // the line rate.
  void CheckFirstBytes() {
    for (size_t i = 0; i < edges_.size(); ++i) {
      const EdgeModel& e = edges_[i];
      // (An edge that earns no clock sends nothing of its own: what follows it is not its.)
      if (!e.judged || !e.earns) continue;
      if (!e.at_pulse()) {
        // A negative shift books an edge's bytes on the predicted grid, the filter in its
        // window: no constant L. The filter's window replaces it (CheckWindow); a negative
        // shift's burst, and the filter's start, go when the main loop sees the edge
        // (clock-lost bounds it). Both still owe their owed clocks back to back.
        if (e.sh.smooth && !e.start) CheckWindow(i);
        CheckOwedBurst(i);
        continue;
      }
      const uint64_t at = e.din();
      const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].din() : run_.cycles;
      size_t b = ByteAtOrAfter(at);
      if (b >= run_.tx.size() || run_.tx[b].cycle >= next) continue;
      // The edge's own clock, if it has one, ends the burst.
      const size_t own = e.gives && e.clocks > 0 && e.clocks_from < clocks_.size()
                             ? e.clocks_from
                             : SIZE_MAX;
      if (own == SIZE_MAX && !IsEngineRealTime(run_.tx[b].byte)) continue;
      if (run_.tx[b].cycle > at + 40 * kMs) continue;
      // A reset, gate or press that comes with the edge sends its own byte first.
      if (EventBetween(e.at - kMs, e.at + kMs)) continue;
      uint64_t free_at = b > 0 ? run_.tx[b - 1].cycle + kCheckedFrameCycles : 0;
      // At a hand-over the internal clock's last clock may be booked just after the edge.
      while (b < run_.tx.size() && run_.tx[b].byte == 0xF8 && InternalClockAt(run_.tx[b].cycle)) {
        free_at = run_.tx[b].cycle + kCheckedFrameCycles;
        ++b;
      }
      if (b >= run_.tx.size()) continue;
      if (!EngineByte(b)) {
        // A merged byte started after the edge: allowed outside the edge's window, once.
        if (i > 0 && InWindow(edges_[i - 1], e.at) && b > 0) {
          CheckEdgeWait(e, i, b, run_.tx[b].cycle);
        }
        free_at = run_.tx[b].cycle + kCheckedFrameCycles;
        ++b;
        if (b >= run_.tx.size()) continue;
      }
      const TxByte& first = run_.tx[b];
      if (free_at <= at + latency_) {
        const uint64_t want = at + latency_;
        const uint64_t diff = first.cycle > want ? first.cycle - want : want - first.cycle;
        if (diff > kLatencySpread) {
          char buf[160];
          const std::string shift =
              e.sh.P != 0 ? ", the shift " + Us(static_cast<uint64_t>(e.sh.P)) : std::string();
          std::snprintf(buf, sizeof(buf), "the edge at %s sent its first byte (%02X) %s after "
                        "it; L is %s%s", At(e.at).c_str(), first.byte,
                        Us(first.cycle - e.at).c_str(), Us(latency_).c_str(), shift.c_str());
          Add("latency", first.cycle, buf);
        }
      } else if (first.cycle > free_at + kLineRateSlack) {
        Add("edge-wait", first.cycle, "the edge at " + At(e.at) + " found the line busy and "
                                      "sent " + Us(first.cycle - free_at) +
                                      " after it freed");
      }
      if (own == SIZE_MAX) continue;
      // Back to back up to the edge's own clock.
      for (size_t k = b + 1; k < run_.tx.size() && run_.tx[k - 1].cycle < clocks_[own]; ++k) {
        if (!EngineByte(k)) {
          Add("clock-timing", run_.tx[k].cycle,
              "a merged byte inside the burst of the edge at " + At(e.at));
          break;
        }
        const uint64_t gap = run_.tx[k].cycle - run_.tx[k - 1].cycle;
        if (gap > kCheckedFrameCycles + kLineRateSlack) {
          Add("clock-timing", run_.tx[k].cycle, "the burst of the edge at " + At(e.at) +
                                                    " is not back to back (" + Us(gap) + ")");
          break;
        }
      }
    }
  }

  // The jitter filter (README "Jitter filter"): each pulse's clock 0 goes 0.5 to 4 ms after
  // the pulse plus L and the shift (with a negative one, its phase), behind the owed clocks
  // that go first at the line rate. This window replaces the constant L; a clock 0 that a
  // negative shift sent ahead of the pulse is the reach's to judge (CheckClocks).
  void CheckWindow(size_t i) {
    const EdgeModel& e = edges_[i];
    if (!e.gives || e.clocks == 0 || e.clocks_from >= clocks_.size()) return;
    const uint64_t c = clocks_[e.clocks_from];
    if (c < e.count_from) return;
    // With a negative shift too, a clock 0 the grid before sent ahead (on its own filtered
    // grid) may leave just after the pulse: unless the pulse was early, the window is for
    // the clocks that were not sent ahead, which the checker cannot tell apart.
    if (e.sh.S < 0 && i > 0 && edges_[i - 1].reach > 0 && e.count_from == e.din()) return;
    const int64_t base = static_cast<int64_t>(e.din() + latency_) + e.now;
    const int64_t lo = base + static_cast<int64_t>(kSmoothEarliest);
    const int64_t hi = base + static_cast<int64_t>(kSmoothLatest);
    // Behind the owed clocks, a transport byte (a Stop from a press) and a merged byte that
    // was on the line when the edge came. A negative shift past 3.5 ms puts the window
    // before the pulse: a clock 0 not sent ahead goes when the main loop books the edge.
    const int64_t seen = static_cast<int64_t>(e.din() + latency_ + kPoll);
    const int64_t late = std::max(hi, seen) + static_cast<int64_t>(
                                                  (e.owed + 2) * kCheckedFrameCycles + kLineRateSlack);
    const int64_t got = static_cast<int64_t>(c);
    if (got + static_cast<int64_t>(kTimingBar) < lo || got > late) {
      const int64_t after = got - static_cast<int64_t>(e.din() + latency_) - e.now;
      char buf[160];
      std::snprintf(buf, sizeof(buf), "the edge at %s sent its clock 0 %.3f ms after it plus L "
                    "and the shift; the filter's window is 0.5 to 4 ms%s", At(e.at).c_str(),
                    after / 16000.0, e.owed ? " and the owed clocks before it" : "");
      Add("smooth-window", c, buf);
    }
  }

  // The clocks an edge that came early owes go back to back (DESIGN.md item 4), the first
  // when the line lets it: each one that surely left after the edge was seen (past the
  // booking horizon) follows the byte before it at the line rate.
  void CheckOwedBurst(size_t i) {
    const EdgeModel& e = edges_[i];
    if (e.owed == 0 || !e.gives || e.clocks == 0 || e.clocks_from >= clocks_.size()) return;
    const uint64_t seen = e.din() + kHorizon + kMs;
    for (size_t c = e.clocks_from + 1 - e.owed; c <= e.clocks_from; ++c) {
      if (clocks_[c - 1] <= seen) continue;
      if (!BehindEngineByte(clocks_[c])) {
        Add("clock-timing", clocks_[c], "the owed clocks of the edge at " + At(e.at) +
                                           " are not back to back");
        return;
      }
    }
  }

  // The edge's first clock found a merged byte on the line.
  void CheckEdgeWait(const EdgeModel& e, size_t i, size_t busy, uint64_t first) {
    const uint64_t free_at = run_.tx[busy].cycle + kCheckedFrameCycles;
    if (first > std::max(free_at, e.din() + latency_) + kLineRateSlack) {
      Add("edge-wait", first, "the edge at " + At(e.at) + " waited " +
                                  Us(first - std::max(free_at, e.din() + latency_)) +
                                  " past the end of a merged byte");
    }
    if (i > 0 && InWindow(edges_[i - 1], e.at)) {
      Add("merged-in-edge-window", run_.tx[busy].cycle,
          "a merged byte held the expected edge at " + At(e.at));
    }
  }

  // Whether t lies where the next edge after `p` is expected: one interval on, give or
  // take interval/16, at most 2 ms.
  static bool InWindow(const EdgeModel& p, uint64_t t) {
    const uint64_t expected = p.at + p.divided;
    const uint64_t guard = std::min<uint64_t>(p.divided / 16, 2 * kMs);
    return t + guard >= expected && t <= expected + guard;
  }

  void CheckMergedWindows() {
    // Merged bytes keep clear of each expected edge's window while the clock is present;
    // at 48/96 PPQN of each that earns a clock (the others send nothing).
    for (size_t i = 0; i < edges_.size(); ++i) {
      const EdgeModel& p = edges_[i];
      if (!p.judged) continue;
      if (i + 1 < edges_.size() && edges_[i + 1].k > 1 && !edges_[i + 1].earns) continue;
      const uint64_t expected = p.at + p.divided;
      if (expected > p.deadline) continue;
      const uint64_t guard = std::min<uint64_t>(p.divided / 16, 2 * kMs);
      // On DIN the window lies where the expected edge's first byte would: its shift's P
      // later, and a negative shift's phase earlier.
      const int64_t off = p.sh.P + p.next;
      const uint64_t from = static_cast<uint64_t>(
          std::max<int64_t>(static_cast<int64_t>(expected - guard + latency_) + off, 0));
      // Once the edge has come, its window is spent (its own bytes are booked then).
      uint64_t to = static_cast<uint64_t>(
          std::max<int64_t>(static_cast<int64_t>(expected + guard + latency_) + off, 0));
      if (i + 1 < edges_.size()) to = std::min(to, edges_[i + 1].at + latency_);
      if (to <= from) continue;
      // After a Stop with no cause the firmware takes the clock for gone: what it then
      // owes that edge is moot, the Stop is the violation.
      bool after_spurious = false;
      for (uint64_t t : spurious_stops_) after_spurious |= t > p.at && t < to;
      if (after_spurious) continue;
      for (size_t b = ByteAtOrAfter(from > kCheckedFrameCycles ? from - kCheckedFrameCycles : 0);
           b < run_.tx.size() && run_.tx[b].cycle < to; ++b) {
        if (EngineByte(b)) continue;
        if (run_.tx[b].cycle + kCheckedFrameCycles <= from) continue;
        Add("merged-in-edge-window", run_.tx[b].cycle,
            "a merged byte on the line where the edge after " + At(p.at) + " was expected");
        break;
      }
    }
  }

  // ---- Transport ----
  void CheckStops() {
    std::vector<bool> explained(transport_.size(), false);
    // Timeouts: while running, a silence past the timeout ends in a Stop at that moment;
    // with a shift, on DIN at the timeout plus P (README: a positive shift sends it at the
    // timeout + s, a negative one cannot send it early, a following DIN sends it later).
    for (size_t i = 0; i < edges_.size(); ++i) {
      const EdgeModel& e = edges_[i];
      const uint64_t next = i + 1 < edges_.size() ? edges_[i + 1].at : run_.cycles;
      const uint64_t next_din = i + 1 < edges_.size() ? edges_[i + 1].din() : run_.cycles;
      for (size_t t = 0; t < transport_.size(); ++t) {
        const TxByte& x = transport_[t];
        if (x.byte == 0xFC && x.cycle >= e.stop_at &&
            x.cycle <= e.stop_at + kCheckedFrameCycles * 2 && x.cycle < next_din + latency_) {
          explained[t] = true;
        }
      }
      if (next <= e.gone + kLineRateSlack || !e.judged) continue;
      if (!WireRunning(e.stop_at)) continue;
      if (e.s.on_stop == OnStop::kHold) continue;  // the held clock goes on, no Stop
      bool stopped = false;
      for (const TxByte& x : transport_) {
        if (x.byte != 0xFC || x.cycle < e.stop_at) continue;
        if (x.cycle > e.stop_at + kLineRateSlack) break;
        stopped = true;
      }
      if (!stopped) {
        uint64_t when = 0;
        for (const TxByte& x : transport_) {
          if (x.byte == 0xFC && x.cycle > e.at && when == 0) when = x.cycle;
        }
        Add("stop-timeout", e.stop_at,
            "no Stop at the timeout " + At(e.stop_at) + " of the edge at " + At(e.at) +
                (when ? "; it came at " + At(when) : std::string("")));
      }
    }
    // Every other Stop has a cause: a press, a reset (trigger mode) or a falling gate.
    std::vector<uint64_t> causes;
    for (const Press& p : presses_) causes.push_back(p.down);
    for (uint64_t r : reset_rises_) causes.push_back(r);
    // A gate's rise is a reset edge in trigger mode, its fall the Stop in gate mode.
    for (const auto& g : gate_changes_) causes.push_back(g.first);
    bool running = false;
    for (size_t t = 0; t < transport_.size(); ++t) {
      const TxByte& x = transport_[t];
      if (x.byte != 0xFC) {
        running = true;
        continue;
      }
      const bool was_running = running;
      running = false;
      if (!was_running) {
        Add("stop-cause", x.cycle, "a Stop at " + At(x.cycle) + " while already stopped");
        continue;
      }
      if (explained[t]) continue;
      bool caused = false;
      for (uint64_t c : causes) {
        // (Following the host, DIN sends a Stop from the button up to 40 ms later.)
        caused |= x.cycle >= c &&
                  x.cycle <= c + kPoll + 3 * kCheckedFrameCycles + 20 * kMs + max_delay_;
      }
      if (!caused && !AnyUnjudgedNear(x.cycle)) {
        Add("stop-cause", x.cycle, "a Stop at " + At(x.cycle) +
                                       " with no timeout, press, reset or gate to cause it");
        spurious_stops_.push_back(x.cycle);
      }
    }
    CheckMergedWindows();
  }

  bool AnyUnjudgedNear(uint64_t t) const {
    for (const EdgeModel& e : edges_) {
      if (!e.judged && e.at <= t && t <= e.stop_at + kMs) return true;
    }
    return false;
  }

  void CheckStarts() {
    bool running = false;
    for (size_t t = 0; t < transport_.size(); ++t) {
      const TxByte& x = transport_[t];
      if (x.byte == 0xFC) {
        running = false;
        continue;
      }
      if (running) {
        Add("start-while-running", x.cycle, std::string(x.byte == 0xFA ? "Start" : "Continue") +
                                                " at " + At(x.cycle) + " while running");
      }
      running = true;
      // The downbeat follows at the line rate.
      const size_t i = ByteAtOrAfter(x.cycle);
      size_t k = i + 1;
      if (k >= run_.tx.size() || run_.tx[k].byte != 0xF8 ||
          run_.tx[k].cycle > x.cycle + kCheckedFrameCycles + kLineRateSlack) {
        if (k < run_.tx.size() || x.cycle + 2 * kCheckedFrameCycles < run_.cycles) {
          Add("start-downbeat", x.cycle, "the byte after the Start at " + At(x.cycle) +
                                             " is not its downbeat at the line rate");
        }
      }
      // A Start goes with an edge: as its first byte or behind the clocks it owed (on DIN
      // its shift's P after it).
      bool with_edge = false;
      for (const EdgeModel& e : edges_) {
        if (e.at > x.cycle) break;
        with_edge |= x.cycle <= e.din() + latency_ + 26 * kCheckedFrameCycles;
      }
      with_edge |= std::find(internal_starts_.begin(), internal_starts_.end(), x.cycle) !=
                   internal_starts_.end();
      if (!with_edge) {
        Add("start-cause", x.cycle, "a Start or Continue at " + At(x.cycle) + " with no edge");
      }
    }
    // Auto-start: the first edge after power-up or a timeout starts the wire, in trigger
    // mode with auto-start on, when nothing else armed or disarmed it.
    for (size_t i = 0; i < edges_.size(); ++i) {
      const EdgeModel& e = edges_[i];
      if (!e.restart || !e.judged || !e.s.auto_start || e.handover ||
          e.s.reset_mode != ResetMode::kTrigger) {
        continue;
      }
      const uint64_t from = i == 0 ? 0 : edges_[i - 1].at;
      if (EventBetween(from, e.at + 20 * kMs)) continue;
      if (WireRunning(e.din())) continue;
      const uint64_t by = e.din() + latency_ + 26 * kCheckedFrameCycles;
      bool started = false;
      for (const TxByte& x : transport_) {
        // A long press may have armed a Continue instead.
        started |= (x.byte == 0xFA || x.byte == 0xFB) && x.cycle >= e.din() && x.cycle <= by;
      }
      if (!started && by < run_.cycles) {
        Add("start-missing", e.at, "no Start at the restart edge at " + At(e.at));
      }
    }
  }

  // A press, reset or gate change in [from, to): transport is then the user's.
  bool EventBetween(uint64_t from, uint64_t to) const {
    for (const Press& p : presses_) {
      if (p.down + kPoll >= from && p.down < to + kDebounce) return true;
      if (p.up + kPoll >= from && p.up < to + kDebounce) return true;
    }
    for (uint64_t r : reset_rises_) {
      if (r + kPoll >= from && r < to) return true;
    }
    for (const auto& g : gate_changes_) {
      if (g.first + kPoll >= from && g.first < to) return true;
    }
    return false;
  }

  void CheckSongPosition() {
    // A long press while stopped (one that did not itself stop the wire) sends Song
    // Position: the clocks since the Start (or the resumed position), rounded up to the
    // next input beat, or sixteenth if finer, in MIDI beats, modulo 14 bits.
    for (const Press& p : presses_) {
      if (!p.is_long) continue;
      const uint64_t fires = p.down + kLongPress;
      if (WireRunning(p.down) || WireRunning(fires)) continue;
      // Another press, reset or gate just before this one makes the transport a race.
      if (EventBetween(p.down - 50 * kMs, p.down - kDebounce - kPoll - 1) ||
          ChangeNear(fires, 2 * kMs)) {
        continue;
      }
      bool din_spp = false;
      for (uint64_t t : din_song_position_at_) din_spp |= t + 2000 * kMs > p.down;
      if (din_spp) continue;
      // Transport in the press's own window is ambiguous (a Stop by this very press).
      bool ambiguous = false;
      for (const TxByte& x : transport_) {
        // (The Continue of the internal clock this press starts is its answer, not a race.)
        const bool internal = std::find(internal_starts_.begin(), internal_starts_.end(),
                                        x.cycle) != internal_starts_.end();
        ambiguous |= !internal && x.cycle + kPoll >= p.down - kDebounce && x.cycle <= fires + kPoll;
      }
      if (ambiguous) continue;
      // The position the wire is at: clocks while running since the last Start/Continue.
      // A Continue resumes from the Song Position the wire carried before it.
      uint32_t position = 0, resume = 0;
      bool running = false;
      for (size_t k = 0; k < run_.tx.size(); ++k) {
        const TxByte& b = run_.tx[k];
        if (b.cycle > p.down) break;
        if (b.byte == 0xF2 && ModuleSppAt(k)) resume = SppValue(k);
        if (b.byte == 0xFA) {
          running = true;
          position = 0;
        } else if (b.byte == 0xFB) {
          running = true;
          position = resume * 6;
        } else if (b.byte == 0xFC) {
          running = false;
        } else if (b.byte == 0xF8 && running) {
          ++position;
        }
      }
      const Settings s = EngineSettingsAt(p.down);
      const uint32_t n = s.ppqn > 24 ? 1 : 24 / s.ppqn;
      const uint32_t grid = n > 6 ? n : 6;
      const uint32_t rounded = (position + grid - 1) / grid * grid;
      const uint32_t want = (rounded / 6) % 16384;
      // The module's F2 after the long press fired.
      bool found = false;
      for (size_t k = 0; k + 2 < run_.tx.size() && !found; ++k) {
        if (run_.tx[k].byte != 0xF2 || run_.tx[k].cycle < fires) continue;
        if (run_.tx[k].cycle > fires + 500 * kMs) break;
        Bytes data;
        for (size_t j = k + 1; j < run_.tx.size() && data.size() < 2; ++j) {
          if (!IsRealTime(run_.tx[j].byte)) data.push_back(run_.tx[j].byte);
        }
        found = true;
        const uint32_t got = data.size() == 2 && data[0] < 0x80 && data[1] < 0x80
                                 ? data[0] | (static_cast<uint32_t>(data[1]) << 7)
                                 : 0xFFFFFFFF;
        if (got != want) {
          char buf[128];
          std::snprintf(buf, sizeof(buf), "Song Position %s after the long press at %s; the "
                        "contract owes %u (position %u clocks)",
                        got == 0xFFFFFFFF ? "malformed" : std::to_string(got).c_str(),
                        At(p.down).c_str(), want, position);
          Add("song-position", run_.tx[k].cycle, buf);
        }
      }
      if (!found && fires + 500 * kMs < run_.cycles) {
        Add("song-position", fires, "no Song Position after the long press at " + At(p.down));
      }
    }
  }

  Settings EngineSettingsAt(uint64_t t) const {
    Settings s = StoredAt(0);
    for (const EdgeModel& e : edges_) {
      if (e.at > t) break;
      s = e.s;
    }
    return s;
  }

  // ---- Merge, replies and requests ----
  void CheckMerge() {
    size_t host = 0, din = 0, request = 0;
    std::vector<const Request*> din_requests;
    for (const Request& q : requests_) {
      if (q.source == 0) din_requests.push_back(&q);
    }
    for (const Message& m : out_messages_) {
      const uint8_t s = m.bytes[0];
      if (IsEngineRealTime(s)) continue;
      if (s == 0xF2 && m.bytes.size() == 3 && ModuleSpp(m.at)) continue;
      if (IsConfigSysEx(m.bytes) || (m.bytes.size() >= 5 && m.bytes[0] == 0xF0 &&
                                     m.bytes[1] == 0x7D && m.bytes[2] == 0x63)) {
        CheckReply(m, din_requests, &request);
        continue;
      }
      if (host < host_out_.size() &&
          (host_out_[host].bytes == m.bytes ||
           (host_out_[host].cut && SysExPrefix(host_out_[host], m.bytes)))) {
        ++host;
        if (s < 0xF0) last_host_status_ = s;
        continue;
      }
      if (s < 0xF0 && !m.by_running) last_host_status_ = 0;
      // DIN in, in order, less whole messages; a SysEx may be closed early with F7. Messages
      // that came while thru was surely off are dropped, so they match only if nothing else
      // does.
      size_t match = din_in_.size(), off_match = din_in_.size();
      for (size_t j = din; j < din_in_.size(); ++j) {
        const Message& in = din_in_[j];
        // (A SysEx closed early ends before its input does; it cannot begin before it.)
        if (in.at > m.at && !(in.bytes[0] == 0xF0 && m.bytes[0] == 0xF0)) break;
        if (in.first_at > m.at) break;
        if (in.bytes != m.bytes && !SysExPrefix(in, m.bytes)) continue;
        if (ThruSurelyOff(in)) {
          if (off_match == din_in_.size()) off_match = j;
          continue;
        }
        match = j;
        break;
      }
      if (match == din_in_.size() && off_match < din_in_.size()) {
        Add("thru-while-off", m.at, "DIN in's " + Hex(m.bytes) + " came through with thru off");
        match = off_match;
      }
      if (match < din_in_.size()) {
        din = match + 1;
        continue;
      }
      // Data of DIN in's under the running status of a message from the host: the merger
      // did not send DIN's status again after the switch.
      if (m.by_running && last_host_status_ == m.bytes[0]) {
        Add("running-status", m.at, Hex(m.bytes) + " read under the host's running status");
        continue;
      }
      // A message of the host's that is not next in its order, or nobody's.
      bool later_host = false;
      for (size_t k = host; k < host_out_.size(); ++k) later_host |= host_out_[k].bytes == m.bytes;
      Add("thru-invented", m.at, Hex(m.bytes) + (later_host ? " out of the host's order"
                                                            : " on DIN out, sent by nobody"));
    }
    // The host's messages are never dropped while it is connected.
    if (host < host_out_.size() && !run_.usb.enumerated_at.empty()) {
      size_t owed = 0;
      for (size_t k = host; k < host_out_.size(); ++k) {
        owed += host_out_[k].at > run_.usb.enumerated_at.front() &&
                host_out_[k].at + 200 * kMs < run_.cycles;
      }
      if (owed > 0) {
        Add("usb-out-dropped", host_out_[host].at,
            std::to_string(owed) + " of the host's messages never reached DIN out, first " +
                Hex(host_out_[host].bytes));
      }
    }
  }

  bool ModuleSppAt(size_t i) const {
    return std::find(module_spp_bytes_.begin(), module_spp_bytes_.end(), i) !=
           module_spp_bytes_.end();
  }
  // The 14-bit value of the Song Position at byte i, from its next two data bytes.
  uint32_t SppValue(size_t i) const {
    uint32_t v = 0;
    int d = 0;
    for (size_t j = i + 1; j < run_.tx.size() && d < 2; ++j) {
      if (IsRealTime(run_.tx[j].byte)) continue;
      v |= static_cast<uint32_t>(run_.tx[j].byte & 0x7F) << (7 * d++);
    }
    return v;
  }
  bool ModuleSpp(uint64_t at) const {
    for (size_t i : module_spp_bytes_) {
      if (run_.tx[i].byte == 0xF2 && run_.tx[i].cycle <= at && at < run_.tx[i].cycle + 4 * kCheckedFrameCycles + 64 * kCheckedFrameCycles) {
        return true;
      }
    }
    return false;
  }

  static bool SysExPrefix(const Message& in, const Bytes& out) {
    if (in.bytes[0] != 0xF0 || out.size() < 2 || out[0] != 0xF0 || out.back() != 0xF7) {
      return false;
    }
    const size_t body = out.size() - 1;
    const size_t have = in.cut ? in.bytes.size() : in.bytes.size() - 1;
    return body <= have && std::equal(out.begin(), out.end() - 1, in.bytes.begin());
  }

  // Thru is taken with the other settings, while no clock is present.
  bool ThruAt(uint64_t t) const {
    const EdgeModel* last = nullptr;
    for (const EdgeModel& e : edges_) {
      if (e.at > t) break;
      last = &e;
    }
    if (last == nullptr || t > last->gone) return StoredAt(t).thru;
    return last->s.thru;
  }
  // Thru off when the message began and when it ended, with no change near either: which
  // of the two the firmware goes by is its choice.
  bool ThruSurelyOff(const Message& in) const {
    return !ThruAt(in.first_at) && !ThruAt(in.at) && !ChangeNear(in.at, 50 * kMs) &&
           !ChangeNear(in.first_at, 50 * kMs) && !ThruUncertain(in.at);
  }
  bool ThruUncertain(uint64_t t) const {
    for (const EdgeModel& e : edges_) {
      if (!e.judged && e.at <= t + 50 * kMs) return true;
    }
    return false;
  }

  void CheckReply(const Message& m, const std::vector<const Request*>& requests,
                  size_t* next) {
    if (m.bytes.size() >= 5 && m.bytes[4] < 0x40) {
      Add("request-leak", m.at, "the request " + Hex(m.bytes) + " passed to DIN out");
      return;
    }
    const uint8_t code = m.bytes.size() >= 5 ? m.bytes[4] : 0;
    const size_t whole =
        code == 0x41 ? 23 : code == 0x44 ? 16 : code == 0x45 ? 47 : code == 0x7F ? 8 : 0;
    if (m.bytes.size() != whole) {
      Add("reply-truncated", m.at, "a settings reply of " + std::to_string(m.bytes.size()) +
                                       " bytes: " + Hex(m.bytes));
      return;
    }
    // Replies come in the order of their requests; a dropped one is skipped.
    size_t k = *next;
    for (; k < requests.size(); ++k) {
      if (requests[k]->at > m.at) {
        k = requests.size();
        break;
      }
      if (requests[k]->reply_code != code) continue;
      if (code != 0x41 || requests[k]->reply == m.bytes || unmodelled_) break;
    }
    if (k >= requests.size()) {
      std::string owed;
      for (size_t j = *next; j < requests.size() && requests[j]->at <= m.at; ++j) {
        if (requests[j]->reply_code == 0x41) {
          owed = Hex(requests[j]->reply);
          break;
        }
      }
      Add("reply-value", m.at, "the reply " + Hex(m.bytes) + " answers no request" +
                                   (owed.empty() ? std::string("") : "; owed " + owed));
      return;
    }
    *next = k + 1;
  }

  // ---- USB ----
  void CheckUsb() {
    if (!sc_.usb_host) return;
    const UsbHostReport& u = run_.usb;
    // Nothing of the settings protocol's requests reaches the host.
    Bytes sysex;
    for (const UsbPacketIn& p : u.packets) {
      const uint8_t cin = p.b[0] & 0x0F;
      const int n = cin == 0x4 || cin == 0x7 ? 3 : cin == 0x6 ? 2 : cin == 0x5 ? 1 : 0;
      for (int i = 0; i < n; ++i) {
        const uint8_t b = p.b[1 + i];
        if (b == 0xF0) sysex.clear();
        sysex.push_back(b);
        if (b == 0xF7) {
          if (IsConfigSysEx(sysex) && sysex[4] < 0x40) {
            Add("request-leak", p.cycle, "the request " + Hex(sysex) + " reached the host");
          }
          sysex.clear();
        }
      }
    }
    // The host's clock and transport: DIN's, in order, nothing invented; all of it while
    // the host reads. With the two shifts apart the host's copy of a byte comes their
    // difference after DIN's (README "Two outputs"): when the host's is the earlier, it
    // gets each byte as it falls due, up to the booking horizon before that.
    std::vector<const TxByte*> din;
    for (const TxByte& b : run_.tx) {
      if (IsEngineRealTime(b.byte)) din.push_back(&b);
    }
    // A burst's bytes fall due together: DIN sends them back to back, the earlier host gets
    // them at once. Each DIN byte's due is the start of the back-to-back run it ends.
    std::vector<uint64_t> due(din.size());
    for (size_t j = 0; j < din.size(); ++j) {
      due[j] = j > 0 && din[j]->cycle <= din[j - 1]->cycle + kCheckedFrameCycles + kLineRateSlack
                   ? due[j - 1]
                   : din[j]->cycle;
    }
    size_t d = 0;
    for (const UsbPacketIn& p : u.packets) {
      if ((p.b[0] & 0x0F) != 0x0F || !IsEngineRealTime(p.b[1])) continue;
      while (d < din.size() && (din[d]->byte != p.b[1])) ++d;
      const uint64_t sent = d < din.size() ? (max_host_ahead_ ? due[d] : din[d]->cycle) : 0;
      if (d >= din.size() || sent > p.cycle + max_host_ahead_ +
                                        (max_host_ahead_ ? kHorizon + kLineRateSlack : 0)) {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "the host read %02X that DIN had not sent in that order",
                      p.b[1]);
        Add("usb-order", p.cycle, buf);
        return;
      }
      ++d;
    }
    // Which byte a packet carries is not known (clocks are alike), so count: while the host
    // reads, it gets at least as many of each byte as DIN sent (older queued ones may come
    // on top).
    for (const auto& r : ReadingWindows()) {
      // (DIN's bytes whose host copies fall inside the window.)
      const uint64_t from = r.first + max_host_ahead_ + (max_host_ahead_ ? kHorizon : 0);
      const uint64_t to = r.second > max_host_behind_ ? r.second - max_host_behind_ : 0;
      if (to < from + 3 * kMs) continue;
      for (uint8_t kind : {0xF8, 0xFA, 0xFB, 0xFC}) {
        size_t sent = 0, read = 0;
        for (const TxByte* b : din) sent += b->byte == kind && b->cycle >= from &&
                                            b->cycle + 3 * kMs < to;
        for (const UsbPacketIn& p : u.packets) {
          read += (p.b[0] & 0x0F) == 0x0F && p.b[1] == kind && p.cycle >= r.first &&
                  p.cycle <= r.second;
        }
        if (read < sent) {
          char buf[128];
          std::snprintf(buf, sizeof(buf), "the reading host got %zu of %zu %02X bytes sent from "
                        "%s to %s", read, sent, kind, At(r.first).c_str(), At(r.second).c_str());
          Add("usb-lost", r.first, buf);
          return;
        }
      }
    }
  }

  // Enumerated, not paused, not suspended; 10 ms after any of those began, for the queue
  // kept meanwhile to drain.
  std::vector<std::pair<uint64_t, uint64_t>> ReadingWindows() const {
    struct Mark {
      uint64_t at;
      int what;
    };
    std::vector<Mark> marks;
    for (uint64_t t : run_.usb.enumerated_at) marks.push_back({t, 0});
    for (const Action& a : sc_.actions) {
      const int w = a.kind == ActionKind::kUsbReset ? 1 : a.kind == ActionKind::kUsbPause ? 2
                  : a.kind == ActionKind::kUsbRead ? 3 : a.kind == ActionKind::kUsbSuspend ? 4
                  : a.kind == ActionKind::kUsbWake ? 5 : -1;
      if (w >= 0) marks.push_back({a.at, w});
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const Mark& a, const Mark& b) { return a.at < b.at; });
    bool enumerated = false, paused = false, suspended = false, on = false;
    uint64_t from = 0;
    std::vector<std::pair<uint64_t, uint64_t>> windows;
    for (const Mark& m : marks) {
      if (m.what == 0) enumerated = true;
      if (m.what == 1) enumerated = false;
      if (m.what == 2 || m.what == 3) paused = m.what == 2;
      if (m.what == 4 || m.what == 5) suspended = m.what == 4;
      const bool now = enumerated && !paused && !suspended;
      if (now && !on) from = m.at + 10 * kMs;
      if (!now && on && m.at > from) windows.push_back({from, m.at});
      on = now;
    }
    if (on) windows.push_back({from, run_.cycles});
    return windows;
  }

  const RunResult& run_;
  const Scenario& sc_;
  std::vector<Violation> out_;
  std::vector<Message> din_in_, host_out_, out_messages_;
  std::vector<uint64_t> din_song_position_at_;
  std::vector<Request> requests_;
  std::vector<Press> presses_;
  std::vector<uint64_t> reset_rises_;
  std::vector<std::pair<uint64_t, bool>> gate_changes_;
  std::vector<uint64_t> clocks_;
  std::vector<TxByte> transport_;
  std::vector<size_t> module_spp_bytes_;
  std::vector<uint64_t> spurious_stops_;
  std::vector<EdgeModel> edges_;
  std::vector<uint64_t> internal_starts_;  // Starts and Continues of the internal clock
  std::vector<uint64_t> internal_cycles_;  // its clocks, sorted
  uint64_t latency_ = 0;
  uint64_t max_delay_ = 0;  // the longest P of any settings in the run
  // The most the host's copies come before and after DIN's (a negative and a positive H).
  uint64_t max_host_ahead_ = 0, max_host_behind_ = 0;
  uint8_t last_host_status_ = 0;  // the running status on DIN out, when the host's
  bool unmodelled_ = false;
};

}  // namespace

std::vector<Violation> CheckRun(const RunResult& run) { return Checker(run).Run(); }

}  // namespace sim
}  // namespace cv2midi
