// Image page: upload or pick an image, see the prediction, and explain it with saliency, guided
// backprop, SmoothGrad, Integrated Gradients, Grad-CAM, Grad-CAM++, Score-CAM and occlusion (each a
// background job).
'use strict';

const METHODS = [
  { kind: 'saliency', title: 'Saliency',
    about: 'Vanilla gradient (Simonyan et al. 2014): |∂ class score / ∂ pixel|, how much each pixel can change the score.' },
  { kind: 'guided-backprop', title: 'Guided backprop',
    about: 'Guided backpropagation (Springenberg et al. 2015): the gradient with negative signals stopped at every ReLU, both forward and backward.' },
  { kind: 'smoothgrad', title: 'SmoothGrad',
    about: 'SmoothGrad (Smilkov et al. 2017): the saliency map averaged over noisy copies of the image, which removes much of its speckle.' },
  { kind: 'integrated-gradients', title: 'Integrated Gradients',
    about: 'Integrated Gradients (Sundararajan et al. 2017): gradients averaged along the straight path from a baseline (all-zero by default) to the image, times the difference; the attributions add up to the change of the score.' },
  { kind: 'grad-cam', title: 'Grad-CAM',
    about: 'Grad-CAM (Selvaraju et al. 2017): the feature maps of a convolutional layer weighted by the average gradient of the class score, ReLU, upsampled to the image.' },
  { kind: 'grad-cam-plus-plus', title: 'Grad-CAM++',
    about: 'Grad-CAM++ (Chattopadhay et al. 2018): like Grad-CAM, but each position\'s positive gradient gets its own weight, so that several instances of the class all count.' },
  { kind: 'score-cam', title: 'Score-CAM',
    about: 'Score-CAM (Wang et al. 2020): each feature map, upsampled and scaled to [0, 1], masks the image; its weight is how much the masked image raises the class probability. Forward passes only, so it does not vanish where the gradient does.' },
  { kind: 'occlusion', title: 'Occlusion',
    about: 'Occlusion (Zeiler & Fergus 2014): slide a grey patch over the image and record how much the class score drops when each region is hidden.' },
];
// the class activation maps: a layer's feature maps weighted; they take a layer
const CAMS = ['grad-cam', 'grad-cam-plus-plus', 'score-cam'];

