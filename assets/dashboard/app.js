// cambium dashboard: the hash router (#/, #/criticality, #/material/<id>, ...).
'use strict';
(function () {
  const CM = window.CM;
  const main = document.getElementById('main');
  let current = '';
  let first = true;

  function route() {
    const h = location.hash;
    if (h && !h.startsWith('#/')) return null;
    const parts = (h || '#/').slice(2).split('/').filter(Boolean).map(decodeURIComponent);
    return { page: parts[0] || 'overview', arg: parts[1] || '' };
  }

  async function render(force) {
    const r = route();
    if (!r) return;
    const key = `${r.page}/${r.arg}`;
    if (key === current && !force) return;
    current = key;
    const page = CM.pages[r.page];
    for (const a of document.querySelectorAll('#nav a')) {
      if (a.dataset.page === r.page) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    main.setAttribute('aria-busy', 'true');
    main.dataset.state = 'loading';
    document.body.dataset.page = r.page;
    const content = CM.el('div', { class: 'page' });
    let title = 'Page not found';
    try {
      if (!page) {
        content.appendChild(CM.el('h1', { tabindex: '-1' }, title));
        content.appendChild(CM.el('p', {}, `There is no page '${r.page}'. `, CM.el('a', { href: '#/' }, 'Back to the overview')));
      } else {
        title = await page(content, r.arg);
      }
      main.dataset.state = 'ready';
    } catch (e) {
      content.appendChild(CM.el('p', { class: 'failed', role: 'alert' }, `failed: ${e.message}`));
      main.dataset.state = 'error';
    }
    if (key !== current) return;
    main.replaceChildren(content);
    main.setAttribute('aria-busy', 'false');
    document.title = `${title} · Federal Critical Materials Dashboard`;
    if (!first) {
      const h1 = main.querySelector('h1');
      if (h1) h1.focus();
    }
    first = false;
  }

  document.getElementById('skip').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', () => render(false));
  let lastWidth = window.innerWidth;
  let timer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (Math.abs(window.innerWidth - lastWidth) > 40) {
        lastWidth = window.innerWidth;
        render(true);
      }
    }, 250);
  });
  render(true);
})();
