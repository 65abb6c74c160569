// 48 and 96 PPQN inputs (issue 14 part 3): a clock on every 2nd or 4th pulse, on its pulse
// at t + L, counted from the downbeat; the pulses between send nothing and leave the
// capture's fast path to the next one that earns a clock.
#include <gtest/gtest.h>

#include <vector>

#include "core/clock_engine.h"
#include "core/din_line.h"
#include "core/midi.h"
#include "tests/engine_rig.h"

namespace cv2midi {
namespace {

const uint8_t kHighPpqns[] = {48, 96};

uint64_t PulseTicks(uint32_t bpm, uint8_t ppqn) { return 960000000ULL / bpm / ppqn; }

EngineSettings WithPpqn(uint8_t ppqn) {
  EngineSettings s;
  s.ppqn = ppqn;
  return s;
}

std::vector<uint64_t> ClocksFrom(const EngineRig& rig, uint64_t from) {
  std::vector<uint64_t> c;
  for (const Sent& s : rig.out) {
    if (s.byte == midi::kClock && s.at >= from) c.push_back(s.at);
  }
  return c;
}

size_t IndexAt(const EngineRig& rig, uint64_t at) {
  for (size_t i = 0; i < rig.out.size(); ++i) {
    if (rig.out[i].at >= at) return i;
  }
  return rig.out.size();
}

TEST(HighPpqn, AClockOnEveryKthPulseAtItsEdgePlusLAndNothingBetween) {
  for (uint8_t ppqn : kHighPpqns) {
    for (uint32_t bpm : {60u, 120u, 300u, 3000u}) {
      SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn << " bpm " << bpm);
      EngineRig rig(WithPpqn(ppqn));
      const uint64_t k = ppqn / 24;
      ASSERT_EQ(rig.engine.pulses_per_clock(), k);
      ASSERT_EQ(rig.engine.clocks_per_pulse(), 1u);
      const uint64_t interval = PulseTicks(bpm, ppqn);
      const uint64_t l = rig.engine.latency();
      const uint64_t beats = bpm >= 300 ? 40 : 6;
      const uint64_t first = 5000;
      for (uint64_t i = 0; i < beats * ppqn; ++i) {
        const uint64_t t = first + i * interval;
        if (i % ppqn == 0 && i > 0) {
          // A beat boundary of the wire at each beat pulse: 24 b clocks before it, and its
          // own clock is the downbeat (clock 24 b + 1, checked below).
          rig.RunUntil(t);
          EXPECT_EQ(rig.engine.position(), 24 * (i / ppqn)) << "pulse " << i;
        }
        rig.Edge(t);
      }
      rig.RunUntil(first + beats * ppqn * interval);
      ASSERT_GE(rig.out.size(), 2u);
      EXPECT_EQ(rig.out[0].byte, midi::kStart);
      EXPECT_EQ(rig.out[0].at, first + l);
      const std::vector<uint64_t> clocks = ClocksFrom(rig, 0);
      ASSERT_EQ(clocks.size(), beats * 24);
      // Nothing but the Start and the clocks (and, at 3000 BPM, the timeout's Stop, booked
      // ahead tentatively).
      EXPECT_EQ(rig.out.size() - rig.Count(midi::kStop), clocks.size() + 1);
      EXPECT_LE(rig.Count(midi::kStop), bpm == 3000 ? 1u : 0u);
      // Each clock at its pulse + L (the first behind its Start): a clock every 2 or 4
      // pulses is 24 a beat, at 3000 BPM still 13333 ticks apart, clear of the one before.
      for (size_t j = 0; j < clocks.size(); ++j) {
        const uint64_t edge = first + j * k * interval;
        ASSERT_EQ(clocks[j], edge + l + (j == 0 ? kByteTicks : 0)) << "clock " << j;
      }
      // The capture's fast path serves every pulse that earns a clock (the first with its
      // Start), and no other.
      EXPECT_EQ(rig.fast_edges, beats * 24);
      EXPECT_EQ(rig.missed_fast.size(), beats * ppqn - beats * 24);
      EXPECT_EQ(rig.line_violations, 0u);
      EXPECT_EQ(rig.engine.stats().glitches, 0u);
      EXPECT_EQ(rig.engine.stats().owed_clocks, 0u) << "no subdivision, nothing to owe";
      EXPECT_EQ(rig.engine.stats().timeouts, 0u);
    }
  }
}

TEST(HighPpqn, TheTimeoutCountsInputIntervals) {
  for (uint8_t ppqn : kHighPpqns) {
    for (uint8_t multiple : {2, 5}) {
      for (uint32_t bpm : {120u, 1u}) {
        SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn << " timeout " << +multiple
                                        << " bpm " << bpm);
        EngineSettings s = WithPpqn(ppqn);
        s.timeout_multiple = multiple;
        EngineRig rig(s);
        const uint64_t interval = PulseTicks(bpm, ppqn);
        // The last pulse is not one that earns a clock.
        const uint64_t pulses = bpm == 1 ? 4 : 2 * ppqn + 2;
        for (uint64_t i = 0; i < pulses; ++i) rig.Edge(5000 + i * interval);
        const uint64_t last = rig.edges.back();
        rig.RunUntil(last + (multiple + 1) * interval);
        ASSERT_EQ(rig.out.back().byte, midi::kStop);
        const uint64_t grace = interval / 8 < ClockEngine::kMaxGraceTicks
                                   ? interval / 8
                                   : ClockEngine::kMaxGraceTicks;
        EXPECT_EQ(rig.out.back().at, last + multiple * interval + grace);
        EXPECT_FALSE(rig.engine.running());
      }
    }
  }
}

