#include "core/usb_midi_packet.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace cv2midi {
namespace {

std::vector<UsbMidiPacket> Encode(const std::vector<uint8_t>& bytes) {
  MidiParser parser;
  UsbMidiEncoder encoder;
  std::vector<UsbMidiPacket> packets;
  for (uint8_t b : bytes) {
    MidiEvent e[2];
    const uint8_t n = parser.Feed(b, e);
    for (uint8_t i = 0; i < n; ++i) {
      UsbMidiPacket p[2];
      const uint8_t m = encoder.Encode(e[i], p);
      for (uint8_t k = 0; k < m; ++k) packets.push_back(p[k]);
    }
  }
  return packets;
}

std::vector<uint8_t> Flatten(const std::vector<UsbMidiPacket>& packets) {
  std::vector<uint8_t> out;
  for (const auto& p : packets) out.insert(out.end(), p.b, p.b + 4);
  return out;
}

TEST(UsbMidiPacket, EachMessageHasItsCodeIndexNumber) {
  struct Case {
    std::vector<uint8_t> in;
    std::vector<uint8_t> packet;
  };
  const Case cases[] = {
      {{0xF8}, {0x0F, 0xF8, 0, 0}},              // clock: single byte, CIN F
      {{0xFA}, {0x0F, 0xFA, 0, 0}},              // Start
      {{0xFC}, {0x0F, 0xFC, 0, 0}},              // Stop
      {{0x93, 0x3C, 0x64}, {0x09, 0x93, 0x3C, 0x64}},  // note on
      {{0x83, 0x3C, 0x00}, {0x08, 0x83, 0x3C, 0x00}},  // note off
      {{0xA0, 1, 2}, {0x0A, 0xA0, 1, 2}},        // poly pressure
      {{0xB0, 7, 100}, {0x0B, 0xB0, 7, 100}},    // control change
      {{0xC5, 9}, {0x0C, 0xC5, 9, 0}},           // program change
      {{0xD5, 9}, {0x0D, 0xD5, 9, 0}},           // channel pressure
      {{0xE0, 0, 64}, {0x0E, 0xE0, 0, 64}},      // pitch bend
      {{0xF2, 12, 0}, {0x03, 0xF2, 12, 0}},      // Song Position: 3-byte common
      {{0xF1, 5}, {0x02, 0xF1, 5, 0}},           // MTC quarter frame: 2-byte common
      {{0xF3, 5}, {0x02, 0xF3, 5, 0}},           // Song Select
      {{0xF6}, {0x05, 0xF6, 0, 0}},              // Tune Request: single-byte common
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Flatten(Encode(c.in)), c.packet) << std::hex << +c.in[0];
  }
}

// The firmware sends its clocks to the host as RealTimePacket, past the parser: that must be
// the very packet the parser and encoder make, inside a message or outside one, and must
// leave the message around it whole.
TEST(UsbMidiPacket, RealTimePacketIsWhatTheEncoderMakes) {
  for (int status = 0xF8; status <= 0xFF; ++status) {
    if (status == 0xF9 || status == 0xFD) continue;  // undefined real-time bytes
    const uint8_t rt = static_cast<uint8_t>(status);
    const UsbMidiPacket fast = RealTimePacket(rt);
    EXPECT_EQ(Flatten({fast}), Flatten(Encode({rt}))) << std::hex << status;
    // Song Position with the real-time byte between its data bytes, as the engine may send.
    EXPECT_EQ(Flatten(Encode({0xF2, 12, rt, 0})),
              (std::vector<uint8_t>{fast.b[0], fast.b[1], fast.b[2], fast.b[3], 0x03, 0xF2, 12, 0}))
        << std::hex << status;
  }
}

TEST(UsbMidiPacket, RunningStatusBecomesWholePackets) {
  EXPECT_EQ(Flatten(Encode({0x90, 1, 2, 3, 4})),
            (std::vector<uint8_t>{0x09, 0x90, 1, 2, 0x09, 0x90, 3, 4}));
}

TEST(UsbMidiPacket, SysExGoesThreeBytesAPacketAndEndsWithCin5To7) {
  EXPECT_EQ(Flatten(Encode({0xF0, 0xF7})), (std::vector<uint8_t>{0x06, 0xF0, 0xF7, 0}));
  EXPECT_EQ(Flatten(Encode({0xF0, 1, 0xF7})), (std::vector<uint8_t>{0x07, 0xF0, 1, 0xF7}));
  EXPECT_EQ(Flatten(Encode({0xF0, 1, 2, 0xF7})),
            (std::vector<uint8_t>{0x04, 0xF0, 1, 2, 0x05, 0xF7, 0, 0}));
  EXPECT_EQ(Flatten(Encode({0xF0, 1, 2, 3, 4, 0xF7})),
            (std::vector<uint8_t>{0x04, 0xF0, 1, 2, 0x07, 3, 4, 0xF7}));
  EXPECT_EQ(Flatten(Encode({0xF0, 1, 2, 3, 4, 5, 0xF7})),
            (std::vector<uint8_t>{0x04, 0xF0, 1, 2, 0x04, 3, 4, 5, 0x05, 0xF7, 0, 0}));
}

