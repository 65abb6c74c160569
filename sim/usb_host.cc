// The simulated USB host; see usb_host.h.
#include "sim/usb_host.h"

#include <avr_usb.h>
#include <sim_avr.h>
#include <sim_irq.h>

#include <cstdio>

namespace cv2midi {
namespace sim {
namespace {

constexpr uint64_t kFrame = 16000;  // 1 ms at 16 MHz
constexpr uint8_t kAddress = 7;
constexpr uint16_t kUdint = 0xE1;   // UDINT in the data space (32U4 datasheet 22.18)
constexpr uint8_t kSuspi = 0, kWakeupi = 4;

std::string Hex(const uint8_t* b, size_t n, size_t max = 24) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < n && i < max; ++i) {
    std::snprintf(buf, sizeof(buf), "%02X ", b[i]);
    s += buf;
  }
  if (n > max) s += "...";
  return s;
}

}  // namespace

int UsbHost::Ioctl(uint32_t ctl, uint8_t pipe, uint8_t* buf, uint32_t* size) {
  avr_io_usb io;
  io.pipe = pipe;
  io.sz = *size;
  io.buf = buf;
  const int ret = avr_ioctl(teensy_->avr(), ctl, &io);
  *size = io.sz;
  return ret;
}

void UsbHost::Start(uint64_t start) {
  avr_irq_register_notify(
      avr_io_getirq(teensy_->avr(), AVR_IOCTL_USB_GETIRQ(), USB_IRQ_ATTACH),
      [](avr_irq_t*, uint32_t value, void* param) {
        if (value) static_cast<UsbHost*>(param)->attached_ = true;
      },
      this);
  teensy_->At(start, [this] { Frame(); });
}

void UsbHost::Reset(uint64_t at) {
  teensy_->At(at, [this] { pending_reset_ = true; });
}

void UsbHost::PauseReading(uint64_t at, bool paused) {
  teensy_->At(at, [this, paused] { reading_ = !paused; });
}

void UsbHost::Suspend(uint64_t at, bool suspended) {
  teensy_->At(at, [this, suspended] {
    suspended_ = suspended;
    // The controller flags a suspend after 3 ms of bus idle and a wake-up on resume
    // signalling; simavr models neither, so the host sets the flag as the controller would.
    teensy_->avr()->data[kUdint] |= static_cast<uint8_t>(1 << (suspended ? kSuspi : kWakeupi));
  });
}

void UsbHost::SendOut(uint64_t at, const std::vector<uint8_t>& packets) {
  teensy_->At(at, [this, packets] {
    for (size_t i = 0; i < packets.size(); i += 64) {
      out_queue_.emplace_back(packets.begin() + i,
                              packets.begin() + std::min(packets.size(), i + 64));
    }
  });
}

void UsbHost::Queue(uint8_t type, uint8_t request, uint16_t value, uint16_t index,
                    uint16_t length, const std::string& what) {
  Control c;
  const uint8_t s[8] = {type, request, static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8),
                        static_cast<uint8_t>(index), static_cast<uint8_t>(index >> 8),
                        static_cast<uint8_t>(length), static_cast<uint8_t>(length >> 8)};
  for (int i = 0; i < 8; ++i) c.setup[i] = s[i];
  c.what = what;
  controls_.push_back(c);
}

