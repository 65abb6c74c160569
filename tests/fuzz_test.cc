// The random scenario tester in CI: the generator's scenarios are legal and cover every
// feature, shrinking keeps them legal and smaller, and a fixed budget of seeds runs on the
// real image with no violation outside the pending list (sim/fuzz.cc, kPendingKinds).
#include "sim/fuzz.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <map>
#include <string>

#include "sim/scenario.h"

namespace cv2midi {
namespace sim {
namespace {

// Seeds per CI shard: six shards of 50 (seeds 1-300), each well inside ctest's 300 s
// limit on a loaded 2-core machine; ctest -j2 runs two side by side.
constexpr uint64_t kCiSeedsPerShard = 50;
constexpr int kCiShards = 6;

TEST(FuzzGen, EveryScenarioIsLegalAndAllFeaturesCome) {
  const FuzzWeights weights;
  std::map<std::string, int> seen;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const ScenarioLines lines = Generate(seed, weights).value();
    Scenario s;
    std::string error;
    ASSERT_TRUE(ParseScenario(ScenarioText(lines), "gen", &s, &error))
        << "seed " << seed << ": " << error << "\n" << ScenarioText(lines);
    for (const std::string& l : lines) ++seen[l.substr(0, l.find(' '))];
  }
  for (const char* word : {"ppqn", "setting", "tempo", "ramp", "silence", "swing", "jitter",
                           "glitches", "missing", "double", "button", "reset", "gate", "midi",
                           "midi-notes", "midi-sysex", "midi-garbage", "usb", "usb-out"}) {
    EXPECT_GT(seen[word], 0) << word << " never generated";
  }
}

// The same through RapidCheck's own runner, on its seeds (RC_PARAMS="seed=N" repeats one):
// a generated scenario the parser refuses is shrunk and printed.
RC_GTEST_PROP(FuzzGen, AnyGeneratedScenarioParses, ()) {
  const ScenarioLines lines = *GenScenario(FuzzWeights());
  Scenario s;
  std::string error;
  RC_ASSERT(ParseScenario(ScenarioText(lines), "gen", &s, &error) ||
            error.find("plays nothing") != std::string::npos);
}

// No settings request makes the pulses faster than legal input: the PPQN is never set
// below the scenario's, nor restored to the default 1 from above it (fresh seed 8100027).
TEST(FuzzGen, NoRequestLowersThePpqn) {
  FuzzWeights weights;
  std::string error;
  ASSERT_TRUE(ParseWeights("settings=5,ppqn=5", &weights, &error)) << error;
  int requests = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const ScenarioLines lines = Generate(seed, weights).value();
    int ppqn = 1;
    for (const std::string& l : lines) {
      if (l.rfind("ppqn ", 0) == 0) ppqn = std::stoi(l.substr(5));
    }
    for (const std::string& l : lines) {
      const size_t set = l.find("63 32 02 01 ");
      if (set != std::string::npos) {
        const int value = std::stoi(l.substr(set + 12, 2), nullptr, 16);
        if (value <= 24 || value == 48 || value == 96) {  // valid ones; others are refused
          EXPECT_GE(value, ppqn) << "seed " << seed << ": " << l;
          ++requests;
        }
      }
      if (l.find("63 32 03 ") != std::string::npos) {
        EXPECT_EQ(ppqn, 1) << "seed " << seed << ": " << l;
        ++requests;
      }
    }
  }
  EXPECT_GT(requests, 20);
}

TEST(FuzzGen, SameSeedSameScenario) {
  const FuzzWeights weights;
  EXPECT_EQ(Generate(7, weights).value(), Generate(7, weights).value());
  EXPECT_NE(Generate(7, weights).value(), Generate(8, weights).value());
}

TEST(FuzzGen, WeightsSteerIt) {
  FuzzWeights clock_only;
  std::string error;
  ASSERT_TRUE(ParseWeights("button=0,reset=0,gate=0,midi=0,midi-notes=0,midi-sysex=0,"
                           "midi-garbage=0,usb=0,usb-out=0,settings=0",
                           &clock_only, &error));
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    for (const std::string& l : Generate(seed, clock_only).value()) {
      EXPECT_EQ(l.find(" at "), std::string::npos) << l;
    }
  }
  EXPECT_FALSE(ParseWeights("tempo=1,colour=2", &clock_only, &error));
  EXPECT_EQ(error, "unknown weight 'colour'");
}

