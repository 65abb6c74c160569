// The usbmon pcap writer; see usbmon_pcap.h. Layout: the kernel's Documentation/usb/usbmon
// "mmapped" header, written little-endian (the capture's byte order), after a pcap header
// with nanosecond timestamps.
#include "sim/usbmon_pcap.h"

namespace cv2midi {
namespace sim {
namespace {

constexpr uint64_t kCyclesPerSecond = 16000000;
constexpr uint32_t kLinktypeUsbLinuxMmapped = 220;
constexpr uint16_t kBus = 1;

void Put(std::vector<uint8_t>* b, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

bool UsbmonPcap::Open(const std::string& path) {
  out_.open(path, std::ios::binary);
  if (!out_) return false;
  std::vector<uint8_t> h;
  Put(&h, 0xA1B23C4D, 4);  // pcap with nanosecond timestamps
  Put(&h, 2, 2);
  Put(&h, 4, 2);
  Put(&h, 0, 4);  // UTC
  Put(&h, 0, 4);
  Put(&h, 65535, 4);
  Put(&h, kLinktypeUsbLinuxMmapped, 4);
  out_.write(reinterpret_cast<const char*>(h.data()), static_cast<std::streamsize>(h.size()));
  return static_cast<bool>(out_);
}

void UsbmonPcap::Write(const UsbmonRecord& r) {
  if (!out_.is_open()) return;
  // The capture's clock is the simulated one, from 1970-01-01 at power-up.
  const uint64_t seconds = r.cycle / kCyclesPerSecond;
  const uint64_t nanos = (r.cycle % kCyclesPerSecond) * 125 / 2;
  std::vector<uint8_t> p;
  Put(&p, r.id, 8);
  p.push_back(r.submit ? 'S' : 'C');
  p.push_back(static_cast<uint8_t>(r.type));
  p.push_back(r.endpoint);
  p.push_back(r.device);
  Put(&p, kBus, 2);
  p.push_back(r.setup != nullptr ? 0 : '-');  // flag_setup: 0 when the setup bytes are valid
  // flag_data: 0 when data follows, else '<' (IN) or '>' (OUT).
  const bool in = (r.endpoint & 0x80) != 0;
  p.push_back(!r.data.empty() ? 0 : (in ? '<' : '>'));
  Put(&p, seconds, 8);
  Put(&p, nanos / 1000, 4);
  Put(&p, static_cast<uint32_t>(r.status), 4);
  Put(&p, r.length, 4);
  Put(&p, r.data.size(), 4);
  for (int i = 0; i < 8; ++i) p.push_back(r.setup != nullptr ? r.setup[i] : 0);
  Put(&p, 0, 4);  // interval
  Put(&p, 0, 4);  // start_frame
  Put(&p, 0, 4);  // xfer_flags
  Put(&p, 0, 4);  // ndesc
  p.insert(p.end(), r.data.begin(), r.data.end());

  std::vector<uint8_t> rec;
  Put(&rec, seconds, 4);
  Put(&rec, nanos, 4);
  Put(&rec, p.size(), 4);
  Put(&rec, p.size(), 4);
  rec.insert(rec.end(), p.begin(), p.end());
  out_.write(reinterpret_cast<const char*>(rec.data()), static_cast<std::streamsize>(rec.size()));
}

}  // namespace sim
}  // namespace cv2midi
