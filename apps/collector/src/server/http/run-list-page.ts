// The minimal page served at `/` when apps/web/dist is not built: a live list of runs. Trace content
// is only ever put into the page through textContent (and the CSP forbids inline script), so a run
// id or agent name full of markup stays text.

export const RUN_LIST_PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const RUN_LIST_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Causelane collector</title>
<link rel="stylesheet" href="/_collector/page.css">
<script type="module" src="/_collector/page.js"></script>
</head>
<body>
<h1>Causelane collector</h1>
<p id="status">Loading runs…</p>
<table id="runs" hidden>
<thead><tr><th>run</th><th>agent</th><th>mode</th><th>events</th><th>errors</th><th>warnings</th><th>info</th><th>trace</th></tr></thead>
<tbody></tbody>
</table>
</body>
</html>
`;

export const RUN_LIST_PAGE_CSS = `body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222 }
table { border-collapse: collapse } th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left }
td.n { text-align: right; font-variant-numeric: tabular-nums }
`;

export const RUN_LIST_PAGE_JS = `// Lists runs from /api/runs and refreshes when the collector announces a change.
const token = new URLSearchParams(location.search).get('token');
const headers = token ? { authorization: 'Bearer ' + token } : {};
const status = document.getElementById('status');
const table = document.getElementById('runs');
const body = table.querySelector('tbody');

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

async function refresh() {
  let res;
  try {
    res = await fetch('/api/runs', { headers });
  } catch (err) {
    status.textContent = 'Cannot reach the collector: ' + err.message;
    return;
  }
  if (!res.ok) {
    status.textContent = res.status === 401 ? 'This collector needs a token: open this page with ?token=YOUR_TOKEN' : 'Error ' + res.status;
    return;
  }
  const { runs } = await res.json();
  body.replaceChildren();
  for (const r of runs) {
    const tr = document.createElement('tr');
    tr.append(cell(r.id), cell(r.agent), cell(r.mode), cell(r.events, 'n'), cell(r.anomalies.error, 'n'), cell(r.anomalies.warning, 'n'), cell(r.anomalies.info, 'n'));
    const link = document.createElement('a');
    link.textContent = 'JSONL';
    link.href = '/api/runs/' + encodeURIComponent(r.id) + '/events' + (token ? '?token=' + encodeURIComponent(token) : '');
    const td = document.createElement('td');
    td.append(link);
    tr.append(td);
    body.append(tr);
  }
  table.hidden = runs.length === 0;
  status.textContent = runs.length === 0
    ? 'No runs yet. Stream one with: pnpm causelane run SCENARIO --collector ' + location.origin + ', or upload a trace with: curl --data-binary @trace.jsonl ' + location.origin + '/api/runs'
    : runs.length + ' run' + (runs.length === 1 ? '' : 's') + '. Build apps/web for the full viewer.';
}

let timer = null;
function refreshSoon() {
  if (timer === null) timer = setTimeout(() => { timer = null; refresh(); }, 300);
}
refresh();
// Polling keeps this fallback page free of a socket.io client bundle; the web app watches live.
setInterval(refreshSoon, 2000);
`;
