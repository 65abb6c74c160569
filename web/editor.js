// What the settings page does, without the page: asks for Web MIDI with SysEx, finds the
// cv2midi ports, sends one request at a time and waits 1 s for its reply, and keeps what the
// module said. main.js draws `state` after every change; the node tests drive it directly.
import {
  COMMAND_WORDS, SETTINGS, STATUS_WORDS, decodeReply, encodeGetAll, encodeIdentity,
  encodeRestoreDefaults, encodeSet, hex, isConfig, nakWords,
} from './sysex.js';

export const REPLY_TIMEOUT_MS = 1000;

export const Text = {
  noWebMidi: 'This browser has no Web MIDI. Use Chrome, Edge or Opera, or Firefox ' +
    '(which asks to allow SysEx). Safari has no Web MIDI.',
  insecure: 'Web MIDI needs a secure context: open the page from http://localhost ' +
    '(node web/serve.js) or from an https address.',
  refused: 'MIDI access with SysEx was refused. Allow this site to use MIDI devices with ' +
    'SysEx in the browser\'s site settings, then press Connect again.',
  asking: 'Asking the browser for MIDI access with SysEx…',
  notFound: (inputs, outputs) => `No cv2midi found among the MIDI ports (${inputs} in, ` +
    `${outputs} out). Plug it in by USB, then press Connect again.`,
  timeout: (request) => `No answer from cv2midi within 1 s to “${COMMAND_WORDS[request[4]]}” ` +
    `(${hex(request)}). Is it powered, and is the right port chosen?`,
  badInput: (setting) => `${setting.label} takes ${setting.range}.`,
};

// A setting's value as people read it, with its unit.
export function describeValue(setting, fieldValue) {
  switch (setting.kind) {
    case 'onoff': return fieldValue ? 'on' : 'off';
    case 'choice':
      return setting.names ? setting.names[fieldValue] : `${fieldValue} ${setting.unit}`;
    default: {
      const v = setting.scale === 1 ? String(fieldValue) : (fieldValue / setting.scale).toFixed(2);
      return `${v} ${setting.unit}`;
    }
  }
}

export function bootWords(status) {
  return `At power-up ${STATUS_WORDS[status]}.`;
}

class NoAnswer extends Error {}
class Refused extends Error {}

// One cv2midi: an output to send on and the input its replies come back on.
function findModules(access) {
  const byName = (ports) => [...ports.values()].filter((p) => /cv2midi/i.test(p.name ?? ''));
  const inputs = byName(access.inputs);
  const outputs = byName(access.outputs);
  return outputs.flatMap((output, i) => {
    const input = inputs.find((p) => p.name === output.name) ?? inputs[i];
    return input ? [{ id: output.id, name: output.name, input, output }] : [];
  });
}

export class Editor {
  // `env`: { navigator, isSecureContext, setTimeout, clearTimeout }; `onUpdate(state)` is
  // called after every change of state.
  constructor(env, onUpdate) {
    this.env = env;
    this.onUpdate = onUpdate;
    this.access = null;
    this.modules = [];
    this.module = null;
    this.pending = null;
    this.queue = Promise.resolve();
    this.incoming = null;
    this.listener = (event) => this.receive(event.data);
    this.state = {
      message: { level: 'info', text: 'Press Connect to find your cv2midi.' },
      ports: [],
      portId: null,
      identity: null,
      bootStatus: null,
      settings: null,
      busy: false,
    };
  }

  update(changes) {
    Object.assign(this.state, changes);
    this.onUpdate(this.state);
  }

  say(level, text) {
    this.update({ message: { level, text } });
  }

  async connect() {
    const nav = this.env.navigator;
    if (!nav || typeof nav.requestMIDIAccess !== 'function') {
      this.say('error', this.env.isSecureContext === false ? Text.insecure : Text.noWebMidi);
      return;
    }
    this.say('info', Text.asking);
    try {
      this.access = await nav.requestMIDIAccess({ sysex: true });
    } catch (err) {
      const name = err?.name ?? '';
      this.say('error', name === 'NotAllowedError' || name === 'SecurityError'
        ? Text.refused : `Web MIDI could not start: ${err?.message ?? err}`);
      return;
    }
    this.access.onstatechange = () => this.portsChanged();
    await this.findPorts();
  }

  async findPorts() {
    const modules = findModules(this.access);
    this.modules = modules;
    this.update({ ports: modules.map((m) => ({ id: m.id, name: m.name })) });
    if (modules.length === 0) {
      this.detach();
      this.update({ portId: null, identity: null, settings: null, bootStatus: null });
      this.say('error', Text.notFound(this.access.inputs.size, this.access.outputs.size));
      return;
    }
    const keep = modules.find((m) => m.id === this.state.portId);
    await this.choosePort((keep ?? modules[0]).id);
  }

