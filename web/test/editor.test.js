// The page's logic (editor.js) under node, with a fake MIDI access: the messages people
// get when something is missing or wrong, and the requests it sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Editor, REPLY_TIMEOUT_MS, Text, bootWords } from '../editor.js';
import { Param, hex, parseHex } from '../sysex.js';

const BLANK_DEFAULTS = 'F0 7D 63 32 41 01 01 00 02 01 01 01 68 07 30 09 00 00 00 00 00 00 F7';
const IDENTITY = 'F0 7D 63 32 44 00 08 00 63 76 32 6D 69 64 69 F7';

class FakeInput {
  constructor(id, name) {
    Object.assign(this, { id, name, type: 'input' });
    this.listeners = new Set();
  }
  addEventListener(type, f) { if (type === 'midimessage') this.listeners.add(f); }
  removeEventListener(type, f) { this.listeners.delete(f); }
  deliver(bytes) {
    for (const f of this.listeners) f({ data: Uint8Array.from(bytes) });
  }
}

// An output whose replies, from `answer(requestHex)`, come back on `input`.
class FakeOutput {
  constructor(id, name, input, answer) {
    Object.assign(this, { id, name, input, answer, type: 'output' });
    this.sent = [];
  }
  send(bytes) {
    this.sent.push(hex(bytes));
    const reply = this.answer(hex(bytes));
    if (reply) queueMicrotask(() => this.input.deliver(parseHex(reply)));
  }
}

function access(pairs) {
  const inputs = new Map();
  const outputs = new Map();
  for (const [name, answer] of pairs) {
    const input = new FakeInput(`in-${name}`, name);
    inputs.set(input.id, input);
    const output = new FakeOutput(`out-${name}`, name, input, answer);
    outputs.set(output.id, output);
  }
  return { inputs, outputs, onstatechange: null };
}

// A module with a blank EEPROM that answers identity and get-all, and `extra` by hex.
function answers(extra = {}) {
  return (req) => extra[req] ?? {
    'F0 7D 63 32 04 F7': IDENTITY,
    'F0 7D 63 32 01 F7': BLANK_DEFAULTS,
  }[req];
}

function editorWith(nav, more = {}) {
  const timers = [];
  const env = {
    navigator: nav,
    isSecureContext: true,
    setTimeout: (f, ms) => { timers.push({ f, ms, live: true }); return timers.length - 1; },
    clearTimeout: (t) => { timers[t].live = false; },
    ...more,
  };
  const editor = new Editor(env, () => {});
  return { editor, timers };
}

const granting = (a) => ({ requestMIDIAccess: async (options) => { a.options = options; return a; } });

test('a browser without Web MIDI is told so, and which browsers have it', async () => {
  const { editor } = editorWith({});
  await editor.connect();
  assert.equal(editor.state.message.level, 'error');
  assert.equal(editor.state.message.text, Text.noWebMidi);
  assert.match(editor.state.message.text, /Chrome, Edge or Opera, or Firefox/);
});

test('a page not in a secure context says how to open it', async () => {
  const { editor } = editorWith({}, { isSecureContext: false });
  await editor.connect();
  assert.match(editor.state.message.text, /secure context.*localhost/);
});

test('a refused SysEx permission is said in words', async () => {
  for (const name of ['NotAllowedError', 'SecurityError']) {
    const nav = { requestMIDIAccess: async () => { throw Object.assign(new Error('x'), { name }); } };
    const { editor } = editorWith(nav);
    await editor.connect();
    assert.equal(editor.state.message.text, Text.refused, name);
    assert.match(editor.state.message.text, /SysEx was refused/);
  }
});

