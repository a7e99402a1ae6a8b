// cambium dashboard: DOM helpers, the API client and the table blocks shared by every page.
// The pages talk only to the HTTP API of docs/dashboard-contract.md, section 2.
'use strict';
(function () {
  const CM = (window.CM = {});
  const SVGNS = 'http://www.w3.org/2000/svg';

  function put(node, attrs, kids) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of kids.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  /** An HTML element: el('p', {class: 'x'}, 'text', child). */
  CM.el = (tag, attrs, ...kids) => put(document.createElement(tag), attrs, kids);
  /** An SVG element. */
  CM.svg = (tag, attrs, ...kids) => put(document.createElementNS(SVGNS, tag), attrs, kids);

  /** GET a JSON route; throws an Error carrying the API's {"error"} message and the status. */
  CM.api = async function (route) {
    const r = await fetch(route, { headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const err = new Error((body && body.error) || `HTTP ${r.status} for ${route}`);
      err.status = r.status;
      throw err;
    }
    return body;
  };

  const cache = new Map();
  /** A cached GET (the assessment and its tables do not change while the page is open). */
  CM.cached = function (route) {
    if (!cache.has(route)) {
      const p = CM.api(route);
      cache.set(route, p);
      p.catch(() => cache.delete(route));
    }
    return cache.get(route);
  };
  CM.assessment = () => CM.cached('/api/assessment');
  CM.table = (id) => CM.cached(`/api/table/${encodeURIComponent(id)}`);

  /** The section of the assessment with this id, or null. */
  CM.section = async function (id) {
    const a = await CM.assessment();
    return a.sections.find((s) => s.id === id) || null;
  };

  /** Rows of a table object as objects keyed by column name. */
  CM.rows = (t) => t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]])));
  CM.unit = (t, name) => ((t.columns.find((c) => c.name === name) || {}).unit || '');
  CM.isNum = (x) => typeof x === 'number' && Number.isFinite(x);

  /** A number for people: locale-independent, 3 significant digits below 1000, grouped above. */
  CM.fmt = function (x) {
    if (x === null || x === undefined) return '–';
    if (typeof x !== 'number') return String(x);
    if (!Number.isFinite(x)) return '–';
    const a = Math.abs(x);
    if (a >= 1000) return Math.round(x).toLocaleString('en-US');
    if (a === 0) return '0';
    if (a < 0.001) return x.toExponential(2);
    return String(Number(x.toPrecision(3)));
  };
  CM.pct = (x) => (CM.isNum(x) ? `${CM.fmt(100 * x)} %` : '–');

  /** "absent: reason" (or failed) for a section that has no result, else null. */
  CM.statusBlock = function (section, what) {
    if (!section) return CM.el('p', { class: 'absent' }, `absent: the assessment has no ${what} section`);
    if (section.status === 'done') return null;
    return CM.el('p', { class: section.status === 'failed' ? 'failed' : 'absent' },
      `${section.status}: ${section.reason || 'no reason given'}`);
  };

  let uid = 0;
  CM.uid = (p) => `${p}-${++uid}`;

  const MAX_ROWS = 150;
  /** An HTML table of a table object (first MAX_ROWS rows), with a caption. */
  CM.htmlTable = function (t, caption) {
    const rows = t.rows.slice(0, MAX_ROWS);
    const head = CM.el('tr', {}, t.columns.map((c) =>
      CM.el('th', { scope: 'col' }, c.name, c.unit && c.unit !== '1' ? CM.el('span', { class: 'unit' }, ` (${c.unit})`) : null)));
    const body = rows.map((r) => CM.el('tr', {}, r.map((v) =>
      CM.el('td', { class: typeof v === 'number' ? 'num' : null, title: typeof v === 'number' ? String(v) : null }, CM.fmt(v)))));
    return CM.el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `table ${caption}` },
      CM.el('table', {}, CM.el('caption', {}, caption,
        t.rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} of ${t.rows.length} rows; all in the CSV)` : ` (${t.rows.length} rows)`),
      CM.el('thead', {}, head), CM.el('tbody', {}, body)));
  };

  CM.csvLink = (id) => CM.el('a', { class: 'csv', href: `/api/table/${encodeURIComponent(id)}.csv`, download: `${id}.csv` },
    `Download ${id}.csv`);

  /**
   * A block for one table: title, note, figure (drawn by `figure(t)`, else the table's own
   * figure_svg as an image), the table behind a toggle and the CSV link.
   */
  CM.tableBlock = function (t, opts) {
    opts = opts || {};
    const fig = opts.figure ? opts.figure(t) : (t.figure_svg
      ? CM.el('img', { class: 'figure-img', src: `/api/figure/${encodeURIComponent(t.id)}.svg`, alt: `figure: ${t.title}` }) : null);
    const details = CM.el('details', { class: 'table-toggle', open: opts.open || !fig },
      CM.el('summary', {}, `Table: ${t.title}`), CM.htmlTable(t, t.title));
    return CM.el('section', { class: 'block', 'data-table': t.id, 'aria-labelledby': `h-${t.id}` },
      CM.el('h2', { id: `h-${t.id}` }, opts.heading || t.title),
      t.note ? CM.el('p', { class: 'note' }, t.note) : null,
      fig ? CM.el('figure', { class: 'figure' }, fig) : null,
      details,
      CM.el('p', { class: 'links' }, CM.csvLink(t.id), t.source ? CM.el('span', { class: 'source' }, ` · source: ${t.source}`) : null));
  };

  /**
   * The tables of one section as blocks; an absent section or table says so. figures maps a
   * table id to its figure function; only, when given, restricts to those ids.
   */
  CM.sectionBlocks = async function (sectionId, what, figures, only) {
    const s = await CM.section(sectionId);
    const status = CM.statusBlock(s, what);
    if (status) return [status];
    const ids = (s.tables || []).filter((id) => !only || only.includes(id));
    const out = [];
    for (const id of ids) {
      try {
        const t = await CM.table(id);
        out.push(CM.tableBlock(t, { figure: figures && figures[id] }));
      } catch (e) {
        out.push(CM.el('p', { class: 'absent' }, `absent: table ${id}: ${e.message}`));
      }
    }
    if (!out.length) out.push(CM.el('p', { class: 'absent' }, `absent: the ${what} section has no table`));
    return out;
  };
})();
