// app.js - resmon's dashboard: polls the API and shows the host's state
// SPDX-License-Identifier: MIT
//
// No framework, no build step, nothing from another server: the page asks
// /api/v1/current every interval, /api/v1/health and /api/v1/recorder
// every few seconds, draws today's plot once a minute and a chosen day's
// plots on demand. Plots are fetched (so a 404's reason can be shown and
// a redraw is revalidated, not taken from the memory cache) and shown
// through blob: URLs. Text from the server goes in with textContent only.

const API = "/api/v1";
const TOKEN_KEY = "resmon.token";
const HEALTH_EVERY_MS = 5000;
const TODAY_PLOT_EVERY_MS = 60000;
const CURRENT_MAX_PERIOD_S = 60; // an hour's interval still polls each minute
// The API's plot sizes; widths are rounded so a resize reuses cached files.
const PLOT_W = { min: 320, max: 4096, step: 20 };
const PLOT_H = { min: 200, max: 4096 };

const $ = (id) => document.getElementById(id);

const state = {
  intervalS: null, // from /current (or /recorder): the poll period
  utcOffset: null, // the server's "+04:00", for epoch times
  current: null, // the last fresh row
  rowTime: null, // the newest row's time, fresh or stale
  rowAge: null, // its age_s when fetched ...
  rowFetchedAt: 0, // ... at this performance.now()
  stale: null, // text for the banner, or null
  currentError: null, // the API or the server not answering
  health: null,
  healthError: null,
  recording: null, // true, false, or null when unknown
  days: [],
  today: null, // "YYYY-MM-DD" in the server's zone
};

// --- formatting ---------------------------------------------------------

// Three significant digits: 1.23, 12.3, 123.
function sig3(x) {
  if (x >= 99.95) return x.toFixed(0);
  if (x >= 9.995) return x.toFixed(1);
  return x.toFixed(2);
}

