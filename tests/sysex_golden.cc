// Writes the settings protocol's golden vectors as JSON, made by the C++ codec and the
// firmware's own handler, for the web page's JavaScript codec to be tested against
// (web/test/sysex.test.js). Usage: sysex_golden OUT.json
#include <cstdio>
#include <string>
#include <vector>

#include "core/settings.h"
#include "core/sysex_config.h"

namespace {

using cv2midi::Settings;
using cv2midi::SettingsStatus;
namespace sysex = cv2midi::sysex;

std::string Hex(const uint8_t* bytes, size_t size) {
  std::string s;
  char b[4];
  for (size_t i = 0; i < size; ++i) {
    std::snprintf(b, sizeof(b), i == 0 ? "%02X" : " %02X", bytes[i]);
    s += b;
  }
  return s;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string SettingsJson(const Settings& s) {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "{\"ppqn\": %d, \"resetMode\": %d, \"timeout\": %d, \"clocksWhileStopped\": %s, "
                "\"autoStart\": %s, \"thru\": %s, \"glitchUs\": %d, \"tempo\": %d, \"onStop\": %d, "
                "\"dinShift\": %d, \"usbShift\": %d, \"smooth\": %d}",
                s.ppqn, static_cast<int>(s.reset_mode), s.timeout_multiple,
                s.clocks_while_stopped ? "true" : "false", s.auto_start ? "true" : "false",
                s.thru ? "true" : "false", s.glitch_us, s.tempo_deci_bpm,
                static_cast<int>(s.on_stop), s.din_shift_10us, s.usb_shift_10us, s.smooth);
  return buf;
}

// What DecodeReply makes of a message, or null when it is not a reply of ours.
std::string DecodedJson(const uint8_t* msg, size_t size) {
  sysex::Reply r;
  if (!sysex::DecodeReply(msg, size, &r)) return "null";
  char buf[128];
  switch (r.code) {
    case sysex::kAll:
      std::snprintf(buf, sizeof(buf), "{\"kind\": \"all\", \"status\": %d, \"settings\": ",
                    static_cast<int>(r.status));
      return buf + SettingsJson(r.settings) + "}";
    case sysex::kIdentityReply:
      std::snprintf(buf, sizeof(buf), "{\"kind\": \"identity\", \"version\": [%d, %d, %d]}",
                    r.version[0], r.version[1], r.version[2]);
      return buf;
    case sysex::kStatusReply: {
      const sysex::Status& st = r.status_reply;
      char more[400];
      std::snprintf(more, sizeof(more),
                    "{\"kind\": \"status\", \"source\": %d, \"running\": %s, \"tempoCentiBpm\": %u, "
                    "\"ppqn\": %d, \"songPosition\": %u, \"edges\": %u, \"glitches\": %u, "
                    "\"bursts\": %u, \"timeouts\": %u, \"mergedDropped\": %u, \"usbDropped\": %u, "
                    "\"unearned\": %u, \"relocks\": %u}",
                    static_cast<int>(st.source), st.running ? "true" : "false", st.tempo_centi_bpm,
                    st.ppqn, st.song_position, st.edges, st.glitches, st.bursts, st.timeouts,
                    st.merged_dropped, st.usb_dropped, st.unearned, st.relocks);
      return more;
    }
    case sysex::kNak:
      std::snprintf(buf, sizeof(buf), "{\"kind\": \"nak\", \"command\": %d, \"reason\": %d}",
                    r.nak_command, r.nak_reason);
      return buf;
  }
  return "null";
}

class Writer {
 public:
  void Request(const std::string& kind, int param, int value, const uint8_t* m, size_t n) {
    requests_.push_back("{\"kind\": " + Quote(kind) + ", \"param\": " + std::to_string(param) +
                        ", \"value\": " + std::to_string(value) + ", \"bytes\": " +
                        Quote(Hex(m, n)) + "}");
  }

  // The handler's answer to `request` from a module in the given state.
  void Exchange(const std::string& name, const std::vector<uint8_t>& request,
                SettingsStatus boot, Settings settings, const sysex::Status* status = nullptr) {
    const std::string before = SettingsJson(settings);
    uint8_t reply[sysex::kMaxReply];
    bool changed = false;
    const size_t n =
        sysex::Handle(request.data(), request.size(), boot, &settings, &changed, reply, status);
    exchanges_.push_back("{\"name\": " + Quote(name) + ", \"request\": " +
                         Quote(Hex(request.data(), request.size())) + ", \"before\": " + before +
                         ", \"changed\": " + (changed ? "true" : "false") + ", \"reply\": " +
                         Quote(Hex(reply, n)) + ", \"decoded\": " + DecodedJson(reply, n) + "}");
  }

