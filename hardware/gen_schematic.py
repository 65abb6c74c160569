#!/usr/bin/env python3
"""Writes the cv2midi schematic (KiCad 9) and its BOM from the tables below.

Nets are labels placed on pin ends, not drawn wires. The symbols are drawn here too, so
the project needs no KiCad library. Run it from anywhere; it writes beside itself:
cv2midi.kicad_sch, cv2midi.kicad_pro and bom.csv.
"""
import argparse
import json
import os
import re
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
NS = uuid.UUID("6f1c2a52-8d0e-4f2b-9a51-3c7e2d1b0a11")


def uid(*parts):
    """Stable UUIDs, so the files only change when the design does."""
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


FONT = "(effects (font (size 1.27 1.27)))"
HIDDEN = "(effects (font (size 1.27 1.27)) (hide yes))"

# ---------------------------------------------------------------------------------------
# Symbols: name -> (pins, body, reference prefix, is a power flag). A pin is
# (number, name, type, x, y, angle): (x, y) is where a wire meets it, in library
# coordinates (y up); angle points from that end into the body.
# ---------------------------------------------------------------------------------------


def two_pin(first="1", second="2", first_name="~", second_name="~"):
    """A horizontal two-pin part: pin `first` on the left, `second` on the right."""
    return [(first, first_name, "passive", -3.81, 0, 0), (second, second_name, "passive", 3.81, 0, 180)]


def line(*pts, width=0.254, fill="none"):
    return "(polyline (pts %s) (stroke (width %g) (type default)) (fill (type %s)))" % (
        " ".join("(xy %g %g)" % p for p in pts), width, fill)


def box(w, h):
    return "(rectangle (start %g %g) (end %g %g) (stroke (width 0.254) (type default)) (fill (type background)))" % (
        -w / 2, h / 2, w / 2, -h / 2)


TEENSY_PINS = [  # Teensy 2.0: board pin number -> ATmega32U4 port pin (PJRC's pinout)
    ("0", "PB0"), ("1", "PB1"), ("2", "PB2"), ("3", "PB3"), ("4", "PB7"), ("5", "PD0"),
    ("6", "PD1"), ("7", "PD2"), ("8", "PD3"), ("9", "PC6"), ("10", "PC7"), ("11", "PD6"),
    ("12", "PD7"), ("13", "PB4"), ("14", "PB5"), ("15", "PB6"), ("16", "PF7"), ("17", "PF6"),
    ("18", "PF5"), ("19", "PF4"), ("20", "PF1"), ("21", "PF0"), ("22", "PD4"), ("23", "PD5"),
    ("24", "PE6"),
]


def teensy_symbol():
    pins = [("VCC", "VCC", "power_in", -15.24, 30.48, 0), ("GND", "GND", "power_in", -15.24, -30.48, 0),
            ("AREF", "AREF", "passive", -15.24, -27.94, 0)]
    for i, (number, name) in enumerate(TEENSY_PINS):
        pins.append((number, name, "bidirectional", 15.24, 30.48 - i * 2.54, 180))
    return pins, box(20.32, 66.04), "U"


# A diode drawn left to right: anode (pin 2) on the left, cathode (pin 1) on the right.
DIODE_BODY = line((-1.27, 1.27), (-1.27, -1.27), (1.27, 0), (-1.27, 1.27)) + line((1.27, 1.27), (1.27, -1.27))
LED_BODY = (line((-1.27, 1.27), (-1.27, -1.27), (1.27, 0), (-1.27, 1.27), fill="outline") + line((1.27, 1.27), (1.27, -1.27))
            + line((0, 1.778), (1.016, 2.794)) + line((0.762, 1.778), (1.778, 2.794)))

