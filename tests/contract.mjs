// contract.mjs - every answer of a live stack checked against openapi.yaml
// SPDX-License-Identifier: MIT
//
// Run by tests/contract.sh, which starts the stack and passes (env):
//   STACK_URL, STACK_TOKEN, SPEC_JSON (openapi.yaml bundled, $refs
//   resolved), RESMON_RUN_DIR, RESMON_DATA_DIR, RESMON_CACHE_DIR, RESMON
//   (the resmon program), PROBLEM_DIR (nginx's own problem bodies).
//
// Each request is one TAP line: its status must be documented for the
// operation (for a method the path lacks: the path's 405), its
// Content-Type one of that response's media types, its body valid
// against the schema (openapi-response-validator), its documented
// headers present and valid. The stack is walked through its states:
// recording, stopped (stale data), another writer (409), resmond down
// or replaced by something else, data folder gone or a file, today's file
// unreadable, cache unusable, worker down. At the end every
// documented status of every operation must have been seen, but for the
// few listed in NOT_LIVE; and wrong answers must be refused, so the
// checker is shown able to fail.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Validator = require("openapi-response-validator").default;

const env = (name) => {
  const v = process.env[name];
  if (!v) bail(`${name} not set (run through tests/contract.sh)`);
  return v;
};
const BASE = new URL(env("STACK_URL"));
const TOKEN = env("STACK_TOKEN");
const spec = JSON.parse(fs.readFileSync(env("SPEC_JSON"), "utf8"));
const RUN = env("RESMON_RUN_DIR");
const DATA = env("RESMON_DATA_DIR");
const CACHE = env("RESMON_CACHE_DIR");
const RESMON = env("RESMON");
const PROBLEM_DIR = env("PROBLEM_DIR");

// Documented statuses no live request here can cause, and why.
const NOT_LIVE = {
  504: "nginx waits 60 s for a hung worker; its body is checked from nginx/problem/504.json",
};

let n = 0;
let failed = 0;
function tapOk(ok, what, errors = []) {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "not ok"} ${n} - ${what}`);
  for (const e of errors) console.log(`#   ${e}`);
}
function bail(why) {
  console.log(`Bail out! ${why}`);
  process.exit(1);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the spec -------------------------------------------------------------

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];
const routes = Object.entries(spec.paths).map(([tmpl, item]) => ({
  tmpl,
  item,
  re: new RegExp(
    "^" +
      tmpl
        .split(/\{[^}]+\}/)
        .map((s) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("([^/]+)") +
      "$",
  ),
}));

function findRoute(path) {
  return routes.find((r) => r.re.test(path));
}

// The operation answering method on path: HEAD is GET's; a method the
// path lacks is answered by 405, documented on the path's operations.
function findOperation(method, path) {
  const route = findRoute(path.split("?")[0]);
  if (!route) return null;
  const m = method.toLowerCase();
  const key = m === "head" ? "get" : m;
  if (route.item[key]) return { route, op: route.item[key], method: key };
  const any = METHODS.find((x) => route.item[x]);
  return { route, op: route.item[any], method: any, other: true };
}

const validators = new Map();
function schemaErrors(key, status, mediaType, schema, value) {
  if (!validators.has(key)) {
    validators.set(
      key,
      new Validator({
        responses: { [status]: { content: { [mediaType]: { schema } } } },
        customFormats: {
          date: (s) => /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s),
          binary: () => true,
        },
      }),
    );
  }
  const r = validators.get(key).validateResponse(status, value);
  return r ? r.errors.map((e) => `${e.path}: ${e.message}`) : [];
}

const norm = (ct) => (ct || "").toLowerCase().replace(/\s*;\s*/g, "; ").trim();
const seen = new Set(); // "operationId status"

