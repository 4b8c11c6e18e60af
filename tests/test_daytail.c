/* test_daytail.c - the last complete row of a day file, read from its end */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daytail.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

#define H5 "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib"
#define H_ETH0 H5 ",net_rx_bps:eth0,net_tx_bps:eth0\n"
#define ROW1 "2026-11-27T13:05:01+04:00,12.50,16318480,4009166,10552680,1,2\n"
#define ROW2 "2026-11-27T13:05:02+04:00,7.25,16318480,4009000,10552000,3,4\n"
/* 2026-11-27T13:05:01+04:00 */
#define T1 1795770301
#define LINE_MAX_BYTES (1024 * 1024) /* dayreader's DAYLINE_MAX */

struct fixture {
	char *dir;
	struct daytail *dt;
	struct errmsg err;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->dir = testutil_mkdtemp();
	fx->dt = daytail_new();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	daytail_free(fx->dt);
	testutil_rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Reads path, naming it name in messages; returns daytail_read's result. */
static int
read_path(struct fixture *fx, const char *path, const char *name)
{
	int fd, rc;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	memset(&fx->err, 0, sizeof(fx->err));
	rc = daytail_read(fx->dt, fd, name, &fx->err);
	assert_int_equal(close(fd), 0);
	return rc;
}

/* Reads tests/fixtures/DIR/NAME, naming it NAME in messages. */
static int
read_fixture(struct fixture *fx, const char *dir, const char *name)
{
	char *path = testutil_fixture("%s/%s", dir, name);
	int rc = read_path(fx, path, name);

	free(path);
	return rc;
}

/* Writes len bytes of text as NAME in the test's folder and reads it. */
static int
read_bytes(struct fixture *fx, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", fx->dir, name);
	int rc;

	testutil_write_file(path, text, len);
	rc = read_path(fx, path, name);
	free(path);
	return rc;
}

static int
read_text(struct fixture *fx, const char *name, const char *text)
{
	return read_bytes(fx, name, text, strlen(text));
}

/* Offset just past line n (1-based) of a fixture. */
static off_t
fixture_line_end(const char *dir, const char *name, int n)
{
	char *path = testutil_fixture("%s/%s", dir, name);
	char *text = testutil_read_file(path, NULL), *p = text;
	off_t end;

	for (; n > 0; n--) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	end = p - text;
	free(path);
	free(text);
	return end;
}

/* The row read must be the one at time t, its line starting at offset. */
static const struct dayrow *
assert_row(const struct fixture *fx, time_t t, off_t offset)
{
	const struct dayrow *row = daytail_row(fx->dt);

	assert_non_null(row);
	assert_int_equal(row->t, t);
	assert_int_equal(row->utcoff_s, 4 * 3600);
	assert_int_equal(row->lineno, 0);
	assert_int_equal(daytail_row_offset(fx->dt), offset);
	return row;
}

static void
assert_header(const struct fixture *fx, size_t n, const char *first,
    const char *last)
{
	const struct dayheader *h = daytail_header(fx->dt);

	assert_non_null(h);
	assert_int_equal(h->n_ifaces, n);
	assert_string_equal(h->ifaces[0], first);
	assert_string_equal(h->ifaces[n - 1], last);
}

/* good.csv and its damaged copies all end with this row, on line 5. */
static void
assert_good_last_row(const struct fixture *fx, const char *name)
{
	const struct dayrow *row;
	size_t i;

	assert_header(fx, 2, "eth0", "wlan0");
	row = assert_row(fx, T1 + 3, fixture_line_end("dayreader", name, 4));
	assert_int_equal(row->n_cells, DAYCOL_COUNT(2));
	assert_string_equal(row->cell[DAYCOL_TIME],
	    "2026-11-27T13:05:04+04:00");
	assert_true(row->value[DAYCOL_TIME] == (double)(T1 + 3));
	for (i = DAYCOL_CPU; i < row->n_cells; i++) {
		assert_true(isnan(row->value[i]));
		assert_int_equal(row->cell_len[i], 0);
	}
}

static void
test_daytail_reads_last_row_of_good_file(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "dayreader", "good.csv"), 0);
	assert_good_last_row(fx, "good.csv");
}

