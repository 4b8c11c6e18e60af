/* test_dayreduce.c - min, max and mean per time bucket over day files */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreduce.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dayreader.h"
#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

/* 2026-11-27T13:05:01+04:00, good.csv's first row */
#define T1 1795770301

/* Folds in file path, naming it name in messages. */
static int
reduce_path(struct dayreduce *r, const char *path, const char *name,
    struct errmsg *err)
{
	int fd = open(path, O_RDONLY), rc;

	assert_true(fd >= 0);
	memset(err, 0, sizeof(*err));
	rc = dayreduce_read(r, fd, name, NULL, err);
	assert_int_equal(close(fd), 0);
	return rc;
}

static int
reduce_fixture(struct dayreduce *r, const char *name, struct errmsg *err)
{
	char *path = testutil_fixture("dayreader/%s", name);
	int rc = reduce_path(r, path, name, err);

	free(path);
	return rc;
}

static void
test_dayreduce_new_refuses_bad_bucket_counts_and_ranges(void **state)
{
	struct errmsg err;

	(void)state;
	assert_null(dayreduce_new(0, 86400, 0, &err));
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, "0 buckets: expected 1-10000");
	assert_null(dayreduce_new(0, 86400, DAYREDUCE_MAX_BUCKETS + 1, &err));
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, "10001 buckets: expected 1-10000");
	assert_null(dayreduce_new(100, 100, 10, &err));
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, "bad time range [100, 100)");
	assert_null(dayreduce_new(100, 50, 10, NULL));
	dayreduce_free(NULL);
}

static void
test_dayreduce_puts_one_row_per_bucket_when_buckets_are_seconds(void **state)
{
	struct dayreduce *r = dayreduce_new(T1, T1 + 4, 4, NULL);
	struct dayreduce_stat st;
	struct errmsg err;

	(void)state;
	assert_non_null(r);
	assert_int_equal(reduce_fixture(r, "good.csv", &err), 0);
	assert_int_equal(dayreduce_n_buckets(r), 4);
	assert_int_equal(dayreduce_n_ifaces(r), 2);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 0, &st));
	assert_int_equal(st.n, 1);
	assert_true(st.min == 12.5 && st.max == 12.5 && st.mean == 12.5);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 2, &st));
	assert_true(st.max == 100.0);
	/* Row 4 holds only its time: the row counts, its cells do not. */
	assert_true(dayreduce_get(r, DAYCOL_TIME, 3, &st));
	assert_int_equal(st.n, 1);
	assert_false(dayreduce_get(r, DAYCOL_CPU, 3, &st));
	assert_int_equal(st.n, 0);
	assert_true(isnan(st.min) && isnan(st.max) && isnan(st.mean));
	/* wlan0 is empty in row 1 */
	assert_false(dayreduce_get(r, DAYCOL_RX(1), 0, &st));
	assert_true(dayreduce_get(r, DAYCOL_RX(1), 1, &st));
	assert_true(st.mean == 300.0);
	dayreduce_free(r);
}

static void
test_dayreduce_gives_min_max_mean_of_rows_in_bucket(void **state)
{
	struct dayreduce *r = dayreduce_new(T1, T1 + 4, 2, NULL);
	struct dayreduce_stat st;
	struct errmsg err;

	(void)state;
	assert_int_equal(reduce_fixture(r, "good.csv", &err), 0);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 0, &st));
	assert_int_equal(st.n, 2);
	assert_true(st.min == 7.25);
	assert_true(st.max == 12.5);
	assert_true(st.mean == 9.875);
	/* The time column: rows, first and last time. */
	assert_true(dayreduce_get(r, DAYCOL_TIME, 1, &st));
	assert_int_equal(st.n, 2);
	assert_true(st.min == (double)(T1 + 2));
	assert_true(st.max == (double)(T1 + 3));
	/* Only row 3 has a cpu value in bucket 1. */
	assert_true(dayreduce_get(r, DAYCOL_CPU, 1, &st));
	assert_int_equal(st.n, 1);
	assert_true(st.mean == 100.0);
	assert_true(dayreduce_get(r, DAYCOL_TX(1), 0, &st));
	assert_int_equal(st.n, 1);
	assert_true(st.mean == 40.0);
	dayreduce_free(r);
}

static void
test_dayreduce_ignores_rows_outside_range(void **state)
{
	struct dayreduce *r = dayreduce_new(T1 + 1, T1 + 3, 1, NULL);
	struct dayreduce_stat st;
	struct errmsg err;

	(void)state;
	assert_int_equal(reduce_fixture(r, "good.csv", &err), 0);
	assert_true(dayreduce_get(r, DAYCOL_TIME, 0, &st));
	assert_int_equal(st.n, 2);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 0, &st));
	assert_true(st.min == 7.25 && st.max == 100.0);
	dayreduce_free(r);
}

