// Parsing and printing clock shifts; see shift_text.h.
#include "core/shift_text.h"

#include "core/settings.h"

namespace cv2midi {
namespace {

bool Digit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
const char* SkipSpaces(const char* p) {
  while (*p == ' ' || *p == '\t') ++p;
  return p;
}

}  // namespace

ShiftText ParseShift(const char* text, int16_t* steps_10us) {
  const char* p = SkipSpaces(text);
  bool negative = false;
  if (*p == '+' || *p == '-') negative = *p++ == '-';
  // The number as whole units and the fraction's digits; anything past 10^6 is out of range.
  uint32_t whole = 0;
  bool huge = false;
  size_t digits = 0;
  for (; Digit(*p); ++p, ++digits) {
    whole = whole * 10 + static_cast<uint32_t>(*p - '0');
    if (whole > 1000000) {
      huge = true;
      whole = 1000000;
    }
  }
  const char* fraction = p;
  size_t fraction_digits = 0;
  if (*p == '.') {
    fraction = ++p;
    for (; Digit(*p); ++p) ++fraction_digits;
  }
  if (digits + fraction_digits == 0) return ShiftText::kNotANumber;
  p = SkipSpaces(p);
  bool micro = false;
  if (Lower(p[0]) == 'm' && Lower(p[1]) == 's') {
    p += 2;
  } else if (Lower(p[0]) == 'u' && Lower(p[1]) == 's') {
    micro = true;
    p += 2;
  }
  if (*SkipSpaces(p) != '\0') return ShiftText::kNotANumber;
  // steps = the 10 us steps it holds, whole; rest: whether a part of a step is left over.
  uint32_t steps;
  bool rest = false;
  if (micro) {
    steps = whole / 10;
    rest = whole % 10 != 0;
    for (size_t i = 0; i < fraction_digits; ++i) rest = rest || fraction[i] != '0';
  } else {
    steps = whole * 100;
    for (size_t i = 0; i < fraction_digits; ++i) {
      const uint32_t d = static_cast<uint32_t>(fraction[i] - '0');
      if (i == 0) steps += 10 * d;
      if (i == 1) steps += d;
      if (i >= 2) rest = rest || d != 0;
    }
  }
  const uint32_t max = static_cast<uint32_t>(kMaxShift10us);
  if (huge || steps > max || (steps == max && rest)) return ShiftText::kOutOfRange;
  if (rest) return ShiftText::kNotAStep;
  *steps_10us = static_cast<int16_t>(negative ? -static_cast<int32_t>(steps)
                                              : static_cast<int32_t>(steps));
  return ShiftText::kOk;
}

void FormatShift(int16_t steps_10us, char out[kShiftTextBytes]) {
  size_t n = 0;
  int32_t v = steps_10us;
  if (v < 0) {
    out[n++] = '-';
    v = -v;
  } else if (v > 0) {
    out[n++] = '+';
  }
  const int32_t ms = v / 100;
  const int32_t hundredths = v % 100;
  // At most 327 ms from an int16: three digits.
  if (ms >= 100) out[n++] = static_cast<char>('0' + ms / 100);
  if (ms >= 10) out[n++] = static_cast<char>('0' + ms / 10 % 10);
  out[n++] = static_cast<char>('0' + ms % 10);
  out[n++] = '.';
  out[n++] = static_cast<char>('0' + hundredths / 10);
  out[n++] = static_cast<char>('0' + hundredths % 10);
  out[n] = '\0';
}

}  // namespace cv2midi
