// The USB host bridge: the engine's clock and transport as they go out on DIN, and DIN in,
// to the host; what the host sends, to DIN out; DIN in to the thru merger; settings
// requests from either side set aside for settings_store.cc.
#include <util/atomic.h>

#include "core/midi.h"
#include "core/usb_descriptors.h"
#include "firmware/parts.h"

namespace cv2midi {
namespace firmware {

hal::UsbDevice usb_device;

namespace {

MidiParser din_parser;
MidiParser engine_bytes;
UsbMidiEncoder engine_encoder;
UsbMidiEncoder din_encoder;
UsbMidiDecoder usb_decoder;
// Requests of the settings protocol, set aside from each source.
ConfigTap din_tap;
ConfigTap usb_tap;

constexpr uint8_t kHostSlots = 24;  // packets waiting for the host: 20 ms of clock at 3000 BPM
UsbMidiPacket to_host[kHostSlots];
uint8_t to_host_head;
uint8_t to_host_count;
uint16_t to_host_dropped;

// The slot i places after the head (i <= kHostSlots). Not '%': 24 is no power of two, and
// a division per packet was 4 % of the CPU at 3000 BPM (profiled under simavr).
uint8_t HostSlot(uint8_t i) {
  const uint8_t slot = static_cast<uint8_t>(to_host_head + i);
  return slot >= kHostSlots ? static_cast<uint8_t>(slot - kHostSlots) : slot;
}

bool IsClockOrTransport(const MidiEvent& e) {
  return e.kind == MidiEventKind::kRealTime &&
         (e.status == midi::kClock || e.status == midi::kStart || e.status == midi::kContinue ||
          e.status == midi::kStop);
}

// Queues a packet for the host, or counts it dropped when the queue is full: a host that
// stops reading makes the queue drop, never the DIN side wait.
void QueueForHost(const UsbMidiPacket& packet) {
  if (to_host_count == kHostSlots) {
    ++to_host_dropped;
    return;
  }
  to_host[HostSlot(to_host_count)] = packet;
  ++to_host_count;
}

// Commits queued packets to the IN endpoint at once, up to 16 (64 bytes) a transfer.
__attribute__((noinline)) void FlushToHost() {
  while (to_host_count != 0) {
    uint8_t data[usb::kBulkSize];
    uint8_t n = 0;
    while (n < usb::kBulkSize / 4 && n < to_host_count) {
      const UsbMidiPacket& p = to_host[HostSlot(n)];
      for (uint8_t k = 0; k < 4; ++k) data[n * 4 + k] = p.b[k];
      ++n;
    }
    if (!usb_device.SendIn(data, static_cast<uint8_t>(n * 4))) return;
    to_host_head = HostSlot(n);
    to_host_count = static_cast<uint8_t>(to_host_count - n);
  }
}

}  // namespace

// Queues a message for the host. Nothing is queued while no host has configured the device.
uint16_t HostPacketsDropped() { return to_host_dropped; }

void ToHost(const MidiEvent& e, UsbMidiEncoder& encoder) {
  UsbMidiPacket packets[2];
  const uint8_t n = encoder.Encode(e, packets);
  if (!usb_device.configured()) return;
  for (uint8_t i = 0; i < n; ++i) QueueForHost(packets[i]);
}

// A real-time byte is its own packet and leaves the parser's state alone, so clocks skip
// the parser (at 3000 BPM the parser and encoder were a quarter of the USB cost).
void EngineByteToHost(uint8_t byte) {
  if (byte >= midi::kClock) {
    if (usb_device.configured()) QueueForHost(RealTimePacket(byte));
    return;
  }
  MidiEvent events[2];
  const uint8_t n = engine_bytes.Feed(byte, events);
  for (uint8_t i = 0; i < n; ++i) ToHost(events[i], engine_encoder);
}

bool HostHasRoomFor(uint8_t packets) { return to_host_count + packets <= kHostSlots; }

void PassToHost() {
  if (to_host_count != 0 && usb_device.InReady()) FlushToHost();
}

namespace {

// The most one packet from the host can add to the USB merger: its 3 bytes, the 3 the
// settings tap held while it decided whose a SysEx is (let go with the first of them), and
// the F7 a SysEx it opens keeps room for. With this much room the packet is taken whole.
constexpr uint8_t kMostPerPacket = 7;

bool UsbOutRoom() { return usb_merger.room() >= kMostPerPacket; }

// What the host sent: a packet into the USB merger, for DIN out.
void TakeUsbOut(const uint8_t* data) {
  UsbMidiPacket packet;
  for (uint8_t k = 0; k < 4; ++k) packet.b[k] = data[k];
  MidiEvent events[5];
  const uint8_t n = usb_decoder.Decode(packet, events);
  for (uint8_t k = 0; k < n; ++k) {
    MidiEvent passed[4];
    const uint8_t m = usb_tap.Take(events[k], passed);
    for (uint8_t j = 0; j < m; ++j) usb_merger.Take(passed[j]);
    if (m != 0) LineHasNews();
  }
  AnswerRequests(usb_tap, true);
  // A transfer holds up to 16 packets, all taken in one poll: a booking that falls due
  // meanwhile is not kept waiting for the rest (fresh seed 6000042: an internal clock 0.3 ms
  // late behind a host's chord and SysEx).
  ServeLineWake(true);
}

}  // namespace

const hal::UsbDevice::OutSink usb_out = {&UsbOutRoom, &TakeUsbOut};

// DIN in: bytes from the receive interrupt through the parser into the merge FIFO, a few
// a pass, so a full receive ring never holds up the line's bookings for long.
constexpr uint8_t kMidiInBytesPerPass = 4;

__attribute__((noinline)) void TakeMidiIn() {
  for (uint8_t done = 0; done < kMidiInBytesPerPass; ++done) {
    uint8_t byte;
    ATOMIC_BLOCK(ATOMIC_FORCEON) {
      if (shared.rx_count == 0) return;
      byte = shared.rx[shared.rx_head];
      shared.rx_head = (shared.rx_head + 1) % Shared::kRxSlots;
      --shared.rx_count;
    }
    MidiEvent events[2];
    const uint8_t n = din_parser.Feed(byte, events);
    for (uint8_t i = 0; i < n; ++i) {
      MidiEvent passed[4];
      const uint8_t m = din_tap.Take(events[i], passed);
      for (uint8_t k = 0; k < m; ++k) {
        if (!IsClockOrTransport(passed[k])) ToHost(passed[k], din_encoder);
        if (MidiInThru()) {
          din_merger.Take(passed[k]);
          LineHasNews();
        }
      }
    }
    AnswerRequests(din_tap, false);
  }
}

}  // namespace firmware
}  // namespace cv2midi