// With no Start to count from (auto-start off, clocks while stopped), the first pulse after
// a silence earns a clock.
TEST(HighPpqn, TheFirstPulseAfterASilenceEarnsAClock) {
  for (uint8_t ppqn : kHighPpqns) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    EngineSettings s = WithPpqn(ppqn);
    s.auto_start = false;
    EngineRig rig(s);
    const uint64_t k = ppqn / 24;
    const uint64_t interval = PulseTicks(120, ppqn);
    for (uint64_t i = 0; i < k + 1; ++i) rig.Edge(5000 + i * interval);
    const uint64_t back = 5000 + 100 * interval;  // long after the timeout
    for (uint64_t i = 0; i < 2 * k; ++i) rig.Edge(back + i * interval);
    rig.RunUntil(back + 2 * k * interval);
    EXPECT_EQ(rig.Count(midi::kStart), 0u);
    EXPECT_EQ(rig.engine.stats().timeouts, 1u);
    const std::vector<uint64_t> clocks = ClocksFrom(rig, back);
    ASSERT_EQ(clocks.size(), 2u);
    EXPECT_EQ(clocks[0], back + rig.engine.latency());
    EXPECT_EQ(clocks[1], back + k * interval + rig.engine.latency());
  }
}

TEST(HighPpqn, AResetMakesTheNextPulseTheDownbeatWhateverTheCount) {
  for (uint8_t ppqn : kHighPpqns) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    EngineRig rig(WithPpqn(ppqn));
    const uint64_t k = ppqn / 24;
    const uint64_t interval = PulseTicks(120, ppqn);
    const uint64_t l = rig.engine.latency();
    // 3k + 1 pulses: counted on, the next would be pulse 1 of a group, which earns none.
    uint64_t t = 5000;
    for (uint64_t i = 0; i < 3 * k + 1; ++i, t += interval) rig.Edge(t);
    rig.RunUntil(t - interval / 2);
    rig.Reset(true);
    const uint64_t restart = t;
    for (int i = 0; i < 24; ++i, t += interval) rig.Edge(t);
    rig.RunUntil(t);
    const size_t at = IndexAt(rig, restart);
    ASSERT_GT(rig.out.size(), at + 1);
    EXPECT_EQ(rig.out[at - 1].byte, midi::kStop);
    EXPECT_EQ(rig.out[at].byte, midi::kStart);
    EXPECT_EQ(rig.out[at].at, restart + l);
    const std::vector<uint64_t> clocks = ClocksFrom(rig, restart);
    ASSERT_EQ(clocks.size(), 24 / k);
    EXPECT_EQ(clocks[0], restart + l + kByteTicks);
    for (size_t j = 1; j < clocks.size(); ++j) EXPECT_EQ(clocks[j], restart + j * k * interval + l);
    EXPECT_EQ(rig.engine.position(), 24 / k);
  }
}

