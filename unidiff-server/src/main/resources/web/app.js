// The unidiff page: plain JavaScript, no build step. Talks to the JSON API of the same server.
// Its forms are built from GET /api/models: each model lists its tasks and each task's fields
// (recorded by the server from the task's own reader), so a new task needs no change here.
'use strict';

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('unidiff-token') || '';
let currentJob = null;
let models = [];
let fieldCounter = 0;

// Starting values that make a first click useful (a field absent here starts empty).
const EXAMPLES = {
  prompt: 'a large red circle in the center on a black background',
  caption: ['a circle at the top left', 'a square at the bottom right'],
};

// Short help for the tasks the library ships; other tasks show their fields only.
const HINTS = {
  'group': 'Images generated together stay consistent; a slot with an image is a reference.',
  'in-context': 'Example pairs show a change (input → output); the model applies it to the query.',
  'interpolation': 'Two images; the frames between them, and an animation.',
  'inversion': 'The noise that regenerates the image (numbers), and optionally the regeneration.',
};

function headers(json) {
  const h = {};
  if (json) h['Content-Type'] = 'application/json';
  if (token) h['Authorization'] = 'Bearer ' + token;
  return h;
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

// A problem document (RFC 9457) says what was wrong; show its detail, and the field if any.
async function problemText(response) {
  try {
    const p = await response.json();
    if (response.status === 401) $('token-section').hidden = false;
    return (p.title ? p.title + ': ' : '') + (p.detail || response.statusText);
  } catch (e) {
    return 'HTTP ' + response.status + ' ' + response.statusText;
  }
}

async function loadModels() {
  const r = await fetch('/api/models', { headers: headers(false) });
  if (!r.ok) {
    $('model').textContent = 'Models unavailable';
    showError(await problemText(r));
    return;
  }
  models = (await r.json()).models;
  const select = $('model-select');
  select.replaceChildren(...models.map((m) => new Option(m.id + ' (' + m.family + ')', m.id)));
  showModel();
}

function model() {
  return models.find((m) => m.id === $('model-select').value) || models[0];
}

function showModel() {
  const m = model();
  $('model').textContent = 'Model ' + m.id + (m.variant ? ' (variant ' + m.variant + ')' : '') + ' — ' + m.image.width
    + '×' + m.image.height + ' images; defaults: ' + m.defaults.sampler + ', ' + m.defaults.steps
    + ' steps, guidance ' + m.defaults.guidanceScale;
  $('vocabulary').textContent = m.vocabulary && m.vocabulary.words
    ? 'Words this model knows: ' + m.vocabulary.words.join(' ') : '';
  $('steps').max = m.limits.maxSteps;
  $('count').max = m.limits.maxOutputs;
  const previous = $('task').value;
  $('task').replaceChildren(...m.tasks.map((t) => new Option(t, t)));
  if (m.tasks.includes(previous)) $('task').value = previous;
  buildForm();
}

// One control per field of the chosen task; the shared sampling fields live in Settings.
function buildForm() {
  const task = $('task').value;
  const fields = model().taskFields[task] || [];
  $('task-hint').textContent = HINTS[task] || '';
  $('task-form').replaceChildren(...fields.filter((f) => !f.sampling).map((f) => fieldControl(f, 0)));
}

function fieldControl(f, depth) {
  const wrap = document.createElement('div');
  wrap.className = 'field';
  wrap.dataset.name = f.name;
  wrap.dataset.kind = f.kind;
  if (f.kind === 'list') {
    const legend = document.createElement('p');
    legend.className = 'list-name';
    legend.textContent = f.name + ' (1 to ' + f.max + ')';
    const list = document.createElement('ol');
    list.className = 'entries';
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'secondary add-entry';
    add.textContent = 'Add ' + f.name.replace(/s$/, '');
    add.addEventListener('click', () => addEntry(f, list, depth));
    wrap.append(legend, list, add);
    // A shipped example folder (serve --examples) fills the pairs in one step.
    if (f.name === 'examples' && (model().exampleSets || []).length) wrap.append(exampleSetPicker(f, list, depth));
    const starting = f.name === 'slots' ? 2 : f.name === 'examples' ? 2 : 1;
    for (let i = 0; i < starting; i++) addEntry(f, list, depth);
    return wrap;
  }
  const id = depth === 0 ? 'field-' + f.name : 'field-' + f.name + '-' + (++fieldCounter);
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = f.name + (f.required ? '' : ' (optional)');
  let input;
  if (f.kind === 'text') {
    input = document.createElement(depth === 0 ? 'textarea' : 'input');
    if (depth === 0) input.rows = 2; else input.type = 'text';
    const example = EXAMPLES[f.name];
    input.value = Array.isArray(example) ? (example[wrap.dataset.index || 0] || '') : (example || '');
  } else if (f.kind === 'image') {
    input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/*';
  } else if (f.kind === 'choice') {
    input = document.createElement('select');
    input.append(new Option('default', ''), ...f.choices.map((c) => new Option(c, c)));
  } else {
    input = document.createElement('input');
    input.type = 'number';
    input.step = f.kind === 'integer' ? '1' : 'any';
    if (f.min !== undefined) input.min = f.min;
    if (f.max !== undefined) input.max = f.max;
    input.placeholder = 'default';
  }
  input.id = id;
  input.className = 'value';
  wrap.append(label, input);
  return wrap;
}

function addEntry(f, list, depth) {
  if (list.children.length >= f.max) {
    showError('At most ' + f.max + ' ' + f.name + ' on this model.');
    return;
  }
  const li = document.createElement('li');
  const index = list.children.length;
  for (const sub of f.entries) {
    const control = fieldControl(sub, depth + 1);
    if (sub.kind === 'text' && Array.isArray(EXAMPLES[sub.name])) {
      control.querySelector('.value').value = EXAMPLES[sub.name][index] || '';
    }
    li.append(control);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'secondary';
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => li.remove());
  li.append(remove);
  list.append(li);
}

function exampleSetPicker(f, list, depth) {
  const row = document.createElement('div');
  row.className = 'example-sets';
  const label = document.createElement('label');
  label.htmlFor = 'example-set';
  label.textContent = 'or shipped examples';
  const select = document.createElement('select');
  select.id = 'example-set';
  select.append(...model().exampleSets.map((n) => new Option(n, n)));
  const use = document.createElement('button');
  use.type = 'button';
  use.className = 'secondary';
  use.id = 'use-example-set';
  use.textContent = 'Use these pairs';
  use.addEventListener('click', () => useExampleSet(f, list, depth, select.value).catch((e) => showError(e.message)));
  row.append(label, select, use);
  return row;
}

// The set's pairs replace the list's entries; each image goes into its file input as a file, so
// the request is read exactly as if the user had chosen the files.
async function useExampleSet(f, list, depth, name) {
  clearError();
  const r = await fetch('/api/models/' + encodeURIComponent(model().id) + '/examples/' + encodeURIComponent(name),
    { headers: headers(false) });
  if (!r.ok) throw new Error(await problemText(r));
  const set = await r.json();
  list.replaceChildren();
  set.examples.forEach((pair, i) => {
    addEntry(f, list, depth);
    const li = list.lastElementChild;
    for (const part of ['input', 'output']) {
      const input = li.querySelector(':scope > .field[data-name="' + part + '"] .value');
      const bytes = Uint8Array.from(atob(pair[part]), (c) => c.charCodeAt(0));
      const files = new DataTransfer();
      files.items.add(new File([bytes], name + '-' + (i + 1) + '-' + part + '.png', { type: 'image/png' }));
      input.files = files.files;
    }
  });
}

// PNG files go as they are; other images are converted to PNG in the page.
function imageAsPng(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error('could not read ' + file.name));
    reader.onload = () => {
      if (file.type === 'image/png') { resolve(reader.result); return; }
      const img = new Image();
      img.onload = () => {
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        c.getContext('2d').drawImage(img, 0, 0);
        resolve(c.toDataURL('image/png'));
      };
      img.onerror = () => reject(new Error(file.name + ' is not an image the browser can read'));
      img.src = reader.result;
    };
    reader.readAsDataURL(file);
  });
}

// The request's fields from the form: empty optional fields are left out (the server's defaults).
async function readFields(container) {
  const body = {};
  for (const wrap of container.querySelectorAll(':scope > .field')) {
    const name = wrap.dataset.name;
    const kind = wrap.dataset.kind;
    if (kind === 'list') {
      body[name] = [];
      for (const li of wrap.querySelectorAll(':scope > .entries > li')) body[name].push(await readFields(li));
      continue;
    }
    const input = wrap.querySelector('.value');
    if (kind === 'image') {
      if (input.files[0]) body[name] = await imageAsPng(input.files[0]);
    } else if (kind === 'integer' || kind === 'number') {
      if (input.value.trim() !== '') body[name] = Number(input.value);
    } else if (input.value !== '') {
      body[name] = input.value;
    }
  }
  return body;
}

function settings() {
  const s = {};
  const num = (id) => $(id).value.trim();
  if (num('seed') !== '') s.seed = Number(num('seed'));
  if (num('steps') !== '') s.steps = Number(num('steps'));
  if (num('guidance') !== '') s.guidanceScale = Number(num('guidance'));
  if (num('count') !== '') s.outputs = Number(num('count'));
  return s;
}

function setRunning(running) {
  $('run').disabled = running;
  $('cancel').disabled = !running;
}

async function submit(body) {
  clearError();
  setRunning(true);
  $('progress').value = 0;
  $('status').textContent = 'Submitting…';
  try {
    const r = await fetch('/api/jobs', { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
    if (!r.ok) throw new Error(await problemText(r));
    const job = await r.json();
    currentJob = job.id;
    $('status').textContent = 'Queued';
    await follow(job.id);
  } catch (e) {
    showError(e.message);
    $('status').textContent = 'Failed';
  } finally {
    currentJob = null;
    setRunning(false);
  }
}

// Reads the job's server-sent events with fetch (so the token header can be sent).
async function follow(id) {
  const r = await fetch('/api/jobs/' + id + '/events', { headers: headers(false) });
  if (!r.ok) throw new Error(await problemText(r));
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data && handleEvent(event, JSON.parse(data))) return;
    }
  }
}

function handleEvent(event, job) {
  if (event === 'progress') {
    $('progress').value = job.progress.fraction;
    const p = job.progress;
    $('status').textContent = job.status === 'queued' ? 'Queued'
      : 'Running' + (p.stage ? ' ' + p.stage + ' ' + (p.evaluation + 1) + '/' + p.totalEvaluations : '');
    return false;
  }
  if (event === 'done') {
    $('progress').value = 1;
    $('status').textContent = 'Done in ' + job.seconds.toFixed(2) + ' s';
    showResult(job);
    $('results-heading').focus();
  } else if (event === 'cancelled') {
    $('status').textContent = 'Cancelled';
  } else if (event === 'failed') {
    $('status').textContent = 'Failed';
    showError(job.error ? job.error.title + ': ' + job.error.detail : 'The job failed.');
  }
  return true;
}

const PNG = 'iVBORw0KGgo';
const GIF = 'R0lGOD';

function imageElement(b64, type, alt, name) {
  const wrap = document.createElement('figure');
  const img = document.createElement('img');
  img.src = 'data:image/' + type + ';base64,' + b64;
  img.alt = alt;
  const a = document.createElement('a');
  a.href = img.src;
  a.download = name;
  a.textContent = 'Download';
  wrap.append(img, a);
  return wrap;
}

// Outputs by what they hold: base64 PNGs (images, groups of them), a base64 GIF (an animation),
// texts, numbers. The parameters are listed below them.
function showResult(job) {
  const res = job.result;
  const p = res.parameters;
  const card = document.createElement('article');
  card.className = 'card';
  card.dataset.job = job.id;
  const title = document.createElement('h3');
  title.textContent = job.task;
  card.append(title);
  const alt = p.prompts.length ? p.prompts.join(' | ') : job.task;
  const images = document.createElement('div');
  images.className = 'images';
  const after = [];
  for (const [name, value] of Object.entries(res)) {
    if (name === 'parameters') continue;
    if (typeof value === 'string' && value.startsWith(GIF)) {
      const fig = imageElement(value, 'gif', job.task + ' ' + name, job.task + '-seed' + p.seed + '-' + name + '.gif');
      fig.classList.add('animation');
      after.push(fig);
    } else if (Array.isArray(value) && value.length && Array.isArray(value[0])) {
      value.forEach((g, i) => g.forEach((b64, j) => images.append(imageElement(b64, 'png', name + ' ' + i + ' slot ' + j,
        name + '-seed' + p.seed + '-' + i + '-' + j + '.png'))));
    } else if (Array.isArray(value) && value.length && typeof value[0] === 'string' && value[0].startsWith(PNG)) {
      value.forEach((b64, i) => images.append(imageElement(b64, 'png', alt + ' (output ' + i + ')',
        job.task + '-seed' + p.seed + '-' + i + '.png')));
    } else if (Array.isArray(value) && value.length && typeof value[0] === 'number') {
      const q = document.createElement('p');
      q.className = 'numbers';
      q.textContent = name + ': ' + value.length + ' numbers';
      after.push(q);
    } else if (Array.isArray(value)) {
      value.forEach((t) => {
        const q = document.createElement('p');
        q.className = 'text';
        q.textContent = t;
        after.push(q);
      });
    }
  }
  card.append(images, ...after);
  if (images.children.length > 2) card.classList.add('wide');
  const dl = document.createElement('dl');
  for (const [k, v] of Object.entries(p)) {
    if (Array.isArray(v) && v.length === 0) continue;
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = Array.isArray(v) ? v.join(' | ') : String(v);
    dl.append(dt, dd);
  }
  card.append(dl);
  $('results').prepend(card);
}

document.addEventListener('DOMContentLoaded', () => {
  $('model-select').addEventListener('change', showModel);
  $('task').addEventListener('change', buildForm);
  $('run').addEventListener('click', async () => {
    let body;
    try {
      body = Object.assign({ task: $('task').value, model: model().id }, await readFields($('task-form')),
        settings());
    } catch (e) {
      showError(e.message);
      return;
    }
    await submit(body);
  });
  $('cancel').addEventListener('click', async () => {
    if (!currentJob) return;
    const r = await fetch('/api/jobs/' + currentJob, { method: 'DELETE', headers: headers(false) });
    if (!r.ok) showError(await problemText(r));
  });
  $('token-save').addEventListener('click', () => {
    token = $('token').value;
    sessionStorage.setItem('unidiff-token', token);
    clearError();
    loadModels();
  });
  loadModels();
});
