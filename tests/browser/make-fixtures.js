#!/usr/bin/env node
// Convert the CSV files written by the cambium verbs (make-fixtures.sh runs them) to the table
// objects and assessment.json of docs/dashboard-contract.md, section 1.
//   node make-fixtures.js WORKDIR OUTDIR "cambium VERSION"
// Node 20 built-ins only. Long tables are trimmed (the note says how) to keep the fixtures small.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const [work, out, versionLine] = process.argv.slice(2);
if (!work || !out) {
  process.stderr.write('usage: node make-fixtures.js WORKDIR OUTDIR [VERSION]\n');
  process.exit(2);
}

// RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// Columns that hold codes, kept as strings even when they look like numbers ("0302", "250490").
const CODE_COLUMNS = new Set(['product', 'unu_key', 'nace', 'iot_group', 'country', 'code',
  'observation_ids', 'source_rows', 'composition_line']);
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

function unitOf(name) {
  if (/_t$/.test(name)) return 't';
  if (/_kg$/.test(name)) return 'kg';
  if (/_meur$/.test(name)) return 'EUR million';
  if (/_mw$/.test(name)) return 'MW';
  if (/_rate$|share/.test(name)) return '1';
  return '';
}

function readTable(file, keep) {
  const rows = parseCsv(fs.readFileSync(path.join(work, file), 'utf8'));
  const header = rows.shift();
  let body = rows.filter((r) => r.length === header.length);
  if (keep) body = body.filter((r) => keep(Object.fromEntries(header.map((h, i) => [h, r[i]]))));
  const cells = body.map((r) => r.map((v, i) => {
    if (v === '') return null;
    if (!CODE_COLUMNS.has(header[i]) && NUMBER.test(v)) {
      const x = Number(v);
      if (Number.isFinite(x)) return x;
    }
    return v;
  }));
  return { columns: header.map((h) => ({ name: h, unit: unitOf(h) })), rows: cells };
}

function svg(file) {
  const p = path.join(work, file);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
}

const tables = [];
function table(id, section, title, data, extra) {
  const t = { id, section, title, columns: data.columns, rows: data.rows };
  Object.assign(t, extra);
  if (t.figure_svg === undefined) delete t.figure_svg;
  tables.push(t);
  return t;
}

const ds = JSON.parse(fs.readFileSync(path.join(work, 'datasets.json'), 'utf8')).datasets;
const dsIds = (kinds) => ds.filter((d) => kinds.some((k) => d.kind.startsWith(k))).map((d) => d.id);
const dsList = (kinds) => dsIds(kinds).join(', ');
const trimNote = (n, total) => (n < total ? ` (fixture trimmed to ${n} of ${total} rows)` : '');

// criticality
const critEu = readTable('crit/eu_results.csv');
table('crit_eu', 'criticality', 'EU 2023 criticality recomputed from its inputs', critEu, {
  material_column: 'material',
  source: `cambium crit eu on datasets ${dsList(['eu-crm', 'wgi'])}`,
  note: 'Supply risk (SR) and economic importance (EI) of each raw material by the EU 2023 method, recomputed from the published inputs, beside the published values.',
  figure_svg: svg('crit/eu_sr_ei.svg'),
});
const stages = readTable('crit/eu_stages.csv');
table('crit_stages', 'criticality', 'Supply risk by stage (extraction, processing)', stages, {
  material_column: 'material',
  source: `cambium crit eu on datasets ${dsList(['eu-crm', 'wgi'])}`,
  note: 'Per material and stage: HHI weighted by WGI of global and EU sourcing, import reliance, end-of-life recycling input rate and the stage SR.',
});
const critBe = readTable('crit/be_results.csv');
table('crit_be', 'criticality', 'Criticality for Belgium beside the EU', critBe, {
  material_column: 'material',
  source: `cambium crit be on datasets ${dsList(['eu-crm', 'wgi', 'baci', 'oecd'])}`,
  note: 'The Belgian variant: SR from Belgian sourcing and import reliance (BACI), EI scaled by the value added of Belgian end-use sectors (OECD IOT); what moved each class is explained per material.',
  figure_svg: svg('crit/be_sr_ei.svg'),
});
table('crit_sensitivity', 'criticality', 'Critical set over a grid of thresholds (Belgium)',
  readTable('sens/sens_materials.csv'), {
    material_column: 'material',
    source: 'cambium crit sensitivity --variant be (SR 0.8-1.2, EI 2.4-3.2, steps of 0.1)',
    note: 'For every pair of thresholds on the grid, whether each material is critical; threshold_dependent marks the materials whose class changes over the grid.',
    figure_svg: svg('sens/sens_counts.svg'),
  });
