// The traces as the outside tools read them: the VCD (levels from time 0, jacks beside
// pins) and its GTKWave save file, GTKWave itself under Xvfb, sigrok-cli's UART and MIDI
// decoders on the logic VCD, and tshark on the USB capture. Each checker is also shown a
// broken file, so it is known to fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/midi_parser.h"
#include "sim/trace.h"
#include "tests/trace_files.h"

namespace cv2midi {
namespace sim {
namespace {

const char* const kSignals[] = {
    "cv2midi.inputs.clock_jack",      "cv2midi.inputs.clock_pin",
    "cv2midi.inputs.reset_jack",      "cv2midi.inputs.reset_pin",
    "cv2midi.inputs.button",          "cv2midi.midi.midi_in",
    "cv2midi.midi.midi_out",          "cv2midi.midi.midi_out_byte[7:0]",
    "cv2midi.midi.midi_out_strobe",   "cv2midi.firmware.led",
    "cv2midi.firmware.timer1_capt_isr", "cv2midi.firmware.timer3_compa_isr",
    "cv2midi.firmware.int0_isr",      "cv2midi.firmware.usart1_rx_isr",
};

const TracedRun& Default() {
  static const TracedRun run = PlayTraced("default.txt");
  return run;
}

TEST(TraceVcd, EverySignalHasALevelFromTimeZero) {
  const Vcd vcd = ReadVcd(Default().base + ".vcd");
  ASSERT_EQ(vcd.error, "");
  EXPECT_EQ(vcd.timescale, "100 ps");
  for (const char* name : kSignals) EXPECT_NE(vcd.Find(name), nullptr) << name;
  for (const VcdVar& v : vcd.vars) EXPECT_TRUE(v.initial_defined) << v.name;
  EXPECT_EQ(vcd.end, Default().run.cycles * kVcdUnitsPerCycle);
}

// The jack as the musician sees it beside the inverted pin, on the same cycles; and one
// midi_out_byte change (with a strobe toggle) for each byte the firmware sent.
TEST(TraceVcd, JacksArePinsInvertedAndEveryByteIsThere) {
  const Vcd vcd = ReadVcd(Default().base + ".vcd");
  ASSERT_EQ(vcd.error, "");
  const std::pair<const char*, const char*> pairs[] = {
      {"cv2midi.inputs.clock_jack", "cv2midi.inputs.clock_pin"},
      {"cv2midi.inputs.reset_jack", "cv2midi.inputs.reset_pin"}};
  for (const auto& p : pairs) {
    const VcdVar* jack = vcd.Find(p.first);
    const VcdVar* pin = vcd.Find(p.second);
    ASSERT_TRUE(jack && pin);
    EXPECT_EQ(jack->initial, !pin->initial);
    ASSERT_EQ(jack->changes.size(), pin->changes.size()) << p.first;
    for (size_t i = 0; i < jack->changes.size(); ++i) {
      EXPECT_EQ(jack->changes[i].first, pin->changes[i].first);
      EXPECT_EQ(jack->changes[i].second, !pin->changes[i].second);
    }
  }
  const std::vector<TxByte>& tx = Default().run.tx;
  EXPECT_EQ(vcd.Find("cv2midi.inputs.clock_jack")->changes.size(), 2 * Default().run.edges.size());
  EXPECT_EQ(vcd.Find("cv2midi.midi.midi_out_strobe")->changes.size(), tx.size());
  const VcdVar* bytes = vcd.Find("cv2midi.midi.midi_out_byte[7:0]");
  size_t k = 0;
  for (size_t i = 0; i < tx.size(); ++i) {
    // A byte equal to the one before leaves the vector as it is; the strobe marks it.
    if (i > 0 && tx[i].byte == tx[i - 1].byte) continue;
    ASSERT_LT(k, bytes->changes.size());
    EXPECT_EQ(bytes->changes[k].first, tx[i].cycle * kVcdUnitsPerCycle);
    EXPECT_EQ(bytes->changes[k].second, tx[i].byte);
    ++k;
  }
  EXPECT_EQ(k, bytes->changes.size());
}

// What is wrong with a save file against its VCD: a name the VCD lacks, a signal not shown,
// groups out of order, a view that misses the first edge.
std::string GtkwFaults(const std::string& gtkw, const Vcd& vcd, uint64_t first_edge_ps) {
  std::istringstream lines(gtkw);
  std::set<std::string> shown;
  std::vector<std::string> groups;
  uint64_t start = UINT64_MAX;
  std::string faults;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '@' || line[0] == '*') continue;
    if (line.compare(0, 12, "[timestart] ") == 0) start = std::stoull(line.substr(12));
    if (line[0] == '[') continue;
    if (line[0] == '-') {
      if (groups.empty() || groups.back() != line) groups.push_back(line);
      continue;
    }
    if (vcd.Find(line) == nullptr || vcd.Find(line)->name != line) {
      faults += "not in the VCD: " + line + "\n";
    }
    shown.insert(line);
  }
  for (const VcdVar& v : vcd.vars) {
    if (shown.count(v.name) == 0) faults += "not shown: " + v.name + "\n";
  }
  if (groups != std::vector<std::string>{"-inputs", "-midi", "-firmware"}) faults += "groups\n";
  if (start > first_edge_ps || first_edge_ps - start > 1000000000ull) {
    faults += "the view does not open on the first edge\n";
  }
  return faults;
}

TEST(Gtkw, NamesEverySignalOfTheVcdAndOpensOnTheFirstEdge) {
  const Vcd vcd = ReadVcd(Default().base + ".vcd");
  const std::string gtkw = ReadText(Default().base + ".gtkw");
  ASSERT_FALSE(gtkw.empty());
  EXPECT_NE(gtkw.find("[dumpfile] \"" + Default().base + ".vcd\""), std::string::npos);
  const uint64_t edge_ps = Default().run.edges.front().at * 62500;
  EXPECT_EQ(GtkwFaults(gtkw, vcd, edge_ps), "");
  // The checker catches the old save file's names, which matched no scope.
  std::string old = gtkw;
  const std::string pin = "cv2midi.inputs.clock_pin";
  old.replace(old.find(pin), pin.size(), "clock_pin_PD4");
  EXPECT_NE(GtkwFaults(old, vcd, edge_ps).find("not in the VCD: clock_pin_PD4"),
            std::string::npos);
}

// GTKWave itself, headless: it loads the save file and shows every signal it names.
TEST(Gtkw, GtkwaveShowsEverySignalUnderXvfb) {
  ASSERT_TRUE(HaveTool("gtkwave") && HaveTool("xvfb-run"))
      << "gtkwave and xvfb-run are needed (scripts/setup.sh installs them)";
  const std::string script = Default().base + ".check.tcl";
  {
    std::ofstream tcl(script);
    tcl << "foreach s [gtkwave::getDisplayedSignals] { puts \"shown: $s\" }\n"
        << "gtkwave::/File/Quit\n";
  }
  int status = 0;
  const std::string out = Shell("timeout 120 xvfb-run -a gtkwave -S '" + script + "' '" +
                                    Default().base + ".gtkw' 2>/dev/null",
                                &status);
  std::vector<std::string> shown;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, 7, "shown: ") == 0) shown.push_back(line.substr(7));
  }
  const Vcd vcd = ReadVcd(Default().base + ".vcd");
  std::vector<std::string> all;
  for (const VcdVar& v : vcd.vars) all.push_back(v.name);
  EXPECT_EQ(shown, all) << out;
}

