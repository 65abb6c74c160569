// USB device controller driver; see usb.h. Register use per the 32U4 datasheet: attach
// 21.12 and 22.3, endpoint set-up 22.6, control transfers 22.12, bulk IN/OUT 22.14-22.15.
#include "hal/usb.h"

#include <avr/io.h>
#include <avr/pgmspace.h>

#include "core/usb_descriptors.h"

namespace cv2midi {
namespace hal {
namespace {

static_assert(usb::kMidiInEndpoint == 1 && usb::kMidiOutEndpoint == 2,
              "usb.h names the MIDI endpoints too");

constexpr uint8_t kGetStatus = 0x00;
constexpr uint8_t kClearFeature = 0x01;
constexpr uint8_t kSetFeature = 0x03;
constexpr uint8_t kSetAddress = 0x05;
constexpr uint8_t kGetDescriptor = 0x06;
constexpr uint8_t kGetConfiguration = 0x08;
constexpr uint8_t kSetConfiguration = 0x09;
constexpr uint8_t kGetInterface = 0x0A;
constexpr uint8_t kSetInterface = 0x0B;

constexpr uint8_t kSize64 = _BV(EPSIZE1) | _BV(EPSIZE0);  // UECFG1X: 64 bytes
constexpr uint8_t kBulk = _BV(EPTYPE1);                   // UECFG0X: bulk

// Interrupt flags of UEINTX clear on writing 0 and ignore 1s.
void ClearEndpointFlag(uint8_t bit) { UEINTX = static_cast<uint8_t>(~_BV(bit)); }

}  // namespace

void UsbDevice::Attach() {
  UHWCON = _BV(UVREGE);                 // pad regulator on
  USBCON = _BV(USBE) | _BV(FRZCLK);     // controller on, clock frozen
  PLLCSR = _BV(PINDIV) | _BV(PLLE);     // 16 MHz crystal / 2 into the 48 MHz PLL
  while (!(PLLCSR & _BV(PLOCK))) {
  }
  USBCON = _BV(USBE) | _BV(OTGPADE);    // clock running
  UDCON = 0;                            // attach, full speed
}

void UsbDevice::ConfigureEndpoint0() {
  UENUM = 0;
  UECONX = _BV(EPEN);
  UECFG0X = 0;                          // control, OUT
  UECFG1X = kSize64 | _BV(ALLOC);
  ep0_ = Ep0::kIdle;
}

void UsbDevice::ConfigureMidiEndpoints() {
  UENUM = usb::kMidiInEndpoint;
  UECONX = _BV(EPEN);
  UECFG0X = kBulk | _BV(EPDIR);         // bulk IN
  UECFG1X = kSize64 | _BV(ALLOC);
  UENUM = usb::kMidiOutEndpoint;
  UECONX = _BV(EPEN);
  UECFG0X = kBulk;                      // bulk OUT
  UECFG1X = kSize64 | _BV(ALLOC);
}

void UsbDevice::Serve(const OutSink& out) {
  const uint8_t udint = UDINT;
  if (udint & _BV(EORSTI)) {
    // Read-modify-write: the flags ignore 1s on silicon, and simavr stores a plain write.
    UDINT &= static_cast<uint8_t>(~_BV(EORSTI));
    ++stats_.resets;
    configuration_ = 0;
    out_held_ = false;
    pending_address_ = 0;
    ConfigureEndpoint0();
  }
  if (udint & _BV(SUSPI)) {
    UDINT &= static_cast<uint8_t>(~_BV(SUSPI));
    suspended_ = true;
    ++stats_.suspends;
  }
  if (udint & _BV(WAKEUPI)) {
    UDINT &= static_cast<uint8_t>(~_BV(WAKEUPI));
    suspended_ = false;
  }
  ServeEndpoint0();
  if (configured()) ServeOut(out);
}

// Datasheet 22.15: RXOUTI says a bank came; the bank stays the CPU's (FIFOCON set, the
// host NAKed) until FIFOCON is cleared, and UEBCLX counts the bytes not read yet.
void UsbDevice::ServeOut(const OutSink& out) {
  UENUM = usb::kMidiOutEndpoint;
  if (UEINTX & _BV(RXOUTI)) {
    ClearEndpointFlag(RXOUTI);
    out_held_ = true;
  }
  if (!out_held_) return;
  while (UEBCLX >= 4) {
    if (!out.room()) return;  // the rest waits in the bank
    uint8_t packet[4];
    for (uint8_t i = 0; i < 4; ++i) packet[i] = UEDATX;
    out.take(packet);
    UENUM = usb::kMidiOutEndpoint;  // the caller may have selected another endpoint
  }
  while (UEBCLX != 0) (void)UEDATX;  // a torn packet at the end: not MIDI
  ClearEndpointFlag(FIFOCON);  // the bank is free for the host's next transfer
  out_held_ = false;
}

bool UsbDevice::SendIn(const uint8_t* data, uint8_t size) {
  if (!configured()) return false;
  UENUM = usb::kMidiInEndpoint;
  if (!(UEINTX & _BV(TXINI))) return false;  // the last bank is not taken yet
  ClearEndpointFlag(TXINI);
  for (uint8_t i = 0; i < size; ++i) UEDATX = data[i];
  ClearEndpointFlag(FIFOCON);                 // committed: the next IN token takes it
  return true;
}

void UsbDevice::ServeEndpoint0() {
  UENUM = 0;
  const uint8_t flags = UEINTX;
  if (flags & _BV(RXSTPI)) {
    Setup();
    return;
  }
  switch (ep0_) {
    case Ep0::kDataIn:
      if (flags & _BV(RXOUTI)) {  // the host ended the data stage early: status
        ClearEndpointFlag(RXOUTI);
        ep0_ = Ep0::kIdle;
        return;
      }
      if (flags & _BV(TXINI)) {
        const uint8_t n = tx_left_ < usb::kControlSize ? static_cast<uint8_t>(tx_left_)
                                                        : usb::kControlSize;
        for (uint8_t i = 0; i < n; ++i) {
          UEDATX = tx_flash_ ? pgm_read_byte(tx_ + i) : tx_[i];
        }
        tx_ += n;
        tx_left_ = static_cast<uint16_t>(tx_left_ - n);
        ClearEndpointFlag(TXINI);
        // A short packet ends the stage; so does the last full one, unless the reply is
        // shorter than asked, when a zero-length packet (the next round, n = 0) ends it.
        if (n < usb::kControlSize || (tx_left_ == 0 && !zero_length_needed_)) {
          ep0_ = Ep0::kStatusOut;
        }
      }
      break;
    case Ep0::kStatusOut:
      if (flags & _BV(RXOUTI)) {
        ClearEndpointFlag(RXOUTI);
        ep0_ = Ep0::kIdle;
      }
      break;
    case Ep0::kStatusIn:
      if (flags & _BV(TXINI)) {  // the host took the zero-length status packet
        if (pending_address_ != 0) {
          UDADDR = static_cast<uint8_t>(pending_address_ | _BV(ADDEN));
          pending_address_ = 0;
        }
        ep0_ = Ep0::kIdle;
      }
      break;
    case Ep0::kIdle:
      if (flags & _BV(RXOUTI)) ClearEndpointFlag(RXOUTI);
      break;
  }
}

void UsbDevice::Stall() {
  UECONX = _BV(STALLRQ) | _BV(EPEN);  // cleared by the next SETUP
  ep0_ = Ep0::kIdle;
  ++stats_.stalls;
}

void UsbDevice::ReplyFromFlash(const uint8_t* data, uint16_t size, uint16_t asked) {
  tx_ = data;
  tx_flash_ = true;
  tx_left_ = size < asked ? size : asked;
  zero_length_needed_ = tx_left_ < asked && tx_left_ % usb::kControlSize == 0;
  ep0_ = Ep0::kDataIn;
}

void UsbDevice::ReplyFromRam(uint8_t b0, uint8_t b1, uint8_t size, uint16_t asked) {
  ram_reply_[0] = b0;
  ram_reply_[1] = b1;
  ReplyFromRam(ram_reply_, size, asked);
}

void UsbDevice::ReplyFromRam(const uint8_t* data, uint8_t size, uint16_t asked) {
  tx_ = data;
  tx_flash_ = false;
  tx_left_ = size < asked ? size : asked;
  zero_length_needed_ = tx_left_ < asked && tx_left_ % usb::kControlSize == 0;
  ep0_ = Ep0::kDataIn;
}

void UsbDevice::ReplyNothing() {
  ClearEndpointFlag(TXINI);  // zero-length status packet
  ep0_ = Ep0::kStatusIn;
}

void UsbDevice::Setup() {
  uint8_t s[8];
  for (uint8_t i = 0; i < 8; ++i) s[i] = UEDATX;
  ClearEndpointFlag(RXSTPI);
  ++stats_.setups;
  const uint8_t type = s[0];
  const uint8_t request = s[1];
  const uint16_t value = static_cast<uint16_t>(s[2] | (s[3] << 8));
  const uint16_t index = static_cast<uint16_t>(s[4] | (s[5] << 8));
  const uint16_t length = static_cast<uint16_t>(s[6] | (s[7] << 8));
  const uint8_t recipient = type & 0x1F;
  const bool standard = (type & 0x60) == 0;
  const uint8_t endpoint = static_cast<uint8_t>(index & 0x7F);
  const bool midi_endpoint =
      endpoint == usb::kMidiInEndpoint || endpoint == usb::kMidiOutEndpoint;
  if (!standard) {
    Stall();
    return;
  }
  switch (request) {
    case kGetDescriptor: {
      const uint8_t kind = static_cast<uint8_t>(value >> 8);
      if (kind == 1) {
        ReplyFromFlash(usb::kDeviceDescriptor, sizeof(usb::kDeviceDescriptor), length);
      } else if (kind == 2) {
        ReplyFromFlash(usb::kConfiguration, sizeof(usb::kConfiguration), length);
      } else if (kind == 3 && static_cast<uint8_t>(value) == usb::kStringSerial) {
        if (serial_ == nullptr) {
          Stall();
        } else {
          ReplyFromRam(serial_, serial_[0], length);
        }
      } else if (kind == 3) {
        uint8_t size = 0;
        const uint8_t* s = usb::StringDescriptor(static_cast<uint8_t>(value), &size);
        if (s == nullptr) {
          Stall();
        } else {
          ReplyFromFlash(s, size, length);
        }
      } else {
        Stall();
      }
      return;
    }
    case kSetAddress:
      pending_address_ = static_cast<uint8_t>(value & 0x7F);
      UDADDR = pending_address_;  // ADDEN after the status stage (22.7)
      ReplyNothing();
      return;
    case kSetConfiguration:
      if (value > 1) {
        Stall();
        return;
      }
      configuration_ = static_cast<uint8_t>(value);
      out_held_ = false;
      if (configuration_ != 0) ConfigureMidiEndpoints();
      UENUM = 0;
      ReplyNothing();
      return;
    case kGetConfiguration:
      ReplyFromRam(configuration_, 0, 1, length);
      return;
    case kGetInterface:
      if (index > 1) {
        Stall();
        return;
      }
      ReplyFromRam(0, 0, 1, length);
      return;
    case kSetInterface:
      if (value != 0 || index > 1) {
        Stall();
        return;
      }
      ReplyNothing();
      return;
    case kGetStatus:
      if (recipient == 2) {
        if (!midi_endpoint && endpoint != 0) {
          Stall();
          return;
        }
        UENUM = endpoint;
        const uint8_t halted = (UECONX & _BV(STALLRQ)) ? 1 : 0;
        UENUM = 0;
        ReplyFromRam(halted, 0, 2, length);
      } else {
        ReplyFromRam(0, 0, 2, length);  // bus powered, no remote wake-up
      }
      return;
    case kClearFeature:
    case kSetFeature:
      // Only ENDPOINT_HALT (feature 0) on an endpoint is supported.
      if (recipient != 2 || value != 0 || !midi_endpoint) {
        Stall();
        return;
      }
      UENUM = endpoint;
      if (request == kSetFeature) {
        UECONX = _BV(STALLRQ) | _BV(EPEN);
      } else {
        UECONX = _BV(STALLRQC) | _BV(RSTDT) | _BV(EPEN);
      }
      UENUM = 0;
      ReplyNothing();
      return;
    default:
      Stall();
      return;
  }
}

}  // namespace hal
}  // namespace cv2midi
