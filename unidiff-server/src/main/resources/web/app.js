// The unidiff page: plain JavaScript, no build step. Talks to the JSON API of the same server.
'use strict';

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('unidiff-token') || '';
let currentJob = null;
let slotCounter = 0;

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

async function loadModel() {
  const r = await fetch('/api/model', { headers: headers(false) });
  if (!r.ok) {
    $('model').textContent = 'Model unavailable';
    showError(await problemText(r));
    return;
  }
  const m = await r.json();
  $('model').textContent = 'Model ' + m.name + (m.variant ? ' (variant ' + m.variant + ')' : '') + ' — ' + m.image.width + '×' + m.image.height
    + ' images; defaults: ' + m.defaults.sampler + ', ' + m.defaults.steps + ' steps, guidance '
    + m.defaults.guidanceScale;
  if (m.vocabulary && m.vocabulary.words) {
    $('vocabulary').textContent = 'Words this model knows: ' + m.vocabulary.words.join(' ');
  }
  $('steps').max = m.limits.maxSteps;
  $('count').max = m.limits.maxOutputs;
  $('slots').dataset.max = m.groupMaxSize;
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

async function uploadedImage() {
  const f = $('image').files[0];
  if (!f) throw new Error('Choose an image first.');
  return imageAsPng(f);
}

function setRunning(running) {
  for (const b of document.querySelectorAll('main button')) {
    if (b.id !== 'cancel' && b.id !== 'token-save' && b.id !== 'add-slot' && !b.classList.contains('secondary')) {
      b.disabled = running;
    }
  }
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

function imageElement(b64, alt, name) {
  const wrap = document.createElement('figure');
  const img = document.createElement('img');
  img.src = 'data:image/png;base64,' + b64;
  img.alt = alt;
  const a = document.createElement('a');
  a.href = img.src;
  a.download = name;
  a.textContent = 'Download';
  wrap.append(img, a);
  return wrap;
}

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
  (res.images || []).forEach((b64, i) => {
    images.append(imageElement(b64, alt + ' (output ' + i + ')', job.task + '-seed' + p.seed + '-' + i + '.png'));
  });
  (res.groups || []).forEach((g, i) => g.forEach((b64, j) => {
    images.append(imageElement(b64, 'group ' + i + ' slot ' + j, 'group-seed' + p.seed + '-' + i + '-' + j + '.png'));
  }));
  card.append(images);
  if (images.children.length > 2) card.classList.add('wide');
  (res.texts || []).forEach((t) => {
    const q = document.createElement('p');
    q.className = 'text';
    q.textContent = t;
    card.append(q);
  });
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

function addSlot(caption) {
  const max = Number($('slots').dataset.max || 4);
  if ($('slots').children.length >= max) {
    showError('A group holds at most ' + max + ' slots on this model.');
    return;
  }
  const n = ++slotCounter;
  const li = document.createElement('li');
  li.innerHTML = '<label>Caption <input type="text" class="slot-caption"></label> '
    + '<label>Reference image <input type="file" accept="image/*" class="slot-image"></label> ';
  li.querySelector('.slot-caption').value = caption || '';
  li.querySelector('.slot-caption').id = 'slot-caption-' + n;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'secondary';
  remove.textContent = 'Remove slot';
  remove.addEventListener('click', () => { li.remove(); $('add-slot').focus(); });
  li.append(remove);
  $('slots').append(li);
}

async function groupBody() {
  const slots = [];
  for (const li of $('slots').children) {
    const slot = { caption: li.querySelector('.slot-caption').value };
    const f = li.querySelector('.slot-image').files[0];
    if (f) slot.image = await imageAsPng(f);
    slots.push(slot);
  }
  if (!slots.length) throw new Error('Add at least one slot.');
  return Object.assign({ task: 'group', slots }, settings());
}

function on(id, makeBody) {
  $(id).addEventListener('click', async () => {
    let body;
    try {
      body = await makeBody();
    } catch (e) {
      showError(e.message);
      return;
    }
    await submit(body);
  });
}

document.addEventListener('DOMContentLoaded', () => {
  on('generate', () => Object.assign({ task: 'text-to-image', prompt: $('prompt').value }, settings()));
  on('vary-text', () => Object.assign({ task: 'text-variation', prompt: $('prompt').value }, settings()));
  on('caption', async () => Object.assign({ task: 'image-to-text', image: await uploadedImage() }, settings()));
  on('vary-image', async () => Object.assign({ task: 'image-variation', image: await uploadedImage() }, settings()));
  on('generate-group', groupBody);
  on('joint', () => Object.assign({ task: 'joint' }, settings()));
  on('image-only', () => Object.assign({ task: 'image-only' }, settings()));
  on('text-only', () => Object.assign({ task: 'text-only' }, settings()));
  $('add-slot').addEventListener('click', () => addSlot(''));
  $('cancel').addEventListener('click', async () => {
    if (!currentJob) return;
    const r = await fetch('/api/jobs/' + currentJob, { method: 'DELETE', headers: headers(false) });
    if (!r.ok) showError(await problemText(r));
  });
  $('token-save').addEventListener('click', () => {
    token = $('token').value;
    sessionStorage.setItem('unidiff-token', token);
    clearError();
    loadModel();
  });
  addSlot('a circle at the top left');
  addSlot('a square at the bottom right');
  loadModel();
});
