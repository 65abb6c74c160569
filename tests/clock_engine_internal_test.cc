// The engine's internal clock (issue 15) through the rig's line and wire: what a press with
// no clock starts, how a pulse takes over, on-stop hold, the reset jack.
#include <gtest/gtest.h>

#include <vector>

#include "core/clock_engine.h"
#include "core/midi.h"
#include "tests/engine_rig.h"

namespace cv2midi {
namespace {

uint64_t Ideal(uint64_t origin, uint64_t k, uint64_t deci) {
  return origin + (2 * k * 400000000ULL + deci) / (2 * deci);
}

std::vector<uint64_t> ClocksAfter(const EngineRig& rig, uint64_t from, uint64_t to = UINT64_MAX) {
  std::vector<uint64_t> c;
  for (const Sent& s : rig.out) {
    if (s.byte == midi::kClock && s.at >= from && s.at < to) c.push_back(s.at);
  }
  return c;
}

// A short press, and the firmware starting the internal clock once the engine wants it.
uint64_t PressAndStart(EngineRig* rig) {
  rig->Button(ButtonEvent::kPress);
  rig->Button(ButtonEvent::kRelease);
  EXPECT_TRUE(rig->engine.internal_wanted());
  const uint64_t at = rig->now() + 4096;
  rig->engine.StartInternal(static_cast<uint32_t>(at));
  EXPECT_FALSE(rig->engine.internal_wanted());
  return at;
}

TEST(EngineInternal, APressWithNoClockSendsStartTheDownbeatAndExactClocks) {
  EngineSettings s;
  s.tempo_deci_bpm = 1333;
  EngineRig rig(s);
  rig.RunUntil(50000);
  const uint64_t at = PressAndStart(&rig);
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kInternal);
  rig.RunUntil(at + 10ULL * kTicksPerSecond);
  ASSERT_GE(rig.out.size(), 2u);
  EXPECT_EQ(rig.out[0].byte, midi::kStart);
  EXPECT_EQ(rig.out[0].at, at);
  const std::vector<uint64_t> clocks = ClocksAfter(rig, at);
  ASSERT_EQ(clocks.size(), 534u);  // 10 s at 133.3 x 24 = 533.2, plus clock 0
  for (size_t k = 0; k < clocks.size(); ++k) ASSERT_EQ(clocks[k], Ideal(at + kByteTicks, k, 1333)) << k;
  EXPECT_EQ(rig.engine.position(), clocks.size());
  EXPECT_EQ(rig.line_violations, 0u);
  // A press stops it with a Stop, and nothing follows.
  rig.Button(ButtonEvent::kPress);
  rig.RunUntil(rig.now() + kTicksPerSecond);
  EXPECT_EQ(rig.out.back().byte, midi::kStop);
  EXPECT_FALSE(rig.engine.internal_running());
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kNone);
  rig.Button(ButtonEvent::kRelease);
  EXPECT_FALSE(rig.engine.internal_wanted()) << "the release of the stopping press arms nothing";
}

TEST(EngineInternal, WithAClockPresentAPressArmsTheNextEdgeAsBefore) {
  EngineRig rig;
  rig.Edge(100000);
  rig.Edge(100000 + 8000000);
  rig.Button(ButtonEvent::kPress);  // stops
  rig.Button(ButtonEvent::kRelease);
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kRelease);
  EXPECT_FALSE(rig.engine.internal_wanted());
}

TEST(EngineInternal, TheFirstPulseTakesOverWithNoStopOrStartDividedAtTheInternalTempo) {
  EngineRig rig;
  rig.RunUntil(50000);
  const uint64_t at = PressAndStart(&rig);
  const uint64_t edge = at + 2 * kTicksPerSecond + 12345;
  rig.Edge(edge);
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kExternal);
  EXPECT_FALSE(rig.engine.internal_running());
  const uint32_t before = rig.engine.position();  // the position goes on from the internal run
  EXPECT_GT(before, 24u * 4);
  rig.RunUntil(edge + 2 * kTicksPerSecond);  // no second pulse: 24 clocks at 120 BPM
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
  EXPECT_EQ(rig.Count(midi::kStop), 1u);  // the timeout, after the pulse
  const std::vector<uint64_t> mine = ClocksAfter(rig, edge);
  ASSERT_EQ(mine.size(), 24u);
  EXPECT_EQ(mine[0], edge + rig.engine.latency());
  for (size_t j = 1; j < 24; ++j) EXPECT_EQ(mine[j] - mine[0], j * 8000000ULL / 24) << j;
  EXPECT_EQ(rig.engine.position(), before + 23u);  // the first went with the edge
}

