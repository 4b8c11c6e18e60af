/* plottick.h - round axis ticks for plots: SI bit rates, IEC memory, hours */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_PLOTTICK_H
#define RESMON_PLOTTICK_H

#include <stddef.h>
#include <time.h>

/* Most ticks one axis gets: a 31-day range has 32 midnights. */
#define PLOTTICK_MAX 48
/* "1023 MiB", "500 kbit/s", "2026-11-27", "23:00" and a NUL. */
#define PLOTTICK_LABEL_LEN 24

struct plottick {
	double value; /* a value axis: in the axis unit; a time axis: t */
	char label[PLOTTICK_LABEL_LEN];
};

/* Ticks of a value axis from 0 to max, both included. */
struct plotaxis {
	double max;
	size_t n;
	struct plottick tick[PLOTTICK_MAX];
};

/*
 * A bit rate axis from 0 up to at least max_bps, in steps of 1, 2 or 5
 * times a power of ten with at most max_ticks steps (1-PLOTTICK_MAX - 1),
 * labelled "0 bit/s", "500 kbit/s", "1.5 Mbit/s" (SI). A max_bps below 1
 * (an idle interface) gives a 0-1 bit/s axis. Cannot fail.
 */
void plottick_bps(double max_bps, size_t max_ticks, struct plotaxis *ax);

/*
 * A memory axis from 0 up to at least max_kib, in steps of a power of
 * two KiB, labelled "0 B", "256 MiB", "1.5 GiB" (IEC). Cannot fail.
 */
void plottick_kib(double max_kib, size_t max_ticks, struct plotaxis *ax);

/*
 * Hour ticks over [start, end]: one every every_h hours (1-24) counted
 * from start, labelled with the local hour in the process's zone
 * ("02:00" twice on a day that falls back), value the instant. Returns
 * the number written to out (at most cap).
 */
size_t plottick_hours(time_t start, time_t end, unsigned every_h,
    struct plottick *out, size_t cap);

/*
 * Ticks at each local midnight in [start, end], every every_d days
 * counted from start, labelled "MM-DD". Returns the number written.
 */
size_t plottick_days(time_t start, time_t end, unsigned every_d,
    struct plottick *out, size_t cap);

/*
 * The instant of local midnight starting date in the process's zone
 * (mktime; the next existing time where midnight was skipped).
 */
struct daydate;
time_t plottick_midnight(const struct daydate *date);

#endif
