#!/usr/bin/env python3
"""Checks the schematic against the firmware: hal/board.h is the one source of truth for pins.

1. The committed schematic, project and BOM are what gen_schematic.py writes (no drift).
2. KiCad's ERC finds no violation of any severity.
3. In the exported netlist, every Gpio line of hal/board.h is wired as it says: the Teensy
   pin it names carries that port pin, and that pin sits on the net named after the function
   (ClockIn -> CLOCK_IN) together with at least one other part. No other MCU pin is wired.

Without kicad-cli it prints SKIP and exits 77 (CTest reports the test as skipped), unless
CV2MIDI_REQUIRE_KICAD=1 is set, as CI does, when a missing kicad-cli is a failure.
--self-test also checks that the pin check fails on boards that disagree with the schematic.
"""
import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SKIP = 77

GPIO_LINE = re.compile(
    r"^\s*using\s+(\w+)\s*=\s*Gpio<Port([A-F])\s*,\s*(\d)>\s*;\s*//\s*(\w+)\s+(\d+)\b", re.M)


def net_name(function):
    """ClockIn -> CLOCK_IN: the schematic names each MCU net after its board.h function."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", function).upper()


def parse_board(text):
    pins = []
    for function, port, bit, mcu_function, teensy_pin in GPIO_LINE.findall(text):
        pins.append(dict(function=function, port_pin="P%s%s" % (port, bit), mcu_function=mcu_function,
                         teensy_pin=teensy_pin))
    if not pins:
        raise ValueError("no Gpio lines found in the board file")
    return pins


def sexpr(text):
    """A small S-expression reader for KiCad's netlist: lists of strings."""
    tokens = re.findall(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()]+', text)
    stack = [[]]
    for tok in tokens:
        if tok == "(":
            stack.append([])
        elif tok == ")":
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok[1:-1] if tok.startswith('"') else tok)
    return stack[0][0]


def field(node, key):
    for item in node[1:]:
        if isinstance(item, list) and item and item[0] == key:
            return item[1] if len(item) > 1 else None
    return None


def parse_netlist(text):
    """-> {net name: [(ref, pin number, pin function)]}, leading '/' of sheet paths removed."""
    root = sexpr(text)
    nets = {}
    for section in root[1:]:
        if isinstance(section, list) and section[0] == "nets":
            for net in section[1:]:
                name = field(net, "name").lstrip("/")
                nodes = [(field(n, "ref"), field(n, "pin"), field(n, "pinfunction") or "")
                         for n in net[1:] if isinstance(n, list) and n[0] == "node"]
                nets[name] = nodes
    if not nets:
        raise ValueError("the netlist has no nets")
    return nets


def check_pins(board_text, nets, mcu="U1"):
    """Returns a list of disagreements between the board file and the netlist (empty = agree)."""
    errors = []
    mcu_pins = {}  # port pin name -> (teensy pin number, net)
    for name, nodes in nets.items():
        for ref, pin, function in nodes:
            if ref == mcu:
                mcu_pins[function or pin] = (pin, name)
    if not mcu_pins:
        return ["the netlist has no part %s (the Teensy)" % mcu]
    try:
        board = parse_board(board_text)
    except ValueError as e:
        return [str(e)]
    named = set()
    for b in board:
        where = "%s (%s, Teensy pin %s)" % (b["function"], b["port_pin"], b["teensy_pin"])
        if b["port_pin"] not in mcu_pins:
            errors.append("%s: %s has no %s pin" % (where, mcu, b["port_pin"]))
            continue
        named.add(b["port_pin"])
        pin, net = mcu_pins[b["port_pin"]]
        if pin != b["teensy_pin"]:
            errors.append("%s: the board file says Teensy pin %s, but %s is Teensy pin %s" % (
                where, b["teensy_pin"], b["port_pin"], pin))
        want = net_name(b["function"])
        if net != want:
            errors.append("%s: wired to net %s, expected %s" % (where, net, want))
            continue
        others = [n for n in nets[net] if n[0] != mcu]
        if not others:
            errors.append("%s: net %s reaches no other part" % (where, net))
        if len(nets[net]) - len(others) > 1:
            errors.append("%s: net %s touches more than one MCU pin" % (where, net))
    for port_pin, (pin, net) in sorted(mcu_pins.items()):
        if port_pin in named or port_pin in ("VCC", "GND", "AREF") or net.startswith("unconnected-"):
            continue
        errors.append("%s (Teensy pin %s) is wired to %s, but the board file names no function there" % (
            port_pin, pin, net))
    return errors


