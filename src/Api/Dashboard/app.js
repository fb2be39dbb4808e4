// Orchestration dashboard. Plain ES module, no build step, no external resources.
// Every piece of server data reaches the page through textContent (never innerHTML), so run output shows as text.
// The key lives in sessionStorage only and travels as x-functions-key on each data call.

const KEY_STORAGE = 'orchestration.key';
const STATUSES = ['pending', 'running', 'completed', 'cancelled', 'failed', 'terminated', 'stopped', 'purging'];
const ENDED = new Set(['completed', 'cancelled', 'failed', 'terminated', 'stopped']);
const OUTCOMES = ['passed', 'failed', 'errored', 'timedOut', 'cancelled'];
const SEGMENTS = ['passed', 'failed', 'errored', 'timedOut', 'cancelled', 'running'];
const ARTIFACTS = ['stdout', 'stderr', 'response', 'transcript', 'result', 'output'];
const WILSON_Z = 1.959963984540054;
const MAX_ROWS_SHOWN = 1000;

const view = document.getElementById('view');
let leave = () => {};

class NeedsKey extends Error {}

class ProblemError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) ? `${problem.title || 'Error'}: ${problem.detail || ''}` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function key() { return sessionStorage.getItem(KEY_STORAGE) || ''; }

function headers(extra) {
  const h = new Headers(extra || {});
  if (key()) h.set('x-functions-key', key());
  return h;
}

async function call(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers), cache: 'no-store' });
  if (response.status === 401) throw new NeedsKey();
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not a problem document */ }
    throw new ProblemError(response.status, problem);
  }
  return response;
}

async function json(path, options) { return (await call(path, options)).json(); }

// ---- small DOM helpers (text only) ----
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(value) { return el('span', { class: `badge ${value}`, text: value }); }

