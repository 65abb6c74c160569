// The wire schedule and the DIN line's booking policy, on the host.
#include "core/wire_schedule.h"

#include <gtest/gtest.h>

#include "core/din_line.h"
#include "core/midi.h"
#include "tests/engine_rig.h"

namespace cv2midi {
namespace {

TEST(WireSchedule, FramesNeverOverlapAndKeepTheirOrder) {
  WireSchedule wire;
  wire.Init(1000);
  // Asked for the same tick, or one inside the frame before: each goes where the line frees.
  EXPECT_EQ(wire.Book(2000, 0xF8, WireSchedule::kEngine), 2000u);
  EXPECT_EQ(wire.Book(2000, 0x90, WireSchedule::kMerged), 2000u + kByteTicks);
  EXPECT_EQ(wire.Book(3000, 0x40, WireSchedule::kMerged), 2000u + 2 * kByteTicks);
  // Asked for later than the line frees: exactly then.
  EXPECT_EQ(wire.Book(50000, 0xF8, WireSchedule::kEngine), 50000u);
  EXPECT_EQ(wire.FreeAt(0), 50000u + kByteTicks);
  uint32_t last_end = 0;
  for (int i = 0; i < 4; ++i) {
    const WireSchedule::Frame* f = wire.Next();
    ASSERT_NE(f, nullptr);
    EXPECT_GE(f->start, last_end);
    last_end = f->start + kByteTicks;
    wire.Take();
  }
  EXPECT_EQ(wire.Next(), nullptr);
}

TEST(WireSchedule, RetiresOnlyWhatHasStartedAndHoldsEightFrames) {
  WireSchedule wire;
  wire.Init(0);
  for (int i = 0; i < WireSchedule::kSlots; ++i) wire.Book(100, 0xF8, WireSchedule::kEngine);
  EXPECT_TRUE(wire.full());
  wire.Take();
  wire.Take();
  WireSchedule::Frame f;
  EXPECT_FALSE(wire.Retire(99, &f));  // taken, but its start bit has not left
  EXPECT_TRUE(wire.Retire(100, &f));
  EXPECT_EQ(f.start, 100u);
  EXPECT_FALSE(wire.Retire(100 + kByteTicks - 1, &f));  // the second starts a frame later
  EXPECT_TRUE(wire.Retire(100 + kByteTicks, &f));
  EXPECT_FALSE(wire.Retire(1000000, &f));  // not taken yet
  EXPECT_FALSE(wire.full());
}

TEST(WireSchedule, ALateStartPushesWhatIsBookedLater) {
  WireSchedule wire;
  wire.Init(0);
  wire.Book(1000, 0xF8, WireSchedule::kEngine);
  wire.TakeLate(300);  // the transmitter could only start it 300 ticks late
  EXPECT_EQ(wire.Book(0, 0x90, WireSchedule::kMerged), 1300u + kByteTicks);
}

TEST(FrameChanges, MarkEachLevelChangeOfTheFrame) {
  EXPECT_EQ(FrameChanges(0xF8), 0x011);  // start bit, and the rise at bit 3 (position 4)
  EXPECT_EQ(FrameChanges(0xFF), 0x003);  // start bit, and the rise at data bit 0
  EXPECT_EQ(FrameChanges(0x00), 0x201);  // start bit, and the stop bit
  EXPECT_EQ(FrameChanges(0x55), 0x3FF);  // every bit
}

TEST(WireSchedule, BooksAcrossTheThirtyTwoBitWrap) {
  WireSchedule wire;
  const uint32_t near_end = 0xFFFFFFFFu - 2000;
  wire.Init(near_end);
  const uint32_t a = wire.Book(near_end + 100, 0xF8, WireSchedule::kEngine);
  const uint32_t b = wire.Book(near_end + 100, 0xF8, WireSchedule::kEngine);
  EXPECT_EQ(b - a, kByteTicks);  // the second lies past the wrap
  EXPECT_LT(b, a);
  EXPECT_EQ(wire.FreeAt(b), b + kByteTicks);
  wire.Poll(b + 10 * kByteTicks);
  EXPECT_EQ(wire.FreeAt(b + 10 * kByteTicks), b + 10 * kByteTicks);
}

// A running 120 BPM clock with DIN in traffic waiting, asked at moments of interest.
class LineAtOneTwenty : public testing::Test {
 protected:
  void SetUp() override {
    EngineSettings settings;
    settings.latency_ticks = 256;
    // The rig books the engine's own bytes; the line under test, with the merger, is asked.
    rig_.reset(new EngineRig(settings, 5000));
    for (int e = 0; e < 3; ++e) rig_->Edge(5000 + e * kInterval);
    line_.Init(&merger_, nullptr);
    last_edge_ = 5000 + 2 * kInterval;
  }
  void QueueNote(uint8_t status) {
    MidiEvent note;
    note.kind = MidiEventKind::kMessage;
    note.status = status;
    note.size = 2;
    note.data[0] = 60;
    note.data[1] = 100;
    merger_.Take(note);
  }
  // What the line would book at `now` with the line free then.
  bool Ask(uint64_t now, DinLine::Booking* b) {
    rig_->RunUntil(now);
    const uint32_t t = static_cast<uint32_t>(now);
    return line_.Next(t, rig_->engine, rig_->wire.FreeAt(t), rig_->wire.full(), true, b);
  }

