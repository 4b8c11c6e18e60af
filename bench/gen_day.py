#!/usr/bin/env python3
# gen_day.py - write a day file (SPEC §2 format) up to a given moment
# SPDX-License-Identifier: MIT
"""usage: gen_day.py --offset-min M --until EPOCH --ifaces a,b,c -o FILE

Writes the rows of the local day (UTC offset M minutes, no DST) that
holds EPOCH, one per second from local midnight up to and including
EPOCH, with plausible values, so that a recorder started afterwards
appends to it. Prints the file name's date, the row count and the size.
The same arguments give the same bytes (fixed seed).
"""
import argparse
import datetime as dt
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--offset-min", type=int, required=True)
    ap.add_argument("--until", type=int, required=True)
    ap.add_argument("--ifaces", required=True)
    ap.add_argument("-o", dest="out", required=True)
    a = ap.parse_args()
    if not -24 * 60 < a.offset_min < 24 * 60:
        sys.exit("gen_day.py: offset out of range")
    ifaces = a.ifaces.split(",")
    tz = dt.timezone(dt.timedelta(minutes=a.offset_min))
    end = dt.datetime.fromtimestamp(a.until, tz)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    start = int(midnight.timestamp())
    sign = "+" if a.offset_min >= 0 else "-"
    off = "%s%02d:%02d" % (sign, abs(a.offset_min) // 60, abs(a.offset_min) % 60)
    rng = random.Random(2)
    total = 16318480
    head = ["time", "cpu_percent", "mem_total_kib", "mem_free_kib",
            "mem_available_kib"]
    for i in ifaces:
        head += ["net_rx_bps:" + i, "net_tx_bps:" + i]
    out = [",".join(head) + "\n"]
    free = 8000000
    base = midnight.replace(tzinfo=None)
    for n, t in enumerate(range(start, a.until + 1)):
        if n > 86400:
            break
        stamp = (base + dt.timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S") + off
        free = min(max(free + rng.randint(-20000, 20000), 1000000), 12000000)
        cells = [stamp, "%.2f" % (rng.random() * 60), str(total), str(free),
                 str(free + 3000000)]
        for k in range(len(ifaces)):
            scale = 4 ** k
            cells.append(str(rng.randint(0, 80000000 // scale)))
            cells.append(str(rng.randint(0, 20000000 // scale)))
        out.append(",".join(cells) + "\n")
    data = "".join(out).encode()
    with open(a.out, "wb") as f:
        f.write(data)
    print(midnight.strftime("%Y-%m-%d"), len(out) - 1, len(data))


if __name__ == "__main__":
    main()
