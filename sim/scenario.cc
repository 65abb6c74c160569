// The scenario parser and pulse generator.
#include "sim/scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "core/shift_text.h"

namespace cv2midi {
namespace sim {
namespace {

constexpr double kCyclesPerSecondF = 16e6;
constexpr uint64_t kGlitchGap = 20 * 16;  // a glitch is 20 us long
// simavr's USART receives one byte per 11-bit frame, 352 us, and overflows its input FIFO
// when fed faster: MIDI in is paced at that rate, "100 %" of what it can take.
constexpr uint64_t kMidiInFrame = 11 * 512;

// Long enough for any soak (277 hours), short enough that no cycle count overflows.
constexpr double kLongestSeconds = 1e6;

struct ParseError {
  std::string what;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double Number(const std::string& word, const char* what) {
  char* end = nullptr;
  const double v = std::strtod(word.c_str(), &end);
  if (word.empty() || end == word.c_str() || *end != '\0' || !std::isfinite(v)) {
    throw ParseError{std::string("expected ") + what + ", got '" + word + "'"};
  }
  return v;
}

// "5ms", "0.3ms", "50us", "2s" -> cycles.
uint64_t Duration(const std::string& word) {
  size_t unit = word.find_first_not_of("0123456789.");
  if (unit == std::string::npos || unit == 0) {
    throw ParseError{"expected a duration such as 5ms, 50us or 2s, got '" + word + "'"};
  }
  const double v = Number(word.substr(0, unit), "a duration");
  const std::string u = word.substr(unit);
  double seconds;
  if (u == "s") {
    seconds = v;
  } else if (u == "ms") {
    seconds = v / 1e3;
  } else if (u == "us") {
    seconds = v / 1e6;
  } else {
    throw ParseError{"unknown time unit '" + u + "' (use s, ms or us)"};
  }
  if (v < 0 || seconds > kLongestSeconds) {
    throw ParseError{"duration out of range: '" + word + "' (0 to 1000000 s)"};
  }
  return static_cast<uint64_t>(std::llround(seconds * kCyclesPerSecondF));
}

// The words from `first` on, each a hex byte such as 90 or F8.
std::vector<uint8_t> HexBytes(const std::vector<std::string>& w, size_t first) {
  std::vector<uint8_t> bytes;
  for (size_t i = first; i < w.size(); ++i) {
    char* end = nullptr;
    const long v = std::strtol(w[i].c_str(), &end, 16);
    if (w[i].size() > 2 || *end != '\0' || v < 0 || v > 255) {
      throw ParseError{"expected a hex byte such as 90 or F8, got '" + w[i] + "'"};
    }
    bytes.push_back(static_cast<uint8_t>(v));
  }
  return bytes;
}

// A seed for the scenario's own random numbers: a whole number that fits 32 bits.
uint32_t Seed(const std::string& word) {
  const double v = Number(word, "a seed");
  if (v < 0 || v > 4294967295.0 || v != std::floor(v)) {
    throw ParseError{"a seed is a whole number from 0 to 4294967295, got '" + word + "'"};
  }
  return static_cast<uint32_t>(v);
}

bool OnOff(const std::string& word) {
  if (word == "on") return true;
  if (word == "off") return false;
  throw ParseError{"expected on or off, got '" + word + "'"};
}

class Parser {
 public:
  explicit Parser(Scenario* s) : s_(s), rng_(1) {}

