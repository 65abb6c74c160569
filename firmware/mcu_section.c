/* Tells simavr which MCU and clock this image is for (C, because avr-g++ 5.4 rejects the
   macro's designated initializers). The section is kept out of the .hex. */
#include <avr_mcu_section.h>

AVR_MCU(F_CPU, "atmega32u4");
