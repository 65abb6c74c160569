// VCD, logic VCD and GTKWave save file; see trace.h.
#include "sim/trace.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace cv2midi {
namespace sim {
namespace {

// VCD identifiers: printable ASCII from '!', as many characters as the index needs.
std::string Identifier(uint32_t index) {
  std::string id;
  do {
    id += static_cast<char>('!' + index % 94);
    index /= 94;
  } while (index != 0);
  return id;
}

std::string Value(const TraceSignal& s, uint32_t value, const std::string& id) {
  if (s.width == 1) return (value ? "1" : "0") + id;
  std::string bits = "b";
  for (int b = s.width - 1; b >= 0; --b) bits += ((value >> b) & 1) ? '1' : '0';
  return bits + " " + id;
}

const TraceGroup kGroups[] = {TraceGroup::kInputs, TraceGroup::kMidi, TraceGroup::kFirmware};

}  // namespace

const char* TraceGroupName(TraceGroup group) {
  switch (group) {
    case TraceGroup::kInputs: return "inputs";
    case TraceGroup::kMidi: return "midi";
    case TraceGroup::kFirmware: return "firmware";
  }
  return "";
}

int Trace::Add(TraceGroup group, const std::string& name, int width, uint32_t initial,
               bool wire) {
  signals_.push_back(TraceSignal{group, name, width, initial, wire && width == 1});
  return static_cast<int>(signals_.size() - 1);
}

void Trace::Change(int signal, uint64_t cycle, uint32_t value) {
  events_.push_back(Event{cycle, static_cast<uint32_t>(signal), value});
}

std::string Trace::GtkwaveName(int signal) const {
  const TraceSignal& s = signals_[signal];
  std::string name = std::string(kVcdTop) + "." + TraceGroupName(s.group) + "." + s.name;
  if (s.width > 1) name += "[" + std::to_string(s.width - 1) + ":0]";
  return name;
}

bool Trace::WriteVcd(const std::string& path, uint64_t end_cycle) const {
  return Write(path, end_cycle, false);
}

bool Trace::WriteLogicVcd(const std::string& path, uint64_t end_cycle) const {
  return Write(path, end_cycle, true);
}

bool Trace::Write(const std::string& path, uint64_t end_cycle, bool wires_only) const {
  std::ofstream f(path);
  if (!f) return false;
  std::vector<std::string> ids(signals_.size());
  uint32_t next_id = 0;
  for (size_t i = 0; i < signals_.size(); ++i) {
    if (!wires_only || signals_[i].wire) ids[i] = Identifier(next_id++);
  }
  f << "$comment cv2midi-sim: the real firmware on a simulated ATmega32U4 at 16 MHz;"
       " one CPU cycle is 62.5 ns = 625 x 100 ps $end\n"
    << "$timescale " << kVcdTimescale << " $end\n";
  if (wires_only) {
    f << "$scope module " << kVcdTop << " $end\n";
    for (size_t i = 0; i < signals_.size(); ++i) {
      if (!ids[i].empty()) f << "$var wire 1 " << ids[i] << " " << signals_[i].name << " $end\n";
    }
    f << "$upscope $end\n";
  } else {
    f << "$scope module " << kVcdTop << " $end\n";
    for (TraceGroup g : kGroups) {
      f << "$scope module " << TraceGroupName(g) << " $end\n";
      for (size_t i = 0; i < signals_.size(); ++i) {
        const TraceSignal& s = signals_[i];
        if (s.group != g) continue;
        f << "$var " << (s.width == 1 ? "wire" : "reg") << " " << s.width << " " << ids[i]
          << " " << s.name;
        if (s.width > 1) f << " [" << s.width - 1 << ":0]";
        f << " $end\n";
      }
      f << "$upscope $end\n";
    }
    f << "$upscope $end\n";
  }
  f << "$enddefinitions $end\n#0\n$dumpvars\n";
  std::vector<uint32_t> level(signals_.size());
  for (size_t i = 0; i < signals_.size(); ++i) {
    level[i] = signals_[i].initial;
    if (!ids[i].empty()) f << Value(signals_[i], level[i], ids[i]) << "\n";
  }
  f << "$end\n";

  std::vector<Event> events = events_;
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.cycle < b.cycle; });
  // Within one cycle only a signal's last value counts: a VCD time holds one value each.
  std::vector<uint32_t> pending(signals_.size());
  std::vector<bool> touched(signals_.size(), false);
  std::vector<uint32_t> order;
  for (size_t e = 0; e < events.size();) {
    const uint64_t cycle = events[e].cycle;
    order.clear();
    for (; e < events.size() && events[e].cycle == cycle; ++e) {
      const uint32_t s = events[e].signal;
      if (ids[s].empty()) continue;
      if (!touched[s]) order.push_back(s);
      touched[s] = true;
      pending[s] = events[e].value;
    }
    bool stamped = false;
    for (uint32_t s : order) {
      touched[s] = false;
      if (pending[s] == level[s]) continue;
      if (!stamped) f << "#" << cycle * kVcdUnitsPerCycle << "\n";
      stamped = true;
      level[s] = pending[s];
      f << Value(signals_[s], level[s], ids[s]) << "\n";
    }
  }
  f << "#" << end_cycle * kVcdUnitsPerCycle << "\n";
  return static_cast<bool>(f);
}

bool Trace::WriteGtkw(const std::string& gtkw_path, const std::string& vcd_path, uint64_t from,
                      uint64_t marker, uint64_t to) const {
  std::ofstream f(gtkw_path);
  if (!f) return false;
  // GTKWave keeps times in the timescale's base unit (ps, so 62500 a cycle). Its zoom is a
  // power of two; with this timescale GTKWave 3.3 shows about 2^-(zoom + 8) ps a pixel
  // (measured on screenshots), so fit from..to into the 1000-pixel wave pane.
  constexpr uint64_t kPsPerCycle = 62500;
  constexpr double kWavePixels = 1000;
  const double ps = static_cast<double>(to > from ? to - from : 1) * kPsPerCycle;
  const double zoom = -std::ceil(std::log2(ps / kWavePixels)) - 8;
  f << "[dumpfile] \"" << vcd_path << "\"\n"
    << "[savefile] \"" << gtkw_path << "\"\n"
    << "[timestart] " << from * kPsPerCycle << "\n"
    << "[size] 1600 760\n[pos] -1 -1\n"
    << "*" << zoom << " " << marker * kPsPerCycle << "\n"
    << "[sst_width] 220\n[signals_width] 300\n[sst_expanded] 1\n[sst_vpaned_height] 200\n";
  for (TraceGroup g : kGroups) {
    // 0x800200 opens a group (begin + blank), 0x1000200 closes it; 0x28 binary, 0x22 hex.
    f << "@800200\n-" << TraceGroupName(g) << "\n";
    for (size_t i = 0; i < signals_.size(); ++i) {
      if (signals_[i].group != g) continue;
      f << (signals_[i].width == 1 ? "@28\n" : "@22\n") << GtkwaveName(static_cast<int>(i))
        << "\n";
    }
    f << "@1000200\n-" << TraceGroupName(g) << "\n";
  }
  return static_cast<bool>(f);
}

}  // namespace sim
}  // namespace cv2midi
