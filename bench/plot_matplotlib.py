#!/usr/bin/python3
# plot_matplotlib.py - the four panels of SPEC 4 with pandas + matplotlib
# SPDX-License-Identifier: MIT
#
# The peer that bench/plot.sh measures against `resmon plot`: what an
# operator would write to plot the raw 1-second samples of resmon day
# files, one line per series (matplotlib's default path simplification
# left on, as it comes).
#
# usage: /usr/bin/python3 bench/plot_matplotlib.py -o OUT.png [--title T]
#            [--width 1600 --height 1000] DAY.csv...
# (Debian's python3-pandas and python3-matplotlib; the files in time order.)
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("-o", "--out", required=True)
ap.add_argument("--title", default="")
ap.add_argument("--width", type=int, default=1600)
ap.add_argument("--height", type=int, default=1000)
ap.add_argument("files", nargs="+")
a = ap.parse_args()

df = pd.concat([pd.read_csv(f) for f in a.files], ignore_index=True)
# Local wall-clock time of each row, as written (the offset dropped).
df["time"] = pd.to_datetime(df["time"].str.slice(0, 19))
df = df.set_index("time")
ifaces = [c.split(":", 1)[1] for c in df.columns if c.startswith("net_rx_bps:")]

dpi = 100
fig, ax = plt.subplots(4, 1, sharex=True, figsize=(a.width / dpi, a.height / dpi), dpi=dpi)
fig.suptitle(a.title)
ax[0].plot(df.index, df["cpu_percent"], lw=0.6, label="cpu")
ax[0].set_ylim(0, 100)
ax[0].set_ylabel("CPU %")
ax[1].plot(df.index, df["mem_free_kib"] / 1048576, lw=0.6, label="free")
ax[1].plot(df.index, df["mem_available_kib"] / 1048576, lw=0.6, label="available")
ax[1].set_ylim(bottom=0)
ax[1].set_ylabel("memory GiB")
for i in ifaces:
    ax[2].plot(df.index, df["net_rx_bps:" + i] / 1e6, lw=0.6, label=i)
    ax[3].plot(df.index, df["net_tx_bps:" + i] / 1e6, lw=0.6, label=i)
ax[2].set_ylabel("in Mbit/s")
ax[3].set_ylabel("out Mbit/s")
for x in ax:
    x.grid(True, lw=0.3)
    if len(x.lines) <= 8:
        x.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    else:  # 32 interfaces: inside, in columns, so none is cut off
        x.legend(loc="upper left", fontsize=6, ncol=8)
ax[3].set_xlim(df.index[0].normalize(), df.index[-1].normalize() + pd.Timedelta(days=1))
fig.savefig(a.out, dpi=dpi)
