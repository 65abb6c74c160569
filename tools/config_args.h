// What cv2midi-config's arguments ask for: the settings requests, in order, as SysEx.
#ifndef CV2MIDI_TOOLS_CONFIG_ARGS_H_
#define CV2MIDI_TOOLS_CONFIG_ARGS_H_

#include <stdint.h>

#include <string>
#include <vector>

namespace cv2midi {
namespace tools {

struct ConfigCommand {
  std::string port;    // amidi's -p; empty with --print
  bool print = false;  // print the SysEx instead of sending it
  double wait = 1.0;   // seconds to wait for each reply
  bool watch = false;  // ask for the status once a second until interrupted
  bool list_ports = false;  // list the MIDI ports that look like cv2midi
  std::vector<std::vector<uint8_t>> requests;
};

// False with a message naming the bad argument.
bool ParseConfigArgs(const std::vector<std::string>& args, ConfigCommand* out, std::string* error);

std::string Hex(const std::vector<uint8_t>& bytes);
// A reply for people: the settings, the version or why it was refused.
std::string Describe(const std::vector<uint8_t>& reply, bool* ok);

// The lines of `amidi -l` whose port looks like a cv2midi.
std::vector<std::string> Cv2midiPorts(const std::string& amidi_list);

extern const char kConfigUsage[];

}  // namespace tools
}  // namespace cv2midi

#endif  // CV2MIDI_TOOLS_CONFIG_ARGS_H_
