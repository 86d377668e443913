// Model page: summary, the layers table (shapes, parameters, MACs) and the classes.
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
  const { h, fmtInt, fmtShort, fmtShape } = NV;
  const facts = document.getElementById('model-facts');
  const layersHost = document.getElementById('layers-host');
  let m;
  try {
    m = await NV.model();
  } catch (e) {
    NV.showError(facts, e);
    layersHost.replaceChildren();
    return;
  }
  document.getElementById('model-name').textContent = m.name;
  document.title = 'netviz · ' + m.name;

  facts.replaceChildren(h('dl', { class: 'facts' },
    h('dt', {}, 'File'), h('dd', {}, h('code', {}, m.file || '–')),
    h('dt', {}, 'Input'), h('dd', {}, h('code', {}, m.input ? m.input.name : '–'), ' ', fmtShape(m.input && m.input.shape)),
    h('dt', {}, 'Output'), h('dd', {}, h('code', {}, m.output || '–')),
    h('dt', {}, 'Parameters'), h('dd', {}, fmtInt(m.params), ' (', fmtShort(m.params), ')'),
    h('dt', {}, 'Multiply-adds'), h('dd', {}, fmtInt(m.macs), ' per image (', fmtShort(m.macs), ')'),
    h('dt', {}, 'Layers'), h('dd', {}, String((m.layers || []).length)),
    h('dt', {}, 'Classes'), h('dd', {}, String((m.classes || []).length))));

  const maxMacs = Math.max(1, ...(m.layers || []).map(l => l.macs || 0));
  const rows = (m.layers || []).map(l => {
    const layerHref = 'layer.html?layer=' + encodeURIComponent(l.name);
    return h('tr', { 'data-layer': l.name },
      h('td', { class: 'num' }, String(l.index)),
      h('td', {}, h('a', { href: layerHref }, l.name)),
      h('td', {}, l.op),
      h('td', { class: 'mono small' }, l.output || ''),
      h('td', { class: 'mono' }, fmtShape(l.shape)),
      h('td', { class: 'num' }, l.params ? fmtInt(l.params) : '–'),
      h('td', { class: 'num' }, l.macs ? fmtInt(l.macs) : '–'),
      h('td', { class: 'bar-cell', title: l.macs ? (100 * l.macs / (m.macs || maxMacs)).toFixed(1) + ' % of the MACs' : '' },
        l.macs ? h('div', { class: 'hbar', style: { width: (100 * l.macs / maxMacs) + '%' } }) : null),
      h('td', {}, l.hasFilters ? h('a', { href: layerHref + '#filters' }, 'filters') : ''),
      h('td', { class: 'num' }, l.channels
        ? h('a', { href: 'neuron.html?layer=' + encodeURIComponent(l.name) + '&channel=0', title: 'neurons of ' + l.name }, String(l.channels))
        : '–'));
  });
  const table = h('table', { class: 'data', id: 'layers' },
    h('thead', {}, h('tr', {},
      h('th', { class: 'num' }, '#'), h('th', {}, 'Layer'), h('th', {}, 'Operator'), h('th', {}, 'Output tensor'),
      h('th', {}, 'Shape'), h('th', { class: 'num' }, 'Parameters'), h('th', { class: 'num' }, 'MACs'),
      h('th', {}, 'Share of MACs'), h('th', {}, 'Filters'), h('th', { class: 'num' }, 'Channels'))),
    h('tbody', {}, rows),
    h('tfoot', {}, h('tr', {},
      h('td', {}), h('td', {}, 'Total'), h('td', {}), h('td', {}), h('td', {}),
      h('td', { class: 'num' }, fmtInt(m.params)), h('td', { class: 'num' }, fmtInt(m.macs)),
      h('td', {}), h('td', {}), h('td', {}))));
  layersHost.replaceChildren(table);

  const b = m.backend || {};
  const failed = (b.checks || []).filter(c => !c.passed);
  const tried = Object.entries(b.routesTried || {}).map(([r, v]) => h('li', {}, h('code', {}, r), ' ', v));
  document.getElementById('backend-facts').replaceChildren(h('dl', { class: 'facts' },
    h('dt', {}, 'Verdict'), h('dd', { id: 'backend-verdict' }, b.trusted ? 'OK: every self-check passed'
      : 'UNTRUSTED: ' + failed.map(c => c.name).join('; ')),
    h('dt', {}, 'libtorch'), h('dd', {}, b.libtorch || '–'),
    h('dt', {}, 'CPU'), h('dd', {}, (b.cpu || '–') + ' (family ' + (b.cpuFamily || '?') + ', best ISA ' + (b.isa || '?') + ')'),
    h('dt', {}, 'Threads'), h('dd', {}, String(b.threads || '–') + ' of ' + String(b.cores || '–') + ' cores'),
    h('dt', {}, 'Route'), h('dd', {}, h('code', {}, b.route || '–'), ' ', b.routeDescription || ''),
    h('dt', {}, 'Safe path'), h('dd', {}, b.safePath || 'none needed'),
    h('dt', {}, 'Decided by'), h('dd', {}, (b.decidedBy || '–') + (b.fallback ? '; then ' + b.fallback : '')),
    h('dt', {}, 'Routes tried'), h('dd', {}, tried.length ? h('ul', {}, tried) : '–'),
    h('dt', {}, 'Self-check'), h('dd', {}, String((b.checks || []).length) + ' checks in this process, '
      + (b.selfCheckMillis != null ? b.selfCheckMillis.toFixed(0) : '?') + ' ms, ' + failed.length + ' failed'),
    h('dt', {}, 'Native warnings'), h('dd', {}, (b.nativeWarnings || []).length
      ? h('ul', {}, (b.nativeWarnings || []).map(w => h('li', { class: 'mono small' }, w))) : 'none')));

  const logits = NV.logitsLayer(m);
  document.getElementById('classes').replaceChildren(...(m.classes || []).map((c, k) =>
    h('a', { href: 'neuron.html?class=' + k, title: 'what makes the network say ' + c + (logits ? ' (' + logits.name + ', unit ' + k + ')' : '') },
      k + ' · ' + c)));
});
