// Embedding page: PCA or t-SNE of the feature space as an interactive echarts scatter coloured by
// class, with thumbnails on hover; clicking a point lists its nearest neighbours with distances.
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
  const q = { method: NV.query('method'), n: NV.query('n'), layer: NV.query('layer') };
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
  const state = { chart, points: [], layer: '', selected: null };
  window.nvEmbedding = state; // for scripts and the browser tests

  function render(points) {
    const byClass = new Map();
    for (const p of points) {
      if (!byClass.has(p.label)) byClass.set(p.label, []);
      byClass.get(p.label).push([p.x, p.y, p.index, p.label]);
    }
    const labels = [...byClass.keys()].sort((a, b) => a - b);
    const series = labels.map(k => ({
      name: NV.className(m, k),
      type: 'scatter',
      data: byClass.get(k),
      symbolSize: 7,
      itemStyle: { color: PALETTE[k % PALETTE.length], opacity: 0.8 },
      emphasis: { focus: 'none', itemStyle: { borderColor: '#000', borderWidth: 1.5 } },
    }));
    series.push({ name: 'neighbours', type: 'scatter', data: [], symbolSize: 13, silent: true, z: 5,
      itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#111', borderWidth: 1.5 } });
    series.push({ name: 'selected', type: 'scatter', data: [], symbol: 'diamond', symbolSize: 18, silent: true, z: 6,
      itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#d00', borderWidth: 2.5 } });
    chart.setOption({
      animation: false,
      color: PALETTE,
      legend: { type: 'scroll', top: 0, data: labels.map(k => NV.className(m, k)) },
      grid: { left: 10, right: 10, top: 36, bottom: 10, containLabel: false },
      xAxis: { type: 'value', min: -0.02, max: 1.02, show: false },
      yAxis: { type: 'value', min: -0.02, max: 1.02, show: false },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }, { type: 'inside', yAxisIndex: 0, filterMode: 'none' }],
      tooltip: {
        trigger: 'item',
        formatter: p => {
          if (!Array.isArray(p.data) || p.data.length < 4) return '';
          const [, , index, label] = p.data;
          return `<img class="tooltip-thumb" src="${NV.imageUrl('dataset:' + index, 3)}" alt="">` +
            `#${index} · ${escapeHtml(NV.className(m, label))}`;
        },
      },
      series,
    }, true);
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  function mark(seriesName, indices) {
    const byIndex = new Map(state.points.map(p => [p.index, p]));
    const data = indices.map(i => byIndex.get(i)).filter(Boolean).map(p => [p.x, p.y, p.index, p.label]);
    chart.setOption({ series: [{ name: seriesName, data }] });
  }

  const nnHost = document.getElementById('nn-result');
  async function showNeighbours(index) {
    state.selected = index;
    const ref = 'dataset:' + index;
    mark('selected', [index]);
    mark('neighbours', []);
    nnHost.replaceChildren(h('span', { class: 'note' }, 'Searching the neighbours of #' + index + '…'));
    try {
      let url = `/api/neighbors?k=9&image=${encodeURIComponent(ref)}`;
      if (state.layer) url += '&layer=' + encodeURIComponent(state.layer);
      const r = await NV.api(url);
      if (state.selected !== index) return;
      const label = (state.points.find(p => p.index === index) || {}).label;
      const list = r.neighbors.filter(n => n.index !== index).slice(0, 8);
      nnHost.replaceChildren(
        h('p', {}, 'Image ', h('b', {}, '#' + index), label !== undefined ? ' (' + NV.className(m, label) + ')' : '',
          ` and its ${list.length} nearest neighbours in feature space${state.layer ? ' (' + state.layer + ')' : ''}; `,
          'those inside the map are circled in black.'),
        h('div', { class: 'thumbs', id: 'nn-thumbs' },
          h('a', { class: 'thumb selected', href: 'image.html?image=' + encodeURIComponent(ref) },
            h('img', { src: NV.imageUrl(ref, 3), width: 84, height: 84, alt: ref }), h('span', {}, '#' + index), h('span', {}, 'clicked')),
          list.map(n => h('a', { class: 'thumb neighbour', href: 'image.html?image=dataset:' + n.index, 'data-index': n.index,
            title: n.className },
          h('img', { src: NV.imageUrl('dataset:' + n.index, 3), width: 84, height: 84, alt: n.className }),
          h('span', {}, '#' + n.index + ' · ' + n.className),
          h('span', { class: 'distance' }, 'distance ' + NV.fmtNum(n.distance, 3))))));
      mark('neighbours', list.map(n => n.index));
    } catch (e) {
      NV.showError(nnHost, e);
    }
  }

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
      NV.setQuery({ method: p.method, n: p.n, layer: p.layer });
      return p;
    },
    render: job => {
      state.points = (job.result && job.result.points) || [];
      state.layer = (job.params && job.params.layer) || layerSelect.value || '';
      render(state.points);
      nnHost.replaceChildren(h('span', { class: 'note' }, `${state.points.length} images mapped. Click a point of the map.`));
      const r = job.result || {};
      NV.fill(errorHost, h('p', { class: 'small muted' },
        `${r.method === 'pca' ? 'PCA' : 't-SNE'} of ${r.layer || state.layer || 'the default layer'}, ${NV.fmtInt(state.points.length)} images. `,
        (r.files || []).map(f => h('a', { href: NV.fileUrl(job, f), target: '_blank' }, 'the same map as a picture'))));
      document.getElementById('chart').dataset.points = String(state.points.length);
    },
  });
  run();
});