TEST(EngineInternal, OnStopHoldGoesOnAtTheLastIntervalOnItsGrid) {
  EngineSettings s;
  s.hold = true;
  s.latency_ticks = 256;
  EngineRig rig(s);
  const uint64_t interval = 7000000;  // 137.14 BPM
  for (int i = 0; i < 4; ++i) rig.Edge(100000 + i * interval);
  const uint64_t last = 100000 + 3 * interval;
  rig.RunUntil(last + 6 * interval);
  EXPECT_EQ(rig.Count(midi::kStop), 0u);
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kHeld);
  EXPECT_TRUE(rig.engine.wire_running());
  // Clocks of the missed pulse (due from last + interval) go at the timeout, back to back;
  // then clock k of the last edge at last + L + round(k * interval / 24).
  const std::vector<uint64_t> held = ClocksAfter(rig, last + interval - 1000);
  ASSERT_GT(held.size(), 100u);
  size_t owed = 0;
  for (size_t j = 0; j < held.size(); ++j) {
    const uint64_t k = 24 + j;
    const uint64_t ideal = last + 256 + (2 * k * interval + 24) / 48;
    if (held[j] > ideal) {
      ++owed;
    } else {
      EXPECT_EQ(held[j], ideal) << k;
    }
  }
  EXPECT_GE(owed, 24u);
  EXPECT_LE(owed, 27u);
  // A pulse that returns takes over: no Start.
  rig.Edge(rig.now() + 100);
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kExternal);
  rig.RunUntil(rig.now() + interval / 2);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
}

TEST(EngineInternal, WithOnStopStopATimeoutStillStops) {
  EngineRig rig;
  for (int i = 0; i < 4; ++i) rig.Edge(100000 + i * 8000000ULL);
  rig.RunUntil(100000 + 10 * 8000000ULL);
  EXPECT_EQ(rig.Count(midi::kStop), 1u);
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kNone);
}

TEST(EngineInternal, AResetTriggerRestartsItWithStartAndANewDownbeat) {
  EngineRig rig;
  rig.RunUntil(50000);
  PressAndStart(&rig);
  rig.RunUntil(rig.now() + kTicksPerSecond);
  rig.Reset(true);
  rig.RunUntil(rig.now() + 20 * kTicksPerMs);  // the Stop goes out first
  EXPECT_EQ(rig.out.back().byte, midi::kStop);
  ASSERT_TRUE(rig.engine.internal_wanted());
  const uint64_t at = rig.now() + 4096;
  rig.engine.StartInternal(static_cast<uint32_t>(at));
  rig.RunUntil(at + kTicksPerSecond);
  EXPECT_EQ(rig.Count(midi::kStart), 2u);
  EXPECT_EQ(rig.engine.position(), ClocksAfter(rig, at).size());
  EXPECT_EQ(ClocksAfter(rig, at)[0], at + kByteTicks);
}

TEST(EngineInternal, TheLedShowsWhichClockRuns) {
  EngineRig rig;
  rig.RunUntil(50000);
  const uint64_t at = PressAndStart(&rig);
  // Internal: dark for the first quarter of a beat, lit for the rest.
  const uint64_t downbeat = at + kByteTicks;
  rig.RunUntil(downbeat + 8000000 + 100);
  EXPECT_FALSE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
  rig.RunUntil(downbeat + 8000000 + 4000000);
  EXPECT_TRUE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
}

}  // namespace
}  // namespace cv2midi