// A long press resumes at a MIDI beat, a whole number of groups into the beat: the pulse of
// the Continue earns the clock that goes with it, whatever the count said before, and the
// beats of the wire land on beat pulses again.
TEST(HighPpqn, AContinueEarnsItsClockAndRealignsTheGroups) {
  for (uint8_t ppqn : kHighPpqns) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    EngineRig rig(WithPpqn(ppqn));
    const uint64_t k = ppqn / 24;
    const uint64_t interval = PulseTicks(120, ppqn);
    const uint64_t l = rig.engine.latency();
    uint64_t t = 5000;
    uint64_t i = 0;
    for (; i <= 390; ++i, t += interval) rig.Edge(t);
    // Stopped after pulse 390: the clocks of pulses 0, k, ..., 390 - (390 % k) went out.
    rig.RunUntil(t - interval / 2);
    rig.Button(ButtonEvent::kPress);
    rig.Button(ButtonEvent::kRelease);
    const uint32_t at_stop = rig.engine.position();
    EXPECT_EQ(at_stop, 390 / k + 1);
    for (; i <= 400; ++i, t += interval) rig.Edge(t);
    rig.RunUntil(t - interval / 2);
    rig.Button(ButtonEvent::kPress);
    rig.Button(ButtonEvent::kLongPress);  // (its release is no event)
    const uint32_t resume = (at_stop + 5) / 6 * 6;
    // The next pulse is 401, pulse 1 of a group by the old count.
    const uint64_t cont = t;
    for (int j = 0; j < 96; ++j, t += interval) rig.Edge(t);
    rig.RunUntil(t);
    const size_t at = IndexAt(rig, cont);
    ASSERT_GT(rig.out.size(), at + 1);
    ASSERT_EQ(rig.out[at].byte, midi::kContinue);
    EXPECT_EQ(rig.out[at].at, cont + l);
    EXPECT_EQ(rig.out[at + 1].byte, midi::kClock);
    const std::vector<uint64_t> clocks = ClocksFrom(rig, cont);
    ASSERT_EQ(clocks.size(), 96 / k);
    EXPECT_EQ(clocks[0], cont + l + kByteTicks);
    for (size_t j = 1; j < clocks.size(); ++j) EXPECT_EQ(clocks[j], cont + j * k * interval + l);
    EXPECT_EQ(rig.engine.position(), resume + 96 / k);
    // Stopped again, the LED blinks on the pulses the song's beats fall on: one is
    // (24 - resume % 24) clocks after the Continue, at k pulses a clock.
    rig.Button(ButtonEvent::kPress);
    rig.Button(ButtonEvent::kRelease);
    const uint64_t beat_pulse = cont + ((24 - resume % 24) % 24) * k * interval + 96 * interval;
    for (; t < beat_pulse; t += interval) rig.Edge(t);
    EXPECT_FALSE(rig.engine.Led(static_cast<uint32_t>(t - interval + 1000)));
    rig.Edge(beat_pulse);
    EXPECT_TRUE(rig.engine.Led(static_cast<uint32_t>(beat_pulse + 1000)));
  }
}

// on-stop hold: the clock goes on at k intervals a clock, the next where the next pulse
// that earns one was due.
TEST(HighPpqn, OnStopHoldGoesOnAtTheClockSpacingOnTheGroupsGrid) {
  for (uint8_t ppqn : kHighPpqns) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    EngineSettings s = WithPpqn(ppqn);
    s.hold = true;
    EngineRig rig(s);
    const uint64_t k = ppqn / 24;
    const uint64_t interval = PulseTicks(120, ppqn);
    const uint64_t l = rig.engine.latency();
    // Pulses 0..4k+1: the next that earns a clock would be 5k; the timeout comes at two
    // intervals, before it at 96 PPQN, after it at 48.
    const uint64_t first = 5000;
    for (uint64_t i = 0; i <= 4 * k + 1; ++i) rig.Edge(first + i * interval);
    rig.RunUntil(first + 40 * k * interval);
    EXPECT_EQ(rig.Count(midi::kStop), 0u);
    EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kHeld);
    const std::vector<uint64_t> held = ClocksFrom(rig, first + 4 * k * interval + l + 1);
    ASSERT_GE(held.size(), 30u);
    const uint64_t timeout = first + (4 * k + 3) * interval + ClockEngine::kMaxGraceTicks;
    for (size_t j = 0; j < held.size(); ++j) {
      const uint64_t due = first + (5 + j) * k * interval + l;
      if (due > timeout) {
        EXPECT_EQ(held[j], due) << j;
      } else {
        // One that was due while the timeout waited goes as soon as it is over.
        EXPECT_GE(held[j], timeout) << j;
        EXPECT_LT(held[j], timeout + 2 * kByteTicks) << j;
      }
    }
    // The pulses come back half-way between two held clocks: the first takes over with
    // the next clock, and from there every k-th.
    const uint64_t back = first + 40 * k * interval + k * interval / 2;
    for (int i = 0; i < 8; ++i) rig.Edge(back + i * interval);
    rig.RunUntil(back + 8 * interval);
    EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kExternal);
    const std::vector<uint64_t> after = ClocksFrom(rig, back);
    ASSERT_EQ(after.size(), 8 / k);
    for (size_t j = 0; j < after.size(); ++j) EXPECT_EQ(after[j], back + j * k * interval + l) << j;
    EXPECT_EQ(rig.Count(midi::kStart), 1u);
  }
}