test('access is asked with SysEx', async () => {
  const a = access([['cv2midi', answers()]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.deepEqual(a.options, { sysex: true });
});

test('no cv2midi among the ports is said, with what was found', async () => {
  const a = access([['Midi Through Port-0', () => null]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.equal(editor.state.message.text,
    'No cv2midi found among the MIDI ports (1 in, 1 out). Plug it in by USB, then press Connect again.');
  assert.equal(editor.state.settings, null);
});

test('connect finds cv2midi by name, reads identity and every setting', async () => {
  const a = access([['Midi Through Port-0', () => null], ['cv2midi MIDI 1', answers()]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.equal(editor.state.identity, '0.8.0');
  assert.deepEqual(editor.state.settings, {
    ppqn: 1, resetMode: 0, timeout: 2, clocksWhileStopped: true, autoStart: true, thru: true,
    glitchUs: 1000, tempo: 1200, onStop: 0, dinShift: 0, usbShift: 0, smooth: 0,
  });
  assert.equal(editor.state.bootStatus, 1);
  assert.deepEqual(a.outputs.get('out-cv2midi MIDI 1').sent, ['F0 7D 63 32 04 F7', 'F0 7D 63 32 01 F7']);
  assert.deepEqual(a.outputs.get('out-Midi Through Port-0').sent, []);
  assert.equal(editor.state.message.text, 'Settings read from cv2midi.');
});

test('with several modules the first is chosen and another can be picked', async () => {
  const a = access([['cv2midi A', answers()], ['cv2midi B', answers()]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.deepEqual(editor.state.ports.map((p) => p.name), ['cv2midi A', 'cv2midi B']);
  assert.equal(editor.state.portId, 'out-cv2midi A');
  await editor.choosePort('out-cv2midi B');
  assert.equal(editor.state.portId, 'out-cv2midi B');
  assert.equal(a.outputs.get('out-cv2midi B').sent.length, 2);
  assert.equal(a.inputs.get('in-cv2midi A').listeners.size, 0, 'the old input is let go');
});

test('a request with no answer within 1 s says which request it was', async () => {
  const a = access([['cv2midi', () => null]]);
  const { editor, timers } = editorWith(granting(a));
  const connecting = editor.connect();
  await new Promise((r) => setImmediate(r));
  assert.equal(timers.length, 1);
  assert.equal(timers[0].ms, REPLY_TIMEOUT_MS);
  assert.equal(REPLY_TIMEOUT_MS, 1000);
  timers[0].f();
  await connecting;
  assert.equal(editor.state.message.level, 'error');
  assert.equal(editor.state.message.text,
    'No answer from cv2midi within 1 s to “identity” (F0 7D 63 32 04 F7). ' +
    'Is it powered, and is the right port chosen?');
});

test('an answer in time stops the clock on the request', async () => {
  const a = access([['cv2midi', answers()]]);
  const { editor, timers } = editorWith(granting(a));
  await editor.connect();
  assert.equal(timers.length, 2);
  assert.ok(timers.every((t) => !t.live));
});

test('a refused value shows the NAK reason in words and keeps the module\'s value', async () => {
  const nak = 'F0 7D 63 32 7F 02 03 F7';
  const a = access([['cv2midi', answers({ 'F0 7D 63 32 02 03 09 F7': nak })]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.equal(await editor.set(Param.TIMEOUT, '9'), false);
  assert.equal(editor.state.message.level, 'error');
  assert.equal(editor.state.message.text, 'cv2midi refused “change a setting”: value out of range.');
  assert.equal(editor.state.settings.timeout, 2);
});

test('every NAK reason has its words', async () => {
  const words = { 1: 'unknown request', 2: 'wrong length', 3: 'value out of range', 4: 'unknown setting' };
  for (const [reason, text] of Object.entries(words)) {
    const nak = `F0 7D 63 32 7F 01 0${reason} F7`;
    const a = access([['cv2midi', answers({ 'F0 7D 63 32 01 F7': nak })]]);
    const { editor } = editorWith(granting(a));
    await editor.connect();
    assert.equal(editor.state.message.text, `cv2midi refused “read the settings”: ${text}.`);
  }
});

test('the glitch window is typed in ms and sent in us; the reply is what is shown', async () => {
  const after = 'F0 7D 63 32 41 01 01 00 02 01 01 01 44 13 30 09 00 00 00 00 00 00 F7';
  const a = access([['cv2midi', answers({ 'F0 7D 63 32 02 07 44 13 F7': after })]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.equal(await editor.set(Param.GLITCH_US, '2.5'), true);
  assert.equal(a.outputs.get('out-cv2midi').sent.at(-1), 'F0 7D 63 32 02 07 44 13 F7');
  assert.equal(editor.state.settings.glitchUs, 2500);
  assert.equal(editor.state.message.text, 'Glitch window is now 2.50 ms.');
});

test('a negative clock shift is typed in ms and sent as 14-bit two\'s complement', async () => {
  const after = 'F0 7D 63 32 41 01 01 00 02 01 01 01 68 07 30 09 00 60 79 00 00 00 F7';
  const a = access([['cv2midi', answers({ 'F0 7D 63 32 02 0A 60 79 F7': after })]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.equal(await editor.set(Param.DIN_SHIFT, '-8'), true);
  assert.equal(a.outputs.get('out-cv2midi').sent.at(-1), 'F0 7D 63 32 02 0A 60 79 F7');
  assert.equal(editor.state.settings.dinShift, -800);
  assert.equal(editor.state.message.text, 'DIN out clock shift is now -8.00 ms.');
  // Past what 14 bits hold, the page refuses it itself.
  assert.equal(await editor.set(Param.USB_SHIFT, '-82'), false);
  assert.equal(a.outputs.get('out-cv2midi').sent.at(-1), 'F0 7D 63 32 02 0A 60 79 F7');
});

test('text that is no number is refused on the page and not sent', async () => {
  const a = access([['cv2midi', answers()]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  for (const text of ['', 'abc', '-1', '99999']) {
    assert.equal(await editor.set(Param.GLITCH_US, text), false);
    assert.equal(editor.state.message.text, 'Glitch window takes 0.25 to 4 ms.');
  }
  assert.equal(a.outputs.get('out-cv2midi').sent.length, 2);
});

test('a reply split over events, with clocks among it, is still taken', async () => {
  const a = access([['cv2midi', answers()]]);
  const out = a.outputs.get('out-cv2midi');
  out.send = function send(bytes) {
    this.sent.push(hex(bytes));
    const reply = parseHex(this.answer(hex(bytes)));
    queueMicrotask(() => {
      this.input.deliver([0xf8, ...reply.slice(0, 5)]);
      this.input.deliver([0xf8, ...reply.slice(5)]);
    });
  };
  const { editor } = editorWith(granting(a));
  await editor.connect();
  assert.equal(editor.state.identity, '0.8.0');
  assert.equal(editor.state.settings.ppqn, 1);
});

test('a module unplugged is noticed when the ports change', async () => {
  const a = access([['cv2midi', answers()]]);
  const { editor } = editorWith(granting(a));
  await editor.connect();
  a.inputs.clear();
  a.outputs.clear();
  a.onstatechange();
  await new Promise((r) => setImmediate(r));
  assert.equal(editor.state.settings, null);
  assert.match(editor.state.message.text, /^No cv2midi found/);
});

test('what the EEPROM held at power-up is said for every status', () => {
  assert.equal(bootWords(0), 'At power-up the module started with its stored settings.');
  assert.equal(bootWords(1), 'At power-up the EEPROM was blank, so the module started with the defaults.');
  assert.equal(bootWords(2), 'At power-up the EEPROM was corrupt, so the module started with the defaults.');
});

test('a port that fails to send says so and frees the next request', async () => {
  const a = access([['cv2midi', answers()]]);
  const out = a.outputs.get('out-cv2midi');
  const { editor, timers } = editorWith(granting(a));
  const send = out.send.bind(out);
  out.send = () => { throw new Error('port is disconnected'); };
  await editor.connect();
  assert.equal(editor.state.message.text, 'Sending to cv2midi failed: port is disconnected');
  assert.ok(timers.every((t) => !t.live));
  out.send = send;
  assert.equal(await editor.read(), true);
  assert.equal(editor.state.settings.ppqn, 1);
});
