#!/usr/bin/env node
// A stand-in for `cambium serve` (docs/dashboard-contract.md, section 2) serving assets/dashboard
// and the fixtures of tests/data/dashboard (make-fixtures.sh). Node 20 built-ins only.
//   node mock-server.js [--port N] [--assets DIR] [--fixtures DIR]
// --port 0 (default) picks a free port; the first line on stdout is "listening http://127.0.0.1:PORT/".
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
function opt(name, def) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}
const root = path.resolve(__dirname, '..', '..');
const assetsDir = path.resolve(opt('--assets', path.join(root, 'assets', 'dashboard')));
const fixDir = path.resolve(opt('--fixtures', path.join(root, 'tests', 'data', 'dashboard')));
const port = Number(opt('--port', '0'));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

const assessment = JSON.parse(fs.readFileSync(path.join(fixDir, 'assessment.json'), 'utf8'));
const datasets = JSON.parse(fs.readFileSync(path.join(fixDir, 'datasets.json'), 'utf8'));
const tables = {};
for (const s of assessment.sections) {
  for (const id of s.tables || []) {
    tables[id] = JSON.parse(fs.readFileSync(path.join(fixDir, 'tables', `${id}.json`), 'utf8'));
  }
}

function colIndex(t, name) { return t.columns.findIndex((c) => c.name === name); }
function rowsOf(t) {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]])));
}

