#!/bin/bash
# pandas_types.sh - day files load in pandas with the right types, DST days too
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 3
# Debian's python3 with python3-pandas (a pyenv python3 may lack pandas).
py=/usr/bin/python3
$py -c 'import pandas' 2>/dev/null || bail "python3-pandas is missing (apt-get install python3-pandas)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$RESMON" record -d "$work/data" --for 3 2>/dev/null || bail "resmon record"
"$top_builddir/tests/daygen" --date 2026-10-25 --tz Europe/Berlin --ifaces 2 \
	--late-iface -o "$work/dst.csv" || bail "daygen"

# The README's snippet, verbatim in spirit: read, then parse times as UTC.
cat >"$work/load.py" <<'PY'
import sys
import pandas as pd

df = pd.read_csv(sys.argv[1])
df["time"] = pd.to_datetime(df["time"], utc=True)
want = {"time": "datetime64[ns, UTC]", "cpu_percent": "float64",
        "mem_total_kib": "int64", "mem_free_kib": "int64"}
for col, dtype in want.items():
    if str(df[col].dtype) != dtype:
        sys.exit(f"{col}: {df[col].dtype}, want {dtype}")
for col in df.columns[5:]:
    if df[col].dtype.kind not in "if":
        sys.exit(f"{col}: {df[col].dtype}, want a number")
if not df["time"].is_monotonic_increasing or df["time"].duplicated().any():
    sys.exit("time is not strictly increasing")
print(len(df))
PY
rows=$($py "$work/load.py" "$work"/data/*.csv)
check "a recorded day loads with numeric columns and UTC times ($rows rows)" test -n "$rows"
rows=$($py "$work/load.py" "$work/dst.csv")
check "a 25-hour DST day loads: 90000 strictly increasing times ($rows)" test "$rows" = 90000
check "and reads back in local time with both offsets" $py -c "
import pandas as pd
t = pd.to_datetime(pd.read_csv('$work/dst.csv')['time'], utc=True).dt.tz_convert('Europe/Berlin')
assert (t.dt.strftime('%H').value_counts()['02'] == 7200), 'the repeated hour'
"
