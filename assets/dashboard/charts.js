// cambium dashboard: SVG figures drawn from table rows (scatter, bars, lines with bands).
// Geometry is set with attributes and colours with classes (the CSP forbids inline styles).
'use strict';
(function () {
  const CM = window.CM;
  const S = CM.svg;
  const C = (CM.chart = {});

  /** Round tick values covering [lo, hi]. */
  function ticks(lo, hi, n) {
    if (!(hi > lo)) hi = lo + 1;
    const raw = (hi - lo) / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const out = [];
    const end = Math.ceil(hi / step - 1e-9) * step;
    for (let v = Math.floor(lo / step + 1e-9) * step; v <= end + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }
  C.ticks = ticks;

  /** Tick labels: 2.5M, 40k, 0.5. */
  function short(v) {
    const a = Math.abs(v);
    if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
    if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
    if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
    return CM.fmt(v);
  }

  /** Chart width from the container (the viewBox keeps text at its size). */
  C.width = (min) => Math.max(min || 300, Math.min(880, (document.getElementById('main').clientWidth || 900) - 40));

  function frame(w, h, m, title) {
    return S('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, class: 'chart', role: 'group', 'aria-label': title },
      S('title', {}, title));
  }

  function axes(g, x, y, xt, yt, m, w, h, xLabel, yLabel, xfmt) {
    for (const v of yt) {
      g.appendChild(S('line', { x1: m.l, x2: w - m.r, y1: y(v), y2: y(v), class: 'grid' }));
      g.appendChild(S('text', { x: m.l - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, short(v)));
    }
    for (const v of xt) {
      g.appendChild(S('line', { x1: x(v), x2: x(v), y1: m.t, y2: h - m.b, class: 'grid' }));
      g.appendChild(S('text', { x: x(v), y: h - m.b + 16, class: 'tick', 'text-anchor': 'middle' }, (xfmt || short)(v)));
    }
    g.appendChild(S('line', { x1: m.l, x2: w - m.r, y1: h - m.b, y2: h - m.b, class: 'axis' }));
    g.appendChild(S('line', { x1: m.l, x2: m.l, y1: m.t, y2: h - m.b, class: 'axis' }));
    if (xLabel) g.appendChild(S('text', { x: (m.l + w - m.r) / 2, y: h - 6, class: 'axis-label', 'text-anchor': 'middle' }, xLabel));
    if (yLabel) g.appendChild(S('text', { x: 12, y: (m.t + h - m.b) / 2, class: 'axis-label', 'text-anchor': 'middle',
      transform: `rotate(-90 12 ${(m.t + h - m.b) / 2})` }, yLabel));
  }

  /**
   * SR–EI scatter: points [{id, x, y, cls, label}], threshold lines at thr {x, y}; every point is
   * focusable and calls onFocus(point) on hover and focus.
   */
  C.scatter = function (o) {
    const w = o.width || 420;
    const h = o.height || 340;
    const m = { l: 46, r: 14, t: 14, b: 40 };
    const xs = o.points.map((p) => p.x).concat([o.thr.x * 1.15]);
    const ys = o.points.map((p) => p.y).concat([o.thr.y * 1.15]);
    const xmax = Math.max(...xs);
    const ymax = Math.max(...ys);
    const xt = ticks(0, xmax, 5);
    const yt = ticks(0, ymax, 5);
    const x = (v) => m.l + (v / xt[xt.length - 1]) * (w - m.l - m.r);
    const y = (v) => h - m.b - (v / yt[yt.length - 1]) * (h - m.t - m.b);
    const svg = frame(w, h, m, o.title);
    const g = S('g', {});
    axes(g, x, y, xt, yt, m, w, h, o.xLabel, o.yLabel);
    g.appendChild(S('rect', { x: x(o.thr.x), y: m.t, width: Math.max(0, w - m.r - x(o.thr.x)),
      height: Math.max(0, y(o.thr.y) - m.t), class: 'critical-zone' }));
    g.appendChild(S('line', { x1: x(o.thr.x), x2: x(o.thr.x), y1: m.t, y2: h - m.b, class: 'threshold' }));
    g.appendChild(S('line', { x1: m.l, x2: w - m.r, y1: y(o.thr.y), y2: y(o.thr.y), class: 'threshold' }));
    g.appendChild(S('text', { x: x(o.thr.x) + 4, y: m.t + 12, class: 'tick' }, `EI ${o.thr.x}`));
    g.appendChild(S('text', { x: w - m.r - 4, y: y(o.thr.y) - 4, class: 'tick', 'text-anchor': 'end' }, `SR ${o.thr.y}`));
    svg.appendChild(g);
    const pts = S('g', { class: 'points' });
    for (const p of o.points) {
      const c = S('circle', { cx: x(p.x), cy: y(p.y), r: 5, class: `point ${p.cls}`, tabindex: '0', role: 'img',
        'data-material': p.id, 'aria-label': p.label, focusable: 'true' }, S('title', {}, p.label));
      const show = () => o.onFocus && o.onFocus(p);
      c.addEventListener('mouseenter', show);
      c.addEventListener('focus', show);
      c.addEventListener('keydown', (e) => { if (e.key === 'Enter') location.hash = `#/material/${p.id}`; });
      c.addEventListener('click', () => { location.hash = `#/material/${p.id}`; });
      pts.appendChild(c);
    }
    svg.appendChild(pts);
    return svg;
  };

  /** Horizontal bars [{label, value, cls}] (values may be negative), with value labels. */
  C.bars = function (o) {
    const bars = o.bars.filter((b) => CM.isNum(b.value));
    if (!bars.length) return CM.el('p', { class: 'no-figure' }, `no figure: ${o.title}: no value to draw`);
    const w = o.width || C.width();
    const lw = Math.min(200, Math.max(70, Math.round(w * 0.3)));
    const bh = 18;
    const m = { l: lw, r: 70, t: 8, b: o.xLabel ? 34 : 20 };
    const h = m.t + m.b + bars.length * (bh + 6);
    const lo = Math.min(0, ...bars.map((b) => b.value), o.min === undefined ? 0 : o.min);
    const hi = Math.max(...bars.map((b) => b.value), o.max === undefined ? 0 : o.max, lo + 1e-12);
    const x = (v) => m.l + ((v - lo) / (hi - lo)) * (w - m.l - m.r);
    const svg = frame(w, h, m, o.title);
    bars.forEach((b, i) => {
      const yy = m.t + i * (bh + 6);
      const x0 = x(Math.min(0, b.value));
      const label = b.label.length > 30 ? `${b.label.slice(0, 29)}…` : b.label;
      svg.appendChild(S('text', { x: m.l - 6, y: yy + bh - 5, class: 'tick', 'text-anchor': 'end' }, label));
      svg.appendChild(S('rect', { x: x0, y: yy, width: Math.max(1, Math.abs(x(b.value) - x(0))), height: bh,
        class: `bar ${b.cls || ''}` }, S('title', {}, `${b.label}: ${CM.fmt(b.value)}${o.unit ? ` ${o.unit}` : ''}`)));
      svg.appendChild(S('text', { x: Math.max(x(b.value), x(0)) + 4, y: yy + bh - 5, class: 'tick' }, CM.fmt(b.value)));
    });
    svg.appendChild(S('line', { x1: x(0), x2: x(0), y1: m.t - 4, y2: h - m.b + 4, class: 'axis' }));
    if (o.xLabel) svg.appendChild(S('text', { x: (m.l + w - m.r) / 2, y: h - 8, class: 'axis-label', 'text-anchor': 'middle' }, o.xLabel));
    return svg;
  };

  /**
   * Lines over x (years): series [{name, points: [[x, y]], band: [[x, lo, hi]]}], with a legend.
   */
  C.lines = function (o) {
    const w = o.width || C.width();
    const h = o.height || 300;
    const m = { l: 56, r: 14, t: 12, b: 40 };
    const all = o.series.flatMap((s) => s.points.concat((s.band || []).flatMap((b) => [[b[0], b[1]], [b[0], b[2]]])))
      .filter((p) => CM.isNum(p[0]) && CM.isNum(p[1]));
    if (!all.length) return CM.el('p', { class: 'no-figure' }, `no figure: ${o.title}: no value to draw`);
    const x0 = Math.min(...all.map((p) => p[0]));
    const x1 = Math.max(...all.map((p) => p[0]));
    const ylo = Math.min(0, ...all.map((p) => p[1]));
    const yhi = Math.max(...all.map((p) => p[1]), ylo + 1e-12);
    const yt = ticks(ylo, yhi, 5);
    const xt = ticks(x0, x1, Math.min(8, Math.max(2, Math.round(w / 110)))).filter((v) => v >= x0 && v <= x1);
    const x = (v) => m.l + ((v - x0) / Math.max(1e-12, x1 - x0)) * (w - m.l - m.r);
    const y = (v) => h - m.b - ((v - yt[0]) / (yt[yt.length - 1] - yt[0])) * (h - m.t - m.b);
    const svg = frame(w, h, m, o.title);
    const g = S('g', {});
    axes(g, x, y, xt, yt, m, w, h, o.xLabel, o.yLabel, (v) => String(v));
    svg.appendChild(g);
    o.series.forEach((s, i) => {
      const cls = s.cls || `series-${i % 8}`;
      if (s.band && s.band.length) {
        const up = s.band.map((b) => `${x(b[0])},${y(b[2])}`);
        const down = s.band.slice().reverse().map((b) => `${x(b[0])},${y(b[1])}`);
        svg.appendChild(S('polygon', { points: up.concat(down).join(' '), class: `band ${cls}` }));
      }
      const pts = s.points.filter((p) => CM.isNum(p[1]));
      svg.appendChild(S('polyline', { points: pts.map((p) => `${x(p[0])},${y(p[1])}`).join(' '), class: `line ${cls}` },
        S('title', {}, s.name)));
    });
    const legend = CM.el('ul', { class: 'legend' }, o.series.map((s, i) =>
      CM.el('li', {}, CM.el('span', { class: `swatch ${s.cls || `series-${i % 8}`}`, 'aria-hidden': 'true' }), s.name)));
    return CM.el('div', { class: 'chart-box' }, svg, legend);
  };
})();
