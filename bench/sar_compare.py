#!/usr/bin/env python3
# sar_compare.py - the comparison half of sar_agree.sh
# SPDX-License-Identifier: MIT
"""usage: sar_compare.py OUT DUR NCHUNK

OUT holds what sar_agree.sh recorded: data/*.csv (resmon), sa.txt (sadf
-d -U of the sadc that ran throughout), chunkaC.txt and chunkbC.txt for
C < NCHUNK (the sadcs started afresh every 10 s so that they read 3
and 8 ms after the second), each with its .st file (strace -ttt of the reader's reads of
/proc/stat; resmon.st for resmon) and t0.
Joins resmon's rows and sar's records on epoch seconds, finds from the
traces which stretch of time each row and each record really covers, and
prints the deviations, over every joined second and over the seconds
whose intervals match within 10 ms at both ends.
"""
import datetime as dt
import glob
import os
import sys

out, dur, nchunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = int(open(os.path.join(out, "t0")).read())
ALIGN = 0.010  # 1 % of a 1 s interval, as the rate tolerance


def reads(name, gap=0.3):
    """Times (epoch s) at which a reader read /proc/stat for a sample:
    the first traced call of each burst (sadc opens it 4 times a sample)."""
    ts = []
    for line in open(os.path.join(out, name)):
        f = line.split()
        if len(f) < 3 or not f[2].startswith(("pread64(", "openat(")):
            continue
        t = float(f[1])
        if not ts or t - ts[-1] > gap:
            ts.append(t)
    return ts


def read_resmon():
    """stamp -> (start, end, values); a row is stamped with the boundary
    nearest to its read and covers the time since the previous read."""
    res = {}
    rr = reads("resmon.st")
    for f in sorted(glob.glob(os.path.join(out, "data", "*.csv"))):
        lines = open(f).read().splitlines()
        head = lines[0].split(",")
        for line in lines[1:]:
            c = dict(zip(head, line.split(",")))
            t = int(dt.datetime.fromisoformat(c["time"]).timestamp())
            v = {"busy": float(c["cpu_percent"]), "free": int(c["mem_free_kib"]),
                 "avail": int(c["mem_available_kib"])}
            for k in ("rx", "tx"):
                if c.get("net_%s_bps:vb0" % k, ""):
                    v[k] = int(c["net_%s_bps:vb0" % k])
            near = [i for i in range(1, len(rr)) if abs(rr[i] - t) < 0.5]
            span = (rr[near[0] - 1], rr[near[0]]) if near else (None, None)
            res[t] = (span[0], span[1], v)
    return res


def read_sar(pairs):
    """stamp -> (start, end, values) from sadf -d -U and the read times;
    sadc stamps a record with the whole second of the read that ends it."""
    res = {}
    for name, stname in pairs:
        for t, v in read_sar1(name, stname).items():
            res.setdefault(t, v)
    return res


def read_sar1(name, stname):
    rows = {}
    head = None
    for line in open(os.path.join(out, name)):
        line = line.strip()
        if line.startswith("#"):
            head = line[2:].split(";")
            continue
        if not line or "RESTART" in line:
            continue
        c = dict(zip(head, line.split(";")))
        d = rows.setdefault(int(c["timestamp"]), {})
        d["interval"] = int(c["interval"])
        if "%idle" in c:
            d["busy"] = 100 - float(c["%idle"]) - float(c["%iowait"])
        elif "kbmemfree" in c:
            d["free"] = int(c["kbmemfree"])
            d["avail"] = int(c["kbavail"])
        elif c.get("IFACE") == "vb0":
            d["rx"] = float(c["rxkB/s"]) * 1024 * 8
            d["tx"] = float(c["txkB/s"]) * 1024 * 8
    # A record ends at the first read in its stamp's second and starts at
    # the read nearest to `interval` seconds before (sadc now and then
    # writes no record for a second and the next one covers two).
    rd = reads(stname)
    first = {}
    for i, t in enumerate(rd):
        first.setdefault(int(t), i)
    out_rows = {}
    for t, v in rows.items():
        i = first.get(t)
        if i is None or i == 0:
            out_rows[t] = (None, None, v)
            continue
        j = min(range(i), key=lambda k: abs(rd[k] - (rd[i] - v["interval"])))
        out_rows[t] = (rd[j], rd[i], v)
    return out_rows


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


def join(A, B, shift=0):
    """Per common stamp: misalignment of the two intervals (s), deviations."""
    rows = []
    for t, (a1, b1, va) in sorted(A.items()):
        if t + shift not in B:
            continue
        a2, b2, vb = B[t + shift]
        known = None not in (a1, b1, a2, b2)
        d = {"t": t, "mis": max(abs(a1 - a2), abs(b1 - b2)) if known else float("inf")}
        if "busy" in va and "busy" in vb:
            d["cpu"] = abs(va["busy"] - vb["busy"])
        if "free" in va and "free" in vb:
            d["free"] = abs(va["free"] - vb["free"]) / vb["free"] * 100
            d["avail"] = abs(va["avail"] - vb["avail"]) / vb["avail"] * 100
        if t0 + 6 <= t <= t0 + dur - 10:  # steady traffic
            for k in ("rx", "tx"):
                if k in va and k in vb:
                    x, y = va[k], vb[k]
                    d[k] = abs(x - y) / max(x, 1) * 100
                    d[k + "_ok"] = abs(x - y) <= 0.01 * x + 8000
        rows.append(d)
    return rows