function when(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

function percent(value) { return value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`; }
function seconds(value) { return value === null || value === undefined ? '–' : `${Number(value).toFixed(value < 10 ? 2 : 1)} s`; }
function usd(value) { return value === null || value === undefined ? '–' : `$${Number(value).toFixed(value < 0.01 ? 6 : 4)}`; }

function wilson(count, total) {
  if (!total) return null;
  const z2 = WILSON_Z * WILSON_Z;
  const p = count / total;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (WILSON_Z / (1 + z2 / total)) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return { count, total, rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

function quantile(sorted, q) {
  if (!sorted.length) return null;
  const rank = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[rank];
}

function rateCell(estimate, testId) {
  if (!estimate) return el('span', { class: 'muted', text: '–' });
  const track = el('div', { class: 'interval', title: `95% Wilson interval ${percent(estimate.lower)} – ${percent(estimate.upper)}` });
  const band = el('div', { class: 'band' });
  band.style.left = `${estimate.lower * 100}%`;
  band.style.width = `${Math.max(0.5, (estimate.upper - estimate.lower) * 100)}%`;
  const point = el('div', { class: 'point' });
  point.style.left = `${estimate.rate * 100}%`;
  track.append(band, point);
  return el('div', { class: 'rate', 'data-testid': testId },
    track,
    el('span', { class: 'text', text: `${percent(estimate.rate)} [${percent(estimate.lower)}, ${percent(estimate.upper)}] of ${estimate.total}` }));
}

function progressBar(counts, total, big) {
  const bar = el('div', { class: big ? 'bar big' : 'bar', role: 'img' });
  const parts = [];
  for (const name of SEGMENTS) {
    const value = counts[name] || 0;
    if (!value || !total) continue;
    const span = el('span', { class: `seg-${name}` });
    span.style.width = `${(value / total) * 100}%`;
    bar.append(span);
    parts.push(`${value} ${name}`);
  }
  bar.setAttribute('aria-label', parts.join(', ') || 'nothing judged yet');
  bar.title = bar.getAttribute('aria-label');
  return bar;
}

function legend() {
  return el('div', { class: 'legend' }, SEGMENTS.map(name => {
    const swatch = el('i', { class: `seg-${name}` });
    return el('span', {}, swatch, name);
  }), el('span', {}, el('i', { class: 'seg-pending' }), 'pending'));
}

// ---- key ----
function showKeyForm(message) {
  leave();
  leave = () => {};
  view.replaceChildren(document.getElementById('key-template').content.cloneNode(true));
  if (message) document.getElementById('key-message').textContent = message;
  const input = document.getElementById('key-input');
  input.focus();
  document.getElementById('key-form').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, input.value.trim());
    route();
  });
}

function failed(error) {
  if (error instanceof NeedsKey) {
    showKeyForm(key() ? 'That key was refused. Enter the API key of this server.' : null);
    return true;
  }
  if (error && error.name === 'AbortError') return true;
  return false;
}

function showError(where, error) {
  if (failed(error)) return;
  where.replaceChildren(el('p', { class: 'error', 'data-testid': 'error', text: error && error.message ? error.message : String(error) }));
}

// ---- batch list ----
function listView(params) {
  const status = params.get('status') || '';
  const select = el('select', { id: 'status-filter', 'aria-label': 'Status' },
    el('option', { value: '', text: 'all' }), STATUSES.map(s => el('option', { value: s, text: s, selected: s === status })));
  select.addEventListener('change', () => { location.hash = select.value ? `#/?status=${encodeURIComponent(select.value)}` : '#/'; });
  const body = el('tbody');
  const message = el('div');
  const more = el('button', { type: 'button', id: 'more-batches', hidden: true, text: 'More' });
  view.replaceChildren(el('section', { class: 'card' },
    el('h1', { text: 'Batches' }),
    el('div', { class: 'toolbar' }, el('label', { for: 'status-filter', text: 'Status' }), select),
    message,
    el('div', { class: 'scroll' }, el('table', { id: 'batches' },
      el('thead', {}, el('tr', {},
        el('th', { text: 'Batch' }), el('th', { text: 'Status' }), el('th', { text: 'Labels' }),
        el('th', { text: 'Created' }), el('th', { text: 'Ended', class: 'hide-narrow' }),
        el('th', { class: 'num', text: 'Runs' }), el('th', { class: 'num', text: 'Passed' }),
        el('th', { class: 'num', text: 'Failed' }), el('th', { class: 'num hide-narrow', text: 'Other' }))),
      body)),
    more));

  const counts = new Map();
  let token = null;
  let stopped = false;
  let timer = 0;

  const row = batch => {
    const ended = ENDED.has(batch.status);
    const known = counts.get(batch.id);
    const tr = el('tr', { 'data-batch-id': batch.id },
      el('td', {}, el('a', { href: `#/batches/${encodeURIComponent(batch.id)}`, class: 'mono', text: batch.id })),
      el('td', {}, badge(batch.status), batch.reason ? el('div', { class: 'muted wrap', text: batch.reason }) : null),
      el('td', { class: 'wrap' }, Object.entries(batch.labels || {}).map(([k, v]) => el('span', { class: 'chip', text: `${k}=${v}` }))),
      el('td', { text: when(batch.createdAt) }),
      el('td', { class: 'hide-narrow', text: ended ? when(batch.lastUpdatedAt) : '' }),
      el('td', { class: 'num', text: batch.totalRuns }),
      el('td', { class: 'num', 'data-col': 'passed', text: known ? known.passed : '' }),
      el('td', { class: 'num', 'data-col': 'failed', text: known ? known.failed : '' }),
      el('td', { class: 'num hide-narrow', 'data-col': 'other', text: known ? known.other : '' }));
    return tr;
  };

  const fillCounts = async (batches, rows) => {
    for (let i = 0; i < batches.length && !stopped; i++) {
      const batch = batches[i];
      if (counts.has(batch.id) && ENDED.has(batch.status) && counts.get(batch.id).ended) continue;
      try {
        const s = await json(`/api/batches/${encodeURIComponent(batch.id)}`);
        const sum = { passed: 0, failed: 0, other: 0, ended: ENDED.has(s.status) };
        for (const t of s.tasks || []) { sum.passed += t.passed; sum.failed += t.failed; sum.other += t.errored + t.timedOut + t.cancelled; }
        counts.set(batch.id, sum);
        const tr = rows[i];
        tr.querySelector('[data-col=passed]').textContent = sum.passed;
        tr.querySelector('[data-col=failed]').textContent = sum.failed;
        tr.querySelector('[data-col=other]').textContent = sum.other;
      } catch (error) {
        if (failed(error)) { stopped = true; return; }
      }
    }
  };

  const load = async append => {
    try {
      const query = new URLSearchParams({ top: '50' });
      if (status) query.set('status', status);
      if (append && token) query.set('continuationToken', token);
      const page = await json(`/api/batches?${query}`);
      if (stopped) return;
      token = page.continuationToken;
      more.hidden = !token;
      const rows = page.items.map(row);
      if (append) body.append(...rows); else body.replaceChildren(...rows);
      message.replaceChildren(page.items.length || append ? '' : el('p', { class: 'muted', text: 'No batches yet. Submit one with the CLI, the Python client or POST /api/batches.' }));
      await fillCounts(page.items, rows);
    } catch (error) {
      stopped = stopped || failed(error);
      if (!stopped) showError(message, error);
    }
  };

  more.addEventListener('click', () => load(true));
  const tick = async () => {
    await load(false);
    if (!stopped) timer = setTimeout(tick, 5000);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

// ---- one batch ----
function batchView(id) {
  const controller = new AbortController();
  const state = { status: null, results: null, rows: [], seen: new Set(), cursor: '', ended: false };
  const title = el('h1', { text: id, class: 'mono' });
  const statusBadge = el('span', { id: 'batch-status' });
  const meta = el('div', { class: 'meta' });
  const cancel = el('button', { type: 'button', id: 'cancel', class: 'danger', hidden: true, text: 'Cancel batch' });
  const rerun = el('button', { type: 'button', id: 'rerun', hidden: true, text: 'Rerun errored and timed out' });
  const overall = el('div', { id: 'overall' });
  const versionBox = el('div', { class: 'toolbar', id: 'versions' });
  const taskBody = el('tbody');
  const taskFoot = el('tfoot');
  const message = el('div');
  const taskFilter = el('select', { id: 'task-filter', 'aria-label': 'Task' }, el('option', { value: '', text: 'all tasks' }));
  const outcomeFilter = el('select', { id: 'outcome-filter', 'aria-label': 'Outcome' },
    el('option', { value: '', text: 'all outcomes' }), OUTCOMES.map(o => el('option', { value: o, text: o })));
  const runBody = el('tbody');
  const runNote = el('p', { class: 'muted', id: 'runs-note' });
  const viewer = el('section', { class: 'card', id: 'artifact-viewer', hidden: true });

  view.replaceChildren(
    el('section', { class: 'card' },
      el('div', { class: 'toolbar' }, title, statusBadge, cancel, rerun,
        el('a', { href: `#/compare?a=${encodeURIComponent(id)}`, id: 'compare-link', text: 'Compare with…' })),
      meta, versionBox, overall, message),
    el('section', { class: 'card' },
      el('h2', { text: 'Tasks' }),
      el('div', { class: 'scroll' }, el('table', { id: 'tasks' },
        el('thead', {}, el('tr', {},
          el('th', { text: 'Task' }), el('th', { text: 'Progress' }),
          el('th', { class: 'num', text: 'Runs' }), el('th', { class: 'num', text: 'Passed' }), el('th', { class: 'num', text: 'Failed' }),
          el('th', { class: 'num', text: 'Errored' }), el('th', { class: 'num', text: 'Timed out' }), el('th', { class: 'num', text: 'Cancelled' }),
          el('th', { text: 'Pass rate (95% Wilson)' }), el('th', { text: 'Flags' }),
          el('th', { class: 'num', text: 'p50' }), el('th', { class: 'num', text: 'p95' }), el('th', { class: 'num', text: 'Cost' }))),
        taskBody, taskFoot)),
      legend()),
    el('section', { class: 'card' },
      el('h2', { text: 'Runs' }),
      el('div', { class: 'toolbar' },
        el('label', { for: 'task-filter', text: 'Task' }), taskFilter,
        el('label', { for: 'outcome-filter', text: 'Outcome' }), outcomeFilter),
      runNote,
      el('div', { class: 'scroll' }, el('table', { id: 'runs' },
        el('thead', {}, el('tr', {},
          el('th', { class: 'num', text: '#' }), el('th', { text: 'Task' }), el('th', { class: 'num', text: 'Run' }),
          el('th', { text: 'Outcome' }), el('th', { text: 'Flags' }), el('th', { class: 'num', text: 'Exit' }),
          el('th', { class: 'num', text: 'Duration' }), el('th', { class: 'num hide-narrow', text: 'Cost' }),
          el('th', { class: 'num', text: 'Attempts' }), el('th', { text: 'Artifacts' }))),
        runBody))),
    viewer);

  cancel.addEventListener('click', async () => {
    if (!confirm(`Cancel batch ${id}? Runs in flight are stopped; judged runs keep their outcome.`)) return;
    cancel.disabled = true;
    try {
      await call(`/api/batches/${encodeURIComponent(id)}/cancel`, { method: 'POST', signal: controller.signal });
      cancel.textContent = 'Cancelling…';
    } catch (error) {
      cancel.disabled = false;
      showError(message, error);
    }
  });
  // A rerun runs the errored and timed-out runs again in this batch; the page then follows it live from the start.
  rerun.addEventListener('click', async () => {
    if (!confirm(`Run the errored and timed-out runs of ${id} again? The batch runs again and ends with a new results version.`)) return;
    rerun.disabled = true;
    try {
      const key = globalThis.crypto && crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
      await call(`/api/batches/${encodeURIComponent(id)}/rerun`, { method: 'POST', headers: { 'Idempotency-Key': key }, signal: controller.signal });
      location.reload();
    } catch (error) {
      rerun.disabled = false;
      showError(message, error);
    }
  });
  taskFilter.addEventListener('change', renderRuns);
  outcomeFilter.addEventListener('change', renderRuns);

  function renderStatus() {
    const s = state.status;
    if (!s) return;
    statusBadge.replaceChildren(badge(s.status));
    const ended = ENDED.has(s.status);
    cancel.hidden = ended || s.status === 'purging';
    const rerunnable = (s.tasks || []).reduce((n, t) => n + t.errored + t.timedOut, 0);
    rerun.hidden = !ended || rerunnable === 0 || state.results === null;
    rerun.textContent = `Rerun errored and timed out (${rerunnable})`;
    const items = [el('span', { text: `created ${when(s.createdAt)}` })];
    if (ended && s.lastUpdatedAt) items.push(el('span', { text: `ended ${when(s.lastUpdatedAt)}` }));
    if (s.reason) items.push(el('span', { class: 'error', text: s.reason }));
    meta.replaceChildren(...items);

    const p = s.progress || { total: 0, pending: 0, running: 0, completed: 0 };
    const results = state.results;
    const byTask = new Map((results ? results.tasks : []).map(t => [t.id, t]));
    // Once there are results, the counts are those of the version shown (a rejudge may have changed them).
    const countsOf = t => byTask.get(t.id) || t;
    const counts = { running: p.running };
    for (const t of s.tasks || []) for (const o of OUTCOMES) counts[o] = (counts[o] || 0) + (countsOf(t)[o] || 0);
    overall.replaceChildren(
      progressBar(counts, p.total, true),
      el('p', { id: 'overall-text', text: `${p.completed} of ${p.total} runs judged · ${p.running} running · ${p.pending} pending`
        + (p.skipped ? ` · ${p.skipped} skipped (cost cap)` : '') }));

    const live = liveStats();
    taskBody.replaceChildren(...(s.tasks || []).map(status => {
      const agg = byTask.get(status.id);
      const t = countsOf(status);
      const judged = t.passed + t.failed;
      const stats = agg || live.get(t.id) || {};
      return el('tr', { 'data-task': t.id },
        el('td', { class: 'mono', text: t.id }),
        el('td', {}, progressBar(t, t.runs, false)),
        el('td', { class: 'num', text: t.runs }),
        ...OUTCOMES.map(o => el('td', { class: 'num', 'data-col': o, text: t[o] })),
        el('td', {}, rateCell(agg ? agg.passRate : wilson(t.passed, judged), `pass-rate-${t.id}`)),
        el('td', { class: 'wrap' }, flagChips(t.flagged, agg && agg.flagRates),
          agg && agg.notRejudgeable ? el('span', { class: 'chip', 'data-testid': `not-rejudgeable-${t.id}`, text: `not rejudgeable: ${agg.notRejudgeable}` }) : null),
        el('td', { class: 'num', text: seconds(stats.duration && stats.duration.p50) }),
        el('td', { class: 'num', text: seconds(stats.duration && stats.duration.p95) }),
        el('td', { class: 'num', text: usd(stats.cost && stats.cost.totalUsd) }));
    }));
    if (results && results.total) {
      const total = results.total;
      taskFoot.replaceChildren(el('tr', { id: 'total-row' },
        el('th', { text: 'All tasks' }), el('td'),
        el('td', { class: 'num', text: total.runs }),
        ...OUTCOMES.map(o => el('td', { class: 'num', 'data-col': o, text: total[o] })),
        el('td', {}, rateCell(total.passRate, 'pass-rate-total')),
        el('td', { class: 'wrap' }, flagChips(total.flagged, total.flagRates)),
        el('td', { class: 'num', text: seconds(total.duration && total.duration.p50) }),
        el('td', { class: 'num', text: seconds(total.duration && total.duration.p95) }),
        el('td', { class: 'num', 'data-testid': 'total-cost', text: usd(total.cost && total.cost.totalUsd) })));
    }

    const tasks = (s.tasks || []).map(t => t.id);
    if (taskFilter.options.length - 1 !== tasks.length) {
      const chosen = taskFilter.value;
      taskFilter.replaceChildren(el('option', { value: '', text: 'all tasks' }), ...tasks.map(t => el('option', { value: t, text: t, selected: t === chosen })));
    }
  }

  function flagChips(flagged, rates) {
    return Object.entries(flagged || {}).map(([name, count]) => {
      const rate = rates && rates[name];
      return el('span', { class: 'chip', title: rate ? `95% Wilson interval ${percent(rate.lower)} – ${percent(rate.upper)}` : '',
        text: rate ? `${name}: ${count} (${percent(rate.rate)})` : `${name}: ${count}` });
    });
  }

  // Durations and cost from the rows seen so far, until the aggregate gives the final figures.
  function liveStats() {
    const map = new Map();
    for (const r of state.rows) {
      const entry = map.get(r.task) || { durations: [], cost: 0 };
      if (typeof r.durationSeconds === 'number') entry.durations.push(r.durationSeconds);
      if (typeof r.costUsd === 'number') entry.cost += r.costUsd;
      map.set(r.task, entry);
    }
    const out = new Map();
    for (const [task, entry] of map) {
      entry.durations.sort((a, b) => a - b);
      out.set(task, { duration: { p50: quantile(entry.durations, 0.5), p95: quantile(entry.durations, 0.95) }, cost: { totalUsd: entry.cost } });
    }
    return out;
  }

  function renderRuns() {
    const task = taskFilter.value;
    const outcome = outcomeFilter.value;
    const matching = [];
    for (let i = state.rows.length - 1; i >= 0; i--) {
      const r = state.rows[i];
      if ((!task || r.task === task) && (!outcome || r.outcome === outcome)) matching.push(r);
    }
    runNote.textContent = `${matching.length} of ${state.rows.length} judged runs, newest judged first` +
      (matching.length > MAX_ROWS_SHOWN ? ` (the first ${MAX_ROWS_SHOWN} shown; the CLI and /runs give all)` : '');
    runBody.replaceChildren(...matching.slice(0, MAX_ROWS_SHOWN).map(runRow));
  }

  function runRow(r) {
    const attempts = Number(r.attempts) || 1;
    const links = el('div', { class: 'artifact-links' });
    for (const name of ARTIFACTS) links.append(artifactButton(r, name, null));
    for (let a = attempts - 1; a >= 1; a--) {
      links.append(el('span', { class: 'muted', text: ` attempt ${a}: ` }), artifactButton(r, 'stdout', a), artifactButton(r, 'stderr', a));
    }
    return el('tr', { 'data-run': `${r.task}/${r.runIndex}`, 'data-outcome': r.outcome },
      el('td', { class: 'num muted', text: r.judged }),
      el('td', { class: 'mono', text: r.task }),
      el('td', { class: 'num', text: r.runIndex }),
      el('td', {}, badge(r.outcome), r.reason ? el('div', { class: 'muted wrap', text: r.reason }) : null),
      el('td', { class: 'wrap' }, String(r.flags || '').split(/[;,]/).filter(Boolean).map(f => el('span', { class: 'chip', text: f }))),
      el('td', { class: 'num', text: r.exitCode === null || r.exitCode === undefined ? '' : r.exitCode }),
      el('td', { class: 'num', text: seconds(r.durationSeconds) }),
      el('td', { class: 'num hide-narrow', text: usd(r.costUsd) }),
      el('td', { class: 'num', text: attempts }),
      el('td', { class: 'artifacts' }, links));
  }

  function artifactButton(r, name, attempt) {
    return el('button', { type: 'button', class: 'link', 'data-artifact': name, 'data-attempt': attempt || undefined, text: name,
      onclick: () => openArtifact(r, name, attempt) });
  }

  async function openArtifact(r, name, attempt) {
    const path = `/api/batches/${encodeURIComponent(id)}/runs/${encodeURIComponent(r.task)}/${r.runIndex}/artifacts/${name}` + (attempt ? `?attempt=${attempt}` : '');
    const label = `${r.task} #${r.runIndex} · ${name}${attempt ? ` (attempt ${attempt})` : ''}`;
    const text = el('pre', { id: 'artifact-text', text: 'Loading…' });
    const close = el('button', { type: 'button', id: 'artifact-close', text: 'Close', onclick: () => { viewer.hidden = true; } });
    viewer.replaceChildren(el('header', {}, el('h2', { id: 'artifact-title', text: label }), close), text);
    viewer.hidden = false;
    try {
      const response = await call(path, { signal: controller.signal });
      if (name === 'output') {
        const blob = await response.blob();
        const url = URL.createObjectURL(blob);
        const a = el('a', { href: url, download: `${r.task}-${r.runIndex}-output.tar.gz`, text: `Download output (${blob.size} bytes, gzip)` });
        text.replaceChildren(a);
        return;
      }
      const body = await response.text();
      text.textContent = body.length ? body : '(empty)';
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) { text.textContent = `No ${name} for this run.`; return; }
      if (failed(error)) return;
      text.textContent = error.message;
    }
  }

  async function loadResults(version) {
    try {
      const query = version ? `?version=${version}` : '';
      state.results = await json(`/api/batches/${encodeURIComponent(id)}/results${query}`, { signal: controller.signal });
      if (!version) state.latestVersion = state.results.version || 1;
    } catch (error) {
      if (failed(error)) return;
      // An ended batch without an aggregate (failed before aggregating) shows its live counts.
      state.results = null;
    }
    renderVersion();
    renderStatus();
  }

  // Results versions: 1 is the aggregate the batch ended with; each rejudge or rerun adds one (shown: the latest).
  function renderVersion() {
    const latest = state.latestVersion || 1;
    const results = state.results;
    if (!results || latest < 2) {
      versionBox.replaceChildren();
      return;
    }

    const shown = results.version || 1;
    const select = el('select', { id: 'results-version', 'aria-label': 'Results version' },
      Array.from({ length: latest }, (_, i) => i + 1).reverse().map(v =>
        el('option', { value: String(v), text: v === 1 ? 'version 1 (as run)' : `version ${v}`, selected: v === shown })));
    select.addEventListener('change', () => loadResults(Number(select.value)));
    const r = results.rejudge;
    const again = results.rerun;
    versionBox.replaceChildren(
      el('label', { for: 'results-version', text: 'Results' }), select,
      r ? el('span', { class: 'muted', id: 'rejudge-summary',
        text: `rejudged: ${r.rejudged} run(s) judged again by new rules, ${r.changed} changed, ${r.kept} kept (no result), ${r.notRejudgeable.length} not rejudgeable` }) : null,
      again ? el('span', { class: 'muted', id: 'rerun-summary',
        text: `rerun: ${again.runs} ${again.outcomes.join('/')} run(s) run again` }) : null);
  }

  // Server-Sent Events over fetch (EventSource cannot send the key header), resumed with Last-Event-ID.
  async function stream() {
    let delay = 1000;
    while (!controller.signal.aborted && !state.ended) {
      try {
        const h = { Accept: 'text/event-stream' };
        if (state.cursor) h['Last-Event-ID'] = state.cursor;
        const response = await call(`/api/batches/${encodeURIComponent(id)}/events`, { headers: h, signal: controller.signal });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        let dirty = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let split;
          while ((split = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            dirty = handle(block) || dirty;
          }
          if (dirty) { renderRuns(); renderStatus(); dirty = false; }
        }
        delay = 1000;
      } catch (error) {
        if (failed(error)) return;
        showError(message, error);
        if (error instanceof ProblemError && error.status < 500 && error.status !== 429) return;
      }
      if (!state.ended) await new Promise(resolve => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }

  function handle(block) {
    let event = 'message', data = '', eventId = null;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'id') eventId = value;
    }
    if (!data) return false;
    const payload = JSON.parse(data);
    if (event === 'run') {
      if (eventId !== null) state.cursor = eventId;
      const keyOf = `${payload.task}/${payload.runIndex}`;
      if (state.seen.has(keyOf)) return false;
      state.seen.add(keyOf);
      payload.judged = state.rows.length + 1;
      state.rows.push(payload);
      return true;
    }
    if (event === 'progress' || event === 'end') {
      state.status = { ...state.status, ...payload };
      if (event === 'end') {
        state.ended = true;
        message.replaceChildren();
        if (payload.status === 'purged') { message.replaceChildren(el('p', { class: 'muted', text: 'This batch was purged.' })); return true; }
        loadResults();
      }
      return true;
    }
    return false;
  }

  (async () => {
    try {
      const first = await call(`/api/batches/${encodeURIComponent(id)}`, { signal: controller.signal });
      state.status = await first.json();
      renderStatus();
      renderRuns();
      if (ENDED.has(state.status.status)) loadResults();
      stream();
    } catch (error) {
      showError(message, error);
    }
  })();

  return () => controller.abort();
}

// ---- compare two batches ----
function signedPoints(value) { return `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)}`; }
function pValue(value) { return value === null || value === undefined ? '–' : value < 0.0001 ? '<0.0001' : value.toFixed(4); }

// B − A on a −100…+100 scale, drawn like rateCell: the band is the 95% Newcombe interval, the point the difference.
function differenceCell(d, testId) {
  if (!d) return el('span', { class: 'muted', text: '–' });
  const at = x => `${((x + 1) / 2) * 100}%`;
  const track = el('div', { class: 'interval diff', title: `95% Newcombe interval ${signedPoints(d.lower)} to ${signedPoints(d.upper)} points` });
  const zero = el('div', { class: 'zero' });
  const band = el('div', { class: 'band' });
  band.style.left = at(d.lower);
  band.style.width = `${Math.max(0.5, ((d.upper - d.lower) / 2) * 100)}%`;
  const point = el('div', { class: 'point' });
  point.style.left = at(d.difference);
  track.append(zero, band, point);
  return el('div', { class: 'rate', 'data-testid': testId },
    track, el('span', { class: 'text', text: `${signedPoints(d.difference)} pts [${signedPoints(d.lower)}, ${signedPoints(d.upper)}]` }));
}

function compareView(params) {
  const controller = new AbortController();
  const a = params.get('a') || '';
  const b = params.get('b') || '';
  const input = (id, label, value, placeholder) => [el('label', { for: id, text: label }),
    el('input', { id, name: id, value, placeholder, spellcheck: 'false', class: 'mono' })];
  const form = el('form', { id: 'compare-form', class: 'toolbar', autocomplete: 'off' },
    input('compare-a', 'A', a, 'batch id'), input('compare-b', 'B', b, 'batch id'),
    input('compare-map', 'Map', params.get('map') || '', 'taskA:taskB,…'), input('compare-mde', 'Detectable difference', params.get('mde') || '0.1', '0.1'),
    el('button', { type: 'submit', text: 'Compare' }));
  const message = el('div');
  const result = el('div', { id: 'comparison-result' });
  view.replaceChildren(el('section', { class: 'card' }, el('h1', { text: 'Compare two batches' }), form, message), result);
  form.addEventListener('submit', event => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const name of ['a', 'b', 'map', 'mde']) {
      const value = document.getElementById(`compare-${name}`).value.trim();
      if (value) query.set(name, value);
    }
    location.hash = `#/compare?${query}`;
  });
  if (!a || !b) return () => controller.abort();

  const row = (name, rate, testId, flag) => el('tr', { class: flag ? 'flag-row' : null, 'data-task': flag ? null : name },
    el('th', { class: flag ? 'muted' : 'mono', text: name }),
    el('td', {}, rateCell(rate.a, `${testId}-a`)),
    el('td', {}, rateCell(rate.b, `${testId}-b`)),
    el('td', {}, differenceCell(rate.difference, `${testId}-diff`)),
    el('td', { class: 'num', text: pValue(rate.pValue) }),
    el('td', { class: 'num', text: pValue(rate.adjustedPValue) }),
    el('td', { class: `verdict ${rate.verdict.startsWith('no ') ? 'muted' : ''}`, 'data-testid': `${testId}-verdict`, text: rate.verdict }),
    el('td', { class: 'num', text: rate.runsNeeded ?? '–' }));
  const scope = (name, s, testId) => [row(name, s.pass, testId, false),
    ...Object.entries(s.flags || {}).map(([flag, rate]) => row(`flag ${flag}`, rate, `${testId}-flag-${flag}`, true))];

  (async () => {
    try {
      const query = new URLSearchParams({ a, b });
      if (params.get('map')) query.set('map', params.get('map'));
      if (params.get('mde')) query.set('mde', params.get('mde'));
      const c = await json(`/api/compare?${query}`, { signal: controller.signal });
      const unmatched = (label, ids) => ids && ids.length ? el('p', { class: 'muted', text: `Only in ${label}: ${ids.join(', ')}` }) : null;
      result.replaceChildren(el('section', { class: 'card' },
        el('h2', {}, 'B = ', el('a', { href: `#/batches/${encodeURIComponent(c.b)}`, class: 'mono', text: c.b }),
          ' against A = ', el('a', { href: `#/batches/${encodeURIComponent(c.a)}`, class: 'mono', text: c.a })),
        el('div', { class: 'scroll' }, el('table', { id: 'comparison' },
          el('thead', {}, el('tr', {},
            el('th', { text: 'Task' }), el('th', { text: 'A pass rate (95% Wilson)' }), el('th', { text: 'B pass rate (95% Wilson)' }),
            el('th', { text: 'B − A (95% Newcombe)' }), el('th', { class: 'num', text: 'Fisher p' }), el('th', { class: 'num', text: 'Holm p' }),
            el('th', { text: 'Verdict' }), el('th', { class: 'num', text: `Runs/arm for ${(c.detectableDifference * 100).toFixed(0)} pts` }))),
          el('tbody', {}, c.tasks.flatMap(t => scope(t.taskA === t.taskB ? t.taskA : `${t.taskA} → ${t.taskB}`, t, `compare-${t.taskA}`))),
          el('tfoot', {}, scope('All matched tasks', c.overall, 'compare-overall')))),
        unmatched(`A (${c.a})`, c.unmatchedA), unmatched(`B (${c.b})`, c.unmatchedB),
        el('p', { class: 'muted', id: 'compare-rule', text: c.rule })));
    } catch (error) {
      showError(message, error);
    }
  })();
  return () => controller.abort();
}

// ---- routing ----
function route() {
  leave();
  leave = () => {};
  document.getElementById('forget-key').hidden = !key();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const match = /^\/batches\/([^/]+)$/.exec(path);
  leave = match ? batchView(decodeURIComponent(match[1])) : path === '/compare' ? compareView(params) : listView(params);
}

document.getElementById('forget-key').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  route();
});
window.addEventListener('hashchange', route);
route();
