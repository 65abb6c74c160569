// Transport of the clock engine: button, reset jack, run gate, Song Position, clocks while
// stopped and the LED (DESIGN.md section 3, items 1, 2, 9-11).
#include <gtest/gtest.h>

#include "core/clock_engine.h"
#include "tests/engine_rig.h"

namespace cv2midi {
namespace {

constexpr uint64_t kBeat = 8000000;  // 120 BPM at 1 PPQN

std::vector<uint8_t> BytesBetween(const EngineRig& rig, uint64_t from, uint64_t to) {
  std::vector<uint8_t> bytes;
  for (const Sent& s : rig.out) {
    if (s.at >= from && s.at < to) bytes.push_back(s.byte);
  }
  return bytes;
}

size_t CountBetween(const EngineRig& rig, uint8_t byte, uint64_t from, uint64_t to) {
  size_t n = 0;
  for (const Sent& s : rig.out) n += s.byte == byte && s.at >= from && s.at < to;
  return n;
}

// Runs beats 0..count-1 at 120 BPM starting at `first`; returns the next beat's time.
uint64_t Beats(EngineRig& rig, uint64_t first, int count) {
  for (int i = 0; i < count; ++i) rig.Edge(first + i * kBeat);
  return first + count * kBeat;
}

// Half-way between clocks 12 and 13 of the beat that ends at `next`.
uint64_t BetweenClocks(uint64_t next) { return next - kBeat / 2 + kBeat / 48; }

TEST(Transport, ButtonPressWhileRunningStopsAtOnceAndClocksKeepFlowing) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 4);
  rig.RunUntil(BetweenClocks(t));
  rig.Button(ButtonEvent::kPress);
  const uint64_t pressed = rig.now();
  rig.RunUntil(pressed + 2 * kTicksPerMs);
  EXPECT_EQ(BytesBetween(rig, pressed, rig.now()), std::vector<uint8_t>{midi::kStop});
  EXPECT_FALSE(rig.engine.running());
  rig.Button(ButtonEvent::kRelease);
  t = Beats(rig, t, 2);
  rig.RunUntil(t);
  EXPECT_EQ(CountBetween(rig, midi::kClock, pressed, t), 11u + 48u);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
  EXPECT_FALSE(rig.engine.wire_running());
}

TEST(Transport, StopNeverDelaysADueClock) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 2);
  // Press 100 us before clock 7 of the beat: the Stop waits until after that clock.
  const uint64_t clock7 = t - kBeat + rig.engine.latency() + 7 * kBeat / 24;
  rig.RunUntil(clock7 - 100 * kTicksPerUs);
  rig.Button(ButtonEvent::kPress);
  rig.RunUntil(clock7 + 2 * kTicksPerMs);
  const auto bytes = BytesBetween(rig, clock7 - 100 * kTicksPerUs, rig.now());
  EXPECT_EQ(bytes, (std::vector<uint8_t>{midi::kClock, midi::kStop}));
  for (const Sent& s : rig.out) {
    if (s.byte == midi::kClock && s.at >= clock7 - 100 && s.at < clock7 + 100) {
      EXPECT_EQ(s.at, clock7);
    }
  }
}

TEST(Transport, ClocksWhileStoppedCanBeSwitchedOff) {
  EngineSettings settings;
  settings.clocks_while_stopped = false;
  EngineRig rig(settings);
  uint64_t t = Beats(rig, 5000, 2);
  rig.RunUntil(BetweenClocks(t));
  rig.Button(ButtonEvent::kPress);
  const uint64_t pressed = rig.now();
  rig.Button(ButtonEvent::kRelease);
  rig.Button(ButtonEvent::kPress);  // a second press while stopped arms a Start
  rig.Button(ButtonEvent::kRelease);
  rig.RunUntil(t - 1);
  EXPECT_EQ(BytesBetween(rig, pressed, t), std::vector<uint8_t>{midi::kStop});
  t = Beats(rig, t, 1);
  rig.RunUntil(t);
  EXPECT_EQ(CountBetween(rig, midi::kStart, pressed, t), 1u);
}

