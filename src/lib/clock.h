/* clock.h - wall and monotonic time behind one small interface tests replace */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_CLOCK_H
#define RESMON_CLOCK_H

#include <stdint.h>

#define NS_PER_S INT64_C(1000000000)

/*
 * The recorder asks the time and sleeps only through this, so a test can
 * cross midnight, DST and clock steps in microseconds. Times are
 * nanoseconds: wall since the Unix epoch (CLOCK_REALTIME), mono since an
 * arbitrary start (CLOCK_MONOTONIC).
 */
struct clock {
	/* Returns 0, or -1 with errno set. */
	int (*now)(void *ctx, int64_t *wall_ns, int64_t *mono_ns);
	/*
	 * Sleeps until mono reaches deadline_ns. Returns 0, or -1 with errno
	 * EINTR when a signal came first, so the caller can look at its flags.
	 */
	int (*sleep_until)(void *ctx, int64_t deadline_ns);
	void *ctx;
};

/* The real clocks of the host; cannot fail to exist. */
const struct clock *clock_system(void);

#endif
