// Random legal scenarios; see fuzz_gen.h. Events carry absolute times (`at`), so removing
// any line while shrinking leaves a legal scenario: DIN-in streams never overlap, whatever
// is removed, because each was placed clear of every other.
#include "sim/fuzz_gen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace cv2midi {
namespace sim {
namespace {

constexpr double kMidiInFrameUs = 352;  // simavr's receive frame, the DIN-in byte pace

std::string Fmt(const char* fmt, double a, double b = 0, double c = 0, double d = 0) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), fmt, a, b, c, d);
  return buf;
}

// Picks values with RapidCheck's generators from one split random stream.
class Picker {
 public:
  Picker(const rc::Random& random, int size) : random_(random), size_(size) {}
  template <typename T>
  T Get(const rc::Gen<T>& gen) {
    return gen(random_.split(), size_).value();
  }
  int Int(int lo, int hi) { return Get(rc::gen::inRange(lo, hi + 1)); }
  bool Chance(int percent) { return Int(0, 99) < percent; }
  // A tempo spread evenly over the decades 1-3000 BPM, two decimals.
  double Bpm() {
    const int milli = Int(0, 3477);  // log10(3000) = 3.477
    const double bpm = std::pow(10.0, milli / 1000.0);
    return std::min(3000.0, std::max(1.0, std::round(bpm * 100) / 100));
  }
  unsigned Weighted(const std::vector<unsigned>& weights) {
    unsigned total = 0;
    for (unsigned w : weights) total += w;
    if (total == 0) return static_cast<unsigned>(weights.size());
    unsigned x = static_cast<unsigned>(Int(0, static_cast<int>(total) - 1));
    for (unsigned i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return 0;
  }

 private:
  rc::Random random_;
  int size_;
};

struct Busy {
  double from, to;  // seconds
};

// Moves [t, t + length) past every busy stretch it would overlap; returns the new start.
double PlaceClear(std::vector<Busy>* busy, double t, double length, double gap) {
  bool moved = true;
  while (moved) {
    moved = false;
    for (const Busy& b : *busy) {
      if (t < b.to + gap && b.from < t + length + gap) {
        t = b.to + gap;
        moved = true;
      }
    }
  }
  busy->push_back(Busy{t, t + length});
  return t;
}

std::string AtUs(double seconds) { return Fmt(" at %.0fus", std::round(seconds * 1e6)); }

std::string HexLine(const std::vector<int>& bytes) {
  std::string s;
  char buf[8];
  for (int b : bytes) {
    std::snprintf(buf, sizeof(buf), " %02X", b & 0xFF);
    s += buf;
  }
  return s;
}

// A shift in 10 us steps where it matters: small positive ones (10 us to 1 ms, which the
// capture interrupt arms itself), -1 ms to -10 us, +-8 ms, +-20 ms (each exactly or
// anywhere within), or (invalid) just outside the range.
int ShiftSteps(Picker* p, bool valid) {
  if (!valid) return p->Chance(50) ? p->Int(2001, 8191) : p->Int(-8192, -2001);
  const int kind = p->Int(0, 99);
  const int sign = p->Chance(50) ? 1 : -1;
  if (kind < 30) return p->Int(1, 100);
  if (kind < 40) return -p->Int(1, 100);
  if (kind < 55) return sign * 800;
  if (kind < 70) return p->Int(-800, 800);
  if (kind < 82) return sign * 2000;
  return p->Int(-2000, 2000);
}

std::string ShiftMs(int steps) { return Fmt(" %+.2fms", steps / 100.0); }

// `ppqn`: the scenario's. A request never lowers the PPQN below it: the same pulses read
// at a lower PPQN are a faster tempo, past the 3000 BPM of legal input (fresh seed 8100027:
// restored defaults read a 2449 BPM 24 PPQN ramp as 58,000 BPM at 1 PPQN). Such draws
// are changed after the draw, so other seeds play what they played.
std::vector<int> SettingsRequest(Picker* p, int ppqn) {
  std::vector<int> m = {0xF0, 0x7D, 0x63, 0x32};
  switch (p->Int(0, 9)) {
    case 0: case 1: m.push_back(0x01); break;  // get all
    case 2: m.push_back(ppqn == 1 ? 0x03 : 0x01); break;  // defaults (PPQN 1)
    case 3: m.push_back(0x04); break;          // identity
    case 4: m.push_back(p->Int(0x05, 0x10)); break;  // unknown
    default: {
      m.push_back(0x02);
      const int param = p->Int(1, 8);
      m.push_back(param);
      const bool valid = p->Chance(85);
      switch (param) {
        case 1: {
          static const int kPpqn[] = {1, 2, 3, 4, 6, 8, 12, 24, 48, 96};
          if (valid) {
            m.push_back(std::max(ppqn, kPpqn[p->Int(0, 9)]));
          } else {
            const int bad = p->Int(25, 100);  // refused: past 24, skipping 48 and 96
            m.push_back(bad == 48 || bad == 96 ? bad + 1 : bad);
          }
          break;
        }
        case 2: m.push_back(valid ? p->Int(0, 1) : 5); break;
        case 3: m.push_back(valid ? p->Int(2, 8) : p->Int(9, 30)); break;
        case 7: {
          const int us = valid ? p->Int(250, 4000) : p->Int(4001, 9000);
          m.push_back(us & 0x7F);
          m.push_back((us >> 7) & 0x7F);
          break;
        }
        // Param 8 (the tempo, two bytes) keeps the one-byte form it had before the
        // setting existed: a NAK. So every seed plays the scenario it played then; the
        // shipped internal-*.txt scenarios set the tempo.
        default: m.push_back(valid ? p->Int(0, 1) : 2); break;
      }
    }
  }
  m.push_back(0xF7);
  return m;
}

// A set request the generator placed: its line, its port and time, its length in bytes.
struct SetRequest {
  size_t line;
  bool usb;
  double at;
  size_t bytes;
};

// Issue 14's clock shifts and jitter filter, drawn after everything else, so that the rest
// of a seed's scenario is what it was before they existed: each power-up line with its
// weight in percent of scenarios (shifts on DIN, USB, both alike or apart), and some of the
// set requests made into requests for params 10-12 (valid or just out of range). A request
// grows by a byte at most: its DIN-in line stays clear of the next, placed 1 ms after it.
void AddShiftAndSmooth(Picker* p, const FuzzWeights& w, size_t power_up_end,
                       const std::vector<SetRequest>& requests, ScenarioLines* lines) {
  const unsigned rewrite = std::min(100u, 2 * (w.shift + w.smooth));
  for (const SetRequest& r : requests) {
    if (rewrite == 0 || !p->Chance(static_cast<int>(rewrite))) continue;
    const bool valid = p->Chance(85);
    const int param = w.smooth == 0 ? p->Int(10, 11) : w.shift == 0 ? 12 : p->Int(10, 12);
    std::vector<int> m = {0xF0, 0x7D, 0x63, 0x32, 0x02, param};
    if (param == 12) {
      m.push_back(valid ? p->Int(0, 3) : p->Int(4, 127));
    } else {
      const int steps = ShiftSteps(p, valid) & 0x3FFF;  // 14-bit two's complement
      m.push_back(steps & 0x7F);
      m.push_back((steps >> 7) & 0x7F);
    }
    m.push_back(0xF7);
    if (m.size() > r.bytes + 1) continue;
    (*lines)[r.line] = (r.usb ? "usb-out" : "midi") + HexLine(m) + AtUs(r.at);
  }
  ScenarioLines power_up;
  if (w.shift > 0 && p->Chance(static_cast<int>(std::min(100u, w.shift)))) {
    const int kind = p->Int(0, 99);
    const int din = ShiftSteps(p, true);
    const int usb = kind < 80 ? din : ShiftSteps(p, true);
    if (kind < 40 || kind >= 65) power_up.push_back("setting din-shift" + ShiftMs(din));
    if (kind >= 40) power_up.push_back("setting usb-shift" + ShiftMs(usb));
  }
  if (w.smooth > 0 && p->Chance(static_cast<int>(std::min(100u, w.smooth)))) {
    power_up.push_back(Fmt("setting smooth %.0f", p->Int(1, 3)));
  }
  lines->insert(lines->begin() + static_cast<long>(power_up_end), power_up.begin(), power_up.end());
}

ScenarioLines Build(Picker* p, const FuzzWeights& w) {
  ScenarioLines lines;
  std::vector<SetRequest> requests;
  // The module's settings at power-up, and the pulses' PPQN.
  int ppqn = 1;
  if (w.ppqn > 0 && p->Chance(50)) {
    static const int kPpqn[] = {1, 2, 3, 4, 6, 8, 12, 24, 48, 96};
    ppqn = kPpqn[p->Int(0, 9)];
    lines.push_back(Fmt("ppqn %.0f", ppqn));
  }
  double glitch_ms = 1.0;
  if (w.settings > 0) {
    if (p->Chance(20)) lines.push_back(Fmt("setting timeout %.0f", p->Int(2, 8)));
    if (p->Chance(20)) lines.push_back(std::string("setting clocks-while-stopped ") +
                                       (p->Chance(50) ? "off" : "on"));
    if (p->Chance(10)) lines.push_back("setting auto-start off");
    if (p->Chance(10)) lines.push_back("setting thru off");
    if (p->Chance(15)) {
      glitch_ms = p->Int(250, 4000) / 1000.0;
      lines.push_back(Fmt("setting glitch %.3fms", glitch_ms));
    }
    if (w.gate > 0 && p->Chance(15)) {
      lines.push_back("setting reset-mode gate");
    }
  }
  const size_t power_up_end = lines.size();  // where the shift's and filter's lines go
  if (w.usb > 0 && p->Chance(5)) lines.push_back("usb none");
  // The glitch window the capture applies: capped at half the fastest legal interval.
  const double window_ms = std::min(glitch_ms, 20.0 / ppqn / 2);

  // The clock: lines until the span is filled.
  const double span = p->Int(2, std::max<int>(3, static_cast<int>(w.max_seconds)));
  double t = 0;
  const std::vector<unsigned> clock_weights = {w.tempo, w.ramp, w.silence, w.swing, w.jitter,
                                               w.glitches, w.missing, w.doubles};
  int guard = 0;
  while (t < span && guard++ < 40) {
    const unsigned kind = p->Weighted(clock_weights);
    if (kind >= clock_weights.size()) break;
    const double left = span - t;
    switch (kind) {
      case 0: case 1: {
        // 96 PPQN is supported to 2000 BPM (README "Input PPQN"): faster is not legal input.
        // Capped after the draw, so every other seed plays what it played before.
        const double cap = ppqn == 96 ? 2000.0 : 3000.0;
        const double a = std::min(cap, p->Bpm());
        const double b = kind == 1 ? std::min(cap, p->Bpm()) : a;
        const double mean_beat = 30.0 / a + 30.0 / b;
        const int most = std::max(1, static_cast<int>(left / mean_beat));
        const int beats = p->Int(1, std::min(most, 400));
        if (kind == 0) {
          lines.push_back(Fmt("tempo %.2f for %.0f beats", a, beats));
        } else {
          lines.push_back(Fmt("ramp %.2f to %.2f over %.0f beats", a, b, beats));
        }
        t += beats * mean_beat;
        break;
      }
      case 2: {
        const double s = p->Int(10, static_cast<int>(std::min(left, 20.0) * 1000) + 10) / 1000.0;
        lines.push_back(Fmt("silence %.0fus", s * 1e6));
        t += s;
        break;
      }
      case 3:
        lines.push_back(Fmt("swing %.0f%%", p->Int(50, 75)));
        break;
      case 4:
        if (p->Chance(25)) {
          lines.push_back("jitter 0us");
        } else {
          lines.push_back(Fmt("jitter %.0fus seed %.0f", p->Int(1, 2000), p->Int(0, 99999)));
        }
        break;
      case 5:
        // Well inside the window, or off: an edge right at its border is the capture's
        // noise filter's call, not the contract's.
        if (p->Chance(30)) {
          lines.push_back("glitches off");
        } else {
          lines.push_back(Fmt("glitches %.0fus", p->Int(30, std::max(31, static_cast<int>(
                                                                   window_ms * 700)))));
        }
        break;
      case 6:
        lines.push_back(p->Chance(30) ? std::string("missing off")
                                      : Fmt("missing every %.0f", p->Int(2, 12)));
        break;
      case 7:
        lines.push_back(p->Chance(30) ? std::string("double off")
                                      : Fmt("double every %.0f after %.0fus", p->Int(2, 12),
                                            p->Int(static_cast<int>(window_ms * 1500) + 100,
                                                   static_cast<int>(window_ms * 1500) + 4000)));
        break;
    }
  }
  if (p->Chance(70)) lines.push_back(Fmt("silence %.0fus", p->Int(100, 3000) * 1000.0));
  const double length = t + 1;

  // Events, each at an absolute time.
  const std::vector<unsigned> event_weights = {w.button,       w.reset, w.gate,
                                               w.midi,         w.midi_notes, w.midi_sysex,
                                               w.midi_garbage, w.usb,   w.usb_out,
                                               w.settings};
  std::vector<Busy> din, buttons;
  const int events = p->Int(0, 4 + static_cast<int>(length / 4));
  for (int e = 0; e < events; ++e) {
    const unsigned kind = p->Weighted(event_weights);
    if (kind >= event_weights.size()) break;
    double at = p->Int(0, static_cast<int>(length * 1000)) / 1000.0 + p->Int(0, 999) / 1e6;
    switch (kind) {
      case 0: {  // button
        std::string hold;
        double held;
        switch (p->Int(0, 5)) {
          case 0: held = 0.003; hold = " hold 3ms"; break;  // a bounce
          case 1: held = 1.5; hold = " long"; break;
          case 2: held = p->Int(1200, 3000) / 1000.0; hold = Fmt(" hold %.0fms", held * 1000); break;
          case 3: held = 0.1; break;
          default: held = p->Int(20, 600) / 1000.0; hold = Fmt(" hold %.0fms", held * 1000); break;
        }
        at = PlaceClear(&buttons, at, held, 0.05);
        lines.push_back("button" + hold + AtUs(at));
        break;
      }
      case 1:
        lines.push_back("reset" + AtUs(at));
        break;
      case 2:
        lines.push_back(std::string("gate ") + (p->Chance(50) ? "on" : "off") + AtUs(at));
        break;
      case 3: {  // a few channel messages
        std::vector<int> m;
        const int count = p->Int(1, 6);
        for (int i = 0; i < count; ++i) {
          const int status = 0x80 + 0x10 * p->Int(0, 6) + p->Int(0, 14);
          m.push_back(status);
          m.push_back(p->Int(0, 127));
          if ((status & 0xE0) != 0xC0) m.push_back(p->Int(0, 127));
        }
        at = PlaceClear(&din, at, m.size() * kMidiInFrameUs / 1e6, 0.001);
        lines.push_back("midi" + HexLine(m) + AtUs(at));
        break;
      }
      case 4: {
        const int load = p->Int(5, 100);
        const double d = p->Int(20, 4000) / 1000.0;
        at = PlaceClear(&din, at, d, 0.001);
        lines.push_back(Fmt("midi-notes %.0f%% for %.0fms", load, d * 1000) +
                        (p->Chance(40) ? " running" : "") + AtUs(at));
        break;
      }
      case 5: {
        const int n = p->Int(3, p->Chance(20) ? 1500 : 100);
        at = PlaceClear(&din, at, n * kMidiInFrameUs / 1e6, 0.001);
        lines.push_back(Fmt("midi-sysex %.0f", n) + AtUs(at));
        break;
      }
      case 6: {
        const int n = p->Int(1, 3000);
        at = PlaceClear(&din, at, n * kMidiInFrameUs / 1e6, 0.001);
        lines.push_back(Fmt("midi-garbage %.0f seed %.0f", n, p->Int(0, 99999)) + AtUs(at));
        break;
      }
      case 7: {
        static const char* kUsb[] = {"pause", "read", "reset", "suspend", "wake"};
        lines.push_back(std::string("usb ") + kUsb[p->Int(0, 4)] + AtUs(at));
        break;
      }
      case 8: {  // the host plays on channel 16, now and then a SysEx
        std::vector<int> m;
        const int count = p->Int(1, 8);
        for (int i = 0; i < count; ++i) {
          if (p->Chance(10)) {
            m.insert(m.end(), {0xF0, 0x7E, p->Int(0, 127), p->Int(0, 127), 0xF7});
          } else {
            m.insert(m.end(), {p->Chance(50) ? 0x9F : 0x8F, p->Int(0, 127), p->Int(0, 127)});
          }
        }
        lines.push_back("usb-out" + HexLine(m) + AtUs(at));
        break;
      }
      case 9: {  // a settings request, over DIN or from the host
        const std::vector<int> m = SettingsRequest(p, ppqn);
        const bool usb = p->Chance(30);
        if (!usb) at = PlaceClear(&din, at, m.size() * kMidiInFrameUs / 1e6, 0.001);
        if (m[4] == 0x02) requests.push_back(SetRequest{lines.size(), usb, at, m.size()});
        lines.push_back((usb ? "usb-out" : "midi") + HexLine(m) + AtUs(at));
        break;
      }
    }
  }
  AddShiftAndSmooth(p, w, power_up_end, requests, &lines);
  return lines;
}

// One line made smaller: fewer beats, bytes or seconds.
rc::Seq<std::string> ShrinkLine(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string word; in >> word;) w.push_back(word);
  std::vector<std::string> smaller;
  auto halve = [&](size_t i, int floor_value) {
    const int v = std::atoi(w[i].c_str());
    if (v / 2 < floor_value) return;
    std::vector<std::string> c = w;
    c[i] = std::to_string(v / 2);
    std::string s;
    for (const std::string& x : c) s += (s.empty() ? "" : " ") + x;
    smaller.push_back(s);
  };
  if (w.size() >= 5 && w[0] == "tempo") halve(3, 1);
  if (w.size() >= 7 && w[0] == "ramp") halve(5, 1);
  if (w.size() >= 4 && w[0] == "midi-garbage") halve(1, 1);
  if (w.size() >= 2 && w[0] == "midi-sysex") halve(1, 3);
  return rc::seq::fromContainer(smaller);
}

