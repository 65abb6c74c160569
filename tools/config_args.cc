// Argument parsing and reply wording for cv2midi-config; see config_args.h.
#include "tools/config_args.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/shift_text.h"
#include "core/sysex_config.h"

namespace cv2midi {
namespace tools {

const char kConfigUsage[] =
    "usage: cv2midi-config (--port PORT | --print) [--wait SECONDS] REQUEST...\n"
    "       cv2midi-config --list-ports | --help\n"
    "  --get                          show every setting\n"
    "  --identity                     show the firmware version\n"
    "  --status                       show the clock source, tempo, position and counters\n"
    "  --watch                        show the status once a second until Ctrl-C\n"
    "  --defaults                     restore the defaults\n"
    "  --ppqn N                       input pulses per quarter note: 1 2 3 4 6 8 12 24 48 96\n"
    "  --reset-mode trigger|gate      the reset jack: a reset trigger or a run gate\n"
    "  --timeout N                    Stop after N silent intervals: 2..8\n"
    "  --clocks-while-stopped on|off  keep sending clocks while stopped\n"
    "  --auto-start on|off            the first pulse after silence sends Start\n"
    "  --thru on|off                  DIN in to DIN out\n"
    "  --glitch-ms X                  ignore pulses closer than X ms: 0.25..4\n"
    "  --tempo BPM                    the internal clock's tempo: 20.0..300.0 in steps of 0.1\n"
    "  --on-stop stop|hold            when the patched clock stops: stop, or hold its tempo\n"
    "  --din-shift MS                 shift DIN out's clock: -20..+20 ms in steps of 0.01\n"
    "                                 (e.g. -8, 2.5ms, +0.01, -8000us); negative sends ahead\n"
    "  --usb-shift MS                 the same for the clock the computer receives\n"
    "  --smooth off|1|2|3             the jitter filter: off, or its strength\n"
    "  --port PORT                    the MIDI port, as amidi -l lists it (e.g. hw:1,0,0)\n"
    "  --list-ports                   the MIDI ports that look like cv2midi\n"
    "  --print                        print the SysEx bytes instead of sending them\n"
    "Requests go in the order given; each reply is read back and shown.\n";

namespace {

std::vector<uint8_t> Message(const uint8_t* bytes, size_t size) {
  return std::vector<uint8_t>(bytes, bytes + size);
}

bool OnOff(const std::string& v, uint16_t* out) {
  if (v == "on") return (*out = 1), true;
  if (v == "off") return (*out = 0), true;
  return false;
}

}  // namespace

bool ParseConfigArgs(const std::vector<std::string>& args, ConfigCommand* out,
                     std::string* error) {
  *out = ConfigCommand();
  uint8_t m[sysex::kMaxMessage];
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value";
        return false;
      }
      *v = args[++i];
      return true;
    };
    std::string v;
    auto set = [&](sysex::Param p, uint16_t x) {
      out->requests.push_back(Message(m, sysex::EncodeSet(p, x, m)));
    };
    if (a == "--get") {
      out->requests.push_back(Message(m, sysex::EncodeGetAll(m)));
    } else if (a == "--identity") {
      out->requests.push_back(Message(m, sysex::EncodeIdentity(m)));
    } else if (a == "--defaults") {
      out->requests.push_back(Message(m, sysex::EncodeRestoreDefaults(m)));
    } else if (a == "--status") {
      out->requests.push_back(Message(m, sysex::EncodeStatusRequest(m)));
    } else if (a == "--watch") {
      out->watch = true;
    } else if (a == "--list-ports") {
      out->list_ports = true;
    } else if (a == "--print") {
      out->print = true;
    } else if (a == "--port") {
      if (!value(&out->port)) return false;
    } else if (a == "--wait") {
      if (!value(&v)) return false;
      char* end = nullptr;
      out->wait = std::strtod(v.c_str(), &end);
      if (*end != '\0' || !(out->wait > 0 && out->wait <= 60)) {
        *error = "--wait takes seconds, more than 0 and at most 60: '" + v + "'";
        return false;
      }
    } else if (a == "--ppqn") {
      if (!value(&v)) return false;
      const int p = std::atoi(v.c_str());
      if (std::to_string(p) != v || p < 1 || p > 255 || !ValidPpqn(static_cast<uint8_t>(p))) {
        *error = "--ppqn is 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96: '" + v + "'";
        return false;
      }
      set(sysex::kPpqn, static_cast<uint16_t>(p));
    } else if (a == "--reset-mode") {
      if (!value(&v)) return false;
      if (v != "trigger" && v != "gate") {
        *error = "--reset-mode is trigger or gate: '" + v + "'";
        return false;
      }
      set(sysex::kResetMode, v == "gate" ? 1 : 0);
    } else if (a == "--timeout") {
      if (!value(&v)) return false;
      const int t = std::atoi(v.c_str());
      if (std::to_string(t) != v || t < 2 || t > 8) {
        *error = "--timeout is 2 to 8 intervals: '" + v + "'";
        return false;
      }
      set(sysex::kTimeout, static_cast<uint16_t>(t));
    } else if (a == "--clocks-while-stopped" || a == "--auto-start" || a == "--thru") {
      if (!value(&v)) return false;
      uint16_t on;
      if (!OnOff(v, &on)) {
        *error = a + " is on or off: '" + v + "'";
        return false;
      }
      set(a == "--thru" ? sysex::kThru
                        : a == "--auto-start" ? sysex::kAutoStart : sysex::kClocksWhileStopped,
          on);
    } else if (a == "--glitch-ms") {
      if (!value(&v)) return false;
      char* end = nullptr;
      const double ms = std::strtod(v.c_str(), &end);
      if (*end != '\0' || !(ms >= 0.25 && ms <= 4.0)) {
        *error = "--glitch-ms is 0.25 to 4: '" + v + "'";
        return false;
      }
      set(sysex::kGlitchUs, static_cast<uint16_t>(std::lround(ms * 1000)));
    } else if (a == "--tempo") {
      if (!value(&v)) return false;
      char* end = nullptr;
      const double bpm = std::strtod(v.c_str(), &end);
      const double deci = std::round(bpm * 10);
      if (v.empty() || *end != '\0' || !(deci >= kMinTempoDeciBpm && deci <= kMaxTempoDeciBpm) ||
          std::fabs(deci - bpm * 10) > 1e-6) {
        *error = "--tempo is 20.0 to 300.0 BPM in steps of 0.1: '" + v + "'";
        return false;
      }
      set(sysex::kTempo, static_cast<uint16_t>(deci));
    } else if (a == "--on-stop") {
      if (!value(&v)) return false;
      if (v != "stop" && v != "hold") {
        *error = "--on-stop is stop or hold: '" + v + "'";
        return false;
      }
      set(sysex::kOnStop, v == "hold" ? 1 : 0);
    } else if (a == "--din-shift" || a == "--usb-shift") {
      if (!value(&v)) return false;
      int16_t steps = 0;
      const ShiftText t = ParseShift(v.c_str(), &steps);
      if (t != ShiftText::kOk) {
        *error = a + (t == ShiftText::kNotANumber   ? " takes milliseconds, e.g. -8 or 2.5ms"
                      : t == ShiftText::kOutOfRange ? " is -20 to +20 ms"
                                                    : " goes in steps of 0.01 ms (10 us)") +
                 ": '" + v + "'";
        return false;
      }
      set(a == "--din-shift" ? sysex::kDinShift : sysex::kUsbShift, static_cast<uint16_t>(steps));
    } else if (a == "--smooth") {
      if (!value(&v)) return false;
      if (v != "off" && v != "1" && v != "2" && v != "3") {
        *error = "--smooth is off, 1, 2 or 3: '" + v + "'";
        return false;
      }
      set(sysex::kSmooth, v == "off" ? 0 : static_cast<uint16_t>(v[0] - '0'));
    } else {
      *error = "unknown argument '" + a + "'";
      return false;
    }
  }
  if (out->list_ports) {
    if (!out->requests.empty() || out->watch) {
      *error = "--list-ports takes no request";
      return false;
    }
    return true;
  }
  if (out->watch) {
    if (!out->requests.empty()) {
      *error = "--watch takes no other request";
      return false;
    }
    out->requests.push_back(Message(m, sysex::EncodeStatusRequest(m)));
  }
  if (out->requests.empty()) {
    *error = "nothing to ask: give a request such as --get or --ppqn 4";
    return false;
  }
  if (!out->print && out->port.empty()) {
    *error = "give --port PORT (see amidi -l), or --print";
    return false;
  }
  return true;
}

