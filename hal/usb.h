// The ATmega32U4's USB device controller (datasheet chapters 21 and 22), polled from the
// main loop: no USB interrupts, so nothing USB ever runs near a clock. Endpoint 0 is the
// control pipe; endpoint 1 is bulk IN and endpoint 2 bulk OUT, 64 bytes each.
#ifndef CV2MIDI_HAL_USB_H_
#define CV2MIDI_HAL_USB_H_

#include <avr/io.h>
#include <stdint.h>

namespace cv2midi {
namespace hal {

struct UsbStats {
  uint16_t resets = 0;
  uint16_t setups = 0;
  uint16_t stalls = 0;  // requests answered with STALL
  uint16_t suspends = 0;
};

class UsbDevice {
 public:
  // The host's OUT data, a 4-byte USB-MIDI packet at a time. The bank is read only while
  // the caller has room for another packet; until then it stays full, the controller NAKs
  // the host's OUT transfers and the host sends them again (USB 2.0 8.4.5), so nothing the
  // host sends is lost.
  struct OutSink {
    bool (*room)();                          // the caller can take one more packet whole
    void (*take)(const uint8_t packet[4]);
  };

  // Power the pads, lock the PLL, attach to the bus.
  void Attach();
  // Serves the bus: resets, suspend, control requests, the OUT endpoint. Call often (every
  // main-loop wake-up, at least every millisecond); it looks at a few flags and returns at
  // once when there is nothing to do.
  void Poll(const OutSink& out) {
    if (Pending()) Serve(out);
  }
  // Whether the IN endpoint's bank is free for SendIn.
  bool InReady() const {
    if (!configured()) return false;
    UENUM = kInEndpoint;
    return (UEINTX & _BV(TXINI)) != 0;
  }
  // Puts up to 64 bytes on the IN endpoint if its bank is free; returns false if not.
  bool SendIn(const uint8_t* data, uint8_t size);

  // The serial number string descriptor (in RAM, kept by the caller); until it is set the
  // device answers that string with a STALL.
  void SetSerialString(const uint8_t* descriptor) { serial_ = descriptor; }

  bool configured() const { return configuration_ != 0; }
  bool suspended() const { return suspended_; }
  const UsbStats& stats() const { return stats_; }

 private:
  enum class Ep0 : uint8_t { kIdle, kDataIn, kStatusOut, kStatusIn };
  static constexpr uint8_t kInEndpoint = 1;   // usb::kMidiInEndpoint
  static constexpr uint8_t kOutEndpoint = 2;  // usb::kMidiOutEndpoint
  bool Pending() const {
    if (UDINT & (_BV(EORSTI) | _BV(SUSPI) | _BV(WAKEUPI))) return true;
    if (ep0_ != Ep0::kIdle) return true;
    UENUM = 0;
    if (UEINTX & (_BV(RXSTPI) | _BV(RXOUTI))) return true;
    if (!configured()) return false;
    if (out_held_) return true;
    UENUM = kOutEndpoint;
    return (UEINTX & _BV(RXOUTI)) != 0;
  }
  void Serve(const OutSink& out);
  void ServeOut(const OutSink& out);
  void ConfigureEndpoint0();
  void ConfigureMidiEndpoints();
  void Setup();
  void ServeEndpoint0();
  void Stall();
  void ReplyFromFlash(const uint8_t* data, uint16_t size, uint16_t asked);
  void ReplyFromRam(uint8_t b0, uint8_t b1, uint8_t size, uint16_t asked);
  void ReplyFromRam(const uint8_t* data, uint8_t size, uint16_t asked);
  void ReplyNothing();

  Ep0 ep0_ = Ep0::kIdle;
  const uint8_t* tx_ = nullptr;
  uint16_t tx_left_ = 0;
  bool tx_flash_ = false;
  bool zero_length_needed_ = false;  // the reply is shorter than asked, a multiple of 64
  uint8_t ram_reply_[2] = {0, 0};
  const uint8_t* serial_ = nullptr;
  uint8_t pending_address_ = 0;
  uint8_t configuration_ = 0;
  bool out_held_ = false;  // the OUT bank holds packets not read yet: the host is NAKed
  bool suspended_ = false;
  UsbStats stats_;
};

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_USB_H_
