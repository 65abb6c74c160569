// cv2midi-config: sets up a cv2midi from a computer. Turns --ppqn 4 and the like into the
// settings SysEx, sends each with amidi (alsa-utils), and shows what the module answered.
// Exit status: 0 all accepted, 1 a request was refused or unanswered, 2 bad arguments or
// amidi failed.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/sysex_config.h"
#include "tools/config_args.h"

namespace {

using cv2midi::tools::Hex;

// The first whole SysEx of ours in what amidi received.
std::vector<uint8_t> FindReply(const std::vector<uint8_t>& received) {
  for (size_t i = 0; i < received.size(); ++i) {
    if (received[i] != 0xF0) continue;
    for (size_t j = i + 1; j < received.size(); ++j) {
      if (received[j] == 0xF7) {
        std::vector<uint8_t> m(received.begin() + i, received.begin() + j + 1);
        if (cv2midi::sysex::IsConfig(m.data(), m.size())) return m;
        break;
      }
    }
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  cv2midi::tools::ConfigCommand cmd;
  std::string error;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << cv2midi::tools::kConfigUsage;
    return args.empty() ? 2 : 0;
  }
  if (!cv2midi::tools::ParseConfigArgs(args, &cmd, &error)) {
    std::cerr << "cv2midi-config: " << error << "\n" << cv2midi::tools::kConfigUsage;
    return 2;
  }
  if (cmd.print) {
    for (const auto& r : cmd.requests) std::cout << Hex(r) << "\n";
    return 0;
  }
  int status = 0;
  // mkstemp replaces the trailing six 'X's with a unique suffix.
  std::string name_template = "/tmp/cv2midi-config-" + std::string(6, 'X');
  std::vector<char> buffer(name_template.begin(), name_template.end());
  buffer.push_back('\0');
  char* path = buffer.data();
  const int fd = mkstemp(path);
  if (fd < 0) {
    std::cerr << "cv2midi-config: cannot make a temporary file\n";
    return 2;
  }
  close(fd);
  for (const auto& request : cmd.requests) {
    std::ostringstream line;
    line << "amidi -p '" << cmd.port << "' -S '" << Hex(request) << "' -r '" << path
         << "' -t " << cmd.wait << " 2>&1 >/dev/null";
    if (std::system(line.str().c_str()) != 0) {
      std::cerr << "cv2midi-config: amidi failed on port " << cmd.port
                << " (is alsa-utils installed, and the port right? see amidi -l)\n";
      std::remove(path);
      return 2;
    }
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> received((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
    const std::vector<uint8_t> reply = FindReply(received);
    if (reply.empty()) {
      std::cerr << Hex(request) << ": no answer from cv2midi within " << cmd.wait << " s\n";
      status = 1;
      continue;
    }
    bool ok = false;
    const std::string text = cv2midi::tools::Describe(reply, &ok);
    (ok ? std::cout : std::cerr) << text << "\n";
    if (!ok) status = 1;
  }
  std::remove(path);
  return status;
}
