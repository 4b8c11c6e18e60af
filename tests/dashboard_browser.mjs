// dashboard_browser.mjs - the dashboard at / in chromium: numbers, plots, control
// SPDX-License-Identifier: MIT
//
// Run by tests/dashboard_browser.sh, which starts the stack and passes
// (env) STACK_URL, STACK_TOKEN, SCREENSHOT (where the picture goes) and
// DAY (a finished day of the data folder). Debian's headless chromium,
// driven by playwright-core: load /, see the newest row's time change,
// today's plot load, a day's plot, CSV link and seven-day plot; stop
// recording through the button (a wrong token first: 401 said so), see
// the stale banner, start again without being asked for the token; the
// page laid out on a phone's width; no other server asked, no error.
import { done, launchChromium, ok } from "./browser.mjs";

const BASE = process.env.STACK_URL;
const TOKEN = process.env.STACK_TOKEN;
const SCREENSHOT = process.env.SCREENSHOT;
const DAY = process.env.DAY;
const TIMEOUT = 15000;

const browser = await launchChromium();

const outside = [];
const consoleErrors = [];
const pageErrors = [];
// What the browser itself logs for an answer the page expects and shows
// (the stale /current, the refused token): these are no page errors.
const EXPECTED_REFUSALS = [
  { status: 503, path: "/api/v1/current" },
  { status: 401, path: /^\/api\/v1\/recorder\/(start|stop)$/ },
];
const failedLoads = [];

function expectedRefusal(url, status) {
  const p = new URL(url).pathname;
  return EXPECTED_REFUSALS.some((e) => e.status === status &&
    (typeof e.path === "string" ? e.path === p : e.path.test(p)));
}

async function naturalSize(img) {
  return img.evaluate((el) => [el.naturalWidth, el.naturalHeight]);
}

// Waits until img shows a decoded picture; returns its size.
async function plotLoaded(page, sel) {
  await page.waitForFunction((s) => {
    const el = document.querySelector(s);
    return el && !el.hidden && el.complete && el.naturalWidth > 0;
  }, sel, { timeout: TIMEOUT });
  return naturalSize(page.locator(sel));
}

