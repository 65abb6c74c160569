// Strict MIDI stream checks; see midi_check.h.
#include "sim/midi_check.h"

#include <algorithm>
#include <cstdio>

#include "core/midi_parser.h"

namespace cv2midi {
namespace sim {
namespace {

std::string Fault(const char* what, size_t at, uint8_t byte) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s at byte %zu (%02X)", what, at, byte);
  return buf;
}

}  // namespace

MidiReading ReadStrictly(const std::vector<uint8_t>& stream) {
  MidiReading r;
  MidiMessage current;
  uint8_t running = 0;
  size_t need = 0;
  bool sysex = false;
  auto fail = [&r](const std::string& what) {
    if (r.valid) r.first_fault = what;
    r.valid = false;
  };
  for (size_t i = 0; i < stream.size(); ++i) {
    const uint8_t b = stream[i];
    if (b >= 0xF8) {
      if (b == 0xF9 || b == 0xFD) fail(Fault("undefined real-time byte", i, b));
      r.messages.push_back({b});
      continue;
    }
    if (sysex) {
      current.push_back(b);
      if (b == 0xF7) {
        r.messages.push_back(current);
        current.clear();
        sysex = false;
      } else if (b >= 0x80) {
        fail(Fault("a status inside a SysEx", i, b));
      }
      continue;
    }
    if (b >= 0x80) {
      if (need != 0) fail(Fault("a status cut a message short", i, b));
      need = 0;
      if (b == 0xF0) {
        sysex = true;
        current = {b};
        running = 0;
        continue;
      }
      const uint8_t d = MidiParser::DataBytes(b);
      if (d == 0xFF) {
        fail(Fault("an undefined status or a lone F7", i, b));
        running = 0;
        continue;
      }
      current = {b};
      need = d;
      running = b < 0xF0 ? b : 0;
      if (need == 0) {
        r.messages.push_back(current);
        current.clear();
      }
      continue;
    }
    if (need == 0) {
      if (running == 0) {
        fail(Fault("a stray data byte", i, b));
        continue;
      }
      current = {running};
      need = MidiParser::DataBytes(running);
    }
    current.push_back(b);
    if (--need == 0) {
      r.messages.push_back(current);
      current.clear();
    }
  }
  if (need != 0) fail("the stream ends inside a message");
  if (sysex) fail("the stream ends inside a SysEx");
  return r;
}

ThruMatch MatchThru(const std::vector<MidiMessage>& in, const std::vector<MidiMessage>& out) {
  ThruMatch m;
  auto is_rt = [](const MidiMessage& x) { return x.size() == 1 && x[0] >= 0xF8; };
  for (int realtime = 0; realtime < 2; ++realtime) {
    std::vector<const MidiMessage*> ins, outs;
    for (const MidiMessage& x : in) {
      if (is_rt(x) == (realtime == 1)) ins.push_back(&x);
    }
    for (const MidiMessage& x : out) {
      if (is_rt(x) == (realtime == 1)) outs.push_back(&x);
    }
    size_t j = 0;
    for (const MidiMessage* x : ins) {
      if (j < outs.size() && *outs[j] == *x) {
        ++j;
        ++m.delivered;
      } else if (j < outs.size() && (*x)[0] == 0xF0 && (*outs[j])[0] == 0xF0 &&
                 outs[j]->size() < x->size() &&
                 std::equal(outs[j]->begin(), outs[j]->end() - 1, x->begin())) {
        ++j;
        ++m.shortened;
      } else {
        ++m.missing;
      }
    }
    if (j != outs.size()) m.in_order = false;
  }
  return m;
}

void ThruExpectation::Take(const MidiEvent& e) {
  switch (e.kind) {
    case MidiEventKind::kRealTime:
      if (e.status != 0xF8 && e.status != 0xFA && e.status != 0xFB && e.status != 0xFC) {
        messages_.push_back({e.status});
      }
      break;
    case MidiEventKind::kMessage: {
      MidiMessage m = {e.status};
      m.insert(m.end(), e.data, e.data + e.size);
      messages_.push_back(m);
      break;
    }
    case MidiEventKind::kSysExStart:
      sysex_ = {0xF0};
      sysex_open_ = true;
      break;
    case MidiEventKind::kSysExData: sysex_.push_back(e.data[0]); break;
    case MidiEventKind::kSysExEnd:
      sysex_.push_back(0xF7);
      messages_.push_back(sysex_);
      sysex_open_ = false;
      break;
    case MidiEventKind::kNone: break;
  }
}

void ThruExpectation::End() {
  if (!sysex_open_) return;
  sysex_.push_back(0xF7);
  messages_.push_back(sysex_);
  sysex_open_ = false;
}

bool SameOrCutSysEx(const MidiMessage& in, const MidiMessage& out) {
  if (out == in) return true;
  return in.size() > 1 && out.size() > 1 && in[0] == 0xF0 && out[0] == 0xF0 &&
         out.back() == 0xF7 && out.size() < in.size() &&
         std::equal(out.begin(), out.end() - 1, in.begin());
}

}  // namespace sim
}  // namespace cv2midi
