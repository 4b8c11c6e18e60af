/* test_rendercache.c - cached renderings: names, freshness, commit */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "rendercache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

/* Makes DIR/name with the given mtime; returns its path (free it). */
static char *
make_file(const char *dir, const char *name, time_t mtime)
{
	struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
	char *path = xasprintf("%s/%s", dir, name);

	testutil_write_file(path, "x\n", 2);
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	return path;
}

/* Draws "png" into dir/name from src, as a route would. */
static void
draw(const char *dir, const char *name, const struct rendercache_src *src)
{
	struct errmsg err;
	char *tmp;
	int fd;

	fd = rendercache_create(dir, &tmp, &err);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "png", 3), 3);
	assert_int_equal(
	    rendercache_commit(fd, tmp, dir, name, src, true, &err), 0);
	free(tmp);
}

static void
test_rendercache_name_tells_parameter_sets_apart(void **state)
{
	char a[RENDERCACHE_NAME_MAX + 1], b[RENDERCACHE_NAME_MAX + 1];
	char c[RENDERCACHE_NAME_MAX + 1];
	struct errmsg err;

	(void)state;
	assert_int_equal(rendercache_name(a, "plot", "2026-11-28",
	                     "w=1600;h=1000", "png", &err),
	    0);
	assert_int_equal(rendercache_name(b, "plot", "2026-11-28",
	                     "w=1601;h=1000", "png", &err),
	    0);
	assert_int_equal(rendercache_name(c, "plot", "2026-11-28",
	                     "w=1600;h=1000", "png", &err),
	    0);
	assert_string_not_equal(a, b);
	assert_string_equal(a, c);
	assert_int_equal(strncmp(a, "plot-2026-11-28-", 16), 0);
	assert_int_equal(strlen(a), strlen("plot-2026-11-28-") + 16 + 4);
}

static void
test_rendercache_name_refuses_a_long_label(void **state)
{
	char name[RENDERCACHE_NAME_MAX + 1], label[200];
	struct errmsg err;

	(void)state;
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(rendercache_name(name, "plot", label, "", "png", &err),
	    -1);
	assert_int_equal(err.code, ENAMETOOLONG);
}

static void
test_rendercache_fresh_until_the_day_file_changes(void **state)
{
	const char *dir = *state;
	struct rendercache_src src = {{0, 0}};
	struct timespec later[2] = {{0, UTIME_OMIT}, {0, 0}};
	struct errmsg err;
	time_t now = time(NULL);
	char *day;

	day = make_file(dir, "2026-11-27.csv", now - 600);
	assert_int_equal(rendercache_add_src(&src, day, &err), 0);
	assert_int_equal(
	    rendercache_fresh(dir, "plot-x.png", &src, 0, now, &err), 0);
	draw(dir, "plot-x.png", &src);
	assert_int_equal(
	    rendercache_fresh(dir, "plot-x.png", &src, 0, now, &err), 1);

	/* The recorder appends: the drawing is stale. */
	later[1].tv_sec = now - 300;
	assert_int_equal(utimensat(AT_FDCWD, day, later, 0), 0);
	memset(&src, 0, sizeof(src));
	assert_int_equal(rendercache_add_src(&src, day, &err), 0);
	assert_int_equal(
	    rendercache_fresh(dir, "plot-x.png", &src, 0, now, &err), 0);
	/* Unless it was drawn less than reuse_s ago (today's file). */
	assert_int_equal(
	    rendercache_fresh(dir, "plot-x.png", &src, 60, now, &err), 1);
	free(day);
}

static void
test_rendercache_never_fresh_for_a_source_changed_this_tick(void **state)
{
	const char *dir = *state;
	struct rendercache_src src = {{0, 0}};
	struct errmsg err;
	char *day;

	/* Written just now: a later write in the same kernel tick would
	 * keep this mtime, so the drawing must not count as fresh. */
	day = xasprintf("%s/2026-11-28.csv", dir);
	testutil_write_file(day, "x\n", 2);
	assert_int_equal(rendercache_add_src(&src, day, &err), 0);
	draw(dir, "plot-today.png", &src);
	assert_int_equal(
	    rendercache_fresh(dir, "plot-today.png", &src, 0, time(NULL), &err),
	    0);
	free(day);
}

static void
test_rendercache_range_takes_the_newest_day(void **state)
{
	const char *dir = *state;
	struct rendercache_src src = {{0, 0}};
	struct errmsg err;
	time_t now = time(NULL);
	char *a, *b;

	a = make_file(dir, "2026-11-26.csv", now - 900);
	b = make_file(dir, "2026-11-27.csv", now - 600);
	assert_int_equal(rendercache_add_src(&src, b, &err), 0);
	assert_int_equal(rendercache_add_src(&src, a, &err), 0);
	assert_int_equal(src.mtime.tv_sec, now - 600);
	free(a);
	free(b);
}

static void
test_rendercache_missing_source_is_enoent(void **state)
{
	struct rendercache_src src = {{0, 0}};
	struct errmsg err;
	char *path = xasprintf("%s/none.csv", (const char *)*state);

	assert_int_equal(rendercache_add_src(&src, path, &err), -1);
	assert_int_equal(err.code, ENOENT);
	free(path);
}

static void
test_rendercache_failed_drawing_leaves_nothing(void **state)
{
	const char *dir = *state;
	struct rendercache_src src = {{1000, 0}};
	struct errmsg err;
	char *tmp, *path;
	int fd;

	fd = rendercache_create(dir, &tmp, &err);
	assert_true(fd >= 0);
	assert_int_equal(
	    rendercache_commit(fd, tmp, dir, "plot-y.png", &src, false, &err),
	    -1);
	assert_int_equal(access(tmp, F_OK), -1);
	path = xasprintf("%s/plot-y.png", dir);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	free(tmp);
}

static void
test_rendercache_create_fails_in_a_missing_folder(void **state)
{
	struct errmsg err;
	char *dir = xasprintf("%s/gone", (const char *)*state), *tmp;

	assert_int_equal(rendercache_create(dir, &tmp, &err), -1);
	assert_int_equal(err.code, ENOENT);
	free(dir);
}

static void
test_rendercache_drawing_is_readable_by_nginx(void **state)
{
	const char *dir = *state;
	struct rendercache_src src = {{1000, 0}};
	struct stat st;
	char *path;

	draw(dir, "plot-z.png", &src);
	path = xasprintf("%s/plot-z.png", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(st.st_mtim.tv_sec, 1000);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rendercache_name_tells_parameter_sets_apart),
	    cmocka_unit_test(test_rendercache_name_refuses_a_long_label),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_fresh_until_the_day_file_changes,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_never_fresh_for_a_source_changed_this_tick,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_range_takes_the_newest_day,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_missing_source_is_enoent,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_failed_drawing_leaves_nothing,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_create_fails_in_a_missing_folder,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_rendercache_drawing_is_readable_by_nginx,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