  void Line(std::vector<std::string> w, int line) {
    line_ = line;
    // "... at T" may end any event line.
    uint64_t at = cursor_;
    if (w.size() >= 3 && w[w.size() - 2] == "at") {
      if (!IsEvent(w[0])) {
        throw ParseError{"'at' is for events (button, reset, gate, midi..., usb...); '" + w[0] +
                         "' follows the cursor, so move it with silence instead"};
      }
      // "at boot": from power-up, before the firmware runs (e.g. a button held).
      at = w.back() == "boot" ? 1 : kScenarioStart + Duration(w.back());
      w.resize(w.size() - 2);
    }
    const std::string& cmd = w[0];
    if (cmd == "ppqn") {
      Want(w, 2, "ppqn N");
      const double p = Number(w[1], "a PPQN");
      if (p != static_cast<int>(p) || p < 1 || p > 96 || !ValidPpqn(static_cast<uint8_t>(p))) {
        throw ParseError{"ppqn must be 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96"};
      }
      s_->settings.ppqn = static_cast<uint8_t>(p);
      s_->settings_given = true;
      input_ppqn_ = static_cast<int>(p);
      s_->pulse_ppqn = static_cast<uint8_t>(p);
    } else if (cmd == "input-ppqn") {
      // The pulses only: the firmware keeps its own setting (changed by SysEx or setup).
      Want(w, 2, "input-ppqn N");
      const double p = Number(w[1], "a PPQN");
      if (p != static_cast<int>(p) || p < 1 || p > 96 || !ValidPpqn(static_cast<uint8_t>(p))) {
        throw ParseError{"ppqn must be 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96"};
      }
      input_ppqn_ = static_cast<int>(p);
      s_->pulse_ppqn = static_cast<uint8_t>(p);
    } else if (cmd == "eeprom") {
      if (w.size() < 2) throw ParseError{"usage: eeprom HEX-BYTES..."};
      s_->eeprom_raw.clear();
      for (size_t i = 1; i < w.size(); ++i) {
        char* end = nullptr;
        const long v = std::strtol(w[i].c_str(), &end, 16);
        if (w[i].size() > 2 || *end != '\0' || v < 0 || v > 255) {
          throw ParseError{"expected a hex byte such as 63 or FF, got '" + w[i] + "'"};
        }
        s_->eeprom_raw.push_back(static_cast<uint8_t>(v));
      }
    } else if (cmd == "width") {
      Want(w, 2, "width DURATION");
      width_ = Duration(w[1]);
      if (width_ < 16) throw ParseError{"a pulse must be at least 1us wide"};
    } else if (cmd == "setting") {
      Setting(w);
    } else if (cmd == "tempo") {
      // tempo BPM for N beats
      Want(w, 5, "tempo BPM for N beats");
      Keyword(w[2], "for");
      Keyword(w[4], "beats");
      const double bpm = Bpm(w[1]);
      Play(bpm, bpm, Beats(w[3]));
    } else if (cmd == "ramp") {
      // ramp FROM to TO over N beats
      Want(w, 7, "ramp FROM to TO over N beats");
      Keyword(w[2], "to");
      Keyword(w[4], "over");
      Keyword(w[6], "beats");
      Play(Bpm(w[1]), Bpm(w[3]), Beats(w[5]));
    } else if (cmd == "swing") {
      Want(w, 2, "swing PERCENT");
      std::string p = w[1];
      if (!p.empty() && p.back() == '%') p.pop_back();
      swing_ = Number(p, "a swing percentage") / 100.0;
      if (swing_ < 0.5 || swing_ > 0.75) throw ParseError{"swing must be 50% to 75%"};
    } else if (cmd == "jitter") {
      // jitter 50us [seed N]
      if (w.size() != 2 && w.size() != 4) throw ParseError{"usage: jitter DURATION [seed N]"};
      jitter_ = Duration(w[1]);
      if (w.size() == 4) {
        Keyword(w[2], "seed");
        rng_.seed(Seed(w[3]));
      }
    } else if (cmd == "glitches") {
      // glitches 0.3ms | glitches off
      Want(w, 2, "glitches DURATION|off");
      glitch_after_ = w[1] == "off" ? 0 : Duration(w[1]);
    } else if (cmd == "missing" || cmd == "double") {
      // missing every N | double every N [after DURATION] | ... off
      if (w.size() == 2 && w[1] == "off") {
        (cmd == "missing" ? missing_every_ : double_every_) = 0;
      } else {
        if (w.size() != 3 && w.size() != 5) {
          throw ParseError{"usage: " + cmd + " every N" + (cmd == "double" ? " [after DURATION]" : "")};
        }
        Keyword(w[1], "every");
        const double n = Number(w[2], "a count");
        if (n < 2 || n != std::floor(n)) throw ParseError{"every N needs a whole N of 2 or more"};
        (cmd == "missing" ? missing_every_ : double_every_) = static_cast<int>(n);
        if (w.size() == 5) {
          if (cmd != "double") throw ParseError{"usage: missing every N"};
          Keyword(w[3], "after");
          double_after_ = Duration(w[4]);
        }
      }
    } else if (cmd == "silence") {
      Want(w, 2, "silence DURATION");
      cursor_ += Duration(w[1]);
    } else if (cmd == "button") {
      // button [long | hold DURATION] [at T]
      uint64_t hold = 100 * 16000;
      if (w.size() == 2 && w[1] == "long") {
        hold = 1500 * 16000;
      } else if (w.size() == 3 && w[1] == "hold") {
        hold = Duration(w[2]);
      } else if (w.size() != 1) {
        throw ParseError{"usage: button [long | hold DURATION] [at T]"};
      }
      Add(Action{at, ActionKind::kButton, hold, {}});
    } else if (cmd == "reset") {
      Want(w, 1, "reset [at T]");
      Add(Action{at, ActionKind::kResetPulse, width_, {}});
    } else if (cmd == "gate") {
      Want(w, 2, "gate on|off [at T]");
      Add(Action{at, OnOff(w[1]) ? ActionKind::kGateOn : ActionKind::kGateOff, 0, {}});
    } else if (cmd == "midi") {
      if (w.size() < 2) throw ParseError{"usage: midi HEX-BYTES... [at T]"};
      Action a{at, ActionKind::kMidiIn, 0, {}};
      a.bytes = HexBytes(w, 1);
      Add(a);
    } else if (cmd == "midi-notes") {
      // midi-notes LOAD% for DURATION [running]: note on/off pairs filling LOAD of the line
      if (w.size() != 4 && w.size() != 5) {
        throw ParseError{"usage: midi-notes LOAD% for DURATION [running] [at T]"};
      }
      std::string p = w[1];
      if (!p.empty() && p.back() == '%') p.pop_back();
      const double load = Number(p, "a line load in percent") / 100.0;
      if (load <= 0 || load > 1) throw ParseError{"line load must be above 0% and at most 100%"};
      Keyword(w[2], "for");
      const uint64_t length = Duration(w[3]);
      const bool running = w.size() == 5;
      if (running) Keyword(w[4], "running");
      Action a{at, ActionKind::kMidiIn, 0, {}};
      a.spacing = static_cast<uint64_t>(kMidiInFrame / load);
      const size_t count = static_cast<size_t>(length / a.spacing);
      uint8_t note = 36;
      bool on = true;
      while (a.bytes.size() + 3 <= count) {
        const uint8_t status = running ? 0x90 : (on ? 0x90 : 0x80);
        if (!running || a.bytes.empty()) a.bytes.push_back(status);
        a.bytes.push_back(note);
        a.bytes.push_back(on ? 100 : 0);  // with running status, velocity 0 is note off
        if (!on) note = static_cast<uint8_t>(36 + (note - 35) % 48);
        on = !on;
      }
      Add(a);
    } else if (cmd == "midi-sysex") {
      // midi-sysex N: F0 7D, N-3 data bytes counting up, F7 at the line rate
      Want(w, 2, "midi-sysex BYTES [at T]");
      const double n = Number(w[1], "a SysEx length");
      if (n < 3 || n > 65536 || n != std::floor(n)) throw ParseError{"SysEx length is 3 to 65536 bytes"};
      Action a{at, ActionKind::kMidiIn, 0, {0xF0, 0x7D}};
      for (int i = 0; i < n - 3; ++i) a.bytes.push_back(static_cast<uint8_t>(i & 0x7F));
      a.bytes.push_back(0xF7);
      Add(a);
    } else if (cmd == "midi-garbage") {
      // midi-garbage N seed S: random bytes at the line rate
      Want(w, 4, "midi-garbage BYTES seed S [at T]");
      Keyword(w[2], "seed");
      std::mt19937 garbage(Seed(w[3]));
      Action a{at, ActionKind::kMidiIn, 0, {}};
      const double n = Number(w[1], "a byte count");
      if (n < 1 || n > 1000000) throw ParseError{"garbage is 1 to 1000000 bytes"};
      for (int i = 0; i < n; ++i) a.bytes.push_back(static_cast<uint8_t>(garbage()));
      Add(a);
    } else if (cmd == "usb") {
      Want(w, 2, "usb none|reset|pause|read|suspend|wake [at T]");
      const std::string& v = w[1];
      if (v == "none") {
        s_->usb_host = false;
      } else if (v == "reset") {
        Add(Action{at, ActionKind::kUsbReset, 0, {}});
      } else if (v == "pause") {
        Add(Action{at, ActionKind::kUsbPause, 0, {}});
      } else if (v == "read") {
        Add(Action{at, ActionKind::kUsbRead, 0, {}});
      } else if (v == "suspend") {
        Add(Action{at, ActionKind::kUsbSuspend, 0, {}});
      } else if (v == "wake") {
        Add(Action{at, ActionKind::kUsbWake, 0, {}});
      } else {
        throw ParseError{"usb takes none, reset, pause, read, suspend or wake"};
      }
    } else if (cmd == "usb-out") {
      if (w.size() < 2) throw ParseError{"usage: usb-out HEX-BYTES... [at T]"};
      Action a{at, ActionKind::kUsbOut, 0, {}};
      a.spacing = 0;
      a.bytes = HexBytes(w, 1);
      Add(a);
    } else if (cmd == "end") {
      Want(w, 3, "end after DURATION");
      Keyword(w[1], "after");
      end_tail_ = Duration(w[2]);
    } else {
      throw ParseError{"unknown command '" + cmd +
                       "' (ppqn, width, setting, tempo, ramp, swing, jitter, glitches, "
                       "missing, double, silence, button, reset, gate, midi, midi-notes, midi-sysex, "
                       "midi-garbage, usb, usb-out, input-ppqn, eeprom, end)"};
    }
  }