// Checks one answer against the spec; returns a list of what is wrong.
function contractErrors(method, path, res) {
  const found = findOperation(method, path);
  if (!found) return [`${path.slice(0, 90)} is no documented path`];
  const { op } = found;
  const status = String(res.status);
  const resp = op.responses[status];
  if (!resp) return [`status ${status} not documented for ${op.operationId}`];
  const errs = [];
  if (found.other) {
    if (status !== "405") errs.push(`${method} is not documented on ${found.route.tmpl}`);
    const allow = found.route.item.get ? "GET, HEAD" : "POST";
    if (res.headers.allow !== allow) errs.push(`Allow: ${res.headers.allow}, want ${allow}`);
  }
  for (const [name, h] of Object.entries(resp.headers || {})) {
    const v = res.headers[name.toLowerCase()];
    if (v === undefined) {
      if (h.required) errs.push(`header ${name} missing`);
      continue;
    }
    const value = h.schema.type === "integer" ? Number(v) : v;
    for (const e of schemaErrors(`hdr ${name}`, 200, "h", h.schema, value))
      errs.push(`header ${name} ${JSON.stringify(v)}: ${e}`);
  }
  const content = resp.content || {};
  const types = Object.keys(content);
  if (types.length === 0) {
    if (res.body.length !== 0) errs.push(`${status} has no documented body, got ${res.body.length} bytes`);
  } else {
    const mt = types.find((t) => norm(t) === norm(res.headers["content-type"]));
    if (!mt) {
      errs.push(`Content-Type ${res.headers["content-type"]}, documented: ${types.join(" | ")}`);
    } else if (method !== "HEAD") {
      errs.push(...bodyErrors(`${op.operationId} ${status} ${mt}`, status, mt, content[mt].schema, res.body));
    } else if (res.body.length !== 0) {
      errs.push(`HEAD answered with ${res.body.length} bytes of body`);
    }
  }
  if (errs.length === 0 && !found.other) seen.add(`${op.operationId} ${status}`);
  if (errs.length === 0 && found.other)
    for (const m of METHODS)
      if (found.route.item[m]) seen.add(`${found.route.item[m].operationId} 405`);
  return errs;
}

function bodyErrors(key, status, mt, schema, body) {
  let value;
  if (/json$/.test(mt.split(";")[0])) {
    try {
      value = JSON.parse(body.toString("utf8"));
    } catch (e) {
      return [`body is not JSON: ${e.message}`];
    }
    if (!Buffer.from(JSON.stringify(value)).length) return ["empty JSON"];
  } else if (mt === "image/png") {
    const sig = "89504e470d0a1a0a";
    if (body.subarray(0, 8).toString("hex") !== sig) return ["body is not a PNG"];
    return [];
  } else {
    value = body.toString("utf8");
    if (!Buffer.from(value, "utf8").equals(body)) return ["body is not UTF-8"];
  }
  return schemaErrors(key, status, mt, schema, value);
}

// --- HTTP -----------------------------------------------------------------

function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: BASE.hostname, port: BASE.port, method, path, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const auth = { Authorization: `Bearer ${TOKEN}` };
const jsonType = { "Content-Type": "application/json" };

// One request, one TAP line: want is the status expected, and every
// answer must fit the contract. Returns the answer.
async function t(want, method, path, opts = {}, what = "") {
  const res = await request(method, path, opts);
  const errs = contractErrors(method, path, res);
  if (res.status !== want) {
    errs.unshift(`status ${res.status}, want ${want}: ${res.body.toString("utf8").slice(0, 200)}`);
  }
  const label = `${method} ${path.length > 90 ? path.slice(0, 87) + "..." : path}`;
  tapOk(errs.length === 0, `${label} -> ${want}${what ? ` (${what})` : ""}`, errs);
  return res;
}

async function waitFor(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(100);
  }
  bail(`timed out waiting for ${what}`);
}

function killPidFile(name) {
  const pid = Number(fs.readFileSync(`${RUN}/${name}.pid`, "utf8"));
  process.kill(pid, "SIGTERM");
  return pid;
}

// Waits for pid to end; a zombie has (PID 1 may reap it seconds late).
async function gone(pid) {
  await waitFor(`pid ${pid} to end`, () => {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] === "Z";
    } catch {
      return true;
    }
  });
}

// --- the walk ---------------------------------------------------------------

const DAY = "/api/v1/days/2026-11-26";
const LONG = "/api/v1/health?x=" + "a".repeat(9000);

let kept; // a good answer, altered by mustFail()

