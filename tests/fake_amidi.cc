// A stand-in for amidi in the tests of cv2midi-config: answers each -S request as the
// firmware would (the same core handler), keeping the settings between calls in the file
// FAKE_AMIDI_STATE, and writes the reply where -r asks. FAKE_AMIDI_SILENT: no reply.
// `amidi --serve` is the same module for the web page's browser test: one request in hex per
// line on stdin, its reply in hex per line on stdout, the settings kept for the whole run.
// Its status: the internal clock running at the tempo setting, fixed position and counters.
// `amidi -l` lists two ports, one of them a cv2midi.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/settings.h"
#include "core/sysex_config.h"

namespace {

// The module's side of the settings protocol: its settings, what the EEPROM held at
// power-up, and the state file that stands in for the EEPROM.
class FakeModule {
 public:
  explicit FakeModule(const char* state_path) : state_path_(state_path) {
    if (state_path_ == nullptr) return;
    std::ifstream in(state_path_, std::ios::binary);
    uint8_t block[cv2midi::kSettingsBytes];
    if (in.read(reinterpret_cast<char*>(block), sizeof(block))) {
      status_ = cv2midi::DecodeSettings(block, &settings_);
    }
  }

  std::vector<uint8_t> Answer(const std::vector<uint8_t>& request) {
    uint8_t reply[cv2midi::sysex::kMaxReply];
    bool changed = false;
    cv2midi::sysex::Status st;
    st.source = cv2midi::sysex::ClockSourceCode::kInternal;
    st.running = true;
    st.tempo_centi_bpm = 10UL * settings_.tempo_deci_bpm;
    st.ppqn = settings_.ppqn;
    st.song_position = 4242;
    st.edges = 300000;  // past 2^14 and 2^21: every 7-bit group carries
    st.glitches = 2;
    st.bursts = 3;
    st.timeouts = 4;
    st.merged_dropped = 5;
    st.usb_dropped = 268435455;  // 2^28 - 1, the largest a counter shows
    st.unearned = 6;
    st.relocks = 7;
    const size_t n = cv2midi::sysex::Handle(request.data(), request.size(), status_, &settings_,
                                            &changed, reply, &st);
    if (changed && state_path_ != nullptr) {
      uint8_t block[cv2midi::kSettingsBytes];
      cv2midi::EncodeSettings(settings_, block);
      std::ofstream(state_path_, std::ios::binary)
          .write(reinterpret_cast<char*>(block), sizeof(block));
    }
    return std::vector<uint8_t>(reply, reply + n);
  }

 private:
  const char* state_path_;
  cv2midi::Settings settings_;
  cv2midi::SettingsStatus status_ = cv2midi::SettingsStatus::kBlank;
};

std::vector<uint8_t> ParseHex(const std::string& text) {
  std::vector<uint8_t> bytes;
  std::istringstream hex(text);
  for (std::string b; hex >> b;) bytes.push_back(static_cast<uint8_t>(std::stoul(b, nullptr, 16)));
  return bytes;
}

int Serve(FakeModule* module) {
  const bool silent = std::getenv("FAKE_AMIDI_SILENT") != nullptr;
  for (std::string line; std::getline(std::cin, line);) {
    const std::vector<uint8_t> reply = module->Answer(ParseHex(line));
    if (!silent) {
      for (size_t i = 0; i < reply.size(); ++i) std::printf(i == 0 ? "%02X" : " %02X", reply[i]);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  FakeModule module(std::getenv("FAKE_AMIDI_STATE"));
  if (argc == 2 && std::string(argv[1]) == "--serve") return Serve(&module);
  if (argc == 2 && std::string(argv[1]) == "-l") {
    std::printf("Dir Device    Name\nIO  hw:0,0,0  Midi Through Port-0\nIO  hw:2,0,0  cv2midi MIDI 1\n");
    return 0;
  }
  std::string send, receive;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-S") send = argv[++i];
    else if (a == "-r") receive = argv[++i];
    else if (a == "-p" || a == "-t") ++i;
  }
  if (send.empty() || receive.empty()) return 1;
  const std::vector<uint8_t> reply = module.Answer(ParseHex(send));
  std::ofstream out(receive, std::ios::binary);
  if (std::getenv("FAKE_AMIDI_SILENT") == nullptr) {
    const uint8_t clock = 0xF8;  // a clock byte around the reply, as on a live port
    out.write(reinterpret_cast<const char*>(&clock), 1);
    out.write(reinterpret_cast<const char*>(reply.data()), static_cast<std::streamsize>(reply.size()));
  }
  return 0;
}