  void Finish() {
    uint64_t last = cursor_;
    for (const Action& a : s_->actions) {
      // MIDI in: room for the merge FIFO (128 bytes, 41 ms) to drain before the end. USB
      // out comes all at once: room for the line to carry every byte (a frame each, 352 us
      // as simavr counts it) and the same margin.
      uint64_t drain = 0;
      if (!a.bytes.empty() && a.kind == ActionKind::kMidiIn) drain = 100 * 16000;
      if (!a.bytes.empty() && a.kind == ActionKind::kUsbOut) {
        drain = a.bytes.size() * 352 * 16 + 100 * 16000;
      }
      last = std::max(last, a.at + a.length + a.bytes.size() * a.spacing + drain);
    }
    for (const Pulse& p : s_->pulses) last = std::max(last, p.at + p.width);
    s_->end = last + end_tail_;
    std::stable_sort(s_->pulses.begin(), s_->pulses.end(),
                     [](const Pulse& a, const Pulse& b) { return a.at < b.at; });
    std::stable_sort(s_->actions.begin(), s_->actions.end(),
                     [](const Action& a, const Action& b) { return a.at < b.at; });
  }

 private:
  static bool IsEvent(const std::string& cmd) {
    for (const char* e : {"button", "reset", "gate", "midi", "midi-notes", "midi-sysex",
                          "midi-garbage", "usb", "usb-out"}) {
      if (cmd == e) return true;
    }
    return false;
  }
  static void Want(const std::vector<std::string>& w, size_t n, const char* usage) {
    if (w.size() != n) throw ParseError{std::string("usage: ") + usage};
  }
  static void Keyword(const std::string& got, const char* want) {
    if (got != want) throw ParseError{std::string("expected '") + want + "', got '" + got + "'"};
  }
  static double Bpm(const std::string& w) {
    const double bpm = Number(w, "a tempo in BPM");
    if (bpm < 1 || bpm > 3000) throw ParseError{"tempo must be 1 to 3000 BPM"};
    return bpm;
  }
  static int Beats(const std::string& w) {
    const double n = Number(w, "a number of beats");
    if (n < 1 || n > 1000000 || n != std::floor(n)) {
      throw ParseError{"beats must be a whole number from 1"};
    }
    return static_cast<int>(n);
  }

