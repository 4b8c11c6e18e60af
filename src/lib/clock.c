/* clock.c - the host's real wall and monotonic clocks */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "clock.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>

static int64_t
timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS_PER_S + ts->tv_nsec;
}

static int
system_now(void *ctx, int64_t *wall_ns, int64_t *mono_ns)
{
	struct timespec wall, mono;

	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &wall) == -1 ||
	    clock_gettime(CLOCK_MONOTONIC, &mono) == -1)
		return -1;
	*wall_ns = timespec_ns(&wall);
	*mono_ns = timespec_ns(&mono);
	return 0;
}

static int
system_sleep_until(void *ctx, int64_t deadline_ns)
{
	struct timespec ts;
	int rc;

	(void)ctx;
	ts.tv_sec = deadline_ns / NS_PER_S;
	ts.tv_nsec = deadline_ns % NS_PER_S;
	/* Absolute time, so a signal's EINTR and a retry cannot drift. */
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

static const struct clock system_clock = {
    .now = system_now,
    .sleep_until = system_sleep_until,
    .ctx = NULL,
};

const struct clock *
clock_system(void)
{
	return &system_clock;
}
