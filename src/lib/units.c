/* units.c - human units: SI bit rates, IEC memory */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "units.h"

#include <stdio.h>

/* Three significant digits of v after scaling by step until under step. */
static void
units_scale(double v, double step, const char *const *names, size_t n,
    char buf[UNITS_LEN])
{
	size_t i = 0;

	while (v >= step * 0.9995 && i + 1 < n) {
		v /= step;
		i++;
	}
	/* 999.6 rounds to "1000": move up a prefix instead. */
	if (i + 1 < n && v >= 999.5) {
		v /= step;
		i++;
	}
	if (i == 0 || v >= 99.95)
		(void)snprintf(buf, UNITS_LEN, "%.0f %s", v, names[i]);
	else if (v >= 9.995)
		(void)snprintf(buf, UNITS_LEN, "%.1f %s", v, names[i]);
	else
		(void)snprintf(buf, UNITS_LEN, "%.2f %s", v, names[i]);
}

void
units_bps(int64_t bps, char buf[UNITS_LEN])
{
	static const char *const names[] = {"bit/s", "kbit/s", "Mbit/s",
	    "Gbit/s", "Tbit/s", "Pbit/s"};

	units_scale(bps < 0 ? 0 : (double)bps, 1000, names,
	    sizeof(names) / sizeof(names[0]), buf);
}

void
units_kib(uint64_t kib, char buf[UNITS_LEN])
{
	static const char *const names[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};

	units_scale((double)kib, 1024, names, sizeof(names) / sizeof(names[0]),
	    buf);
}

void
units_bytes(uint64_t bytes, char buf[UNITS_LEN])
{
	static const char *const names[] = {"B", "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB"};

	units_scale((double)bytes, 1024, names,
	    sizeof(names) / sizeof(names[0]), buf);
}