  void Setting(const std::vector<std::string>& w) {
    Want(w, 3, "setting NAME VALUE");
    Settings& st = s_->settings;
    const std::string& v = w[2];
    if (w[1] == "reset-mode") {
      if (v == "trigger") {
        st.reset_mode = ResetMode::kTrigger;
      } else if (v == "gate") {
        st.reset_mode = ResetMode::kRunGate;
      } else {
        throw ParseError{"reset-mode is trigger or gate"};
      }
    } else if (w[1] == "timeout") {
      const double m = Number(v, "a timeout multiple");
      if (m < 2 || m > 8 || m != std::floor(m)) throw ParseError{"timeout is 2 to 8 intervals"};
      st.timeout_multiple = static_cast<uint8_t>(m);
    } else if (w[1] == "clocks-while-stopped") {
      st.clocks_while_stopped = OnOff(v);
    } else if (w[1] == "auto-start") {
      st.auto_start = OnOff(v);
    } else if (w[1] == "thru") {
      st.thru = OnOff(v);
    } else if (w[1] == "glitch") {
      const uint64_t us = Duration(v) / 16;
      if (us < 250 || us > 4000) throw ParseError{"glitch window is 0.25ms to 4ms"};
      st.glitch_us = static_cast<uint16_t>(us);
    } else if (w[1] == "tempo") {
      const double bpm = Number(v, "a tempo in BPM");
      const double deci = std::round(bpm * 10);
      if (deci < kMinTempoDeciBpm || deci > kMaxTempoDeciBpm || std::fabs(deci - bpm * 10) > 1e-6) {
        throw ParseError{"tempo is 20.0 to 300.0 BPM in steps of 0.1"};
      }
      st.tempo_deci_bpm = static_cast<uint16_t>(deci);
    } else if (w[1] == "on-stop") {
      if (v == "stop") {
        st.on_stop = OnStop::kStop;
      } else if (v == "hold") {
        st.on_stop = OnStop::kHold;
      } else {
        throw ParseError{"on-stop is stop or hold"};
      }
    } else if (w[1] == "din-shift" || w[1] == "usb-shift") {
      int16_t steps = 0;
      const ShiftText t = ParseShift(v.c_str(), &steps);
      if (t != ShiftText::kOk) {
        throw ParseError{w[1] + (t == ShiftText::kNotAStep
                                     ? " goes in steps of 0.01ms (10us), got '"
                                     : " is -20ms to +20ms, e.g. -8ms or 2.5ms, got '") +
                         v + "'"};
      }
      (w[1] == "din-shift" ? st.din_shift_10us : st.usb_shift_10us) = steps;
    } else if (w[1] == "smooth") {
      if (v == "off") {
        st.smooth = 0;
      } else if (v == "1" || v == "2" || v == "3") {
        st.smooth = static_cast<uint8_t>(v[0] - '0');
      } else {
        throw ParseError{"smooth is off, 1, 2 or 3"};
      }
    } else {
      throw ParseError{"unknown setting '" + w[1] +
                       "' (reset-mode, timeout, clocks-while-stopped, auto-start, thru, glitch, "
                       "tempo, on-stop, din-shift, usb-shift, smooth)"};
    }
    s_->settings_given = true;
  }

