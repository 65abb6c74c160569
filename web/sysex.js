// The settings SysEx of cv2midi in JavaScript, mirroring core/sysex_config.{h,cc}:
// F0 7D 63 32 <command> [arguments] F7. Tested against golden vectors that the C++ codec
// writes at build time (test/sysex.test.js), so the two stay the same protocol.

export const HEADER = [0xf0, 0x7d, 0x63, 0x32];

export const Command = { GET_ALL: 0x01, SET: 0x02, RESTORE_DEFAULTS: 0x03, IDENTITY: 0x04, STATUS: 0x05 };
export const ReplyCode = { ALL: 0x41, IDENTITY: 0x44, STATUS: 0x45, NAK: 0x7f };
export const Param = {
  PPQN: 1,
  RESET_MODE: 2,
  TIMEOUT: 3,
  CLOCKS_WHILE_STOPPED: 4,
  AUTO_START: 5,
  THRU: 6,
  GLITCH_US: 7,
  TEMPO: 8,
  ON_STOP: 9,
  DIN_SHIFT: 10,
  USB_SHIFT: 11,
  SMOOTH: 12,
};

// The settings whose value takes two 7-bit bytes; of them, the shifts are signed: 10 us
// steps as 14-bit two's complement (-2000 goes as 30 70).
const WIDE = [Param.GLITCH_US, Param.TEMPO, Param.DIN_SHIFT, Param.USB_SHIFT];
const SIGNED = [Param.DIN_SHIFT, Param.USB_SHIFT];

export function decodeShift(lo7, hi7) {
  const v = lo7 | (hi7 << 7);
  return v >= 0x2000 ? v - 0x4000 : v;
}

export const NAK_REASONS = {
  1: 'unknown request',
  2: 'wrong length',
  3: 'value out of range',
  4: 'unknown setting',
};

// What the EEPROM held at power-up, the status byte of a get-all reply.
export const STATUS_WORDS = {
  0: 'the module started with its stored settings',
  1: 'the EEPROM was blank, so the module started with the defaults',
  2: 'the EEPROM was corrupt, so the module started with the defaults',
};

export const COMMAND_WORDS = {
  [Command.GET_ALL]: 'read the settings',
  [Command.SET]: 'change a setting',
  [Command.RESTORE_DEFAULTS]: 'restore the defaults',
  [Command.IDENTITY]: 'identity',
  [Command.STATUS]: 'status',
};

export const DEFAULTS = Object.freeze({
  ppqn: 1,
  resetMode: 0,
  timeout: 2,
  clocksWhileStopped: true,
  autoStart: true,
  thru: true,
  glitchUs: 1000,
  tempo: 1200,
  onStop: 0,
  dinShift: 0,
  usbShift: 0,
  smooth: 0,
});

const PPQNS = [1, 2, 3, 4, 6, 8, 12, 24, 48, 96];

// The settings a module takes, with their field in a decoded reply; as settings.cc's
// SettingsValid and sysex_config.cc's Apply.
export const SETTINGS = [
  { param: Param.PPQN, key: 'ppqn', label: 'Input PPQN', kind: 'choice', values: PPQNS,
    unit: 'pulses per quarter note', range: '1, 2, 3, 4, 6, 8, 12, 24, 48 or 96' },
  { param: Param.RESET_MODE, key: 'resetMode', label: 'Reset jack', kind: 'choice', values: [0, 1],
    names: ['trigger', 'run gate'], range: 'trigger or run gate' },
  { param: Param.TIMEOUT, key: 'timeout', label: 'Timeout', kind: 'number', min: 2, max: 8,
    scale: 1, unit: 'silent intervals', range: '2 to 8' },
  { param: Param.CLOCKS_WHILE_STOPPED, key: 'clocksWhileStopped', label: 'Clocks while stopped',
    kind: 'onoff', range: 'on or off' },
  { param: Param.AUTO_START, key: 'autoStart', label: 'Auto-start on the first pulse',
    kind: 'onoff', range: 'on or off' },
  { param: Param.THRU, key: 'thru', label: 'MIDI thru from DIN in', kind: 'onoff',
    range: 'on or off' },
  { param: Param.GLITCH_US, key: 'glitchUs', label: 'Glitch window', kind: 'number', min: 250,
    max: 4000, unit: 'ms', scale: 1000, range: '0.25 to 4 ms' },
  { param: Param.TEMPO, key: 'tempo', label: 'Internal clock tempo', kind: 'number', min: 200,
    max: 3000, unit: 'BPM', scale: 10, range: '20 to 300 BPM' },
  { param: Param.ON_STOP, key: 'onStop', label: 'When the clock stops', kind: 'choice',
    values: [0, 1], names: ['stop', 'hold the tempo'], range: 'stop or hold' },
  { param: Param.DIN_SHIFT, key: 'dinShift', label: 'DIN out clock shift', kind: 'number',
    signed: true, min: -2000, max: 2000, unit: 'ms', scale: 100,
    range: '-20 to +20 ms in steps of 0.01' },
  { param: Param.USB_SHIFT, key: 'usbShift', label: 'USB clock shift', kind: 'number',
    signed: true, min: -2000, max: 2000, unit: 'ms', scale: 100,
    range: '-20 to +20 ms in steps of 0.01' },
  { param: Param.SMOOTH, key: 'smooth', label: 'Jitter filter', kind: 'choice',
    values: [0, 1, 2, 3], names: ['off', '1', '2', '3'], range: 'off or 1 to 3' },
];

