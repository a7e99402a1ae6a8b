// cambium dashboard: the pages. Each page(content, arg) fills content and returns its title.
'use strict';
(function () {
  const CM = window.CM;
  const el = CM.el;
  const chart = CM.chart;
  const P = (CM.pages = {});

  function h1(content, text, lead) {
    content.appendChild(el('h1', { tabindex: '-1' }, text));
    if (lead) content.appendChild(el('p', { class: 'lead' }, lead));
    return text;
  }
  const append = (content, nodes) => nodes.forEach((n) => content.appendChild(n));
  const numCol = (t, name) => t.columns.some((c) => c.name === name);

  // ---------------------------------------------------------------- overview
  const PAGE_OF = { criticality: '#/criticality', supply: '#/material/cobalt', footprint: '#/footprints',
    trade: '#/alerts', waste: '#/priorities', wind: '#/wind', priorities: '#/priorities', mfa: '#/mfa' };

  P.overview = async function (content) {
    const a = await CM.assessment();
    const title = h1(content, 'Federal Critical Materials Dashboard',
      `Assessment '${a.recipe}' made by cambium ${a.cambium_version} on ${a.created}, from ${a.datasets.length} datasets.`);
    const list = el('ul', { class: 'cards' });
    for (const s of a.sections) {
      const status = s.status === 'done' ? null : el('p', { class: s.status === 'failed' ? 'failed' : 'absent' },
        `${s.status}: ${s.reason || 'no reason given'}`);
      list.appendChild(el('li', { class: `card status-${s.status}`, 'data-section': s.id },
        el('h2', {}, PAGE_OF[s.id] ? el('a', { href: PAGE_OF[s.id] }, s.title) : s.title),
        status,
        s.summary ? el('ul', { class: 'summary' }, s.summary.map((l) => el('li', {}, l))) : null,
        s.tables && s.tables.length ? el('p', { class: 'muted' }, `${s.tables.length} ${s.tables.length === 1 ? 'table' : 'tables'}: ${s.tables.join(', ')}`) : null));
    }
    content.appendChild(list);
    return title;
  };

  // ---------------------------------------------------------------- criticality
  function critLabel(m, name) {
    const cls = (c) => (klass(c) === true ? 'critical' : klass(c) === false ? 'not critical' : 'undetermined');
    return `${name || m.material}: EU SR ${CM.fmt(m.sr_eu)}, EI ${CM.fmt(m.ei_eu)} (${cls(m.critical_eu)}); ` +
      `Belgium SR ${CM.fmt(m.sr_be)}, EI ${CM.fmt(m.ei_be)} (${cls(m.critical_be)})`;
  }

  function critDetails(box, m, name) {
    const yes = (c) => (klass(c) === true ? 'critical' : klass(c) === false ? 'not critical' : 'undetermined');
    box.replaceChildren(
      el('h3', {}, name || m.material),
      el('table', { class: 'terms' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'EU'), el('th', { scope: 'col' }, 'Belgium'))),
        el('tbody', {},
          el('tr', {}, el('th', { scope: 'row' }, 'Supply risk (SR)'), el('td', { class: 'num' }, CM.fmt(m.sr_eu)), el('td', { class: 'num' }, CM.fmt(m.sr_be))),
          el('tr', {}, el('th', { scope: 'row' }, 'Economic importance (EI)'), el('td', { class: 'num' }, CM.fmt(m.ei_eu)), el('td', { class: 'num' }, CM.fmt(m.ei_be))),
          el('tr', {}, el('th', { scope: 'row' }, 'Class'), el('td', {}, yes(m.critical_eu)), el('td', {}, yes(m.critical_be))))),
      el('p', {}, el('a', { href: `#/material/${encodeURIComponent(m.material)}` }, `Open the page of ${name || m.material}`)));
  }

  const klass = (c) => (c === true || c === 1 ? true : c === false || c === 0 ? false : null);

  function drawScatters(holder, detail, data, names) {
    holder.replaceChildren();
    for (const m of data.materials) { m.critical_eu = klass(m.critical_eu); m.critical_be = klass(m.critical_be); }
    const w = Math.min(440, chart.width(300));
    for (const v of ['eu', 'be']) {
      const pts = data.materials.filter((m) => CM.isNum(m[`sr_${v}`]) && CM.isNum(m[`ei_${v}`])).map((m) => ({
        id: m.material, x: m[`ei_${v}`], y: m[`sr_${v}`],
        cls: m[`critical_${v}`] === true ? 'crit' : m[`critical_${v}`] === false ? 'noncrit' : 'undet',
        label: critLabel(m, names[m.material]), m }));
      const title = v === 'eu' ? 'European Union' : 'Belgium';
      holder.appendChild(el('figure', { class: 'scatter', 'data-variant': v },
        el('figcaption', {}, `${title}: supply risk against economic importance (${pts.length} materials; ` +
          `${pts.filter((p) => p.cls === 'crit').length} critical)`),
        chart.scatter({ width: w, height: Math.round(w * 0.8), points: pts, thr: { x: data.thresholds.ei, y: data.thresholds.sr },
          title: `${title}: SR against EI`, xLabel: 'economic importance (EI)', yLabel: 'supply risk (SR)',
          onFocus: (p) => critDetails(detail, p.m, names[p.id]) })));
    }
  }

  function critTable(data, names) {
    const t = { id: 'crit', title: `Classes at SR ≥ ${data.thresholds.sr} and EI ≥ ${data.thresholds.ei}`,
      columns: ['material', 'name', 'sr_eu', 'ei_eu', 'critical_eu', 'sr_be', 'ei_be', 'critical_be'].map((n) => ({ name: n, unit: '' })),
      rows: data.materials.map((m) => [m.material, names[m.material] || '', m.sr_eu, m.ei_eu,
        m.critical_eu === null ? null : m.critical_eu ? 'yes' : 'no', m.sr_be, m.ei_be,
        m.critical_be === null ? null : m.critical_be ? 'yes' : 'no']) };
    return el('details', { class: 'table-toggle' }, el('summary', {}, 'Table: the classes at these thresholds'), CM.htmlTable(t, t.title));
  }

  async function materialNames() {
    try {
      const list = await CM.cached('/api/materials');
      return Object.fromEntries(list.map((m) => [m.id, m.name]));
    } catch (e) {
      return {};
    }
  }

  function whatifResult(box, r, names) {
    const yes = (c) => (klass(c) === true ? 'critical' : klass(c) === false ? 'not critical' : 'undetermined');
    const row = (label, k, f) => el('tr', {}, el('th', { scope: 'row' }, label),
      el('td', { class: 'num' }, f(r.before[k])), el('td', { class: 'num' }, f(r.after[k])));
    const listOf = (xs) => (xs.length ? xs.map((x) => `${names[x.material] || x.material} (${x.variant === 'be' ? 'Belgium' : 'EU'})`).join(', ') : 'none');
    const va = r.be_value_added_exposed || {};
    box.replaceChildren(
      el('h3', {}, `${names[r.material] || r.material}: ${r.country} supply cut by ${CM.fmt(100 * r.cut)} %`),
      el('table', { class: 'terms', 'data-whatif': 'result' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'before'), el('th', { scope: 'col' }, 'after'))),
        el('tbody', {}, row('SR, EU', 'sr_eu', CM.fmt), row('SR, Belgium', 'sr_be', CM.fmt),
          row('class, EU', 'critical_eu', yes), row('class, Belgium', 'critical_be', yes))),
      el('p', {}, el('strong', {}, 'Becomes critical: '), listOf(r.newly_critical || [])),
      el('p', {}, el('strong', {}, 'No longer critical: '), listOf(r.no_longer_critical || [])),
      el('p', {}, el('strong', {}, 'Belgian value added exposed: '), `${CM.fmt(va.value)} ${va.unit || ''}`),
      va.sectors && va.sectors.length ? chart.bars({ width: Math.min(520, chart.width()), title: 'Belgian value added exposed by sector',
        unit: va.unit, bars: va.sectors.map((s) => ({ label: s.nace, value: s.value, cls: 'series-1' })) }) : null,
      va.sectors && va.sectors.length ? el('table', { class: 'terms' }, el('caption', {}, 'Value added exposed by sector'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'NACE'), el('th', { scope: 'col' }, `value (${va.unit || ''})`))),
        el('tbody', {}, va.sectors.map((s) => el('tr', {}, el('td', {}, s.nace), el('td', { class: 'num' }, CM.fmt(s.value)))))) : null,
      r.notes && r.notes.length ? el('ul', { class: 'notes' }, r.notes.map((n) => el('li', {}, n))) : null);
  }

  P.criticality = async function (content) {
    const title = h1(content, 'Criticality of raw materials',
      'Supply risk (SR) against economic importance (EI), for the EU and for Belgium. A material is critical when both reach the thresholds. Hover or focus a point (Tab) for its terms; Enter opens its page.');
    const status = CM.statusBlock(await CM.section('criticality'), 'criticality');
    if (status) { content.appendChild(status); return title; }
    const names = await materialNames();
    const form = el('form', { class: 'thresholds', 'aria-label': 'thresholds' },
      el('label', { for: 'thr-sr' }, 'SR threshold'),
      el('input', { id: 'thr-sr', name: 'sr', type: 'number', step: '0.1', min: '0.1', max: '10', value: '1', required: true }),
      el('label', { for: 'thr-ei' }, 'EI threshold'),
      el('input', { id: 'thr-ei', name: 'ei', type: 'number', step: '0.1', min: '0.1', max: '10', value: '2.8', required: true }),
      el('button', { type: 'submit' }, 'Redraw'));
    const msg = el('p', { class: 'form-msg', role: 'status' });
    const holder = el('div', { class: 'scatters' });
    const detail = el('div', { class: 'point-detail', 'aria-live': 'polite' }, el('p', { class: 'muted' }, 'Hover or focus a point to see its terms.'));
    const tableBox = el('div', {});
    const block = el('section', { class: 'block', 'data-table': 'crit_be', 'aria-labelledby': 'h-scatter' },
      el('h2', { id: 'h-scatter' }, 'The EU and Belgium on the SR–EI plane'), form, msg,
      el('div', { class: 'scatter-row' }, holder, detail), tableBox,
      el('p', { class: 'links' }, CM.csvLink('crit_be'), ' ', CM.csvLink('crit_eu')));
    content.appendChild(block);
    async function draw(sr, ei) {
      const data = await CM.api(`/api/crit?sr=${encodeURIComponent(sr)}&ei=${encodeURIComponent(ei)}`);
      drawScatters(holder, detail, data, names);
      tableBox.replaceChildren(critTable(data, names));
      const ne = data.materials.filter((m) => m.critical_eu === true).length;
      const nb = data.materials.filter((m) => m.critical_be === true).length;
      msg.textContent = `At SR ≥ ${data.thresholds.sr} and EI ≥ ${data.thresholds.ei}: ${ne} critical for the EU, ${nb} for Belgium.`;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      draw(form.sr.value, form.ei.value).catch((err) => { msg.textContent = `failed: ${err.message}`; });
    });
    await draw(1, 2.8);

    // what if
    const crit = await CM.table('crit_be');
    const mats = CM.rows(crit).map((r) => r.material);
    const wf = el('form', { class: 'whatif', id: 'whatif', 'aria-label': 'what if a supplier stops exporting' },
      el('label', { for: 'wi-material' }, 'Material'),
      el('select', { id: 'wi-material', name: 'material' }, mats.map((m) => el('option', { value: m, selected: m === 'cobalt' }, names[m] || m))),
      el('label', { for: 'wi-country' }, 'Supplier country (ISO3)'),
      el('input', { id: 'wi-country', name: 'country', value: 'COD', pattern: '[A-Z]{3}', maxlength: '3', size: '4', required: true,
        autocomplete: 'off', title: 'three capital letters, e.g. CHN' }),
      el('label', { for: 'wi-cut' }, 'Cut (%)'),
      el('input', { id: 'wi-cut', name: 'cut', type: 'number', min: '1', max: '100', step: '1', value: '50', required: true }),
      el('button', { type: 'submit' }, 'Recompute'));
    const wbox = el('div', { class: 'whatif-result', 'aria-live': 'polite', id: 'whatif-result' });
    content.appendChild(el('section', { class: 'block', 'aria-labelledby': 'h-whatif' },
      el('h2', { id: 'h-whatif' }, 'What if a supplier stops exporting?'),
      el('p', { class: 'note' }, 'The supply risk recomputed with the country\'s share of the material cut (the other suppliers\' shares renormalised), the materials that become critical and the Belgian value added exposed.'),
      wf, wbox));
    wf.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = `material=${encodeURIComponent(wf.material.value)}&country=${encodeURIComponent(wf.country.value.trim().toUpperCase())}` +
        `&cut=${encodeURIComponent(wf.cut.value)}&sr=${encodeURIComponent(form.sr.value)}&ei=${encodeURIComponent(form.ei.value)}`;
      wbox.replaceChildren(el('p', { class: 'muted' }, 'Computing…'));
      CM.api(`/api/whatif?${q}`).then((r) => whatifResult(wbox, r, names))
        .catch((err) => wbox.replaceChildren(el('p', { class: 'failed', role: 'alert' }, `failed: ${err.message}`)));
    });

    append(content, await CM.sectionBlocks('criticality', 'criticality', {
      crit_mc: (t) => chart.bars({ title: 'probability of criticality (Belgium), top 20', max: 1, unit: '',
        bars: CM.rows(t).filter((r) => CM.isNum(r.p_critical)).sort((a, b) => b.p_critical - a.p_critical).slice(0, 20)
          .map((r) => ({ label: r.name || r.material, value: r.p_critical, cls: 'series-0' })) }),
    }, ['crit_sensitivity', 'crit_mc', 'crit_stages', 'crit_eu']));
    return title;
  };

  // ---------------------------------------------------------------- material
  const SMALL = {
    crit_be: (rows) => chart.bars({ width: Math.min(520, chart.width()), title: 'EU vs Belgian scores', bars: [
      { label: 'SR, EU', value: rows[0].sr_eu, cls: 'eu' }, { label: 'SR, Belgium', value: rows[0].sr_be, cls: 'be' },
      { label: 'EI, EU', value: rows[0].ei_eu, cls: 'eu' }, { label: 'EI, Belgium', value: rows[0].ei_be, cls: 'be' }] }),
    crit_eu: (rows) => chart.bars({ width: Math.min(520, chart.width()), title: 'recomputed vs published', bars: [
      { label: 'SR recomputed', value: rows[0].sr, cls: 'eu' }, { label: 'SR published', value: rows[0].sr_published, cls: 'series-3' },
      { label: 'EI recomputed', value: rows[0].ei, cls: 'eu' }, { label: 'EI published', value: rows[0].ei_published, cls: 'series-3' }] }),
    crit_stages: (rows) => chart.bars({ width: Math.min(520, chart.width()), title: 'SR by stage',
      bars: rows.map((r) => ({ label: `SR ${r.stage}`, value: r.sr, cls: 'series-2' })) }),
    crit_mc: (rows) => chart.bars({ width: Math.min(520, chart.width()), title: 'probability of criticality', max: 1,
      bars: [{ label: 'P(critical)', value: rows[0].p_critical, cls: 'series-0' }, { label: 'P(SR ≥ threshold)', value: rows[0].p_sr, cls: 'series-1' },
        { label: 'P(EI ≥ threshold)', value: rows[0].p_ei, cls: 'series-2' }] }),
    crit_sensitivity: (rows) => chart.bars({ width: Math.min(520, chart.width()), title: 'grid cells where critical',
      bars: [{ label: 'critical cells', value: rows[0].cells_critical, cls: 'series-0' }, { label: 'all cells', value: rows[0].cells, cls: 'series-4' }] }),
    supply_chains: (rows) => chart.bars({ title: 'shares by stage: producers and Belgium\'s import partners', max: 1,
      bars: rows.slice().sort((a, b) => (a.stage + a.kind).localeCompare(b.stage + b.kind) || b.share - a.share)
        .filter((r, i, xs) => xs.filter((q, j) => j < i && q.stage === r.stage && q.kind === r.kind).length < 6)
        .map((r) => ({ label: `${r.stage} ${r.kind === 'producer' ? 'producer' : 'BE partner'} ${r.country}`, value: r.share,
          cls: r.kind === 'producer' ? 'eu' : 'be' })) }),
    supply_sectors: (rows) => chart.bars({ title: 'Belgian value added using the material (EUR million × use share)',
      bars: rows.filter((r) => CM.isNum(r.va_meur)).map((r) => ({ label: `${r.nace} ${r.application}`, value: r.va_meur * r.use_share, cls: 'be' })) }),
    urban_mine: (rows) => chart.lines({ title: 'content of the WEEE generated (t)', xLabel: 'year', yLabel: 't',
      series: [{ name: 'content (t), low–high band', points: rows.map((r) => [r.year, r.content_t]),
        band: rows.map((r) => [r.year, r.content_low_t, r.content_high_t]) }] }),
    trade_carriers: (rows) => chart.bars({ title: 'content of Belgian imports by year and product (kg)', unit: 'kg',
      bars: rows.filter((r) => CM.isNum(r.import_content_kg)).map((r) => ({ label: `${r.year} ${r.product}`, value: r.import_content_kg, cls: 'be' })) }),
    priorities: (rows) => chart.bars({ width: Math.min(520, chart.width()), title: 'recovery score', bars: [
      { label: `score (rank ${rows[0].rank})`, value: rows[0].score, cls: 'series-0' }, { label: 'maximum', value: rows[0].max_score, cls: 'series-4' }] }),
  };

  function genericSmall(t, rows) {
    const nums = t.columns.filter((c) => c.name !== t.material_column && rows.some((r) => CM.isNum(r[c.name])));
    if (numCol(t, 'year') && nums.length > 1) {
      const v = nums.find((c) => c.name !== 'year');
      return chart.lines({ title: `${v.name} by year`, xLabel: 'year', yLabel: v.name,
        series: [{ name: v.name, points: rows.map((r) => [r.year, r[v.name]]) }] });
    }
    if (!nums.length) return null;
    return chart.bars({ width: Math.min(520, chart.width()), title: t.title,
      bars: nums.slice(0, 8).map((c, i) => ({ label: c.name, value: rows[0][c.name], cls: `series-${i % 8}` })) });
  }

  P.material = async function (content, id) {
    const list = await CM.cached('/api/materials');
    if (!id) id = list.length ? list[0].id : '';
    const picker = el('form', { class: 'picker', 'aria-label': 'choose a material' },
      el('label', { for: 'mat-pick' }, 'Material'),
      el('select', { id: 'mat-pick', name: 'm' }, list.map((m) => el('option', { value: m.id, selected: m.id === id }, m.name))),
      el('button', { type: 'submit' }, 'Open'));
    picker.addEventListener('submit', (e) => { e.preventDefault(); location.hash = `#/material/${encodeURIComponent(picker.m.value)}`; });
    let data;
    try {
      data = await CM.api(`/api/material/${encodeURIComponent(id)}`);
    } catch (e) {
      const title = h1(content, `Material ${id}`);
      content.appendChild(picker);
      content.appendChild(el('p', { class: 'absent' }, `absent: ${e.message}`));
      return title;
    }
    const title = h1(content, data.name || data.material,
      'Every table of the assessment with a row for this material: scores, probability of criticality, producers by stage, Belgium\'s partners and the Belgian sectors that use it.');
    content.appendChild(picker);
    const have = new Set(data.tables.map((t) => t.id));
    for (const [id2, what] of [['supply_chains', 'producers by stage and Belgium\'s partners'], ['supply_sectors', 'Belgian sectors that use it'],
      ['crit_mc', 'probability of criticality']]) {
      if (!have.has(id2)) content.appendChild(el('p', { class: 'absent' }, `absent: ${what}: no row for ${data.material} in table ${id2}`));
    }
    const order = ['crit_be', 'crit_mc', 'supply_chains', 'supply_sectors', 'crit_eu', 'crit_stages', 'crit_sensitivity'];
    const tables = data.tables.slice().sort((a, b) => ((order.indexOf(a.id) + 100) % 100) - ((order.indexOf(b.id) + 100) % 100));
    for (const t of tables) {
      const rows = CM.rows(t);
      content.appendChild(CM.tableBlock(t, { open: false, figure: () => (SMALL[t.id] ? SMALL[t.id](rows) : genericSmall(t, rows)) }));
    }
    return title;
  };

  // ---------------------------------------------------------------- alerts, carriers
  P.alerts = async function (content) {
    const title = h1(content, 'Early-warning alerts', 'Ranked alerts on Belgian imports, each with its evidence; the pointers they come from.');
    append(content, await CM.sectionBlocks('trade', 'trade', {
      trade_alerts: (t) => el('div', {}, chart.bars({ title: 'alert severity', bars: CM.rows(t).map((r) =>
        ({ label: `${r.rank}. ${r.product} ${r.period} ${r.alert}`, value: r.severity, cls: 'series-0' })) }),
        el('ol', { class: 'alert-list' }, CM.rows(t).map((r) => el('li', {},
          el('strong', {}, `${r.product} ${r.period}: ${String(r.alert).replace(/_/g, ' ')}`),
          ` (severity ${CM.fmt(r.severity)}, ${r.declarant}, ${r.source}) — ${r.evidence || ''}`)))),
      trade_pointers: (t) => chart.bars({ title: 'partner HHI by product and period (first 25 rows)', max: 1, bars: CM.rows(t).slice(0, 25)
        .map((r) => ({ label: `${r.product} ${r.period}`, value: r.hhi, cls: 'be' })) }),
    }, ['trade_alerts', 'trade_pointers']));
    return title;
  };

  P.carriers = async function (content) {
    const title = h1(content, 'CRM carriers', 'The critical raw materials contained in the products Belgium imports and exports.');
    append(content, await CM.sectionBlocks('trade', 'trade', {
      trade_carriers: (t) => {
        const sum = {};
        for (const r of CM.rows(t)) if (CM.isNum(r.import_content_kg)) sum[r.material] = (sum[r.material] || 0) + r.import_content_kg;
        const bars = Object.entries(sum).sort((a, b) => b[1] - a[1]).map(([m, v]) => ({ label: m, value: v, cls: 'be' }));
        return bars.length ? chart.bars({ title: 'material content of Belgian imports, all years (kg)', unit: 'kg', xLabel: 'kg', bars })
          : el('p', { class: 'absent' }, 'absent: no import converted to material content (no quantities)');
      },
    }, ['trade_carriers']));
    return title;
  };

  // ---------------------------------------------------------------- wind
  const DRIVE = (tech) => (/^direct/.test(tech) ? 'direct drive' : /^geared/.test(tech) ? 'gearbox' : tech);

  P.wind = async function (content) {
    const title = h1(content, 'The Belgian wind fleet', 'Materials in stock and at end of life over time; direct-drive against gearbox turbines.');
    const s = await CM.section('wind');
    const status = CM.statusBlock(s, 'wind');
    if (status) { content.appendChild(status); return title; }
    const ids = s.tables || [];
    const get = async (id) => (ids.includes(id) ? CM.table(id).catch(() => null) : null);
    const flows = await get('wind_flows');
    const bands = await get('wind_bands');
    const fleet = await get('wind_fleet');
    if (flows) {
      const rows = CM.rows(flows).filter((r) => r.layer === 'materials');
      const scen = [...new Set(rows.map((r) => r.scenario))];
      const sc = scen.includes('25y') ? '25y' : scen[0];
      const items = [...new Set(rows.map((r) => r.item))];
      const series = (k) => items.map((it) => ({ name: it, points: rows.filter((r) => r.item === it && r.scenario === sc).map((r) => [r.year, r[k]]) }));
      content.appendChild(CM.tableBlock(flows, { heading: `Stocks by material (lifetime ${sc})`, figure: () => chart.lines({
        title: 'material stock in the fleet (t)', xLabel: 'year', yLabel: 'stock (t)', series: series('stock') }) }));
      content.appendChild(el('section', { class: 'block', 'aria-labelledby': 'h-eol' }, el('h2', { id: 'h-eol' }, `End-of-life flows by material (lifetime ${sc})`),
        el('figure', { class: 'figure' }, chart.lines({ title: 'end-of-life flows (t/yr)', xLabel: 'year', yLabel: 'end of life (t/yr)', series: series('eol') })),
        el('p', { class: 'links' }, 'Table above (column eol). ', CM.csvLink('wind_flows'))));
    } else content.appendChild(el('p', { class: 'absent' }, 'absent: the assessment has no table wind_flows'));
    if (bands) {
      const rows = CM.rows(bands).filter((r) => r.layer === 'materials');
      const items = [...new Set(rows.map((r) => r.item))].filter((it) => ['ndfeb', 'copper', 'steel'].includes(it));
      const sc = rows.length ? rows[0].scenario : '';
      content.appendChild(CM.tableBlock(bands, { heading: `End of life with its 5–95 % band (lifetime ${sc})`, figure: () => chart.lines({
        title: 'end-of-life flows, median and 5-95 % band (t/yr)', xLabel: 'year', yLabel: 't/yr',
        series: items.map((it) => { const rs = rows.filter((r) => r.item === it); return { name: `${it} (p50, band p5–p95)`,
          points: rs.map((r) => [r.year, r.eol_p50]), band: rs.map((r) => [r.year, r.eol_p5, r.eol_p95]) }; }) }) }));
    } else content.appendChild(el('p', { class: 'absent' }, 'absent: the assessment has no table wind_bands'));
    if (fleet) {
      const rows = CM.rows(fleet);
      const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
      const drives = ['direct drive', 'gearbox'];
      const series = (k) => drives.map((d) => ({ name: `${d} ${k === 'stock_mw' ? 'in stock' : 'at end of life'}`,
        cls: d === 'gearbox' ? 'series-1' : 'series-0',
        points: years.map((y) => [y, rows.filter((r) => r.year === y && DRIVE(r.technology) === d).reduce((a, r) => a + (r[k] || 0), 0)]) }));
      content.appendChild(CM.tableBlock(fleet, { heading: 'Direct drive vs gearbox', figure: () => chart.lines({
        title: 'capacity in stock by drivetrain (MW)', xLabel: 'year', yLabel: 'MW', series: series('stock_mw') }) }));
    } else content.appendChild(el('p', { class: 'absent' }, 'absent: direct drive vs gearbox: the assessment has no per-drivetrain table (wind_fleet)'));
    return title;
  };

  // ---------------------------------------------------------------- footprints, mfa, priorities
  P.footprints = async function (content) {
    const title = h1(content, 'Footprints', 'What each category of Belgian final demand embodies, from the input-output table.');
    append(content, await CM.sectionBlocks('footprint', 'footprint', {
      footprint_categories: (t) => el('div', {}, CM.rows(t).map((r) => chart.bars({ title: r.stressor, unit: r.unit, xLabel: `${r.stressor} (${r.unit || ''})`,
        bars: t.columns.filter((c) => !['stressor', 'unit', 'total'].includes(c.name) && CM.isNum(r[c.name]))
          .map((c) => ({ label: c.name, value: r[c.name], cls: r[c.name] < 0 ? 'series-1' : 'series-0' })) }))),
    }));
    return title;
  };

  P.mfa = async function (content) {
    const title = h1(content, 'EW-MFA indicators', 'Economy-wide material flow accounts: DE, DMI, DMC, RMC and the ratios derived from them.');
    append(content, await CM.sectionBlocks('mfa', 'EW-MFA', {
      mfa_indicators: (t) => {
        const rows = CM.rows(t);
        const ind = numCol(t, 'indicator') ? 'indicator' : null;
        const val = ['value', 'value_t'].find((c) => numCol(t, c));
        if (!ind || !val || !numCol(t, 'year')) return null;
        const pick = rows.filter((r) => r.indicator === 'DMC' && (!r.category || /total|^TOTAL|^MF$/.test(String(r.category))));
        if (!pick.length) return null;
        const geos = [...new Set(pick.map((r) => r.geo || ''))];
        return chart.lines({ title: 'DMC by year', xLabel: 'year', yLabel: CM.unit(t, val) || val,
          series: geos.map((g) => ({ name: `DMC ${g}`, points: pick.filter((r) => (r.geo || '') === g).map((r) => [r.year, r[val]]) })) });
      },
    }));
    return title;
  };

  P.priorities = async function (content) {
    const title = h1(content, 'Recovery priorities', 'Raw materials ranked for recovery in Belgium, and the urban mine of electrical and electronic waste they could come from.');
    append(content, await CM.sectionBlocks('priorities', 'priorities', {
      priorities: (t) => chart.bars({ title: 'recovery score, top 15', bars: CM.rows(t).filter((r) => CM.isNum(r.score)).slice(0, 15)
        .map((r) => ({ label: `${r.rank}. ${r.name || r.material}`, value: r.score, cls: 'series-0' })) }),
    }));
    content.appendChild(el('h2', { class: 'part' }, 'The urban mine'));
    append(content, await CM.sectionBlocks('waste', 'waste', {
      waste_weee: (t) => {
        const rows = CM.rows(t);
        const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
        const sum = (y, k) => rows.filter((r) => r.year === y && CM.isNum(r[k])).reduce((a, r) => a + r[k], 0);
        const withCollected = years.filter((y) => rows.some((r) => r.year === y && CM.isNum(r.collected_t)));
        return chart.lines({ title: 'WEEE generated and collected, all categories (t)', xLabel: 'year', yLabel: 't', series: [
          { name: 'generated', points: years.map((y) => [y, sum(y, 'generated_t')]) },
          { name: 'collected', points: withCollected.map((y) => [y, sum(y, 'collected_t')]) }] });
      },
      urban_mine: (t) => {
        const rows = CM.rows(t);
        const last = Math.max(...rows.map((r) => r.year));
        const mats = [...new Set(rows.map((r) => r.material))];
        return chart.bars({ title: `content of the WEEE generated in ${last} (t)`, unit: 't', xLabel: `t in ${last}`,
          bars: mats.map((m) => ({ label: m, value: (rows.find((r) => r.material === m && r.year === last) || {}).content_t, cls: 'be' }))
            .filter((b) => CM.isNum(b.value)).sort((a, b) => b.value - a.value) });
      },
    }));
    return title;
  };

  // ---------------------------------------------------------------- data
  P.data = async function (content) {
    const title = h1(content, 'Data and provenance', 'Every dataset the assessment was computed from, with its publisher, licence, version and SHA-256.');
    const a = await CM.assessment();
    content.appendChild(el('p', {}, `Assessment '${a.recipe}' (recipe SHA-256 `, el('code', {}, a.recipe_sha256 || '–'),
      `), cambium ${a.cambium_version}, created ${a.created}.`));
    const ds = await CM.api('/api/datasets');
    const cols = ['id', 'kind', 'name', 'publisher', 'licence', 'version', 'file', 'sha256', 'imported_at'];
    const t = { id: 'datasets', title: 'Datasets', columns: cols.map((n) => ({ name: n, unit: '' })),
      rows: ds.map((d) => cols.map((c) => (d[c] === undefined ? null : d[c]))) };
    content.appendChild(el('section', { class: 'block', 'aria-labelledby': 'h-ds' }, el('h2', { id: 'h-ds' }, `Datasets (${ds.length})`),
      el('div', { class: 'table-wrap provenance', tabindex: '0', role: 'region', 'aria-label': 'datasets' }, el('table', {},
        el('caption', {}, 'The datasets in the store'),
        el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, t.rows.map((r) => el('tr', {}, r.map((v, i) => el('td', { class: cols[i] === 'sha256' ? 'hash' : null },
          v === null ? '–' : String(v))))))))));
    const list = el('ul', { class: 'table-list' });
    for (const s of a.sections) {
      if (s.status !== 'done') {
        list.appendChild(el('li', {}, `${s.title}: `, el('span', { class: 'absent' }, `${s.status}: ${s.reason || ''}`)));
        continue;
      }
      for (const id of s.tables || []) list.appendChild(el('li', {}, `${s.title}: ${id} `, CM.csvLink(id)));
    }
    content.appendChild(el('section', { class: 'block', 'aria-labelledby': 'h-tables' }, el('h2', { id: 'h-tables' }, 'Tables of the assessment'), list));
    return title;
  };
})();
