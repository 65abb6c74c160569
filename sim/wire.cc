// The MIDI OUT pin decoder; see wire.h.
#include "sim/wire.h"

#include <cstdio>

namespace cv2midi {
namespace sim {
namespace {

std::string Describe(const char* what, uint64_t cycle, uint64_t start) {
  char text[160];
  std::snprintf(text, sizeof(text), "%s at cycle %llu (%.6f s), frame from cycle %llu", what,
                static_cast<unsigned long long>(cycle), cycle / 16e6,
                static_cast<unsigned long long>(start));
  return text;
}

}  // namespace

WireDecode DecodeWire(const std::vector<PinChange>& changes, uint64_t end) {
  WireDecode out;
  bool level = true;
  size_t i = 0;
  auto fault = [&out](uint64_t cycle, const std::string& what) {
    out.faults.push_back(WireFault{cycle, what});
  };
  while (i < changes.size()) {
    const PinChange& c = changes[i];
    if (c.level == level) {  // not a change: the recorder keeps only changes
      ++i;
      continue;
    }
    if (c.level) {  // rising while idle: the line was low outside a frame
      fault(c.cycle, Describe("line rises outside a frame", c.cycle, c.cycle));
      level = true;
      ++i;
      continue;
    }
    // A start bit. Walk the frame's changes; each must sit on a bit boundary.
    const uint64_t start = c.cycle;
    level = false;
    ++i;
    if (end - start < kFrameCycles) {  // start <= end: the recording stopped inside it
      ++out.cut_at_end;
      break;
    }
    uint16_t levels = 0;  // bit k: the level during bit k
    int bit = 0;
    bool frame_ok = true;
    while (i < changes.size() && changes[i].cycle < start + kFrameCycles) {
      const PinChange& d = changes[i];
      const uint64_t offset = d.cycle - start;
      if (offset % kBitCycles != 0) {
        fault(d.cycle, Describe("level change off the bit grid", d.cycle, start));
        frame_ok = false;
      }
      const int at = static_cast<int>(offset / kBitCycles);
      for (; bit < at && bit < 10; ++bit) {
        if (level) levels = static_cast<uint16_t>(levels | (1u << bit));
      }
      level = d.level;
      ++i;
    }
    for (; bit < 10; ++bit) {
      if (level) levels = static_cast<uint16_t>(levels | (1u << bit));
    }
    if ((levels & 1u) != 0) {
      fault(start, Describe("start bit not low at its middle", start + kBitCycles / 2, start));
      frame_ok = false;
    }
    if ((levels & (1u << 9)) == 0) {
      fault(start + 9 * kBitCycles, Describe("framing error: stop bit low", start + 9 * kBitCycles + kBitCycles / 2, start));
      frame_ok = false;
    }
    if (frame_ok || (levels & (1u << 9)) != 0) {
      out.bytes.push_back(TxByte{start, static_cast<uint8_t>((levels >> 1) & 0xFF)});
    }
    if (!level) {
      // Still low at the frame's end: a break, or a frame cut short.
      fault(start + kFrameCycles, Describe("line low after the stop bit", start + kFrameCycles, start));
    }
  }
  return out;
}

}  // namespace sim
}  // namespace cv2midi