async function recording() {
  await waitFor("a fresh row", async () => (await request("GET", "/api/v1/current")).status === 200);

  kept = await t(200, "GET", "/api/v1/recorder", {}, "kept for the wrong answers");

  // Every route's success, and what every route refuses alike.
  const ops = [
    ["GET", "/api/v1/health"],
    ["GET", "/api/v1/recorder"],
    ["GET", "/api/v1/current"],
    ["GET", "/api/v1/days"],
    ["GET", `${DAY}.csv`],
    ["GET", `${DAY}/plot.png?width=320&height=200`],
    ["GET", `${DAY}/series?points=24`],
    ["GET", "/api/v1/plot.png?from=2026-11-25&to=2026-11-26&width=640&height=400"],
    ["GET", "/metrics"],
  ];
  for (const [m, p] of ops) {
    await t(200, m, p);
    await t(200, "HEAD", p, {}, "HEAD as GET");
    const sep = p.includes("?") ? "&" : "?";
    await t(400, m, `${p}${sep}bogus=1`, {}, "unknown parameter");
    await t(405, "DELETE", p.split("?")[0]);
    await t(414, m, `${p}${sep}x=${"a".repeat(9000)}`);
  }
  for (const p of ["/api/v1/recorder/start", "/api/v1/recorder/stop"]) {
    await t(200, "POST", p, { headers: auth });
    await t(400, "POST", `${p}?bogus=1`, { headers: auth }, "unknown parameter");
    await t(401, "POST", p, {}, "no token");
    await t(401, "POST", p, { headers: { Authorization: "Bearer 00" } }, "wrong token");
    await t(405, "GET", p);
    await t(413, "POST", p, { headers: { ...auth, ...jsonType }, body: " ".repeat(5000) + "{}" }, "nginx's 4 KiB");
    await t(414, "POST", `${p}?x=${"a".repeat(9000)}`, { headers: auth });
  }

  // The start body.
  const start = "/api/v1/recorder/start";
  const post = (body, headers = jsonType) => ({ headers: { ...auth, ...headers }, body });
  await t(200, "POST", start, post('{"interval_s": 1}'), "interval_s 1");
  await t(200, "POST", start, post("{}"), "empty object");
  await t(400, "POST", start, post('{"interval_s": 0}'), "interval_s 0");
  await t(400, "POST", start, post('{"interval_s": 3601}'), "interval_s 3601");
  await t(400, "POST", start, post('{"interval_s": 1.5}'), "interval_s 1.5");
  await t(400, "POST", start, post('{"x": 1}'), "unknown field");
  await t(400, "POST", start, post("[1]"), "not an object");
  await t(400, "POST", start, post("{"), "not JSON");
  await t(413, "POST", start, post(" ".repeat(2000) + "{}"), "the worker's 1 KiB");
  await t(415, "POST", start, post('{"interval_s": 1}', { "Content-Type": "text/plain" }));

  // Dated routes: dates, parameters, files.
  await t(200, "GET", "/api/v1/days/26-11-2026.csv?from=10:00&to=10:05&iface=eth1", {}, "narrowed, DD-MM-YYYY");
  const hit = await t(200, "GET", "/api/v1/days/26-11-2026.csv?from=10:00&to=10:05&iface=eth1", {}, "again");
  tapOk(hit.headers["x-resmon-cache"] === "hit", "the second narrowed CSV is a cache hit");
  await t(200, "GET", `${DAY}.csv?from=2026-11-26T10:00:00%2B04:00&to=24:00&iface=eth0&iface=eth1`, {}, "ISO from, iface twice");
  const whole = await t(200, "GET", `${DAY}.csv`);
  await t(304, "GET", `${DAY}.csv`, { headers: { "If-None-Match": whole.headers.etag } }, "If-None-Match");
  const png = await t(200, "GET", `${DAY}/plot.png?panels=cpu,rx&iface=eth0&width=320&height=200`);
  await t(304, "GET", `${DAY}/plot.png?panels=cpu,rx&iface=eth0&width=320&height=200`, {
    headers: { "If-None-Match": png.headers.etag },
  });
  const range = "/api/v1/plot.png?from=2026-11-25&to=2026-11-26&width=640&height=400";
  const rpng = await t(200, "GET", range);
  await t(304, "GET", range, { headers: { "If-None-Match": rpng.headers.etag } });
  await t(200, "GET", "/api/v1/days/today/series?points=1", {}, "today");
  await t(200, "GET", "/api/v1/days/today.csv", {}, "today");
  await t(200, "GET", "/api/v1/days/2026-11-21/series?points=2", {}, "an empty day's buckets are null");

  for (const [p, why] of [
    ["/api/v1/days/2026-13-01.csv", "month 13"],
    ["/api/v1/days/nope/series", "not a date"],
    ["/api/v1/days/2026-02-30/plot.png", "30 February"],
    ["/api/v1/days/..%2f..%2fetc.csv", "encoded slash"],
    [`${DAY}.csv?from=25:00`, "bad from"],
    [`${DAY}.csv?to=10`, "bad to"],
    [`${DAY}.csv?iface=a/b`, "bad iface"],
    [`${DAY}.csv?iface=`, "empty iface"],
    [`${DAY}.csv?from=10:00&from=11:00`, "from twice"],
    [`${DAY}/series?points=0`, "points 0"],
    [`${DAY}/series?points=10001`, "points 10001"],
    [`${DAY}/plot.png?width=319`, "width 319"],
    [`${DAY}/plot.png?height=4097`, "height 4097"],
    [`${DAY}/plot.png?panels=cpu,foo`, "bad panel"],
    ["/api/v1/plot.png?to=2026-11-26", "from missing"],
    ["/api/v1/plot.png?from=2026-11-26", "to missing"],
    ["/api/v1/plot.png?from=2026-10-01&to=2026-11-26", "57 days"],
    ["/api/v1/plot.png?from=2026-11-26&to=2026-11-25", "ends first"],
    ["/api/v1/plot.png?from=2026-11-25&to=2026-11-26&width=99999", "width"],
  ])
    await t(400, "GET", p, {}, why);
  for (const [p, why] of [
    ["/api/v1/days/2020-01-01.csv", "no day"],
    ["/api/v1/days/2020-01-01/plot.png", "no day"],
    ["/api/v1/days/2020-01-01/series", "no day"],
    [`${DAY}.csv?iface=eth9`, "no such interface"],
    [`${DAY}/plot.png?iface=eth9`, "no such interface"],
    [`${DAY}/series?iface=eth9`, "no such interface"],
    ["/api/v1/days/2026-11-21/plot.png", "a day without rows"],
    ["/api/v1/plot.png?from=2020-11-20&to=2020-11-21", "no day of the range"],
  ])
    await t(404, "GET", p, {}, why);
  for (const p of [
    "/api/v1/days/2026-11-20.csv?iface=eth0",
    "/api/v1/days/2026-11-20/plot.png",
    "/api/v1/days/2026-11-20/series",
    "/api/v1/plot.png?from=2026-11-20&to=2026-11-20",
  ])
    await t(500, "GET", p, {}, "unparsable day file");

  // nginx's own refusals.
  await t(400, "GET", "/api/v1/health", { headers: { "X-Big": "a".repeat(9000) } }, "a header over 8 KiB");
  const noRoute = await request("GET", "/api/v1/nothing");
  const e = schemaErrors("problem", 404, "application/problem+json", spec.components.schemas.Problem,
    JSON.parse(noRoute.body));
  tapOk(noRoute.status === 404 && e.length === 0, "GET /api/v1/nothing -> 404 Problem (no route)", e);

  // The token file others can read: the operator must mend it.
  const tokenFile = `${RUN}/api-token`;
  fs.chmodSync(tokenFile, 0o644);
  await t(503, "POST", "/api/v1/recorder/stop", { headers: auth }, "token file readable by others");
  fs.chmodSync(tokenFile, 0o640);

  // A cache that cannot take a file: a plain file where the folder was.
  fs.renameSync(CACHE, `${CACHE}.away`);
  fs.writeFileSync(CACHE, "");
  await t(503, "GET", `${DAY}.csv?from=01:00`, {}, "cache unusable");
  await t(503, "GET", `${DAY}/plot.png?width=321`, {}, "cache unusable");
  await t(503, "GET", "/api/v1/plot.png?from=2026-11-25&to=2026-11-26&width=322", {}, "cache unusable");
  fs.unlinkSync(CACHE);
  fs.renameSync(`${CACHE}.away`, CACHE);
}

