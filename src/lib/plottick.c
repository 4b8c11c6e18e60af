/* plottick.c - round ticks and their labels for plot axes */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plottick.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timestamp.h"
#include "units.h"

/* "1.50 MiB" to "1.5 MiB", "2.00 kbit/s" to "2 kbit/s": ticks are round. */
static void
trim_zeros(char *s)
{
	char *dot = strchr(s, '.'), *sp, *end;

	if (dot == NULL || (sp = strchr(dot, ' ')) == NULL)
		return;
	end = sp;
	while (end > dot + 1 && end[-1] == '0')
		end--;
	if (end == dot + 1)
		end = dot;
	memmove(end, sp, strlen(sp) + 1);
}

/*
 * Steps of step needed to reach max > 0, without libm (resmon links
 * none); the slack keeps 100e6 / 20e6 at 5, not 6.
 */
static double
steps_to(double max, double step)
{
	double n = (double)(uint64_t)(max / step);

	return n * step < max * (1 - 1e-9) ? n + 1 : n;
}

/* Fills ax with 0, step, ... up to the first multiple of step >= max. */
static void
fill_axis(double max, double step, struct plotaxis *ax)
{
	size_t n = (size_t)steps_to(max, step), i;

	if (n < 1)
		n = 1;
	ax->max = step * (double)n;
	ax->n = n + 1;
	for (i = 0; i <= n; i++)
		ax->tick[i].value = step * (double)i;
}

static size_t
clamp_ticks(size_t max_ticks)
{
	if (max_ticks < 1)
		return 1;
	return max_ticks > PLOTTICK_MAX - 1 ? PLOTTICK_MAX - 1 : max_ticks;
}

void
plottick_bps(double max_bps, size_t max_ticks, struct plotaxis *ax)
{
	static const double mant[] = {1, 2, 5};
	double step = 1, decade = 1;
	size_t i, m = 0;

	max_ticks = clamp_ticks(max_ticks);
	if (!(max_bps >= 1))
		max_bps = 1;
	/* 1, 2, 5, 10, 20, ...: the first step giving few enough ticks. */
	while (steps_to(max_bps, step) > (double)max_ticks) {
		if (++m == 3) {
			m = 0;
			decade *= 10;
		}
		step = mant[m] * decade;
	}
	fill_axis(max_bps, step, ax);
	for (i = 0; i < ax->n; i++) {
		units_bps((int64_t)(ax->tick[i].value + 0.5),
		    ax->tick[i].label);
		trim_zeros(ax->tick[i].label);
	}
}

void
plottick_kib(double max_kib, size_t max_ticks, struct plotaxis *ax)
{
	double step = 1;
	size_t i;

	max_ticks = clamp_ticks(max_ticks);
	if (!(max_kib >= 1))
		max_kib = 1;
	while (steps_to(max_kib, step) > (double)max_ticks)
		step *= 2;
	fill_axis(max_kib, step, ax);
	for (i = 0; i < ax->n; i++) {
		units_bytes((uint64_t)(ax->tick[i].value + 0.5) * 1024,
		    ax->tick[i].label);
		trim_zeros(ax->tick[i].label);
	}
}

size_t
plottick_hours(time_t start, time_t end, unsigned every_h, struct plottick *out,
    size_t cap)
{
	struct tm tm;
	time_t t;
	size_t n = 0;

	if (every_h < 1)
		every_h = 1;
	for (t = start; t <= end && n < cap; t += (time_t)every_h * 3600) {
		if (localtime_r(&t, &tm) == NULL)
			break;
		out[n].value = (double)t;
		snprintf(out[n].label, sizeof(out[n].label), "%02d:00",
		    tm.tm_hour);
		n++;
	}
	return n;
}

time_t
plottick_midnight(const struct daydate *date)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = date->year - 1900;
	tm.tm_mon = date->month - 1;
	tm.tm_mday = date->day;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

size_t
plottick_days(time_t start, time_t end, unsigned every_d, struct plottick *out,
    size_t cap)
{
	struct daydate d;
	long day;
	time_t t;
	size_t n = 0;

	if (every_d < 1)
		every_d = 1;
	if (daydate_of(start, &d) == -1)
		return 0;
	/* start is a midnight, or inside the day whose midnight is next. */
	day = daydate_to_days(&d);
	if (plottick_midnight(&d) < start)
		day++;
	for (; n < cap; day += every_d) {
		daydate_from_days(day, &d);
		t = plottick_midnight(&d);
		if (t > end)
			break;
		out[n].value = (double)t;
		snprintf(out[n].label, sizeof(out[n].label), "%02d-%02d",
		    d.month, d.day);
		n++;
	}
	return n;
}