  void Add(const Action& a) {
    if (a.kind == ActionKind::kMidiIn) {
      // simavr's USART holds one byte: two DIN-in streams at once lose bytes in the simulator.
      const uint64_t end = a.at + a.bytes.size() * a.spacing;
      for (const MidiInLine& m : midi_in_) {
        if (a.at < m.end && m.at < end) {
          throw ParseError{"DIN-in bytes from " + Seconds(a.at) + " to " + Seconds(end) +
                           " overlap those of line " + std::to_string(m.line) + " (" +
                           Seconds(m.at) + " to " + Seconds(m.end) + ")"};
        }
      }
      midi_in_.push_back(MidiInLine{a.at, end, line_});
    }
    s_->actions.push_back(a);
  }
  static std::string Seconds(uint64_t cycle) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.6f s",
                  static_cast<double>(cycle - std::min(cycle, kScenarioStart)) / kCyclesPerSecondF);
    return buf;
  }

  void Play(double from, double to, int beats) {
    const int ppqn = input_ppqn_;
    const int pulses = beats * ppqn;
    const uint64_t start = cursor_;
    double t = static_cast<double>(cursor_);
    for (int i = 0; i < pulses; ++i) {
      const double bpm = pulses > 1 ? from + (to - from) * i / (pulses - 1) : from;
      double interval = kCyclesPerSecondF * 60.0 / bpm / ppqn;
      if (swing_ > 0.5) interval *= 2 * (pulse_count_ % 2 == 0 ? swing_ : 1 - swing_);
      ++pulse_count_;
      const uint64_t nominal = static_cast<uint64_t>(std::llround(t));
      int64_t offset = 0;
      if (jitter_ > 0) {
        std::uniform_int_distribution<int64_t> d(-static_cast<int64_t>(jitter_),
                                                 static_cast<int64_t>(jitter_));
        offset = d(rng_);
      }
      const bool missing = missing_every_ > 0 && pulse_count_ % missing_every_ == 0;
      const size_t first = s_->pulses.size();
      if (!missing) {
        // Jitter never moves an edge before the start, nor into the pulse before it.
        const int64_t earliest =
            static_cast<int64_t>(std::max(kScenarioStart, last_pulse_end_ + 16));
        const uint64_t at = static_cast<uint64_t>(
            std::max(earliest, static_cast<int64_t>(nominal) + offset));
        const uint64_t width = std::min<uint64_t>(width_, static_cast<uint64_t>(interval / 2));
        if (glitch_after_ > 0 && glitch_after_ < width) {
          // A bounce inside the pulse: the jack drops for 20 us and rises again.
          const uint64_t drop = glitch_after_ > kGlitchGap ? glitch_after_ - kGlitchGap : 1;
          s_->pulses.push_back(Pulse{at, drop, PulseKind::kBeat});
          s_->pulses.push_back(Pulse{at + glitch_after_, width - glitch_after_, PulseKind::kGlitch});
        } else {
          s_->pulses.push_back(Pulse{at, width, PulseKind::kBeat});
          if (glitch_after_ > 0) {
            s_->pulses.push_back(Pulse{at + glitch_after_, kGlitchGap, PulseKind::kGlitch});
          }
        }
        if (double_every_ > 0 && pulse_count_ % double_every_ == 0) {
          s_->pulses.push_back(Pulse{at + width + double_after_, width, PulseKind::kDouble});
        }
        for (size_t k = first; k < s_->pulses.size(); ++k) {
          last_pulse_end_ = std::max(last_pulse_end_, s_->pulses[k].at + s_->pulses[k].width);
        }
      }
      t += interval;
    }
    cursor_ = static_cast<uint64_t>(std::llround(t));
    s_->segments.push_back(Segment{start, cursor_, from, to, line_});
  }