// A pulse that takes over from the internal clock sends the next clock, and the groups
// follow the wire's beat from there.
TEST(HighPpqn, APulseTakesOverFromTheInternalClockWithItsClock) {
  EngineRig rig(WithPpqn(48));
  rig.RunUntil(50000);
  rig.Button(ButtonEvent::kPress);
  rig.Button(ButtonEvent::kRelease);
  ASSERT_TRUE(rig.engine.internal_wanted());
  const uint64_t at = rig.now() + 4096;
  rig.engine.StartInternal(static_cast<uint32_t>(at));
  const uint64_t interval = PulseTicks(100, 48);
  const uint64_t edge = at + kTicksPerSecond + 12345;
  rig.RunUntil(edge - 1);
  const uint32_t before = rig.engine.position();
  for (int i = 0; i < 48; ++i) rig.Edge(edge + i * interval);
  EXPECT_EQ(rig.engine.source(), ClockEngine::ClockSource::kExternal);
  // The first interval is divided at the internal tempo (120 BPM): half a clock.
  rig.RunUntil(edge + 48 * interval);
  const std::vector<uint64_t> mine = ClocksFrom(rig, edge);
  ASSERT_EQ(mine.size(), 24u);
  for (size_t j = 0; j < mine.size(); ++j) {
    EXPECT_EQ(mine[j], edge + 2 * j * interval + rig.engine.latency()) << j;
  }
  EXPECT_EQ(rig.engine.position(), before + 24);
  EXPECT_EQ(rig.Count(midi::kStart), 1u);
  // A lone pulse: its interval is half the internal clock's, and the timeout two of those.
  EngineRig lone(WithPpqn(48));
  lone.RunUntil(50000);
  lone.Button(ButtonEvent::kPress);
  lone.Button(ButtonEvent::kRelease);
  lone.engine.StartInternal(static_cast<uint32_t>(at));
  lone.Edge(edge);
  EXPECT_EQ(lone.engine.interval(), 333333u / 2);
  lone.RunUntil(edge + kTicksPerSecond);
  ASSERT_EQ(lone.Count(midi::kStop), 1u);
  EXPECT_EQ(lone.out.back().byte, midi::kStop);
  EXPECT_EQ(lone.out.back().at, edge + 2 * (333333 / 2) + ClockEngine::kMaxGraceTicks);
}

TEST(HighPpqn, TheGlitchWindowIsCappedAtHalfTheFastestInterval) {
  for (uint8_t ppqn : kHighPpqns) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    EngineRig rig(WithPpqn(ppqn));
    // 3000 BPM at 96 PPQN pulses every 208 us: the window is at most 104 us (208 at 48).
    const uint32_t cap = 320000 / ppqn / 2;
    EXPECT_EQ(rig.engine.glitch_ticks(), cap);
    const uint64_t interval = PulseTicks(3000, ppqn);
    uint64_t t = 5000;
    for (int i = 0; i < 8; ++i, t += interval) {
      EXPECT_TRUE(rig.Edge(t));
      EXPECT_FALSE(rig.Edge(t + cap - 16));
    }
    EXPECT_EQ(rig.engine.stats().glitches, 8u);
    EXPECT_EQ(rig.Count(midi::kClock), 8u / (ppqn / 24));
  }
}

// The interval a new PPQN inherits is the same tempo at the new resolution.
TEST(HighPpqn, ConfigureKeepsTheTempoAcrossResolutions) {
  EngineRig rig(WithPpqn(24));
  const uint64_t interval = PulseTicks(120, 24);
  for (int i = 0; i < 4; ++i) rig.Edge(5000 + i * interval);
  rig.RunUntil(5000 + 10 * interval);  // timed out
  rig.engine.Configure(WithPpqn(96));
  EXPECT_EQ(rig.engine.interval(), interval / 4);
  EXPECT_EQ(rig.engine.pulses_per_clock(), 4u);
  EngineRig three(WithPpqn(24));
  for (int i = 0; i < 4; ++i) three.Edge(5000 + i * interval);
  three.RunUntil(5000 + 10 * interval);
  three.engine.Configure(WithPpqn(3));
  EXPECT_EQ(three.engine.interval(), interval * 8);
  EXPECT_EQ(three.engine.clocks_per_pulse(), 8u);
  EXPECT_EQ(three.engine.pulses_per_clock(), 1u);
}

}  // namespace
}  // namespace cv2midi