static void
test_daytail_takes_row_before_torn_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "dayreader", "torn-last-line.csv"),
	    0);
	assert_good_last_row(fx, "torn-last-line.csv");
}

static void
test_daytail_takes_row_before_short_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "dayreader", "short-last-line.csv"),
	    0);
	assert_good_last_row(fx, "short-last-line.csv");
}

static void
test_daytail_takes_row_before_long_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "dayreader", "long-last-line.csv"),
	    0);
	assert_good_last_row(fx, "long-last-line.csv");
}

static void
test_daytail_reads_values_and_cells(void **state)
{
	struct fixture *fx = *state;
	const struct dayrow *row;

	assert_int_equal(read_text(fx, "two.csv", H_ETH0 ROW1 ROW2), 0);
	row = assert_row(fx, T1 + 1, (off_t)strlen(H_ETH0 ROW1));
	assert_true(row->value[DAYCOL_CPU] == 7.25);
	assert_string_equal(row->cell[DAYCOL_CPU], "7.25");
	assert_int_equal(row->cell_len[DAYCOL_CPU], 4);
	assert_true(row->value[DAYCOL_MEM_TOTAL] == 16318480);
	assert_true(row->value[DAYCOL_MEM_FREE] == 4009000);
	assert_true(row->value[DAYCOL_MEM_AVAILABLE] == 10552000);
	assert_true(row->value[DAYCOL_RX(0)] == 3);
	assert_true(row->value[DAYCOL_TX(0)] == 4);
}

static void
test_daytail_reads_header_only_file_as_no_row(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "daytail", "header-only.csv"), 0);
	assert_header(fx, 2, "eth0", "wlan0");
	assert_null(daytail_row(fx->dt));
	assert_int_equal(daytail_row_offset(fx->dt), -1);
}

static void
test_daytail_reads_empty_file_as_no_header(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "dayreader", "empty.csv"), 0);
	assert_null(daytail_header(fx->dt));
	assert_null(daytail_row(fx->dt));
}

static void
test_daytail_reads_torn_header_as_no_header(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "dayreader", "torn-header.csv"), 0);
	assert_null(daytail_header(fx->dt));
	assert_null(daytail_row(fx->dt));
}

static void
test_daytail_gives_no_row_when_only_line_is_cut(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "torn.csv", H_ETH0 "2026-11-27T13"), 0);
	assert_header(fx, 1, "eth0", "eth0");
	assert_null(daytail_row(fx->dt));
	assert_int_equal(read_text(fx, "short.csv", H_ETH0 "2026,1\n"), 0);
	assert_header(fx, 1, "eth0", "eth0");
	assert_null(daytail_row(fx->dt));
}

static void
test_daytail_reads_widened_header(void **state)
{
	struct fixture *fx = *state;
	const struct dayrow *row;

	assert_int_equal(read_fixture(fx, "dayreader", "widened-header.csv"),
	    0);
	assert_header(fx, 3, "eth0", "usb0");
	row = assert_row(fx, T1 - 3900,
	    fixture_line_end("dayreader", "widened-header.csv", 4));
	assert_int_equal(row->n_cells, DAYCOL_COUNT(3));
	assert_true(row->value[DAYCOL_RX(2)] == 51200);
	assert_true(row->value[DAYCOL_TX(2)] == 8800);
	assert_true(row->value[DAYCOL_CPU] == 13.25);
}

/* wide-rows*.csv: 200 interfaces, a 6.7 KB header, 4.4 KB rows. */
static void
assert_wide_last_row(const struct fixture *fx, const char *name)
{
	const struct dayrow *row;

	assert_header(fx, 200, "if000", "if199");
	row = assert_row(fx, T1 + 2, fixture_line_end("daytail", name, 3));
	assert_int_equal(row->n_cells, DAYCOL_COUNT(200));
	assert_true(row->value[DAYCOL_CPU] == 100);
	assert_true(row->value[DAYCOL_RX(0)] == 1000003000);
	assert_true(row->value[DAYCOL_TX(199)] == 2000003199);
}