// Material names: the name column of crit_eu, else the id.
const names = {};
if (tables.crit_eu) for (const r of rowsOf(tables.crit_eu)) names[r.material] = r.name;
const MATERIAL_ID = /^[a-z0-9-]{1,64}$/;
function materialIds() {
  const seen = new Set();
  for (const t of Object.values(tables)) {
    const i = t.material_column ? colIndex(t, t.material_column) : -1;
    if (i < 0) continue;
    for (const r of t.rows) if (typeof r[i] === 'string' && MATERIAL_ID.test(r[i])) seen.add(r[i]);
  }
  return [...seen].sort();
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function toCsv(t) {
  const lines = [t.columns.map((c) => csvCell(c.name)).join(',')];
  for (const r of t.rows) lines.push(r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

// /api/crit: the classes of crit_be recomputed at the given thresholds.
function crit(sr, ei) {
  const t = tables.crit_be;
  const cls = (s, e) => (s === null || e === null ? null : s >= sr && e >= ei);
  return {
    thresholds: { sr, ei },
    materials: rowsOf(t).map((r) => ({ material: r.material, sr_eu: r.sr_eu, ei_eu: r.ei_eu, sr_be: r.sr_be,
      ei_be: r.ei_be, critical_eu: cls(r.sr_eu, r.ei_eu), critical_be: cls(r.sr_be, r.ei_be) })),
  };
}

// /api/whatif: an APPROXIMATION of cm_crit_whatif_json, enough to exercise the page: the SR of the
// material is scaled by the change of the WGI-weighted HHI of the global producer shares of its SR
// stage (supply_chains) when the country's share is cut and the others renormalised; the value added
// exposed is the Belgian value added of the using sectors (supply_sectors) times use share, the
// country's largest stage share and the cut. The real server calls the library.
function whatif(material, country, cut, srT, eiT) {
  const be = rowsOf(tables.crit_be).find((r) => r.material === material);
  if (!be) return [404, { error: `unknown material '${material}'` }];
  const eu = rowsOf(tables.crit_eu).find((r) => r.material === material) || {};
  const supply = rowsOf(tables.supply_chains).filter((r) => r.material === material && r.kind === 'producer');
  const notes = [];
  const ratio = {};
  let maxShare = 0;
  const cutStages = [];
  for (const stage of [...new Set(supply.map((r) => r.stage))]) {
    const rows = supply.filter((r) => r.stage === stage);
    const c = rows.find((r) => r.country === country);
    if (!c) continue;
    cutStages.push(stage);
    maxShare = Math.max(maxShare, c.share);
    const hhi = (rs) => rs.reduce((a, r) => a + r.s * r.s * (r.wgi_scaled || 0), 0);
    const before = rows.map((r) => ({ s: r.share, wgi_scaled: r.wgi_scaled }));
    const after = rows.map((r) => ({ s: r.country === country ? r.share * (1 - cut) : r.share, wgi_scaled: r.wgi_scaled }));
    const sum = after.reduce((a, r) => a + r.s, 0);
    for (const r of after) r.s /= sum;
    ratio[stage] = hhi(before) > 0 ? hhi(after) / hhi(before) : 1;
  }
  if (!supply.length) notes.push(`no supply shares of ${material} in the fixtures: supply risk unchanged`);
  else if (!cutStages.length) notes.push(`${country} supplies no stage of ${material}: supply risk unchanged`);
  else notes.push(`the country's share removed at stages: ${cutStages.join(', ')}`);
  notes.push('mock server: SR scaled by the change of the global WGI-weighted HHI (approximation)');
  const k = ratio[eu.sr_stage] !== undefined ? ratio[eu.sr_stage] : 1;
  const cls = (s, e) => (s === null || e === null || s === undefined || e === undefined ? false : s >= srT && e >= eiT);
  const before = { sr_eu: be.sr_eu, sr_be: be.sr_be, critical_eu: cls(be.sr_eu, be.ei_eu), critical_be: cls(be.sr_be, be.ei_be) };
  const after = { sr_eu: be.sr_eu * k, sr_be: be.sr_be === null ? null : be.sr_be * k };
  after.critical_eu = cls(after.sr_eu, be.ei_eu);
  after.critical_be = cls(after.sr_be, be.ei_be);
  const newly = [];
  const nolonger = [];
  for (const v of ['eu', 'be']) {
    if (!before[`critical_${v}`] && after[`critical_${v}`]) newly.push({ material, variant: v });
    if (before[`critical_${v}`] && !after[`critical_${v}`]) nolonger.push({ material, variant: v });
  }
  const bySector = {};
  for (const r of rowsOf(tables.supply_sectors).filter((r) => r.material === material && r.nace)) {
    bySector[r.nace] = (bySector[r.nace] || 0) + r.va_meur * r.use_share * maxShare * cut;
  }
  const sectors = Object.entries(bySector).map(([nace, value]) => ({ nace, value }));
  return [200, { material, country, cut, before, after, newly_critical: newly, no_longer_critical: nolonger,
    be_value_added_exposed: { value: sectors.reduce((a, s) => a + s.value, 0), unit: 'EUR million', sectors },
    notes }];
}

function send(res, method, status, type, body, extra) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  res.writeHead(status, Object.assign({ 'Content-Type': type, 'Content-Length': buf.length,
    'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }, extra));
  res.end(method === 'HEAD' ? undefined : buf);
}
const json = (res, m, status, obj) => send(res, m, status, 'application/json; charset=utf-8', JSON.stringify(obj));

function number(q, name, def, lo, hi, loOpen) {
  if (!q.has(name)) return def;
  const s = q.get(name);
  const x = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(x) || (loOpen ? x <= lo : x < lo) || x > hi) throw new Error(name);
  return x;
}

function handle(req, res) {
  const m = req.method;
  if (m !== 'GET' && m !== 'HEAD') return json(res, m, 405, { error: `method ${m} not allowed: GET or HEAD` });
  if (req.url.length > 2048) return json(res, m, 414, { error: 'URL too long' });
  const u = new URL(req.url, 'http://localhost');
  const p = u.pathname;
  const q = u.searchParams;
  let g;
  if (p === '/' || p === '/index.html') {
    return send(res, m, 200, TYPES['.html'], fs.readFileSync(path.join(assetsDir, 'index.html')));
  }
  if ((g = /^\/assets\/([A-Za-z0-9_-]+\.(js|css|svg|png))$/.exec(p))) {
    const f = path.join(assetsDir, g[1]);
    if (!fs.existsSync(f)) return json(res, m, 404, { error: `no asset '${g[1]}'` });
    return send(res, m, 200, TYPES[path.extname(f)], fs.readFileSync(f));
  }
  if (p === '/api/health') return json(res, m, 200, { ok: true, store: 'mock', assessment: true });
  if (p === '/api/assessment') return json(res, m, 200, assessment);
  if (p === '/api/datasets') return json(res, m, 200, datasets);
  if (p === '/api/materials') return json(res, m, 200, materialIds().map((id) => ({ id, name: names[id] || id })));
  if ((g = /^\/api\/table\/([a-z0-9_]{1,64})(\.csv)?$/.exec(p))) {
    const t = tables[g[1]];
    if (!t) return json(res, m, 404, { error: `no table '${g[1]}' in the assessment` });
    if (g[2]) return send(res, m, 200, 'text/csv; charset=utf-8', toCsv(t), { 'Content-Disposition': `attachment; filename="${t.id}.csv"` });
    return json(res, m, 200, t);
  }
  if ((g = /^\/api\/figure\/([a-z0-9_]{1,64})\.svg$/.exec(p))) {
    const t = tables[g[1]];
    if (!t || !t.figure_svg) return json(res, m, 404, { error: `no figure for '${g[1]}'` });
    return send(res, m, 200, 'image/svg+xml', t.figure_svg);
  }
  if ((g = /^\/api\/material\/(.*)$/.exec(p))) {
    const id = decodeURIComponent(g[1]);
    if (!MATERIAL_ID.test(id)) return json(res, m, 400, { error: 'invalid parameter material: expected [a-z0-9-]{1,64}' });
    const out = [];
    for (const s of assessment.sections) {
      for (const tid of s.tables || []) {
        const t = tables[tid];
        const i = t.material_column ? colIndex(t, t.material_column) : -1;
        if (i < 0) continue;
        const rows = t.rows.filter((r) => r[i] === id);
        if (rows.length) out.push(Object.assign({}, t, { rows }));
      }
    }
    if (!out.length) return json(res, m, 404, { error: `no material '${id}' in the assessment` });
    return json(res, m, 200, { material: id, name: names[id] || id, tables: out });
  }
  try {
    if (p === '/api/crit') {
      return json(res, m, 200, crit(number(q, 'sr', 1.0, 0, 100, true), number(q, 'ei', 2.8, 0, 100, true)));
    }
    if (p === '/api/whatif') {
      const mat = q.get('material') || '';
      const c = q.get('country') || '';
      if (!MATERIAL_ID.test(mat)) throw new Error('material');
      if (!/^[A-Z]{3}$/.test(c)) throw new Error('country');
      if (!q.has('cut')) throw new Error('cut');
      const cut = number(q, 'cut', 0, 0, 100, true) / 100;
      const [st, obj] = whatif(mat, c, cut, number(q, 'sr', 1.0, 0, 100, true), number(q, 'ei', 2.8, 0, 100, true));
      return json(res, m, st, obj);
    }
  } catch (e) {
    return json(res, m, 400, { error: `invalid parameter ${e.message}` });
  }
  return json(res, m, 404, { error: `no route ${p}` });
}

const server = http.createServer((req, res) => {
  try { handle(req, res); } catch (e) { json(res, req.method, 500, { error: String(e.message) }); }
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}/\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