def self_test(board_text, nets):
    """The pin check must pass on the real board and fail on each board that disagrees."""
    failures = []
    if check_pins(board_text, nets):
        failures.append("the real board file does not pass")
    mutations = {
        "ClockIn moved to PD5": board_text.replace("Gpio<PortD, 4>", "Gpio<PortD, 5>"),
        "ClockIn moved to PD5, Teensy pin 23": re.sub(r"(ICP1\s+)22", r"\g<1>23",
                                                    board_text.replace("Gpio<PortD, 4>", "Gpio<PortD, 5>")),
        "ClockIn's Teensy pin comment says 23": re.sub(r"(ICP1\s+)22", r"\g<1>23", board_text),
        "ButtonIn and LedOut swapped": board_text.replace("using ButtonIn", "using TmpX")
        .replace("using LedOut", "using ButtonIn").replace("using TmpX", "using LedOut"),
        "MidiIn removed": re.sub(r"^using MidiIn.*$", "", board_text, flags=re.M),
        "MidiOut back on the old wiring, PD3 / TXD1, Teensy pin 8": re.sub(
            r"Gpio<PortB, 5>;(\s*//\s*)OC1A\s+14", r"Gpio<PortD, 3>;\g<1>TXD1   8", board_text),
        "no Gpio lines": "",
    }
    for what, mutated in mutations.items():
        if mutated == board_text and what != "no Gpio lines":
            failures.append("mutation '%s' did not change the board file" % what)
        elif not check_pins(mutated, nets):
            failures.append("mutation '%s' was not caught" % what)
        else:
            print("caught: %s -> %s" % (what, check_pins(mutated, nets)[0]))
    return failures


def run(cmd, **kw):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if result.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), result.stdout))
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default=os.path.join(ROOT, "hal", "board.h"))
    parser.add_argument("--self-test", action="store_true", help="also prove the pin check can fail")
    args = parser.parse_args()

    kicad = shutil.which("kicad-cli")
    if not kicad:
        if os.environ.get("CV2MIDI_REQUIRE_KICAD") == "1":
            print("FAIL: kicad-cli not found, and CV2MIDI_REQUIRE_KICAD=1 (run scripts/setup.sh)")
            return 1
        print("SKIP: kicad-cli not found; the hardware check (ERC and pins against hal/board.h) did "
              "not run. Install it with scripts/setup.sh (Debian bookworm-backports 'kicad').")
        return SKIP

    with tempfile.TemporaryDirectory() as tmp:
        # KiCad keeps settings in the user's home; keep them out of it.
        env = dict(os.environ, KICAD_CONFIG_HOME=os.path.join(tmp, "config"), HOME=tmp)
        failures = []

        fresh = os.path.join(tmp, "fresh")
        os.mkdir(fresh)
        run([sys.executable, os.path.join(HERE, "gen_schematic.py"), "--out", fresh])
        for name in ("cv2midi.kicad_sch", "cv2midi.kicad_pro", "bom.csv"):
            if not filecmp.cmp(os.path.join(fresh, name), os.path.join(HERE, name), shallow=False):
                failures.append("hardware/%s differs from what gen_schematic.py writes; run it and commit" % name)

        sch = os.path.join(tmp, "sch")
        shutil.copytree(HERE, sch, ignore=shutil.ignore_patterns("*.pdf", "*.svg", "__pycache__"))
        erc_json = os.path.join(tmp, "erc.json")
        run([kicad, "sch", "erc", "--format", "json", "--severity-all", "-o", erc_json,
             os.path.join(sch, "cv2midi.kicad_sch")], env=env)
        with open(erc_json) as f:
            erc = json.load(f)
        violations = [v for sheet in erc.get("sheets", []) for v in sheet.get("violations", [])]
        for v in violations:
            failures.append("ERC %s %s: %s (%s)" % (v.get("severity"), v.get("type"), v.get("description"),
                                                   "; ".join(i.get("description", "") for i in v.get("items", []))))
        print("ERC: %d violations (all severities)" % len(violations))

        net_file = os.path.join(tmp, "cv2midi.net")
        run([kicad, "sch", "export", "netlist", "--format", "kicadsexpr", "-o", net_file,
             os.path.join(sch, "cv2midi.kicad_sch")], env=env)
        with open(net_file) as f:
            nets = parse_netlist(f.read())
        with open(args.board) as f:
            board_text = f.read()
        pin_errors = check_pins(board_text, nets)
        failures += pin_errors
        if not pin_errors:
            for b in parse_board(board_text):
                print("pin ok: %-9s %-4s Teensy %-3s net %s" % (b["function"], b["port_pin"], b["teensy_pin"],
                                                                net_name(b["function"])))
        if args.self_test:
            failures += self_test(board_text, nets)
            # ERC must be able to fail too: drop one no-connect flag and expect a violation.
            with open(os.path.join(sch, "cv2midi.kicad_sch")) as f:
                text = f.read()
            broken = re.sub(r"^\(no_connect .*\n", "", text, count=1, flags=re.M)
            with open(os.path.join(sch, "cv2midi.kicad_sch"), "w") as f:
                f.write(broken)
            run([kicad, "sch", "erc", "--format", "json", "--severity-all", "-o", erc_json,
                 os.path.join(sch, "cv2midi.kicad_sch")], env=env)
            with open(erc_json) as f:
                caught = [v for sheet in json.load(f).get("sheets", []) for v in sheet.get("violations", [])]
            if broken == text or not caught:
                failures.append("ERC did not catch a missing no-connect flag")
            else:
                print("caught: a missing no-connect flag -> ERC %s" % caught[0].get("type"))

    for f in failures:
        print("FAIL: " + f)
    if failures:
        return 1
    print("hardware check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
