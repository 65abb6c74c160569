// A USB host for the simulated Teensy, built on simavr's USB ioctls: it enumerates the
// device as an operating system would (checking the descriptors with its own parser),
// then reads the MIDI IN endpoint once a frame (1 ms) and writes OUT packets when asked.
// It works in whole frames; simavr has no start-of-frame, so the host paces itself.
#ifndef CV2MIDI_SIM_USB_HOST_H_
#define CV2MIDI_SIM_USB_HOST_H_

#include <stdint.h>

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "sim/teensy.h"
#include "sim/usbmon_pcap.h"

namespace cv2midi {
namespace sim {

struct UsbPacketIn {
  uint64_t cycle;  // the frame the host read it in
  uint8_t b[4];
};

struct UsbHostReport {
  bool attached = false;
  bool enumerated = false;      // configured, descriptors checked
  std::vector<std::string> transcript;
  std::map<uint8_t, std::string> strings;  // string descriptors read, by index (ASCII)
  std::vector<std::string> descriptor_faults;
  int enumerations = 0;
  std::vector<uint64_t> enumerated_at;  // cycles each enumeration finished
  int stalls_seen = 0;          // the probe of an unknown request must be one
  std::vector<UsbPacketIn> packets;
  size_t out_packets_sent = 0;
  size_t out_naks = 0;
  size_t frames = 0;
  uint8_t in_endpoint = 0, out_endpoint = 0;  // found in the descriptors
};

class UsbHost {
 public:
  explicit UsbHost(Teensy* teensy) : teensy_(teensy) {}

  // Starts the frame clock at `start`: waits for attach, then resets and enumerates.
  void Start(uint64_t start);
  void Reset(uint64_t at);                       // a bus reset, then enumeration again
  void PauseReading(uint64_t at, bool paused);   // the host stops or resumes reading
  void Suspend(uint64_t at, bool suspended);     // bus suspend (no traffic) / resume
  void SendOut(uint64_t at, const std::vector<uint8_t>& packets);  // whole 4-byte packets

  // Records every transfer from now on in `path` (usbmon pcap, for Wireshark).
  bool CaptureTo(const std::string& path) { return pcap_.Open(path); }

  const UsbHostReport& report() const { return report_; }

 private:
  struct Control {
    uint8_t setup[8];
    std::vector<uint8_t> data;  // received in the data stage
    std::string what;
    int stage = 0;              // 0 setup, 1 data in, 2 status out, 3 status in, 4 done
    bool stalled = false;
    uint64_t urb = 0;           // its id in the capture
  };
  void Frame();
  bool StepControl();
  void EnumerationStep();
  void Queue(uint8_t type, uint8_t request, uint16_t value, uint16_t index, uint16_t length,
             const std::string& what);
  void CheckDescriptors();
  int Ioctl(uint32_t ctl, uint8_t pipe, uint8_t* buf, uint32_t* size);
  // A bulk transfer that moved `data`, as its submit and complete records.
  void CaptureBulk(uint8_t endpoint, const uint8_t* data, uint32_t size);

  Teensy* teensy_;
  UsbHostReport report_;
  std::deque<Control> controls_;
  std::vector<Control> done_;
  int enumeration_step_ = -1;  // -1: not enumerating
  bool attached_ = false;
  bool reading_ = true;
  bool suspended_ = false;
  bool pending_reset_ = false;
  std::vector<uint8_t> device_descriptor_;
  std::vector<uint8_t> configuration_;
  std::deque<std::vector<uint8_t>> out_queue_;
  UsbmonPcap pcap_;
  uint8_t address_ = 0;  // the device's bus address as the capture names it
};

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_USB_HOST_H_