std::vector<std::string> Cv2midiPorts(const std::string& amidi_list) {
  std::vector<std::string> ports;
  size_t start = 0;
  while (start < amidi_list.size()) {
    size_t end = amidi_list.find('\n', start);
    if (end == std::string::npos) end = amidi_list.size();
    const std::string line = amidi_list.substr(start, end - start);
    // "IO  hw:1,0,0  cv2midi MIDI 1": the direction, the device, the name.
    if (line.find("cv2midi") != std::string::npos && line.find("hw:") != std::string::npos) {
      ports.push_back(line);
    }
    start = end + 1;
  }
  return ports;
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  char b[4];
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(b, sizeof(b), i == 0 ? "%02X" : " %02X", bytes[i]);
    s += b;
  }
  return s;
}

std::string Describe(const std::vector<uint8_t>& reply, bool* ok) {
  sysex::Reply r;
  *ok = false;
  if (!sysex::DecodeReply(reply.data(), reply.size(), &r)) return "not a reply of cv2midi";
  char buf[320];
  switch (r.code) {
    case sysex::kAll: {
      const Settings& s = r.settings;
      const char* status = r.status == SettingsStatus::kOk      ? "stored settings"
                           : r.status == SettingsStatus::kBlank ? "EEPROM was blank at power-up"
                                                                : "EEPROM was corrupt at power-up";
      char din[kShiftTextBytes], usb[kShiftTextBytes], smooth[4] = "off";
      FormatShift(s.din_shift_10us, din);
      FormatShift(s.usb_shift_10us, usb);
      if (s.smooth != 0) std::snprintf(smooth, sizeof(smooth), "%d", s.smooth);
      std::snprintf(buf, sizeof(buf),
                    "ppqn %d, reset-mode %s, timeout %d, clocks-while-stopped %s, auto-start %s, "
                    "thru %s, glitch-ms %.2f, tempo %.1f, on-stop %s, din-shift %s ms, "
                    "usb-shift %s ms, smooth %s (%s)",
                    s.ppqn, s.reset_mode == ResetMode::kRunGate ? "gate" : "trigger",
                    s.timeout_multiple, s.clocks_while_stopped ? "on" : "off",
                    s.auto_start ? "on" : "off", s.thru ? "on" : "off", s.glitch_us / 1000.0,
                    s.tempo_deci_bpm / 10.0, s.on_stop == OnStop::kHold ? "hold" : "stop", din,
                    usb, smooth, status);
      *ok = true;
      return buf;
    }
    case sysex::kIdentityReply:
      std::snprintf(buf, sizeof(buf), "cv2midi firmware %d.%d.%d", r.version[0], r.version[1],
                    r.version[2]);
      *ok = true;
      return buf;
    case sysex::kStatusReply: {
      const sysex::Status& st = r.status_reply;
      static const char* const kSources[] = {"no clock", "external clock", "internal clock",
                                             "held clock"};
      char tempo[32];
      if (st.tempo_centi_bpm == 0) {
        std::snprintf(tempo, sizeof(tempo), "no tempo measured");
      } else {
        std::snprintf(tempo, sizeof(tempo), "%u.%02u BPM", st.tempo_centi_bpm / 100,
                      st.tempo_centi_bpm % 100);
      }
      std::snprintf(buf, sizeof(buf),
                    "%s, %s, %s, ppqn %d, position %u beats; edges %u, glitches %u, "
                    "catch-up bursts %u, timeouts %u, merged dropped %u, USB dropped %u, "
                    "unearned clocks %u, filter re-locks %u",
                    kSources[static_cast<int>(st.source)], st.running ? "running" : "stopped",
                    tempo, st.ppqn, st.song_position, st.edges, st.glitches, st.bursts,
                    st.timeouts, st.merged_dropped, st.usb_dropped, st.unearned, st.relocks);
      *ok = true;
      return buf;
    }
    case sysex::kNak: {
      static const char* const kReasons[] = {"?", "unknown request", "wrong length",
                                             "value out of range", "unknown setting"};
      const int why = r.nak_reason <= 4 ? r.nak_reason : 0;
      std::snprintf(buf, sizeof(buf), "refused: %s (request %02X)", kReasons[why], r.nak_command);
      return buf;
    }
  }
  return "not a reply of cv2midi";
}

}  // namespace tools
}  // namespace cv2midi