  // A port came or went: look again, unless the chosen module is still there.
  portsChanged() {
    const modules = findModules(this.access);
    const same = modules.length === (this.modules?.length ?? 0) &&
      modules.every((m, i) => m.id === this.modules[i].id);
    if (!same) this.findPorts();
  }

  detach() {
    if (this.module) this.module.input.removeEventListener('midimessage', this.listener);
    this.module = null;
  }

  async choosePort(id) {
    const module = this.modules.find((m) => m.id === id);
    if (!module) return;
    this.detach();
    this.module = module;
    module.input.addEventListener('midimessage', this.listener);
    module.input.open?.().catch?.(() => {});
    this.update({ portId: id, identity: null, settings: null, bootStatus: null });
    if (await this.run(encodeIdentity())) await this.read();
  }

  read() {
    return this.run(encodeGetAll(), 'Settings read from cv2midi.');
  }

  restoreDefaults() {
    return this.run(encodeRestoreDefaults(), 'Defaults restored and saved.');
  }

  // `text` is what the user typed or chose; the module judges the value, the page only
  // turns the text into the number the protocol carries.
  set(param, text) {
    const setting = SETTINGS.find((s) => s.param === param);
    let value;
    if (setting.kind === 'number') {
      const n = Number(String(text).trim());
      value = String(text).trim() === '' || !Number.isFinite(n) ? NaN : Math.round(n * setting.scale);
    } else {
      value = Number(text);
    }
    const [lo, hi] = setting.signed ? [-0x2000, 0x1fff] : [0, 0x3fff];
    if (!Number.isInteger(value) || value < lo || value > hi) {
      this.say('error', Text.badInput(setting));
      this.update({});
      return Promise.resolve(false);
    }
    return this.run(encodeSet(param, value),
      () => `${setting.label} is now ${describeValue(setting, this.state.settings[setting.key])}.`);
  }

  // Sends one request after those before it; true when the module answered it.
  run(request, done) {
    const result = this.queue.then(() => this.exchange(request, done));
    this.queue = result.catch(() => {});
    return result;
  }

  async exchange(request, done) {
    if (!this.module) return false;
    this.update({ busy: true });
    try {
      const reply = await this.ask(request);
      if (reply.kind === 'nak') throw new Refused(nakWords(reply));
      if (reply.kind === 'identity') {
        this.update({ identity: reply.version.join('.') });
      } else {
        this.update({ settings: reply.settings, bootStatus: reply.status });
      }
      if (done) this.say('ok', typeof done === 'function' ? done() : done);
      return true;
    } catch (err) {
      if (err instanceof NoAnswer || err instanceof Refused) {
        this.say('error', err.message);
        return false;
      }
      this.say('error', `Sending to cv2midi failed: ${err?.message ?? err}`);
      return false;
    } finally {
      this.update({ busy: false });
    }
  }

  ask(request) {
    return new Promise((resolve, reject) => {
      const entry = { resolve };
      entry.timer = this.env.setTimeout(() => {
        if (this.pending === entry) this.pending = null;
        reject(new NoAnswer(Text.timeout(request)));
      }, REPLY_TIMEOUT_MS);
      this.pending = entry;
      try {
        this.module.output.send(request);
      } catch (err) {
        this.env.clearTimeout(entry.timer);
        this.pending = null;
        reject(err);
      }
    });
  }

  // MIDI in: gathers a SysEx (browsers deliver it whole, but a byte stream is accepted)
  // and hands a reply of ours to the waiting request. Anything else is let be.
  receive(data) {
    for (const byte of data) {
      if (byte === 0xf0) {
        this.incoming = [byte];
      } else if (this.incoming && byte >= 0xf8) {
        continue;
      } else if (this.incoming) {
        this.incoming.push(byte);
        if (byte === 0xf7 || byte >= 0x80 || this.incoming.length > 64) {
          const msg = byte === 0xf7 ? this.incoming : null;
          this.incoming = null;
          if (msg) this.take(msg);
        }
      }
    }
  }

  take(msg) {
    if (!isConfig(msg) || !this.pending) return;
    const reply = decodeReply(msg);
    if (!reply) return;
    this.env.clearTimeout(this.pending.timer);
    const { resolve } = this.pending;
    this.pending = null;
    resolve(reply);
  }
}