// One transaction of the control transfer at the head of the queue; true when one ran.
bool UsbHost::StepControl() {
  if (controls_.empty()) return false;
  Control& c = controls_.front();
  const bool in = (c.setup[0] & 0x80) != 0;
  const uint16_t length = static_cast<uint16_t>(c.setup[6] | (c.setup[7] << 8));
  uint8_t buf[64];
  uint32_t size = 0;
  int ret = 0;
  switch (c.stage) {
    case 0:
      size = 8;
      ret = Ioctl(AVR_IOCTL_USB_SETUP, 0, c.setup, &size);
      if (ret == 0) {
        c.stage = in && length > 0 ? 1 : 3;
        c.urb = pcap_.NextId();
        pcap_.Write(UsbmonRecord{teensy_->cycle(), c.urb, true, UsbTransfer::kControl,
                                 static_cast<uint8_t>(in ? 0x80 : 0), address_, c.setup,
                                 kUsbmonInProgress, length, {}});
      }
      break;
    case 1:
      size = 64;
      ret = Ioctl(AVR_IOCTL_USB_READ, 0x80, buf, &size);
      if (ret == AVR_IOCTL_USB_STALL) {
        c.stalled = true;
        c.stage = 4;
      } else if (ret == 0) {
        c.data.insert(c.data.end(), buf, buf + size);
        if (size < 64 || c.data.size() >= length) c.stage = 2;
      }
      break;
    case 2:
      size = 0;
      ret = Ioctl(AVR_IOCTL_USB_WRITE, 0, buf, &size);  // zero-length status OUT
      if (ret == 0) c.stage = 4;
      break;
    case 3:
      size = 0;
      ret = Ioctl(AVR_IOCTL_USB_READ, 0x80, buf, &size);  // zero-length status IN
      if (ret == AVR_IOCTL_USB_STALL) {
        c.stalled = true;
        c.stage = 4;
      } else if (ret == 0) {
        c.stage = 4;
      }
      break;
  }
  if (c.stage == 4) {
    pcap_.Write(UsbmonRecord{teensy_->cycle(), c.urb, false, UsbTransfer::kControl,
                             static_cast<uint8_t>(in ? 0x80 : 0), address_, nullptr,
                             c.stalled ? kUsbmonStall : 0, static_cast<uint32_t>(c.data.size()),
                             c.data});
    if (!c.stalled && c.setup[0] == 0x00 && c.setup[1] == 5) address_ = c.setup[2];
    std::string line = "SETUP " + Hex(c.setup, 8) + "(" + c.what + ") -> ";
    if (c.stalled) {
      line += "STALL";
      ++report_.stalls_seen;
    } else if (in) {
      char n[32];
      std::snprintf(n, sizeof(n), "%zu bytes: ", c.data.size());
      line += n + Hex(c.data.data(), c.data.size());
    } else {
      line += "ok";
    }
    report_.transcript.push_back(line);
    if (!c.stalled && c.setup[1] == 6 && c.setup[3] == 3 && c.setup[2] != 0) {
      std::string text;
      for (size_t k = 2; k + 1 < c.data.size(); k += 2) text += static_cast<char>(c.data[k]);
      report_.strings[c.setup[2]] = text;
    }
    done_.push_back(c);
    controls_.pop_front();
  }
  return true;
}

