// mmr explorer: the visual ↔ conceptual slider over mmr.search. Plain JS, no third-party code;
// every request goes to this server's /mmr/api endpoints (read-only).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const api = (path) => 'api/' + path;
  const thumb = (id) => api('thumb?id=' + encodeURIComponent(id));
  const K = 24;
  const PAGE_SIZE = 48;
  const SLIDER_DEBOUNCE_MS = 40;

  // Timings the browser test reads: page load to first results, and each search's trigger to render.
  const timings = { firstResults: null, searches: [] };
  window.mmrTimings = timings;

  const state = {
    id: null,            // catalog image id, or null
    upload: null,        // {base64, name, url} for an uploaded file
    tags: [],            // tag chips
    tagsExplicit: false, // send `tags` even when empty (a catalog image otherwise brings its own)
    connect: 'both',
    conceptual: 50,      // slider position: 0 = visual (w1 = 1), 100 = conceptual (w1 = 0)
    browsePage: 0,
    browseTotal: 0,
    maxUploadBytes: 10 * 1024 * 1024,
  };
  let seq = 0;
  let inflight = null;
  let sliderTimer = null;
  let sliderInputAt = null;   // when the slider last moved: its searches are timed from there

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  async function getJson(url, options) {
    const response = await fetch(url, Object.assign({ credentials: 'same-origin' }, options || {}));
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error ? body.error : ('HTTP ' + response.status + ' from ' + url);
      const err = new Error(message);
      err.status = response.status;
      throw err;
    }
    return body;
  }

  function visualWeight() { return Math.round(100 - state.conceptual) / 100; }

  function hasQuery() { return state.id !== null || state.upload !== null || state.tags.length > 0; }

  function showError(message) {
    const e = $('error');
    if (message) { e.textContent = message; e.hidden = false; } else { e.textContent = ''; e.hidden = true; }
  }

  // ---- search

  function request(predict) {
    const query = {};
    if (state.id !== null) query.id = state.id;
    else if (state.upload !== null) query.base64 = state.upload.base64;
    if (state.tags.length > 0 || (state.tagsExplicit && state.id !== null)) query.tags = state.tags.slice();
    return {
      query,
      config: { k: K, visualWeight: visualWeight(), connect: state.connect },
      predict: !!predict,
      uploaded: state.upload !== null,
    };
  }

  async function search(trigger, predict) {
    updateHash();
    if (!hasQuery()) {
      renderEmpty();
      return true;
    }
    const mySeq = ++seq;
    const started = trigger === 'slider' && sliderInputAt !== null ? sliderInputAt : performance.now();
    if (inflight) inflight.abort();
    const controller = new AbortController();
    inflight = controller;
    $('results').classList.add('updating');
    $('status').textContent = 'Searching…';
    let body;
    try {
      body = await getJson(api('search'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request(predict)),
        signal: controller.signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') return false;
      if (mySeq !== seq) return false;
      $('results').classList.remove('updating');
      $('status').textContent = '';
      showError(e.message);
      return false;
    }
    if (mySeq !== seq) return false;   // a newer search is on its way; keep what is shown until it lands
    inflight = null;
    showError(null);
    renderResults(body, mySeq);
    const ms = performance.now() - started;
    timings.searches.push({ trigger, ms, seq: mySeq, serverMs: body.millis });
    if (timings.firstResults === null) timings.firstResults = performance.now();
    return true;
  }

  function renderEmpty() {
    seq++;
    if (inflight) inflight.abort();
    $('results').replaceChildren();
    $('results').classList.remove('updating');
    $('results').dataset.seq = String(seq);
    $('status').textContent = 'Pick an image, upload one, or add tags.';
    $('attached').hidden = true;
    $('cypher').textContent = 'Run a search first.';
  }

  function scoreRows(r) {
    const rows = [];
    for (const [kind, label, value] of [['visual', 'visual', r.visualScore], ['concept', 'conceptual', r.conceptScore]]) {
      const pct = value === null || value === undefined ? 0 : Math.max(0, Math.min(1, value)) * 100;
      const text = value === null || value === undefined ? 'n/a' : value.toFixed(3);
      rows.push(el('div', { class: 'line small' }, el('span', { text: label }),
        el('span', { class: kind + '-score', text })));
      const b = el('div', { class: 'bar ' + kind, 'aria-hidden': 'true' }, el('span', {}));
      b.firstChild.style.width = pct.toFixed(1) + '%';
      rows.push(b);
    }
    return rows;
  }

  function tagList(tags, shared, total) {
    const p = el('p', { class: 'tags' });
    const sharedSet = new Set(shared);
    tags.forEach((t, i) => {
      if (i > 0) p.append(', ');
      p.append(sharedSet.has(t) ? el('mark', { text: t, title: 'shared with the query' }) : t);
    });
    if (total > tags.length) p.append(' …');
    return p;
  }

  function renderResults(body, mySeq) {
    const list = $('results');
    const items = body.results.map((r) => {
      const why = el('div', { class: 'why' });
      if (r.attached) why.append(el('span', { class: 'badge', text: 'attached to the query' }));
      if (r.via.length > 0) why.append(el('span', { class: 'badge', text: 'near ' + r.via.slice(0, 2).join(', ') + (r.via.length > 2 ? ' …' : '') }));
      if (r.sharedTags.length > 0) why.append(el('span', { class: 'badge shared', text: r.sharedTags.length + ' shared tag' + (r.sharedTags.length > 1 ? 's' : '') }));
      if (r.rankedBy === 'geodesic') why.append(el('span', { class: 'badge', text: r.hops + ' hops along the graph' }));
      const alt = r.id + (r.tags.length ? ': ' + r.tags.slice(0, 6).join(', ') : '');
      return el('li', { class: 'card result' + (r.attached ? ' attached' : ''), 'data-id': r.id,
        'data-visual': r.visualScore === null ? '' : String(r.visualScore),
        'data-concept': r.conceptScore === null ? '' : String(r.conceptScore),
        'data-shared': r.sharedTags.join('|'), 'data-tags': r.tags.join('|') },
        el('button', { class: 'thumb', type: 'button', title: 'Search with this image', onclick: () => pickImage(r.id) },
          el('img', { src: thumb(r.id), alt, loading: 'lazy', width: '150', height: '150' })),
        el('div', { class: 'line' }, el('strong', { text: '#' + r.rank }), el('span', { class: 'score', text: r.score.toFixed(3), title: 'score: cosine to E' })),
        ...scoreRows(r),
        why,
        tagList(r.tags, r.sharedTags, r.tagCount),
        el('div', { class: 'id', text: r.id, title: r.id }));
    });
    list.replaceChildren(...items);
    list.classList.remove('updating');
    list.dataset.seq = String(mySeq);
    list.dataset.w = String(visualWeight());
    const a = body.attachment;
    const ignored = a.ignoredTags.length ? ' Ignored (not in the graph): ' + a.ignoredTags.join(', ') + '.' : '';
    $('status').textContent = body.results.length + ' results in ' + Math.round(body.millis) + ' ms · w1 = '
      + visualWeight().toFixed(2) + ' · model ' + body.model.name + ' v' + body.model.version + '.' + ignored;

    // A catalog image without tag chips yet brings its own tags: show them as chips.
    if (state.id !== null && !state.tagsExplicit) {
      state.tags = a.tags.slice();
      state.tagsExplicit = true;
      renderChips();
    }
    const attached = $('attached-images');
    attached.replaceChildren(...a.images.map((l) => el('li', {},
      el('button', { class: 'thumb mini', type: 'button', title: l.id + ' (cosine ' + l.similarity.toFixed(3) + ')', onclick: () => pickImage(l.id) },
        el('img', { src: thumb(l.id), alt: l.id + ', cosine ' + l.similarity.toFixed(3) })),
      el('div', { text: l.similarity.toFixed(2) }))));
    $('attached').hidden = a.images.length === 0;
    if (body.predictedTags) renderPredicted(body.predictedTags);
    $('cypher').textContent = body.cypher;
  }

  function renderPredicted(tags) {
    const ul = $('predicted-tags');
    ul.replaceChildren(...tags.map((t) => el('li', {},
      el('button', { class: 'suggest', type: 'button', 'data-tag': t.name, title: 'Add as a tag',
        onclick: () => addTags([t.name]) }, '+ ' + t.name, el('span', { class: 'score', text: t.score.toFixed(2) })))));
    $('predicted').hidden = tags.length === 0;
  }

  // ---- query state

  function renderChips() {
    const ul = $('chips');
    ul.replaceChildren(...state.tags.map((t) => el('li', { class: 'chip', 'data-tag': t }, t,
      el('button', { type: 'button', 'aria-label': 'Remove tag ' + t, onclick: () => removeTag(t) }, '×'))));
  }

  function setPreview(src, caption) {
    const img = $('query-preview');
    if (src) { img.src = src; img.alt = caption; img.hidden = false; } else { img.removeAttribute('src'); img.hidden = true; }
    $('query-caption').textContent = caption || 'Click any image below, or drop an image file here.';
  }

  function pickImage(id) {
    if (state.upload) URL.revokeObjectURL(state.upload.url);
    state.id = id;
    state.upload = null;
    state.tags = [];
    state.tagsExplicit = false;
    renderChips();
    $('predicted').hidden = true;
    setPreview(thumb(id), 'Query image ' + id);
    search('pick');
    $('results-title').focus({ preventScroll: true });
  }

  function addTags(names) {
    let changed = false;
    for (const raw of names) {
      const t = raw.trim().toLowerCase().replace(/\s+/g, ' ');
      if (t && t.length <= 200 && !state.tags.includes(t)) { state.tags.push(t); changed = true; }
    }
    if (changed) { state.tagsExplicit = true; renderChips(); search('tags'); }
  }

  function removeTag(t) {
    state.tags = state.tags.filter((x) => x !== t);
    state.tagsExplicit = true;
    renderChips();
    search('tags');
  }

  async function upload(file) {
    showError(null);
    if (!file) return;
    if (file.size > state.maxUploadBytes) {
      showError('"' + file.name.slice(0, 80) + '" is ' + (file.size / 1048576).toFixed(1) + ' MB; an uploaded image may be at most '
        + (state.maxUploadBytes / 1048576) + ' MB.');
      return;
    }
    const base64 = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    // Try the file first; the query changes only when the server accepts it (else its message shows
    // and the previous query and results stay).
    const previous = { id: state.id, upload: state.upload, tags: state.tags, tagsExplicit: state.tagsExplicit };
    const candidate = { base64, name: file.name, url: URL.createObjectURL(file) };
    Object.assign(state, { id: null, upload: candidate, tags: [], tagsExplicit: true });
    const ok = await search('upload', true);
    if (!ok) {
      URL.revokeObjectURL(candidate.url);
      Object.assign(state, previous);
      updateHash();
      return;
    }
    if (previous.upload) URL.revokeObjectURL(previous.upload.url);
    renderChips();
    setPreview(candidate.url, 'Uploaded: ' + file.name.slice(0, 80));
  }

  function clearQuery() {
    if (state.upload) URL.revokeObjectURL(state.upload.url);
    Object.assign(state, { id: null, upload: null, tags: [], tagsExplicit: false });
    renderChips();
    setPreview(null, null);
    $('predicted').hidden = true;
    showError(null);
    search('clear');
  }

  // ---- URL (a query by catalog id and tags is shareable)

  function updateHash() {
    const p = new URLSearchParams();
    if (state.id !== null) p.set('id', state.id);
    if (state.tagsExplicit || state.id === null) { if (state.tags.length) p.set('tags', state.tags.join(',')); else if (state.id !== null) p.set('tags', ''); }
    p.set('w', visualWeight().toFixed(2));
    if (state.connect !== 'both') p.set('connect', state.connect);
    const hash = '#' + p.toString();
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    if (p.has('w')) {
      const w = Number(p.get('w'));
      if (Number.isFinite(w) && w >= 0 && w <= 1) state.conceptual = Math.round((1 - w) * 100);
    }
    if (['both', 'images', 'tags'].includes(p.get('connect'))) state.connect = p.get('connect');
    if (p.has('id')) state.id = p.get('id');
    if (p.has('tags')) {
      state.tags = p.get('tags').split(',').map((t) => t.trim()).filter(Boolean);
      state.tagsExplicit = true;
    }
    $('slider').value = String(state.conceptual);
    syncSliderText();
    document.querySelectorAll('input[name=connect]').forEach((r) => { r.checked = r.value === state.connect; });
    renderChips();
    if (state.id !== null) setPreview(thumb(state.id), 'Query image ' + state.id);
  }

  function syncSliderText() {
    const w = visualWeight();
    $('slider').setAttribute('aria-valuetext', Math.round(w * 100) + '% visual, ' + Math.round((1 - w) * 100) + '% conceptual');
    $('slider-value').textContent = 'w1 = ' + w.toFixed(2);
  }

  // ---- catalog browser

  async function browse() {
    const q = $('filter').value;
    try {
      const body = await getJson(api('images?q=' + encodeURIComponent(q) + '&page=' + state.browsePage + '&size=' + PAGE_SIZE));
      state.browseTotal = body.total;
      $('catalog').replaceChildren(...body.items.map((i) => el('li', { class: 'card', 'data-id': i.id },
        el('button', { class: 'thumb', type: 'button', title: 'Search with ' + i.id, onclick: () => pickImage(i.id) },
          el('img', { src: thumb(i.id), alt: i.id + (i.tags.length ? ': ' + i.tags.slice(0, 6).join(', ') : ''), loading: 'lazy', width: '150', height: '150' })),
        el('div', { class: 'id', text: i.id, title: i.tags.join(', ') }))));
      const pages = Math.max(1, Math.ceil(body.total / PAGE_SIZE));
      $('page-info').textContent = 'page ' + (body.page + 1) + ' of ' + pages + ' · ' + body.total + ' images';
      $('prev').disabled = body.page === 0;
      $('next').disabled = body.page + 1 >= pages;
    } catch (e) {
      showError(e.message);
    }
  }

  let tagTimer = null;
  async function suggestTags() {
    const prefix = $('tag-input').value.trim();
    if (!prefix) return;
    try {
      const tags = await getJson(api('tags?prefix=' + encodeURIComponent(prefix) + '&limit=10'));
      $('tag-options').replaceChildren(...tags.map((t) => el('option', { value: t.name, label: t.name + ' (' + t.images + ')' })));
    } catch (e) { /* suggestions are optional */ }
  }

  // ---- wiring

  function wire() {
    $('slider').addEventListener('input', () => {
      state.conceptual = Number($('slider').value);
      sliderInputAt = performance.now();
      syncSliderText();
      clearTimeout(sliderTimer);
      sliderTimer = setTimeout(() => search('slider'), SLIDER_DEBOUNCE_MS);
    });
    document.querySelectorAll('input[name=connect]').forEach((r) => r.addEventListener('change', () => {
      state.connect = r.value;
      search('connect');
    }));
    $('tag-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const v = $('tag-input').value;
      $('tag-input').value = '';
      addTags(v.split(','));
    });
    $('tag-input').addEventListener('input', () => { clearTimeout(tagTimer); tagTimer = setTimeout(suggestTags, 120); });
    $('upload').addEventListener('change', () => { const f = $('upload').files[0]; $('upload').value = ''; upload(f); });
    const drop = $('drop');
    ['dragenter', 'dragover'].forEach((t) => document.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add('over'); }));
    ['dragleave', 'dragend'].forEach((t) => document.addEventListener(t, () => drop.classList.remove('over')));
    document.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) upload(f);
    });
    $('copy').addEventListener('click', async () => {
      const text = $('cypher').textContent;
      try {
        await navigator.clipboard.writeText(text);
        $('copy-status').textContent = 'Copied.';
      } catch (e) {
        const range = document.createRange();
        range.selectNodeContents($('cypher'));
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        $('copy-status').textContent = 'Selected: press Ctrl+C to copy.';
      }
    });
    $('clear').addEventListener('click', clearQuery);
    let filterTimer = null;
    $('filter').addEventListener('input', () => { clearTimeout(filterTimer); filterTimer = setTimeout(() => { state.browsePage = 0; browse(); }, 200); });
    $('browse-form').addEventListener('submit', (e) => { e.preventDefault(); state.browsePage = 0; browse(); });
    $('prev').addEventListener('click', () => { if (state.browsePage > 0) { state.browsePage--; browse(); } });
    $('next').addEventListener('click', () => { state.browsePage++; browse(); });
  }

  async function start() {
    wire();
    readHash();
    const first = hasQuery() ? search('load') : Promise.resolve(renderEmpty());
    browse();
    try {
      const info = await getJson(api('info'));
      state.maxUploadBytes = info.maxUploadBytes;
      $('catalog-info').textContent = info.images + ' images · ' + info.tags + ' tags · encoder ' + (info.encoderSpec || info.encoder)
        + (info.model ? ' · model ' + info.model.name + ' v' + info.model.version : ' · no trained model yet (CALL mmr.train())');
      $('catalog-info').title = info.encoder ? 'encoder identity: ' + info.encoder : '';
    } catch (e) {
      $('catalog-info').textContent = '';
      showError(e.message);
    }
    await first;
  }

  document.addEventListener('DOMContentLoaded', start);
})();