// sigrok-cli's decoders on one channel of a logic VCD: the bytes the UART decoder read, its
// warnings (frame errors) and the MIDI decoder's messages.
struct Decoded {
  std::vector<uint8_t> bytes;
  std::vector<std::string> warnings;
  std::vector<std::string> messages;
};

Decoded Sigrok(const std::string& logic_vcd, const std::string& channel) {
  int status = 0;
  // downsample=625: one sample per CPU cycle (625 x 100 ps).
  const std::string out =
      Shell("sigrok-cli -I vcd:downsample=625 -i '" + logic_vcd + "' -P uart:rx=" + channel +
                ":baudrate=31250,midi -A uart=rx-data:rx-warnings,midi 2>&1",
            &status);
  Decoded d;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, 8, "uart-1: ") == 0) {
      const std::string v = line.substr(8);
      if (v.size() == 2 && std::isxdigit(v[0]) && std::isxdigit(v[1])) {
        d.bytes.push_back(static_cast<uint8_t>(std::stoul(v, nullptr, 16)));
      } else {
        d.warnings.push_back(v);
      }
    } else if (line.compare(0, 8, "midi-1: ") == 0) {
      d.messages.push_back(line.substr(8));
    } else if (!line.empty()) {
      d.warnings.push_back(line);
    }
  }
  if (status != 0) d.warnings.push_back("sigrok-cli exit status " + std::to_string(status));
  return d;
}

// Messages (and real-time bytes) in a byte stream, as MIDI 1.0 counts them: each of them is
// one annotation of sigrok's MIDI decoder.
size_t Messages(const std::vector<uint8_t>& bytes) {
  MidiParser parser;
  size_t n = 0;
  for (uint8_t b : bytes) {
    MidiEvent e[2];
    const uint8_t k = parser.Feed(b, e);
    for (uint8_t i = 0; i < k; ++i) {
      n += e[i].kind == MidiEventKind::kRealTime || e[i].kind == MidiEventKind::kMessage ||
           e[i].kind == MidiEventKind::kSysExEnd;
    }
  }
  return n;
}

