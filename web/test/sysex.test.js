// The JavaScript codec against the golden vectors that the C++ codec and the firmware's
// handler wrote at build time (tests/sysex_golden.cc), named by CV2MIDI_GOLDEN.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  DEFAULTS, NAK_REASONS, Param, accepts, decodeReply, decodeShift, encodeGetAll, encodeIdentity,
  encodeRestoreDefaults, encodeSet, encodeStatus, hex, nakWords, parseHex,
} from '../sysex.js';

const path = process.env.CV2MIDI_GOLDEN;
assert.ok(path, 'CV2MIDI_GOLDEN names the golden vector file (ctest sets it; build first)');
const golden = JSON.parse(readFileSync(path, 'utf8'));

test('every request encodes to the bytes the C++ codec makes', () => {
  const encode = {
    getAll: () => encodeGetAll(),
    restoreDefaults: () => encodeRestoreDefaults(),
    identity: () => encodeIdentity(),
    status: () => encodeStatus(),
    set: (r) => encodeSet(r.param, r.value),
  };
  assert.ok(golden.requests.length >= 20);
  for (const r of golden.requests) {
    assert.equal(hex(encode[r.kind](r)), r.bytes, `${r.kind} ${r.param} ${r.value}`);
  }
});

test('every reply of the firmware handler decodes as the C++ codec decodes it', () => {
  for (const e of golden.exchanges) {
    assert.deepEqual(decodeReply(parseHex(e.reply)), e.decoded, e.name);
  }
});

test('the vectors hold every reply kind, every NAK reason and every power-up status', () => {
  const decoded = golden.exchanges.map((e) => e.decoded);
  const kinds = new Set(decoded.map((d) => d.kind));
  assert.deepEqual([...kinds].sort(), ['all', 'identity', 'nak', 'status']);
  const reasons = new Set(decoded.filter((d) => d.kind === 'nak').map((d) => d.reason));
  assert.deepEqual([...reasons].sort(), [1, 2, 3, 4]);
  const statuses = new Set(decoded.filter((d) => d.kind === 'all').map((d) => d.status));
  assert.deepEqual([...statuses].sort(), [0, 1, 2]);
});

test('what is not a well-formed reply decodes to null, as in C++', () => {
  for (const r of golden.replies) {
    assert.deepEqual(decodeReply(parseHex(r.bytes)), r.decoded, r.name);
  }
  assert.ok(golden.replies.some((r) => r.decoded === null));
});

test('the page knows which values the handler takes, for every setting', () => {
  for (const a of golden.accepted) {
    const taken = (v) => a.runs.some(([lo, hi]) => v >= lo && v <= hi);
    for (let v = a.lo; v <= a.limit; ++v) {
      assert.equal(accepts(a.param, v), taken(v), `setting ${a.param} value ${v}`);
    }
  }
});

test('defaults and the settings a set request changes agree with the handler', () => {
  assert.deepEqual({ ...DEFAULTS }, golden.defaults);
  for (const e of golden.exchanges.filter((x) => x.changed && x.decoded.kind === 'all')) {
    const req = parseHex(e.request);
    if (req[4] !== 0x02) continue;
    const wide = [Param.GLITCH_US, Param.TEMPO].includes(req[5]);
    const signed = [Param.DIN_SHIFT, Param.USB_SHIFT].includes(req[5]);
    const value = signed ? decodeShift(req[6], req[7]) : wide ? req[6] | (req[7] << 7) : req[6];
    assert.equal(hex(encodeSet(req[5], value)), e.request, e.name);
  }
});

test('every NAK reason is said in words', () => {
  for (const e of golden.exchanges.filter((x) => x.decoded.kind === 'nak')) {
    const words = nakWords(e.decoded);
    assert.ok(words.includes(NAK_REASONS[e.decoded.reason]), `${e.name}: ${words}`);
    assert.doesNotMatch(words, /reason \d/);
  }
});