// Issue 14's settings come with their weights (on by default) and not without them: as
// power-up lines and as set requests (params 0A-0C), valid or just out of range, and all
// parse.
TEST(FuzzGen, ShiftAndSmoothComeOnlyWithTheirWeights) {
  const char* const kWords[] = {"din-shift", "usb-shift", "smooth", "63 32 02 0A ", "63 32 02 0B ",
                                "63 32 02 0C "};
  FuzzWeights plain;
  std::string error;
  ASSERT_TRUE(ParseWeights("shift=0,smooth=0", &plain, &error)) << error;
  const FuzzWeights with;
  std::map<std::string, int> plain_seen, with_seen;
  int shifted = 0, filtered = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    for (const std::string& l : Generate(seed, plain).value()) {
      for (const char* w : kWords) plain_seen[w] += l.find(w) != std::string::npos;
    }
    const ScenarioLines lines = Generate(seed, with).value();
    Scenario s;
    ASSERT_TRUE(ParseScenario(ScenarioText(lines), "gen", &s, &error) ||
                error.find("plays nothing") != std::string::npos)
        << "seed " << seed << ": " << error << "\n" << ScenarioText(lines);
    bool shift = false, smooth = false;
    for (const std::string& l : lines) {
      for (const char* w : kWords) with_seen[w] += l.find(w) != std::string::npos;
      shift |= l.find("-shift") != std::string::npos;
      smooth |= l.find("setting smooth") != std::string::npos;
    }
    shifted += shift;
    filtered += smooth;
  }
  for (const char* w : kWords) {
    EXPECT_EQ(plain_seen[w], 0) << w;
    EXPECT_GT(with_seen[w], 0) << w;
  }
  // About 10 % and 8 % of scenarios power up with a shift and with the filter.
  EXPECT_GT(shifted, 15);
  EXPECT_LT(shifted, 50);
  EXPECT_GT(filtered, 10);
  EXPECT_LT(filtered, 40);
}

// The shift and the filter are drawn after everything else: with their weights a seed
// plays the scenario it played without them, plus their power-up lines, and some of its
// set requests made into requests for params 10-12 at the same moment.
TEST(FuzzGen, TheShiftLeavesTheRestOfEachSeedAsItWas) {
  FuzzWeights plain;
  std::string error;
  ASSERT_TRUE(ParseWeights("shift=0,smooth=0", &plain, &error)) << error;
  int rewritten = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const ScenarioLines before = Generate(seed, plain).value();
    ScenarioLines after;
    for (const std::string& l : Generate(seed, FuzzWeights()).value()) {
      if (l.compare(0, 17, "setting din-shift") != 0 &&
          l.compare(0, 17, "setting usb-shift") != 0 && l.compare(0, 14, "setting smooth") != 0) {
        after.push_back(l);
      }
    }
    ASSERT_EQ(after.size(), before.size()) << "seed " << seed;
    for (size_t i = 0; i < before.size(); ++i) {
      if (after[i] == before[i]) continue;
      // A set request made into one for params 10-12: same port, same moment.
      const std::string request = "F0 7D 63 32 02 ";
      ASSERT_NE(before[i].find(request), std::string::npos) << before[i];
      EXPECT_TRUE(after[i].find(request + "0A ") != std::string::npos ||
                  after[i].find(request + "0B ") != std::string::npos ||
                  after[i].find(request + "0C ") != std::string::npos)
          << after[i];
      EXPECT_EQ(after[i].substr(0, after[i].find(' ')), before[i].substr(0, before[i].find(' ')));
      EXPECT_EQ(after[i].substr(after[i].rfind(" at ")), before[i].substr(before[i].rfind(" at ")));
      ++rewritten;
    }
  }
  EXPECT_GT(rewritten, 5);
}

// Issue 14's bugs are pending only where a run can have their shift: DIN following the
// host (din-shift above usb-shift at some moment) or a negative shift.
TEST(Fuzz, TheShiftsPendingKindsArePendingOnlyWhereTheShiftIs) {
  Scenario plain, follows, negative;
  std::string error;
  ASSERT_TRUE(ParseScenario("tempo 120 for 2 beats\n", "t", &plain, &error)) << error;
  ASSERT_TRUE(ParseScenario("tempo 120 for 2 beats\nmidi F0 7D 63 32 02 0A 01 00 F7 at 1s\n", "t",
                            &follows, &error))
      << error;
  ASSERT_TRUE(ParseScenario("setting usb-shift -8ms\nsetting din-shift -8ms\n"
                            "tempo 120 for 2 beats\n", "t", &negative, &error))
      << error;
  const ShiftScope p = ScopeOf(plain), f = ScopeOf(follows), n = ScopeOf(negative);
  EXPECT_FALSE(p.din_follows || p.negative);
  EXPECT_TRUE(f.din_follows);
  EXPECT_FALSE(f.negative);
  EXPECT_FALSE(n.din_follows);
  EXPECT_TRUE(n.negative);
  EXPECT_FALSE(IsPending("thru-invented", p));
  EXPECT_TRUE(IsPending("thru-invented", f));
  EXPECT_FALSE(IsPending("clock-ahead", f));
  EXPECT_TRUE(IsPending("clock-ahead", n));
  EXPECT_TRUE(IsPending("latency", p));
}