// Bits per second in SI units (1 kbit/s = 1000 bit/s), as the plots do.
function formatBps(v) {
  if (v === null || v === undefined) return "\u2014";
  const units = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"];
  if (v < 1000) return `${Math.round(v)} bit/s`;
  let i = 0;
  while (v >= 999.5 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${sig3(v)} ${units[i]}`;
}

// KiB in IEC units (MiB, GiB), as the plots do.
function formatKiB(kib) {
  if (kib === null || kib === undefined) return "\u2014";
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = kib;
  let i = 0;
  while (v >= 1023.5 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sig3(v)} ${units[i]}`;
}

function formatAge(s) {
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.floor(s / 60)} min ago`;
  if (s < 172800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

// "2026-11-28T13:45:26+04:00" -> "13:45:26": the row's own local time.
function clockOf(iso) {
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso || "");
  return m ? m[1] : iso || "\u2014";
}

// Unix seconds -> "HH:MM:SS" in the server's zone when it is known.
function clockOfEpoch(sec) {
  if (sec === null || sec === undefined) return "\u2014";
  const m = /^([+-])(\d\d):(\d\d)$/.exec(state.utcOffset || "");
  if (!m) return new Date(sec * 1000).toLocaleTimeString();
  const off = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date((sec + off * 60) * 1000).toISOString().slice(11, 19);
}

// "YYYY-MM-DD" plus n days (n may be negative), by the calendar.
function addDays(date, n) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

// --- the API ------------------------------------------------------------

// GET or POST path; resolves to {status, body} (body parsed JSON or null);
// status 0 when the server did not answer at all.
async function call(path, init = {}) {
  let r;
  try {
    r = await fetch(path, { cache: "no-store", ...init });
  } catch {
    return { status: 0, body: null };
  }
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  return { status: r.status, body };
}

// A problem+json answer (or none) said in one line.
function problemText(status, body) {
  if (status === 0) return "no answer from the server";
  const detail = body && typeof body.detail === "string" ? body.detail : "";
  const title = body && typeof body.title === "string" ? body.title : "error";
  return `${status} ${title}${detail ? `: ${detail}` : ""}`;
}

// --- now: /api/v1/current -------------------------------------------------

async function pollCurrent() {
  const { status, body } = await call(`${API}/current`);
  if (status === 200 && body) {
    state.current = body;
    state.intervalS = body.interval_s;
    state.rowTime = body.time;
    state.rowAge = body.age_s;
    state.rowFetchedAt = performance.now();
    state.stale = null;
    state.currentError = null;
  } else if (status === 503 && body && typeof body.age_s === "number") {
    state.rowTime = body.time;
    state.rowAge = body.age_s;
    state.rowFetchedAt = performance.now();
    const every = state.intervalS ? ` ${state.intervalS} s` : "";
    state.stale = `Data is stale: nothing recorded since ${clockOf(body.time)}, ` +
      `more than twice the${every} interval. Is the recorder running?`;
    state.currentError = null;
  } else if (status === 503) {
    state.stale = null;
    state.currentError = `No current data: ${problemText(status, body)}`;
  } else {
    state.stale = null;
    state.currentError = `No current data: ${problemText(status, body)}`;
  }
  renderNow();
  renderBanner();
}

function renderNow() {
  const c = state.current;
  const stale = state.stale !== null || state.currentError !== null;
  $("now").classList.toggle("is-stale", stale);
  const t = $("row-time");
  setText("row-time", state.rowTime ? clockOf(state.rowTime) : "\u2014");
  if (state.rowTime) {
    t.dateTime = state.rowTime;
    t.title = state.rowTime;
  }
  renderAge();
  setText("row-interval", state.intervalS ? `\u00b7 recorded every ${state.intervalS} s` : "");
  if (!c) return;

  const cpu = c.cpu_percent;
  setText("cpu", cpu === null ? "\u2014" : `${cpu.toFixed(1)} %`);
  $("cpu-bar").style.width = `${cpu === null ? 0 : Math.min(100, Math.max(0, cpu))}%`;

  const total = c.mem_total_kib;
  const avail = c.mem_available_kib;
  setText("mem-avail", formatKiB(avail));
  setText("mem-detail", `of ${formatKiB(total)} total \u00b7 ${formatKiB(c.mem_free_kib)} free`);
  const used = total && avail !== null ? (100 * (total - avail)) / total : 0;
  $("mem-bar").style.width = `${Math.min(100, Math.max(0, used))}%`;

  const body = $("net-body");
  const rows = [];
  for (const [name, r] of Object.entries(c.interfaces || {})) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    tr.append(th);
    for (const v of [r.rx_bps, r.tx_bps]) {
      const td = document.createElement("td");
      td.textContent = formatBps(v);
      tr.append(td);
    }
    rows.push(tr);
  }
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 3;
    td.textContent = "no interfaces recorded";
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

// The newest row's age, counted on between two polls.
function renderAge() {
  if (state.rowAge === null) {
    setText("row-age", "");
    return;
  }
  const s = state.rowAge + Math.floor((performance.now() - state.rowFetchedAt) / 1000);
  setText("row-age", `(${formatAge(s)})`);
}

// Polls right after each boundary the recorder writes on (rows fall on
// multiples of the interval from the epoch), at most a minute apart.
function scheduleCurrent() {
  const period = 1000 * Math.min(CURRENT_MAX_PERIOD_S, Math.max(1, state.intervalS || 1));
  const delay = period - (Date.now() % period) + 250;
  setTimeout(async () => {
    await pollCurrent();
    scheduleCurrent();
  }, delay);
}

// --- health and the recorder ---------------------------------------------

async function pollHealth() {
  const { status, body } = await call(`${API}/health`);
  if (status === 200 && body) {
    state.health = body;
    state.healthError = null;
    state.utcOffset = body.utc_offset;
    state.today = (body.time || "").slice(0, 10) || state.today;
    setText("server-line", `server zone UTC${body.utc_offset} (${body.zone})`);
    setText("version", `resmon ${body.version} \u00b7`);
  } else {
    state.health = null;
    state.healthError = `The API's health is unknown: ${problemText(status, body)}`;
    setText("server-line", "no answer from the API");
  }
  renderBanner();
}

