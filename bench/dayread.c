/* dayread.c - throughput of the library's day reader (bench only) */
/* SPDX-License-Identifier: MIT */
/*
 * usage: dayread [-n PASSES] FILE
 *
 * Runs dayreader_read() PASSES times (default 9) over FILE, already in
 * the page cache after the first pass, with a consumer that does nothing
 * but count rows. Prints one line per pass and a last one:
 *
 *   bytes=B rows=R passes=N median_ms=M best_ms=T median_mb_s=X
 *
 * MB is 10^6 bytes. Built by bench/plot.sh against build-bench's
 * src/lib/libresmon.a.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dayreader.h"
#include "errmsg.h"

static int
count_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	(void)row;
	(void)err;
	(*(long *)ctx)++;
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	double ms[99];
	long passes = 9, rows = 0, i;
	struct stat st;
	int c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n' || (passes = strtol(optarg, NULL, 10)) < 1 ||
		    passes > 99) {
			fprintf(stderr, "usage: dayread [-n 1-99] FILE\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: dayread [-n 1-99] FILE\n");
		return 2;
	}
	for (i = 0; i < passes; i++) {
		struct dayreader_consumer cons = {NULL, count_row, &rows};
		struct errmsg err = {0};
		double t0;
		int fd = open(argv[optind], O_RDONLY | O_CLOEXEC);

		if (fd == -1 || fstat(fd, &st) == -1) {
			perror(argv[optind]);
			return 1;
		}
		rows = 0;
		t0 = now_ms();
		if (dayreader_read(fd, argv[optind], &cons, NULL, &err) == -1) {
			fprintf(stderr, "dayread: %s\n", err.msg);
			return 1;
		}
		ms[i] = now_ms() - t0;
		close(fd);
		printf("pass %ld: %.2f ms, %ld rows\n", i + 1, ms[i], rows);
	}
	qsort(ms, (size_t)passes, sizeof(ms[0]), cmp_double);
	printf("bytes=%lld rows=%ld passes=%ld median_ms=%.2f best_ms=%.2f "
	       "median_mb_s=%.1f\n",
	    (long long)st.st_size, rows, passes, ms[passes / 2], ms[0],
	    (double)st.st_size / 1e6 / (ms[passes / 2] / 1e3));
	return 0;
}
