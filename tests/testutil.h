/* testutil.h - temporary folders, fixtures and a fake clock for unit tests */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_TESTUTIL_H
#define RESMON_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/* Makes a fresh folder under $TMPDIR (or /tmp); the caller frees the path. */
char *testutil_mkdtemp(void);

/* Removes path and everything below it; the test fails on an error. */
void testutil_rm_rf(const char *path);

/* "$top_srcdir/tests/fixtures/" + the printf-formatted rest; caller frees. */
char *testutil_fixture(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Writes len bytes to path (0644, truncated); fails the test on error. */
void testutil_write_file(const char *path, const char *data, size_t len);

/* Reads all of path, NUL-terminated; *len (may be NULL) gets its size. */
char *testutil_read_file(const char *path, size_t *len);

/* mkdtemp() folder in *state for a test; teardown removes and frees it. */
int testutil_setup_tmpdir(void **state);
int testutil_teardown_tmpdir(void **state);

struct netdev_list;
struct netdev_iface;
/* The interface called name in list, or NULL. */
const struct netdev_iface *testutil_find_iface(const struct netdev_list *list,
    const char *name);

/* A clock whose sleeps return at once, advancing both clocks. */
struct fakeclock {
	struct clock clock; /* pass &fc.clock to the code under test */
	int64_t wall_ns, mono_ns;
	/* Called after each sleep has advanced the time; may step wall_ns. */
	void (*on_sleep)(struct fakeclock *fc, void *ctx);
	void *on_sleep_ctx;
	long sleeps;
};

void fakeclock_init(struct fakeclock *fc, int64_t wall_ns);

/* Sets TZ for this process and re-reads it. */
void testutil_set_tz(const char *tz);

#endif
