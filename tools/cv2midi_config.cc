// cv2midi-config: sets up a cv2midi from a computer. Turns --ppqn 4 and the like into the
// settings SysEx, sends each with amidi (alsa-utils), and shows what the module answered.
// --status shows what the module sees, --watch does so once a second until Ctrl-C.
// Exit status: 0 all accepted, 1 a request was refused or unanswered, 2 bad arguments or
// amidi failed.
#include <signal.h>
#include <unistd.h>

#include <chrono>
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

volatile sig_atomic_t interrupted = 0;
void OnInterrupt(int) { interrupted = 1; }

// Sends one request with amidi and reads what came back: 0 with a reply of ours in
// `reply` (empty: none in time), 2 when amidi failed.
int Exchange(const std::string& port, const std::vector<uint8_t>& request, double wait,
             const char* path, std::vector<uint8_t>* reply) {
  std::ostringstream line;
  line << "amidi -p '" << port << "' -S '" << Hex(request) << "' -r '" << path << "' -t "
       << wait << " 2>&1 >/dev/null";
  if (std::system(line.str().c_str()) != 0) return 2;
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> received((std::istreambuf_iterator<char>(in)),
                                      std::istreambuf_iterator<char>());
  *reply = FindReply(received);
  return 0;
}

int ListPorts() {
  FILE* p = popen("amidi -l 2>/dev/null", "r");
  if (p == nullptr) {
    std::cerr << "cv2midi-config: cannot run amidi -l (is alsa-utils installed?)\n";
    return 2;
  }
  std::string text;
  char buf[256];
  while (std::fgets(buf, sizeof(buf), p) != nullptr) text += buf;
  if (pclose(p) != 0 && text.empty()) {
    std::cerr << "cv2midi-config: amidi -l failed (is alsa-utils installed?)\n";
    return 2;
  }
  const std::vector<std::string> ports = cv2midi::tools::Cv2midiPorts(text);
  if (ports.empty()) {
    std::cerr << "no MIDI port looks like a cv2midi (amidi -l lists none named cv2midi)\n";
    return 1;
  }
  for (const std::string& port : ports) std::cout << port << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cv2midi::tools::ConfigCommand cmd;
  std::string error;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << cv2midi::tools::kConfigUsage;
      return 0;
    }
  }
  if (args.empty()) {
    std::cerr << cv2midi::tools::kConfigUsage;
    return 2;
  }
  if (!cv2midi::tools::ParseConfigArgs(args, &cmd, &error)) {
    std::cerr << "cv2midi-config: " << error << "\n" << cv2midi::tools::kConfigUsage;
    return 2;
  }
  if (cmd.list_ports) return ListPorts();
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
  if (cmd.watch) {
    signal(SIGINT, OnInterrupt);
    signal(SIGTERM, OnInterrupt);
  }
  auto next = std::chrono::steady_clock::now();
  do {
    next += std::chrono::seconds(1);
    for (const auto& request : cmd.requests) {
      std::vector<uint8_t> reply;
      if (Exchange(cmd.port, request, cmd.wait, path, &reply) != 0) {
        if (interrupted) break;
        std::cerr << "cv2midi-config: amidi failed on port " << cmd.port
                  << " (is alsa-utils installed, and the port right? see amidi -l)\n";
        std::remove(path);
        return 2;
      }
      if (reply.empty()) {
        std::cerr << Hex(request) << ": no answer from cv2midi within " << cmd.wait << " s\n";
        status = 1;
        continue;
      }
      bool ok = false;
      const std::string text = cv2midi::tools::Describe(reply, &ok);
      (ok ? std::cout : std::cerr) << text << std::endl;
      if (!ok) status = 1;
    }
    // Once a second: what is left of the second after the answer, a Ctrl-C looked at
    // every 50 ms.
    while (cmd.watch && !interrupted && std::chrono::steady_clock::now() < next) usleep(50000);
  } while (cmd.watch && !interrupted);
  std::remove(path);
  return status;
}
