// A stand-in for amidi in the tests of cv2midi-config: answers each -S request as the
// firmware would (the same core handler), keeping the settings between calls in the file
// FAKE_AMIDI_STATE, and writes the reply where -r asks. FAKE_AMIDI_SILENT: no reply.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/settings.h"
#include "core/sysex_config.h"

int main(int argc, char** argv) {
  std::string send, receive;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-S") send = argv[++i];
    else if (a == "-r") receive = argv[++i];
    else if (a == "-p" || a == "-t") ++i;
  }
  if (send.empty() || receive.empty()) return 1;
  std::vector<uint8_t> request;
  std::istringstream hex(send);
  for (std::string b; hex >> b;) request.push_back(static_cast<uint8_t>(std::stoul(b, nullptr, 16)));
  const char* state_path = std::getenv("FAKE_AMIDI_STATE");
  cv2midi::Settings settings;
  uint8_t block[cv2midi::kSettingsBytes];
  cv2midi::SettingsStatus status = cv2midi::SettingsStatus::kBlank;
  if (state_path != nullptr) {
    std::ifstream in(state_path, std::ios::binary);
    if (in.read(reinterpret_cast<char*>(block), sizeof(block))) {
      status = cv2midi::DecodeSettings(block, &settings);
    }
  }
  uint8_t reply[cv2midi::sysex::kMaxMessage];
  bool changed = false;
  const size_t n = cv2midi::sysex::Handle(request.data(), request.size(), status, &settings,
                                          &changed, reply);
  if (changed && state_path != nullptr) {
    cv2midi::EncodeSettings(settings, block);
    std::ofstream(state_path, std::ios::binary).write(reinterpret_cast<char*>(block), sizeof(block));
  }
  std::ofstream out(receive, std::ios::binary);
  if (std::getenv("FAKE_AMIDI_SILENT") == nullptr) {
    const uint8_t clock = 0xF8;  // a clock byte around the reply, as on a live port
    out.write(reinterpret_cast<const char*>(&clock), 1);
    out.write(reinterpret_cast<const char*>(reply), static_cast<std::streamsize>(n));
  }
  return 0;
}