static void
test_dayreduce_leaves_gaps_as_empty_buckets(void **state)
{
	/* 03:09:00+04:00 to 03:16:00+04:00 in minutes */
	time_t start = T1 - (13 * 3600 + 5 * 60 + 1) + 3 * 3600 + 9 * 60;
	struct dayreduce *r = dayreduce_new(start, start + 7 * 60, 7, NULL);
	struct dayreduce_stat st;
	struct errmsg err;
	size_t i;

	(void)state;
	assert_int_equal(reduce_fixture(r, "gaps.csv", &err), 0);
	assert_true(dayreduce_get(r, DAYCOL_TIME, 0, &st));
	assert_int_equal(st.n, 2);
	for (i = 1; i <= 5; i++)
		assert_false(dayreduce_get(r, DAYCOL_CPU, i, &st));
	assert_true(dayreduce_get(r, DAYCOL_CPU, 6, &st));
	assert_int_equal(st.n, 3);
	assert_true(st.mean == 4.0);
	dayreduce_free(r);
}

static void
test_dayreduce_bucket_starts_match_bucketing(void **state)
{
	struct dayreduce *r = dayreduce_new(1000, 1010, 3, NULL);
	char *path = xasprintf("%s/x.csv", (char *)*state);
	struct dayreduce_stat st;
	struct errmsg err;
	const char *text =
	    "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib\n"
	    "1970-01-01T00:16:43+00:00,3.00,,,\n"
	    "1970-01-01T00:16:44+00:00,4.00,,,\n"
	    "1970-01-01T00:16:46+00:00,6.00,,,\n"
	    "1970-01-01T00:16:47+00:00,7.00,,,\n"
	    "1970-01-01T00:16:49+00:00,9.00,,,\n"
	    "1970-01-01T00:16:50+00:00,10.00,,,\n";

	assert_int_equal(dayreduce_bucket_start(r, 0), 1000);
	assert_int_equal(dayreduce_bucket_start(r, 1), 1004);
	assert_int_equal(dayreduce_bucket_start(r, 2), 1007);
	assert_int_equal(dayreduce_bucket_start(r, 3), 1010);
	testutil_write_file(path, text, strlen(text));
	assert_int_equal(reduce_path(r, path, "x.csv", &err), 0);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 0, &st));
	assert_true(st.max == 3.0);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 1, &st));
	assert_true(st.min == 4.0 && st.max == 6.0);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 2, &st));
	assert_true(st.min == 7.0 && st.max == 9.0);
	assert_int_equal(dayreduce_n_ifaces(r), 0);
	dayreduce_free(r);
	free(path);
}

static void
test_dayreduce_keeps_one_second_spike_in_a_day(void **state)
{
	char *path = xasprintf("%s/2026-11-27.csv", (char *)*state);
	size_t cap = 86400 * 48 + 100, len;
	char *text = xmalloc(cap);
	struct dayreduce *r;
	struct dayreduce_stat st;
	struct errmsg err;
	long i;

	/* 00:00:00Z to 23:59:59Z, cpu 1.00 but 100.00 at 12:34:56 */
	len = (size_t)snprintf(text, cap,
	    "time,cpu_percent,mem_total_kib,"
	    "mem_free_kib,mem_available_kib\n");
	for (i = 0; i < 86400; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    "2026-11-27T%02ld:%02ld:%02ld+00:00,%s,,,\n", i / 3600,
		    i / 60 % 60, i % 60, i == 45296 ? "100.00" : "1.00");
	testutil_write_file(path, text, len);
	r = dayreduce_new(1795737600, 1795737600 + 86400, 1600, NULL);
	assert_int_equal(reduce_path(r, path, "2026-11-27.csv", &err), 0);
	/* 45296 * 1600 / 86400 = 838.8 */
	assert_true(dayreduce_get(r, DAYCOL_CPU, 838, &st));
	assert_true(st.max == 100.0);
	assert_true(st.min == 1.0);
	assert_int_equal(st.n, 54);
	assert_true(dayreduce_get(r, DAYCOL_CPU, 837, &st));
	assert_true(st.max == 1.0);
	assert_true(dayreduce_get(r, DAYCOL_TIME, 1599, &st));
	assert_int_equal(st.n, 54);
	dayreduce_free(r);
	free(text);
	free(path);
}