  static constexpr uint64_t kInterval = 8000000;  // 120 BPM at 1 PPQN
  std::unique_ptr<EngineRig> rig_;
  uint8_t fifo_[64];
  Merger merger_{fifo_, sizeof(fifo_)};
  DinLine line_;
  uint64_t last_edge_ = 0;
};

TEST_F(LineAtOneTwenty, AMergedByteGoesInAGapWhereItEndsBeforeTheNextClock) {
  // Clock 1 of the interval is due at edge + L + interval / 24; well before it, room.
  const uint64_t clock1 = last_edge_ + 256 + kInterval / 24;
  QueueNote(0x90);
  DinLine::Booking b;
  ASSERT_TRUE(Ask(clock1 - 100000, &b));
  EXPECT_EQ(b.what, DinLine::kMerged);
  EXPECT_EQ(b.byte, 0x90);
  EXPECT_LE(b.at + kByteTicks, static_cast<uint32_t>(clock1));
}

TEST_F(LineAtOneTwenty, NoMergedByteWhereItWouldOverlapTheClock) {
  const uint32_t clock1 = static_cast<uint32_t>(last_edge_ + 256 + kInterval / 24);
  QueueNote(0x90);
  // From just over a frame before the clock to just after it: a note is booked either to end
  // before the clock starts or to start after it ends, never across it.
  for (uint64_t now = clock1 - DinLine::kLead - 2 * kByteTicks; now < clock1 + kByteTicks;
       now += 200) {
    DinLine::Booking b;
    if (!Ask(now, &b)) continue;
    ASSERT_EQ(b.what, DinLine::kMerged);
    const bool before = !Before(clock1, b.at + kByteTicks);
    const bool after = !Before(b.at, clock1 + kByteTicks);
    EXPECT_TRUE(before || after) << "note at " << b.at << ", clock at " << clock1;
  }
}

TEST_F(LineAtOneTwenty, NoMergedByteNearTheExpectedPulse) {
  // After the 24th clock, nothing is due until the next pulse; the 2 ms before it are kept
  // clear so that the pulse's first clock leaves at edge + L.
  const uint64_t next_edge = last_edge_ + kInterval;
  QueueNote(0x90);
  DinLine::Booking b;
  ASSERT_TRUE(Ask(next_edge - 40000, &b));
  EXPECT_EQ(b.what, DinLine::kMerged);
  EXPECT_FALSE(Ask(next_edge - 1000, &b)) << "booked at " << b.at;
}

TEST_F(LineAtOneTwenty, AReplyWaitsForTheMessageOnTheLineToEnd) {
  // The line carries the DIN merger's note; a reply queued in the USB merger (a settings
  // reply for the host's request, say) waits until that message has gone out whole.
  uint8_t usb_fifo[64];
  Merger usb(usb_fifo, sizeof(usb_fifo));
  line_.Init(&merger_, &usb);
  QueueNote(0x90);
  MidiEvent sysex;
  sysex.kind = MidiEventKind::kSysExStart;
  usb.Take(sysex);
  uint64_t now = last_edge_ + 500000;
  std::vector<uint8_t> order;
  for (int i = 0; i < 4; ++i, now += 2 * kByteTicks) {
    DinLine::Booking b;
    ASSERT_TRUE(Ask(now, &b));
    order.push_back(b.byte);
    line_.Commit(b, &rig_->engine);
  }
  EXPECT_EQ(order, (std::vector<uint8_t>{0x90, 60, 100, 0xF0}));
}

TEST_F(LineAtOneTwenty, ASysExWhoseSourceStallsHoldsTheLineUntilItIsClosed) {
  // The host's SysEx goes out as far as it came; DIN's note waits for its end (never
  // inside it), and gets the line once the merger closes the stalled SysEx with F7.
  uint8_t usb_fifo[64];
  Merger usb(usb_fifo, sizeof(usb_fifo));
  line_.Init(&merger_, &usb);
  MidiEvent e;
  e.kind = MidiEventKind::kSysExStart;
  usb.Take(e);
  e.kind = MidiEventKind::kSysExData;
  e.data[0] = 0x7E;
  usb.Take(e);
  uint64_t now = last_edge_ + 500000;
  std::vector<uint8_t> order;
  auto book = [&](int n) {
    for (int i = 0; i < n; ++i, now += 2 * kByteTicks) {
      DinLine::Booking b;
      if (!Ask(now, &b)) continue;
      ASSERT_EQ(b.what, DinLine::kMerged);
      order.push_back(b.byte);
      line_.Commit(b, &rig_->engine);
    }
  };
  book(2);
  ASSERT_EQ(order, (std::vector<uint8_t>{0xF0, 0x7E}));
  QueueNote(0x91);
  book(4);
  EXPECT_EQ(order, (std::vector<uint8_t>{0xF0, 0x7E})) << "DIN's note waits for the SysEx";
  usb.CloseStalled(static_cast<uint32_t>(now));
  ASSERT_TRUE(usb.CloseStalled(static_cast<uint32_t>(now + Merger::kSysExStallTicks)));
  book(4);
  EXPECT_EQ(order, (std::vector<uint8_t>{0xF0, 0x7E, 0xF7, 0x91, 60, 100}));
}

// Through the whole line, with DIN in traffic: a long press's Song Position never lands
// inside a merged message (real-time clocks may), whenever the press comes.
TEST(DinLine, SongPositionNeverLandsInsideAMergedMessage) {
  for (int trial = 0; trial < 20; ++trial) {
    MergedRig m;
    EngineRig& rig = m.rig;
    const uint64_t interval = 8000000;
    uint64_t t = 5000, next_note = t;
    const uint64_t press = 3 * interval + 100000;
    const uint64_t long_press = press + interval + 1013 * trial;  // a different phase each trial
    for (int e = 0; e < 8; ++e, t += interval) {
      for (; next_note < t; next_note += 3 * kByteTicks) {
        rig.RunUntil(next_note);
        if (next_note >= press && next_note < press + 3 * kByteTicks) {
          rig.Button(ButtonEvent::kPress);
          rig.Button(ButtonEvent::kRelease);
        }
        if (long_press >= next_note && long_press < next_note + 3 * kByteTicks) {
          rig.RunUntil(long_press);  // at its own phase against the notes' frames
          rig.Button(ButtonEvent::kPress);
          rig.Button(ButtonEvent::kLongPress);
        }
        m.Note(next_note);
      }
      rig.Edge(t);
    }
    rig.RunUntil(t + 3 * interval);
    int data_left = 0;
    size_t song_positions = 0;
    for (const Sent& s : rig.out) {
      if (s.byte >= 0xF8) continue;  // real-time: anywhere
      if (s.byte == midi::kSongPosition) {
        ++song_positions;
        EXPECT_EQ(data_left, 0) << "trial " << trial << ": Song Position inside a message";
        data_left = 2;
      } else if (s.byte >= 0x80) {
        EXPECT_EQ(data_left, 0) << "trial " << trial << ": a status inside a message";
        data_left = 2;
      } else {
        EXPECT_GT(data_left, 0) << "trial " << trial << ": a data byte with no status";
        --data_left;
      }
    }
    EXPECT_EQ(song_positions, 1u) << "trial " << trial;
    EXPECT_EQ(rig.Count(midi::kContinue), 1u) << "trial " << trial;
  }
}

}  // namespace
}  // namespace cv2midi