std::string SigrokFaults(const Decoded& d, const std::vector<uint8_t>& sent) {
  std::string faults;
  for (const std::string& w : d.warnings) faults += "sigrok: " + w + "\n";
  if (d.bytes != sent) {
    size_t i = 0;
    while (i < d.bytes.size() && i < sent.size() && d.bytes[i] == sent[i]) ++i;
    faults += "bytes differ from byte " + std::to_string(i) + " (decoded " +
              std::to_string(d.bytes.size()) + ", sent " + std::to_string(sent.size()) + ")\n";
  }
  if (d.messages.size() != Messages(sent)) {
    faults += "MIDI messages: decoded " + std::to_string(d.messages.size()) + ", sent " +
              std::to_string(Messages(sent)) + "\n";
  }
  return faults;
}

// What went onto a wire: DIN in gets the scenario's bytes, in the order they went; DIN out
// the bytes the firmware sent.
std::vector<uint8_t> SentOn(const std::string& channel, const RunResult& run) {
  std::vector<std::pair<uint64_t, uint8_t>> timed;
  if (channel == "midi_out") {
    for (const TxByte& b : run.tx) timed.emplace_back(b.cycle, b.byte);
  }
  if (channel == "midi_in") {
    for (const Action& a : run.scenario.actions) {
      if (a.kind != ActionKind::kMidiIn) continue;
      for (size_t i = 0; i < a.bytes.size(); ++i) timed.emplace_back(a.at + i * a.spacing, a.bytes[i]);
    }
  }
  std::stable_sort(timed.begin(), timed.end(),
                   [](const std::pair<uint64_t, uint8_t>& a, const std::pair<uint64_t, uint8_t>& b) {
                     return a.first < b.first;
                   });
  std::vector<uint8_t> bytes;
  for (const auto& t : timed) bytes.push_back(t.second);
  return bytes;
}

// Rewrites a logic VCD with the stop bit of frame `frame` on `channel` pulled low, as a
// line fault would: a UART must then report a frame error.
void BreakStopBit(const std::string& in, const std::string& out, const std::string& channel,
                  size_t frame) {
  Vcd vcd = ReadVcd(in);
  VcdVar* var = nullptr;
  for (VcdVar& v : vcd.vars) {
    if (v.reference == channel) var = &v;
  }
  ASSERT_NE(var, nullptr);
  // A start bit is a falling edge outside any frame; its frame lasts ten bits.
  const uint64_t bit = 512 * kVcdUnitsPerCycle;
  size_t starts = 0;
  uint64_t start = 0, frame_end = 0;
  for (const auto& c : var->changes) {
    if (c.second != 0 || c.first < frame_end) continue;
    frame_end = c.first + 10 * bit;
    if (starts++ == frame) {
      start = c.first;
      break;
    }
  }
  ASSERT_GT(start, 0u) << "no frame " << frame << " on " << channel;
  const uint64_t from = start + 9 * bit, to = start + 10 * bit;
  std::vector<std::pair<uint64_t, uint32_t>> changes;
  for (const auto& c : var->changes) {
    if (c.first < from || c.first >= to) changes.push_back(c);
  }
  changes.emplace_back(from, 0);
  changes.emplace_back(to, vcd.At(channel, to));
  std::stable_sort(changes.begin(), changes.end());
  var->changes = changes;

  std::map<uint64_t, std::vector<std::string>> at;
  std::ofstream f(out);
  f << "$timescale " << vcd.timescale << " $end\n$scope module cv2midi $end\n";
  for (const auto& id : vcd.by_id) {
    const VcdVar& v = vcd.vars[id.second];
    f << "$var wire 1 " << id.first << " " << v.reference << " $end\n";
    for (const auto& c : v.changes) at[c.first].push_back((c.second ? "1" : "0") + id.first);
  }
  f << "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n";
  for (const auto& id : vcd.by_id) f << vcd.vars[id.second].initial << id.first << "\n";
  f << "$end\n";
  for (const auto& t : at) {
    f << "#" << t.first << "\n";
    for (const std::string& s : t.second) f << s << "\n";
  }
  f << "#" << vcd.end << "\n";
}

struct WireCase {
  const char* scenario;
  const char* channel;
};

class SigrokReadsTheWire : public testing::TestWithParam<WireCase> {};