static void
test_dayreduce_merges_ifaces_of_several_days_by_name(void **state)
{
	struct dayreduce *r = dayreduce_new(T1 - 7200, T1 + 7200, 4, NULL);
	struct dayreduce_stat st;
	struct errmsg err;
	size_t i;

	(void)state;
	assert_int_equal(reduce_fixture(r, "good.csv", &err), 0);
	assert_int_equal(reduce_fixture(r, "widened-header.csv", &err), 0);
	assert_int_equal(reduce_fixture(r, "quoted-iface.csv", &err), 0);
	assert_int_equal(dayreduce_n_ifaces(r), 5);
	assert_string_equal(dayreduce_iface(r, 0), "eth0");
	assert_string_equal(dayreduce_iface(r, 1), "wlan0");
	assert_string_equal(dayreduce_iface(r, 2), "usb0");
	assert_string_equal(dayreduce_iface(r, 3), "we,ird");
	assert_string_equal(dayreduce_iface(r, 4), "q\"t");
	assert_int_equal(dayreduce_find_iface(r, "usb0", &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(dayreduce_find_iface(r, "usb", &i), -1);
	/* Bucket 0 (11:05:01-12:05:01) has widened-header's rows, 2 the rest.
	 */
	assert_true(dayreduce_get(r, DAYCOL_RX(2), 0, &st));
	assert_int_equal(st.n, 1);
	assert_true(st.mean == 51200.0);
	assert_false(dayreduce_get(r, DAYCOL_RX(2), 2, &st));
	assert_true(dayreduce_get(r, DAYCOL_RX(3), 2, &st));
	assert_true(st.min == 1.0 && st.max == 7.0);
	/* eth0 of quoted-iface.csv is its third interface: 5, 11. */
	assert_true(dayreduce_get(r, DAYCOL_RX(0), 2, &st));
	assert_int_equal(st.n, 5);
	assert_true(st.min == 0.0 && st.max == 2841633.0);
	assert_true(dayreduce_get(r, DAYCOL_TIME, 2, &st));
	assert_int_equal(st.n, 6);
	dayreduce_free(r);
}

static void
test_dayreduce_fails_with_line_of_bad_file_keeping_rows_before(void **state)
{
	struct dayreduce *r = dayreduce_new(T1, T1 + 10, 1, NULL);
	struct dayreduce_stat st;
	struct errmsg err;

	(void)state;
	assert_int_equal(reduce_fixture(r, "bad-cell-count-middle.csv", &err),
	    -1);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg,
	    "bad-cell-count-middle.csv:3: 7 cells, header has 9");
	assert_true(dayreduce_get(r, DAYCOL_TIME, 0, &st));
	assert_int_equal(st.n, 1);
	dayreduce_free(r);
}

static void
test_dayreduce_holds_max_buckets_of_many_ifaces(void **state)
{
	char *path = xasprintf("%s/wide.csv", (char *)*state);
	size_t cap = 64 * 100 + 200, len, i;
	char *text = xmalloc(cap);
	struct dayreduce *r;
	struct dayreduce_stat st;
	struct errmsg err;

	len = (size_t)snprintf(text, cap,
	    "time,cpu_percent,mem_total_kib,"
	    "mem_free_kib,mem_available_kib");
	for (i = 0; i < 64; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    ",net_rx_bps:veth%zu,net_tx_bps:veth%zu", i, i);
	len += (size_t)snprintf(text + len, cap - len,
	    "\n2026-11-27T13:05:01+04:00,1.00,1,1,1");
	for (i = 0; i < 64; i++)
		len += (size_t)snprintf(text + len, cap - len, ",%zu,%zu", i,
		    2 * i);
	text[len++] = '\n';
	testutil_write_file(path, text, len);
	r = dayreduce_new(T1 - 43200, T1 + 43200, DAYREDUCE_MAX_BUCKETS, NULL);
	assert_non_null(r);
	assert_int_equal(reduce_path(r, path, "wide.csv", &err), 0);
	assert_int_equal(dayreduce_n_ifaces(r), 64);
	assert_true(dayreduce_get(r, DAYCOL_TX(63), 5000, &st));
	assert_true(st.mean == 126.0);
	assert_false(dayreduce_get(r, DAYCOL_TX(63), 4999, &st));
	dayreduce_free(r);
	free(text);
	free(path);
}

int
main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, testutil_setup_tmpdir,              \
	    testutil_teardown_tmpdir)
	const struct CMUnitTest tests[] = {
	    T(test_dayreduce_new_refuses_bad_bucket_counts_and_ranges),
	    T(test_dayreduce_puts_one_row_per_bucket_when_buckets_are_seconds),
	    T(test_dayreduce_gives_min_max_mean_of_rows_in_bucket),
	    T(test_dayreduce_ignores_rows_outside_range),
	    T(test_dayreduce_leaves_gaps_as_empty_buckets),
	    T(test_dayreduce_bucket_starts_match_bucketing),
	    T(test_dayreduce_keeps_one_second_spike_in_a_day),
	    T(test_dayreduce_merges_ifaces_of_several_days_by_name),
	    T(test_dayreduce_fails_with_line_of_bad_file_keeping_rows_before),
	    T(test_dayreduce_holds_max_buckets_of_many_ifaces),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
