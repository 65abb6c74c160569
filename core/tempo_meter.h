// The tempo the clock jack plays, for the status readout: the span of the last whole beat
// (PPQN accepted edges), so a 24 PPQN clock is read over 24 intervals, not one.
#ifndef CV2MIDI_CORE_TEMPO_METER_H_
#define CV2MIDI_CORE_TEMPO_METER_H_

#include <stdint.h>

namespace cv2midi {

class TempoMeter {
 public:
  // An accepted edge at t; `restart`: the first after a silence, which starts a new beat.
  void OnEdge(uint32_t t, bool restart, uint8_t ppqn) {
    if (restart || ppqn != ppqn_) {
      ppqn_ = ppqn;
      count_ = 0;
      anchor_ = t;
      return;
    }
    if (++count_ < ppqn_) return;
    beat_ticks_ = t - anchor_;
    anchor_ = t;
    count_ = 0;
  }
  // Ticks of the last whole beat; 0 before one was measured.
  uint32_t beat_ticks() const { return beat_ticks_; }
  // The tempo in 0.01 BPM, rounded: 60 * 16e6 * 100 / beat ticks; 0 before a beat.
  uint32_t centi_bpm() const {
    if (beat_ticks_ == 0) return 0;
    return static_cast<uint32_t>((96000000000ULL + beat_ticks_ / 2) / beat_ticks_);
  }

 private:
  uint8_t ppqn_ = 0;
  uint8_t count_ = 0;
  uint32_t anchor_ = 0;
  uint32_t beat_ticks_ = 0;
};

}  // namespace cv2midi

#endif  // CV2MIDI_CORE_TEMPO_METER_H_