  // A message that is, or looks like, a reply: what DecodeReply says of it.
  void Reply(const std::string& name, const std::vector<uint8_t>& msg) {
    replies_.push_back("{\"name\": " + Quote(name) + ", \"bytes\": " +
                       Quote(Hex(msg.data(), msg.size())) + ", \"decoded\": " +
                       DecodedJson(msg.data(), msg.size()) + "}");
  }

  // Which values of a setting the handler takes, as [first, last] runs over lo..limit (a
  // shift's values are signed, from -8192).
  void Accepted(int param, int limit, int lo = 0) {
    std::string runs;
    bool in_run = false;
    int start = 0;
    for (int v = lo; v <= limit + 1; ++v) {
      bool ok = false;
      if (v <= limit) {
        uint8_t m[sysex::kMaxMessage];
        const size_t n = sysex::EncodeSet(static_cast<sysex::Param>(param),
                                          static_cast<uint16_t>(v), m);
        Settings s;
        bool changed = false;
        uint8_t reply[sysex::kMaxReply];
        sysex::Handle(m, n, SettingsStatus::kOk, &s, &changed, reply);
        ok = changed;
      }
      if (ok && !in_run) {
        start = v;
        in_run = true;
      }
      if (!ok && in_run) {
        if (!runs.empty()) runs += ", ";
        runs += "[" + std::to_string(start) + ", " + std::to_string(v - 1) + "]";
        in_run = false;
      }
    }
    accepted_.push_back("{\"param\": " + std::to_string(param) + ", \"lo\": " +
                        std::to_string(lo) + ", \"limit\": " + std::to_string(limit) +
                        ", \"runs\": [" + runs + "]}");
  }

  bool Write(const char* path) const {
    FILE* f = std::fopen(path, "w");
    if (f == nullptr) return false;
    Settings defaults;
    std::fprintf(f, "{\n\"version\": [%d, %d, %d],\n\"defaults\": %s,\n", sysex::kVersion[0],
                 sysex::kVersion[1], sysex::kVersion[2], SettingsJson(defaults).c_str());
    List(f, "requests", requests_, false);
    List(f, "exchanges", exchanges_, false);
    List(f, "replies", replies_, false);
    List(f, "accepted", accepted_, true);
    std::fprintf(f, "}\n");
    return std::fclose(f) == 0;
  }

 private:
  static void List(FILE* f, const char* name, const std::vector<std::string>& items, bool last) {
    std::fprintf(f, "\"%s\": [\n", name);
    for (size_t i = 0; i < items.size(); ++i) {
      std::fprintf(f, "  %s%s\n", items[i].c_str(), i + 1 < items.size() ? "," : "");
    }
    std::fprintf(f, "]%s\n", last ? "" : ",");
  }

  std::vector<std::string> requests_, exchanges_, replies_, accepted_;
};

std::vector<uint8_t> Msg(std::initializer_list<uint8_t> body) {
  std::vector<uint8_t> m;
  for (uint8_t b : sysex::kHeader) m.push_back(b);
  for (uint8_t b : body) m.push_back(b);
  m.push_back(0xF7);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sysex_golden OUT.json\n");
    return 2;
  }
  Writer w;
  uint8_t m[sysex::kMaxMessage];
  w.Request("getAll", 0, 0, m, sysex::EncodeGetAll(m));
  w.Request("restoreDefaults", 0, 0, m, sysex::EncodeRestoreDefaults(m));
  w.Request("identity", 0, 0, m, sysex::EncodeIdentity(m));
  w.Request("status", 0, 0, m, sysex::EncodeStatusRequest(m));
  const struct { int param; std::vector<int> values; } sets[] = {
      {sysex::kPpqn, {1, 2, 3, 4, 6, 8, 12, 24, 48, 96}},  {sysex::kResetMode, {0, 1}},
      {sysex::kTimeout, {2, 5, 8}},          {sysex::kClocksWhileStopped, {0, 1}},
      {sysex::kAutoStart, {0, 1}},           {sysex::kThru, {0, 1}},
      {sysex::kGlitchUs, {250, 1000, 1500, 2500, 4000}},
      {sysex::kTempo, {200, 1200, 1285, 1333, 3000}}, {sysex::kOnStop, {0, 1}},
      {sysex::kDinShift, {-2000, -800, -1, 0, 1, 250, 2000}},
      {sysex::kUsbShift, {-2000, -1, 0, 2000}},
      {sysex::kSmooth, {0, 1, 2, 3}},
  };
  for (const auto& s : sets) {
    for (int v : s.values) {
      w.Request("set", s.param, v, m,
                sysex::EncodeSet(static_cast<sysex::Param>(s.param), static_cast<uint16_t>(v), m));
    }
  }