// The enumeration an operating system does, one control transfer at a time.
void UsbHost::EnumerationStep() {
  if (!controls_.empty() || enumeration_step_ < 0) return;
  const Control* last = done_.empty() ? nullptr : &done_.back();
  switch (enumeration_step_++) {
    case 0: Queue(0x80, 6, 0x0100, 0, 64, "GET_DESCRIPTOR device, 64"); break;
    case 1: Queue(0x00, 5, kAddress, 0, 0, "SET_ADDRESS 7"); break;
    case 2: Queue(0x80, 6, 0x0100, 0, 18, "GET_DESCRIPTOR device"); break;
    case 3:
      device_descriptor_ = last->data;
      Queue(0x80, 6, 0x0200, 0, 9, "GET_DESCRIPTOR configuration, 9");
      break;
    case 4: {
      const uint16_t total = last->data.size() >= 4
                                 ? static_cast<uint16_t>(last->data[2] | (last->data[3] << 8))
                                 : 9;
      Queue(0x80, 6, 0x0200, 0, total, "GET_DESCRIPTOR configuration");
      break;
    }
    case 5:
      configuration_ = last->data;
      Queue(0x80, 6, 0x0300, 0, 255, "GET_DESCRIPTOR string 0");
      break;
    case 6: Queue(0x80, 6, 0x0301, 0x0409, 255, "GET_DESCRIPTOR string 1"); break;
    case 7: Queue(0x80, 6, 0x0302, 0x0409, 255, "GET_DESCRIPTOR string 2"); break;
    case 8: Queue(0x80, 6, 0x0303, 0x0409, 255, "GET_DESCRIPTOR string 3"); break;
    // The jacks' names (iJack strings 4-6).
    case 9: Queue(0x80, 6, 0x0304, 0x0409, 255, "GET_DESCRIPTOR string 4"); break;
    case 10: Queue(0x80, 6, 0x0305, 0x0409, 255, "GET_DESCRIPTOR string 5"); break;
    case 11: Queue(0x80, 6, 0x0306, 0x0409, 255, "GET_DESCRIPTOR string 6"); break;
    case 12: Queue(0x00, 9, 1, 0, 0, "SET_CONFIGURATION 1"); break;
    case 13: Queue(0x80, 8, 0, 0, 1, "GET_CONFIGURATION"); break;
    case 14: Queue(0x80, 0, 0, 0, 2, "GET_STATUS device"); break;
    case 15: Queue(0x02, 3, 0, 0x81, 0, "SET_FEATURE ENDPOINT_HALT 0x81"); break;
    case 16: Queue(0x82, 0, 0, 0x81, 2, "GET_STATUS endpoint 0x81, halted"); break;
    case 17: Queue(0x02, 1, 0, 0x81, 0, "CLEAR_FEATURE ENDPOINT_HALT 0x81"); break;
    case 18: Queue(0x82, 0, 0, 0x81, 2, "GET_STATUS endpoint 0x81, running"); break;
    case 19: Queue(0x80, 6, 0x0600, 0, 10, "GET_DESCRIPTOR device qualifier (none)"); break;
    case 20: Queue(0x21, 0x0A, 0, 0, 0, "class request SET_IDLE (unknown)"); break;
    default:
      CheckDescriptors();
      report_.enumerated = report_.descriptor_faults.empty();
      ++report_.enumerations;
      report_.enumerated_at.push_back(teensy_->cycle());
      enumeration_step_ = -1;
      break;
  }
}

void UsbHost::Frame() {
  ++report_.frames;
  if (attached_ && !report_.attached) {
    report_.attached = true;
    pending_reset_ = true;
  }
  if (pending_reset_ && !suspended_) {
    uint32_t size = 0;
    uint8_t none[1];
    Ioctl(AVR_IOCTL_USB_RESET, 0, none, &size);
    report_.transcript.push_back("bus reset");
    address_ = 0;
    pending_reset_ = false;
    controls_.clear();
    enumeration_step_ = 0;
    report_.enumerated = false;
  } else if (!suspended_) {
    EnumerationStep();
    if (!StepControl() && report_.enumerated) {
      if (!out_queue_.empty()) {
        uint32_t size = static_cast<uint32_t>(out_queue_.front().size());
        const int ret = Ioctl(AVR_IOCTL_USB_WRITE, report_.out_endpoint,
                              out_queue_.front().data(), &size);
        if (ret == 0) {
          CaptureBulk(report_.out_endpoint, out_queue_.front().data(), size);
          report_.out_packets_sent += out_queue_.front().size() / 4;
          out_queue_.pop_front();
        } else {
          // NAKed: the transfer stays at the head and goes again next frame, as a host
          // retries a bulk OUT the device is not ready for.
          ++report_.out_naks;
        }
      }
      if (reading_) {
        uint8_t buf[64];
        uint32_t size = 64;
        const int ret = Ioctl(AVR_IOCTL_USB_READ, 0x80 | report_.in_endpoint, buf, &size);
        if (ret == 0 && size > 0) CaptureBulk(0x80 | report_.in_endpoint, buf, size);
        if (ret == 0) {
          for (uint32_t i = 0; i + 4 <= size; i += 4) {
            UsbPacketIn p;
            p.cycle = teensy_->cycle();
            for (int k = 0; k < 4; ++k) p.b[k] = buf[i + k];
            report_.packets.push_back(p);
          }
        }
      }
    }
  }
  teensy_->At(teensy_->cycle() + kFrame, [this] { Frame(); });
}

