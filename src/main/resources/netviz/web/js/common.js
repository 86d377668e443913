// netviz web app: helpers shared by every page (plain modern JavaScript, no build step).
// NV.api talks to the JSON API of `netviz serve` (see docs/web-api.md); NV.runJob starts a
// background job and polls it by id, so several tabs can work at once without shared state.
'use strict';

const NV = (() => {
  /** Builds an element: h('a', {href: 'x', class: 'y'}, 'text', child, ...). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, v);
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  /** Replaces the children of host by children (nested arrays flattened, null/false skipped). */
  function fill(host, ...children) {
    host.replaceChildren();
    return append(host, children);
  }

  const $ = (sel, root) => (root || document).querySelector(sel);
  const sleep = ms => new Promise(r => setTimeout(r, ms));

  /** An error answered by the API: its one readable line plus close matches, if any. */
  class ApiError extends Error {
    constructor(message, status, suggestions) {
      super(message);
      this.status = status;
      this.suggestions = suggestions || [];
    }
  }

  /** Fetches a JSON endpoint; a non-2xx answer becomes an ApiError with the server's message. */
  async function api(path, options) {
    let res;
    try {
      res = await fetch(path, options);
    } catch (e) {
      throw new ApiError('Cannot reach the netviz server (' + e.message + '). Is `netviz serve` still running?', 0);
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!res.ok) {
      const msg = body && body.error ? body.error
        : `${res.status} ${res.statusText || 'error'} from ${path}` + (text && !body && !/^\s*</.test(text) ? ': ' + text.slice(0, 200) : '');
      throw new ApiError(msg, res.status, body && body.suggestions);
    }
    return body;
  }

  function postJson(path, data) {
    return api(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(data),
    });
  }

  /** A readable error box; suggestions (close names from the server) are listed under it. */
  function errorBox(err) {
    const box = h('div', { class: 'error', role: 'alert' }, err && err.message ? err.message : String(err));
    if (err && err.suggestions && err.suggestions.length && !/did you mean/i.test(err.message || '')) {
      box.append(h('div', { class: 'suggestions small' }, 'Did you mean: ', err.suggestions.join(', '), '?'));
    }
    return box;
  }

  function showError(host, err) {
    console.warn(err && err.message ? err.message : err);
    host.replaceChildren(errorBox(err));
  }

  // ---------------------------------------------------------------- jobs

  /**
   * A progress bar with a status line and a Cancel button; update(job) follows a job's status. The
   * time shown is the job's own (since it left the queue), as the server measures it.
   */
  class ProgressView {
    constructor(label) {
      this.label = label;
      this.bar = h('progress', { max: '1' });
      this.text = h('span', { class: 'job-status' }, 'starting…');
      this.cancel = h('button', { type: 'button', class: 'job-cancel', hidden: '' }, 'Cancel');
      this.cancel.addEventListener('click', () => this.requestCancel());
      this.el = h('div', { class: 'job', 'data-status': 'starting' }, this.bar, this.text, this.cancel);
      this.jobId = null;
    }
    async requestCancel() {
      if (!this.jobId) return;
      this.cancel.disabled = true;
      this.text.textContent = 'cancelling…';
      try {
        await api('/api/jobs/' + encodeURIComponent(this.jobId), { method: 'DELETE' });
      } catch (e) {
        // 409: it finished meanwhile; the next poll shows how
        console.warn(e && e.message ? e.message : e);
      }
    }
    update(job) {
      this.el.dataset.status = job.status;
      if (job.id) {
        this.el.dataset.job = job.id;
        this.jobId = job.id;
      }
      const active = job.status === 'queued' || job.status === 'running';
      this.cancel.hidden = !active;
      if (!active) this.cancel.disabled = false;
      const secs = typeof job.elapsed === 'number' ? job.elapsed.toFixed(1) : null;
      // a job whose cost grows with its parameters says it before it starts, and keeps saying it
      const est = job.estimate && job.estimate.words
        ? `estimated ${job.estimate.words}` + (job.estimate.work ? ` (${job.estimate.work})` : '') : '';
      this.el.title = est;
      if (job.status === 'queued') {
        this.bar.removeAttribute('value');
        this.text.textContent = 'queued (waiting for a free worker)…' + (est ? ' ' + est : '');
      } else if (job.status === 'running') {
        if (typeof job.progress === 'number') this.bar.value = Math.max(0, Math.min(1, job.progress));
        const pct = typeof job.progress === 'number' ? Math.round(job.progress * 100) + ' %' : '';
        const msg = job.message && !/^(running|queued)\.?$/i.test(job.message) ? job.message : '';
        const of = job.estimate && job.estimate.words ? `, estimated ${job.estimate.words}` : '';
        this.text.textContent = [this.label, pct, msg].filter(Boolean).join(' — ') + (secs ? ` (${secs} s${of})` : '');
      } else if (job.status === 'done') {
        this.bar.value = 1;
        this.text.textContent = (this.cached || !secs ? 'done (computed before; from the cache)' : `done in ${secs} s`)
          + (job.message && !/^done\.?$/i.test(job.message) ? ' — ' + job.message : '');
      } else if (job.status === 'failed') {
        this.bar.value = 0;
        this.text.textContent = 'failed';
      } else if (job.status === 'cancelled') {
        this.bar.value = 0;
        this.text.textContent = 'cancelled' + (secs ? ` after ${secs} s` : '');
      }
    }
    fail() {
      this.el.dataset.status = 'failed';
      this.bar.value = 0;
      this.cancel.hidden = true;
      this.text.textContent = 'failed';
    }
  }

  /** A job stopped by its Cancel button (not an error to show in red). */
  class JobCancelled extends Error {
    constructor() {
      super('The job was cancelled.');
      this.name = 'JobCancelled';
    }
  }

  /**
   * Starts a job and polls GET /api/jobs/{id} until it is done; resolves with the finished job,
   * rejects with an ApiError carrying the job's error when it failed, or a JobCancelled when it was
   * cancelled. A job posted again with the same parameters comes back finished at once (the server
   * caches results).
   */
  async function runJob(kind, params, view) {
    const started = await postJson('/api/jobs', { kind, params });
    if (view) {
      view.cached = started.status === 'done';
      view.update(started);
    }
    let delay = 120;
    let job = started;
    for (;;) {
      job = await api('/api/jobs/' + encodeURIComponent(started.id));
      if (view) view.update(job);
      if (job.status === 'done') return job;
      if (job.status === 'failed') throw new ApiError(job.error || 'The job failed without a message.', 500);
      if (job.status === 'cancelled') throw new JobCancelled();
      await sleep(delay);
      delay = Math.min(800, delay * 1.5);
    }
  }

  function fileUrl(job, name) {
    return '/api/jobs/' + encodeURIComponent(job.id) + '/files/' + encodeURIComponent(name);
  }

  /**
   * Wires a button to a job: on click, shows a progress bar in progressHost, runs
   * kind/params() and calls render(job, resultHost); any error is shown in the page.
   * Returns a function that runs it programmatically.
   */
  function jobButton({ button, progressHost, resultHost, kind, params, render, label }) {
    let running = false;
    async function go() {
      if (running) return;
      let p;
      try {
        p = typeof params === 'function' ? params() : params;
      } catch (e) {
        showError(resultHost, e);
        return;
      }
      const k = typeof kind === 'function' ? kind() : kind;
      running = true;
      if (button) button.disabled = true;
      const view = new ProgressView(label || k);
      progressHost.replaceChildren(view.el);
      resultHost.replaceChildren();
      try {
        const job = await runJob(k, p, view);
        render(job, resultHost);
      } catch (e) {
        if (e instanceof JobCancelled) {
          resultHost.replaceChildren(h('p', { class: 'muted small' }, 'Cancelled. Run it again to start afresh.'));
        } else {
          view.fail();
          showError(resultHost, e);
        }
      } finally {
        running = false;
        if (button) button.disabled = false;
      }
    }
    if (button) button.addEventListener('click', go);
    return go;
  }

  // ---------------------------------------------------------------- model, images, formatting

  let modelPromise = null;
  /** GET /api/model once per page. */
  function model() {
    if (!modelPromise) modelPromise = api('/api/model');
    return modelPromise;
  }

  /** The URL of a picture for an image reference "dataset:N" or "upload:ID". */
  function imageUrl(ref, scale) {
    const [kind, id] = splitRef(ref);
    if (kind === 'dataset') return `/api/dataset/${encodeURIComponent(id)}.png?scale=${scale || 4}`;
    if (kind === 'upload') return `/api/images/${encodeURIComponent(id)}.png?as=model&scale=${scale || 4}`;
    throw new Error('Unknown image reference: ' + ref);
  }

  function splitRef(ref) {
    const i = String(ref).indexOf(':');
    return i < 0 ? ['', ref] : [ref.slice(0, i), ref.slice(i + 1)];
  }

  function fmtInt(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return '–';
    return Number(n).toLocaleString('en-US');
  }

  /** 1234567 → "1.23 M". */
  function fmtShort(n) {
    if (n === null || n === undefined) return '–';
    const a = Math.abs(n);
    if (a >= 1e9) return (n / 1e9).toFixed(2) + ' G';
    if (a >= 1e6) return (n / 1e6).toFixed(2) + ' M';
    if (a >= 1e3) return (n / 1e3).toFixed(1) + ' k';
    return String(n);
  }

  function fmtNum(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return '–';
    const d = digits === undefined ? 3 : digits;
    const a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return Number(x).toExponential(2);
    return Number(x).toFixed(d);
  }

  function fmtPct(p) {
    if (p > 0 && p < 0.001) return '< 0.1 %';
    return (100 * p).toFixed(p >= 0.995 || p === 0 ? 0 : 1) + ' %';
  }

  function fmtShape(shape) {
    if (!Array.isArray(shape)) return shape === undefined || shape === null ? '–' : String(shape);
    return '[' + shape.map(d => (d === null || d === undefined || d < 0 ? 'N' : d)).join(', ') + ']';
  }

  /** Index of the class-score layer: the last layer, or the one before a final Softmax. */
  function logitsLayer(m) {
    const layers = m.layers || [];
    if (!layers.length) return null;
    const last = layers[layers.length - 1];
    if (/softmax/i.test(last.op) && layers.length > 1) return layers[layers.length - 2];
    return last;
  }

  /** Layers whose output is an image-like N×C×H×W map (what Grad-CAM and maps need). */
  function spatialLayers(m) {
    return (m.layers || []).filter(l => Array.isArray(l.shape) && l.shape.length === 4);
  }

  /** Layers with channels one can look at as neurons. */
  function channelLayers(m) {
    return (m.layers || []).filter(l => l.channels && l.channels > 0);
  }

  function className(m, k) {
    return m.classes && m.classes[k] !== undefined ? m.classes[k] : 'class ' + k;
  }

  /** Input height and width of the model (from its input shape), default 28×28. */
  function inputSize(m) {
    const s = m.input && m.input.shape;
    if (Array.isArray(s) && s.length >= 2) {
      const H = s[s.length - 2], W = s[s.length - 1];
      if (H > 0 && W > 0) return { H, W };
    }
    return { H: 28, W: 28 };
  }

  function query(name) {
    return new URLSearchParams(location.search).get(name);
  }

  /** Replaces the query string (without reloading), so the address can be bookmarked or shared. */
  function setQuery(params, push) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
    const url = location.pathname + (q.toString() ? '?' + q : '');
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  }

  function option(value, text, selected) {
    return h('option', { value, selected: !!selected }, text);
  }

  /** An <img> in a figure with a caption; resolves its data-loaded attribute when it loads. */
  function figure(src, caption, attrs) {
    const img = h('img', Object.assign({ src, alt: caption || '' }, attrs || {}));
    img.addEventListener('load', () => { img.dataset.loaded = 'true'; });
    img.addEventListener('error', () => {
      img.dataset.loaded = 'error';
      img.replaceWith(h('div', { class: 'error' }, 'Could not load ' + src));
    });
    return h('figure', { class: 'figure' }, img, caption ? h('figcaption', {}, caption) : null);
  }

  // ---------------------------------------------------------------- header

  const PAGES = [
    ['model', 'index.html', 'Model'],
    ['layer', 'layer.html', 'Layers'],
    ['image', 'image.html', 'Image'],
    ['neuron', 'neuron.html', 'Neurons'],
    ['embedding', 'embedding.html', 'Embedding'],
  ];

  function header() {
    const host = document.getElementById('nv-header');
    if (!host) return;
    const active = document.body.dataset.page;
    const modelLabel = h('span', { class: 'model' }, '');
    host.className = 'nv-header';
    host.replaceChildren(h('div', { class: 'bar' },
      h('a', { class: 'brand', href: 'index.html' }, 'netviz'),
      h('nav', {}, PAGES.map(([key, href, text]) =>
        h('a', { href, class: key === active ? 'active' : null, 'aria-current': key === active ? 'page' : null }, text))),
      modelLabel));
    model().then(m => {
      modelLabel.textContent = m.name + ' · ' + (m.classes ? m.classes.length : '?') + ' classes';
      modelLabel.title = m.file || '';
    }).catch(() => { modelLabel.textContent = 'model not available'; });
  }

  document.addEventListener('DOMContentLoaded', header);

  return {
    h, append, fill, $, sleep, api, postJson, ApiError, errorBox, showError,
    ProgressView, JobCancelled, runJob, fileUrl, jobButton,
    model, imageUrl, splitRef, fmtInt, fmtShort, fmtNum, fmtPct, fmtShape,
    logitsLayer, spatialLayers, channelLayers, className, inputSize,
    query, setQuery, option, figure,
  };
})();