SYMBOLS = {
    "R": (two_pin(), box(5.08, 2.032), "R"),
    "C": (two_pin(), line((-0.762, 2.032), (-0.762, -2.032), width=0.508) + line((0.762, 2.032), (0.762, -2.032), width=0.508), "C"),
    "D": (two_pin("2", "1", "A", "K"), DIODE_BODY, "D"),
    "LED": (two_pin("2", "1", "A", "K"), LED_BODY, "D"),
    "Q_NPN_BCE": ([("1", "B", "passive", -5.08, 0, 0), ("2", "C", "passive", 5.08, 2.54, 180),
                   ("3", "E", "passive", 5.08, -2.54, 180)],
                  "(circle (center 0 0) (radius 2.794) (stroke (width 0.254) (type default)) (fill (type none)))"
                  + line((-2.54, 0), (-0.635, 0)) + line((-0.635, 1.524), (-0.635, -1.524), width=0.381)
                  + line((-0.635, 0.635), (2.54, 2.54)) + line((-0.635, -0.635), (2.54, -2.54))
                  + line((1.524, -1.524), (2.54, -2.54), (1.778, -2.794)), "Q"),
    "SW_Push": (two_pin(), line((-2.54, 0.254), (-1.27, 0.254), (1.016, 1.27)) + line((1.27, 0.254), (2.54, 0.254)), "SW"),
    "Jack_Mono": ([("T", "Tip", "passive", 6.35, 1.27, 180), ("S", "Sleeve", "passive", 6.35, -1.27, 180)], box(7.62, 5.08), "J"),
    "DIN5": ([(str(n), str(n), "passive", 7.62, 5.08 - (n - 1) * 2.54, 180) for n in range(1, 6)], box(10.16, 12.7), "J"),
    "Eurorack_2x5": ([(str(n), str(n), "passive", 7.62 if n % 2 == 0 else -7.62, 5.08 - ((n - 1) // 2) * 2.54,
                       180 if n % 2 == 0 else 0) for n in range(1, 11)], box(10.16, 15.24), "J"),
    "78L05": ([("3", "IN", "power_in", -7.62, 0, 0), ("1", "OUT", "power_out", 7.62, 1.27, 180),
               ("2", "GND", "power_in", 7.62, -1.27, 180)], box(10.16, 5.08), "U"),
    "6N138": ([("1", "NC", "no_connect", -10.16, 3.81, 0), ("2", "A", "passive", -10.16, 1.27, 0),
               ("3", "K", "passive", -10.16, -1.27, 0), ("4", "NC", "no_connect", -10.16, -3.81, 0),
               ("8", "VCC", "power_in", 10.16, 3.81, 180), ("7", "Vb", "passive", 10.16, 1.27, 180),
               ("6", "Vo", "open_collector", 10.16, -1.27, 180), ("5", "GND", "power_in", 10.16, -3.81, 180)],
              box(15.24, 10.16), "U"),
    "PWR_FLAG": ([("1", "pwr", "power_out", 0, 0, 90)],
                 line((0, 0), (0, 1.27), (-1.016, 1.905), (0, 2.54), (1.016, 1.905), (0, 1.27)), "#FLG"),
}
SYMBOLS["Teensy2"] = teensy_symbol()


def lib_symbol(name):
    pins, body, prefix = SYMBOLS[name]
    power = " (power)" if name == "PWR_FLAG" else ""
    quiet = name in ("R", "C", "D", "LED", "SW_Push", "PWR_FLAG")
    pin_style = "(pin_numbers (hide yes)) (pin_names (offset 0) (hide yes))" if quiet else "(pin_names (offset 0.508))"
    out = ['(symbol "cv2midi:%s"%s %s (exclude_from_sim no) (in_bom %s) (on_board %s)' % (
        name, power, pin_style, "no" if power else "yes", "no" if power else "yes")]
    out.append('(property "Reference" "%s" (at 0 -2.54 0) %s)' % (prefix, FONT))
    out.append('(property "Value" "%s" (at 0 2.54 0) %s)' % (name, FONT))
    for prop in ("Footprint", "Datasheet", "Description"):
        out.append('(property "%s" "" (at 0 0 0) %s)' % (prop, HIDDEN))
    out.append('(symbol "%s_0_1" %s)' % (name, body))
    pin_text = []
    for number, pname, kind, x, y, angle in pins:
        pin_text.append('(pin %s line (at %g %g %d) (length %g) (name "%s" %s) (number "%s" %s))' % (
            kind, x, y, angle, 5.08 if name == "Teensy2" else 2.54, pname, FONT, number, FONT))
    out.append('(symbol "%s_1_1" %s)' % (name, " ".join(pin_text)))
    out.append(")")
    return " ".join(out)


# ---------------------------------------------------------------------------------------
# The circuit. Each part: reference, symbol, value, footprint hint, (x, y) on the sheet
# (mm), and its pins' nets. A net of None gets a no-connect flag.
# ---------------------------------------------------------------------------------------

PARTS = []
ROW = 12.7  # vertical pitch of parts within a section


def part(ref, sym, value, footprint, x, y, nets, bom=True):
    # Snap to the 2.54 mm grid so every pin end lands on KiCad's connection grid.
    x, y = round(round(x / 2.54) * 2.54, 2), round(round(y / 2.54) * 2.54, 2)
    PARTS.append(dict(ref=ref, sym=sym, value=value, footprint=footprint, x=x, y=y, nets=nets, bom=bom))


def input_stage(n, jack, x, y, net, label):
    """A CV input: 100k into an NPN, 47k base to ground, a 1N4148 clamping the base at -0.6 V,
    a 10k pull-up on the collector: the pin is high at rest and low while the jack is high."""
    r_in, r_base, r_pull = "R%d" % n, "R%d" % (n + 1), "R%d" % (n + 2)
    d, q = "D%d" % (n // 3 + 1), "Q%d" % (n // 3 + 1)
    tip = net + "_JACK"
    base = net + "_BASE"
    part(jack, "Jack_Mono", "%s jack (3.5 mm)" % label, "Thonkiconn PJ398SM", x, y, {"T": tip, "S": "GND"})
    part(r_in, "R", "100k", "0805", x + 45, y, {"1": tip, "2": base})
    part(r_base, "R", "47k", "0805", x + 45, y + ROW, {"1": base, "2": "GND"})
    part(d, "D", "1N4148", "SOD-123", x + 45, y + 2 * ROW, {"2": "GND", "1": base})
    part(q, "Q_NPN_BCE", "MMBT3904", "SOT-23", x + 45, y + 3 * ROW, {"1": base, "2": net, "3": "GND"})
    part(r_pull, "R", "10k", "0805", x + 45, y + 4 * ROW, {"1": "+5V", "2": net})


# Power: eurorack header (pins 1-2 are -12 V, unused), reverse-polarity Schottky, 5 V regulator.
part("J5", "Eurorack_2x5", "Eurorack power 2x5", "IDC 2x5 2.54 mm shrouded", 40, 50,
     {"1": None, "2": None, "3": "GND", "4": "GND", "5": "GND", "6": "GND", "7": "GND", "8": "GND",
      "9": "+12V", "10": "+12V"})
part("D5", "D", "1N5817", "DO-41", 40, 50 + 2 * ROW, {"2": "+12V", "1": "+12V_PROT"})
part("U2", "78L05", "78L05", "TO-92", 40, 50 + 3 * ROW, {"3": "+12V_PROT", "2": "GND", "1": "+5V"})
part("C1", "C", "330n", "0805", 40, 50 + 4 * ROW, {"1": "+12V_PROT", "2": "GND"})
part("C2", "C", "100n", "0805", 40, 50 + 5 * ROW, {"1": "+5V", "2": "GND"})
part("C3", "C", "10u", "0805", 40, 50 + 6 * ROW, {"1": "+5V", "2": "GND"})
part("#FLG1", "PWR_FLAG", "PWR_FLAG", "", 30, 50 + 7 * ROW, {"1": "+12V"}, bom=False)
part("#FLG2", "PWR_FLAG", "PWR_FLAG", "", 55, 50 + 7 * ROW, {"1": "+12V_PROT"}, bom=False)
part("#FLG3", "PWR_FLAG", "PWR_FLAG", "", 80, 50 + 7 * ROW, {"1": "GND"}, bom=False)

# The two CV inputs.
input_stage(1, "J1", 125, 50, "CLOCK_IN", "CLOCK")
input_stage(4, "J2", 125, 135, "RESET_IN", "RESET/RUN")

# MIDI out (MIDI 1.0 electrical specification, 5 V): +5V through 220R to pin 4, OC1A (PB5)
# through 220R to pin 5, pin 2 to ground (shield).
part("J3", "DIN5", "MIDI OUT (DIN-5, female)", "DIN-5 180 panel", 40, 170,
     {"1": None, "2": "GND", "3": None, "4": "DIN_OUT_PIN4", "5": "DIN_OUT_PIN5"})
part("R8", "R", "220", "0805", 40, 170 + 1.5 * ROW, {"1": "+5V", "2": "DIN_OUT_PIN4"})
part("R9", "R", "220", "0805", 40, 170 + 2.5 * ROW, {"1": "MIDI_OUT", "2": "DIN_OUT_PIN5"})

# MIDI in: an optocoupler, 220R in series, a reverse diode; pin 2 is left open.
part("J4", "DIN5", "MIDI IN (DIN-5, female)", "DIN-5 180 panel", 40, 235,
     {"1": None, "2": None, "3": None, "4": "DIN_IN_PIN4", "5": "DIN_IN_PIN5"})
part("R10", "R", "220", "0805", 40, 235 + 1.5 * ROW, {"1": "DIN_IN_PIN4", "2": "OPTO_A"})
part("D4", "D", "1N4148", "SOD-123", 40, 235 + 2.5 * ROW, {"2": "DIN_IN_PIN5", "1": "OPTO_A"})
part("U3", "6N138", "6N138", "DIP-8", 125, 235, {"1": None, "2": "OPTO_A", "3": "DIN_IN_PIN5", "4": None,
                                                 "5": "GND", "6": "MIDI_IN", "7": "OPTO_VB", "8": "+5V"})
part("R11", "R", "470", "0805", 125, 235 + 1.5 * ROW, {"1": "+5V", "2": "MIDI_IN"})
part("R12", "R", "10k", "0805", 125, 235 + 2.5 * ROW, {"1": "OPTO_VB", "2": "GND"})

# Panel controls: button to ground, panel LED beside the Teensy's own.
part("SW1", "SW_Push", "RUN/STOP button", "6 mm tactile", 220, 50, {"1": "BUTTON_IN", "2": "GND"})
part("R7", "R", "1k", "0805", 220, 50 + ROW, {"1": "LED_OUT", "2": "LED_A"})
part("D3", "LED", "panel LED (3 mm)", "LED 3 mm", 220, 50 + 2 * ROW, {"2": "LED_A", "1": "GND"})

# The Teensy 2.0: which pin does what comes from hal/board.h (see check.py).
TEENSY_NETS = {"VCC": "+5V", "GND": "GND", "AREF": None,
               "22": "CLOCK_IN", "5": "RESET_IN", "0": "BUTTON_IN", "11": "LED_OUT", "14": "MIDI_OUT",
               "7": "MIDI_IN"}
for number, _ in TEENSY_PINS:
    TEENSY_NETS.setdefault(number, None)
part("U1", "Teensy2", "Teensy 2.0", "Teensy 2.0 (two 1x12 + 1x5 headers)", 330, 130, TEENSY_NETS)


def half_height(sym):
    ys = [y for _, _, _, _, y, _ in SYMBOLS[sym][0]]
    return max(2.54, max(abs(y) for y in ys) + 1.27) if sym != "PWR_FLAG" else 2.54


def pin_position(p, pin):
    for number, name, kind, x, y, angle in SYMBOLS[p["sym"]][0]:
        if number == pin:
            return round(p["x"] + x, 2), round(p["y"] - y, 2)
    raise KeyError("%s has no pin %s" % (p["ref"], pin))


# A label leaves its pin away from the body: pin angle -> (label angle, justification).
LABEL_AWAY = {0: (180, "right"), 180: (0, "left"), 270: (90, "left"), 90: (270, "right")}


def pin_angle(p, pin):
    if p["sym"] == "PWR_FLAG":
        return 180  # its label reads left to right below the flag
    return next(a for number, _, _, _, _, a in SYMBOLS[p["sym"]][0] if number == pin)


NOTES = [
    (15, 35, 2.0, "POWER"),
    (15, 40, 1.27, "Eurorack 10-pin header (pins 1-2 = -12 V, unused),"),
    (15, 43, 1.27, "a Schottky against reverse polarity, a 78L05 to +5 V"),
    (100, 35, 2.0, "CLOCK and RESET inputs"),
    (100, 40, 1.27, "Inverting NPN stages: threshold about 1.9 V,"),
    (100, 43, 1.27, "safe to +/-12 V, the MCU pin is high at rest"),
    (15, 155, 2.0, "MIDI OUT"),
    (15, 160, 1.27, "MIDI 1.0 electrical specification, 5 V: pin 4 from +5 V, pin 5 from PB5 / OC1A (Teensy pin 14)"),
    (15, 220, 2.0, "MIDI IN"),
    (15, 225, 1.27, "6N138 optocoupler, 220R in series, reverse diode; DIN pin 2 left open"),
    (195, 35, 2.0, "PANEL"),
    (195, 40, 1.27, "Button to ground (internal pull-up);"),
    (195, 43, 1.27, "a panel LED beside the Teensy's own LED"),
    (300, 85, 2.0, "TEENSY 2.0"),
    (300, 90, 1.27, "Pins exactly as in hal/board.h (checked by hardware/check.py)"),
    (300, 180, 1.5, "Cut the Teensy's VUSB-VCC pads: the rack powers the module"),
    (300, 185, 1.5, "and USB must never back-feed the +5 V rail."),
    (300, 192, 1.5, "Unused Teensy pins are marked no-connect."),
    (300, 199, 1.5, "MIDI OUT leaves on pin 14 (PB5 / OC1A): Timer1 puts every bit edge"),
    (300, 204, 1.5, "on its cycle. Built with R9 on pin 8 (PD3 / TXD1)? Move that wire to 14."),
]


def schematic():
    root = uid("root")
    used = sorted({p["sym"] for p in PARTS})
    out = ['(kicad_sch (version 20250114) (generator "cv2midi_gen") (generator_version "1.0")',
           '(uuid "%s") (paper "A3")' % root,
           '(title_block (title "cv2midi: eurorack clock to MIDI") (rev "1") (comment 1 "Teensy 2.0, pins per hal/board.h") (comment 2 "generated by hardware/gen_schematic.py"))',
           "(lib_symbols %s)" % " ".join(lib_symbol(s) for s in used)]
    for p in PARTS:
        sym_pins = SYMBOLS[p["sym"]][0]
        h = half_height(p["sym"])
        props = [('Reference', p["ref"], -h - 0.635, p["ref"].startswith("#")), ('Value', p["value"], h + 1.905, p["ref"].startswith("#")),
                 ('Footprint', p["footprint"], 5.08, True), ('Datasheet', "", 0, True), ('Description', "", 0, True)]
        text = ['(symbol (lib_id "cv2midi:%s") (at %g %g 0) (unit 1) (exclude_from_sim no) (in_bom %s) (on_board %s) (dnp no) (uuid "%s")' % (
            p["sym"], p["x"], p["y"], "yes" if p["bom"] else "no", "yes" if p["bom"] else "no", uid("sym", p["ref"]))]
        for name, value, dy, hide in props:
            text.append('(property "%s" "%s" (at %g %g 0) %s)' % (name, value, p["x"], p["y"] + dy, HIDDEN if hide else FONT))
        for number, *_ in sym_pins:
            text.append('(pin "%s" (uuid "%s"))' % (number, uid("pin", p["ref"], number)))
        text.append('(instances (project "cv2midi" (path "/%s" (reference "%s") (unit 1))))' % (root, p["ref"]))
        text.append(")")
        out.append(" ".join(text))
        for number, *_ in sym_pins:
            net = p["nets"].get(number, "missing")
            if net == "missing":
                raise KeyError("%s pin %s has no net" % (p["ref"], number))
            x, y = pin_position(p, number)
            if net is None:
                out.append('(no_connect (at %g %g) (uuid "%s"))' % (x, y, uid("nc", p["ref"], number)))
            else:
                angle, justify = LABEL_AWAY[pin_angle(p, number)]
                out.append('(label "%s" (at %g %g %d) (effects (font (size 1.27 1.27)) (justify %s bottom)) (uuid "%s"))' % (
                    net, x, y, angle, justify, uid("label", p["ref"], number)))
    for i, (x, y, size, text) in enumerate(NOTES):
        out.append('(text "%s" (exclude_from_sim no) (at %g %g 0) (effects (font (size %g %g)) (justify left bottom)) (uuid "%s"))' % (
            text, x, y, size, size, uid("note", i)))
    out.append('(sheet_instances (path "/" (page "1")))')
    out.append(")")
    return "\n".join(out) + "\n"


def project():
    return {
        "meta": {"filename": "cv2midi.kicad_pro", "version": 3},
        "erc": {"rule_severities": {"lib_symbol_issues": "ignore", "footprint_link_issues": "ignore",
                                     "lib_symbol_mismatch": "ignore"}},
        "sheets": [[uid("root"), "Root"]],
    }


BOM_NOTES = {  # by value: what a builder should know when buying
    "Teensy 2.0": "PJRC Teensy 2.0 (ATmega32U4, 5 V); cut the VUSB-VCC pads; MIDI OUT from pin 14 (PB5 / OC1A)",
    "220": ("R8: +5 V to MIDI OUT pin 4. R9: Teensy pin 14 (PB5 / OC1A) to MIDI OUT pin 5; Timer1 puts every "
            "bit edge on its exact cycle, where the USART on pin 8 (PD3 / TXD1) starts frames on its own bit "
            "clock, 0-32 us late. Built with R9 on pin 8? Move it to pin 14. R10: MIDI IN pin 4 to the 6N138"),
    "78L05": "5 V, 100 mA regulator; pin 1 OUT, 2 GND, 3 IN",
    "1N5817": "Schottky, reverse-polarity protection on +12 V",
    "1N4148": "input clamps (D1 D2) and MIDI IN reverse diode (D4)",
    "MMBT3904": "NPN; 2N3904 (TO-92) works too",
    "6N138": "optocoupler; H11L1 works with its own pinout",
    "Eurorack power 2x5": "keyed; pins 1-2 (-12 V, red stripe) unused",
}


def natural(ref):
    m = re.match(r"([A-Z#]+)(\d+)", ref)
    return (m.group(1), int(m.group(2))) if m else (ref, 0)


def bom():
    rows = {}
    for p in PARTS:
        if not p["bom"]:
            continue
        key = (p["value"], p["footprint"])
        rows.setdefault(key, []).append(p["ref"])
    lines = ["References,Value,Footprint,Quantity,Notes"]
    for (value, footprint), refs in sorted(rows.items(), key=lambda r: natural(r[1][0])):
        refs.sort(key=natural)
        lines.append('"%s","%s","%s",%d,"%s"' % (" ".join(refs), value, footprint, len(refs), BOM_NOTES.get(value, "")))
    return "\n".join(lines) + "\n"


def write(out_dir):
    with open(os.path.join(out_dir, "cv2midi.kicad_sch"), "w") as f:
        f.write(schematic())
    with open(os.path.join(out_dir, "cv2midi.kicad_pro"), "w") as f:
        json.dump(project(), f, indent=2)
        f.write("\n")
    with open(os.path.join(out_dir, "bom.csv"), "w") as f:
        f.write(bom())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=HERE, help="directory to write into (default: beside this script)")
    write(parser.parse_args().out)