TEST(Transport, ShortPressWhileStoppedArmsStartForTheNextEdge) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 3);
  rig.RunUntil(t - kBeat / 3);
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kRelease);
  rig.RunUntil(t - 1);
  rig.Button(ButtonEvent::kPress);  // stopped: press, release = arm Start
  rig.Button(ButtonEvent::kRelease);
  const size_t before = rig.out.size();
  t = Beats(rig, t, 2);
  rig.RunUntil(t);
  ASSERT_GT(rig.out.size(), before + 2);
  EXPECT_EQ(rig.out[before].byte, midi::kStart);
  EXPECT_EQ(rig.out[before].at, t - 2 * kBeat + rig.engine.latency());
  EXPECT_EQ(rig.out[before + 1].byte, midi::kClock);
  EXPECT_TRUE(rig.engine.running());
  EXPECT_EQ(rig.engine.position(), 48u);
}

TEST(Transport, LongPressSendsSongPositionRoundedUpThenContinue) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 2);
  // Stop 10 clocks into the third beat: position 58, the next beat boundary is 72 clocks,
  // 12 MIDI beats.
  rig.Edge(t);
  rig.RunUntil(t + rig.engine.latency() + 9 * kBeat / 24 + 10);
  rig.Button(ButtonEvent::kPress);
  rig.RunUntil(rig.now() + kTicksPerMs);
  EXPECT_EQ(rig.engine.position(), 58u);
  rig.Button(ButtonEvent::kRelease);
  rig.RunUntil(t + kBeat - 1);
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kLongPress);
  const uint64_t held = rig.now();
  rig.RunUntil(held + 5 * kTicksPerMs);
  EXPECT_EQ(BytesBetween(rig, held, rig.now()),
            (std::vector<uint8_t>{midi::kSongPosition, 12, 0}));
  const size_t before = rig.out.size();
  t = Beats(rig, t + kBeat, 2);
  rig.RunUntil(t);
  EXPECT_EQ(rig.out[before].byte, midi::kContinue);
  EXPECT_EQ(rig.out[before + 1].byte, midi::kClock);
  // Position resumes from the pointer: 72, then one clock after the edge.
  EXPECT_EQ(rig.engine.position(), 72u + 48u);
}

TEST(Transport, SongPositionUsesFourteenBitsAndRoundsToTheInputBeat) {
  EngineSettings settings;
  settings.ppqn = 24;  // N = 1: round to the MIDI beat of 6 clocks
  EngineRig rig(settings);
  const uint64_t pulse = kBeat / 24;
  uint64_t t = 5000;
  for (int i = 0; i < 13; ++i, t += pulse) rig.Edge(t);
  rig.RunUntil(t - pulse / 2);
  rig.Button(ButtonEvent::kPress);
  rig.RunUntil(rig.now() + kTicksPerMs);
  rig.Button(ButtonEvent::kRelease);
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kLongPress);
  const uint64_t held = rig.now();
  rig.RunUntil(held + 5 * kTicksPerMs);
  // 13 clocks round up to 18 = 3 MIDI beats.
  EXPECT_EQ(BytesBetween(rig, held, rig.now()),
            (std::vector<uint8_t>{midi::kSongPosition, 3, 0}));
}

TEST(Transport, LongPressAfterAStopPressDoesNothingMore) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 2);
  rig.RunUntil(t - kBeat / 2);
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kLongPress);
  rig.RunUntil(t - 1);
  EXPECT_EQ(rig.Count(midi::kSongPosition), 0u);
  Beats(rig, t, 1);
  rig.RunUntil(t + kBeat);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
  EXPECT_EQ(rig.Count(midi::kContinue), 0u);
}

TEST(Transport, ResetTriggerWhileRunningStopsAndTheNextEdgeStarts) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 3);
  rig.RunUntil(BetweenClocks(t));
  rig.Reset(true);
  rig.Reset(false);
  const uint64_t reset = rig.now();
  rig.RunUntil(reset + 2 * kTicksPerMs);
  EXPECT_EQ(BytesBetween(rig, reset, rig.now()), std::vector<uint8_t>{midi::kStop});
  const size_t before = rig.out.size();
  t = Beats(rig, t, 1);
  rig.RunUntil(t);
  // The clocks still owed in the stopped interval went before; then Start and the downbeat.
  size_t start = before;
  while (start < rig.out.size() && rig.out[start].byte != midi::kStart) ++start;
  ASSERT_LT(start + 1, rig.out.size());
  EXPECT_EQ(rig.out[start].at, t - kBeat + rig.engine.latency());
  EXPECT_EQ(rig.out[start + 1].byte, midi::kClock);
  EXPECT_EQ(rig.engine.position(), 24u);
}

