// Neuron page: one unit (a channel of a layer, or an output class) — its top dataset images with
// receptive fields, activation maximisation and facets, each a background job with progress.
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
  const { h } = NV;
  let m;
  try {
    m = await NV.model();
  } catch (e) {
    NV.showError(document.getElementById('neuron-about'), e);
    return;
  }
  const classes = m.classes || [];
  const logits = NV.logitsLayer(m);
  const layers = NV.channelLayers(m);
  const { H, W } = NV.inputSize(m);

  // ------------------------------------------------------------ which unit
  const qClass = NV.query('class');
  let unit;
  if (qClass !== null && logits) {
    const k = /^\d+$/.test(qClass) ? Number(qClass) : classes.indexOf(qClass);
    unit = { mode: 'class', layer: logits.name, channel: k, classIndex: k };
  } else {
    const fallback = (layers.filter(l => Array.isArray(l.shape) && l.shape.length === 4).pop() || layers[0] || {}).name;
    unit = { mode: 'channel', layer: NV.query('layer') || fallback, channel: Math.max(0, parseInt(NV.query('channel') || '0', 10) || 0) };
  }

  const layerSelect = document.getElementById('layer-select');
  const channelInput = document.getElementById('channel-input');
  const classSelect = document.getElementById('class-select');
  layerSelect.replaceChildren(...layers.map(l => NV.option(l.name, `${l.name} (${l.op}, ${l.channels} channels)`, l.name === unit.layer)));
  classSelect.replaceChildren(...classes.map((c, k) => NV.option(String(k), `${k} · ${c}`, unit.mode === 'class' && k === unit.classIndex)));
  document.getElementById(unit.mode === 'class' ? 'mode-class' : 'mode-channel').checked = true;
  channelInput.value = unit.mode === 'channel' ? unit.channel : 0;
  const layerInfo = () => layers.find(l => l.name === layerSelect.value);
  const syncMax = () => { const l = layerInfo(); if (l) channelInput.max = l.channels - 1; };
  syncMax();

  function go() {
    const mode = document.getElementById('mode-class').checked ? 'class' : 'channel';
    if (mode === 'class') location.search = '?class=' + encodeURIComponent(classSelect.value);
    else location.search = '?layer=' + encodeURIComponent(layerSelect.value) + '&channel=' + Math.max(0, parseInt(channelInput.value || '0', 10));
  }
  document.getElementById('show').addEventListener('click', go);
  layerSelect.addEventListener('change', () => { document.getElementById('mode-channel').checked = true; syncMax(); });
  classSelect.addEventListener('change', () => { document.getElementById('mode-class').checked = true; });
  channelInput.addEventListener('change', () => { document.getElementById('mode-channel').checked = true; go(); });
  const step = d => {
    const l = layerInfo();
    const c = Math.max(0, parseInt(channelInput.value || '0', 10) + d);
    channelInput.value = l ? Math.min(c, l.channels - 1) : c;
    document.getElementById('mode-channel').checked = true;
    go();
  };
  document.getElementById('prev-channel').addEventListener('click', () => step(-1));
  document.getElementById('next-channel').addEventListener('click', () => step(1));

  const about = document.getElementById('neuron-about');
  const title = document.getElementById('neuron-title');
  // a layer may be named by node name, output tensor name or node index (as the API accepts)
  const all = m.layers || [];
  const asIndex = /^#?(\d+)$/.exec(unit.layer || '');
  const info = all.find(l => l.name === unit.layer) || all.find(l => l.output === unit.layer)
    || (asIndex ? all.find(l => l.index === Number(asIndex[1])) : null);
  if (info && info.name !== unit.layer) {
    unit.layer = info.name;
    layerSelect.value = info.name;
    syncMax();
  }
  if (!info) {
    NV.showError(about, new NV.ApiError(`Unknown layer "${unit.layer}"; layers with channels: ${layers.map(l => l.name).join(', ')}`, 400));
    for (const id of ['top', 'maximize', 'facets']) document.getElementById(id).hidden = true;
    return;
  }
  if (info.channels && unit.channel >= info.channels) {
    NV.showError(about, new NV.ApiError(`${unit.layer} has ${info.channels} channels (0 to ${info.channels - 1}); there is no channel ${unit.channel}.`, 400));
    for (const id of ['top', 'maximize', 'facets']) document.getElementById(id).hidden = true;
    return;
  }
  if (unit.mode === 'class') {
    if (!(unit.classIndex >= 0 && unit.classIndex < classes.length)) {
      NV.showError(about, new NV.ApiError(`Unknown class "${qClass}"`, 400, classes));
      for (const id of ['top', 'maximize', 'facets']) document.getElementById(id).hidden = true;
      return;
    }
    title.textContent = `Class ${unit.classIndex} · ${NV.className(m, unit.classIndex)}`;
    about.replaceChildren('The score (logit) of this class: unit ', h('code', {}, String(unit.channel)), ' of layer ',
      h('a', { href: 'layer.html?layer=' + encodeURIComponent(unit.layer) }, unit.layer), '.');
  } else {
    title.textContent = `${unit.layer} · channel ${unit.channel}`;
    about.replaceChildren('Channel ', h('code', {}, String(unit.channel)), ' of ',
      h('a', { href: 'layer.html?layer=' + encodeURIComponent(unit.layer) }, unit.layer),
      ` (${info.op}, output ${NV.fmtShape(info.shape)}).`);
  }
  document.title = 'netviz · ' + title.textContent;
  const base = { layer: unit.layer, channel: unit.channel };

  // ------------------------------------------------------------ top images
  const runTop = NV.jobButton({
    button: document.getElementById('top-run'),
    progressHost: document.getElementById('top-progress'),
    resultHost: document.getElementById('top-result'),
    kind: 'top-images',
    label: 'top images',
    params: () => Object.assign({ k: Number(document.getElementById('top-k').value) }, base),
    render: (job, host) => {
      const r = job.result || {};
      const S = 4; // thumbnail scale: dataset PNG at 4× the input size
      const cards = (r.images || []).map((im, rank) => {
        const ref = 'dataset:' + im.index;
        const boxHost = h('div', { class: 'box-host' },
          h('img', { src: NV.imageUrl(ref, S), width: W * S, height: H * S, alt: ref }));
        if (Array.isArray(im.box) && im.box.length === 4) {
          const [x0, y0, x1, y1] = im.box;
          // box: input-pixel coordinates, both ends inclusive; clipped to the image
          const cx0 = Math.max(0, x0), cy0 = Math.max(0, y0), cx1 = Math.min(W - 1, x1), cy1 = Math.min(H - 1, y1);
          boxHost.append(h('div', { class: 'rf-box', title: `receptive field: x ${x0}–${x1}, y ${y0}–${y1}`, style: {
            left: (100 * cx0 / W) + '%', top: (100 * cy0 / H) + '%',
            width: (100 * (cx1 - cx0 + 1) / W) + '%', height: (100 * (cy1 - cy0 + 1) / H) + '%' } }));
        }
        return h('a', { class: 'thumb top-image', href: 'image.html?image=' + encodeURIComponent(ref), 'data-index': im.index },
          boxHost, h('span', {}, `#${rank + 1} · image ${im.index}`),
          im.className ? h('span', {}, im.className) : null,
          h('span', {}, 'activation ' + NV.fmtNum(im.activation, 3)));
      });
      host.replaceChildren(
        h('div', { class: 'thumbs', id: 'top-images' }, cards),
        h('details', {}, h('summary', { class: 'small muted' }, 'The same as one picture (as the CLI draws it)'),
          (r.files || []).map(f => NV.figure(NV.fileUrl(job, f), 'top images of ' + title.textContent, { class: 'pixelated' }))));
    },
  });

  // ------------------------------------------------------------ activation maximisation
  NV.jobButton({
    button: document.getElementById('max-run'),
    progressHost: document.getElementById('max-progress'),
    resultHost: document.getElementById('max-result'),
    kind: 'maximize',
    label: 'gradient ascent',
    params: () => Object.assign({ preset: document.getElementById('preset').value }, base),
    render: (job, host) => {
      const r = job.result || {};
      const caption = typeof r.activation === 'number'
        ? (typeof r.startActivation === 'number' ? `activation rose from ${NV.fmtNum(r.startActivation, 3)} to ` : 'activation ')
          + NV.fmtNum(r.activation, 3) + (r.iterations ? ` in ${r.iterations} steps` : '') + (r.preset ? ` (preset ${r.preset})` : '')
          + (r.objective && r.objective !== r.layer ? `; the ascent follows ${r.objective}, the input of ${r.layer}` : '')
        : 'the synthesised image';
      NV.fill(host, (r.files || []).map(f => NV.figure(NV.fileUrl(job, f), caption,
        { id: 'max-img' })));
    },
  });

  // ------------------------------------------------------------ facets
  // A server that lists its job kinds (jobKinds in /api/model) and lacks facets: say so up front.
  if (Array.isArray(m.jobKinds) && !m.jobKinds.includes('facets')) {
    document.getElementById('facets-run').disabled = true;
    document.getElementById('facets-result').replaceChildren(h('p', { class: 'note' },
      'This server does not compute facets (its job kinds: ' + m.jobKinds.join(', ') + ').'));
  }
  NV.jobButton({
    button: document.getElementById('facets-run'),
    progressHost: document.getElementById('facets-progress'),
    resultHost: document.getElementById('facets-result'),
    kind: 'facets',
    label: 'facets',
    params: () => Object.assign({ facets: Math.max(2, parseInt(document.getElementById('facet-count').value || '4', 10)) }, base),
    render: (job, host) => {
      const r = job.result || {};
      NV.fill(host, (r.files || []).map(f => NV.figure(NV.fileUrl(job, f), 'facets of ' + title.textContent, { class: 'pixelated' })));
    },
  });

  runTop();
});