document.addEventListener('DOMContentLoaded', async () => {
  const { h } = NV;
  const PAGE = 18;
  let m;
  try {
    m = await NV.model();
  } catch (e) {
    NV.showError(document.getElementById('prediction'), e);
    return;
  }
  const classes = m.classes || [];

  // ------------------------------------------------------------ state
  const asked = NV.query('image');
  const validRef = ref => /^dataset:\d{1,9}$/.test(ref) || /^upload:[0-9a-f]{64}$/.test(ref);
  let current = asked && validRef(asked) ? asked : 'dataset:0';
  const badRef = asked && !validRef(asked)
    ? new Error(`The address names image '${asked.length > 60 ? asked.slice(0, 60) + '…' : asked}', which is not an image `
      + 'reference: give image=dataset:N (a dataset image) or image=upload:<id> (an uploaded one). Showing dataset:0 instead.')
    : null;
  let activeMethod = METHODS.some(x => x.kind === NV.query('method')) ? NV.query('method') : 'saliency';
  let datasetSize = null;
  let pageOffset = 0;
  const datasetLabels = new Map(); // index -> {label, className}

  // ------------------------------------------------------------ selection
  const selected = document.getElementById('selected');
  const selectedLabel = document.getElementById('selected-label');

  function select(ref) {
    current = ref;
    NV.setQuery({ image: ref, method: activeMethod });
    const [kind, id] = NV.splitRef(ref);
    const img = h('img', { src: NV.imageUrl(ref, 8), alt: ref, id: 'selected-img' });
    selected.replaceChildren(img);
    const known = kind === 'dataset' ? datasetLabels.get(Number(id)) : null;
    const shown = ref.length > 24 ? ref.slice(0, 20) + '…' : ref;
    NV.fill(selectedLabel, h('code', { title: ref }, shown),
      known ? [' · true class: ', h('b', {}, known.className)] : null);
    for (const t of document.querySelectorAll('#strip .thumb')) t.classList.toggle('selected', t.dataset.ref === ref);
    resetPanels();
    document.getElementById('nn-result').replaceChildren();
    predict(ref);
  }

  // ------------------------------------------------------------ prediction
  const predHost = document.getElementById('prediction');
  async function predict(ref) {
    predHost.replaceChildren(h('span', { class: 'note' }, 'Classifying…'));
    try {
      const p = await NV.api('/api/predict?top=' + Math.min(10, classes.length || 5) + '&image=' + encodeURIComponent(ref));
      if (ref !== current) return;
      predHost.replaceChildren(h('div', { class: 'preds', id: 'pred-bars' }, p.top.map((t, i) => [
        h('span', { class: i === 0 ? 'top1' : null }, t.className),
        h('div', { class: 'pbar', title: NV.fmtPct(t.probability) }, h('div', { style: { width: (100 * t.probability) + '%' } })),
        h('span', { class: 'small' + (i === 0 ? ' top1' : '') }, NV.fmtPct(t.probability)),
      ])));
    } catch (e) {
      if (ref === current) NV.showError(predHost, e);
    }
  }

  // ------------------------------------------------------------ dataset strip
  const strip = document.getElementById('strip');
  const pageLabel = document.getElementById('page-label');
  async function loadPage(offset) {
    try {
      const d = await NV.api(`/api/dataset?offset=${offset}&limit=${PAGE}`);
      datasetSize = d.size;
      pageOffset = offset;
      const dn = document.getElementById('dataset-name');
      dn.textContent = '(' + NV.fmtInt(d.size) + ' images)';
      dn.title = d.name;
      pageLabel.textContent = d.items.length
        ? `${NV.fmtInt(offset)}–${NV.fmtInt(offset + d.items.length - 1)} of ${NV.fmtInt(d.size)}` : 'no images';
      document.getElementById('page-prev').disabled = offset <= 0;
      document.getElementById('page-next').disabled = offset + PAGE >= d.size;
      strip.replaceChildren(...d.items.map(it => {
        datasetLabels.set(it.index, it);
        const ref = 'dataset:' + it.index;
        return h('button', { class: 'thumb' + (ref === current ? ' selected' : ''), 'data-ref': ref, title: `#${it.index}: ${it.className}`,
          onclick: () => select(ref) },
          h('img', { src: NV.imageUrl(ref, 2), width: 56, height: 56, alt: it.className, loading: 'lazy' }),
          h('span', {}, '#' + it.index));
      }));
      const [kind, id] = NV.splitRef(current);
      if (kind === 'dataset' && datasetLabels.has(Number(id)) && !selectedLabel.querySelector('b')) {
        selectedLabel.append(' · true class: ', h('b', {}, datasetLabels.get(Number(id)).className));
      }
    } catch (e) {
      NV.showError(strip, e);
    }
  }
  document.getElementById('page-prev').addEventListener('click', () => loadPage(Math.max(0, pageOffset - PAGE)));
  document.getElementById('page-next').addEventListener('click', () => loadPage(pageOffset + PAGE));
  document.getElementById('page-goto').addEventListener('change', ev => {
    const i = Math.max(0, parseInt(ev.target.value || '0', 10));
    if (datasetSize !== null && i >= datasetSize) return;
    loadPage(Math.floor(i / PAGE) * PAGE).then(() => select('dataset:' + i));
  });

  // ------------------------------------------------------------ upload
  const uploadStatus = document.getElementById('upload-status');
  const dropzone = document.getElementById('dropzone');
  async function upload(file) {
    if (!file) return;
    uploadStatus.replaceChildren(h('span', { class: 'note' }, 'Uploading ' + file.name + '…'));
    try {
      const r = await NV.api('/api/images', { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
      uploadStatus.replaceChildren(h('span', { class: 'small muted', id: 'upload-ok' }, `Uploaded ${file.name} (${r.width}×${r.height}).`));
      select('upload:' + r.id);
    } catch (e) {
      NV.showError(uploadStatus, e);
    }
  }
  document.getElementById('upload-input').addEventListener('change', ev => upload(ev.target.files[0]));
  dropzone.addEventListener('dragover', ev => { ev.preventDefault(); dropzone.classList.add('over'); });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('over'));
  dropzone.addEventListener('drop', ev => {
    ev.preventDefault();
    dropzone.classList.remove('over');
    const f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
    if (f) upload(f);
  });

  // ------------------------------------------------------------ methods
  const targetSelect = document.getElementById('target');
  targetSelect.replaceChildren(NV.option('', 'the predicted class', true),
    ...classes.map((c, k) => NV.option(String(k), `${k} · ${c}`)));
  // a second class: the same method's map for it beside the first
  const target2Select = document.getElementById('target2');
  target2Select.replaceChildren(NV.option('', 'none', true),
    ...classes.map((c, k) => NV.option(String(k), `${k} · ${c}`)));
  const gcLayer = document.getElementById('gc-layer');
  const convs = NV.spatialLayers(m);
  gcLayer.replaceChildren(NV.option('', 'the server\'s default (the last spatial layer before the score)', true),
    ...convs.map(l => NV.option(l.name, `${l.name} (${l.op}, ${NV.fmtShape(l.shape)})`)));

  const tabs = document.getElementById('method-tabs');
  const panelsHost = document.getElementById('method-panels');
  const panels = {};
  for (const meth of METHODS) {
    const progress = h('div', { class: 'method-progress' });
    const result = h('div', { class: 'method-result', id: 'result-' + meth.kind });
    panels[meth.kind] = { progress, result, el: h('div', { class: 'tab-panel', id: 'panel-' + meth.kind, hidden: true }, progress, result), running: false };
    panelsHost.append(panels[meth.kind].el);
    tabs.append(h('button', { role: 'tab', 'data-method': meth.kind, onclick: () => activate(meth.kind) }, meth.title));
  }
  function activate(kind) {
    activeMethod = kind;
    const meth = METHODS.find(x => x.kind === kind);
    for (const b of tabs.children) b.classList.toggle('active', b.dataset.method === kind);
    for (const [k, p] of Object.entries(panels)) p.el.hidden = k !== kind;
    document.getElementById('method-about').textContent = meth.about;
    document.getElementById('gc-layer-label').hidden = !CAMS.includes(kind);
    document.getElementById('occlusion-options').hidden = kind !== 'occlusion';
    document.getElementById('smoothgrad-options').hidden = kind !== 'smoothgrad';
    document.getElementById('ig-options').hidden = kind !== 'integrated-gradients';
    document.getElementById('run-method').textContent = 'Run ' + meth.title;
    document.getElementById('run-method').disabled = panels[kind].running;
    NV.setQuery({ image: current, method: kind });
  }
  function resetPanels() {
    for (const p of Object.values(panels)) {
      p.generation = (p.generation || 0) + 1;
      p.progress.replaceChildren();
      p.result.replaceChildren(h('p', { class: 'note' }, 'Press Run to compute it for this image.'));
    }
    compare.replaceChildren();
    document.getElementById('compare-card').hidden = true;
  }

  function paramsFor(kind) {
    const params = { image: current };
    if (targetSelect.value !== '') params.target = Number(targetSelect.value);
    if (CAMS.includes(kind) && gcLayer.value) params.layer = gcLayer.value;
    // SmoothGrad's and Integrated Gradients' own options; the server checks them and leaves defaults out of the job
    const number = id => {
      const v = document.getElementById(id).value.trim();
      return v === '' ? undefined : Number(v);
    };
    if (kind === 'smoothgrad') {
      params.samples = number('sg-samples');
      params.noise = number('sg-noise');
    }
    if (kind === 'integrated-gradients') {
      params.steps = number('ig-steps');
      params.baseline = document.getElementById('ig-baseline').value;
    }
    if (kind === 'occlusion') {
      const patch = parseInt(document.getElementById('patch').value, 10);
      const stride = parseInt(document.getElementById('stride').value, 10);
      if (patch > 0) params.patch = patch;
      if (stride > 0) params.stride = stride;
    }
    return params;
  }

  const compare = document.getElementById('compare');
  const runButton = document.getElementById('run-method');
  runButton.addEventListener('click', () => runMethod(activeMethod));
  targetSelect.addEventListener('change', () => {
    compare.replaceChildren();
    document.getElementById('compare-card').hidden = true;
  });
  document.getElementById('run-all').addEventListener('click', () => {
    for (const meth of METHODS) runMethod(meth.kind);
  });

  // Side by side: the overlay of every method that has finished for this image.
  function showInComparison(kind, job) {
    const meth = METHODS.find(x => x.kind === kind);
    const files = (job.result && job.result.files) || [];
    const f = files.includes('overlay.png') ? 'overlay.png' : files[0];
    if (!f) return;
    const fig = NV.figure(NV.fileUrl(job, f), meth.title, { class: 'pixelated', style: { height: '160px', width: 'auto' } });
    fig.dataset.method = kind;
    const old = compare.querySelector(`figure[data-method="${kind}"]`);
    if (old) old.replaceWith(fig); else compare.append(fig);
    // keep the tabs' order
    for (const m2 of METHODS) { const el = compare.querySelector(`figure[data-method="${m2.kind}"]`); if (el) compare.append(el); }
    document.getElementById('compare-card').hidden = false;
  }

  // One method for the chosen class, and with a second class chosen, for that one too: two jobs whose
  // results stand side by side, each headed by its class and probability.
  async function runMethod(kind) {
    const panel = panels[kind];
    if (panel.running) return;
    const meth = METHODS.find(x => x.kind === kind);
    const first = paramsFor(kind);
    const runs = [first];
    if (target2Select.value !== '') runs.push(Object.assign({}, first, { target: Number(target2Select.value) }));
    const pair = runs.length > 1;
    const generation = panel.generation;
    panel.running = true;
    if (activeMethod === kind) runButton.disabled = true;
    panel.progress.replaceChildren();
    const slots = runs.map((params, i) => {
      const label = pair ? `${meth.title} · ${params.target === undefined ? 'predicted class' : classLabel(params.target)}` : meth.title;
      const view = new NV.ProgressView(label);
      panel.progress.append(view.el);
      return { params, view, el: h('div', { class: 'pair-col', 'data-slot': String(i) }) };
    });
    panel.result.replaceChildren(...(pair ? [h('div', { class: 'pair', id: 'pair-' + kind }, slots.map(x => x.el)),
      h('p', { class: 'small muted' }, 'Each map is drawn on its own colour scale; the downloads hold the numbers.')] : [slots[0].el]));
    try {
      await Promise.all(slots.map(async (slot, i) => {
        try {
          const job = await NV.runJob(kind, slot.params, slot.view);
          if (panel.generation !== generation) return;
          NV.fill(slot.el, renderResult(kind, job, slot.params, pair));
          slot.el.dataset.job = job.id;
          if (i === 0) showInComparison(kind, job);
        } catch (e) {
          if (panel.generation !== generation) return;
          if (e instanceof NV.JobCancelled) {
            slot.el.replaceChildren(h('p', { class: 'muted small' }, 'Cancelled. Run it again to start afresh.'));
          } else {
            slot.view.fail();
            NV.showError(slot.el, e);
          }
        }
      }));
    } finally {
      panel.running = false;
      if (activeMethod === kind) runButton.disabled = false;
    }
  }

  // "= 12.3 %", or "< 0.1 %" as it is
  function pct(p) {
    const t = NV.fmtPct(p);
    return t.startsWith('<') ? t : '= ' + t;
  }

  function classLabel(k) {
    return classes[k] !== undefined ? `${k} · ${classes[k]}` : `class ${k}`;
  }

  // A finished job: what it explains, its numbers, its pictures and a download of its raw array.
  function renderResult(kind, job, params, pair) {
    const r = job.result || {};
    const head = pair && r.className !== undefined
      ? h('h3', { class: 'pair-class' }, `${r.className} (class ${r.target})`,
        typeof r.probability === 'number' ? h('span', { class: 'muted small' }, ` · p ${pct(r.probability)}`) : '')
      : null;
    const what = r.className !== undefined
      ? h('p', {}, 'Explaining ', h('b', {}, r.className), r.target !== undefined ? ` (class ${r.target})` : '',
        typeof r.probability === 'number' ? `, predicted with probability ${NV.fmtPct(r.probability)}` : '',
        r.layer || params.layer ? ` at layer ${r.layer || params.layer}` : '', '.')
      : null;
    const sg = typeof r.samples === 'number'
      ? h('p', { class: 'small muted' }, `Averaged over ${r.samples} noisy copies, noise ${NV.fmtNum(r.noise, 3)} of the image's value range.`)
      : null;
    const ig = typeof r.completenessGap === 'number'
      ? h('p', { class: 'small muted' }, `Class score ${NV.fmtNum(r.score, 3)} at the image, ${NV.fmtNum(r.baselineScore, 3)} at the `
        + `${r.baseline || 'zero'} baseline (${r.steps || 50} steps); `
        + `the attributions add up to their difference within ${NV.fmtNum(Math.abs(r.completenessGap), 3)} (completeness).`)
      : null;
    const occ = typeof r.lowestProbability === 'number'
      ? h('p', { class: 'small muted' }, `Hiding the most important region lowers the probability to ${NV.fmtPct(r.lowestProbability)}`
        + (Array.isArray(r.grid) ? ` (${r.grid[0]} × ${r.grid[1]} window positions).` : '.'))
      : null;
    const height = pair ? '200px' : '240px';
    const pictures = h('div', {}, (r.files || []).filter(f => f.endsWith('.png')).map(f =>
      NV.figure(NV.fileUrl(job, f), captionFor(kind, f), { class: 'pixelated result-img', 'data-file': f, style: { height, width: 'auto' } })));
    const downloads = (r.arrays || []).map(f => h('a', { class: 'download-npy', href: NV.fileUrl(job, f), download: '', 'data-file': f,
      title: 'the attribution map before drawing: a float32 NumPy array (numpy.load)' }, 'Download .npy'));
    return [head, what, sg, ig, occ, pictures, downloads.length ? h('div', {}, downloads) : null];
  }

  function captionFor(kind, file) {
    if (file === 'overlay.png') return 'over the image';
    if (file === 'map.png') return 'the attribution map';
    if (file === 'heatmap.png') return 'drop of p(class) when each region is hidden (red: it mattered, blue: p rose)';
    return file;
  }

  // ------------------------------------------------------------ neighbours
  NV.$('#nn-run').addEventListener('click', async () => {
    const host = document.getElementById('nn-result');
    const k = Math.max(1, Math.min(64, parseInt(document.getElementById('nn-k').value || '8', 10)));
    const ref = current;
    host.replaceChildren(h('span', { class: 'note' }, 'Searching…'));
    try {
      const r = await NV.api(`/api/neighbors?k=${k}&image=${encodeURIComponent(ref)}`);
      if (ref !== current) return;
      host.replaceChildren(h('div', { class: 'thumbs', id: 'nn-thumbs' }, r.neighbors.map(n =>
        h('a', { class: 'thumb', href: 'image.html?image=dataset:' + n.index, title: n.className },
          h('img', { src: NV.imageUrl('dataset:' + n.index, 3), width: 84, height: 84, alt: n.className }),
          h('span', {}, '#' + n.index + ' · ' + n.className),
          h('span', {}, 'distance ' + NV.fmtNum(n.distance, 2))))));
    } catch (e) {
      NV.showError(host, e);
    }
  });

  activate(activeMethod);
  await loadPage(NV.splitRef(current)[0] === 'dataset' ? Math.floor(Number(NV.splitRef(current)[1]) / PAGE) * PAGE || 0 : 0);
  select(current);
  if (badRef) {
    // after select(), whose prediction would replace it
    const note = NV.errorBox(badRef);
    note.id = 'bad-ref';
    document.getElementById('selected').before(note);
  }
});
