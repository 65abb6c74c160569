#include "core/config_tap.h"

#include <gtest/gtest.h>

#include <vector>

namespace cv2midi {
namespace {

struct Rig {
  MidiParser parser;
  ConfigTap tap;
  std::vector<uint8_t> passed;  // what went on, spelled as bytes
  std::vector<std::vector<uint8_t>> requests;
  void In(const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) {
      MidiEvent e[2];
      const uint8_t n = parser.Feed(b, e);
      for (uint8_t i = 0; i < n; ++i) {
        MidiEvent out[4];
        const uint8_t m = tap.Take(e[i], out);
        for (uint8_t k = 0; k < m; ++k) Spell(out[k]);
        uint8_t msg[sysex::kMaxMessage];
        size_t size;
        if (tap.TakeRequest(msg, &size)) requests.emplace_back(msg, msg + size);
      }
    }
  }
  void Spell(const MidiEvent& e) {
    switch (e.kind) {
      case MidiEventKind::kRealTime: passed.push_back(e.status); break;
      case MidiEventKind::kMessage:
        passed.push_back(e.status);
        for (uint8_t i = 0; i < e.size; ++i) passed.push_back(e.data[i]);
        break;
      case MidiEventKind::kSysExStart: passed.push_back(0xF0); break;
      case MidiEventKind::kSysExData: passed.push_back(e.data[0]); break;
      case MidiEventKind::kSysExEnd: passed.push_back(0xF7); break;
      case MidiEventKind::kNone: break;
    }
  }
};

TEST(ConfigTap, OurRequestsAreSetAsideAndNothingOfThemPasses) {
  Rig r;
  r.In({0x90, 0x3C, 0x64, 0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x04, 0xF7, 0x80, 0x3C, 0x00});
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0],
            (std::vector<uint8_t>{0xF0, 0x7D, 0x63, 0x32, 0x02, 0x01, 0x04, 0xF7}));
  EXPECT_EQ(r.passed, (std::vector<uint8_t>{0x90, 0x3C, 0x64, 0x80, 0x3C, 0x00}));
}

TEST(ConfigTap, OtherSysExPassesWholeEvenWithAPrefixLikeOurs) {
  Rig r;
  const std::vector<uint8_t> others[] = {
      {0xF0, 0x7D, 0x63, 0x33, 0x01, 0xF7},  // another 7D product
      {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7},  // universal identity request
      {0xF0, 0x7D, 0xF7},                    // shorter than our header
      {0xF0, 0xF7},
  };
  for (const auto& m : others) {
    r.passed.clear();
    r.In(m);
    EXPECT_EQ(r.passed, m);
  }
  EXPECT_TRUE(r.requests.empty());
}

TEST(ConfigTap, RealTimeInsideOurRequestStillPasses) {
  Rig r;
  r.In({0xF0, 0x7D, 0xF8, 0x63, 0x32, 0x01, 0xF7});
  EXPECT_EQ(r.passed, (std::vector<uint8_t>{0xF8}));
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].size(), 6u);
}

TEST(ConfigTap, ARequestTooLongOrCutShortComesOutAsHeaderOnlyForANak) {
  Rig r;
  std::vector<uint8_t> longer = {0xF0, 0x7D, 0x63, 0x32, 0x01};
  for (int i = 0; i < 40; ++i) longer.push_back(0x01);
  longer.push_back(0xF7);
  r.In(longer);
  r.In({0xF0, 0x7D, 0x63, 0x32, 0x01, 0x90, 0x3C, 0x64});  // cut by a note
  ASSERT_EQ(r.requests.size(), 2u);
  for (const auto& req : r.requests) {
    EXPECT_EQ(req, (std::vector<uint8_t>{0xF0, 0x7D, 0x63, 0x32, 0xF7}));
  }
  EXPECT_EQ(r.passed, (std::vector<uint8_t>{0x90, 0x3C, 0x64}));
}

}  // namespace
}  // namespace cv2midi