async function run() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(`${BASE}/`) && !u.startsWith("blob:") && !u.startsWith("data:")) outside.push(u);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) failedLoads.push({ url: r.url(), status: r.status() });
  });
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));

  const t0 = Date.now();
  const res = await page.goto(`${BASE}/`);
  ok(res.ok() && /text\/html/.test(res.headers()["content-type"]) &&
    /script-src 'self'/.test(res.headers()["content-security-policy"] || ""),
  "/ answers the page, with a content security policy", JSON.stringify(res.headers()));
  ok((await page.title()) === "resmon", "the page is resmon's dashboard");

  // The numbers: CPU, memory, every interface's rates with SI units.
  await page.waitForFunction(() => /%$/.test(document.getElementById("cpu").textContent));
  const cpu = await page.locator("#cpu").innerText();
  const mem = await page.locator("#mem-avail").innerText();
  const memDetail = await page.locator("#mem-detail").innerText();
  ok(/^\d+\.\d %$/.test(cpu) && /^[\d.]+ (MiB|GiB|TiB)$/.test(mem) &&
    /^of [\d.]+ (MiB|GiB|TiB) total · [\d.]+ (MiB|GiB|TiB) free$/.test(memDetail),
  `CPU and memory shown (${cpu}; ${mem} available ${memDetail}) (${Date.now() - t0} ms)`);
  const cells = await page.locator("#net-body tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  ok(cells.length > 0 && cells.every((r) => r.length === 3 &&
    r.slice(1).every((v) => /^(\d+ bit\/s|[\d.]+ [kMGT]bit\/s|—)$/.test(v))),
  `every interface's rates in SI units (${cells.map((r) => r.join(" ")).join(", ")})`,
  JSON.stringify(cells));

  // The newest row's time changes: the page follows the recorder.
  const first = await page.locator("#row-time").innerText();
  const t1 = Date.now();
  await page.waitForFunction((f) => document.getElementById("row-time").textContent !== f,
    first, { timeout: 5000 }).catch(() => {});
  const second = await page.locator("#row-time").innerText();
  const age = await page.locator("#row-age").innerText();
  ok(/^\d\d:\d\d:\d\d$/.test(first) && second !== first && /^\d\d:\d\d:\d\d$/.test(second),
    `the newest row's time moves on: ${first} then ${second} after ${Date.now() - t1} ms ${age}`);
  ok((await page.locator("#banner").innerText()).trim() === "", "no banner while recording",
    await page.locator("#banner").innerText());

  // Today's plot, sized to the window.
  const today = await plotLoaded(page, "#today-plot");
  ok(today[0] >= 320 && today[0] <= 1280 && today[1] >= 200,
    `today's plot loads, ${today.join("x")} for a 1280 px window`);

  // A day: its plot, its CSV, the seven days up to it.
  const opts = await page.locator("#day-select option").evaluateAll((os) => os.map((o) => o.value));
  ok(opts.includes(DAY) && opts[0] > opts[opts.length - 1],
    `the day picker lists the days, newest first (${opts.join(" ")})`);
  await page.locator("#day-select").selectOption(DAY);
  await page.waitForFunction((d) =>
    (document.getElementById("day-plot").dataset.src || "").includes(`/days/${d}/`), DAY);
  const day = await plotLoaded(page, "#day-plot");
  ok(day[0] >= 320, `${DAY}'s plot loads (${day.join("x")})`);
  const href = await page.locator("#day-csv").getAttribute("href");
  const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
  ok(href === `/api/v1/days/${DAY}.csv` && csv.startsWith("time,cpu_percent,"),
    `"Download CSV" links ${href}, a day file`, csv.slice(0, 200));
  await page.waitForFunction((d) =>
    (document.getElementById("range-plot").dataset.src || "").includes(`to=${d}`) ||
    document.getElementById("range-msg").textContent !== "", DAY);
  const rangeSrc = await page.locator("#range-plot").getAttribute("data-src");
  const range = await plotLoaded(page, "#range-plot").catch(() => [0, 0]);
  const rangeMsg = await page.locator("#range-msg").innerText();
  ok(range[0] >= 320 && /\/api\/v1\/plot\.png\?from=\d{4}-\d\d-\d\d&to=/.test(rangeSrc),
    `the seven days up to ${DAY} load (${range.join("x")}, ${rangeSrc})`, rangeMsg);

  // Stop through the button: a wrong token first, then the right one.
  const dialog = page.locator("#token-dialog");
  await page.locator("#rec-stop").click();
  await dialog.waitFor({ state: "visible" });
  await page.locator("#token-input").fill("0".repeat(64));
  await page.locator("#token-form button[type=submit]").click();
  await page.waitForFunction(() => /401/.test(document.getElementById("token-why").textContent));
  const why = await page.locator("#token-why").innerText();
  const msg401 = await page.locator("#rec-msg").innerText();
  ok(/wrong token/i.test(why) && /401/.test(msg401) && await dialog.isVisible(),
    `a wrong token is said to be wrong and asked again ("${msg401}")`);
  await page.locator("#token-input").fill(TOKEN);
  await page.locator("#token-form button[type=submit]").click();
  await page.waitForFunction(() => /^Stopped/.test(document.getElementById("rec-state").textContent));
  const tStop = Date.now();
  let rec = await (await page.request.get(`${BASE}/api/v1/recorder`)).json();
  ok(rec.recording === false && !(await dialog.isVisible()) &&
    /stopped/i.test(await page.locator("#rec-msg").innerText()),
    `"Stop recording" stops the recorder (page: "${await page.locator("#rec-state").innerText()}")`);

  // Stopped long enough, the data is stale and the banner says so.
  await page.waitForFunction(() => /stale/i.test(document.getElementById("banner").textContent),
    null, { timeout: 8000 }).catch(() => {});
  const banner = await page.locator("#banner").innerText();
  ok(/stale/i.test(banner) && await page.locator("#banner").isVisible() &&
    (await page.locator("#banner").getAttribute("aria-live")) === "assertive",
  `the stale banner shows ${Date.now() - tStop} ms after stopping: "${banner}"`);

  // Start again: the token is kept for the session, not asked again.
  await page.locator("#rec-start").click();
  await page.waitForFunction(() => /^Recording/.test(document.getElementById("rec-state").textContent));
  rec = await (await page.request.get(`${BASE}/api/v1/recorder`)).json();
  ok(rec.recording === true && !(await dialog.isVisible()),
    `"Start recording" starts it again without asking for the token (page: "${await page.locator("#rec-state").innerText()}")`);
  const kept = await page.evaluate(() => sessionStorage.getItem("resmon.token"));
  ok(kept === TOKEN, "the token is kept in session storage");
  await page.waitForFunction(() => document.getElementById("banner").textContent === "",
    null, { timeout: 8000 }).catch(() => {});
  ok((await page.locator("#banner").innerText()).trim() === "", "the banner goes once rows come again",
    await page.locator("#banner").innerText());

  // The picture for the README: the page as an operator finds it, from
  // the top to the end of today's plot.
  await plotLoaded(page, "#today-plot");
  await page.waitForFunction(() => /last sample\s*\d/.test(document.getElementById("rec-facts").innerText),
    null, { timeout: 5000 }).catch(() => {});
  const box = await page.locator("#today").boundingBox();
  const scrollY = await page.evaluate(() => window.scrollY); // boxes are viewport's
  await page.screenshot({
    path: SCREENSHOT,
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + scrollY + box.height + 16) },
  });
  ok(true, `screenshot written to ${SCREENSHOT}`);

  // A phone's width: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(800); // the plots redraw to the new width
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  const phone = await plotLoaded(page, "#today-plot");
  ok(wide <= 390, `on a 390 px wide phone nothing is wider than the screen (${wide} px)`);
  ok(phone[0] >= 320 && phone[0] <= 390, `today's plot redrawn ${phone.join("x")} for the phone`);

  const links = await page.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  ok(links.includes("/swagger/") && links.includes("/metrics"), "links to Swagger UI and /metrics");
  await context.close();
}

try {
  await run();
} catch (e) {
  ok(false, "the walk through the page ended early", e.stack);
} finally {
  await browser.close();
}
ok(outside.length === 0, "the page asked no other server for anything", outside.join("\n"));
const unexpected = failedLoads.filter((f) => !expectedRefusal(f.url, f.status));
ok(unexpected.length === 0, "every failed answer was one the page expects (stale 503, wrong token 401)",
  JSON.stringify(unexpected));
// Chromium logs each 4xx/5xx answer as "Failed to load resource"; those
// are the expected ones above. Anything else is an error of the page.
const errors = consoleErrors.filter((e) =>
  !(/^Failed to load resource: the server responded with a status of (401|503)/.test(e.text) &&
    expectedRefusal(e.url, Number(e.text.match(/status of (\d+)/)[1]))));
ok(errors.length === 0 && pageErrors.length === 0,
  `no script or console error in the page (chromium logged ${consoleErrors.length - errors.length} ` +
  "expected refusals)", JSON.stringify(errors.concat(pageErrors)));
done();