  Settings custom;
  custom.ppqn = 24;
  custom.reset_mode = cv2midi::ResetMode::kRunGate;
  custom.timeout_multiple = 7;
  custom.clocks_while_stopped = false;
  custom.auto_start = false;
  custom.thru = false;
  custom.glitch_us = 3333;
  custom.tempo_deci_bpm = 1285;
  custom.on_stop = cv2midi::OnStop::kHold;
  custom.din_shift_10us = -800;
  custom.usb_shift_10us = 2000;
  custom.smooth = 3;
  const Settings defaults;
  const SettingsStatus ok = SettingsStatus::kOk;
  w.Exchange("get all, stored", Msg({0x01}), ok, custom);
  w.Exchange("get all, EEPROM blank at power-up", Msg({0x01}), SettingsStatus::kBlank, defaults);
  w.Exchange("get all, EEPROM corrupt at power-up", Msg({0x01}), SettingsStatus::kCorrupt,
             defaults);
  w.Exchange("set PPQN 4", Msg({0x02, 0x01, 0x04}), SettingsStatus::kBlank, defaults);
  w.Exchange("set reset mode gate", Msg({0x02, 0x02, 0x01}), ok, defaults);
  w.Exchange("set timeout 8", Msg({0x02, 0x03, 0x08}), ok, defaults);
  w.Exchange("set clocks while stopped off", Msg({0x02, 0x04, 0x00}), ok, defaults);
  w.Exchange("set auto-start off", Msg({0x02, 0x05, 0x00}), ok, defaults);
  w.Exchange("set thru off", Msg({0x02, 0x06, 0x00}), ok, defaults);
  w.Exchange("set glitch 2500 us", Msg({0x02, 0x07, 0x44, 0x13}), ok, defaults);
  w.Exchange("set tempo 128.5 BPM", Msg({0x02, 0x08, 0x05, 0x0A}), ok, defaults);
  w.Exchange("set on-stop hold", Msg({0x02, 0x09, 0x01}), ok, defaults);
  w.Exchange("set DIN shift -8 ms", Msg({0x02, 0x0A, 0x60, 0x79}), ok, defaults);
  w.Exchange("set DIN shift -20 ms", Msg({0x02, 0x0A, 0x30, 0x70}), ok, defaults);
  w.Exchange("set USB shift +20 ms", Msg({0x02, 0x0B, 0x50, 0x0F}), ok, defaults);
  w.Exchange("set USB shift -10 us", Msg({0x02, 0x0B, 0x7F, 0x7F}), ok, custom);
  w.Exchange("set smooth 2", Msg({0x02, 0x0C, 0x02}), ok, defaults);
  w.Exchange("set smooth off", Msg({0x02, 0x0C, 0x00}), ok, custom);
  w.Exchange("restore the defaults", Msg({0x03}), SettingsStatus::kCorrupt, custom);
  w.Exchange("identity", Msg({0x04}), ok, defaults);
  sysex::Status held;
  held.source = sysex::ClockSourceCode::kHeld;
  held.running = true;
  held.tempo_centi_bpm = 300000;  // 3000.00 BPM: all three 7-bit groups
  held.ppqn = 24;
  held.song_position = 16383 + 1;
  held.edges = 123456789;
  held.glitches = 1;
  held.bursts = 127;
  held.timeouts = 128;
  held.merged_dropped = 0;
  held.usb_dropped = 268435455;
  held.unearned = 3;
  held.relocks = 129;
  sysex::Status none;
  w.Exchange("status, held at 3000 BPM", Msg({0x05}), ok, defaults, &held);
  w.Exchange("status, no clock since power-up", Msg({0x05}), ok, defaults, &none);
  w.Exchange("NAK wrong length: status with an argument", Msg({0x05, 0x00}), ok, defaults, &none);
  w.Exchange("NAK unknown request", Msg({0x10}), ok, defaults);
  w.Exchange("NAK wrong length: get all with an argument", Msg({0x01, 0x00}), ok, defaults);
  w.Exchange("NAK wrong length: glitch with one byte", Msg({0x02, 0x07, 0x10}), ok, defaults);
  w.Exchange("NAK wrong length: nothing after the header", Msg({}), ok, defaults);
  w.Exchange("NAK value out of range: PPQN 5", Msg({0x02, 0x01, 0x05}), ok, defaults);
  w.Exchange("NAK value out of range: timeout 9", Msg({0x02, 0x03, 0x09}), ok, defaults);
  w.Exchange("NAK value out of range: glitch 100 us", Msg({0x02, 0x07, 0x64, 0x00}), ok, custom);
  w.Exchange("NAK value out of range: a data byte over 7F", Msg({0x02, 0x01, 0x84}), ok,
             defaults);
  w.Exchange("NAK value out of range: tempo 19.9 BPM", Msg({0x02, 0x08, 0x47, 0x01}), ok, defaults);
  w.Exchange("NAK value out of range: tempo 300.1 BPM", Msg({0x02, 0x08, 0x39, 0x17}), ok, defaults);
  w.Exchange("NAK wrong length: tempo with one byte", Msg({0x02, 0x08, 0x10}), ok, defaults);
  w.Exchange("NAK value out of range: on-stop 2", Msg({0x02, 0x09, 0x02}), ok, defaults);
  w.Exchange("NAK value out of range: DIN shift +20.01 ms", Msg({0x02, 0x0A, 0x51, 0x0F}), ok,
             defaults);
  w.Exchange("NAK value out of range: USB shift -20.01 ms", Msg({0x02, 0x0B, 0x2F, 0x70}), ok,
             custom);
  w.Exchange("NAK wrong length: DIN shift with one byte", Msg({0x02, 0x0A, 0x10}), ok, defaults);
  w.Exchange("NAK value out of range: smooth 4", Msg({0x02, 0x0C, 0x04}), ok, defaults);
  w.Exchange("NAK unknown setting", Msg({0x02, 0x0D, 0x01}), ok, defaults);

