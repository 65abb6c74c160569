// Where the firmware spends its awake cycles: each instruction's cycles (less any spent
// asleep) counted against its address while the simulator runs, then summed per function
// of the image's symbol table. The figures are exact cycle counts, as the report's.
#ifndef CV2MIDI_SIM_PROFILE_H_
#define CV2MIDI_SIM_PROFILE_H_

#include <stdint.h>

#include <ostream>
#include <string>
#include <vector>

namespace cv2midi {
namespace sim {

struct FunctionCycles {
  std::string name;  // demangled and shortened (see ShortFunctionName)
  uint32_t address = 0;  // byte address in flash
  uint64_t cycles = 0;
};

struct Profile {
  std::vector<FunctionCycles> functions;  // those with cycles, most first
  uint64_t awake_cycles = 0;              // every cycle counted, in a function or not
  uint64_t outside_functions = 0;         // cycles at addresses no function symbol covers
};

// The function symbols of an AVR image: start and size in bytes, names demangled.
struct FunctionSymbol {
  uint32_t address;
  uint32_t size;
  std::string name;
};
bool ReadFunctionSymbols(const std::string& elf_path, std::vector<FunctionSymbol>* symbols,
                         std::string* error);

// Sums cycles counted per instruction word (index = byte address / 2) into functions.
Profile SumByFunction(const std::vector<uint64_t>& word_cycles,
                      const std::vector<FunctionSymbol>& symbols);

// A demangled name without its argument list, namespaces the reader does not need, or the
// compiler's clone suffixes: "cv2midi::hal::UsbDevice::Poll(void (*)(...)) [clone .constprop.0]"
// reads "hal::UsbDevice::Poll".
std::string ShortFunctionName(const std::string& demangled);

// The table cv2midi-sim --profile prints: the top `rows` functions, with their share of the
// awake cycles and their cycles per simulated second.
void PrintProfile(const Profile& profile, uint64_t run_cycles, size_t rows, std::ostream& out);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_PROFILE_H_