async function pollRecorder() {
  const { status, body } = await call(`${API}/recorder`);
  showRecorder(status, body);
}

function showRecorder(status, body) {
  const facts = [];
  if (status === 200 && body) {
    state.recording = body.recording;
    if (body.interval_s && !state.current) state.intervalS = body.interval_s;
    setText("rec-state", body.recording
      ? `Recording every ${body.interval_s} s`
      : "Stopped: nothing is being recorded");
    if (body.recording) facts.push(["since", clockOfEpoch(body.since)]);
    facts.push(["rows written", String(body.rows_written)]);
    facts.push(["last sample", clockOfEpoch(body.last_sample)]);
    if (body.rows_dropped) facts.push(["rows dropped", String(body.rows_dropped)]);
    if (body.backlog) facts.push(["rows waiting", String(body.backlog)]);
    if (body.clock_steps) facts.push(["clock steps", String(body.clock_steps)]);
    if (body.file) facts.push(["file", body.file]);
    if (body.last_error) facts.push(["last error", body.last_error]);
  } else {
    state.recording = null;
    setText("rec-state", `${status === 503 ? "Unreachable" : "Unknown"}: ${problemText(status, body)}`);
  }
  $("recorder").dataset.recording = String(state.recording);
  $("rec-stop").disabled = state.recording === false;
  $("rec-start").disabled = state.recording === true;
  const dl = $("rec-facts");
  const items = [];
  for (const [k, v] of facts) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    items.push(dt, dd);
  }
  dl.replaceChildren(...items);
}

// The banner says the worst first; its text changes only when the state
// does (it is read out), never with a ticking age.
function renderBanner() {
  const bad = [];
  const warn = [];
  const h = state.health;
  if (state.healthError) bad.push(state.healthError);
  if (h && h.recorder_reachable === false)
    bad.push("The recorder is unreachable: resmond does not answer on its control " +
      "socket. The day files are still served.");
  if (state.stale) bad.push(state.stale);
  if (state.currentError && !state.healthError) bad.push(state.currentError);
  if (h && h.data_dir_readable === false) bad.push("The data folder cannot be read.");
  if (h && h.tz_mismatch)
    warn.push(`The server's zone (UTC${h.utc_offset}) differs from the newest ` +
      `row's (UTC${h.data_utc_offset}): "today" here is not the files' today.`);
  const lines = bad.concat(warn);
  const el = $("banner");
  const text = lines.join("\n");
  if (el.dataset.text === text) return;
  el.dataset.text = text;
  el.className = `banner${bad.length ? " bad" : warn.length ? " warn" : ""}`;
  el.replaceChildren(...lines.map((l) => {
    const p = document.createElement("p");
    p.textContent = l;
    return p;
  }));
}

// --- start and stop with the token ---------------------------------------

let tokenResolve = null;

// Asks for the token in the dialog; resolves to it, or null if cancelled.
function askToken(why) {
  const dlg = $("token-dialog");
  setText("token-why", why);
  $("token-input").value = "";
  dlg.showModal();
  return new Promise((resolve) => {
    tokenResolve = resolve;
  });
}

function closeToken(value) {
  const dlg = $("token-dialog");
  if (dlg.open) dlg.close();
  if (tokenResolve) {
    const r = tokenResolve;
    tokenResolve = null;
    r(value);
  }
}