  w.Reply("get all with status 3", Msg({0x41, 0x03, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
  w.Reply("get all with PPQN 3", Msg({0x41, 0x00, 0x03, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
  w.Reply("get all with glitch 5000 us", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x08, 0x27, 0x30, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
  w.Reply("get all with tempo 10.0 BPM", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
  w.Reply("get all with on-stop 2", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00}));
  w.Reply("get all with DIN shift +20.01 ms", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x51, 0x0F, 0x00, 0x00, 0x00}));
  w.Reply("get all with USB shift -20.01 ms", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00, 0x2F, 0x70, 0x00}));
  w.Reply("get all with shifts -20 and +20 ms", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x30, 0x70, 0x50, 0x0F, 0x03}));
  w.Reply("get all with smooth 4", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04}));
  w.Reply("get all one byte short", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00}));
  w.Reply("get all of firmware 0.6 (no shifts, no smooth)", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07, 0x30, 0x09, 0x00}));
  w.Reply("get all of firmware 0.5 (no tempo)", Msg({0x41, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x01, 0x68, 0x07}));
  w.Reply("identity one byte short", Msg({0x44, 0x00, 0x05, 0x00, 'c', 'v', '2', 'm', 'i', 'd'}));
  w.Reply("NAK one byte long", Msg({0x7F, 0x02, 0x03, 0x00}));
  w.Reply("unknown reply code", Msg({0x46, 0x00}));
  w.Reply("status one byte short", Msg({0x45, 0x01, 0x01, 0x00, 0x4B, 0x00, 0x01, 0x00, 0x00, 0x00,
                                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0}));
  w.Reply("status with source 4", Msg({0x45, 0x04, 0x01, 0x00, 0x4B, 0x00, 0x01, 0x00, 0x00, 0x00,
                                       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0}));
  w.Reply("a request, not a reply", Msg({0x01}));
  w.Reply("another maker's SysEx", {0xF0, 0x7D, 0x63, 0x33, 0x41, 0xF7});
  w.Reply("no F7", {0xF0, 0x7D, 0x63, 0x32, 0x7F, 0x01, 0x01});

  for (int param = sysex::kPpqn; param <= sysex::kOnStop; ++param) {
    w.Accepted(param, param == sysex::kGlitchUs || param == sysex::kTempo ? 0x3FFF : 0x7F);
  }
  // The shifts over every 14-bit value, as signed steps.
  w.Accepted(sysex::kDinShift, 0x1FFF, -0x2000);
  w.Accepted(sysex::kUsbShift, 0x1FFF, -0x2000);
  w.Accepted(sysex::kSmooth, 0x7F);
  w.Accepted(13, 0x7F);

  if (!w.Write(argv[1])) {
    std::fprintf(stderr, "sysex_golden: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
