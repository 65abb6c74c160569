// The awake-cycle profile; see profile.h.
#include "sim/profile.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <map>

namespace cv2midi {
namespace sim {
namespace {

// The ATmega32U4's interrupt vectors by number (datasheet section 9, avr-libc's names),
// so a profile says "TIMER3_COMPA" where the symbol says "__vector_32".
const char* VectorName(int number) {
  static const std::map<int, const char*> kNames = {
      {1, "INT0"},          {2, "INT1"},          {3, "INT2"},          {4, "INT3"},
      {7, "INT6"},          {9, "PCINT0"},        {10, "USB_GEN"},      {11, "USB_COM"},
      {12, "WDT"},          {16, "TIMER1_CAPT"},  {17, "TIMER1_COMPA"}, {18, "TIMER1_COMPB"},
      {19, "TIMER1_COMPC"}, {20, "TIMER1_OVF"},   {21, "TIMER0_COMPA"}, {22, "TIMER0_COMPB"},
      {23, "TIMER0_OVF"},   {24, "SPI_STC"},      {25, "USART1_RX"},    {26, "USART1_UDRE"},
      {27, "USART1_TX"},    {28, "ANALOG_COMP"},  {29, "ADC"},          {30, "EE_READY"},
      {31, "TIMER3_CAPT"},  {32, "TIMER3_COMPA"}, {33, "TIMER3_COMPB"}, {34, "TIMER3_COMPC"},
      {35, "TIMER3_OVF"},   {36, "TWI"},          {37, "SPM_READY"},    {38, "TIMER4_COMPA"},
      {39, "TIMER4_COMPB"}, {40, "TIMER4_COMPD"}, {41, "TIMER4_OVF"},   {42, "TIMER4_FPF"}};
  const auto it = kNames.find(number);
  return it == kNames.end() ? nullptr : it->second;
}

std::string Demangle(const char* name) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return name;
  std::string out = demangled;
  std::free(demangled);
  return out;
}

void EraseAll(std::string* s, const std::string& what) {
  for (size_t at; (at = s->find(what)) != std::string::npos;) s->erase(at, what.size());
}

}  // namespace

std::string ShortFunctionName(const std::string& demangled) {
  std::string s = demangled;
  const std::string vector = "__vector_";
  if (s.compare(0, vector.size(), vector) == 0) {
    const char* name = VectorName(std::atoi(s.c_str() + vector.size()));
    return name != nullptr ? std::string(name) + " interrupt" : s;
  }
  EraseAll(&s, "(anonymous namespace)::");
  // GCC's clone suffixes: " [clone .constprop.0]", " [clone .lto_priv.81]", ...
  for (size_t at; (at = s.find(" [clone ")) != std::string::npos;) {
    const size_t end = s.find(']', at);
    s.erase(at, end == std::string::npos ? std::string::npos : end + 1 - at);
  }
  // The argument list: the first '(' outside template brackets.
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>') --depth;
    if (s[i] == '(' && depth == 0) {
      s.resize(i);
      break;
    }
  }
  for (const char* prefix : {"cv2midi::firmware::", "cv2midi::"}) {
    const std::string p = prefix;
    if (s.compare(0, p.size(), p) == 0) s.erase(0, p.size());
  }
  EraseAll(&s, "cv2midi::");
  return s;
}