TEST(Transport, ResetTogetherWithAClockEdgeMakesThatEdgeTheDownbeat) {
  EngineRig rig;
  uint64_t t = Beats(rig, 5000, 3);
  rig.RunUntil(t);
  rig.Reset(true);  // the reset's interrupt runs first: INT0 outranks the capture
  rig.Edge(t);
  // The line books a clock kHorizon before it is due: stop short of the 13th.
  rig.RunUntil(t + kBeat / 2 - DinLine::kHorizon);
  const auto bytes = BytesBetween(rig, t, t + 3 * kByteTicks + rig.engine.latency());
  EXPECT_EQ(bytes, (std::vector<uint8_t>{midi::kStop, midi::kStart, midi::kClock}));
  EXPECT_EQ(rig.engine.position(), 12u);
}

TEST(Transport, RunGateStartsOnRiseAndStopsOnFall) {
  EngineSettings settings;
  settings.reset_mode = ResetMode::kRunGate;
  EngineRig rig(settings);
  uint64_t t = Beats(rig, 5000, 2);  // gate low: clocks, no Start
  EXPECT_EQ(rig.Count(midi::kStart), 0u);
  rig.RunUntil(t - kBeat / 2);
  rig.Reset(true);
  t = Beats(rig, t, 2);
  rig.RunUntil(t - kBeat / 2);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
  EXPECT_TRUE(rig.engine.running());
  rig.Reset(false);
  rig.RunUntil(t);
  EXPECT_EQ(rig.Count(midi::kStop), 1u);
  EXPECT_FALSE(rig.engine.running());
  // Silence in gate mode does not arm an auto-start.
  rig.RunUntil(t + 5 * kBeat);
  Beats(rig, t + 5 * kBeat, 2);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
}

TEST(Transport, AutoStartOffWaitsForTheButton) {
  EngineSettings settings;
  settings.auto_start = false;
  EngineRig rig(settings);
  uint64_t t = Beats(rig, 5000, 2);
  rig.RunUntil(t - 1);
  EXPECT_EQ(rig.Count(midi::kStart), 0u);
  EXPECT_EQ(rig.Count(midi::kClock), 48u);  // stopped, the clocks flow
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kRelease);
  t = Beats(rig, t, 1);
  rig.RunUntil(t);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
  EXPECT_EQ(rig.engine.position(), 24u);
}

TEST(Transport, LedLightsTheFirstQuarterOfEachBeatWhileRunning) {
  EngineRig rig;
  rig.Edge(5000);
  const uint64_t l = rig.engine.latency();
  rig.RunUntil(5000 + l + kByteTicks + 10);
  EXPECT_TRUE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
  rig.RunUntil(5000 + l + 5 * kBeat / 24 + 10);  // clock 6 of 24
  EXPECT_TRUE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
  rig.RunUntil(5000 + l + 6 * kBeat / 24 + 10);  // clock 7
  EXPECT_FALSE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
  rig.Edge(5000 + kBeat);
  rig.RunUntil(5000 + kBeat + l + 10);
  EXPECT_TRUE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
}

TEST(Transport, LedBlinksBrieflyPerBeatWhileStoppedAndIsOffWhenSilent) {
  EngineSettings settings;
  settings.auto_start = false;
  settings.ppqn = 4;
  EngineRig rig(settings);
  const uint64_t pulse = kBeat / 4;
  uint64_t t = 5000;
  for (int i = 0; i < 8; ++i, t += pulse) rig.Edge(t);
  // Beat edges are pulses 0 and 4: lit 10 ms after pulse 4, dark 10 ms after pulse 5.
  rig.RunUntil(5000 + 4 * pulse + 10 * kTicksPerMs);
  EXPECT_TRUE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
  rig.RunUntil(5000 + 5 * pulse + 10 * kTicksPerMs);
  EXPECT_FALSE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
  rig.RunUntil(t + 4 * pulse);
  EXPECT_FALSE(rig.engine.clock_present());
  EXPECT_FALSE(rig.engine.Led(static_cast<uint32_t>(rig.now())));
}

}  // namespace
}  // namespace cv2midi