def table(title, rows):
    print()
    print(title)
    print("| quantity | n | p50 | p95 | p99 | max | target | result |")
    print("|---|---|---|---|---|---|---|---|")
    for name, key, unit, target, okf in (
            ("CPU busy, points", "cpu", "", "<= 1.5", lambda d: d["cpu"] <= 1.5),
            ("mem free", "free", " %", "<= 0.5 %", lambda d: d["free"] <= 0.5),
            ("mem available", "avail", " %", "<= 0.5 %", lambda d: d["avail"] <= 0.5),
            ("vb0 rx rate (steady)", "rx", " %", "<= 1 % + 8 kbit/s", lambda d: d["rx_ok"]),
            ("vb0 tx rate (steady)", "tx", " %", "<= 1 % + 8 kbit/s", lambda d: d["tx_ok"])):
        sel = [d for d in rows if key in d]
        v = [d[key] for d in sel]
        ok = sel and all(okf(d) for d in sel)
        print("| %s | %d | %.3f%s | %.3f%s | %.3f%s | %.3f%s | %s | %s |" % (
            name, len(v), pct(v, 50), unit, pct(v, 95), unit, pct(v, 99), unit,
            max(v or [float("nan")]), unit, target, "PASS" if ok else "FAIL"))


res = read_resmon()
long = read_sar([("sa.txt", "sadc.st")])
sar = read_sar([("chunka%d.txt" % c, "chunka%d.st" % c) for c in range(nchunk)])
sar2 = read_sar([("chunkb%d.txt" % c, "chunkb%d.st" % c) for c in range(nchunk)])
print("resmon %d rows; sar records: one sadc %d, sadc started every 10 s %d, control %d" % (
    len(res), len(long), len(sar), len(sar2)))
for shift in (-1, 0, 1):
    c = [d["cpu"] for d in join(res, sar, shift) if "cpu" in d]
    print("shift %+d s: joined %d, CPU deviation p50 %.2f max %.2f points" % (
        shift, len(c), pct(c, 50), max(c or [float("nan")])))
print("(so sar stamps the end of its interval, as resmon does)")

jl = join(res, long)
mis = [d["mis"] for d in jl if d["mis"] != float("inf")]
slag = [b - t for t, (a, b, v) in long.items() if b is not None]
print()
print("one sadc for the whole run: its read after the whole second p50 %.1f ms, max %.1f ms;"
      " %d of %d joined seconds match resmon's within %d ms at both ends" % (
          pct(slag, 50) * 1000, max(slag or [0]) * 1000,
          sum(1 for m in mis if m <= ALIGN), len(jl), ALIGN * 1000))
table("resmon vs one sadc for the whole run, every joined second:", jl)

j = join(res, sar)
mis = [d["mis"] for d in j if d["mis"] != float("inf")]
aligned = [d for d in j if d["mis"] <= ALIGN]
print()
print("sadc started every 10 s: interval misalignment vs resmon: p50 %.1f ms, p95 %.1f ms, max %.1f ms; "
      "%d of %d joined seconds match within %d ms at both ends" % (
          pct(mis, 50) * 1000, pct(mis, 95) * 1000, max(mis or [0]) * 1000,
          len(aligned), len(j), ALIGN * 1000))
lag = [b - t for t, (a, b, v) in res.items() if b is not None]
slag = [b - t for t, (a, b, v) in sar.items() if b is not None]
print("read after the whole second: resmon p50 %.1f ms, max %.1f ms; "
      "sadc p50 %.1f ms, max %.1f ms" % (pct(lag, 50) * 1000, max(lag or [0]) * 1000,
                                         pct(slag, 50) * 1000, max(slag or [0]) * 1000))
missing_s = [t - t0 for t in res if t not in sar]
print("seconds with a resmon row and no sar record (s after start): %s" % (missing_s or "none"))

table("resmon vs sadc started every 10 s, every joined second:", j)
table("resmon vs sadc started every 10 s, seconds whose intervals match within %d ms at both ends:"
      % (ALIGN * 1000), aligned)
bad = [(d["t"] - t0, "%.2f" % res[d["t"]][2]["busy"], "%.2f" % sar[d["t"]][2]["busy"],
        "%.0f ms" % (d["mis"] * 1000)) for d in j if d.get("cpu", 0) > 1.5]
if bad:
    print("\nCPU over 1.5 points (s after start, resmon, sar, misalignment):", bad[:30])

print()
print("control, CPU busy points over aligned seconds (<= %d ms):" % (ALIGN * 1000))
print("| pair | joined | aligned | p50 | p95 | p99 | max | > 1.5 |")
print("|---|---|---|---|---|---|---|---|")
for name, A, B in (("resmon vs sadc every 10 s (+3 ms)", res, sar),
                   ("resmon vs sadc every 10 s (+8 ms)", res, sar2),
                   ("sadc (+8 ms) vs sadc (+3 ms)", sar2, sar),
                   ("resmon vs one sadc", res, long)):
    jj = join(A, B)
    al = [d["cpu"] for d in jj if d["mis"] <= ALIGN and "cpu" in d]
    print("| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %d |" % (
        name, len(jj), len(al), pct(al, 50), pct(al, 95), pct(al, 99),
        max(al or [float("nan")]), sum(1 for x in al if x > 1.5)))
txs = [v["tx"] for t, (a, b, v) in res.items() if "tx" in v and t0 + 6 <= t <= t0 + dur - 10]
if txs:
    print("\nvb0 tx during traffic: median %.2f Mbit/s (tbf rate 50 Mbit/s)" % (pct(txs, 50) / 1e6))
missing = [t for t in range(min(res), max(res) + 1) if t not in res]
print("resmon rows missing between its first and last: %s" % (missing or "none"))