namespace cv2midi {
namespace {

// At 96 PPQN and 3000 BPM the timeout's Stop (two intervals and the grace) opens its
// booking horizon before the next pulse is due; booked then, it would stand between that
// pulse and the capture's fast path. It waits for the pulse's window instead; at 24 PPQN
// the horizon never opens that early and nothing changes.
TEST(HighPpqn, TheTimeoutStopWaitsForTheExpectedPulseWhenItsHorizonOpensFirst) {
  for (uint8_t ppqn : {24, 48, 96}) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    ClockEngine engine;
    engine.Init(WithPpqn(ppqn));
    const uint32_t interval = static_cast<uint32_t>(PulseTicks(3000, ppqn));
    uint32_t t = 5000;
    for (int i = 0; i < 8; ++i, t += interval) {
      ASSERT_TRUE(engine.OnEdge(t));
      uint32_t due;
      uint8_t byte;
      bool sends;
      while (engine.PeekCritical(&due, &byte, &sends) && !engine.critical_is_timeout_stop()) {
        engine.CriticalSent();
      }
    }
    const uint32_t last = t - interval;
    uint32_t due;
    uint8_t byte;
    bool sends;
    ASSERT_TRUE(engine.PeekCritical(&due, &byte, &sends));
    ASSERT_TRUE(engine.critical_is_timeout_stop());
    EXPECT_EQ(due, last + 2 * interval + interval / 8);
    const uint32_t window_end = last + interval + interval / 16;
    EXPECT_EQ(engine.last_edge(), last);
    uint32_t until = 0;
    const uint32_t now = due - DinLine::kHorizon;  // the horizon opens
    const bool waits = DinLine::StopWaitsForEdge(engine, now, due, &until);
    // 24 PPQN: the next pulse's window ends long before the horizon opens. 48: the horizon
    // opens 1109 ticks before that window ends; 96: before the last pulse, even.
    if (ppqn == 24) {
      EXPECT_TRUE(Before(window_end, now));
      EXPECT_FALSE(waits);
    } else {
      EXPECT_TRUE(Before(now, window_end));
      EXPECT_TRUE(waits);
      EXPECT_EQ(until, window_end);
      EXPECT_GE(TicksUntil(until, due), static_cast<int32_t>(DinLine::kStopLead));
    }
    // Once the window has passed with no pulse, the Stop is booked.
    EXPECT_FALSE(DinLine::StopWaitsForEdge(engine, window_end, due, &until));
  }
}

}  // namespace
}  // namespace cv2midi

namespace cv2midi {
namespace {

// Merged bytes and Song Positions go where the engine is Quiet. At 48/96 PPQN a pulse that
// earns no clock sends nothing, so only the next that earns one is kept clear: at 96 PPQN
// and 2000 BPM a pulse comes every 5000 ticks, less than a byte and its slack.
TEST(HighPpqn, OnlyThePulseThatEarnsAClockIsKeptClearOfMergedBytes) {
  for (uint8_t ppqn : {24, 48, 96}) {
    SCOPED_TRACE(testing::Message() << "ppqn " << +ppqn);
    EngineSettings s = WithPpqn(ppqn);
    s.latency_ticks = 256;
    EngineRig rig(s);
    const uint64_t k = ppqn > 24 ? ppqn / 24 : 1;
    const uint64_t interval = PulseTicks(ppqn == 24 ? 500 : 2000, ppqn);
    const uint32_t window = kByteTicks + 640;
    uint64_t t = 5000;
    for (uint64_t i = 0; i < 4 * k + 1; ++i, t += interval) rig.Edge(t);
    // Pulse 4k earned a clock; a byte over the next pulse (before the timeout's Stop) is
    // in its way only if that pulse sends.
    uint64_t next = t + 256;
    rig.RunUntil(next - window / 2 - 1);
    EXPECT_EQ(rig.engine.Quiet(static_cast<uint32_t>(next - window / 2), window), k > 1);
    if (k > 1) {
      // The pulse before the next that earns: that one is kept clear.
      for (uint64_t i = 1; i < k; ++i, t += interval) rig.Edge(t);
      next = t + 256;
      rig.RunUntil(next - window / 2 - 1);
      EXPECT_FALSE(rig.engine.Quiet(static_cast<uint32_t>(next - window / 2), window));
    }
  }
}

}  // namespace
}  // namespace cv2midi
