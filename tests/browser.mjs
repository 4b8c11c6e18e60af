// browser.mjs - what the browser tests share: TAP lines and Debian's chromium
// SPDX-License-Identifier: MIT
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

let n = 0;
let failed = 0;

// One TAP result; detail goes under it as comment lines when it failed.
export function ok(cond, what, detail = "") {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? "ok" : "not ok"} ${n} - ${what}`);
  if (!cond && detail) for (const l of String(detail).split("\n")) console.log(`#   ${l}`);
}

// Prints the plan and ends the process: 0 when every result passed.
export function done() {
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

// The flags NOTES.md lists for Debian's chromium in a container, but for
// --user-data-dir: playwright gives chromium a fresh profile of its own.
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
