// The printed report, and a PNG a musician reads: tempo in and out over time, with the
// edges, transport and catch-up bursts, and each clock's timing error.
#ifndef CV2MIDI_SIM_REPORT_H_
#define CV2MIDI_SIM_REPORT_H_

#include <ostream>
#include <string>

#include "sim/analysis.h"
#include "sim/run.h"

namespace cv2midi {
namespace sim {

void PrintReport(const RunResult& run, const Analysis& analysis, std::ostream& out);
// Every clock edge and every byte on the MIDI OUT pin (at its start bit), one a line, in
// cycle order.
void PrintDump(const RunResult& run, std::ostream& out);
// Needs gnuplot; says why in `note` when it could not draw.
bool WritePlot(const RunResult& run, const Analysis& analysis, const std::string& png_path,
               std::string* note);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_REPORT_H_