void UsbHost::CaptureBulk(uint8_t endpoint, const uint8_t* data, uint32_t size) {
  const bool in = (endpoint & 0x80) != 0;
  const uint64_t urb = pcap_.NextId();
  const std::vector<uint8_t> bytes(data, data + size);
  // An IN submit asks for a whole packet and carries nothing; an OUT submit carries the data.
  pcap_.Write(UsbmonRecord{teensy_->cycle(), urb, true, UsbTransfer::kBulk, endpoint, address_,
                           nullptr, kUsbmonInProgress, in ? 64u : size,
                           in ? std::vector<uint8_t>() : bytes});
  pcap_.Write(UsbmonRecord{teensy_->cycle(), urb, false, UsbTransfer::kBulk, endpoint, address_,
                           nullptr, 0, size, in ? bytes : std::vector<uint8_t>()});
}

// The host's own reading of the descriptors: lengths, types, totals, the MIDI Streaming
// interface and its two bulk endpoints.
void UsbHost::CheckDescriptors() {
  auto fault = [this](const std::string& f) { report_.descriptor_faults.push_back(f); };
  const std::vector<uint8_t>& d = device_descriptor_;
  if (d.size() != 18 || d[0] != 18 || d[1] != 1) fault("device descriptor is not 18 bytes of type 1");
  if (d.size() >= 8 && d[7] != 64) fault("control endpoint is not 64 bytes");
  if (d.size() == 18 && (d[16] == 0 || report_.strings[d[16]].empty())) fault("no serial number");
  const std::vector<uint8_t>& c = configuration_;
  if (c.size() < 9 || c[1] != 2) {
    fault("no configuration descriptor");
    return;
  }
  const size_t total = c[2] | (c[3] << 8);
  if (total != c.size()) fault("wTotalLength does not match what came");
  bool streaming = false;
  int interfaces = 0, endpoints = 0, in_jacks = 0, out_jacks = 0;
  size_t i = 0;
  while (i + 2 <= c.size()) {
    const uint8_t len = c[i], type = c[i + 1];
    if (len < 2 || i + len > c.size()) {
      fault("a descriptor runs past the end");
      return;
    }
    if (type == 4) {
      ++interfaces;
      streaming = c[i + 5] == 1 && c[i + 6] == 3;
    } else if (type == 5 && streaming) {
      ++endpoints;
      const uint8_t address = c[i + 2];
      if ((c[i + 3] & 3) != 2) fault("a MIDI endpoint that is not bulk");
      if ((address & 0x7F) > 4) fault("an endpoint above 4");
      if (address & 0x80) {
        report_.in_endpoint = address & 0x7F;
      } else {
        report_.out_endpoint = address;
      }
    } else if (type == 0x24 && streaming) {
      if (c[i + 2] == 2) ++in_jacks;
      if (c[i + 2] == 3) ++out_jacks;
      // iJack is a jack descriptor's last byte.
      if ((c[i + 2] == 2 || c[i + 2] == 3) && report_.strings.count(c[i + len - 1]) == 0) {
        fault("a jack without a name");
      }
    }
    i += len;
  }
  if (i != c.size()) fault("descriptors do not tile the configuration");
  if (c[4] != interfaces) fault("bNumInterfaces does not match");
  if (endpoints != 2 || report_.in_endpoint == 0 || report_.out_endpoint == 0) {
    fault("no bulk IN and OUT endpoint on the MIDI Streaming interface");
  }
  if (in_jacks != 2 || out_jacks != 2) fault("not two MIDI IN and two MIDI OUT jacks");
}

}  // namespace sim
}  // namespace cv2midi