TEST(FuzzGen, ShrinksAreLegalAndSmaller) {
  const rc::Shrinkable<ScenarioLines> s = Generate(11, FuzzWeights());
  const ScenarioLines whole = s.value();
  rc::Seq<rc::Shrinkable<ScenarioLines>> shrinks = s.shrinks();
  int count = 0;
  while (count < 200) {
    rc::Maybe<rc::Shrinkable<ScenarioLines>> next = shrinks.next();
    if (!next) break;
    ++count;
    const ScenarioLines lines = next->value();
    EXPECT_LE(lines.size(), whole.size());
    EXPECT_NE(lines, whole);
    Scenario parsed;
    std::string error;
    if (!lines.empty()) {
      // Removing lines may leave nothing to play; anything else must parse.
      const bool ok = ParseScenario(ScenarioText(lines), "shrunk", &parsed, &error);
      EXPECT_TRUE(ok || error.find("plays nothing") != std::string::npos) << error;
    }
  }
  EXPECT_GT(count, 0);
}

TEST(Fuzz, ShrinkingFindsTheLinesThatBreakAnInvariant) {
  // Issue 11's bug 1 (a reset 20 us after an edge gives a second Start), buried in lines
  // that have nothing to do with it.
  const ScenarioLines lines = {"setting timeout 3",           "midi 90 3C 64 at 100ms",
                               "tempo 120 for 8 beats",       "usb-out 9F 3C 64 at 200ms",
                               "button hold 3ms at 3s",       "reset at 2000005us",
                               "midi-sysex 40 at 2500ms",     "silence 2s"};
  const rc::Shrinkable<ScenarioLines> s = rc::shrinkable::shrinkRecur(
      lines, [](const ScenarioLines& l) { return rc::shrink::removeChunks(l); });
  ASSERT_TRUE(PlayAndCheck(ScenarioText(lines)).Fails("start-while-running"));
  const Shrunk shrunk = ShrinkFailure(s, "start-while-running", 200);
  EXPECT_TRUE(shrunk.run.Fails("start-while-running"));
  EXPECT_EQ(shrunk.text, "tempo 120 for 8 beats\nreset at 2000005us\n");
  // A kind that never shows shrinks nothing.
  EXPECT_EQ(ShrinkFailure(s, "reply-value", 20).text, ScenarioText(lines));
}

class CiSeeds : public testing::TestWithParam<int> {};

TEST_P(CiSeeds, NoViolationOutsideThePendingList) {
  const FuzzWeights weights;
  std::map<std::string, int> pending;
  double simulated = 0, wall = 0;
  const uint64_t first = 1 + static_cast<uint64_t>(GetParam()) * kCiSeedsPerShard;
  for (uint64_t seed = first; seed < first + kCiSeedsPerShard; ++seed) {
    const rc::Shrinkable<ScenarioLines> scenario = Generate(seed, weights);
    const FuzzRun run = PlayAndCheck(ScenarioText(scenario.value()));
    simulated += run.simulated_seconds;
    wall += run.wall_seconds;
    ASSERT_TRUE(run.legal) << "seed " << seed << ": " << run.error;
    for (const Violation& v : run.violations) {
      if (run.Pending(v)) ++pending[v.kind];
    }
    if (run.Fails("")) {
      const Shrunk s = ShrinkFailure(scenario, "", 150);
      std::string found;
      for (const Violation& v : s.run.violations) {
        if (!s.run.Pending(v)) found += "  " + v.kind + ": " + v.what + "\n";
      }
      ADD_FAILURE() << "seed " << seed << " breaks the contract; minimal scenario ("
                    << s.tried << " shrinks tried):\n" << s.text << found;
    }
  }
  std::printf("[ fuzz     ] seeds %llu..%llu: %.2f simulated hours in %.1f s\n",
              static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + kCiSeedsPerShard - 1), simulated / 3600,
              wall);
  for (const auto& p : pending) {
    std::printf("[ fuzz     ] pending %s: %d\n", p.first.c_str(), p.second);
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, CiSeeds, testing::Range(0, kCiShards));

}  // namespace
}  // namespace sim
}  // namespace cv2midi
