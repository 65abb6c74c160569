// The settings page's wiring: draws the editor's state into index.html and passes clicks
// and changes back to it.
import { Editor, bootWords, describeValue } from './editor.js';
import { DEFAULTS, SETTINGS } from './sysex.js';

const $ = (id) => document.getElementById(id);
const controls = new Map();

function control(setting, editor) {
  let el;
  if (setting.kind === 'number') {
    el = document.createElement('input');
    el.type = 'number';
    el.min = setting.min / setting.scale;
    el.max = setting.max / setting.scale;
    el.step = setting.scale === 1 ? 1 : 0.01;
    el.inputMode = 'decimal';
  } else {
    el = document.createElement('select');
    const values = setting.kind === 'onoff' ? [1, 0] : setting.values;
    for (const v of values) {
      const option = document.createElement('option');
      option.value = v;
      option.textContent = setting.kind === 'onoff' ? (v ? 'on' : 'off')
        : setting.names ? setting.names[v] : String(v);
      el.append(option);
    }
  }
  el.id = `set-${setting.key}`;
  el.addEventListener('change', () => editor.set(setting.param, el.value));
  return el;
}

function defaultWords(setting) {
  const v = DEFAULTS[setting.key];
  if (setting.kind === 'number') return setting.scale === 1 ? String(v) : `${v / setting.scale} ${setting.unit}`;
  return setting.kind === 'choice' && !setting.names ? String(v) : describeValue(setting, v);
}

function buildTable(editor) {
  const body = $('settings').tBodies[0];
  for (const setting of SETTINGS) {
    const row = body.insertRow();
    const label = document.createElement('label');
    label.textContent = setting.label;
    const el = control(setting, editor);
    label.htmlFor = el.id;
    row.insertCell().append(label);
    const cell = row.insertCell();
    cell.append(el);
    if (setting.kind === 'number') {
      const unit = document.createElement('span');
      unit.className = 'unit';
      unit.textContent = setting.unit;
      cell.append(unit);
    }
    const range = row.insertCell();
    range.textContent = setting.range;
    const byDefault = document.createElement('small');
    byDefault.textContent = `default ${defaultWords(setting)}`;
    range.append(byDefault);
    controls.set(setting.key, el);
  }
}

function draw(state) {
  const message = $('message');
  message.textContent = state.message.text;
  message.className = state.message.level;
  const choice = $('port-choice');
  choice.hidden = state.ports.length < 2;
  const select = $('port');
  if (select.options.length !== state.ports.length ||
      state.ports.some((p, i) => select.options[i].value !== p.id)) {
    select.replaceChildren(...state.ports.map((p) => new Option(p.name, p.id)));
  }
  if (state.portId) select.value = state.portId;
  const port = state.ports.find((p) => p.id === state.portId);
  $('port-name').textContent = port && state.ports.length === 1 ? `Port: ${port.name}` : '';
  $('identity').textContent = state.identity ? `cv2midi firmware ${state.identity}` : '';
  $('connect').textContent = state.ports.length ? 'Find again' : 'Connect';
  $('module').hidden = !state.settings;
  if (state.settings) {
    for (const setting of SETTINGS) {
      const el = controls.get(setting.key);
      const v = state.settings[setting.key];
      el.value = setting.kind === 'number' ? String(v / setting.scale)
        : setting.kind === 'onoff' ? (v ? '1' : '0') : String(v);
      el.title = describeValue(setting, v);
    }
    $('boot').textContent = bootWords(state.bootStatus);
    $('boot').className = state.bootStatus === 2 ? 'warn' : '';
  }
  for (const el of [...controls.values(), $('read'), $('defaults'), $('connect')]) {
    el.disabled = state.busy;
  }
  document.body.classList.toggle('busy', state.busy);
}

const editor = new Editor({
  navigator,
  isSecureContext: window.isSecureContext,
  setTimeout: (f, ms) => window.setTimeout(f, ms),
  clearTimeout: (t) => window.clearTimeout(t),
}, draw);
buildTable(editor);
$('connect').addEventListener('click', () => (editor.access ? editor.findPorts() : editor.connect()));
$('port').addEventListener('change', (e) => editor.choosePort(e.target.value));
$('read').addEventListener('click', () => editor.read());
$('defaults').addEventListener('click', () => editor.restoreDefaults());
draw(editor.state);
