// The clock shift (issue 14): every clock and transport byte at its unshifted time plus
// the shift; a negative shift sends a pulse's clocks ahead of it on the predicted grid,
// waits for a late pulse and bursts after an early one, and never loses a clock.
#include <gtest/gtest.h>

#include <vector>

#include "core/clock_engine.h"
#include "core/din_line.h"
#include "tests/engine_rig.h"

namespace cv2midi {
namespace {

constexpr uint64_t kBeat = 8000000;  // 120 BPM
constexpr int32_t kShift8 = 8 * static_cast<int32_t>(kTicksPerMs);

EngineSettings Shifted(int32_t shift, uint8_t ppqn = 1) {
  EngineSettings s;
  s.ppqn = ppqn;
  s.shift_ticks = shift;
  return s;
}

std::vector<uint64_t> Clocks(const EngineRig& rig) {
  std::vector<uint64_t> c;
  for (const Sent& s : rig.out) {
    if (s.byte == midi::kClock) c.push_back(s.at);
  }
  return c;
}

size_t ClocksBefore(const EngineRig& rig, uint64_t t) {
  size_t n = 0;
  for (const Sent& s : rig.out) n += s.byte == midi::kClock && s.at < t;
  return n;
}

// Edge k at t0 + k * interval; the unshifted ideal of clock c (from the Start) is
// t0 + (c / n) * interval + L + floor((c % n) * interval / n).
uint64_t Ideal(uint64_t t0, uint64_t interval, uint8_t n, uint64_t latency, size_t c) {
  return t0 + (c / n) * interval + latency + (c % n) * interval / n;
}

TEST(ClockShift, PositiveShiftDelaysEveryClockAndTheStart) {
  EngineRig rig(Shifted(kShift8));
  const uint64_t t0 = 1000000;
  for (int k = 0; k < 8; ++k) rig.Edge(t0 + k * kBeat);
  rig.RunUntil(t0 + 7 * kBeat + kBeat / 2);
  ASSERT_EQ(rig.out[0].byte, midi::kStart);
  EXPECT_EQ(rig.out[0].at, t0 + rig.engine.latency() + kShift8);
  const std::vector<uint64_t> c = Clocks(rig);
  ASSERT_GE(c.size(), 7u * 24);
  for (size_t i = 0; i < 7 * 24; ++i) {
    // The downbeat follows the Start by a frame; every other clock is exact.
    const uint64_t ideal = Ideal(t0, kBeat, 24, rig.engine.latency(), i) + kShift8;
    EXPECT_EQ(c[i], i == 0 ? ideal + kByteTicks : ideal) << "clock " << i;
  }
  EXPECT_EQ(rig.line_violations, 0u);
}

TEST(ClockShift, NegativeShiftReachesTheShiftedPhaseWithinTheFirstBeat) {
  for (uint8_t ppqn : {1, 4, 24}) {
    EngineRig rig(Shifted(-kShift8, ppqn));
    const uint64_t t0 = 1000000;
    const uint64_t interval = kBeat / ppqn;
    const uint8_t n = static_cast<uint8_t>(24 / ppqn);
    const int pulses = 6 * ppqn;
    for (int k = 0; k < pulses; ++k) rig.Edge(t0 + k * interval);
    rig.RunUntil(t0 + (pulses - 1) * interval + interval / 2);
    ASSERT_EQ(rig.out[0].byte, midi::kStart);
    // The first pulse cannot be predicted: it goes out at the pulse.
    EXPECT_EQ(rig.out[0].at, t0 + rig.engine.latency()) << "ppqn " << int{ppqn};
    const std::vector<uint64_t> c = Clocks(rig);
    EXPECT_EQ(rig.line_violations, 0u);
    // From the second beat on, every clock is 8 ms ahead of its unshifted time, exactly,
    // and the clocks come one for one: none lost in the phase-in.
    for (size_t i = 24; i + 1 < c.size() && i < static_cast<size_t>(pulses - 1) * n; ++i) {
      const uint64_t ideal = Ideal(t0, interval, n, rig.engine.latency(), i);
      ASSERT_EQ(c[i] + kShift8, ideal) << "ppqn " << int{ppqn} << " clock " << i;
    }
    // Never more than the clocks of 8 ms ahead of the pulses: at each edge, the clocks
    // out are those its pulses earned and at most ceil(8 ms * n / interval) more.
    const size_t reach = (8 * kTicksPerMs * n + interval - 1) / interval;
    for (int k = 1; k < pulses; ++k) {
      const uint64_t t = t0 + k * interval;
      EXPECT_LE(ClocksBefore(rig, t), k * n + reach) << "ppqn " << int{ppqn} << " edge " << k;
    }
  }
}

TEST(ClockShift, NegativeShiftWaitsForALatePulse) {
  EngineRig rig(Shifted(-kShift8));
  const uint64_t t0 = 1000000;
  for (int k = 0; k < 4; ++k) rig.Edge(t0 + k * kBeat);
  // The fifth pulse comes 100 ms late: one clock (8 ms of a 20.8 ms clock) goes ahead of
  // where it was predicted, then the clocks wait.
  const uint64_t late = t0 + 4 * kBeat + 100 * kTicksPerMs;
  rig.RunUntil(late);
  EXPECT_EQ(ClocksBefore(rig, late), 4u * 24 + 1);
  rig.Edge(late);
  // The clock goes on at the slower tempo, the late pulse's interval.
  const uint64_t slower = kBeat + 100 * kTicksPerMs;
  rig.Edge(late + slower);
  rig.RunUntil(late + slower + kBeat / 2);
  // The late pulse's own clocks continue from its clock 1, on its grid: none twice, and
  // one again ahead of the next pulse.
  EXPECT_EQ(ClocksBefore(rig, late + slower), 5u * 24 + 1);
  const std::vector<uint64_t> c = Clocks(rig);
  EXPECT_EQ(c[5 * 24 + 3] + kShift8, late + slower + rig.engine.latency() + 3 * slower / 24);
  EXPECT_EQ(rig.line_violations, 0u);
  EXPECT_EQ(rig.engine.stats().owed_clocks, 0u);
}

TEST(ClockShift, AnEarlyPulseDuringThePredictedClocksGetsItsOwedBurst) {
  // 20 ms ahead at 300 BPM, 1 PPQN: clocks 8.3 ms apart, three go ahead of each pulse.
  EngineRig rig(Shifted(-20 * static_cast<int32_t>(kTicksPerMs)));
  const uint64_t beat = 3200000;
  const uint64_t t0 = 1000000;
  for (int k = 0; k < 6; ++k) rig.Edge(t0 + k * beat);
  // A pulse 5 ms early lands among the clocks sent ahead of it.
  const uint64_t early = t0 + 6 * beat - 5 * kTicksPerMs;
  rig.Edge(early);
  for (int k = 1; k < 4; ++k) rig.Edge(early + k * beat);
  rig.RunUntil(early + 3 * beat + beat / 2);
  const std::vector<uint64_t> c = Clocks(rig);
  // Clock for clock: up to the last edge, its pulses' 24 each and the 3 ahead of the next.
  EXPECT_EQ(ClocksBefore(rig, early + 3 * beat), 9u * 24 + 3);
  EXPECT_EQ(rig.line_violations, 0u);
  // Spacing never below a frame (the line), and the run ends on the shifted grid.
  for (size_t i = 1; i < c.size(); ++i) EXPECT_GE(c[i] - c[i - 1], kByteTicks);
  const uint64_t last_edge = early + 3 * beat;
  const size_t k = 9 * 24 + 5;  // clock 5 of the last pulse
  ASSERT_GT(c.size(), k);
  EXPECT_EQ(c[k] + 20 * kTicksPerMs, last_edge + rig.engine.latency() + 5 * beat / 24);
}

TEST(ClockShift, AStopWithClocksOutAheadCountsThem) {
  EngineRig rig(Shifted(-kShift8, 24));
  const uint64_t interval = kBeat / 24;  // 20.8 ms: one clock goes 8 ms ahead of each pulse
  const uint64_t t0 = 1000000;
  const int pulses = 48;
  for (int k = 0; k < pulses; ++k) rig.Edge(t0 + k * interval);
  rig.RunUntil(t0 + pulses * interval + kBeat);
  ASSERT_EQ(rig.out.back().byte, midi::kStop);
  const size_t sent = Clocks(rig).size();
  EXPECT_EQ(rig.engine.stats().unearned_clocks, 1u);
  EXPECT_EQ(sent, static_cast<size_t>(pulses) + rig.engine.stats().unearned_clocks);
  // The Stop goes at the timeout itself: a silence is not predicted.
  const uint64_t last = t0 + (pulses - 1) * interval;
  EXPECT_EQ(rig.out.back().at, last + 2 * interval + ClockEngine::kMaxGraceTicks);
}

TEST(ClockShift, ATempoStepLosesNoClock) {
  EngineRig rig(Shifted(-kShift8, 4));
  const uint64_t t0 = 1000000;
  uint64_t t = t0;
  int pulses = 0;
  for (int k = 0; k < 16; ++k, ++pulses, t += kBeat / 4) rig.Edge(t);
  const uint64_t faster = kBeat * 120 / 150 / 4;
  for (int k = 0; k < 16; ++k, ++pulses, t += faster) rig.Edge(t);
  const uint64_t slower = kBeat * 120 / 90 / 4;
  for (int k = 0; k < 16; ++k, ++pulses, t += slower) rig.Edge(t);
  rig.RunUntil(t + 2 * kBeat);
  EXPECT_EQ(Clocks(rig).size(), pulses * 6u + rig.engine.stats().unearned_clocks);
  EXPECT_LE(rig.engine.stats().unearned_clocks, 1u);
  EXPECT_EQ(rig.line_violations, 0u);
}

TEST(ClockShift, NegativeShiftHoldsAcrossTheThirtyTwoBitWrap) {
  const uint64_t t0 = (1ULL << 32) - 3 * kBeat;
  EngineRig rig(Shifted(-kShift8), t0 - 1000);
  for (int k = 0; k < 8; ++k) rig.Edge(t0 + k * kBeat);
  rig.RunUntil(t0 + 7 * kBeat + kBeat / 2);
  const std::vector<uint64_t> c = Clocks(rig);
  for (size_t i = 24; i < 7 * 24; ++i) {
    ASSERT_EQ(c[i] + kShift8, Ideal(t0, kBeat, 24, rig.engine.latency(), i)) << "clock " << i;
  }
}

// DIN's shift later than USB's: the engine runs at USB's, and DIN follows it by the
// difference, byte for byte and to the tick, whatever the pulses do.
TEST(ClockShift, TheLaterOutputFollowsTheEarlierToTheTick) {
  for (int32_t lead : {0, -kShift8, kShift8}) {
    for (uint32_t delay : {160u, 5u * kTicksPerMs, 40u * kTicksPerMs}) {
      EngineRig alone(Shifted(lead, 4));
      EngineRig follows(Shifted(lead, 4));
      follows.Follow(delay);
      uint64_t t = 1000000;
      std::vector<uint64_t> edges;
      for (int k = 0; k < 12; ++k, t += kBeat / 4) edges.push_back(t);
      t += 60 * kTicksPerMs;  // a late pulse
      for (int k = 0; k < 12; ++k, t += kBeat / 5) edges.push_back(t);
      for (uint64_t e : edges) {
        alone.Edge(e);
        follows.Edge(e);
      }
      alone.RunUntil(t + 2 * kBeat);
      follows.RunUntil(t + 2 * kBeat);
      ASSERT_EQ(alone.out.back().byte, midi::kStop);
      ASSERT_EQ(follows.out.size(), alone.out.size()) << "lead " << lead << " delay " << delay;
      ASSERT_EQ(follows.early.size(), alone.out.size());
      for (size_t i = 0; i < alone.out.size(); ++i) {
        EXPECT_EQ(follows.out[i].byte, alone.out[i].byte);
        EXPECT_EQ(follows.early[i].byte, alone.out[i].byte);
        // The earlier output hears each byte by its time (up to the booking horizon ahead).
        EXPECT_LE(follows.early[i].at, alone.out[i].at) << i;
        EXPECT_GE(follows.early[i].at + DinLine::kHorizon + kTicksPerMs, alone.out[i].at) << i;
        // A byte on its own tick is exactly `delay` later. One of a burst (back to back,
        // as soon as the line could take it) is no later than that, and the delay may
        // bring its own tick back into reach.
        const bool burst =
            (i > 0 && alone.out[i].at - alone.out[i - 1].at == kByteTicks) ||
            (i + 1 < alone.out.size() && alone.out[i + 1].at - alone.out[i].at == kByteTicks);
        if (!burst) {
          EXPECT_EQ(follows.out[i].at, alone.out[i].at + delay)
              << "lead " << lead << " delay " << delay << " byte " << i;
        } else {
          EXPECT_LE(follows.out[i].at, alone.out[i].at + delay) << i;
          EXPECT_GE(follows.out[i].at, alone.out[i].at) << i;
        }
      }
      EXPECT_EQ(follows.line_violations, 0u);
    }
  }
}

}  // namespace
}  // namespace cv2midi
