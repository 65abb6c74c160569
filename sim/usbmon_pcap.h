// A pcap file in Linux usbmon format (LINKTYPE_USB_LINUX_MMAPPED, 220), the one Wireshark
// reads from a real Linux host: each transfer is a submit and a complete record with a
// 64-byte usbmon header, timed by the simulated clock.
#ifndef CV2MIDI_SIM_USBMON_PCAP_H_
#define CV2MIDI_SIM_USBMON_PCAP_H_

#include <stdint.h>

#include <fstream>
#include <string>
#include <vector>

namespace cv2midi {
namespace sim {

enum class UsbTransfer : uint8_t { kControl = 2, kBulk = 3 };

struct UsbmonRecord {
  uint64_t cycle;
  uint64_t id;  // one per transfer, shared by its submit and complete
  bool submit;  // 'S', else 'C'
  UsbTransfer type;
  uint8_t endpoint;  // bit 7 set for IN
  uint8_t device;
  const uint8_t* setup;  // 8 bytes on a control submit, else null
  int32_t status;        // 0, -EPIPE for a STALL; a submit's is -EINPROGRESS
  uint32_t length;       // what the transfer asked for (submit) or moved (complete)
  std::vector<uint8_t> data;  // the bytes that travelled in this record
};

class UsbmonPcap {
 public:
  bool Open(const std::string& path);
  bool is_open() const { return out_.is_open(); }
  void Write(const UsbmonRecord& r);
  uint64_t NextId() { return ++last_id_; }

 private:
  std::ofstream out_;
  uint64_t last_id_ = 0;
};

constexpr int32_t kUsbmonInProgress = -115;  // -EINPROGRESS
constexpr int32_t kUsbmonStall = -32;        // -EPIPE

}  // namespace sim
}  // namespace cv2midi

#endif  // CV2MIDI_SIM_USBMON_PCAP_H_
