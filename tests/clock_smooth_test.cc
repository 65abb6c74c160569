// The jitter filter (issue 14): clocks spaced by a filtered tempo, never more out than the
// pulses earned, a real tempo change followed within two pulses, each pulse's clock 0 in
// a stated window after it.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/clock_engine.h"
#include "tests/engine_rig.h"

namespace cv2midi {
namespace {

constexpr uint64_t kBeat = 8000000;  // 120 BPM

EngineSettings Smooth(uint8_t strength, uint8_t ppqn = 1) {
  EngineSettings s;
  s.ppqn = ppqn;
  s.smooth = strength;
  return s;
}

// Uniform jitter in [-j, j] ticks from a fixed LCG, the same for every run.
struct Jitter {
  uint32_t state = 12345;
  int64_t Next(int64_t j) {
    state = state * 1664525u + 1013904223u;
    return static_cast<int64_t>(state >> 8) % (2 * j + 1) - j;
  }
};

struct Played {
  std::vector<uint64_t> edges;
  std::vector<uint64_t> clocks;
  EngineStats stats;
  uint32_t line_violations;
};

Played Play(const EngineSettings& settings, const std::vector<uint64_t>& edges) {
  EngineRig rig(settings);
  Played r;
  for (uint64_t t : edges) {
    if (rig.Edge(t)) r.edges.push_back(t);
  }
  rig.RunUntil(edges.back() + 4 * kBeat);
  for (const Sent& s : rig.out) {
    if (s.byte == midi::kClock) r.clocks.push_back(s.at);
  }
  r.stats = rig.engine.stats();
  r.line_violations = rig.line_violations;
  return r;
}

std::vector<uint64_t> JitteredEdges(uint64_t interval, int count, int64_t jitter) {
  Jitter j;
  std::vector<uint64_t> e;
  for (int k = 0; k < count; ++k) e.push_back(1000000 + k * interval + 2 * kTicksPerMs + j.Next(jitter));
  return e;
}

// Standard deviation of clock-to-clock spacing, in ticks, over the clocks after the first
// `skip` and before the stop.
double SpacingSd(const std::vector<uint64_t>& c, size_t skip) {
  double sum = 0, sq = 0;
  size_t n = 0;
  for (size_t i = skip + 1; i < c.size(); ++i) {
    const double d = static_cast<double>(c[i] - c[i - 1]);
    sum += d;
    sq += d * d;
    ++n;
  }
  const double mean = sum / n;
  return std::sqrt(sq / n - mean * mean);
}

size_t ClocksBefore(const std::vector<uint64_t>& c, uint64_t t) {
  size_t n = 0;
  for (uint64_t x : c) n += x < t;
  return n;
}

TEST(ClockSmooth, FourTimesLessSpacingJitterAtStrengthTwo) {
  for (uint8_t ppqn : {1, 4}) {
    const uint64_t interval = kBeat / ppqn;
    const std::vector<uint64_t> edges = JitteredEdges(interval, 64 * ppqn, kTicksPerMs);
    const Played off = Play(Smooth(0, ppqn), edges);
    const Played two = Play(Smooth(2, ppqn), edges);
    const size_t skip = 48;  // the filter settles
    const double ratio = SpacingSd(off.clocks, skip) / SpacingSd(two.clocks, skip);
    EXPECT_GE(ratio, 4.0) << "ppqn " << int{ppqn} << ": off " << SpacingSd(off.clocks, skip)
                          << " two " << SpacingSd(two.clocks, skip);
    EXPECT_EQ(two.stats.relocks, 0u) << "jitter is not a tempo change";
  }
}

TEST(ClockSmooth, NeverMoreClocksThanThePulsesEarnedAndAllOfThemAtTheStop) {
  for (uint8_t strength : {1, 2, 3}) {
    for (uint8_t ppqn : {1, 4, 24}) {
     for (uint64_t jitter : {kTicksPerMs, 3 * kTicksPerMs}) {
      const uint64_t interval = kBeat / ppqn;
      const uint8_t n = static_cast<uint8_t>(24 / ppqn);
      const Played r = Play(Smooth(strength, ppqn), JitteredEdges(interval, 40, jitter));
      for (size_t k = 1; k < r.edges.size(); ++k) {
        // Clocks before edge k (plus L: its own clock 0 cannot be before it) are those of
        // the k pulses before it, at most.
        ASSERT_LE(ClocksBefore(r.clocks, r.edges[k] + 1536), k * n)
            << "strength " << int{strength} << " ppqn " << int{ppqn} << " edge " << k;
      }
      EXPECT_EQ(r.clocks.size(), r.edges.size() * n);
      EXPECT_EQ(r.line_violations, 0u);
     }
    }
  }
}

TEST(ClockSmooth, EachPulsesDownbeatLandsInItsWindow) {
  // Jitter past the filter's lag: some pulses come after the grid, some far before it.
  const Played r = Play(Smooth(3), JitteredEdges(kBeat, 40, 3 * kTicksPerMs));
  for (size_t k = 0; k < r.edges.size(); ++k) {
    const uint64_t downbeat = r.clocks[k * 24];
    const uint64_t pulse = r.edges[k] + 1536;
    EXPECT_GE(downbeat, pulse + (k == 0 ? 0 : ClockEngine::kSmoothEarliest)) << "pulse " << k;
    EXPECT_LE(downbeat, pulse + ClockEngine::kSmoothLatest + (k == 0 ? kByteTicks : 0))
        << "pulse " << k;
  }
}

TEST(ClockSmooth, ATempoStepIsFollowedWithinTwoPulses) {
  for (uint8_t strength : {1, 2, 3}) {
    for (uint8_t ppqn : {1, 4}) {
      std::vector<uint64_t> edges;
      uint64_t t = 1000000;
      const uint64_t slow = kBeat / ppqn;
      const uint64_t fast = kBeat * 120 / 150 / ppqn;
      for (int k = 0; k < 16; ++k, t += slow) edges.push_back(t);
      const size_t step = edges.size();  // the first edge at the new tempo
      for (int k = 0; k < 16; ++k, t += fast) edges.push_back(t);
      const Played r = Play(Smooth(strength, ppqn), edges);
      const uint8_t n = static_cast<uint8_t>(24 / ppqn);
      // From the clocks of pulse step + 2 on, every spacing within 0.1 % of the new tempo
      // (the last pulse's interval is not there to check).
      const double want = static_cast<double>(fast) / n;
      for (size_t i = (step + 2) * n + 1; i < (edges.size() - 1) * n; ++i) {
        const double d = static_cast<double>(r.clocks[i] - r.clocks[i - 1]);
        ASSERT_NEAR(d, want, want / 1000) << "strength " << int{strength} << " ppqn "
                                          << int{ppqn} << " clock " << i;
      }
      EXPECT_EQ(r.clocks.size(), edges.size() * n);
    }
  }
}

TEST(ClockSmooth, OffIsTodaysBehaviour) {
  const std::vector<uint64_t> edges = JitteredEdges(kBeat, 20, kTicksPerMs);
  const Played r = Play(Smooth(0), edges);
  for (size_t k = 0; k < edges.size(); ++k) {
    EXPECT_EQ(r.clocks[k * 24], edges[k] + 1536 + (k == 0 ? kByteTicks : 0)) << "pulse " << k;
  }
}

}  // namespace
}  // namespace cv2midi