async function control(action) {
  const verb = action === "stop" ? "Stop" : "Start";
  const buttons = [$("rec-stop"), $("rec-start")];
  let token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) token = await askToken(`${verb} recording needs the API token.`);
  for (;;) {
    if (!token) {
      setText("rec-msg", `${verb}: cancelled, no token given.`);
      return;
    }
    setText("rec-msg", `${verb}: asking the recorder\u2026`);
    for (const b of buttons) b.disabled = true;
    const { status, body } = await call(`${API}/recorder/${action}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    if (status !== 401) {
      if (status === 200) {
        sessionStorage.setItem(TOKEN_KEY, token);
        $("token-forget").hidden = false;
        showRecorder(status, body);
        setText("rec-msg", `${verb}: done. ` +
          (body.recording ? "The recorder is recording." : "The recorder is stopped."));
        // Its first row comes at the next boundary: show it then.
        setTimeout(pollRecorder, 1000 * Math.min(CURRENT_MAX_PERIOD_S, state.intervalS || 1) + 500);
      } else {
        setText("rec-msg", `${verb} failed: ${problemText(status, body)}`);
      }
      break;
    }
    sessionStorage.removeItem(TOKEN_KEY);
    $("token-forget").hidden = true;
    const wrong = "Wrong token: the server refused it (401 Unauthorized).";
    setText("rec-msg", `${verb} failed. ${wrong}`);
    token = await askToken(`${wrong} Enter the token again.`);
  }
  await pollRecorder();
  await pollCurrent();
}

// --- plots ----------------------------------------------------------------

// The size a plot gets in the figure that holds it, within the API's limits.
function plotSize(figure) {
  const avail = Math.max(1, figure.clientWidth);
  let w = Math.floor(avail / PLOT_W.step) * PLOT_W.step;
  w = Math.min(PLOT_W.max, Math.max(PLOT_W.min, w));
  const tall = Math.round(w * (w < 700 ? 1.2 : 0.55));
  const h = Math.min(PLOT_H.max, Math.max(PLOT_H.min, Math.min(tall, Math.max(400, window.innerHeight - 40))));
  return { w, h };
}

const shown = new Map(); // img -> the blob: URL it shows

// Fetches a PNG into img (revalidated, never a stale copy); a refusal is
// said in msgEl and the picture hidden.
async function loadPlot(img, msgId, url) {
  let r;
  try {
    r = await fetch(url, { cache: "no-cache" });
  } catch {
    r = null;
  }
  if (!r || !r.ok || !(r.headers.get("Content-Type") || "").startsWith("image/png")) {
    let body = null;
    if (r) {
      try {
        body = await r.json();
      } catch {
        body = null;
      }
    }
    img.hidden = true;
    setText(msgId, `No plot: ${problemText(r ? r.status : 0, body)}`);
    return;
  }
  const blobUrl = URL.createObjectURL(await r.blob());
  const old = shown.get(img);
  shown.set(img, blobUrl);
  img.dataset.src = url;
  img.src = blobUrl;
  try {
    await img.decode();
  } catch {
    // the next load says why; the old picture is gone either way
  }
  if (old) URL.revokeObjectURL(old);
  img.hidden = false;
  setText(msgId, "");
}

function plotQuery(img) {
  const { w, h } = plotSize(img.parentElement);
  return `width=${w}&height=${h}`;
}

function loadToday() {
  const img = $("today-plot");
  return loadPlot(img, "today-msg", `${API}/days/today/plot.png?${plotQuery(img)}`);
}

// --- days -----------------------------------------------------------------

async function loadDays() {
  const { status, body } = await call(`${API}/days`);
  const sel = $("day-select");
  if (status !== 200 || !Array.isArray(body)) {
    setText("day-info", `No list of days: ${problemText(status, body)}`);
    return;
  }
  state.days = body.slice().reverse(); // newest first
  const keep = sel.value || decodeURIComponent((location.hash.match(/day=([\d-]+)/) || [])[1] || "");
  const opts = state.days.map((d) => {
    const o = document.createElement("option");
    o.value = d.date;
    let note = "";
    if (d.error) note = " (unreadable)";
    else if (d.rows === 0) note = " (no rows)";
    else if (d.date === state.today) note = ` (today, ${d.rows} rows)`;
    else note = ` (${d.rows} rows)`;
    o.textContent = d.date + note;
    return o;
  });
  if (opts.length === 0) {
    const o = document.createElement("option");
    o.value = "";
    o.textContent = "no days recorded yet";
    opts.push(o);
  }
  sel.replaceChildren(...opts);
  // The newest finished day unless one was chosen: today has its own plot.
  const older = state.days.find((d) => d.date !== state.today && !d.error && d.rows);
  const pick = state.days.some((d) => d.date === keep) ? keep
    : older ? older.date : state.days.length ? state.days[0].date : "";
  sel.value = pick;
  if (pick !== sel.dataset.shown) showDay();
}

function showDay() {
  const sel = $("day-select");
  const date = sel.value;
  sel.dataset.shown = date;
  const d = state.days.find((x) => x.date === date);
  const csv = $("day-csv");
  if (!d) {
    csv.hidden = true;
    return;
  }
  if (location.hash !== `#day=${date}`) history.replaceState(null, "", `#day=${date}`);
  csv.href = `${API}/days/${date}.csv`;
  csv.setAttribute("download", `${date}.csv`);
  csv.hidden = false;
  if (d.error) setText("day-info", `This file cannot be read: ${d.error}`);
  else if (!d.rows) setText("day-info", "This file holds no rows.");
  else
    setText("day-info", `${d.rows} rows, ${clockOf(d.first_time)} to ${clockOf(d.last_time)}` +
      ` \u00b7 ${(d.interfaces || []).join(", ") || "no interfaces"}` +
      ` \u00b7 ${formatKiB(d.size_bytes / 1024)}`);
  setText("day-plot-h", `${date}`);
  const dayImg = $("day-plot");
  loadPlot(dayImg, "day-msg", `${API}/days/${date}/plot.png?${plotQuery(dayImg)}`);

  // Seven days up to it; a file that cannot be read fails the whole
  // range, so the range starts after the newest such file in it.
  let from = addDays(date, -6);
  const unreadable = state.days.filter((x) => x.error && x.date >= from && x.date <= date)
    .map((x) => x.date).sort();
  const rangeImg = $("range-plot");
  if (unreadable.length) from = addDays(unreadable[unreadable.length - 1], 1);
  if (from > date) {
    setText("range-h", "Seven days up to it");
    rangeImg.hidden = true;
    setText("range-msg", "No range: this day's file cannot be read.");
    return;
  }
  setText("range-h", `${from} to ${date}` +
    (unreadable.length ? ` (${unreadable.join(", ")} cannot be read)` : ""));
  loadPlot(rangeImg, "range-msg", `${API}/plot.png?from=${from}&to=${date}&${plotQuery(rangeImg)}`);
}

// --- start ------------------------------------------------------------------

function wire() {
  $("rec-stop").addEventListener("click", () => control("stop"));
  $("rec-start").addEventListener("click", () => control("start"));
  $("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    $("token-forget").hidden = true;
    setText("rec-msg", "Token forgotten: the next start or stop asks for it.");
  });
  $("token-forget").hidden = !sessionStorage.getItem(TOKEN_KEY);
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    closeToken($("token-input").value.trim());
  });
  $("token-cancel").addEventListener("click", () => closeToken(null));
  // Escape closes the dialog; a close that a new question followed is old.
  $("token-dialog").addEventListener("close", () => {
    if (!$("token-dialog").open) closeToken(null);
  });
  $("day-select").addEventListener("change", showDay);

  // A resize redraws when the rounded size changed, once it settles.
  let resizeTimer = 0;
  let lastWidth = window.innerWidth;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (Math.abs(window.innerWidth - lastWidth) < PLOT_W.step) return;
      lastWidth = window.innerWidth;
      loadToday();
      showDay();
    }, 400);
  });
}

async function main() {
  wire();
  await Promise.all([pollHealth(), pollCurrent(), pollRecorder()]);
  scheduleCurrent();
  setInterval(renderAge, 1000);
  setInterval(() => {
    pollHealth();
    pollRecorder();
  }, HEALTH_EVERY_MS);
  loadToday();
  loadDays();
  setInterval(async () => {
    loadToday();
    await loadDays();
    if ($("day-select").value === state.today) showDay();
  }, TODAY_PLOT_EVERY_MS);
}

main();