static void
test_daytail_grows_backwards_for_long_rows(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "daytail", "wide-rows.csv"), 0);
	assert_wide_last_row(fx, "wide-rows.csv");
}

static void
test_daytail_grows_backwards_past_long_torn_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "daytail", "wide-rows-torn.csv"), 0);
	assert_wide_last_row(fx, "wide-rows-torn.csv");
}

static void
test_daytail_grows_backwards_past_short_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "daytail", "wide-rows-short.csv"), 0);
	assert_wide_last_row(fx, "wide-rows-short.csv");
}

/* The middle of bad-middle.csv is not rows: only the ends are read. */
static void
test_daytail_never_reads_the_middle(void **state)
{
	struct fixture *fx = *state;
	char *path = testutil_fixture("daytail/bad-middle.csv");
	struct errmsg err;
	int fd;

	assert_int_equal(read_path(fx, path, "bad-middle.csv"), 0);
	assert_header(fx, 2, "eth0", "wlan0");
	assert_row(fx, T1 + 3,
	    fixture_line_end("daytail", "bad-middle.csv", 1004));
	/* The whole-file reader refuses the same file. */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dayreader_read(fd, "bad-middle.csv", NULL, NULL, &err),
	    -1);
	assert_int_equal(close(fd), 0);
	free(path);
}

static void
test_daytail_refuses_bad_last_row(void **state)
{
	struct fixture *fx = *state;
	char *want = xasprintf(
	    "bad-last-row.csv: line at byte %lld: bad cpu_percent \"101.00\"",
	    (long long)fixture_line_end("daytail", "bad-last-row.csv", 3));

	assert_int_equal(read_fixture(fx, "daytail", "bad-last-row.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg, want);
	assert_null(daytail_header(fx->dt));
	assert_null(daytail_row(fx->dt));
	free(want);
}

static void
test_daytail_forgets_last_read_after_failure(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "good.csv", H_ETH0 ROW1), 0);
	assert_non_null(daytail_row(fx->dt));
	assert_int_equal(read_text(fx, "bad.csv", H5 ",x\n"), -1);
	assert_null(daytail_header(fx->dt));
	assert_null(daytail_row(fx->dt));
	assert_int_equal(daytail_row_offset(fx->dt), -1);
}

struct bad_text {
	const char *text;
	const char *msg; /* after "bad.csv" */
};

static void
check_bad_texts(struct fixture *fx, const struct bad_text *cases, size_t n)
{
	char *want;
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(read_text(fx, "bad.csv", cases[i].text), -1);
		assert_int_equal(fx->err.code, EINVAL);
		want = xasprintf("bad.csv%s", cases[i].msg);
		if (strcmp(fx->err.msg, want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    fx->err.msg, want);
		free(want);
	}
}

