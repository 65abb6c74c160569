// The printed report and the files beside it: a GTKWave save file for the VCD and a PNG of
// clock spacing over time.
#ifndef CV2MIDI_SIM_REPORT_H_
#define CV2MIDI_SIM_REPORT_H_

#include <ostream>
#include <string>

#include "sim/analysis.h"
#include "sim/run.h"

namespace cv2midi {
namespace sim {

void PrintReport(const RunResult& run, const Analysis& analysis, std::ostream& out);
// Every clock edge and every byte written to UDR1, one a line, in cycle order.
void PrintDump(const RunResult& run, std::ostream& out);
bool WriteGtkwSave(const std::string& gtkw_path, const std::string& vcd_path);
// Needs gnuplot; says why in `note` when it could not draw.
bool WriteSpacingPlot(const RunResult& run, const std::string& png_path, std::string* note);

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_REPORT_H_