const mc = readTable('mc/mc_results.csv');
table('crit_mc', 'criticality', 'Probability of criticality (Belgium, Monte Carlo)', mc, {
  material_column: 'material',
  source: 'cambium crit mc --variant be --draws 500 --seed 1',
  note: 'Monte Carlo over the inputs (WGI, supply shares, import reliance, EoL-RIR, substitution indices): P(critical) and the 5/50/95 % quantiles of SR and EI.',
  figure_svg: svg('mc/mc_pcritical.svg'),
});

// supply chains of a few materials
const supplyMaterials = ['cobalt', 'lithium', 'natural-graphite', 'gallium', 'copper'];
const supply = { columns: null, rows: [] };
const sectors = { columns: null, rows: [] };
for (const m of supplyMaterials) {
  const a = readTable(`supply/supply_${m}.csv`);
  supply.columns = a.columns;
  supply.rows.push(...a.rows);
  const b = readTable(`supply/supply_${m}_sectors.csv`);
  sectors.columns = b.columns;
  sectors.rows.push(...b.rows);
}
table('supply_chains', 'supply', 'Producers by stage and Belgium\'s import partners', supply, {
  material_column: 'material',
  source: `cambium supply (${supplyMaterials.join(', ')}) on datasets ${dsList(['eu-crm', 'baci', 'wgi'])}`,
  note: 'Per stage the producing countries with their global supply shares (EU 2023 tables) and the import partners of Belgium (BACI, by the stage\'s HS6 codes) with their shares.',
  figure_svg: svg('supply/supply_cobalt.svg'),
});
table('supply_sectors', 'supply', 'Belgian sectors that use the material', sectors, {
  material_column: 'material',
  source: `cambium supply --out (supply_<material>_sectors.csv) on datasets ${dsList(['eu-crm', 'oecd'])}`,
  note: 'The Belgian sectors (NACE) using the material (EU end-use shares) with their value added (OECD IOT). Not in the contract\'s table list: proposed beside supply_chains.',
});

// footprints: the verb prints an aligned text table; columns are separated by 2+ spaces.
{
  const lines = fs.readFileSync(path.join(work, 'footprint.txt'), 'utf8').split('\n').filter((l) => l.trim());
  const head = lines[1].trim().split(/\s{2,}/);
  const rows = lines.slice(2).map((l) => l.trim().split(/\s{2,}/).map((v, i) => (i > 0 && NUMBER.test(v) ? Number(v) : v)));
  table('footprint_categories', 'footprint', 'Value added embodied in Belgian final demand by category',
    { columns: head.map((h) => ({ name: h, unit: h === 'stressor' || h === 'unit' ? '' : 'USD million' })), rows }, {
      source: 'cambium mrio footprint data/belgium/BEL2020ttl.csv --region BEL --extension factor_inputs --by-category',
      note: 'M y_k + F_Y for each final-demand category of the Belgian 2020 IOT (OECD): households (HFCE), NPISH, government (GGFC), investment (GFCF), inventories, exports and the negative part of imports.',
    });
}

// trade
const alerts = readTable('trade/alerts.csv');
table('trade_alerts', 'trade', 'Early-warning alerts on Belgian imports', alerts, {
  source: `cambium trade pointers on datasets ${dsList(['baci', 'wgi'])}`,
  note: 'Ranked alerts: concentration, high-risk partner share, jumps of value, quantity and unit value against the baseline, each with its evidence and the source rows.',
});
const pointers = readTable('trade/pointers.csv');
const nPointers = pointers.rows.length;
pointers.rows = pointers.rows.slice(0, 40);
table('trade_pointers', 'trade', 'Trade pointers by product and period', pointers, {
  source: `cambium trade pointers on datasets ${dsList(['baci', 'wgi'])}`,
  note: 'Per product and period: value, quantity, unit value, number of partners, HHI, top partner and its share, high-risk share and the z-scores against the baseline' + trimNote(40, nPointers) + '.',
});
table('trade_carriers', 'trade', 'CRM carriers: material content of Belgian trade', readTable('carriers/carriers.csv'), {
  material_column: 'material',
  source: 'cambium trade carriers (data/trade/compositions.csv)',
  note: 'Kg of each material contained in Belgian imports, exports and apparent consumption by product, from a composition table applied to the trade quantities; value-only flows are not converted.',
  figure_svg: svg('carriers/carriers.svg'),
});