static void
test_daytail_refuses_bad_headers_as_dayreader_does(void **state)
{
	static const struct bad_text cases[] = {
	    {"\n" ROW1, ":1: header has 0 columns, expected at least 5"},
	    {"time,cpu,mem_total_kib,mem_free_kib,mem_available_kib\n",
	        ":1: column 2 is \"cpu\", expected \"cpu_percent\""},
	    {H5 ",net_rx_bps:eth0\n",
	        ":1: 6 columns: interface columns come in rx,tx pairs"},
	    {H5 ",net_rx_bps:eth0,net_tx_bps:eth1\n",
	        ":1: column 7 is \"net_tx_bps:eth1\", expected "
	        "\"net_tx_bps:eth0\""},
	    {H5 ",\"net_rx_bps:a\nb\",\"net_tx_bps:a\nb\"\n" ROW1,
	        ":1: bad interface name \"a?b\" in column 6"},
	    {H5 ",net_rx_bps:e,net_tx_bps:e,net_rx_bps:e,net_tx_bps:e\n",
	        ":1: interface \"e\" appears twice"},
	    {H5 "\r\n" ROW1,
	        ":1: carriage return in line: lines end in \\n only"},
	    {"time, cpu_percent\n",
	        ":1: blank in line: cells hold no spaces or tabs"},
	};
	struct fixture *fx = *state;

	check_bad_texts(fx, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_daytail_refuses_bad_rows(void **state)
{
	/* Offsets: H_ETH0 is 94 bytes, ROW1 62. */
	static const struct bad_text cases[] = {
	    {H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1.00,1,1,1,1,x1\n",
	        ": line at byte 156: bad net_tx_bps:eth0 \"x1\""},
	    {H_ETH0 ROW1 "2026-11-27T13:05:02Z,1.00,1,1,1,1,1\n",
	        ": line at byte 156: bad time \"2026-11-27T13:05:02Z\""},
	    {H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1,1,1,1,1,1\r\n",
	        ": line at byte 156: carriage return in line: lines end in "
	        "\\n only"},
	    {H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1,1,1,1,1,\"1\"x\n",
	        ": line at byte 156: bad quoting: a quote inside an unquoted "
	        "cell or after a closing one"},
	    /* Only the file's last line may be short or long. */
	    {H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1\n2026-11-27T13:05",
	        ": line at byte 156: 2 cells, header has 7"},
	    {H_ETH0 ROW1 "\n2026-11-27T13:05",
	        ": line at byte 156: 0 cells, header has 7"},
	    /* The line before a left-out last line must be whole. */
	    {H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1\n\n",
	        ": line at byte 156: 2 cells, header has 7"},
	    {H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,\"1\nx\n",
	        ": line at byte 156: quote still open at the end of the line"},
	};
	struct fixture *fx = *state;

	assert_int_equal(strlen(H_ETH0), 94);
	assert_int_equal(strlen(ROW1), 62);
	check_bad_texts(fx, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_daytail_leaves_out_blank_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "blank.csv", H_ETH0 ROW1 ROW2 "\n"), 0);
	assert_row(fx, T1 + 1, (off_t)strlen(H_ETH0 ROW1));
}

static void
test_daytail_leaves_out_last_line_with_open_quote(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "quote.csv",
	                     H_ETH0 ROW1 ROW2
	                     "2026-11-27T13:05:03+04:00,\"1\n"),
	    0);
	assert_row(fx, T1 + 1, (off_t)strlen(H_ETH0 ROW1));
	assert_int_equal(read_text(fx, "quote.csv",
	                     H_ETH0 ROW1 ROW2 "2026-11-27T13:05:03+04:00,\"1\n"
	                                      "2026-11-27T13:05:04"),
	    0);
	assert_row(fx, T1 + 1, (off_t)strlen(H_ETH0 ROW1));
}

/* Builds header + rows + fill bytes of c (+ "\n" when nl) and reads it. */
static int
read_filled(struct fixture *fx, const char *head, size_t fill, char c, bool nl)
{
	size_t head_len = strlen(head), len = head_len + fill + (nl ? 1 : 0);
	char *text = xmalloc(len);
	int rc;

	memcpy(text, head, head_len);
	memset(text + head_len, c, fill);
	if (nl)
		text[len - 1] = '\n';
	rc = read_bytes(fx, "big.csv", text, len);
	free(text);
	return rc;
}

static void
test_daytail_refuses_lines_over_a_mebibyte(void **state)
{
	struct fixture *fx = *state;
	char *want;

	/* A last line of exactly the limit is read (and left out). */
	assert_int_equal(
	    read_filled(fx, H_ETH0 ROW1, LINE_MAX_BYTES - 1, '1', true), 0);
	assert_row(fx, T1, (off_t)strlen(H_ETH0));

	assert_int_equal(
	    read_filled(fx, H_ETH0 ROW1, LINE_MAX_BYTES, '1', true), -1);
	assert_int_equal(fx->err.code, EINVAL);
	want = xasprintf("big.csv: line ending at byte %zu: longer than "
	                 "1048576 bytes",
	    strlen(H_ETH0 ROW1) + LINE_MAX_BYTES + 1);
	assert_string_equal(fx->err.msg, want);
	free(want);

	/* A torn line too: one byte short of the limit is left out. */
	assert_int_equal(
	    read_filled(fx, H_ETH0 ROW1, LINE_MAX_BYTES - 1, '1', false), 0);
	assert_row(fx, T1, (off_t)strlen(H_ETH0));
	assert_int_equal(
	    read_filled(fx, H_ETH0 ROW1, LINE_MAX_BYTES, '1', false), -1);
	assert_string_equal(fx->err.msg,
	    "big.csv: no line end in the last 1048576 bytes");

	assert_int_equal(read_filled(fx, H5, LINE_MAX_BYTES, ',', true), -1);
	assert_string_equal(fx->err.msg,
	    "big.csv:1: line longer than 1048576 bytes");
}

