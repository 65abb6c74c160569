// The settings page, unmodified, in headless Chromium. Only navigator.requestMIDIAccess is
// replaced, before the page's scripts run: its cv2midi port hands each SysEx to the fake
// amidi's --serve mode (the firmware's own handler built for the host) and delivers the
// reply. Needs CV2MIDI_CHROMIUM, CV2MIDI_FAKE_AMIDI and CV2MIDI_TEST_TMP (ctest sets them).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { serve } from '../serve.js';

const env = (name) => {
  assert.ok(process.env[name], `${name} is not set (run this test through ctest)`);
  return process.env[name];
};

let puppeteer;
try {
  puppeteer = (await import('puppeteer-core')).default;
} catch {
  assert.fail('puppeteer-core is not installed in web/node_modules: run scripts/setup.sh');
}

// The firmware's handler, one request per line.
class Responder {
  constructor(path) {
    this.child = spawn(path, ['--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = [];
    this.log = [];
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()(line));
  }
  ask(request) {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${request}\n`);
    });
  }
  // What the page sent, answered by the handler.
  async fromPage(request) {
    const reply = await this.ask(request);
    this.log.push({ request, reply });
    return reply;
  }
  // The module's settings as the handler holds them, asked past the page.
  settings() {
    return this.ask('F0 7D 63 32 01 F7');
  }
}

// Runs in the page before its own scripts: a Web MIDI with one cv2midi and one other port.
function installFakeMidi() {
  const control = { silent: false };
  window.fakeMidiControl = control;
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  class Input extends EventTarget {
    constructor(id, name) { super(); Object.assign(this, { id, name, type: 'input', state: 'connected' }); }
    deliver(bytes) {
      const data = Uint8Array.from(bytes);
      const event = typeof MIDIMessageEvent === 'function'
        ? new MIDIMessageEvent('midimessage', { data }) : Object.assign(new Event('midimessage'), { data });
      this.dispatchEvent(event);
    }
  }
  class Output {
    constructor(id, name, input) { Object.assign(this, { id, name, input, type: 'output', state: 'connected' }); }
    send(data) {
      if (this.name !== 'cv2midi MIDI 1' || control.silent) return;
      window.cv2midiFakePort(hex(data)).then((reply) => {
        if (reply) this.input.deliver(reply.split(' ').map((b) => parseInt(b, 16)));
      });
    }
  }
  const inputs = new Map();
  const outputs = new Map();
  for (const [i, name] of ['Midi Through Port-0', 'cv2midi MIDI 1'].entries()) {
    const input = new Input(`in-${i}`, name);
    inputs.set(input.id, input);
    outputs.set(`out-${i}`, new Output(`out-${i}`, name, input));
  }
  const access = { inputs, outputs, sysexEnabled: true, onstatechange: null };
  Object.defineProperty(navigator, 'requestMIDIAccess', {
    configurable: true,
    value: async (options) => {
      control.options = options;
      return access;
    },
  });
}

const BLANK_DEFAULTS = 'F0 7D 63 32 41 01 01 00 02 01 01 01 68 07 30 09 00 00 00 00 00 00 F7';
let responder;
let server;
let browser;
let page;
let profile;
const pageErrors = [];

before(async () => {
  responder = new Responder(env('CV2MIDI_FAKE_AMIDI'));
  server = await serve(0);
  profile = mkdtempSync(join(env('CV2MIDI_TEST_TMP'), 'web-browser-'));
  browser = await puppeteer.launch({
    executablePath: env('CV2MIDI_CHROMIUM'),
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 860, height: 720, deviceScaleFactor: 1 });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.exposeFunction('cv2midiFakePort', (request) => responder.fromPage(request));
  await page.evaluateOnNewDocument(installFakeMidi);
  await page.goto(`http://127.0.0.1:${server.address().port}/`, { waitUntil: 'load' });
});

after(async () => {
  await browser?.close();
  server?.close();
  responder?.child.stdin.end();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const text = (selector) => page.$eval(selector, (el) => el.textContent.trim());
const value = (selector) => page.$eval(selector, (el) => el.value);
const bodyText = () => page.$eval('body', (el) => el.innerText);

async function messageBecomes(want, timeout = 10000) {
  try {
    await page.waitForFunction((t) => document.getElementById('message').textContent === t,
      { timeout }, want);
  } catch {
    assert.equal(await text('#message'), want);
  }
}

async function type(selector, what) {
  await page.click(selector, { clickCount: 3 });
  await page.keyboard.press('Backspace');
  await page.type(selector, what);
  await page.keyboard.press('Tab');
}

test('the page is in a secure context and waits for Connect', async () => {
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  assert.equal(await text('#message'), 'Press Connect to find your cv2midi.');
  assert.equal(await page.$eval('#module', (el) => el.hidden), true);
});

test('connect asks for SysEx, finds cv2midi and reads identity and every setting', async () => {
  await page.click('#connect');
  await messageBecomes('Settings read from cv2midi.');
  assert.deepEqual(await page.evaluate(() => window.fakeMidiControl.options), { sysex: true });
  assert.equal(await text('#identity'), 'cv2midi firmware 0.8.0');
  assert.equal(await text('#port-name'), 'Port: cv2midi MIDI 1');
  assert.deepEqual(responder.log.map((e) => e.request), ['F0 7D 63 32 04 F7', 'F0 7D 63 32 01 F7']);
  const body = await bodyText();
  for (const words of ['Input PPQN', '1, 2, 3, 4, 6, 8, 12, 24, 48 or 96', 'Reset jack', 'trigger or run gate',
    'Timeout', 'silent intervals', '2 to 8', 'Clocks while stopped', 'Auto-start on the first pulse',
    'MIDI thru from DIN in', 'Glitch window', '0.25 to 4 ms',
    'At power-up the EEPROM was blank, so the module started with the defaults.']) {
    assert.ok(body.includes(words), `page shows "${words}"`);
  }
  assert.equal(await value('#set-ppqn'), '1');
  assert.equal(await value('#set-resetMode'), '0');
  assert.equal(await value('#set-timeout'), '2');
  assert.equal(await value('#set-thru'), '1');
  assert.equal(await value('#set-glitchUs'), '1');
  assert.equal(await value('#set-dinShift'), '0');
  assert.equal(await value('#set-smooth'), '0');
});

test('PPQN 4 chosen on the page reaches the module', async () => {
  await page.select('#set-ppqn', '4');
  await messageBecomes('Input PPQN is now 4 pulses per quarter note.');
  assert.equal(responder.log.at(-1).request, 'F0 7D 63 32 02 01 04 F7');
  assert.equal(await responder.settings(), 'F0 7D 63 32 41 01 04 00 02 01 01 01 68 07 30 09 00 00 00 00 00 00 F7');
  assert.equal(await value('#set-ppqn'), '4');
});

test('a glitch window typed in ms reaches the module in us', async () => {
  await type('#set-glitchUs', '2.5');
  await messageBecomes('Glitch window is now 2.50 ms.');
  assert.equal(responder.log.at(-1).request, 'F0 7D 63 32 02 07 44 13 F7');
  assert.equal(await responder.settings(), 'F0 7D 63 32 41 01 04 00 02 01 01 01 44 13 30 09 00 00 00 00 00 00 F7');
  assert.equal(await value('#set-glitchUs'), '2.5');
  await page.screenshot({ path: join(env('CV2MIDI_TEST_TMP'), 'web_screenshot.png'), fullPage: true });
});

test('a negative DIN shift typed in ms reaches the module, and smooth by its menu', async () => {
  await type('#set-dinShift', '-8');
  await messageBecomes('DIN out clock shift is now -8.00 ms.');
  assert.equal(responder.log.at(-1).request, 'F0 7D 63 32 02 0A 60 79 F7');
  await page.select('#set-smooth', '2');
  await messageBecomes('Jitter filter is now 2.');
  assert.equal(responder.log.at(-1).request, 'F0 7D 63 32 02 0C 02 F7');
  assert.equal(await responder.settings(), 'F0 7D 63 32 41 01 04 00 02 01 01 01 44 13 30 09 00 60 79 00 00 02 F7');
  assert.equal(await value('#set-dinShift'), '-8');
});

test('restore the defaults puts back every setting, on the module and the page', async () => {
  await page.click('#defaults');
  await messageBecomes('Defaults restored and saved.');
  assert.equal(responder.log.at(-1).request, 'F0 7D 63 32 03 F7');
  assert.equal(await responder.settings(), BLANK_DEFAULTS);
  assert.equal(await value('#set-ppqn'), '1');
  assert.equal(await value('#set-glitchUs'), '1');
  assert.equal(await value('#set-dinShift'), '0');
  assert.equal(await value('#set-smooth'), '0');
});

test('a value the module refuses shows the NAK in words and changes nothing', async () => {
  await type('#set-timeout', '9');
  await messageBecomes('cv2midi refused “change a setting”: value out of range.');
  assert.equal(responder.log.at(-1).request, 'F0 7D 63 32 02 03 09 F7');
  assert.equal(responder.log.at(-1).reply, 'F0 7D 63 32 7F 02 03 F7');
  assert.equal(await page.$eval('#message', (el) => el.className), 'error');
  assert.equal(await value('#set-timeout'), '2');
  assert.equal(await responder.settings(), BLANK_DEFAULTS);
});

test('a module that does not answer is reported after 1 s', async () => {
  await page.evaluate(() => { window.fakeMidiControl.silent = true; });
  const start = Date.now();
  await page.click('#read');
  await messageBecomes('No answer from cv2midi within 1 s to “read the settings” ' +
    '(F0 7D 63 32 01 F7). Is it powered, and is the right port chosen?', 10000);
  const waited = Date.now() - start;
  assert.ok(waited >= 950 && waited < 8000, `waited ${waited} ms`);
  await page.evaluate(() => { window.fakeMidiControl.silent = false; });
  await page.click('#read');
  await messageBecomes('Settings read from cv2midi.');
});

test('opened as a file, the page says to open it from localhost', async () => {
  const other = await browser.newPage();
  await other.goto(new URL('../index.html', import.meta.url).href, { waitUntil: 'load' });
  const said = await other.$eval('#message', (el) => el.textContent.replace(/\s+/g, ' ').trim());
  await other.close();
  assert.match(said, /^The page's scripts did not load\..* open the page from http:\/\/localhost/);
});

test('the page raised no error on the way', () => {
  assert.deepEqual(pageErrors, []);
});
