// The Teensy 2.0 pin map (DESIGN.md section 1). This file is the one source of truth for
// pins: hardware/check.py reads the Gpio lines below and checks the schematic against them.
#ifndef CV2MIDI_HAL_BOARD_H_
#define CV2MIDI_HAL_BOARD_H_

#include <avr/io.h>
#include <stdint.h>

namespace cv2midi {
namespace hal {

#define CV2MIDI_PORT(name, letter)                          \
  struct name {                                             \
    static volatile uint8_t& pin() { return PIN##letter; }  \
    static volatile uint8_t& ddr() { return DDR##letter; }  \
    static volatile uint8_t& port() { return PORT##letter; } \
  }
CV2MIDI_PORT(PortB, B);
CV2MIDI_PORT(PortD, D);
#undef CV2MIDI_PORT

template <typename Port, uint8_t kBit>
struct Gpio {
  static constexpr uint8_t kMask = 1u << kBit;
  static void Output() { Port::ddr() |= kMask; }
  static void Input() { Port::ddr() &= static_cast<uint8_t>(~kMask); }
  static void PullUp() { Port::port() |= kMask; }
  static void Set(bool high) {
    if (high) {
      Port::port() |= kMask;
    } else {
      Port::port() &= static_cast<uint8_t>(~kMask);
    }
  }
  static bool Read() { return (Port::pin() & kMask) != 0; }
};

// function       port   bit    MCU function  Teensy pin  electrical
using ClockIn = Gpio<PortD, 4>;  // ICP1  22  inverting stage: low while the jack is high
using ResetIn = Gpio<PortD, 0>;  // INT0   5  inverting stage: low while the jack is high
using ButtonIn = Gpio<PortB, 0>; // PB0    0  to GND, internal pull-up, low = pressed
using LedOut = Gpio<PortD, 6>;   // PD6   11  on-board LED, high = on
using MidiOut = Gpio<PortB, 5>;  // OC1A  14  Timer1 compare drives each bit edge, 8N1, idle high
using MidiIn = Gpio<PortD, 2>;   // RXD1   7  optocoupler, idle high; USART1 only receives
// PD3 / TXD1 (Teensy pin 8) is unused: the USART would start each frame up to 32 us late.

}  // namespace hal
}  // namespace cv2midi

#endif  // CV2MIDI_HAL_BOARD_H_