static void
test_daytail_follows_a_growing_and_widened_file(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/day.csv", fx->dir);
	const char *wide =
	    H5 ",net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:usb0,"
	       "net_tx_bps:usb0\n"
	       "2026-11-27T13:05:01+04:00,12.50,16318480,4009166,10552680,"
	       "1,2,,\n"
	       "2026-11-27T13:05:03+04:00,1.00,16318480,4009166,10552680,"
	       "1,2,3,4\n";
	const struct dayrow *row;
	int fd;

	testutil_write_file(path, H_ETH0 ROW1, strlen(H_ETH0 ROW1));
	fd = open(path, O_RDWR | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(daytail_read(fx->dt, fd, "day.csv", &fx->err), 0);
	assert_row(fx, T1, (off_t)strlen(H_ETH0));
	assert_int_equal(write(fd, ROW2, strlen(ROW2)), (ssize_t)strlen(ROW2));
	assert_int_equal(daytail_read(fx->dt, fd, "day.csv", &fx->err), 0);
	assert_row(fx, T1 + 1, (off_t)strlen(H_ETH0 ROW1));
	assert_int_equal(close(fd), 0);

	assert_int_equal(read_text(fx, "day.csv", wide), 0);
	assert_header(fx, 2, "eth0", "usb0");
	row = daytail_row(fx->dt);
	assert_non_null(row);
	assert_int_equal(row->t, T1 + 2);
	assert_true(row->value[DAYCOL_TX(1)] == 4);
	free(path);
}

static void
test_daytail_reports_read_errors(void **state)
{
	struct fixture *fx = *state;
	int fd;

	fd = open(fx->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(daytail_read(fx->dt, fd, "dir", &fx->err), -1);
	assert_int_equal(fx->err.code, EISDIR);
	assert_string_equal(fx->err.msg, "dir: read: Is a directory");
	assert_int_equal(close(fd), 0);

	assert_int_equal(daytail_read(fx->dt, -1, "none", &fx->err), -1);
	assert_int_equal(fx->err.code, EBADF);
	assert_string_equal(fx->err.msg, "none: fstat: Bad file descriptor");
}

static void
test_daytail_free_accepts_null(void **state)
{
	(void)state;
	daytail_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_daytail_reads_last_row_of_good_file),
	    T(test_daytail_takes_row_before_torn_last_line),
	    T(test_daytail_takes_row_before_short_last_line),
	    T(test_daytail_takes_row_before_long_last_line),
	    T(test_daytail_reads_values_and_cells),
	    T(test_daytail_reads_header_only_file_as_no_row),
	    T(test_daytail_reads_empty_file_as_no_header),
	    T(test_daytail_reads_torn_header_as_no_header),
	    T(test_daytail_gives_no_row_when_only_line_is_cut),
	    T(test_daytail_reads_widened_header),
	    T(test_daytail_grows_backwards_for_long_rows),
	    T(test_daytail_grows_backwards_past_long_torn_line),
	    T(test_daytail_grows_backwards_past_short_last_line),
	    T(test_daytail_never_reads_the_middle),
	    T(test_daytail_refuses_bad_last_row),
	    T(test_daytail_forgets_last_read_after_failure),
	    T(test_daytail_refuses_bad_headers_as_dayreader_does),
	    T(test_daytail_refuses_bad_rows),
	    T(test_daytail_leaves_out_blank_last_line),
	    T(test_daytail_leaves_out_last_line_with_open_quote),
	    T(test_daytail_refuses_lines_over_a_mebibyte),
	    T(test_daytail_follows_a_growing_and_widened_file),
	    T(test_daytail_reports_read_errors),
	    cmocka_unit_test(test_daytail_free_accepts_null),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
