/* fuzzutil.h - what the libFuzzer targets share: invariant checks, inputs
 * as C strings and as files */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_FUZZUTIL_H
#define RESMON_FUZZUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An invariant: when it does not hold, says which and aborts, which
 * libFuzzer reports as a crash and saves the input for.
 */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond);                  \
	} while (0)

void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* A NUL-terminated copy of data[0..size), which may hold NULs; free(). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/*
 * Splits data at its first NUL: *head (a copy, free()) is what comes
 * before, *tail and *tail_len what comes after (none: NULL and 0). The
 * targets read the input as head and take a setting from the tail, so
 * that a plain text seed works as is.
 */
char *fuzz_split(const uint8_t *data, size_t size, const uint8_t **tail,
    size_t *tail_len);

/* Whether s holds only printable ASCII (0x20-0x7e): safe in a log line
 * and, quotes aside, in a JSON string. */
bool fuzz_printable(const char *s);

/*
 * A memfd made once per process, holding data[0..size) after the call,
 * its offset at 0. Aborts when a system call fails: the fuzzer cannot go
 * on without it.
 */
int fuzz_memfd(const uint8_t *data, size_t size);

/* "/proc/self/fd/N" of that memfd, for code that takes a path. */
const char *fuzz_memfd_path(void);

/* Sets TZ and re-reads it; aborts on failure. */
void fuzz_set_tz(const char *tz);

#endif