export function settingFor(param) {
  return SETTINGS.find((s) => s.param === param);
}

// Whether a module takes `value` for `param` (the value as sent: booleans are 0 and 1).
export function accepts(param, value) {
  if (!Number.isInteger(value)) return false;
  if (SIGNED.includes(param)) return value >= -2000 && value <= 2000;
  if (value < 0 || value > 0x3fff) return false;
  switch (param) {
    case Param.PPQN: return PPQNS.includes(value);
    case Param.RESET_MODE:
    case Param.CLOCKS_WHILE_STOPPED:
    case Param.AUTO_START:
    case Param.THRU:
    case Param.ON_STOP: return value <= 1;
    case Param.TIMEOUT: return value >= 2 && value <= 8;
    case Param.GLITCH_US: return value >= 250 && value <= 4000;
    case Param.TEMPO: return value >= 200 && value <= 3000;
    case Param.SMOOTH: return value <= 3;
    default: return false;
  }
}

function message(body) {
  return [...HEADER, ...body, 0xf7];
}

export function encodeGetAll() { return message([Command.GET_ALL]); }
export function encodeRestoreDefaults() { return message([Command.RESTORE_DEFAULTS]); }
export function encodeIdentity() { return message([Command.IDENTITY]); }
export function encodeStatus() { return message([Command.STATUS]); }

export function encodeSet(param, value) {
  const body = [Command.SET, param, value & 0x7f];
  if (WIDE.includes(param)) body.push((value >> 7) & 0x7f);
  return message(body);
}

// Whether a whole SysEx (F0 ... F7) is of this protocol.
export function isConfig(msg) {
  if (msg.length < 5 || msg[msg.length - 1] !== 0xf7) return false;
  return HEADER.every((b, i) => msg[i] === b);
}

function settingsValid(s) {
  return accepts(Param.PPQN, s.ppqn) && accepts(Param.TIMEOUT, s.timeout) &&
    accepts(Param.GLITCH_US, s.glitchUs) && accepts(Param.TEMPO, s.tempo) &&
    accepts(Param.ON_STOP, s.onStop) && accepts(Param.DIN_SHIFT, s.dinShift) &&
    accepts(Param.USB_SHIFT, s.usbShift) && accepts(Param.SMOOTH, s.smooth);
}

// A reply as an object of kind 'all', 'identity' or 'nak'; null when it is not a
// well-formed reply of ours.
export function decodeReply(msg) {
  if (!isConfig(msg) || msg.length < 6) return null;
  switch (msg[4]) {
    case ReplyCode.ALL: {
      if (msg.length !== 23 || msg[5] > 2) return null;
      const settings = {
        ppqn: msg[6],
        resetMode: msg[7] & 1,
        timeout: msg[8],
        clocksWhileStopped: msg[9] !== 0,
        autoStart: msg[10] !== 0,
        thru: msg[11] !== 0,
        glitchUs: msg[12] | (msg[13] << 7),
        tempo: msg[14] | (msg[15] << 7),
        onStop: msg[16],
        dinShift: decodeShift(msg[17], msg[18]),
        usbShift: decodeShift(msg[19], msg[20]),
        smooth: msg[21],
      };
      return settingsValid(settings) ? { kind: 'all', status: msg[5], settings } : null;
    }
    case ReplyCode.IDENTITY:
      if (msg.length !== 16) return null;
      return { kind: 'identity', version: [msg[5], msg[6], msg[7]] };
    case ReplyCode.STATUS: {
      if (msg.length !== 47 || msg[5] > 3 || msg[6] > 1) return null;
      const seven = (at, groups) => {
        let v = 0;
        for (let i = groups - 1; i >= 0; --i) v = v * 128 + msg[at + i];
        return v;
      };
      const counters = ['edges', 'glitches', 'bursts', 'timeouts', 'mergedDropped', 'usbDropped',
        'unearned', 'relocks'];
      const status = {
        kind: 'status',
        source: msg[5],
        running: msg[6] !== 0,
        tempoCentiBpm: seven(7, 3),
        ppqn: msg[10],
        songPosition: seven(11, 3),
      };
      counters.forEach((name, i) => { status[name] = seven(14 + 4 * i, 4); });
      return status;
    }
    case ReplyCode.NAK:
      if (msg.length !== 8) return null;
      return { kind: 'nak', command: msg[5], reason: msg[6] };
    default:
      return null;
  }
}

// The value a setting is sent as, from its field in a decoded reply.
export function wireValue(fieldValue) {
  return typeof fieldValue === 'boolean' ? (fieldValue ? 1 : 0) : fieldValue;
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

export function parseHex(text) {
  return text.trim() === '' ? [] : text.trim().split(/\s+/).map((b) => parseInt(b, 16));
}

export function nakWords(nak) {
  const what = COMMAND_WORDS[nak.command] ?? `request ${hex([nak.command])}`;
  const why = NAK_REASONS[nak.reason] ?? `reason ${nak.reason}`;
  return `cv2midi refused “${what}”: ${why}.`;
}
