#!/usr/bin/env node
// Headless-browser test of the dashboard: Debian's chromium driven through the DevTools protocol
// over a pipe (fds 3 and 4, NUL-separated JSON). Node 20 built-ins only.
//   node run.js BASE_URL [--out DIR] [--chromium PATH] [--only PAGE]
// Opens every page at 1280x800 and 390x844, waits for it to render, checks its elements, that the
// console shows no error, no uncaught exception and no CSP violation, runs a keyboard check and
// saves a screenshot of each page under DIR (default $CM_BUILD_DIR/browser, else ./browser-out).
// Exit 0: all passed; 1: a check failed; 77: chromium not found (skipped).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const argv = process.argv.slice(2);
function opt(name, def) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
}
const base = argv[0] && !argv[0].startsWith('--') ? argv[0].replace(/\/?$/, '/') : null;
if (!base) {
  process.stderr.write('usage: node run.js BASE_URL [--out DIR] [--chromium PATH] [--only PAGE]\n');
  process.exit(2);
}
const outDir = path.resolve(opt('--out', process.env.CM_BUILD_DIR ? path.join(process.env.CM_BUILD_DIR, 'browser') : 'browser-out'));
const only = opt('--only', null);

function findChromium() {
  const given = opt('--chromium', process.env.CHROMIUM);
  if (given) return given;
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}
const chromiumPath = findChromium();
if (!chromiumPath) {
  process.stdout.write('SKIP: chromium not found (apt-get install chromium, or --chromium PATH)\n');
  process.exit(77);
}

// ------------------------------------------------------------------ DevTools protocol over a pipe
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-chromium-'));
const browser = spawn(chromiumPath, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--remote-debugging-pipe', `--user-data-dir=${profile}`,
  '--disable-extensions', '--disable-sync', '--mute-audio', '--hide-scrollbars', 'about:blank'],
{ stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let browserLog = '';
browser.stderr.on('data', (d) => { browserLog = (browserLog + d).slice(-4000); });
const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];

