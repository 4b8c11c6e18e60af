/* trivial_loop.c - sleep 1 s N times, read nothing: the memory baseline */
/* SPDX-License-Identifier: MIT */
/* usage: trivial_loop N   (1 <= N <= 86400) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
	struct timespec next;
	long n, i;

	n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	if (n < 1 || n > 86400) {
		fprintf(stderr, "usage: trivial_loop N (1-86400)\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < n; i++) {
		next.tv_sec++;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		           NULL) != 0)
			;
	}
	return 0;
}