async function stopped() {
  const res = await t(200, "POST", "/api/v1/recorder/stop", { headers: auth });
  const st = JSON.parse(res.body);
  tapOk(st.recording === false, "stop answers recording: false");
  const get = JSON.parse((await t(200, "GET", "/api/v1/recorder")).body);
  tapOk(get.recording === false, "GET /api/v1/recorder says stopped");
  await waitFor("stale data", async () => (await request("GET", "/api/v1/current")).status === 503);
  const cur = await t(503, "GET", "/api/v1/current", {}, "stale");
  tapOk("age_s" in JSON.parse(cur.body), "the stale answer has age_s");
  const met = await t(200, "GET", "/metrics", {}, "stale");
  tapOk(/^resmon_up 0$/m.test(met.body) && !/resmon_cpu/.test(met.body), "stale metrics: resmon_up 0, no values");

  // Another writer holds the folder: start is 409.
  const rec = spawn(RESMON, ["record", "-d", DATA, "--for", "30"], { stdio: "ignore" });
  // Watch the lock itself: asking resmond to start meanwhile could take
  // the folder first and make resmon record give up.
  await waitFor("resmon record to hold the folder", async () => {
    if (rec.exitCode !== null) bail(`resmon record ended (exit ${rec.exitCode})`);
    return spawnSync("flock", ["-n", `${DATA}/.lock`, "true"]).status === 1;
  });
  await t(409, "POST", "/api/v1/recorder/start", { headers: auth }, "resmon record holds the folder");
  rec.kill("SIGTERM");
  await new Promise((r) => (rec.exitCode !== null ? r() : rec.on("exit", r)));
  await t(200, "POST", "/api/v1/recorder/start", { headers: auth }, "after the other writer left");
}