  struct MidiInLine {
    uint64_t at;
    uint64_t end;
    int line;
  };

  Scenario* s_;
  std::mt19937 rng_;
  std::vector<MidiInLine> midi_in_;
  uint64_t last_pulse_end_ = 0;
  int line_ = 0;
  uint64_t cursor_ = kScenarioStart;
  uint64_t width_ = 5 * 16000;
  double swing_ = 0.5;
  uint64_t jitter_ = 0;
  uint64_t glitch_after_ = 0;
  int missing_every_ = 0;
  int double_every_ = 0;
  uint64_t double_after_ = 3 * 16000;
  uint64_t end_tail_ = 16000;
  int pulse_count_ = 0;
  int input_ppqn_ = 1;
};

}  // namespace

bool ParseScenario(const std::string& text, const std::string& name, Scenario* out,
                   std::string* error) {
  *out = Scenario();
  out->name = name;
  Parser parser(out);
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  try {
    while (std::getline(in, raw)) {
      ++line;
      const size_t hash = raw.find('#');
      if (hash != std::string::npos) {
        if (out->summary.empty() && line == 1) {
          std::string c = raw.substr(hash + 1);
          c.erase(0, c.find_first_not_of(' '));
          out->summary = c;
        }
        raw.resize(hash);
      }
      std::istringstream words(Lower(raw));
      std::vector<std::string> w;
      for (std::string word; words >> word;) w.push_back(word);
      if (w.empty()) continue;
      parser.Line(w, line);
    }
    parser.Finish();
  } catch (const ParseError& e) {
    *error = std::to_string(line) + ": " + e.what;
    return false;
  }
  if (out->pulses.empty() && out->actions.empty()) {
    *error = std::to_string(line) + ": the scenario plays nothing (add a tempo line)";
    return false;
  }
  return true;
}

bool LoadScenario(const std::string& path, Scenario* out, std::string* error) {
  std::ifstream file(path);
  if (!file) {
    *error = "cannot open scenario " + path;
    return false;
  }
  std::stringstream text;
  text << file.rdbuf();
  std::string name = path;
  const size_t slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  if (!ParseScenario(text.str(), name, out, error)) {
    *error = path + ":" + *error;
    return false;
  }
  return true;
}

}  // namespace sim
}  // namespace cv2midi
