// The registry console: reads the registry's JSON API and draws models, versions with lineage, alias
// history, the trigger log and live accuracy per version. No data is in the page itself; with tokens
// on, it asks for one, keeps it in sessionStorage and sends it as a bearer token.
'use strict';
(() => {
  const TOKEN_KEY = 'plasticity.registry.token';
  const REFRESH_MS = 5000;
  /** The most changes one history request answers (the registry's cap). */
  const HISTORY_PAGE = 1000;
  const COLORS = ['#2563eb', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f08c00', '#c2255c', '#5c940d'];
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const state = { model: null, timer: null, open: new Set(), histories: new Map() };

  class Unauthorized extends Error {}

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children; strings become text, never markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    return fill(node, attrs, children);
  }

  function svg(tag, attrs, ...children) {
    return fill(document.createElementNS(SVG_NS, tag), attrs, children);
  }

  function fill(node, attrs, children) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function api(path) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (response.status === 401) throw new Unauthorized('this registry needs a token with the read role');
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || response.status + ' ' + response.statusText);
    return body;
  }

  const enc = encodeURIComponent;
  const time = (ms) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
  const number = (x, digits = 3) => (x === null || x === undefined ? '' : Number(x).toFixed(digits));
  const colorOf = (version) => COLORS[(version - 1) % COLORS.length];

  function status(text, isError) {
    const node = $('status');
    node.textContent = text;
    node.className = isError ? 'error' : '';
  }

  function showLogin(message) {
    clearTimeout(state.timer);
    $('main').hidden = true;
    $('login').hidden = false;
    $('forget').hidden = true;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  async function start() {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
      $('token').value = '';
      openConsole();
    });
    $('forget').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('');
    });
    window.addEventListener('hashchange', () => selectFromHash());
    openConsole();
  }

  async function openConsole() {
    try {
      const models = await loadModels();
      if (!location.hash && models.length) history.replaceState(null, '', '#model=' + enc(models[0].name));
      $('login').hidden = true;
      $('main').hidden = false;
      $('forget').hidden = !sessionStorage.getItem(TOKEN_KEY);
      await selectFromHash();
    } catch (e) {
      fail(e);
    }
  }

  function fail(e) {
    if (e instanceof Unauthorized) {
      const had = sessionStorage.getItem(TOKEN_KEY);
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin(had ? 'That token was refused.' : '');
    } else {
      status(e.message, true);
    }
  }

  async function loadModels() {
    const models = await api('api/models');
    const nav = $('models');
    nav.replaceChildren(...(models.length ? models.map((m) => el('a', {
      href: '#model=' + enc(m.name), 'data-model': m.name, class: m.name === state.model ? 'selected' : null,
    }, m.name, el('small', {}, 'latest v' + (m.latestVersion ?? '–') + ' · champion v' + (m.championVersion ?? '–'))))
      : [el('p', { class: 'hint' }, 'No models yet.')]));
    return models;
  }

  async function selectFromHash() {
    const match = /^#model=(.+)$/.exec(location.hash);
    state.model = match ? decodeURIComponent(match[1]) : null;
    for (const a of document.querySelectorAll('#models a')) a.classList.toggle('selected', a.dataset.model === state.model);
    clearTimeout(state.timer);
    if (state.model) await refresh();
  }

  async function refresh() {
    const model = state.model;
    try {
      const base = 'api/models/' + enc(model);
      const [versions, aliases, history, triggers, accuracy] = await Promise.all([
        api(base + '/versions?archived=true'), api(base + '/aliases'), historyOf(model),
        api(base + '/triggers'), api(base + '/live-accuracy')]);
      if (model !== state.model) return;
      renderModel(model, versions, aliases, history, triggers, accuracy);
      await loadModels();
      status('updated ' + time(Date.now()));
    } catch (e) {
      fail(e);
      if (e instanceof Unauthorized) return;
    }
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, REFRESH_MS);
  }

  /**
   * Every change of the model's history, oldest first: the changes read before, then the pages
   * after the last of them, so a history longer than one page shows its newest moves and a
   * refresh reads only what is new.
   */
  async function historyOf(model) {
    const changes = [...(state.histories.get(model) || [])];
    for (;;) {
      const after = changes.length ? changes[changes.length - 1].sequence : 0;
      const page = await api('api/models/' + enc(model) + '/history?after=' + after + '&limit=' + HISTORY_PAGE);
      changes.push(...page);
      if (page.length < HISTORY_PAGE) break;
    }
    state.histories.set(model, changes);
    return changes;
  }

  function renderModel(model, versions, aliases, history, triggers, accuracy) {
    const byVersion = {};
    for (const [alias, version] of Object.entries(aliases)) (byVersion[version] ||= []).push(alias);
    const section = $('model');
    for (const d of section.querySelectorAll('details[data-key]')) if (d.open) state.open.add(d.dataset.key); else state.open.delete(d.dataset.key);
    section.replaceChildren(
      el('h2', {}, model),
      el('div', { id: 'aliases' }, Object.keys(aliases).length
        ? Object.entries(aliases).sort().map(([a, v]) => el('span', { class: 'chip' + (a === 'champion' ? ' champion' : '') }, a + ' → v' + v))
        : el('span', { class: 'muted' }, 'no aliases')),
      el('h3', {}, 'Live accuracy per version'),
      chart(accuracy, triggers.triggers || [], history),
      el('h3', {}, 'Versions'),
      versionsTable(versions, byVersion),
      el('h3', {}, 'Alias history'),
      historyTable(history),
      el('h3', {}, 'Trigger log'),
      triggersTable(triggers));
  }

  function versionsTable(versions, byVersion) {
    if (!versions.length) return el('p', { class: 'muted' }, 'No versions yet.');
    const rows = [...versions].sort((a, b) => b.version - a.version).map((v) => {
      const l = v.lineage || {};
      const w = l.window;
      const candidates = l.candidates || [];
      const key = 'candidates-' + v.version;
      return el('tr', { class: 'version', 'data-version': v.version },
        el('td', {}, el('b', {}, 'v' + v.version)),
        el('td', {}, (byVersion[v.version] || []).map((a) => el('span', { class: 'chip' + (a === 'champion' ? ' champion' : '') }, a))),
        el('td', {}, time(v.createdAt)),
        el('td', { class: 'num' }, number(v.metrics && v.metrics.accuracy)),
        el('td', { class: 'parent' }, l.parentVersion ? 'v' + l.parentVersion : '–'),
        el('td', { class: 'trigger' }, l.triggerId || '–', l.signal ? el('div', { class: 'muted' }, l.signal) : null),
        el('td', { class: 'strategy' }, l.strategy || '–', l.reason ? el('div', { class: 'muted' }, l.reason) : null),
        el('td', { class: 'window' }, w ? [time(w.startTime) + ' → ' + time(w.endTime), el('div', { class: 'muted' }, w.eventCount + ' events')] : '–'),
        el('td', { class: 'candidates' }, candidates.length
          ? el('details', { 'data-key': key, open: state.open.has(key) }, el('summary', {}, candidates.length + ' candidates'),
            el('table', {}, el('tr', {}, ['hidden units', 'parameters', 'epochs', 'score', 'refused for'].map((h) => el('th', {}, h))),
              candidates.map((c) => el('tr', { class: 'candidate' },
                el('td', {}, (c.architecture && c.architecture.hiddenUnits || []).join('×') || 'linear'),
                el('td', { class: 'num' }, c.parameters), el('td', { class: 'num' }, c.epochs),
                el('td', { class: 'num' }, number(c.score)), el('td', {}, c.rejection || '')))))
          : '–'),
        el('td', { class: 'gate' }, l.gate ? [l.gate.promoted ? 'promoted' : 'not promoted', el('div', { class: 'muted' }, l.gate.verdict)] : '–'));
    });
    return el('table', { id: 'versions' },
      el('tr', {}, ['version', 'aliases', 'created', 'accuracy', 'parent', 'trigger', 'strategy', 'data window', 'candidates', 'gate'].map((h) => el('th', {}, h))),
      rows);
  }

  function historyTable(history) {
    const moves = history.filter((c) => c.kind === 'ALIAS_SET' || c.kind === 'ALIAS_REMOVED').reverse();
    if (!moves.length) return el('p', { class: 'muted' }, 'No alias moves yet.');
    return el('table', { id: 'history' },
      el('tr', {}, ['#', 'at', 'alias', 'move', 'cause', 'by', 'reason'].map((h) => el('th', {}, h))),
      moves.map((c) => el('tr', {},
        el('td', { class: 'num' }, c.sequence), el('td', {}, time(c.at)), el('td', {}, c.alias),
        el('td', {}, c.kind === 'ALIAS_REMOVED' ? 'removed (was v' + c.version + ')'
          : (c.previousVersion ? 'v' + c.previousVersion : '–') + ' → v' + c.version),
        el('td', {}, c.cause), el('td', {}, c.actor), el('td', {}, c.reason || ''))));
  }

  function triggersTable(triggers) {
    if (!triggers.fed) return el('p', { class: 'muted' }, 'This registry reads no Kafka (PLASTICITY_KAFKA_BOOTSTRAP is unset): no trigger log.');
    if (!triggers.triggers.length) return el('p', { class: 'muted' }, 'No triggers seen.');
    return el('table', { id: 'triggers' },
      el('tr', {}, ['detected', 'trigger', 'signal', 'kind', 'base', 'severity', 'window', 'evidence'].map((h) => el('th', {}, h))),
      triggers.triggers.map((t) => el('tr', { class: 'trigger' },
        el('td', {}, time(t.detectedAt)), el('td', {}, t.triggerId, t.attempt ? el('div', { class: 'muted' }, 'attempt ' + (t.attempt + 1)) : null),
        el('td', {}, t.signal), el('td', {}, t.kind), el('td', {}, t.baseVersion ? 'v' + t.baseVersion : '–'),
        el('td', { class: 'num' }, number(t.severity, 2)),
        el('td', {}, time(t.window.startTime) + ' → ' + time(t.window.endTime), el('div', { class: 'muted' }, t.window.eventCount + ' events')),
        el('td', {}, el('table', { class: 'evidence' }, (t.evidence || []).map((e) => el('tr', { class: e.drifted ? 'drifted' : '' },
          el('td', {}, e.feature), el('td', {}, e.test), el('td', { class: 'num' }, number(e.statistic, 4)),
          el('td', { class: 'num' }, pValue(e) == null ? '' : 'p=' + number(pValue(e), 4)),
          el('td', { class: 'num' }, 'threshold ' + number(e.threshold, 4)), el('td', {}, e.drifted ? 'drifted' : ''))))))));
  }

  /** An evidence's p-value: Jackson names Avro's getPValue() 'pvalue'. */
  const pValue = (e) => (e.pValue !== undefined ? e.pValue : e.pvalue);

  /**
   * Accuracy per version per bucket of event time, a line and points per version; drift markers at
   * the end of each trigger's window (event time); swap markers where the served version changes
   * between buckets.
   */
  function chart(accuracy, triggers, history) {
    if (!accuracy.fed) return el('p', { class: 'muted' }, 'This registry reads no Kafka (PLASTICITY_KAFKA_BOOTSTRAP is unset): no live accuracy.');
    const series = accuracy.versions;
    if (!series.length) return el('p', { class: 'muted' }, 'No labelled outcomes seen yet.');
    const width = 960, height = 320, left = 48, right = 16, top = 24, bottom = 36;
    const bucket = accuracy.bucketMillis;
    const starts = series.flatMap((s) => s.points.map((p) => p.start));
    const x0 = Math.min(...starts), x1 = Math.max(...starts) + bucket;
    const x = (t) => left + ((t - x0) / (x1 - x0)) * (width - left - right);
    const y = (a) => top + (1 - a) * (height - top - bottom);
    const root = svg('svg', { class: 'chart', id: 'accuracy-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'live accuracy per version' });
    for (const a of [0, 0.25, 0.5, 0.75, 1]) {
      root.append(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(a), y2: y(a) }),
        svg('text', { x: left - 6, y: y(a) + 4, 'text-anchor': 'end' }, a.toFixed(2)));
    }
    root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(0), y2: y(0) }),
      svg('line', { class: 'axis', x1: left, x2: left, y1: top, y2: y(0) }),
      svg('text', { x: left, y: height - 8 }, time(x0)),
      svg('text', { x: width - right, y: height - 8, 'text-anchor': 'end' }, time(x1) + ' (event time)'));

    for (const t of triggers) {
      const at = t.window && t.window.endTime;
      if (at < x0 || at > x1) continue;
      root.append(svg('line', { class: 'marker drift', x1: x(at), x2: x(at), y1: top, y2: y(0) }),
        svg('text', { class: 'drift-label', x: x(at) + 3, y: top - 8 }, (t.signal === 'DRIFT' ? 'drift ' + t.kind.toLowerCase() : t.signal.toLowerCase())));
    }
    const served = new Map(); // bucket start -> the version that served most of its events
    for (const s of series) for (const p of s.points) {
      const best = served.get(p.start);
      if (p.served > 0 && (!best || p.served > best.served)) served.set(p.start, { version: s.version, served: p.served });
    }
    const causes = new Map(history.filter((c) => c.kind === 'ALIAS_SET' && c.alias === 'champion').map((c) => [c.version, c.cause]));
    let previous = null;
    for (const start of [...served.keys()].sort((a, b) => a - b)) {
      const version = served.get(start).version;
      if (previous !== null && version !== previous) {
        root.append(svg('line', { class: 'marker swap', x1: x(start), x2: x(start), y1: top, y2: y(0) }),
          svg('text', { class: 'swap-label', x: x(start) + 3, y: top + 12 },
            'swap v' + previous + '→v' + version + (causes.has(version) ? ' (' + causes.get(version).toLowerCase() + ')' : '')));
      }
      previous = version;
    }
    for (const s of series) {
      const color = colorOf(s.version);
      const mid = (p) => x(p.start + bucket / 2);
      root.append(svg('polyline', { class: 'series', 'data-version': s.version, fill: 'none', stroke: color, 'stroke-width': 2,
        points: s.points.map((p) => mid(p) + ',' + y(p.accuracy)).join(' ') }));
      for (const p of s.points) {
        root.append(svg('circle', { class: 'point', 'data-version': s.version, cx: mid(p), cy: y(p.accuracy), r: 3.5, fill: color },
          svg('title', {}, `v${s.version} ${time(p.start)}: ${p.correct}/${p.events} = ${number(p.accuracy)}`)));
      }
    }
    const legend = el('div', { class: 'legend' }, series.map((s) => el('span', {},
      svg('svg', { width: 12, height: 12, viewBox: '0 0 12 12' }, svg('circle', { cx: 6, cy: 6, r: 5, fill: colorOf(s.version) })),
      ' v' + s.version + ' (' + s.points.reduce((n, p) => n + p.events, 0) + ' events)')),
      el('span', { class: 'muted' }, 'buckets of ' + Math.round(bucket / 1000) + ' s of event time'));
    return el('div', { id: 'chart' }, root, legend);
  }

  start();
})();