bool ReadFunctionSymbols(const std::string& elf_path, std::vector<FunctionSymbol>* symbols,
                         std::string* error) {
  symbols->clear();
  if (elf_version(EV_CURRENT) == EV_NONE) {
    *error = "libelf is too old";
    return false;
  }
  const int fd = open(elf_path.c_str(), O_RDONLY);
  if (fd < 0) {
    *error = "cannot open " + elf_path;
    return false;
  }
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  bool found_table = false;
  for (Elf_Scn* scn = elf != nullptr ? elf_nextscn(elf, nullptr) : nullptr; scn != nullptr;
       scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) == nullptr || shdr.sh_type != SHT_SYMTAB) continue;
    found_table = true;
    Elf_Data* data = elf_getdata(scn, nullptr);
    const size_t count = shdr.sh_entsize != 0 ? shdr.sh_size / shdr.sh_entsize : 0;
    for (size_t i = 0; data != nullptr && i < count; ++i) {
      GElf_Sym sym;
      if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) continue;
      // Code in flash only (AVR data addresses start at 0x800000): functions, and libgcc's
      // assembly helpers (__prologue_saves__, __udivmodhi4), which are typeless but sized.
      const int type = GELF_ST_TYPE(sym.st_info);
      if ((type != STT_FUNC && type != STT_NOTYPE) || sym.st_size == 0 ||
          sym.st_value >= 0x800000 || sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS) {
        continue;
      }
      const char* name = elf_strptr(elf, shdr.sh_link, sym.st_name);
      symbols->push_back({static_cast<uint32_t>(sym.st_value),
                          static_cast<uint32_t>(sym.st_size),
                          Demangle(name != nullptr ? name : "?")});
    }
  }
  if (elf != nullptr) elf_end(elf);
  close(fd);
  if (!found_table) {
    *error = elf_path + " has no symbol table (was it stripped?)";
    return false;
  }
  std::sort(symbols->begin(), symbols->end(),
            [](const FunctionSymbol& a, const FunctionSymbol& b) { return a.address < b.address; });
  return true;
}

Profile SumByFunction(const std::vector<uint64_t>& word_cycles,
                      const std::vector<FunctionSymbol>& symbols) {
  Profile profile;
  std::vector<uint64_t> per_symbol(symbols.size(), 0);
  for (size_t word = 0; word < word_cycles.size(); ++word) {
    const uint64_t cycles = word_cycles[word];
    if (cycles == 0) continue;
    profile.awake_cycles += cycles;
    const uint32_t address = static_cast<uint32_t>(word * 2);
    // The last symbol starting at or before the address, if it spans it.
    const auto after = std::upper_bound(
        symbols.begin(), symbols.end(), address,
        [](uint32_t a, const FunctionSymbol& s) { return a < s.address; });
    if (after != symbols.begin()) {
      const auto s = after - 1;
      if (address < s->address + s->size) {
        per_symbol[static_cast<size_t>(s - symbols.begin())] += cycles;
        continue;
      }
    }
    profile.outside_functions += cycles;
  }
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (per_symbol[i] == 0) continue;
    profile.functions.push_back({ShortFunctionName(symbols[i].name), symbols[i].address,
                                 per_symbol[i]});
  }
  std::stable_sort(profile.functions.begin(), profile.functions.end(),
                   [](const FunctionCycles& a, const FunctionCycles& b) {
                     return a.cycles > b.cycles;
                   });
  return profile;
}

void PrintProfile(const Profile& profile, uint64_t run_cycles, size_t rows, std::ostream& out) {
  const double seconds = static_cast<double>(run_cycles) / 16e6;
  const double awake = static_cast<double>(profile.awake_cycles);
  out << "Where the CPU is awake (" << profile.awake_cycles << " cycles, "
      << std::fixed << std::setprecision(2)
      << (run_cycles > 0 ? 100.0 * awake / static_cast<double>(run_cycles) : 0.0)
      << " % of the run)\n";
  out << "  " << std::setw(12) << "cycles" << std::setw(8) << "share" << std::setw(12)
      << "cycles/s" << "  function\n";
  auto row = [&](uint64_t cycles, const std::string& name) {
    out << "  " << std::setw(12) << cycles << std::setw(7) << std::setprecision(1)
        << (awake > 0 ? 100.0 * static_cast<double>(cycles) / awake : 0.0) << "%"
        << std::setw(12) << std::setprecision(0)
        << (seconds > 0 ? static_cast<double>(cycles) / seconds : 0.0) << "  " << name << "\n";
  };
  uint64_t rest = profile.outside_functions;
  for (size_t i = 0; i < profile.functions.size(); ++i) {
    if (i < rows) {
      row(profile.functions[i].cycles, profile.functions[i].name);
    } else {
      rest += profile.functions[i].cycles;
    }
  }
  if (profile.outside_functions != 0 || profile.functions.size() > rows) {
    row(rest, "(the rest: smaller functions, vector jumps, start-up)");
  }
}

}  // namespace sim
}  // namespace cv2midi