// waste
const weee = readTable('waste/waste.csv', (r) => Number(r.year) >= 2010);
table('waste_weee', 'waste', 'WEEE generated and collected in Belgium', weee, {
  source: 'cambium trade waste (data/weee: put on market, lifetimes, collected)',
  note: 'Put on market per UNU key through Weibull lifetimes to waste generated, beside the WEEE collected: gap and collection rate (fixture: years from 2010).',
  figure_svg: svg('waste/waste.svg'),
});
table('urban_mine', 'waste', 'The urban mine: CRM content of Belgian WEEE', readTable('waste/urban_mine_by_material.csv',
  (r) => Number(r.year) >= 2010 && Number(r.year) % 5 === 0), {
  material_column: 'material',
  source: 'cambium trade waste (data/weee/composition.csv)',
  note: 'Material content of the waste generated, with its low and high bounds; projected years assume put on market constant (fixture: every 5th year from 2010).',
  figure_svg: svg('waste/urban_mine.svg'),
});

// wind (25-year lifetime scenario)
table('wind_flows', 'wind', 'Belgian wind fleet: materials in stock and at end of life', readTable('wind/mmsa_flows.csv',
  (r) => r.scenario === '25y' && (r.layer === 'materials' || r.layer === 'group')), {
  source: 'cambium mmsa run models/wind-belgium.ini --draws 200 --seed 1',
  note: 'Inflow, stock, end of life and recovered mass by material of the Belgian wind fleet (multilayer model: drivetrain to components, materials and elements), 25-year lifetime (fixture: materials layer and the rare-earth group).',
  figure_svg: svg('wind/mmsa_stocks.svg'),
});
table('wind_bands', 'wind', 'Wind fleet: uncertainty bands of stock and end of life', readTable('wind/mmsa_bands.csv',
  (r) => r.scenario === '25y' && r.layer === 'materials'), {
  source: 'cambium mmsa run models/wind-belgium.ini --draws 200 --seed 1',
  note: '5, 50 and 95 % quantiles over 200 draws of the intensities and lifetimes, 25-year scenario.',
  figure_svg: svg('wind/mmsa_eol.svg'),
});
table('wind_fleet', 'wind', 'Wind fleet by drivetrain: direct drive vs gearbox', readTable('wind/fleet.csv',
  (r) => r.scenario === '25y'), {
  source: 'cambium mmsa run models/wind-belgium.ini (fleet.csv)',
  note: 'Installed, in-stock and end-of-life capacity (MW) per drivetrain technology, 25-year lifetime. Not in the contract\'s table list: proposed beside wind_flows for the direct drive vs gearbox view.',
});

// priorities
const prio = readTable('prio/priorities.csv');
const nPrio = prio.rows.length;
prio.rows = prio.rows.slice(0, 30);
table('priorities', 'priorities', 'Recovery priorities for Belgium', prio, {
  material_column: 'material',
  source: 'cambium trade prioritise --crit be_results.csv --urban-mine urban_mine.csv (data/trade/priorities.ini)',
  note: 'Raw materials ranked for recovery on criticality, Belgian demand that secondary material could replace, recycling feasibility and the future urban mine' + trimNote(30, nPrio) + '.',
  figure_svg: svg('prio/priorities.svg'),
});

