// Test helpers for the files a traced run writes: a run into a directory of its own, a VCD
// reader of our own (names by scope, levels at #0, every change) and a shell runner for the
// outside tools that must read the files.
#ifndef CV2MIDI_TESTS_TRACE_FILES_H_
#define CV2MIDI_TESTS_TRACE_FILES_H_

#include <gtest/gtest.h>
#include <stdint.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/run.h"
#include "sim/scenario.h"

namespace cv2midi {
namespace sim {

struct TracedRun {
  std::string base;  // DIR/NAME: the .vcd, .logic.vcd, .gtkw and .pcap sit beside it
  RunResult run;
};

// The directories PlayTraced made; removed when the test program ends, unless
// CV2MIDI_KEEP_TRACES is set (to look at them).
inline void RemoveAtExit(const std::string& dir) {
  static std::vector<std::string>* dirs = nullptr;
  if (dirs == nullptr) {
    dirs = new std::vector<std::string>();
    atexit([] {
      if (getenv("CV2MIDI_KEEP_TRACES") != nullptr) return;
      for (const std::string& d : *dirs) {
        if (system(("rm -rf '" + d + "'").c_str()) != 0) continue;
      }
    });
  }
  dirs->push_back(dir);
}

// Plays a shipped scenario with every trace written, in a fresh directory (tests run in
// parallel, so no two share a file).
inline TracedRun PlayTraced(const std::string& file) {
  TracedRun t;
  Scenario scenario;
  std::string error;
  EXPECT_TRUE(LoadScenario(std::string(CV2MIDI_SCENARIOS) + "/" + file, &scenario, &error))
      << error;
  std::string dir = std::string(CV2MIDI_TEST_TMP) + "/traces-" + std::string(6, 'X');  // mkdtemp fills the Xs
  EXPECT_NE(mkdtemp(&dir[0]), nullptr);
  RemoveAtExit(dir);
  t.base = dir + "/" + file.substr(0, file.size() - 4);
  RunOptions options;
  options.elf = DefaultElf();
  options.trace_base = t.base;
  EXPECT_TRUE(RunScenario(scenario, options, &t.run, &error)) << error;
  return t;
}

// Runs a shell command; its standard output, and its exit status in `status`.
inline std::string Shell(const std::string& command, int* status) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

inline bool HaveTool(const std::string& tool) {
  int status = 0;
  Shell("command -v " + tool + " >/dev/null 2>&1", &status);
  return status == 0;
}

struct VcdVar {
  std::string name;  // full: scope.scope.name, with [msb:lsb] for vectors as GTKWave shows it
  std::string reference;
  int width = 1;
  bool initial_defined = false;
  uint32_t initial = 0;
  std::vector<std::pair<uint64_t, uint32_t>> changes;  // (time, value) after #0
};

struct Vcd {
  std::string timescale;
  std::vector<VcdVar> vars;
  std::map<std::string, size_t> by_id;
  uint64_t end = 0;
  std::string error;  // empty when it parsed

  const VcdVar* Find(const std::string& name) const {
    for (const VcdVar& v : vars) {
      if (v.name == name || v.reference == name) return &v;
    }
    return nullptr;
  }
  // The level of `name` just after time `t`.
  uint32_t At(const std::string& name, uint64_t t) const {
    const VcdVar* v = Find(name);
    uint32_t level = v->initial;
    for (const auto& c : v->changes) {
      if (c.first > t) break;
      level = c.second;
    }
    return level;
  }
};

inline Vcd ReadVcd(const std::string& path) {
  Vcd vcd;
  std::ifstream f(path);
  if (!f) {
    vcd.error = "cannot open " + path;
    return vcd;
  }
  std::vector<std::string> scopes;
  std::string word;
  bool header = true, dumpvars = false;
  uint64_t now = 0;
  auto value = [&](const std::string& id, uint32_t v, bool defined) {
    auto it = vcd.by_id.find(id);
    if (it == vcd.by_id.end()) {
      vcd.error = "a change of unknown identifier " + id;
      return;
    }
    VcdVar& var = vcd.vars[it->second];
    if (dumpvars || now == 0) {
      var.initial = v;
      var.initial_defined = defined;
    } else {
      var.changes.emplace_back(now, v);
    }
  };
  while (f >> word) {
    if (header) {
      if (word == "$timescale") {
        std::string w;
        while (f >> w && w != "$end") vcd.timescale += (vcd.timescale.empty() ? "" : " ") + w;
      } else if (word == "$scope") {
        std::string kind, name, end;
        f >> kind >> name >> end;
        scopes.push_back(name);
      } else if (word == "$upscope") {
        f >> word;
        if (!scopes.empty()) scopes.pop_back();
      } else if (word == "$var") {
        VcdVar v;
        std::string type, id, rest;
        f >> type >> v.width >> id >> v.reference;
        std::string range;
        while (f >> rest && rest != "$end") range += rest;
        for (const std::string& s : scopes) v.name += s + ".";
        v.name += v.reference;
        if (v.width > 1) v.name += range.empty() ? "[" + std::to_string(v.width - 1) + ":0]" : range;
        vcd.by_id[id] = vcd.vars.size();
        vcd.vars.push_back(v);
      } else if (word == "$enddefinitions") {
        f >> word;
        header = false;
      } else if (word == "$comment") {
        while (f >> word && word != "$end") {
        }
      }
      continue;
    }
    if (word == "$dumpvars") {
      dumpvars = true;
    } else if (word == "$end") {
      dumpvars = false;
    } else if (word[0] == '#') {
      now = std::stoull(word.substr(1));
      vcd.end = now;
    } else if (word[0] == 'b' || word[0] == 'B') {
      std::string id;
      f >> id;
      const bool defined = word.find_first_of("xXzZ") == std::string::npos;
      value(id, defined ? static_cast<uint32_t>(std::stoul(word.substr(1), nullptr, 2)) : 0,
            defined);
    } else if (word[0] == '0' || word[0] == '1' || word[0] == 'x' || word[0] == 'X' ||
               word[0] == 'z' || word[0] == 'Z') {
      value(word.substr(1), word[0] == '1', word[0] == '0' || word[0] == '1');
    }
    if (!vcd.error.empty()) break;
  }
  return vcd;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_TESTS_TRACE_FILES_H_
