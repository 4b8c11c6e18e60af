/* test_dayfilter.c - a day file narrowed to a time range and interfaces */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayfilter.h"

#include <errno.h>
#include <fcntl.h>
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

#define H5 "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib"
#define R1 "2026-11-27T13:05:01+04:00,12.50,16318480,4009166,10552680"
#define R2 "2026-11-27T13:05:02+04:00,7.25,16318480,4009000,10552000"
#define R3 "2026-11-27T13:05:03+04:00,100.00,16318480,4008000,10551000"
#define R4 "2026-11-27T13:05:04+04:00,,,,"

struct fixture {
	char *dir;
	char *out_path;
	struct dayfilter *f;
	struct errmsg err;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->dir = testutil_mkdtemp();
	fx->out_path = xasprintf("%s/out.csv", fx->dir);
	fx->f = dayfilter_new();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	dayfilter_free(fx->f);
	testutil_rm_rf(fx->dir);
	free(fx->out_path);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Filters path into fx->out_path; returns dayfilter_write's result. */
static int
filter_path(struct fixture *fx, const char *path, const char *name)
{
	int in = open(path, O_RDONLY), out, rc;

	assert_true(in >= 0);
	out = open(fx->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	memset(&fx->err, 0, sizeof(fx->err));
	rc = dayfilter_write(fx->f, in, name, out, "out.csv", NULL, &fx->err);
	assert_int_equal(close(in), 0);
	assert_int_equal(close(out), 0);
	return rc;
}

static int
filter_fixture(struct fixture *fx, const char *name)
{
	char *path = testutil_fixture("dayreader/%s", name);
	int rc = filter_path(fx, path, name);

	free(path);
	return rc;
}

static void
assert_output(struct fixture *fx, const char *want)
{
	char *got = testutil_read_file(fx->out_path, NULL);

	assert_string_equal(got, want);
	free(got);
}

static void
assert_output_is_fixture(struct fixture *fx, const char *name)
{
	char *path = testutil_fixture("dayreader/%s", name);
	char *want = testutil_read_file(path, NULL);

	assert_output(fx, want);
	free(want);
	free(path);
}

static void
test_dayfilter_copies_good_file_byte_for_byte_when_unnarrowed(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(filter_fixture(fx, "good.csv"), 0);
	assert_output_is_fixture(fx, "good.csv");
	assert_int_equal(dayfilter_rows_written(fx->f), 4);
	assert_int_equal(filter_fixture(fx, "dst-fall-back.csv"), 0);
	assert_output_is_fixture(fx, "dst-fall-back.csv");
	assert_int_equal(dayfilter_rows_written(fx->f), 50);
}

static void
test_dayfilter_leaves_out_torn_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(filter_fixture(fx, "torn-last-line.csv"), 0);
	assert_output_is_fixture(fx, "good.csv");
}

static void
test_dayfilter_keeps_rows_from_inclusive_to_exclusive(void **state)
{
	struct fixture *fx = *state;

	dayfilter_set_range(fx->f, T1 + 1, T1 + 3);
	assert_int_equal(filter_fixture(fx, "good.csv"), 0);
	assert_output(fx,
	    H5 ",net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:wlan0,"
	       "net_tx_bps:wlan0\n" R2 ",1000,200,300,40\n" R3 ",0,0,12,34\n");
	assert_int_equal(dayfilter_rows_written(fx->f), 2);
}

static void
test_dayfilter_writes_header_only_when_range_is_empty(void **state)
{
	struct fixture *fx = *state;

	dayfilter_set_range(fx->f, T1 + 100, T1 + 100);
	assert_int_equal(dayfilter_add_iface(fx->f, "wlan0", &fx->err), 0);
	assert_int_equal(filter_fixture(fx, "good.csv"), 0);
	assert_output(fx, H5 ",net_rx_bps:wlan0,net_tx_bps:wlan0\n");
	assert_int_equal(dayfilter_rows_written(fx->f), 0);
}

static void
test_dayfilter_keeps_chosen_ifaces_in_file_order(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(dayfilter_add_iface(fx->f, "usb0", &fx->err), 0);
	assert_int_equal(dayfilter_add_iface(fx->f, "eth0", &fx->err), 0);
	assert_int_equal(dayfilter_add_iface(fx->f, "usb0", &fx->err), 0);
	assert_int_equal(filter_fixture(fx, "widened-header.csv"), 0);
	assert_output(fx,
	    H5 ",net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:usb0,"
	       "net_tx_bps:usb0\n"
	       "2026-11-27T11:59:58+04:00,12.50,16318480,4009166,10552680,"
	       "2841633,710108,,\n"
	       "2026-11-27T11:59:59+04:00,12.75,16318480,4009166,10552680,"
	       "2841633,710108,,\n"
	       "2026-11-27T12:00:00+04:00,13.00,16318480,4009166,10552680,"
	       "2841633,710108,,\n"
	       "2026-11-27T12:00:01+04:00,13.25,16318480,4009166,10552680,"
	       "2841633,710108,51200,8800\n");
}

static void
test_dayfilter_quotes_iface_names_that_need_it(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(filter_fixture(fx, "quoted-iface.csv"), 0);
	assert_output_is_fixture(fx, "quoted-iface.csv");
	assert_int_equal(dayfilter_add_iface(fx->f, "q\"t", &fx->err), 0);
	assert_int_equal(filter_fixture(fx, "quoted-iface.csv"), 0);
	assert_output(fx,
	    H5 ",\"net_rx_bps:q\"\"t\",\"net_tx_bps:q\"\"t\"\n" R1 ",3,4\n"
	       "2026-11-27T13:05:02+04:00,7.25,16318480,4009000,"
	       "10552000,9,10\n");
}

static void
test_dayfilter_copies_cell_text_without_reformatting(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/vary.csv", fx->dir);
	const char *text = H5 ",net_rx_bps:eth0,net_tx_bps:eth0\n"
	                      "2026-11-27T13:05:02+04:00,7,0,00,1,\"42\",\"\"\n"
	                      "2026-11-27T13:05:03+04:00,0.5,1,1,1,"
	                      "18446744073709551615,1\n";

	testutil_write_file(path, text, strlen(text));
	assert_int_equal(filter_path(fx, path, "vary.csv"), 0);
	/* The quotes are CSV's, not the cell's. */
	assert_output(fx, H5 ",net_rx_bps:eth0,net_tx_bps:eth0\n"
	                     "2026-11-27T13:05:02+04:00,7,0,00,1,42,\n"
	                     "2026-11-27T13:05:03+04:00,0.5,1,1,1,"
	                     "18446744073709551615,1\n");
	free(path);
}

static void
test_dayfilter_writes_many_rows_through_its_buffer(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/big.csv", fx->dir);
	size_t cap = 20000 * 80 + 100, len;
	char *text = xmalloc(cap), *got;
	long i;

	len = (size_t)snprintf(text, cap, "%s",
	    H5 ",net_rx_bps:eth0,net_tx_bps:eth0\n");
	for (i = 0; i < 20000; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    "2026-11-27T%02ld:%02ld:%02ld+04:00,1.00,1,2,3,%ld,%ld\n",
		    i / 3600, i / 60 % 60, i % 60, i, i * 1000);
	testutil_write_file(path, text, len);
	assert_int_equal(filter_path(fx, path, "big.csv"), 0);
	got = testutil_read_file(fx->out_path, NULL);
	assert_string_equal(got, text);
	assert_int_equal(dayfilter_rows_written(fx->f), 20000);
	free(got);
	free(text);
	free(path);
}

static void
test_dayfilter_writes_nothing_for_file_without_header(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(filter_fixture(fx, "empty.csv"), 0);
	assert_output(fx, "");
	assert_int_equal(filter_fixture(fx, "torn-header.csv"), 0);
	assert_output(fx, "");
}

static void
test_dayfilter_refuses_unknown_iface_before_writing(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(dayfilter_add_iface(fx->f, "eth0", &fx->err), 0);
	assert_int_equal(dayfilter_add_iface(fx->f, "usb9", &fx->err), 0);
	assert_int_equal(filter_fixture(fx, "good.csv"), -1);
	assert_int_equal(fx->err.code, ENOENT);
	assert_string_equal(fx->err.msg, "good.csv: no interface \"usb9\"");
	assert_output(fx, "");
	/* A file without a header has no interface at all. */
	assert_int_equal(filter_fixture(fx, "empty.csv"), -1);
	assert_int_equal(fx->err.code, ENOENT);
	assert_string_equal(fx->err.msg, "empty.csv: no interface \"eth0\"");
}

static void
test_dayfilter_refuses_bad_iface_name(void **state)
{
	static const char *bad[] = {"", "a/b", "a:b", "a b",
	    "1234567890123456"};
	struct fixture *fx = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dayfilter_add_iface(fx->f, bad[i], &fx->err),
		    -1);
		assert_int_equal(fx->err.code, EINVAL);
	}
	assert_string_equal(fx->err.msg,
	    "bad interface name \"1234567890123456\"");
	/* None was kept: every interface still goes out. */
	assert_int_equal(filter_fixture(fx, "good.csv"), 0);
	assert_output_is_fixture(fx, "good.csv");
}