// An outside decoder reads both wires: on DIN out it must read what the harness's own
// receiver read (sim/wire.h), on DIN in what the scenario sent.
INSTANTIATE_TEST_SUITE_P(Wires, SigrokReadsTheWire,
                         testing::Values(WireCase{"merge-300-50.txt", "midi_in"},
                                         WireCase{"settings-din.txt", "midi_in"},
                                         WireCase{"default.txt", "midi_out"},
                                         WireCase{"merge-300-50.txt", "midi_out"},
                                         WireCase{"sysex-1k.txt", "midi_out"},
                                         WireCase{"midi-garbage.txt", "midi_out"}),
                         [](const testing::TestParamInfo<WireCase>& info) {
                           std::string name = std::string(info.param.channel) + "_" +
                                              info.param.scenario;
                           name = name.substr(0, name.size() - 4);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_P(SigrokReadsTheWire, DecodedMidiIsWhatWasSentAndABrokenBitIsAFrameError) {
  ASSERT_TRUE(HaveTool("sigrok-cli")) << "sigrok-cli is needed (scripts/setup.sh installs it)";
  const TracedRun t = PlayTraced(GetParam().scenario);
  const std::string logic = t.base + ".logic.vcd";
  const std::vector<uint8_t> sent = SentOn(GetParam().channel, t.run);
  ASSERT_GT(sent.size(), 5u);
  const Decoded good = Sigrok(logic, GetParam().channel);
  EXPECT_EQ(SigrokFaults(good, sent), "");

  BreakStopBit(logic, t.base + ".broken.logic.vcd", GetParam().channel, 3);
  const Decoded broken = Sigrok(t.base + ".broken.logic.vcd", GetParam().channel);
  const std::string faults = SigrokFaults(broken, sent);
  EXPECT_NE(faults.find("Frame error"), std::string::npos) << faults;
}

// tshark's reading of the USB capture: what is wrong with it, or "".
std::string TsharkFaults(const std::string& pcap, size_t clocks_read) {
  int status = 0;
  const std::string v = Shell("tshark -r '" + pcap + "' -V 2>/dev/null", &status);
  std::string faults;
  if (status != 0) faults += "tshark exit status " + std::to_string(status) + "\n";
  auto count = [&v](const std::string& what) {
    size_t n = 0;
    for (size_t at = v.find(what); at != std::string::npos; at = v.find(what, at + 1)) ++n;
    return n;
  };
  if (count("bInterfaceSubClass: MIDI Streaming (0x03)") == 0) faults += "no MIDI Streaming\n";
  if (count("Subtype: MIDI IN Jack descriptor") < 2) faults += "MIDI IN jacks missing\n";
  if (count("Subtype: MIDI OUT Jack descriptor") < 2) faults += "MIDI OUT jacks missing\n";
  if (count("Class-specific MIDI Streaming Endpoint Descriptor") < 2) {
    faults += "class-specific endpoint descriptors missing\n";
  }
  for (const char* name : {"bString: cv2midi DIN out", "bString: cv2midi clock", "bString: CV2M-"}) {
    if (count(name) == 0) faults += std::string("no ") + name + "\n";
  }
  if (count("String descriptor index: 0\n") > 0) faults += "a jack without a name\n";
  if (count("Malformed") > 0) faults += "Malformed\n";
  if (count("[Expert Info (Error") > 0) faults += "expert errors\n";
  const size_t f8 = count("Code Index: Single Byte (0xf)\n    MIDI Event: f8\n");
  if (f8 != clocks_read) {
    faults += "clock packets decoded " + std::to_string(f8) + ", read " +
              std::to_string(clocks_read) + "\n";
  }
  return faults;
}

TEST(UsbCapture, TsharkDecodesMidiStreamingAndEveryClockPacket) {
  ASSERT_TRUE(HaveTool("tshark")) << "tshark is needed (scripts/setup.sh installs it)";
  const TracedRun& t = Default();
  size_t clocks = 0;
  for (const UsbPacketIn& p : t.run.usb.packets) clocks += p.b[0] == 0x0F && p.b[1] == 0xF8;
  ASSERT_GT(clocks, 700u);
  const std::string pcap = t.base + ".pcap";
  EXPECT_EQ(TsharkFaults(pcap, clocks), "");

  // The same capture with one descriptor length wrong (the MIDI IN jack's) must fail.
  std::string bytes = ReadText(pcap);
  const std::string jack("\x06\x24\x02\x01\x01", 5);
  const size_t at = bytes.find(jack, bytes.find(std::string("\x09\x02\x65\x00", 4)) + 9);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 0x30;
  const std::string broken = t.base + ".broken.pcap";
  std::ofstream(broken, std::ios::binary) << bytes;
  EXPECT_NE(TsharkFaults(broken, clocks), "");
}

}  // namespace
}  // namespace sim
}  // namespace cv2midi