// assessment.json
const col = (t, name) => t.columns.findIndex((c) => c.name === name);
const critNames = (t, flag) => t.rows.filter((r) => r[col(t, flag)] === 1).map((r) => r[0]);
const mfaErr = fs.readFileSync(path.join(work, 'mfa.err'), 'utf8').trim().replace(/^cambium: /, '');
const byId = Object.fromEntries(tables.map((t) => [t.id, t]));
const sectionTables = (s) => tables.filter((t) => t.section === s).map((t) => t.id);
const sections = [
  mfaErr ? { id: 'mfa', title: 'EW-MFA indicators', status: 'absent', reason: mfaErr }
    : { id: 'mfa', title: 'EW-MFA indicators', status: 'done', tables: [] },
  { id: 'criticality', title: 'Criticality of raw materials: the EU and Belgium', status: 'done',
    methods: 'The EU 2023 method (SR from WGI-weighted HHI of supply, import reliance, EoL-RIR and substitution; EI from the value added of end-use sectors) recomputed, then a Belgian variant from Belgian trade and value added; sensitivity to the thresholds and a Monte Carlo over the inputs.',
    tables: sectionTables('criticality'),
    summary: [`critical for the EU: ${critNames(critBe, 'critical_eu').length} materials`,
      `critical for Belgium: ${critNames(critBe, 'critical_be').length} materials (${critNames(critBe, 'critical_be').join(', ')})`] },
  { id: 'supply', title: 'Supply chains of critical materials', status: 'done',
    methods: 'Producers by stage from the EU 2023 supply tables, Belgian import partners from BACI, Belgian sectors from the EU end-use shares and the OECD IOT.',
    tables: sectionTables('supply'), summary: [`supply maps of ${supplyMaterials.join(', ')}`] },
  { id: 'footprint', title: 'Footprints of Belgian final demand', status: 'done',
    methods: 'Leontief model of the Belgian 2020 IOT (OECD) as a one-region system; the factor-input extension embodied in each final-demand category.',
    tables: sectionTables('footprint') },
  { id: 'trade', title: 'Trade early warnings and CRM carriers', status: 'done',
    methods: 'Pointers per product and period of Belgian imports (BACI) with thresholds from data/trade/pointers.ini; carriers from a composition table.',
    tables: sectionTables('trade'), summary: [`${alerts.rows.length} alerts`] },
  { id: 'waste', title: 'WEEE and the urban mine', status: 'done',
    methods: 'Put on market per UNU key, Weibull lifetimes, waste generated beside WEEE collected; material content from a composition table.',
    tables: sectionTables('waste') },
  { id: 'wind', title: 'The Belgian wind fleet', status: 'done',
    methods: 'Multilayer material system model of the wind fleet (drivetrain, components, materials, elements), lifetimes of 20, 25 and 30 years, Monte Carlo bands.',
    tables: sectionTables('wind') },
  { id: 'priorities', title: 'Recovery priorities', status: 'done',
    methods: 'Weighted sum of normalised criteria from data/trade/priorities.ini.',
    tables: sectionTables('priorities'),
    summary: ['top 5: ' + prio.rows.slice(0, 5).map((r) => r[col(prio, 'material')]).join(', ')] },
];
const datasets = ds.map((d) => ({ id: d.id, kind: d.kind, name: d.name, publisher: d.publisher, source: d.source,
  licence: d.licence, version: d.version, file: d.file, sha256: d.sha256, imported_at: d.imported_at }));
const script = fs.readFileSync(path.join(__dirname, 'make-fixtures.sh'));
const assessment = {
  recipe: 'belgium',
  recipe_sha256: crypto.createHash('sha256').update(script).digest('hex'),
  cambium_version: (versionLine || 'cambium').replace(/^cambium /, ''),
  created: datasets.map((d) => d.imported_at).sort().pop(),
  sections,
  datasets: datasets.map(({ source, imported_at, ...d }) => d),
};

fs.mkdirSync(path.join(out, 'tables'), { recursive: true });
for (const f of fs.readdirSync(path.join(out, 'tables'))) fs.unlinkSync(path.join(out, 'tables', f));
for (const t of tables) {
  if (!byId[t.id]) throw new Error(t.id);
  fs.writeFileSync(path.join(out, 'tables', `${t.id}.json`), JSON.stringify(t) + '\n');
}
fs.writeFileSync(path.join(out, 'assessment.json'), JSON.stringify(assessment, null, 1) + '\n');
fs.writeFileSync(path.join(out, 'datasets.json'), JSON.stringify(datasets, null, 1) + '\n');
process.stdout.write(`make-fixtures: ${tables.length} tables, ${datasets.length} datasets -> ${out}\n`);
