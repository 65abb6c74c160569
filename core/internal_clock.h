// The internal clock's arithmetic: clock k of a run is due at origin + round(k * num / den)
// ticks, worked out with additions and the remainder carried, so a run of any length keeps
// to that ideal exactly (at most the rounding's half tick). A tempo of T BPM is
// 60 * F_CPU / (24 * T) ticks a clock: num / den = 4e8 / (T in 0.1 BPM).
#ifndef CV2MIDI_CORE_INTERNAL_CLOCK_H_
#define CV2MIDI_CORE_INTERNAL_CLOCK_H_

#include <stdint.h>

namespace cv2midi {

class InternalClock {
 public:
  // Ticks a clock is num / den of: 60 * 16e6 * 10 / 24 over the tempo in 0.1 BPM.
  static constexpr uint32_t kTempoNumerator = 400000000UL;

  // Clock 0 is due at `origin`, a clock every num / den ticks (num < 2^31, den < 2^15);
  // the next clock due is clock `first`.
  void Start(uint32_t origin, uint32_t num, uint16_t den, uint32_t first);
  // At a tempo in 0.1 BPM.
  void StartTempo(uint32_t origin, uint16_t tempo_deci_bpm) {
    Start(origin, kTempoNumerator, tempo_deci_bpm, 0);
  }
  void Stop() { running_ = false; }

  bool running() const { return running_; }
  // The next clock's index and the tick it is due.
  uint32_t index() const { return index_; }
  uint32_t due() const { return due_; }
  // n clocks' worth of ticks, rounded: the interval of a pulse at this tempo.
  uint32_t Span(uint8_t n) const;

  // The next clock: additions only.
  void Advance() {
    ++index_;
    due_ += step_;
    acc_ += rem_;
    if (acc_ >= den2_) {
      acc_ -= den2_;
      ++due_;
    }
  }

 private:
  bool running_ = false;
  uint32_t index_ = 0;
  uint32_t due_ = 0;
  uint32_t step_ = 0;  // floor(num / den)
  uint32_t rem_ = 0;   // 2 * (num mod den)
  uint32_t acc_ = 0;   // (2 * k * num + den) mod 2 * den
  uint32_t den2_ = 2;  // 2 * den
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_INTERNAL_CLOCK_H_