TEST(UsbMidiPacket, DecodingGivesBackWhatWasEncoded) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint8_t> bytes;
    for (int i = 0; i < 200; ++i) bytes.push_back(static_cast<uint8_t>(rng()));
    // What the parser makes of the stream, encoded, decoded, must be the same events.
    MidiParser parser;
    UsbMidiEncoder encoder;
    UsbMidiDecoder decoder;
    std::vector<MidiEvent> direct, round;
    for (uint8_t b : bytes) {
      MidiEvent e[2];
      const uint8_t n = parser.Feed(b, e);
      for (uint8_t i = 0; i < n; ++i) {
        direct.push_back(e[i]);
        UsbMidiPacket p[2];
        const uint8_t m = encoder.Encode(e[i], p);
        for (uint8_t k = 0; k < m; ++k) {
          MidiEvent d[5];
          const uint8_t q = decoder.Decode(p[k], d);
          for (uint8_t r = 0; r < q; ++r) round.push_back(d[r]);
        }
      }
    }
    ASSERT_EQ(decoder.rejected(), 0u);
    // SysEx events come back grouped by packet, so compare the byte streams they spell.
    // A real-time byte inside a SysEx gets its own packet at once while SysEx bytes wait to
    // fill theirs, so real-time bytes are compared as a sequence of their own.
    auto spell = [](const std::vector<MidiEvent>& events, bool realtime) {
      std::vector<uint8_t> s;
      for (const MidiEvent& e : events) {
        if ((e.kind == MidiEventKind::kRealTime) != realtime) continue;
        switch (e.kind) {
          case MidiEventKind::kRealTime: s.push_back(e.status); break;
          case MidiEventKind::kMessage:
            s.push_back(e.status);
            for (uint8_t i = 0; i < e.size; ++i) s.push_back(e.data[i]);
            break;
          case MidiEventKind::kSysExStart: s.push_back(0xF0); break;
          case MidiEventKind::kSysExData: s.push_back(e.data[0]); break;
          case MidiEventKind::kSysExEnd: s.push_back(0xF7); break;
          case MidiEventKind::kNone: break;
        }
      }
      return s;
    };
    EXPECT_EQ(spell(round, true), spell(direct, true)) << "trial " << trial;
    // A SysEx still open at the end of the stream has not been sent yet.
    std::vector<uint8_t> want = spell(direct, false);
    const std::vector<uint8_t> got = spell(round, false);
    ASSERT_LE(got.size(), want.size());
    ASSERT_GE(got.size() + 4, want.size());
    want.resize(got.size());
    EXPECT_EQ(got, want) << "trial " << trial;
  }
}

TEST(UsbMidiPacket, AMessageEndsASysExTheHostLeftOpen) {
  UsbMidiDecoder d;
  MidiEvent out[5];
  ASSERT_EQ(d.Decode(UsbMidiPacket{{0x04, 0xF0, 0x7E, 0x01}}, out), 3);
  // No end of it; then a note: the SysEx is cut, and the note decoded, not refused.
  ASSERT_EQ(d.Decode(UsbMidiPacket{{0x09, 0x91, 0x3C, 0x40}}, out), 2);
  EXPECT_EQ(out[0].kind, MidiEventKind::kSysExEnd);
  EXPECT_TRUE(out[0].cut);
  EXPECT_EQ(out[1].kind, MidiEventKind::kMessage);
  EXPECT_EQ(out[1].status, 0x91);
  EXPECT_EQ(out[1].data[0], 0x3C);
  EXPECT_EQ(out[1].data[1], 0x40);
  ASSERT_EQ(d.Decode(UsbMidiPacket{{0x09, 0x92, 0x3C, 0x40}}, out), 1) << "no SysEx is open now";
  // A real-time byte inside a SysEx leaves it open.
  ASSERT_EQ(d.Decode(UsbMidiPacket{{0x04, 0xF0, 0x01, 0x02}}, out), 3);
  ASSERT_EQ(d.Decode(UsbMidiPacket{{0x0F, 0xFE, 0, 0}}, out), 1);
  EXPECT_EQ(out[0].kind, MidiEventKind::kRealTime);
  ASSERT_EQ(d.Decode(UsbMidiPacket{{0x06, 0x03, 0xF7, 0}}, out), 2);
  EXPECT_EQ(out[1].kind, MidiEventKind::kSysExEnd);
  EXPECT_FALSE(out[1].cut);
  EXPECT_EQ(d.rejected(), 0u);
}

TEST(UsbMidiPacket, MalformedPacketsAreRejectedAndCounted) {
  UsbMidiDecoder d;
  MidiEvent out[5];
  EXPECT_EQ(d.Decode(UsbMidiPacket{{0x00, 0x90, 1, 2}}, out), 0);  // reserved CIN
  EXPECT_EQ(d.Decode(UsbMidiPacket{{0x09, 0x80, 1, 2}}, out), 0);  // CIN 9 with a note off
  EXPECT_EQ(d.Decode(UsbMidiPacket{{0x09, 0x90, 0x81, 2}}, out), 0);  // status as data
  EXPECT_EQ(d.Decode(UsbMidiPacket{{0x0F, 0x90, 0, 0}}, out), 0);  // CIN F, not real-time
  EXPECT_EQ(d.Decode(UsbMidiPacket{{0x05, 0xF7, 0, 0}}, out), 0);  // end without start
  EXPECT_EQ(d.rejected(), 5u);
  EXPECT_EQ(d.Decode(UsbMidiPacket{{0x19, 0x90, 1, 2}}, out), 1) << "cable 1 reads as cable 0";
}

}  // namespace
}  // namespace cv2midi
