// The run's trace: every level the pins, the harness and the interrupts went through, by CPU
// cycle, written as a VCD for GTKWave, a 1-bit logic VCD for sigrok/PulseView and a GTKWave
// save file that names exactly what the VCD holds.
#ifndef CV2MIDI_SIM_TRACE_H_
#define CV2MIDI_SIM_TRACE_H_

#include <stdint.h>

#include <string>
#include <vector>

namespace cv2midi {
namespace sim {

// VCD allows a timescale of 1, 10 or 100 of a unit. 100 ps is the coarsest that holds a
// 62.5 ns cycle exactly: one cycle is 625 units, so every change sits on its own cycle.
constexpr uint64_t kVcdUnitsPerCycle = 625;
constexpr const char* kVcdTimescale = "100 ps";
// The top scope of the VCD; GTKWave names a signal "cv2midi.<group>.<name>".
constexpr const char* kVcdTop = "cv2midi";

enum class TraceGroup { kInputs, kMidi, kFirmware };

struct TraceSignal {
  TraceGroup group;
  std::string name;
  int width;         // 1, or 8 for a byte
  uint32_t initial;  // the level at time 0
  bool wire;         // a 1-bit level on a wire: also goes into the logic VCD
};

class Trace {
 public:
  // Returns the signal's handle for Change.
  int Add(TraceGroup group, const std::string& name, int width, uint32_t initial, bool wire);
  // Changes may come out of time order (a harness may rebuild a cycle after the fact); they
  // are sorted, stably, when written. Repeats of the current level vanish.
  void Change(int signal, uint64_t cycle, uint32_t value);

  // Everything, in scopes inputs / midi / firmware under kVcdTop.
  bool WriteVcd(const std::string& path, uint64_t end_cycle) const;
  // The wires only, flat in one scope, for sigrok's VCD input (which takes 1-bit signals).
  bool WriteLogicVcd(const std::string& path, uint64_t end_cycle) const;
  // Every signal, grouped as in the VCD, the view from `from` to `to` with the marker at
  // `marker` (cycles).
  bool WriteGtkw(const std::string& gtkw_path, const std::string& vcd_path, uint64_t from,
                 uint64_t marker, uint64_t to) const;

  const std::vector<TraceSignal>& signals() const { return signals_; }
  // GTKWave's name for a signal: "cv2midi.midi.midi_out_byte[7:0]".
  std::string GtkwaveName(int signal) const;

 private:
  struct Event {
    uint64_t cycle;
    uint32_t signal;
    uint32_t value;
  };
  bool Write(const std::string& path, uint64_t end_cycle, bool wires_only) const;

  std::vector<TraceSignal> signals_;
  std::vector<Event> events_;
};

const char* TraceGroupName(TraceGroup group);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_TRACE_H_
