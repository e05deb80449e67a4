// Caravan's dead-letter page: a thin client of /api/dlq. Dead letters are hostile input, so everything they carry is
// put on the page as text (textContent, input values), never parsed as HTML.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  // The API beside this page (/dlq/ -> /api/dlq), without credentials: a page opened as http://user:pass@host/dlq/
  // would otherwise resolve URLs that fetch() refuses. The browser's basic-auth login for this origin is reused.
  const API = (() => {
    const url = new URL('../api/dlq', location.href);
    url.username = '';
    url.password = '';
    return url.origin + url.pathname;
  })();

  const state = {
    dlq: null,
    offset: 0,
    limit: 25,
    filter: {},
    selected: new Set(),
    message: null,
    editableHeaders: {},
    bodyEditable: false,
    loadSeq: 0,
  };

  // --- HTTP ----------------------------------------------------------------------------------------------------------

  async function call(method, path, body) {
    const options = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(API + path, options);
    } catch (e) {
      throw new Error('Caravan did not answer: ' + e.message);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (!response.ok) {
      let reason = json && typeof json.error === 'string' ? json.error : response.statusText;
      if (response.status === 401) reason = 'not logged in';
      if (response.status === 403) reason = 'this user may not manage dead letters (operator or admin role needed)';
      throw new Error(response.status + ' ' + reason);
    }
    return json;
  }

  const dlqPath = (dlq) => '/' + encodeURIComponent(dlq);
  const messagePath = (dlq, id) => dlqPath(dlq) + '/messages/' + encodeURIComponent(id);

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
    }
    const text = search.toString();
    return text ? '?' + text : '';
  }

  // --- DOM helpers: text only ----------------------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (name === 'className') node.className = value;
      else if (name === 'testid') node.dataset.testid = value;
      else if (name === 'data') Object.assign(node.dataset, value);
      else if (name === 'onclick') node.addEventListener('click', value);
      else if (name === 'title') node.title = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
    }
    return node;
  }

  const button = (label, testid, onclick, className) => el('button', { type: 'button', testid, onclick, className }, label);

  function time(instant) {
    return instant ? String(instant).replace('T', ' ').replace(/(\.\d+)?Z$/, 'Z') : '';
  }

  function cut(text, length) {
    const value = text == null ? '' : String(text);
    return value.length > length ? value.slice(0, length - 1) + '…' : value;
  }

  function report(text, ok) {
    const status = $('status');
    status.textContent = text;
    status.className = ok ? 'ok' : 'error';
    status.dataset.state = ok ? 'ok' : 'error';
  }

  // Runs an action with its button disabled (no double submit), reports its result or error, then refreshes.
  async function act(trigger, action) {
    if (trigger) trigger.disabled = true;
    try {
      report(await action(), true);
    } catch (e) {
      report(e.message, false);
    } finally {
      if (trigger) trigger.disabled = false;
    }
    await refresh();
  }

  function outcome(verb, result) {
    let text = verb + ': replayed ' + result.replayed + ', skipped ' + result.skipped;
    if (result.skipped > 0) text += ' (replayed too often or gone meanwhile)';
    if (result.scheduledFor) text += ', delivered at ' + time(result.scheduledFor);
    return text;
  }

  // --- Overview: DLQs, groups, audit ---------------------------------------------------------------------------------

  async function loadQueues() {
    const queues = await call('GET', '');
    const rows = $('dlq-rows');
    rows.replaceChildren(...queues.map((q) => el('tr', {
      testid: 'dlq-row', data: { dlq: q.name }, className: q.name === state.dlq ? 'current' : null,
    },
    el('td', {}, button(q.name, 'open-dlq', () => openDlq(q.name, {}))),
    el('td', {}, q.originalQueue),
    el('td', { className: 'num', testid: 'dlq-count' }, q.count),
    el('td', {}, time(q.oldestFailedAt)))));
    $('dlq-empty').hidden = queues.length > 0;
  }

  async function loadGroups() {
    const groups = await call('GET', '/groups');
    $('group-rows').replaceChildren(...groups.map((g) => el('tr', {
      testid: 'group-row', data: { key: g.key, dlq: g.dlq, route: g.routeId || '', exception: g.exception || '' },
    },
    el('td', {}, g.dlq),
    el('td', {}, g.routeId || '(broker)'),
    el('td', {}, g.exception || ''),
    el('td', { className: 'wrap' }, g.messagePattern || ''),
    el('td', { className: 'num' }, g.count),
    el('td', {}, time(g.oldestFailedAt)),
    el('td', {}, time(g.newestFailedAt)),
    el('td', { className: 'buttons' },
      button('Browse', 'group-browse', () => openDlq(g.dlq, { route: g.routeId, exception: g.exception })),
      button('Sample', 'group-sample', () => showMessage(g.dlq, g.sampleId)),
      button('Replay group', 'group-replay', (event) => act(event.currentTarget, async () =>
        outcome('Replayed group ' + g.key + ' of ' + g.dlq,
          await call('POST', dlqPath(g.dlq) + '/replay', { group: g.key }))))))));
    $('groups-empty').hidden = groups.length > 0;
  }

  async function loadAudit() {
    const entries = await call('GET', '/audit' + query({ limit: 20 }));
    $('audit-rows').replaceChildren(...entries.map((a) => el('tr', {
      testid: 'audit-row', data: { id: a.id, action: a.action, dlq: a.dlq || '' },
    },
    el('td', {}, time(a.at)),
    el('td', {}, a.user),
    el('td', {}, a.action),
    el('td', {}, a.dlq),
    el('td', { className: 'num' }, a.count),
    el('td', { className: 'wrap' }, a.details || ''))));
  }

  // --- Browse one DLQ ------------------------------------------------------------------------------------------------

  function openDlq(dlq, filter) {
    state.dlq = dlq;
    state.offset = 0;
    state.filter = {};
    for (const name of ['route', 'exception', 'from', 'to', 'text']) {
      const value = filter[name] || '';
      $('filter-' + name).value = value;
      if (value) state.filter[name] = value;
    }
    closePurge();
    $('browse').hidden = false;
    $('browse-dlq').textContent = dlq;
    for (const row of document.querySelectorAll('#dlq-rows tr')) {
      row.classList.toggle('current', row.dataset.dlq === dlq);
    }
    loadMessages().catch((e) => report(e.message, false));
    $('browse').scrollIntoView({ block: 'start' });
  }

  const filtered = () => Object.keys(state.filter).length > 0;

  async function loadMessages() {
    if (!state.dlq) return;
    const seq = ++state.loadSeq;
    // One more than a page tells whether there is a next page.
    const page = await call('GET', dlqPath(state.dlq) + '/messages'
      + query({ ...state.filter, limit: state.limit + 1, offset: state.offset }));
    if (seq !== state.loadSeq) return;
    const more = page.length > state.limit;
    const shown = page.slice(0, state.limit);
    state.selected.clear();
    $('select-page').checked = false;
    $('message-rows').replaceChildren(...shown.map((m) => {
      const box = el('input', { type: 'checkbox', testid: 'select-message', 'aria-label': 'select' });
      box.addEventListener('change', () => {
        if (box.checked) state.selected.add(m.id);
        else state.selected.delete(m.id);
        updateButtons();
      });
      return el('tr', { testid: 'message-row', data: { id: m.id } },
        el('td', {}, box),
        el('td', {}, time(m.failedAt)),
        el('td', {}, m.routeId || m.failedBy || ''),
        el('td', {}, m.exception || ''),
        el('td', { className: 'wrap' }, cut(m.exceptionMessage, 160)),
        el('td', { className: 'num' }, m.replayCount),
        el('td', { className: 'wrap body', testid: 'message-body-preview' },
          (m.bodyEncoding === 'base64' ? '(base64) ' : '') + cut(m.body, 120)),
        el('td', {}, button('View', 'view-message', () => showMessage(state.dlq, m.id))));
    }));
    const first = shown.length ? state.offset + 1 : 0;
    $('page-info').textContent = shown.length
      ? 'dead letters ' + first + '–' + (state.offset + shown.length) + (filtered() ? ' matching the filter' : '')
      : (filtered() ? 'none match the filter' : 'this DLQ is empty');
    $('page-prev').disabled = state.offset === 0;
    $('page-next').disabled = !more;
    updateButtons();
  }

  function updateButtons() {
    $('replay-selected').disabled = state.selected.size === 0;
    $('replay-selected').textContent = 'Replay selected (' + state.selected.size + ')';
    $('replay-all').textContent = filtered() ? 'Replay all matching the filter' : 'Replay all';
    $('purge-start').textContent = filtered() ? 'Purge matching the filter…' : 'Purge…';
  }

  function readFilter() {
    const filter = {};
    for (const name of ['route', 'exception', 'from', 'to', 'text']) {
      const value = $('filter-' + name).value.trim();
      if (value) filter[name] = value;
    }
    return filter;
  }

  // Destination and schedule shared by replay selected / all: a delay (30s, 10m) or an ISO instant.
  function replayOptions() {
    const options = {};
    const destination = $('replay-destination').value.trim();
    if (destination) options.destination = destination;
    const when = $('replay-delay').value.trim();
    if (when) {
      if (when.includes('T')) options.at = when;
      else options.delay = when;
    }
    return options;
  }

  function describeFilter() {
    return Object.entries(state.filter).map(([name, value]) => name + ' = ' + value).join(', ');
  }

  function closePurge() {
    $('purge-confirm').hidden = true;
    $('purge-name').value = '';
    $('purge-do').disabled = true;
  }

  // --- One dead letter -----------------------------------------------------------------------------------------------

  async function showMessage(dlq, id) {
    try {
      const m = await call('GET', messagePath(dlq, id));
      state.message = m;
      renderMessage(m);
    } catch (e) {
      report(e.message, false);
    }
  }

  function renderMessage(m) {
    $('message').hidden = false;
    $('message-id').textContent = m.id;
    const facts = [['DLQ', m.dlq], ['original destination', m.originalDestination],
      ['original queue', m.originalQueue], ['failed by', m.failedBy], ['route', m.routeId],
      ['exception', m.exception], ['exception message', m.exceptionMessage], ['attempts', m.attempts],
      ['first failed at', time(m.firstFailedAt)], ['failed at', time(m.failedAt)], ['replays', m.replayCount]];
    $('message-failure').replaceChildren(...facts.flatMap(([name, value]) => [
      el('dt', {}, name), el('dd', { data: { field: name } }, value == null ? '' : value)]));

    const headers = m.headers || {};
    $('message-headers').tBodies[0].replaceChildren(...Object.entries(headers).map(([name, value]) =>
      el('tr', { testid: 'header-row', data: { name } }, el('td', {}, name), el('td', {}, value))));

    $('message-body-type').textContent = '(' + (m.bodyType || 'none')
      + (m.bodyEncoding === 'base64' ? ', base64-encoded bytes' : '') + ')';
    $('message-body').textContent = m.body == null ? '' : m.body;

    // Text, and bytes that are UTF-8, are edited in place; any other body can only be replaced by a typed text.
    state.bodyEditable = (m.bodyType === 'text' || m.bodyType === 'bytes') && m.bodyEncoding !== 'base64';
    $('edit-body').value = state.bodyEditable && m.body != null ? m.body : '';
    $('edit-body-note').hidden = state.bodyEditable;
    $('edit-body-note').textContent = state.bodyEditable ? '' : 'This ' + (m.bodyType || 'missing') + ' body'
      + (m.bodyEncoding ? ' (' + m.bodyEncoding + ')' : '') + ' is not edited here: leave the box empty to keep it,'
      + ' or type a text body to replace it.';
    state.editableHeaders = {};
    const rows = [];
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith('JMS')) continue;
      state.editableHeaders[name] = value == null ? null : String(value);
      rows.push(headerRow(name, value));
    }
    $('edit-headers').tBodies[0].replaceChildren(...rows);
    $('edit-destination').value = '';
    $('message').scrollIntoView({ block: 'start' });
  }

  function headerRow(name, value) {
    const row = el('tr', { testid: 'edit-header-row' },
      el('td', {}, el('input', { testid: 'edit-header-name', 'aria-label': 'header name', autocomplete: 'off' })),
      el('td', {}, el('input', { testid: 'edit-header-value', 'aria-label': 'header value', autocomplete: 'off',
        size: 40 })),
      el('td', {}));
    row.cells[0].firstChild.value = name;
    row.cells[1].firstChild.value = value == null ? '' : String(value);
    row.cells[2].append(button('Remove', 'edit-header-remove', () => row.remove()));
    return row;
  }

  // What the operator changed: new or changed headers with their value, removed ones as null.
  function editedHeaders() {
    const now = {};
    for (const row of $('edit-headers').tBodies[0].rows) {
      const name = row.cells[0].firstChild.value.trim();
      if (name) now[name] = row.cells[1].firstChild.value;
    }
    const changes = {};
    for (const [name, value] of Object.entries(now)) {
      if (state.editableHeaders[name] !== value) changes[name] = value;
    }
    for (const name of Object.keys(state.editableHeaders)) {
      if (!(name in now)) changes[name] = null;
    }
    return changes;
  }

  function closeMessage() {
    $('message').hidden = true;
    state.message = null;
  }

  // --- Wiring --------------------------------------------------------------------------------------------------------

  async function refresh() {
    const loads = [loadQueues(), loadGroups(), loadAudit()];
    if (state.dlq) loads.push(loadMessages());
    const results = await Promise.allSettled(loads);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) report(failed.reason.message, false);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('refresh').addEventListener('click', () => refresh());

    $('filter-form').addEventListener('submit', (event) => {
      event.preventDefault();
      state.filter = readFilter();
      state.limit = Number($('page-size').value);
      state.offset = 0;
      closePurge();
      loadMessages().catch((e) => report(e.message, false));
    });
    $('filter-clear').addEventListener('click', () => openDlq(state.dlq, {}));
    $('page-size').addEventListener('change', () => {
      state.limit = Number($('page-size').value);
      state.offset = 0;
      loadMessages().catch((e) => report(e.message, false));
    });
    $('page-prev').addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - state.limit);
      loadMessages().catch((e) => report(e.message, false));
    });
    $('page-next').addEventListener('click', () => {
      state.offset += state.limit;
      loadMessages().catch((e) => report(e.message, false));
    });
    $('select-page').addEventListener('change', () => {
      for (const box of document.querySelectorAll('#message-rows input[type=checkbox]')) {
        if (box.checked !== $('select-page').checked) box.click();
      }
    });

    $('replay-selected').addEventListener('click', (event) => act(event.currentTarget, async () => {
      const ids = [...state.selected];
      return outcome('Replayed ' + ids.length + ' selected of ' + state.dlq,
        await call('POST', dlqPath(state.dlq) + '/replay', { ids, ...replayOptions() }));
    }));
    $('replay-all').addEventListener('click', (event) => act(event.currentTarget, async () => {
      const dlq = state.dlq;
      const selection = filtered() ? { filter: { ...state.filter } } : { all: true };
      return outcome((filtered() ? 'Replayed those matching ' + describeFilter() : 'Replayed all') + ' of ' + dlq,
        await call('POST', dlqPath(dlq) + '/replay', { ...selection, ...replayOptions() }));
    }));

    // Purging is two steps: the button opens a box that only purges once the DLQ's name is typed.
    $('purge-start').addEventListener('click', () => {
      $('purge-question').textContent = filtered()
        ? 'Delete the dead letters of ' + state.dlq + ' matching ' + describeFilter() + '? They cannot be recovered.'
        : 'Delete every dead letter of ' + state.dlq + '? They cannot be recovered.';
      $('purge-expected').textContent = state.dlq;
      $('purge-name').value = '';
      $('purge-do').disabled = true;
      $('purge-confirm').hidden = false;
      $('purge-name').focus();
    });
    $('purge-name').addEventListener('input', () => {
      $('purge-do').disabled = $('purge-name').value !== state.dlq;
    });
    $('purge-cancel').addEventListener('click', closePurge);
    $('purge-do').addEventListener('click', (event) => {
      const dlq = state.dlq;
      if ($('purge-name').value !== dlq) return;
      const filter = { ...state.filter };
      closePurge();
      act(event.currentTarget, async () => {
        const result = await call('DELETE', dlqPath(dlq) + '/messages' + query(filter));
        return 'Purged ' + dlq + (Object.keys(filter).length ? ' (filtered)' : '') + ': deleted ' + result.deleted;
      });
    });

    $('edit-add-header').addEventListener('click', () => {
      const row = headerRow('', '');
      $('edit-headers').tBodies[0].append(row);
      row.cells[0].firstChild.focus();
    });
    $('edit-replay').addEventListener('click', (event) => {
      const m = state.message;
      if (!m) return;
      const request = { ids: [m.id] };
      const body = $('edit-body').value;
      if (state.bodyEditable ? body !== (m.body == null ? '' : m.body) : body !== '') request.body = body;
      const headers = editedHeaders();
      if (Object.keys(headers).length) request.headers = headers;
      const destination = $('edit-destination').value.trim();
      if (destination) request.destination = destination;
      if (request.body === undefined && request.headers === undefined) {
        report('Nothing was edited: change the body or a header, or use "Replay unchanged".', false);
        return;
      }
      act(event.currentTarget, async () => {
        const result = await call('POST', dlqPath(m.dlq) + '/replay', request);
        closeMessage();
        return outcome('Replayed an edited copy of ' + m.id, result);
      });
    });
    $('message-replay').addEventListener('click', (event) => {
      const m = state.message;
      if (!m) return;
      act(event.currentTarget, async () => {
        const result = await call('POST', dlqPath(m.dlq) + '/replay', { ids: [m.id] });
        closeMessage();
        return outcome('Replayed ' + m.id, result);
      });
    });
    $('message-delete').addEventListener('click', (event) => {
      const m = state.message;
      if (!m || !window.confirm('Delete dead letter ' + m.id + ' of ' + m.dlq + '? It cannot be recovered.')) return;
      act(event.currentTarget, async () => {
        const result = await call('DELETE', messagePath(m.dlq, m.id));
        closeMessage();
        return 'Deleted ' + result.deleted + ' dead letter of ' + m.dlq;
      });
    });
    $('message-close').addEventListener('click', closeMessage);

    refresh();
  });
})();
