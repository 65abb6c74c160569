// A small FIFO of (byte, count) runs: an edge's burst of owed clocks is one entry, not 23.
#ifndef CV2MIDI_CORE_BYTE_RUNS_H_
#define CV2MIDI_CORE_BYTE_RUNS_H_

#include <stdint.h>

namespace cv2midi {

class ByteRuns {
 public:
  static constexpr uint8_t kCapacity = 8;

  // Appends `count` copies of `byte`, merged into the last run when it holds the same byte.
  // Returns false, changing nothing, when a new run does not fit.
  bool Push(uint8_t byte, uint16_t count) {
    if (count == 0) return true;
    if (size_ > 0) {
      Run& last = runs_[Slot(size_ - 1)];
      if (last.byte == byte) {
        last.count = static_cast<uint16_t>(last.count + count);
        return true;
      }
    }
    if (size_ == kCapacity) return false;
    runs_[Slot(size_)] = Run{byte, count};
    ++size_;
    return true;
  }

  bool empty() const { return size_ == 0; }
  uint8_t front() const { return runs_[head_].byte; }

  void PopOne() {
    if (--runs_[head_].count == 0) {
      head_ = Slot(1);
      --size_;
    }
  }

  void Clear() { size_ = 0; }

 private:
  struct Run {
    uint8_t byte;
    uint16_t count;
  };
  uint8_t Slot(uint8_t i) const { return static_cast<uint8_t>((head_ + i) % kCapacity); }

  Run runs_[kCapacity] = {};
  uint8_t head_ = 0;
  uint8_t size_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_BYTE_RUNS_H_
