// cv2midi-fuzz: the random scenario tester. Plays seeded random legal scenarios on the real
// firmware image, checks each against the contract's invariants, tallies violations by
// kind, and shrinks the first of each kind to a minimal scenario. Exit 1 when a run breaks
// an invariant that is not on the pending list (sim/fuzz.cc), 2 for bad arguments.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <map>
#include <string>

#include "sim/fuzz.h"

namespace {

void Usage() {
  std::cerr
      << "usage: cv2midi-fuzz [--seeds N] [--first S] [--soak HOURS] [--weights LIST]\n"
         "                    [--shrink] [--kind K] [--budget N] [--print] [--quiet]\n"
         "  --seeds N      play N seeds (default 20)\n"
         "  --first S      the first seed (default 1)\n"
         "  --soak HOURS   play seeds until this many hours are simulated (not for CI)\n"
         "  --weights LIST steer the generator, e.g. tempo=5,usb=0,max-seconds=60\n"
         "                 (names: sim/fuzz_gen.cc ParseWeights)\n"
         "  --shrink       shrink the first failure of each kind, pending ones too\n"
         "  --kind K       shrink only failures of kind K\n"
         "  --budget N     candidates tried per shrink (default 300)\n"
         "  --print        print every seed's scenario\n"
         "  --quiet        one line per failing seed only\n"
         "       cv2midi-fuzz --check FILE...\n"
         "  --check        check scenario files and print every violation, pending ones too\n";
}

// Plays each scenario file through the checker and prints every violation it finds. Exit 1
// when any file breaks an invariant that is not pending, 2 when a file cannot be read.
int CheckFiles(int argc, char** argv, int from) {
  using namespace cv2midi::sim;
  bool failed = false;
  for (int i = from; i < argc; ++i) {
    std::ifstream in(argv[i]);
    if (!in) {
      std::cerr << "cv2midi-fuzz: cannot read " << argv[i] << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    const FuzzRun run = PlayAndCheck(text.str());
    std::printf("%s: %s, %zu violations, %.1f s simulated\n", argv[i],
                run.legal ? "legal" : run.error.c_str(), run.violations.size(),
                run.simulated_seconds);
    for (const Violation& v : run.violations) {
      std::printf("  %s%s at cycle %llu: %s\n", v.kind.c_str(),
                  run.Pending(v) ? " (pending)" : "", static_cast<unsigned long long>(v.at),
                  v.what.c_str());
    }
    failed |= run.Fails("");
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cv2midi::sim;
  uint64_t first = 1;
  uint64_t seeds = 20;
  double soak_hours = 0;
  bool shrink = false, print = false, quiet = false;
  int budget = 300;
  std::string only_kind;
  FuzzWeights weights;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--check" && has_value) return CheckFiles(argc, argv, i + 1);
    if (arg == "--seeds" && has_value) {
      seeds = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--first" && has_value) {
      first = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--soak" && has_value) {
      soak_hours = std::atof(argv[++i]);
      seeds = UINT64_MAX;
    } else if (arg == "--weights" && has_value) {
      std::string error;
      if (!ParseWeights(argv[++i], &weights, &error)) {
        std::cerr << "cv2midi-fuzz: " << error << "\n";
        return 2;
      }
    } else if (arg == "--budget" && has_value) {
      budget = std::atoi(argv[++i]);
    } else if (arg == "--kind" && has_value) {
      only_kind = argv[++i];
      shrink = true;
    } else if (arg == "--shrink") {
      shrink = true;
    } else if (arg == "--print") {
      print = true;
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      Usage();
      return arg == "-h" || arg == "--help" ? 0 : 2;
    }
  }
  struct Tally {
    size_t runs = 0;
    size_t count = 0;
    uint64_t first_seed = 0;
    std::string example;
  };
  std::map<std::string, Tally> tally;
  double simulated = 0, wall = 0, slowest_ratio = 1e300;
  uint64_t slowest_seed = 0;
  bool failed = false;
  uint64_t played = 0;
  for (uint64_t seed = first; played < seeds; ++seed, ++played) {
    if (soak_hours > 0 && simulated >= soak_hours * 3600) break;
    const rc::Shrinkable<ScenarioLines> scenario = Generate(seed, weights);
    const std::string text = ScenarioText(scenario.value());
    const FuzzRun run = PlayAndCheck(text);
    simulated += run.simulated_seconds;
    wall += run.wall_seconds;
    if (run.wall_seconds > 0 && run.simulated_seconds / run.wall_seconds < slowest_ratio) {
      slowest_ratio = run.simulated_seconds / run.wall_seconds;
      slowest_seed = seed;
    }
    std::map<std::string, size_t> kinds;
    for (const Violation& v : run.violations) ++kinds[v.kind];
    if (!run.legal) kinds["illegal-scenario"] = 1;
    const bool bad = run.Fails("");
    failed |= bad;
    if (!quiet || bad) {
      std::printf("seed %llu  %.1f s simulated in %.2f s%s", static_cast<unsigned long long>(seed),
                  run.simulated_seconds, run.wall_seconds, kinds.empty() ? "  ok" : " ");
      for (const auto& k : kinds) {
        std::printf(" %s x%zu%s", k.first.c_str(), k.second,
                    IsPending(k.first, run.scope) ? " (pending)" : "");
      }
      std::printf("\n");
      if (!run.legal) std::printf("  %s\n", run.error.c_str());
      if (print || bad) std::printf("%s\n", text.c_str());
      if (bad) {
        for (const Violation& v : run.violations) {
          if (!run.Pending(v)) {
            std::printf("  %s at cycle %llu: %s\n", v.kind.c_str(),
                        static_cast<unsigned long long>(v.at), v.what.c_str());
          }
        }
      }
      std::fflush(stdout);
    }
    for (const auto& k : kinds) {
      Tally& t = tally[k.first];
      if (t.runs++ == 0) {
        t.first_seed = seed;
        for (const Violation& v : run.violations) {
          if (v.kind == k.first) {
            t.example = v.what;
            break;
          }
        }
        if (shrink && run.legal && (only_kind.empty() || only_kind == k.first)) {
          const Shrunk s = ShrinkFailure(scenario, k.first, budget);
          t.example += "\n    minimal scenario (" + std::to_string(s.tried) + " tried):\n";
          for (size_t a = 0, b; a < s.text.size(); a = b + 1) {
            b = s.text.find('\n', a);
            t.example += "      " + s.text.substr(a, b - a) + "\n";
          }
          for (const Violation& v : s.run.violations) {
            if (v.kind == k.first) {
              t.example += "    it gives: " + v.what;
              break;
            }
          }
        }
      }
      t.count += k.second;
    }
  }
  std::printf("\n%llu seeds, %.2f simulated hours in %.1f s of wall time; slowest seed %llu at "
              "%.0fx real time\n",
              static_cast<unsigned long long>(played), simulated / 3600, wall,
              static_cast<unsigned long long>(slowest_seed), slowest_ratio);
  if (tally.empty()) std::printf("no violations\n");
  for (const auto& k : tally) {
    std::printf("%-22s %zu runs, %zu times%s, first seed %llu: %s\n", k.first.c_str(),
                k.second.runs, k.second.count, IsPending(k.first) ? " (pending)" : "",
                static_cast<unsigned long long>(k.second.first_seed), k.second.example.c_str());
  }
  return failed ? 1 : 0;
}
