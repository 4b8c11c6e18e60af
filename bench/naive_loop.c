/* naive_loop.c - each second open/read/close the three /proc files */
/* SPDX-License-Identifier: MIT */
/*
 * usage: naive_loop N   (1 <= N <= 86400)
 *
 * The floor a recorder that reopens /proc/stat, /proc/meminfo and
 * /proc/net/dev every tick can reach: it reads them whole and parses
 * nothing, writes nothing.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *const files[] = {"/proc/stat", "/proc/meminfo",
    "/proc/net/dev"};

static char buf[16384];

int
main(int argc, char **argv)
{
	struct timespec next;
	unsigned long total = 0;
	long n, i;
	size_t f;

	n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	if (n < 1 || n > 86400) {
		fprintf(stderr, "usage: naive_loop N (1-86400)\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < n; i++) {
		next.tv_sec++;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		           NULL) != 0)
			;
		for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
			int fd = open(files[f], O_RDONLY | O_CLOEXEC);
			ssize_t r;
			int reads = 0;

			if (fd == -1) {
				perror(files[f]);
				return 1;
			}
			/* Bounded: /proc/net/dev of 128 interfaces is ~16 KiB.
			 */
			while (reads++ < 4096 &&
			       (r = read(fd, buf, sizeof(buf))) > 0)
				total += (unsigned long)r;
			close(fd);
		}
	}
	/* Keeps the reads from being optimised away, and tells what was read.
	 */
	fprintf(stderr, "naive_loop: %lu bytes read in %ld ticks\n", total, n);
	return 0;
}