let nextId = 1;
const pending = new Map();
const listeners = [];
let inbuf = Buffer.alloc(0);
fromBrowser.on('data', (chunk) => {
  inbuf = Buffer.concat([inbuf, chunk]);
  let z;
  while ((z = inbuf.indexOf(0)) >= 0) {
    const msg = JSON.parse(inbuf.subarray(0, z).toString('utf8'));
    inbuf = inbuf.subarray(z + 1);
    if (msg.id !== undefined && pending.has(msg.id)) {
      const { resolve, reject, method } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});
browser.on('exit', (code) => {
  for (const { reject } of pending.values()) reject(new Error(`chromium exited (${code}): ${browserLog}`));
  pending.clear();
});

function send(method, params, sessionId) {
  const id = nextId++;
  const msg = { id, method, params: params || {} };
  if (sessionId) msg.sessionId = sessionId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, method });
    toBrowser.write(JSON.stringify(msg) + '\0');
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function withTimeout(p, ms, what) {
  return Promise.race([p, sleep(ms).then(() => { throw new Error(`timeout after ${ms} ms: ${what}`); })]);
}

// ------------------------------------------------------------------ the checks of each page
// Each check runs in the page (an async function body returning a list of failure strings).
const COMMON = `
  const fails = [];
  const $$ = (s) => [...document.querySelectorAll(s)];
  const a = await (await fetch('/api/assessment')).json();
  const section = (id) => a.sections.find((s) => s.id === id);
  if (!document.querySelector('main h1')) fails.push('no h1');
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    fails.push('page wider than the window: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
  for (const b of $$('.block[data-table]')) {
    if (!b.querySelector('a.csv[href$=".csv"]')) fails.push('block ' + b.dataset.table + ' without a CSV link');
    const fig = b.querySelector('figure svg, figure img');
    if (fig && !b.querySelector('table tbody tr')) fails.push('figure of ' + b.dataset.table + ' without table rows');
  }
  for (const s of $$('svg.chart')) if (s.childElementCount < 2) fails.push('empty chart: ' + s.getAttribute('aria-label'));
  for (const img of $$('img.figure-img')) if (!img.complete || img.naturalWidth === 0) fails.push('figure image not loaded: ' + img.src);
  for (const f of $$('.failed')) fails.push('failure shown: ' + f.textContent);
  // A section that is not done shows "absent: reason" (or failed), never a figure.
  const sectionCheck = (id, only) => {
    const s = section(id);
    if (!s || s.status !== 'done') {
      if (!$$('.absent, .failed').some((e) => /^(absent|failed): /.test(e.textContent))) fails.push('section ' + id + ' is ' + (s ? s.status : 'missing') + ' but the page does not say absent');
      return false;
    }
    for (const t of (s.tables || []).filter((t) => !only || only.includes(t))) if (!document.querySelector('.block[data-table="' + t + '"]') && !$$('.absent').some((e) => e.textContent.includes(t)))
      fails.push('table ' + t + ' of section ' + id + ' not shown');
    return true;
  };
  const rowsOf = async (id) => (await (await fetch('/api/table/' + id)).json()).rows.length;
`;

const PAGES = [
  { name: 'overview', hash: '#/', check: `
    const cards = $$('.card');
    if (cards.length !== a.sections.length) fails.push('cards ' + cards.length + ' != sections ' + a.sections.length);
    for (const s of a.sections.filter((s) => s.status !== 'done')) {
      const c = document.querySelector('.card[data-section="' + s.id + '"]');
      if (!c || !/^(absent|failed): /.test((c.querySelector('.absent, .failed') || {}).textContent || '')) fails.push('section ' + s.id + ' not shown as ' + s.status);
    }` },
  { name: 'criticality', hash: '#/criticality', check: `
    if (sectionCheck('criticality')) {
      const crit = await (await fetch('/api/crit?sr=1&ei=2.8')).json();
      for (const v of ['eu', 'be']) {
        const n = crit.materials.filter((m) => Number.isFinite(m['sr_' + v]) && Number.isFinite(m['ei_' + v])).length;
        const pts = $$('figure.scatter[data-variant="' + v + '"] circle.point');
        if (pts.length !== n || n === 0) fails.push(v + ' scatter: ' + pts.length + ' points for ' + n + ' materials');
        if (pts.some((p) => p.getAttribute('tabindex') !== '0' || !p.getAttribute('aria-label'))) fails.push(v + ' points not focusable or unlabelled');
        if ($$('figure.scatter[data-variant="' + v + '"] line.threshold').length !== 2) fails.push(v + ' scatter without its two threshold lines');
      }
      if (!document.querySelector('#thr-sr') || !document.querySelector('#thr-ei')) fails.push('no threshold inputs');
      // hover: the detail panel shows the terms
      const p0 = document.querySelector('figure.scatter circle.point');
      p0.dispatchEvent(new MouseEvent('mouseenter'));
      if (!/Supply risk/.test(document.querySelector('.point-detail').textContent)) fails.push('hover shows no terms');
      // thresholds: redraw at SR 0.5 must classify more materials critical for the EU
      const before = $$('figure.scatter[data-variant="eu"] circle.point.crit').length;
      const c2 = await (await fetch('/api/crit?sr=0.5&ei=2.8')).json();
      const want = c2.materials.filter((m) => m.critical_eu === true || m.critical_eu === 1).length;
      document.querySelector('#thr-sr').value = '0.5';
      document.querySelector('form.thresholds').requestSubmit();
      for (let i = 0; i < 100 && $$('figure.scatter[data-variant="eu"] circle.point.crit').length === before; i++) await new Promise((r) => setTimeout(r, 50));
      const after = $$('figure.scatter[data-variant="eu"] circle.point.crit').length;
      if (after !== want || after <= before) fails.push('redraw at SR 0.5: ' + after + ' critical points, expected ' + want + ' (before ' + before + ')');
      // what if
      const wf = document.querySelector('#whatif');
      wf.material.value = 'cobalt'; wf.country.value = 'COD'; wf.cut.value = '50';
      wf.requestSubmit();
      for (let i = 0; i < 100 && !document.querySelector('#whatif-result table[data-whatif], #whatif-result .failed'); i++) await new Promise((r) => setTimeout(r, 50));
      const res = document.querySelector('#whatif-result');
      if (!res.querySelector('table[data-whatif] tbody tr')) fails.push('what-if gave no answer: ' + res.textContent);
      if (!/value added exposed/i.test(res.textContent)) fails.push('what-if answer without the value added exposed');
      // a bad country is refused by the API and the page says so
      wf.country.value = 'C0D'; wf.removeAttribute('novalidate'); wf.noValidate = true; wf.requestSubmit();
      for (let i = 0; i < 100 && !res.querySelector('.failed'); i++) await new Promise((r) => setTimeout(r, 50));
      const bad = res.querySelector('.failed');
      if (!bad || !/country/.test(bad.textContent)) fails.push('what-if with a bad country not refused: ' + res.textContent);
      // and a good one again, for the screenshot
      wf.country.value = 'COD'; wf.requestSubmit();
      for (let i = 0; i < 100 && !res.querySelector('table[data-whatif]'); i++) await new Promise((r) => setTimeout(r, 50));
      if (!res.querySelector('table[data-whatif]')) fails.push('what-if gave no answer after a refused one');
      if (!$$('table tbody tr').length) fails.push('no table rows');
    }` },
  { name: 'material', hash: '#/material/cobalt', check: `
    const m = await (await fetch('/api/material/cobalt')).json();
    const blocks = $$('.block[data-table]');
    if (blocks.length !== m.tables.length) fails.push('blocks ' + blocks.length + ' != tables with cobalt rows ' + m.tables.length);
    for (const b of blocks) if (!b.querySelector('figure svg.chart, figure .no-figure')) fails.push('no figure for ' + b.dataset.table);
    for (const id of ['supply_chains', 'crit_be', 'crit_mc']) if (m.tables.some((t) => t.id === id) && !document.querySelector('.block[data-table="' + id + '"] svg .bar'))
      fails.push('no bars for ' + id);
    if (!document.querySelector('#mat-pick')) fails.push('no material picker');` },
  { name: 'alerts', hash: '#/alerts', check: `
    if (sectionCheck('trade', ['trade_alerts', 'trade_pointers'])) {
      const n = await rowsOf('trade_alerts');
      const bars = $$('.block[data-table="trade_alerts"] svg .bar').length;
      if (bars !== n) fails.push('alert bars ' + bars + ' != alerts ' + n);
    }` },
  { name: 'carriers', hash: '#/carriers', check: `
    if (sectionCheck('trade', ['trade_carriers']) && !document.querySelector('.block[data-table="trade_carriers"] table tbody tr')) fails.push('no carrier rows');` },
  { name: 'wind', hash: '#/wind', check: `
    if (sectionCheck('wind')) {
      if ($$('svg.chart polyline.line').length < 3) fails.push('wind: fewer than 3 lines');
      if (!$$('h2').some((h) => /direct drive/i.test(h.textContent)) && !$$('.absent').some((e) => /direct drive/.test(e.textContent))) fails.push('no direct drive vs gearbox');
    }` },
  { name: 'footprints', hash: '#/footprints', check: `if (sectionCheck('footprint') && !$$('svg .bar').length) fails.push('no footprint bars');` },
  { name: 'mfa', hash: '#/mfa', check: `sectionCheck('mfa');` },
  { name: 'priorities', hash: '#/priorities', check: `
    if (sectionCheck('priorities') && !document.querySelector('.block[data-table="priorities"] svg .bar')) fails.push('no priority bars');
    sectionCheck('waste');` },
  { name: 'data', hash: '#/data', check: `
    const ds = await (await fetch('/api/datasets')).json();
    const rows = $$('.provenance tbody tr');
    if (rows.length !== ds.length || !rows.length) fails.push('provenance rows ' + rows.length + ' != datasets ' + ds.length);
    if (!$$('td.hash').every((td) => /^[0-9a-f]{64}$/.test(td.textContent))) fails.push('a dataset without its SHA-256');
    if (!$$('.table-list a.csv').length) fails.push('no CSV links');` },
];

const VIEWPORTS = [{ name: 'desktop', width: 1280, height: 800, mobile: false },
  { name: 'phone', width: 390, height: 844, mobile: true }];

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  await withTimeout(send('Browser.getVersion'), 30000, 'chromium start');
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const s = (m, p) => send(m, p, sessionId);
  let problems = [];
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    const p = msg.params || {};
    if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert' || p.type === 'warning')) {
      problems.push(`console.${p.type}: ${(p.args || []).map((x) => x.value || x.description || '').join(' ')}`);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      const d = p.exceptionDetails || {};
      problems.push(`uncaught exception: ${(d.exception && d.exception.description) || d.text} at ${d.url || ''}:${d.lineNumber}`);
    } else if (msg.method === 'Log.entryAdded' && (p.entry.level === 'error' || p.entry.level === 'warning')) {
      // the criticality check sends one invalid what-if on purpose: its 400 is expected
      if (p.entry.source === 'network' && /\/api\/whatif\?.*country=C0D/.test(p.entry.url || '')) return;
      problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text} ${p.entry.url || ''}`);
    }
  });
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  const evaluate = async (expr, ms) => {
    const r = await withTimeout(s('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true, userGesture: true }), ms || 20000, expr.slice(0, 80));
    if (r.exceptionDetails) throw new Error(`in page: ${(r.exceptionDetails.exception && r.exceptionDetails.exception.description) || r.exceptionDetails.text}`);
    return r.result.value;
  };
  const key = (k, code, vk, shift) => s('Input.dispatchKeyEvent', { type: 'keyDown', key: k, code, windowsVirtualKeyCode: vk, modifiers: shift ? 8 : 0 })
    .then(() => s('Input.dispatchKeyEvent', { type: 'keyUp', key: k, code, windowsVirtualKeyCode: vk, modifiers: shift ? 8 : 0 }));
  const load = async (hash, page) => {
    await s('Page.navigate', { url: 'about:blank' });
    await sleep(50);
    await s('Page.navigate', { url: base + hash });
    const ok = await evaluate(`(async () => { for (let i = 0; i < 300; i++) {
      const m = document.getElementById('main');
      if (m && document.body.dataset.page === ${JSON.stringify(page)} && m.getAttribute('aria-busy') === 'false' && m.dataset.state !== 'loading') return m.dataset.state;
      await new Promise((r) => setTimeout(r, 50)); } return 'timeout'; })()`, 30000);
    return ok;
  };

  let failed = 0;
  const report = (what, fails) => {
    if (fails.length) {
      failed++;
      process.stdout.write(`FAIL ${what}\n${fails.map((f) => `  - ${f}`).join('\n')}\n`);
    } else process.stdout.write(`ok   ${what}\n`);
  };

  for (const vp of VIEWPORTS) {
    await s('Emulation.setDeviceMetricsOverride', { width: vp.width, height: vp.height, deviceScaleFactor: 1, mobile: vp.mobile });
    for (const pg of PAGES) {
      if (only && pg.name !== only) continue;
      problems = [];
      const fails = [];
      try {
        const state = await load(pg.hash, pg.name);
        if (state !== 'ready') fails.push(`page state ${state}`);
        fails.push(...await evaluate(`(async () => { ${COMMON} ${pg.check} return fails; })()`, 30000));
        await sleep(100);
        const shot = await s('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
        fs.writeFileSync(path.join(outDir, `${vp.name}-${pg.name}.png`), Buffer.from(shot.data, 'base64'));
        const full = await evaluate('Math.min(6000, document.documentElement.scrollHeight)');
        const shot2 = await s('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
          clip: { x: 0, y: 0, width: vp.width, height: full, scale: 1 } });
        fs.writeFileSync(path.join(outDir, `${vp.name}-${pg.name}-full.png`), Buffer.from(shot2.data, 'base64'));
      } catch (e) {
        fails.push(String(e.message || e));
      }
      fails.push(...problems);
      report(`${vp.name} ${vp.width}x${vp.height} ${pg.name}`, fails);
    }
  }

  // Keyboard: from the top of the criticality page, Tab reaches the skip link, the navigation,
  // the threshold inputs and a scatter point, each with a visible focus ring; the skip link works.
  if (!only || only === 'criticality') {
    problems = [];
    const fails = [];
    try {
      await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
      await load('#/criticality', 'criticality');
      await evaluate('document.activeElement && document.activeElement.blur(), window.focus(), true');
      const seen = [];
      for (let i = 0; i < 24; i++) {
        await key('Tab', 'Tab', 9);
        seen.push(await evaluate(`(() => { const e = document.activeElement; const cs = getComputedStyle(e);
          return { id: e.id, tag: e.tagName.toLowerCase(), nav: !!e.closest('#nav'), cls: e.getAttribute('class') || '',
            ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 || (e.tagName === 'circle' && parseFloat(cs.strokeWidth) >= 3) }; })()`));
      }
      const idx = (f) => seen.findIndex(f);
      if (seen[0].id !== 'skip') fails.push(`first Tab: ${JSON.stringify(seen[0])}, expected the skip link`);
      const nav = idx((e) => e.nav);
      const sr = idx((e) => e.id === 'thr-sr');
      const ei = idx((e) => e.id === 'thr-ei');
      const pt = idx((e) => e.tag === 'circle');
      if (nav < 0) fails.push('Tab never reaches the navigation');
      if (sr < 0 || ei < 0) fails.push('Tab never reaches the threshold inputs');
      if (pt < 0) fails.push('Tab never reaches a scatter point');
      if (!(nav < sr && sr < ei && ei < pt)) fails.push(`tab order: nav ${nav}, SR ${sr}, EI ${ei}, point ${pt}`);
      for (const i of [0, nav, sr, pt]) if (i >= 0 && !seen[i].ring) fails.push(`no visible focus on ${JSON.stringify(seen[i])}`);
      // the skip link moves the focus to the content
      await evaluate(`document.getElementById('skip').focus(), true`);
      await key('Enter', 'Enter', 13);
      const after = await evaluate('document.activeElement.id');
      if (after !== 'main') fails.push(`skip link: focus on '${after}', expected main`);
      // Enter on a focused point opens the material page
      await evaluate(`document.querySelector('figure.scatter circle.point[data-material="cobalt"]').focus(), true`);
      await key('Enter', 'Enter', 13);
      const page = await evaluate(`(async () => { for (let i = 0; i < 200 && location.hash !== '#/material/cobalt'; i++) await new Promise((r) => setTimeout(r, 25)); return location.hash; })()`);
      if (page !== '#/material/cobalt') fails.push(`Enter on a point: at ${page}`);
    } catch (e) {
      fails.push(String(e.message || e));
    }
    fails.push(...problems);
    report('keyboard: skip link, navigation, thresholds, points', fails);
  }

  process.stdout.write(`screenshots in ${outDir}\n`);
  return failed;
}

main().then((failed) => finish(failed ? 1 : 0), (e) => {
  process.stdout.write(`FAIL ${e.stack || e}\n`);
  finish(1);
});

function finish(code) {
  try { toBrowser.write(JSON.stringify({ id: nextId++, method: 'Browser.close' }) + '\0'); } catch (e) { /* closed */ }
  const t = setTimeout(() => browser.kill('SIGKILL'), 3000);
  browser.once('exit', () => {
    clearTimeout(t);
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(code);
  });
  if (browser.exitCode !== null) {
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(code);
  }
}