async function recorderDown() {
  await gone(killPidFile("resmond"));
  await t(503, "GET", "/api/v1/recorder", {}, "resmond down");
  await t(503, "POST", "/api/v1/recorder/start", { headers: auth }, "resmond down");
  await t(503, "POST", "/api/v1/recorder/stop", { headers: auth }, "resmond down");
  await t(200, "GET", "/api/v1/health", {}, "resmond down");
  await t(200, "GET", `${DAY}/series?points=2`, {}, "resmond down: files still served");

  // Something on resmond's socket that does not speak its protocol.
  const fake = net.createServer((c) => c.end("hello\n\n"));
  await new Promise((r) => fake.listen(`${RUN}/resmond.sock`, r));
  await t(500, "GET", "/api/v1/recorder", {}, "a reply not in the protocol");
  await t(500, "POST", "/api/v1/recorder/start", { headers: auth }, "a reply not in the protocol");
  await t(500, "POST", "/api/v1/recorder/stop", { headers: auth }, "a reply not in the protocol");
  fake.close();
  await waitFor("the fake socket to go", () => !fs.existsSync(`${RUN}/resmond.sock`));

  fs.renameSync(DATA, `${DATA}.away`);
  await t(503, "GET", "/api/v1/days", {}, "no data folder");
  await t(503, "GET", "/api/v1/current", {}, "no rows at all");
  fs.writeFileSync(DATA, "");
  await t(503, "GET", "/api/v1/days", {}, "the data folder is a file");
  fs.unlinkSync(DATA);
  fs.renameSync(`${DATA}.away`, DATA);

  // Today's file that cannot be read (a folder in its place).
  const today = fs.readdirSync(DATA).filter((f) => /^\d{4}-\d\d-\d\d\.csv$/.test(f)).sort().pop();
  fs.renameSync(`${DATA}/${today}`, `${DATA}/${today}.away`);
  fs.mkdirSync(`${DATA}/${today}`);
  await t(500, "GET", "/api/v1/current", {}, "today's file unreadable");
  await t(500, "GET", "/metrics", {}, "today's file unreadable");
  const h = await t(200, "GET", "/api/v1/health", {}, "today's file unreadable");
  tapOk("data_error" in JSON.parse(h.body), "health names the data error");
  fs.rmdirSync(`${DATA}/${today}`);
  fs.renameSync(`${DATA}/${today}.away`, `${DATA}/${today}`);
}