static void
test_dayfilter_fails_with_line_of_bad_input(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(filter_fixture(fx, "time-not-increasing.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "time-not-increasing.csv:4: time 2026-11-27T13:05:02+04:00 is not "
	    "after the previous row's 2026-11-27T13:05:02+04:00");
}

static void
test_dayfilter_reports_write_error(void **state)
{
	struct fixture *fx = *state;
	char *path = testutil_fixture("dayreader/good.csv");
	int in = open(path, O_RDONLY), out = open(path, O_RDONLY);

	assert_true(in >= 0 && out >= 0);
	assert_int_equal(dayfilter_write(fx->f, in, "good.csv", out, "out.csv",
	                     NULL, &fx->err),
	    -1);
	assert_int_equal(fx->err.code, EBADF);
	assert_string_equal(fx->err.msg, "out.csv: write: Bad file descriptor");
	assert_int_equal(close(in), 0);
	assert_int_equal(close(out), 0);
	free(path);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_dayfilter_copies_good_file_byte_for_byte_when_unnarrowed),
	    T(test_dayfilter_leaves_out_torn_last_line),
	    T(test_dayfilter_keeps_rows_from_inclusive_to_exclusive),
	    T(test_dayfilter_writes_header_only_when_range_is_empty),
	    T(test_dayfilter_keeps_chosen_ifaces_in_file_order),
	    T(test_dayfilter_quotes_iface_names_that_need_it),
	    T(test_dayfilter_copies_cell_text_without_reformatting),
	    T(test_dayfilter_writes_many_rows_through_its_buffer),
	    T(test_dayfilter_writes_nothing_for_file_without_header),
	    T(test_dayfilter_refuses_unknown_iface_before_writing),
	    T(test_dayfilter_refuses_bad_iface_name),
	    T(test_dayfilter_fails_with_line_of_bad_input),
	    T(test_dayfilter_reports_write_error),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
