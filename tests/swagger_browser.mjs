// swagger_browser.mjs - an operator's whole job, done in Swagger UI in chromium
// SPDX-License-Identifier: MIT
//
// Run by tests/swagger_browser.sh, which starts the stack and passes
// (env) STACK_URL, STACK_TOKEN, SCREENSHOT (where the picture goes) and
// DOWNLOADS (a folder). Debian's headless chromium, driven by
// playwright-core: open /swagger, authorize with the token, stop and
// start the recorder with "Try it out" / "Execute" and see GET
// /api/v1/recorder follow, download a day's CSV, load a day's plot, and
// check the page never asked any other server for anything.
import fs from "node:fs";
import path from "node:path";

import { done, launchChromium, ok } from "./browser.mjs";

const BASE = process.env.STACK_URL;
const TOKEN = process.env.STACK_TOKEN;
const SCREENSHOT = process.env.SCREENSHOT;
const DOWNLOADS = process.env.DOWNLOADS;
const DAY = "2026-11-26";
const TIMEOUT = 15000;

const browser = await launchChromium();

const outside = [];
const pageErrors = [];

// Expands operation id (tag-operationId) and presses "Try it out".
async function tryOut(page, id) {
  const op = page.locator(`#operations-${id}`);
  await op.locator(".opblock-summary").first().click();
  await op.locator("button.try-out__btn").click();
  return op;
}

// Presses Execute (after clearing an earlier answer) and returns the
// status and the body text Swagger UI shows.
async function execute(op) {
  const clear = op.locator("button.btn-clear");
  if (await clear.count()) await clear.click();
  await op.locator("button.execute").click();
  // The live answer, not the documented responses' table below it.
  const status = op.locator(".live-responses-table tr.response .response-col_status");
  await status.waitFor({ timeout: TIMEOUT });
  const code = (await status.innerText()).trim();
  const body = op.locator(".live-responses-table tr.response .response-col_description");
  return { code, text: await body.innerText(), body };
}

// The recorder object Swagger UI shows in an answer's body.
function recorderIn(text) {
  const m = text.match(/\{[\s\S]*"recording"[\s\S]*\}/);
  return m ? JSON.parse(m[0]) : null;
}

async function run() {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(`${BASE}/`) && !u.startsWith("blob:") && !u.startsWith("data:")) outside.push(u);
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));

  const t0 = Date.now();
  const res = await page.goto(`${BASE}/swagger`);
  await page.waitForSelector(".opblock");
  ok(res.ok() && new URL(page.url()).pathname === "/swagger/",
    `/swagger leads to /swagger/ and the UI shows operations (${Date.now() - t0} ms)`, page.url());
  const title = await page.locator(".info .title").innerText();
  ok(/resmon API/.test(title), "the page shows resmon's openapi.yaml, not the petstore", title);
  ok((await page.locator(".opblock").count()) === 11, "all 11 operations are listed");

  // Stop without the token: 401. Authorize, then stop: 200.
  const stop = await tryOut(page, "recorder-stopRecorder");
  let r = await execute(stop);
  ok(r.code === "401", `POST /api/v1/recorder/stop before Authorize: 401 (got ${r.code})`, r.text.slice(0, 300));
  await page.locator(".auth-wrapper button.authorize").click();
  const modal = page.locator(".modal-ux");
  await modal.locator("input").first().fill(TOKEN);
  await modal.locator(".auth-btn-wrapper button.authorize").click();
  const logout = modal.getByRole("button", { name: "Remove authorization" });
  await logout.waitFor();
  await modal.locator("button.btn-done").click();
  ok(true, "Authorize takes the token");
  r = await execute(stop);
  ok(r.code === "200" && recorderIn(r.text)?.recording === false,
    `POST /api/v1/recorder/stop via Execute: 200, recording false (got ${r.code})`, r.text.slice(0, 400));
  const get = await tryOut(page, "recorder-getRecorder");
  r = await execute(get);
  ok(r.code === "200" && recorderIn(r.text)?.recording === false,
    "GET /api/v1/recorder reports stopped", r.text.slice(0, 400));

  const start = await tryOut(page, "recorder-startRecorder");
  await start.locator("textarea.body-param__text").fill('{"interval_s": 1}');
  r = await execute(start);
  ok(r.code === "200" && recorderIn(r.text)?.recording === true,
    `POST /api/v1/recorder/start via Execute: 200, recording true (got ${r.code})`, r.text.slice(0, 400));
  r = await execute(get);
  const st = recorderIn(r.text);
  ok(r.code === "200" && st?.recording === true && st?.interval_s === 1,
    "GET /api/v1/recorder reports recording every 1 s", r.text.slice(0, 400));

  // A day's CSV, narrowed by the parameters' examples, downloaded.
  const csv = await tryOut(page, "days-getDayCsv");
  await csv.locator('tr[data-param-name="date"] input').fill(DAY);
  r = await execute(csv);
  ok(r.code === "200", `GET /api/v1/days/${DAY}.csv via Execute: 200 (got ${r.code})`, r.text.slice(0, 300));
  const link = r.body.locator("a", { hasText: /download/i });
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const saved = path.join(DOWNLOADS, download.suggestedFilename() || "day.csv");
  await download.saveAs(saved);
  const lines = fs.readFileSync(saved, "utf8").split("\n");
  ok(lines[0] === "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib,net_rx_bps:eth0,net_tx_bps:eth0" &&
    lines[1].startsWith(`${DAY}T09:00:00+04:00,`) && lines.length === 62,
    `"Download file" saves ${path.basename(saved)}: eth0's columns, 09:00 to 10:00 (${lines.length - 2} rows)`,
    lines.slice(0, 3).join("\n"));

  // A day's plot, shown in the page.
  const plot = await tryOut(page, "days-getDayPlot");
  await plot.locator('tr[data-param-name="date"] input').fill(DAY);
  await plot.locator('tr[data-param-name="iface"] input').fill("eth1");
  await plot.locator('tr[data-param-name="width"] input').fill("1000");
  await plot.locator('tr[data-param-name="height"] input').fill("700");
  await plot.locator('tr[data-param-name="panels"] select').selectOption(["cpu", "mem", "rx", "tx"]);
  r = await execute(plot);
  const img = r.body.locator("img");
  await img.waitFor();
  const size = await img.evaluate(async (el) => {
    await el.decode();
    return [el.naturalWidth, el.naturalHeight];
  });
  ok(r.code === "200" && size[0] === 1000 && size[1] === 700,
    `GET /api/v1/days/${DAY}/plot.png via Execute shows a ${size.join("x")} image`, `status ${r.code}`);

  // The picture for the README: the plot's request and its answer.
  const top = await plot.locator("h4", { hasText: "Request URL" }).boundingBox();
  const live = await plot.locator(".live-responses-table").boundingBox();
  const scrollY = await page.evaluate(() => window.scrollY); // boxes are viewport's
  const y = Math.max(0, top.y + scrollY - 12);
  await page.screenshot({
    path: SCREENSHOT,
    fullPage: true,
    clip: { x: 0, y, width: 1280, height: live.y + scrollY + live.height - y + 4 },
  });
  ok(fs.statSync(SCREENSHOT).size > 10000, `screenshot written to ${SCREENSHOT}`);

  ok(outside.length === 0, "the page asked no other server for anything", outside.join("\n"));
  ok(pageErrors.length === 0, "no script error in the page", pageErrors.join("\n"));
  await context.close();
}

try {
  await run();
} catch (e) {
  ok(false, "the walk through the page ended early", e.stack);
} finally {
  await browser.close();
}
done();