async function workerDown() {
  await gone(killPidFile("resmon-fcgi"));
  for (const [m, p, o] of [
    ["GET", "/api/v1/health"],
    ["GET", "/api/v1/recorder"],
    ["POST", "/api/v1/recorder/start", { headers: auth }],
    ["POST", "/api/v1/recorder/stop", { headers: auth }],
    ["GET", "/api/v1/current"],
    ["GET", "/api/v1/days"],
    ["GET", `${DAY}.csv`],
    ["GET", `${DAY}/plot.png`],
    ["GET", `${DAY}/series`],
    ["GET", "/api/v1/plot.png?from=2026-11-25&to=2026-11-26"],
    ["GET", "/metrics"],
  ])
    await t(503, m, p, o, "worker down: nginx answers");
}

// nginx's bodies for what cannot be caused here in a test's time.
function staticBodies() {
  const body = fs.readFileSync(`${PROBLEM_DIR}/504.json`);
  for (const [path, item] of Object.entries(spec.paths))
    for (const m of METHODS) {
      const op = item[m];
      if (!op || !op.responses["504"]) continue;
      const errs = contractErrors(m.toUpperCase(), path.replace(/\{[^}]+\}/, "2026-11-26"), {
        status: 504,
        headers: { "content-type": "application/problem+json" },
        body,
      });
      tapOk(errs.length === 0, `nginx/problem/504.json fits ${op.operationId}'s 504`, errs);
    }
}

// Every documented status was seen, but for NOT_LIVE.
function coverage() {
  const missing = [];
  for (const item of Object.values(spec.paths))
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      for (const status of Object.keys(op.responses)) {
        const k = `${op.operationId} ${status}`;
        if (!seen.has(k) && !NOT_LIVE[k] && !NOT_LIVE[status]) missing.push(k);
      }
    }
  tapOk(missing.length === 0, `every documented status was answered live (${seen.size} pairs)`,
    missing.map((k) => `never seen: ${k}`));
  for (const [k, why] of Object.entries(NOT_LIVE)) console.log(`# not live: ${k}: ${why}`);
}

// Wrong answers the checker must refuse: variants of a good answer
// kept from the recording phase, which must itself pass.
function mustFail(good) {
  const obj = JSON.parse(good.body);
  const ok = contractErrors("GET", "/api/v1/recorder", good);
  tapOk(ok.length === 0, "the kept GET /api/v1/recorder answer passes unchanged", ok);
  const bad = (what, res) => {
    const errs = contractErrors("GET", "/api/v1/recorder", res);
    tapOk(errs.length > 0, `a wrong answer is refused: ${what}`, errs.length ? [`refused: ${errs[0]}`] : ["accepted!"]);
  };
  const as = (body, ct = "application/json", status = 200, extra = {}) => ({
    status,
    headers: { ...good.headers, "content-type": ct, ...extra },
    body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  });
  bad("a member more", as({ ...obj, extra: 1 }));
  const { pid, ...noPid } = obj;
  bad("a required member less", as(noPid));
  bad("recording as a string", as({ ...obj, recording: "yes" }));
  bad("interval_s 0", as({ ...obj, interval_s: 0 }));
  bad("text/plain for JSON", as(obj, "text/plain"));
  bad("an undocumented status", as(obj, "application/json", 418));
  bad("a problem without detail", as({ type: "about:blank", title: "x", status: 503 }, "application/problem+json", 503,
    { "retry-after": "5" }));
  bad("not JSON at all", as("{"));
  const errs = contractErrors("GET", `${DAY}.csv`, {
    status: 200,
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="x.csv"', etag: '"1"', "last-modified": "x" },
    body: Buffer.from("date,cpu\n"),
  });
  tapOk(errs.length >= 2, "a wrong CSV header and filename are refused", errs);
}

try {
  await recording();
  await stopped();
  await recorderDown();
  await workerDown();
  staticBodies();
  coverage();
  mustFail(kept);
} catch (e) {
  bail(e.stack.split("\n").slice(0, 3).join(" | "));
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