rc::Seq<ScenarioLines> Shrinks(const ScenarioLines& lines) {
  return rc::seq::concat(rc::shrink::removeChunks(lines),
                         rc::shrink::eachElement(lines, &ShrinkLine));
}

}  // namespace

bool ParseWeights(const std::string& text, FuzzWeights* w, std::string* error) {
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      *error = "expected NAME=WEIGHT, got '" + item + "'";
      return false;
    }
    const std::string name = item.substr(0, eq);
    const unsigned v = static_cast<unsigned>(std::strtoul(item.c_str() + eq + 1, nullptr, 10));
    struct Named {
      const char* name;
      unsigned* field;
    };
    const Named fields[] = {
        {"tempo", &w->tempo},         {"ramp", &w->ramp},
        {"silence", &w->silence},     {"swing", &w->swing},
        {"jitter", &w->jitter},       {"glitches", &w->glitches},
        {"missing", &w->missing},     {"double", &w->doubles},
        {"ppqn", &w->ppqn},           {"button", &w->button},
        {"reset", &w->reset},         {"gate", &w->gate},
        {"midi", &w->midi},           {"midi-notes", &w->midi_notes},
        {"midi-sysex", &w->midi_sysex}, {"midi-garbage", &w->midi_garbage},
        {"usb", &w->usb},             {"usb-out", &w->usb_out},
        {"settings", &w->settings},   {"max-seconds", &w->max_seconds},
        {"shift", &w->shift},         {"smooth", &w->smooth},
    };
    bool found = false;
    for (const Named& f : fields) {
      if (name == f.name) {
        *f.field = v;
        found = true;
      }
    }
    if (!found) {
      *error = "unknown weight '" + name + "'";
      return false;
    }
  }
  return true;
}

rc::Gen<ScenarioLines> GenScenario(const FuzzWeights& weights) {
  return [weights](const rc::Random& random, int size) {
    Picker p(random, size);
    return rc::shrinkable::shrinkRecur(Build(&p, weights), &Shrinks);
  };
}

rc::Shrinkable<ScenarioLines> Generate(uint64_t seed, const FuzzWeights& weights) {
  return GenScenario(weights)(rc::Random(seed), 100);
}

std::string ScenarioText(const ScenarioLines& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

}  // namespace sim
}  // namespace cv2midi
