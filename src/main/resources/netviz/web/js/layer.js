// Layer page: facts, the filter grid, activation statistics / dead filters as a background job,
// activation maps for one dataset image, and links to the neuron page of every channel.
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
  const { h, fmtInt, fmtShape, fmtNum, fmtPct } = NV;
  const factsHost = document.getElementById('layer-facts');
  let m;
  try {
    m = await NV.model();
  } catch (e) {
    NV.showError(factsHost, e);
    return;
  }
  const layers = m.layers || [];
  const wanted = NV.query('layer') || (layers.find(l => l.hasFilters) || layers[0] || {}).name;

  const select = document.getElementById('layer-select');
  select.replaceChildren(...layers.map(l => NV.option(l.name, `${l.index} · ${l.name} (${l.op})`, l.name === wanted)));
  if (!layers.some(l => l.name === wanted)) select.prepend(NV.option('', '— choose a layer —', true));
  select.addEventListener('change', () => { if (select.value) location.search = '?layer=' + encodeURIComponent(select.value); });

  let layer;
  try {
    layer = await NV.api('/api/layers/' + encodeURIComponent(wanted));
  } catch (e) {
    NV.showError(factsHost, e);
    for (const id of ['filters', 'stats', 'maps', 'channels']) document.getElementById(id).hidden = true;
    return;
  }
  const name = layer.name;
  if (layers.some(l => l.name === name)) {
    select.value = name;
    if (select.options[0] && select.options[0].value === '') select.options[0].remove();
  }
  document.getElementById('layer-title').textContent = name;
  document.title = 'netviz · ' + name;
  const fromModel = layers.find(l => l.name === name) || {};
  const channels = layer.channels || fromModel.channels || 0;
  const neuronHref = c => 'neuron.html?layer=' + encodeURIComponent(name) + '&channel=' + c;

  factsHost.replaceChildren(h('dl', { class: 'facts' },
    h('dt', {}, 'Operator'), h('dd', {}, layer.op),
    h('dt', {}, 'Output shape'), h('dd', { class: 'mono' }, fmtShape(layer.shape)),
    h('dt', {}, 'Parameters'), h('dd', {}, layer.params ? fmtInt(layer.params) : 'none'),
    fromModel.macs ? [h('dt', {}, 'Multiply-adds'), h('dd', {}, fmtInt(fromModel.macs))] : null,
    h('dt', {}, 'Channels'), h('dd', {}, channels ? String(channels) : '–')));

  // Filters
  const filtersHost = document.getElementById('filters-host');
  if (layer.hasFilters) {
    filtersHost.replaceChildren(NV.figure('/api/layers/' + encodeURIComponent(name) + '/filters.png',
      'The filters of ' + name + ', one tile per output channel.', { class: 'pixelated', id: 'filters-img' }));
  } else {
    filtersHost.replaceChildren(h('p', { class: 'note' }, name + ' (' + layer.op + ') has no filters to show.'));
  }

  // Activation statistics / dead filters
  const statsResult = document.getElementById('stats-result');
  const statsSection = document.getElementById('stats');
  const chipsHost = document.getElementById('channels-host');
  function renderChips(dead) {
    const deadSet = new Set(dead || []);
    chipsHost.replaceChildren(...Array.from({ length: channels }, (_, c) =>
      h('a', { href: neuronHref(c), class: deadSet.has(c) ? 'dead' : null, title: deadSet.has(c) ? 'dead channel' : 'channel ' + c }, String(c))));
  }
  if (channels) renderChips([]); else document.getElementById('channels').hidden = true;

  if (!channels) {
    statsSection.replaceChildren(h('h2', {}, 'Activation statistics and dead filters'),
      h('p', { class: 'note' }, 'This layer has no channels.'));
  } else {
    const runStats = NV.jobButton({
      button: document.getElementById('stats-run'),
      progressHost: document.getElementById('stats-progress'),
      resultHost: statsResult,
      kind: 'layer-stats',
      label: 'activation statistics',
      params: () => ({ layer: name }),
      render: (job, host) => {
        const r = job.result || {};
        const dead = r.dead || [];
        const nearly = r.nearlyDead || [];
        const below = fmtPct(r.nearlyDeadBelow || 0.01);
        const stats = (r.channels || []).slice().sort((a, b) => a.channel - b.channel);
        const maxMean = Math.max(1e-12, ...stats.map(s => s.mean || 0));
        const tensor = r.tensor && r.tensor !== name ? ' (tensor ' + r.tensor + ')' : '';
        const reads = r.op ? ' Read from ' + (r.tensor || name) + ', the output of the ' + r.op + (r.op === 'Conv' ? ' (before any ReLU: negative values count as not firing)' : '') + '.' : '';
        NV.fill(host, h('div', { class: 'row' }, h('div', {},
          (r.files || []).map(f => NV.figure(NV.fileUrl(job, f), 'Positional firing rates of the channels of ' + name + tensor
            + ': the share of all positions' + (r.images ? ' of ' + NV.fmtInt(r.images) + ' images' : '')
            + ' where a channel is > 0.' + reads, { id: 'firing-img' }))), h('div', { class: 'grow' },
          h('h3', {}, dead.length ? `Dead filters: ${dead.length} of ${stats.length || channels}` : 'No dead filters'),
          dead.length
            ? h('div', { class: 'chips', id: 'dead-list' }, dead.map(c => h('a', { class: 'dead', href: neuronHref(c) }, String(c))))
            : h('p', { class: 'muted', id: 'dead-list' }, 'Every channel fires somewhere.'),
          h('h3', {}, nearly.length ? `Nearly dead (fire on < ${below} of the positions): ${nearly.length}` : 'No nearly dead filters'),
          nearly.length
            ? h('div', { class: 'chips', id: 'nearly-dead-list' }, nearly.map(c => h('a', { class: 'dead', href: neuronHref(c) }, String(c))))
            : h('p', { class: 'muted', id: 'nearly-dead-list' }, `Every live channel fires on at least ${below} of the positions.`),
          h('h3', {}, 'Per channel'),
          h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'stats-table' },
            h('thead', {}, h('tr', {},
              h('th', { class: 'num' }, 'Channel'), h('th', { class: 'num' }, 'Mean'), h('th', {}, ''),
              h('th', { class: 'num' }, 'Max'), h('th', { class: 'num', title: 'share of images on which the channel is > 0 somewhere' }, 'Images firing'),
              h('th', { class: 'num', title: 'share of all positions of all images where the channel is > 0' }, 'Positions firing'), h('th', {}, ''))),
            h('tbody', {}, stats.map(s => h('tr', {},
              h('td', { class: 'num' }, h('a', { href: neuronHref(s.channel) }, String(s.channel))),
              h('td', { class: 'num' }, fmtNum(s.mean)),
              h('td', { class: 'bar-cell' }, h('div', { class: 'hbar', style: { width: Math.max(0, 100 * (s.mean || 0) / maxMean) + '%' } })),
              h('td', { class: 'num' }, fmtNum(s.max)),
              h('td', { class: 'num' }, fmtPct(s.firingRate || 0)),
              h('td', { class: 'num' }, fmtPct(s.positionalRate || 0)),
              h('td', { class: 'bar-cell' }, h('div', { class: 'hbar' + (dead.includes(s.channel) || nearly.includes(s.channel) ? ' dead' : ''), style: { width: 100 * (s.positionalRate || 0) + '%' } }))))))))));
        renderChips(dead);
      },
    });
    if (NV.query('stats') === '1') runStats(); // layer.html?layer=L&stats=1 computes them at once
  }

  function mapsCaption(r, ref) {
    const n = r.channels || channels;
    const shown = Array.isArray(r.shown) ? r.shown : null;
    const which = shown && shown.length < n ? `channels ${shown[0]}–${shown[shown.length - 1]} of the ${n}` : `all ${n} channels`;
    return `The activation maps of ${name} for ${ref}: ${which}, on one shared scale.`;
  }

  // Activation maps of one image
  const mapsSection = document.getElementById('maps');
  if (!channels) {
    mapsSection.hidden = true;
  } else {
    const indexInput = document.getElementById('maps-index');
    NV.jobButton({
      button: document.getElementById('maps-run'),
      progressHost: document.getElementById('maps-progress'),
      resultHost: document.getElementById('maps-result'),
      kind: 'activations',
      label: 'activation maps',
      params: () => ({ image: 'dataset:' + Math.max(0, parseInt(indexInput.value || '0', 10)), layer: name }),
      render: (job, host) => {
        const ref = (job.params && job.params.image) || 'dataset:' + Math.max(0, parseInt(indexInput.value || '0', 10));
        NV.fill(host,
          h('figure', { class: 'figure' }, h('img', { class: 'pixelated', src: NV.imageUrl(ref, 4), alt: ref }), h('figcaption', {}, h('a', { href: 'image.html?image=' + encodeURIComponent(ref) }, ref))),
          (job.result.files || []).map(f => NV.figure(NV.fileUrl(job, f), mapsCaption(job.result, ref), { class: 'pixelated' })));
      },
    });
  }
});
