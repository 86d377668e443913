// Embedding page: PCA or t-SNE of the feature space as an interactive echarts scatter coloured by
// true class, predicted class or misclassified, filtered by class, with thumbnails on hover; a lasso
// (echarts brush) lists the images inside it; clicking a point lists its nearest neighbours with
// distances (optionally only among the points shown). The first search at a layer runs a 'features'
// job with a progress bar, since it computes the features of every served image.
'use strict';

// Ten well-separated colours (Tableau 10), one per class; more classes cycle.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

document.addEventListener('DOMContentLoaded', async () => {
  const { h } = NV;
  const errorHost = document.getElementById('embed-error');
  if (typeof echarts === 'undefined') {
    NV.showError(errorHost, new Error('The chart library (echarts WebJar) did not load from /webjars/echarts/5.3.1/dist/echarts.min.js.'));
    return;
  }
  let m;
  try {
    m = await NV.model();
  } catch (e) {
    NV.showError(errorHost, e);
    return;
  }
  const classes = m.classes || [];
  const methodSelect = document.getElementById('method');
  const countSelect = document.getElementById('count');
  const layerSelect = document.getElementById('layer');
  const q = { method: NV.query('method'), n: NV.query('n'), layer: NV.query('layer'), colour: NV.query('colour') };
  if (q.method === 'pca' || q.method === 'tsne') methodSelect.value = q.method;
  if (q.n) {
    if (![...countSelect.options].some(o => o.value === q.n)) countSelect.append(NV.option(q.n, q.n));
    countSelect.value = q.n;
  }
  layerSelect.replaceChildren(NV.option('', 'default (before the classifier)', !q.layer),
    ...(m.layers || []).map(l => NV.option(l.name, `${l.name} (${l.op}, ${NV.fmtShape(l.shape)})`, l.name === q.layer)));

  // at most as many images as the server has
  try {
    const size = (await NV.api('/api/dataset?offset=0&limit=0')).size;
    for (const o of [...countSelect.options]) if (Number(o.value) > size) o.remove();
    if (![...countSelect.options].some(o => Number(o.value) === size) && size < 2000) countSelect.append(NV.option(String(size), 'all ' + size));
    if (!countSelect.value) countSelect.value = String(size);
  } catch (e) {
    NV.showError(errorHost, e);
  }

  const chart = echarts.init(document.getElementById('chart'), null, { renderer: 'canvas' });
  window.addEventListener('resize', () => chart.resize());
  const colourSelect = document.getElementById('colour-by');
  const searchBox = document.getElementById('class-search');
  const filterHost = document.getElementById('class-filter');
  const restrictBox = document.getElementById('nn-restrict');
  const lassoButton = document.getElementById('lasso');
  const selectionHost = document.getElementById('selection-result');
  const state = {
    chart, points: [], layer: '', selected: null, colourBy: 'true', shownClasses: new Set(), ready: new Set(),
    series: [], lassoed: [],
  };
  window.nvEmbedding = state; // for scripts and the browser tests
  if (q.colour === 'predicted' || q.colour === 'misclassified') colourSelect.value = q.colour;
  state.colourBy = colourSelect.value;

  const WRONG = '#d62728';
  const RIGHT = '#c7c7c7';

  /** The points that pass the class filter. */
  function visible() {
    return state.points.filter(p => state.shownClasses.has(p.label));
  }

  /** The group (series) a point belongs to under the current colouring: {key, name, colour}. */
  function groupOf(p) {
    if (state.colourBy === 'predicted') {
      return { key: p.predicted, name: 'predicted ' + NV.className(m, p.predicted), colour: PALETTE[p.predicted % PALETTE.length] };
    }
    if (state.colourBy === 'misclassified') {
      return p.predicted !== p.label ? { key: 1, name: 'misclassified', colour: WRONG } : { key: 0, name: 'correct', colour: RIGHT };
    }
    return { key: p.label, name: NV.className(m, p.label), colour: PALETTE[p.label % PALETTE.length] };
  }

  function render() {
    const groups = new Map();
    const shown = visible();
    for (const p of shown) {
      const g = groupOf(p);
      if (!groups.has(g.key)) groups.set(g.key, { ...g, data: [] });
      groups.get(g.key).data.push([p.x, p.y, p.index, p.label, p.predicted]);
    }
    const keys = [...groups.keys()].sort((a, b) => a - b);
    const series = keys.map(k => {
      const g = groups.get(k);
      return {
        name: g.name,
        type: 'scatter',
        data: g.data,
        symbolSize: 7,
        z: state.colourBy === 'misclassified' && k === 1 ? 3 : 2,
        itemStyle: { color: g.colour, opacity: 0.8 },
        emphasis: { focus: 'none', itemStyle: { borderColor: '#000', borderWidth: 1.5 } },
      };
    });
    const groupCount = series.length;
    series.push({ name: 'neighbours', type: 'scatter', data: [], symbolSize: 13, silent: true, z: 5,
      itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#111', borderWidth: 1.5 } });
    series.push({ name: 'selected', type: 'scatter', data: [], symbol: 'diamond', symbolSize: 18, silent: true, z: 6,
      itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#d00', borderWidth: 2.5 } });
    state.series = series;
    chart.setOption({
      animation: false,
      legend: { type: 'scroll', top: 0, right: 90, data: series.slice(0, groupCount).map(s => s.name) },
      grid: { left: 10, right: 10, top: 36, bottom: 10, containLabel: false },
      xAxis: { type: 'value', min: -0.02, max: 1.02, show: false },
      yAxis: { type: 'value', min: -0.02, max: 1.02, show: false },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }, { type: 'inside', yAxisIndex: 0, filterMode: 'none' }],
      toolbox: { right: 10, top: 0, feature: { brush: { type: ['polygon', 'rect', 'clear'],
        title: { polygon: 'Lasso', rect: 'Box', clear: 'Clear the selection' } } } },
      brush: { seriesIndex: series.slice(0, groupCount).map((s, i) => i), brushMode: 'single', throttleType: 'debounce',
        throttleDelay: 150, outOfBrush: { colorAlpha: 0.2 }, brushStyle: { borderWidth: 1.5, color: 'rgba(120,140,180,0.15)',
          borderColor: 'rgba(60,80,120,0.8)' } },
      tooltip: {
        trigger: 'item',
        formatter: p => {
          if (!Array.isArray(p.data) || p.data.length < 4) return '';
          const [, , index, label, predicted] = p.data;
          return `<img class="tooltip-thumb" src="${NV.imageUrl('dataset:' + index, 3)}" alt="">` +
            `#${index} · ${escapeHtml(NV.className(m, label))}` +
            (predicted !== undefined && predicted !== label ? ` (predicted ${escapeHtml(NV.className(m, predicted))})` : '');
        },
      },
      series,
    }, true);
    const el = document.getElementById('chart');
    el.dataset.shown = String(shown.length);
    el.dataset.colourBy = state.colourBy;
    showSelection([]);
    if (state.selected !== null) {
      mark('selected', [state.selected]);
    }
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  function mark(seriesName, indices) {
    const byIndex = new Map(state.points.map(p => [p.index, p]));
    const data = indices.map(i => byIndex.get(i)).filter(Boolean).map(p => [p.x, p.y, p.index, p.label, p.predicted]);
    chart.setOption({ series: [{ name: seriesName, data }] });
  }

  // ---- class filter: a checkbox per class, and a search box that ticks the classes it matches

  function buildFilter() {
    const labels = [...new Set(state.points.map(p => p.label))].sort((a, b) => a - b);
    state.shownClasses = new Set(labels);
    NV.fill(filterHost, h('span', { class: 'muted' }, 'Show true classes: '),
      labels.map(k => h('label', { class: 'class-check' },
        h('input', { type: 'checkbox', value: String(k), checked: '' }), ' ' + NV.className(m, k))));
    searchBox.value = '';
  }

  function readFilter() {
    state.shownClasses = new Set([...filterHost.querySelectorAll('input[type=checkbox]')].filter(c => c.checked).map(c => Number(c.value)));
    render();
    if (state.selected !== null && restrictBox.checked) showNeighbours(state.selected);
  }

  filterHost.addEventListener('change', readFilter);
  searchBox.addEventListener('input', () => {
    const t = searchBox.value.trim().toLowerCase();
    for (const c of filterHost.querySelectorAll('input[type=checkbox]')) {
      c.checked = !t || NV.className(m, Number(c.value)).toLowerCase().includes(t) || c.value === t;
    }
    readFilter();
  });
  document.getElementById('classes-all').addEventListener('click', () => {
    searchBox.value = '';
    for (const c of filterHost.querySelectorAll('input[type=checkbox]')) c.checked = true;
    readFilter();
  });
  colourSelect.addEventListener('change', () => {
    state.colourBy = colourSelect.value;
    NV.setQuery({ method: NV.query('method'), n: NV.query('n'), layer: NV.query('layer'),
      colour: state.colourBy === 'true' ? undefined : state.colourBy });
    if (state.points.length) render();
  });

  // ---- lasso: the echarts brush; the images inside are listed below the map

  lassoButton.addEventListener('click', () => {
    chart.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'polygon', brushMode: 'single' } });
  });

  chart.on('brushselected', e => {
    const picked = [];
    for (const b of e.batch || []) {
      for (const s of b.selected || []) {
        const series = state.series[s.seriesIndex];
        if (!series || series.name === 'neighbours' || series.name === 'selected') continue;
        for (const i of s.dataIndex) picked.push(series.data[i]);
      }
    }
    showSelection(picked);
  });

  const MAX_LISTED = 200;
  function showSelection(data) {
    state.lassoed = data.map(d => d[2]).sort((a, b) => a - b);
    if (!data.length) {
      selectionHost.replaceChildren(h('span', { class: 'note' }, 'Press Lasso and draw around points of the map.'));
      return;
    }
    const sorted = [...data].sort((a, b) => a[2] - b[2]);
    selectionHost.replaceChildren(
      h('p', {}, `${NV.fmtInt(data.length)} images selected` + (data.length > MAX_LISTED ? ` (the first ${MAX_LISTED} listed)` : '') + '.'),
      h('div', { class: 'thumbs', id: 'selection-thumbs' }, sorted.slice(0, MAX_LISTED).map(([, , index, label, predicted]) =>
        h('a', { class: 'thumb', href: 'image.html?image=dataset:' + index, 'data-index': index, 'data-label': label,
          title: NV.className(m, label) },
        h('img', { src: NV.imageUrl('dataset:' + index, 2), width: 56, height: 56, alt: NV.className(m, label), loading: 'lazy' }),
        h('span', {}, '#' + index + ' · ' + NV.className(m, label)),
        predicted !== undefined && predicted !== label ? h('span', { class: 'distance' }, 'predicted ' + NV.className(m, predicted)) : null))));
  }

  // ---- nearest neighbours

  const nnHost = document.getElementById('nn-result');

  /** Runs the 'features' job of the layer once, with a progress bar: the first search needs every served image's features. */
  async function ensureFeatures() {
    const key = state.layer || '';
    if (state.ready.has(key)) return;
    const view = new NV.ProgressView('features of every served image');
    nnHost.replaceChildren(h('p', { class: 'note' }, 'The first search at this layer computes the features of every '
      + 'served image (later searches are immediate).'), view.el);
    await NV.runJob('features', state.layer ? { layer: state.layer } : {}, view);
    state.ready.add(key);
  }

  async function showNeighbours(index) {
    state.selected = index;
    const ref = 'dataset:' + index;
    mark('selected', [index]);
    mark('neighbours', []);
    try {
      await ensureFeatures();
      if (state.selected !== index) return;
      nnHost.replaceChildren(h('span', { class: 'note' }, 'Searching the neighbours of #' + index + '…'));
      let url = `/api/neighbors?k=8&image=${encodeURIComponent(ref)}`;
      if (state.layer) url += '&layer=' + encodeURIComponent(state.layer);
      const restricted = restrictBox.checked;
      if (restricted) {
        const below = state.points.reduce((a, p) => Math.max(a, p.index + 1), 0);
        url += '&below=' + below + '&classes=' + [...state.shownClasses].sort((a, b) => a - b).join(',');
      }
      const r = await NV.api(url);
      if (state.selected !== index) return;
      const label = (state.points.find(p => p.index === index) || {}).label;
      const list = r.neighbors.filter(n => n.index !== index).slice(0, 8);
      nnHost.replaceChildren(
        h('p', {}, 'Image ', h('b', {}, '#' + index), label !== undefined ? ' (' + NV.className(m, label) + ')' : '',
          ` and its ${list.length} nearest neighbours in feature space${state.layer ? ' (' + state.layer + ')' : ''}`,
          restricted ? ` among the ${NV.fmtInt(visible().length)} points shown` : '',
          '; those inside the map are circled in black.'),
        h('div', { class: 'thumbs', id: 'nn-thumbs', 'data-restricted': String(restricted) },
          h('a', { class: 'thumb selected', href: 'image.html?image=' + encodeURIComponent(ref) },
            h('img', { src: NV.imageUrl(ref, 3), width: 84, height: 84, alt: ref }), h('span', {}, '#' + index), h('span', {}, 'clicked')),
          list.map(n => h('a', { class: 'thumb neighbour', href: 'image.html?image=dataset:' + n.index, 'data-index': n.index,
            'data-label': n.label, title: n.className },
          h('img', { src: NV.imageUrl('dataset:' + n.index, 3), width: 84, height: 84, alt: n.className }),
          h('span', {}, '#' + n.index + ' · ' + n.className),
          h('span', { class: 'distance' }, 'distance ' + NV.fmtNum(n.distance, 3))))));
      mark('neighbours', list.map(n => n.index));
    } catch (e) {
      if (!(e instanceof NV.JobCancelled)) NV.showError(nnHost, e);
      else nnHost.replaceChildren(h('span', { class: 'note' }, 'Cancelled. Click a point to try again.'));
    }
  }
  state.showNeighbours = showNeighbours;

  restrictBox.addEventListener('change', () => {
    if (state.selected !== null) showNeighbours(state.selected);
  });

  chart.on('click', p => {
    if (Array.isArray(p.data) && p.data.length >= 3) showNeighbours(p.data[2]);
  });

  const run = NV.jobButton({
    button: document.getElementById('embed-run'),
    progressHost: document.getElementById('embed-progress'),
    resultHost: errorHost,
    kind: 'embedding',
    label: 'embedding',
    params: () => {
      const p = { method: methodSelect.value, n: Number(countSelect.value) };
      if (layerSelect.value) p.layer = layerSelect.value;
      NV.setQuery({ method: p.method, n: p.n, layer: p.layer, colour: state.colourBy === 'true' ? undefined : state.colourBy });
      return p;
    },
    render: job => {
      state.points = (job.result && job.result.points) || [];
      state.layer = (job.params && job.params.layer) || layerSelect.value || '';
      state.selected = null;
      buildFilter();
      render();
      nnHost.replaceChildren(h('span', { class: 'note' }, `${state.points.length} images mapped. Click a point of the map.`));
      const r = job.result || {};
      NV.fill(errorHost, h('p', { class: 'small muted' },
        `${r.method === 'pca' ? 'PCA' : 't-SNE'} of ${r.layer || state.layer || 'the default layer'}, ${NV.fmtInt(state.points.length)} images`,
        typeof r.misclassified === 'number' ? `, ${NV.fmtInt(r.misclassified)} misclassified by the model. ` : '. ',
        (r.files || []).map(f => h('a', { href: NV.fileUrl(job, f), target: '_blank' }, 'the same map as a picture'))));
      document.getElementById('chart').dataset.points = String(state.points.length);
    },
  });
  run();
});
