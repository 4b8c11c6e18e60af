/* test_dayreader.c - the day file reader: header, rows, torn tails, errors */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreader.h"

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

#include "errmsg.h"
#include "testutil.h"
#include "timestamp.h"
#include "xalloc.h"

#define H5 "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib"
#define H_ETH0 H5 ",net_rx_bps:eth0,net_tx_bps:eth0\n"
#define ROW1 "2026-11-27T13:05:01+04:00,12.50,16318480,4009166,10552680,1,2\n"
/* 2026-11-27T13:05:01+04:00 */
#define T1 1795770301

#define MAX_ROWS 128

/* What a read handed over, copied out of the callbacks. */
struct seen {
	int headers;
	size_t n_ifaces;
	char *ifaces[8];
	long rows;
	long lineno[MAX_ROWS];
	time_t t[MAX_ROWS];
	int utcoff_s[MAX_ROWS];
	double value[MAX_ROWS][16];
	char cell[MAX_ROWS][16][32];
	size_t n_cells;
	/* Set by a test: fail the header, or the row with this 1-based index.
	 */
	bool fail_header;
	long fail_row;
	/* Set by a test: append this to path after the first row. */
	const char *grow_path, *grow_text;
};

struct fixture {
	char *dir;
	struct seen seen;
	struct dayreader_stats st;
	struct errmsg err;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->dir = testutil_mkdtemp();
	*state = fx;
	return 0;
}

/* Forgets what a read handed over, before the next read. */
static void
seen_reset(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n_ifaces && i < 8; i++)
		free(s->ifaces[i]);
	memset(s, 0, sizeof(*s));
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	seen_reset(&fx->seen);
	testutil_rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static int
on_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct seen *s = ctx;
	size_t i;

	s->headers++;
	s->n_ifaces = h->n_ifaces;
	for (i = 0; i < h->n_ifaces && i < 8; i++)
		s->ifaces[i] = xstrdup(h->ifaces[i]);
	if (s->fail_header)
		return ERRMSG_SET(err, ENOENT, "header refused");
	return 0;
}

static void
append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct seen *s = ctx;
	long k = s->rows++;
	size_t i;

	if (k >= MAX_ROWS)
		return 0;
	s->lineno[k] = row->lineno;
	s->t[k] = row->t;
	s->utcoff_s[k] = row->utcoff_s;
	s->n_cells = row->n_cells;
	for (i = 0; i < row->n_cells && i < 16; i++) {
		s->value[k][i] = row->value[i];
		assert_true(row->cell_len[i] < 32);
		assert_int_equal(strlen(row->cell[i]), row->cell_len[i]);
		memcpy(s->cell[k][i], row->cell[i], row->cell_len[i] + 1);
	}
	if (k == 0 && s->grow_path != NULL)
		append(s->grow_path, s->grow_text);
	if (s->fail_row == k + 1)
		return ERRMSG_SET(err, EPIPE, "row refused");
	return 0;
}

/* Reads path, naming it name in messages; returns dayreader_read's result. */
static int
read_path(struct fixture *fx, const char *path, const char *name)
{
	struct dayreader_consumer c = {on_header, on_row, &fx->seen};
	int fd, rc;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	memset(&fx->err, 0, sizeof(fx->err));
	rc = dayreader_read(fd, name, &c, &fx->st, &fx->err);
	assert_int_equal(close(fd), 0);
	return rc;
}

static int
read_fixture(struct fixture *fx, const char *name)
{
	char *path = testutil_fixture("dayreader/%s", name);
	int rc = read_path(fx, path, name);

	free(path);
	return rc;
}

/* Writes text as NAME in the test's folder and reads it. */
static int
read_text(struct fixture *fx, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", fx->dir, name);
	int rc;

	testutil_write_file(path, text, strlen(text));
	rc = read_path(fx, path, name);
	free(path);
	return rc;
}

static off_t
fixture_size(const char *name)
{
	char *path = testutil_fixture("dayreader/%s", name);
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	free(path);
	return sb.st_size;
}

/* Offset just past line n (1-based) of a fixture. */
static off_t
fixture_line_end(const char *name, int n)
{
	char *path = testutil_fixture("dayreader/%s", name);
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

static void
test_dayreader_names_fixed_columns_in_order(void **state)
{
	(void)state;
	assert_string_equal(daycol_fixed_names[DAYCOL_TIME], "time");
	assert_string_equal(daycol_fixed_names[DAYCOL_CPU], "cpu_percent");
	assert_string_equal(daycol_fixed_names[DAYCOL_MEM_TOTAL],
	    "mem_total_kib");
	assert_string_equal(daycol_fixed_names[DAYCOL_MEM_FREE],
	    "mem_free_kib");
	assert_string_equal(daycol_fixed_names[DAYCOL_MEM_AVAILABLE],
	    "mem_available_kib");
	assert_int_equal(DAYCOL_RX(1), 7);
	assert_int_equal(DAYCOL_COUNT(2), 9);
}

static void
test_dayreader_iface_name_ok_follows_linux_rules(void **state)
{
	static const char *good[] = {"eth0", "a", "123456789012345", "we,ird",
	    "q\"t", "veth-1.2@x"};
	static const char *bad[] = {"", "1234567890123456", "a/b", "a:b", "a b",
	    "a\tb", "a\nb", "a\rb", "a\vb", "a\fb"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(dayreader_iface_name_ok(good[i], strlen(good[i])));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(dayreader_iface_name_ok(bad[i], strlen(bad[i])));
	assert_false(dayreader_iface_name_ok("a\0b", 3));
	/* Only len bytes count: no NUL needed. */
	assert_true(dayreader_iface_name_ok("eth0/x", 4));
}

static void
test_dayreader_reads_every_row_of_good_file(void **state)
{
	struct fixture *fx = *state;
	struct seen *s = &fx->seen;

	assert_int_equal(read_fixture(fx, "good.csv"), 0);
	assert_true(fx->st.has_header);
	assert_false(fx->st.torn_tail);
	assert_int_equal(fx->st.rows, 4);
	assert_int_equal(fx->st.valid_end, fixture_size("good.csv"));
	assert_int_equal(fx->st.first_t, T1);
	assert_int_equal(fx->st.last_t, T1 + 3);
	assert_int_equal(fx->st.last_utcoff_s, 4 * 3600);
	assert_int_equal(s->headers, 1);
	assert_int_equal(s->n_ifaces, 2);
	assert_string_equal(s->ifaces[0], "eth0");
	assert_string_equal(s->ifaces[1], "wlan0");
	assert_int_equal(s->rows, 4);
	assert_int_equal(s->n_cells, 9);
	assert_int_equal(s->lineno[0], 2);
	assert_int_equal(s->lineno[3], 5);
	assert_int_equal(s->t[0], T1);
	assert_int_equal(s->utcoff_s[0], 14400);
	assert_true(s->value[0][DAYCOL_TIME] == (double)T1);
	assert_true(s->value[0][DAYCOL_CPU] == 12.5);
	assert_true(s->value[1][DAYCOL_CPU] == 7.25);
	assert_true(s->value[2][DAYCOL_CPU] == 100.0);
	assert_true(s->value[0][DAYCOL_MEM_TOTAL] == 16318480.0);
	assert_true(s->value[0][DAYCOL_RX(0)] == 2841633.0);
	assert_true(isnan(s->value[0][DAYCOL_RX(1)]));
	assert_true(s->value[1][DAYCOL_TX(1)] == 40.0);
	assert_string_equal(s->cell[0][DAYCOL_TIME],
	    "2026-11-27T13:05:01+04:00");
	assert_string_equal(s->cell[0][DAYCOL_CPU], "12.50");
	assert_string_equal(s->cell[0][DAYCOL_RX(1)], "");
	/* A row of nothing but its time is a row. */
	assert_true(isnan(s->value[3][DAYCOL_CPU]));
	assert_true(isnan(s->value[3][DAYCOL_MEM_AVAILABLE]));
}

static void
test_dayreader_accepts_null_consumer_and_stats(void **state)
{
	struct dayreader_consumer none = {NULL, NULL, NULL};
	struct errmsg err;
	char *path = testutil_fixture("dayreader/good.csv");
	int fd = open(path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(dayreader_read(fd, "good.csv", NULL, NULL, &err), 0);
	assert_int_equal(dayreader_read(fd, "good.csv", &none, NULL, NULL), 0);
	assert_int_equal(close(fd), 0);
	free(path);
}

static void
test_dayreader_leaves_out_torn_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "torn-last-line.csv"), 0);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->st.rows, 4);
	assert_int_equal(fx->seen.rows, 4);
	assert_int_equal(fx->st.valid_end, fixture_size("good.csv"));
	assert_int_equal(fx->st.last_t, T1 + 3);
}

static void
test_dayreader_leaves_out_short_last_line_with_newline(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "short-last-line.csv"), 0);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->seen.rows, 4);
	assert_int_equal(fx->st.valid_end, fixture_size("good.csv"));
}

static void
test_dayreader_leaves_out_long_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "long-last-line.csv"), 0);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->seen.rows, 4);
	assert_int_equal(fx->st.valid_end, fixture_size("good.csv"));
}

static void
test_dayreader_refuses_wrong_cell_count_before_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "bad-cell-count-middle.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "bad-cell-count-middle.csv:3: 7 cells, header has 9");
	/* Filled as far as it got: the header and row 2. */
	assert_true(fx->st.has_header);
	assert_int_equal(fx->st.rows, 1);
	assert_int_equal(fx->st.valid_end,
	    fixture_line_end("bad-cell-count-middle.csv", 2));
}

static void
test_dayreader_refuses_short_line_followed_by_torn_one(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "short-then-torn.csv",
	                     H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1.00\n"
	                                 "2026-11-27T13:05:03+04:00,1."),
	    -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "short-then-torn.csv:3: 2 cells, header has 7");
}

static void
test_dayreader_refuses_blank_line_before_last(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "blank.csv", H_ETH0 "\n" ROW1), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg, "blank.csv:2: 0 cells, header has 7");
}

static void
test_dayreader_leaves_out_blank_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "blank-last.csv", H_ETH0 ROW1 "\n"), 0);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->st.rows, 1);
	assert_int_equal(fx->st.valid_end,
	    (off_t)strlen(H_ETH0) + (off_t)strlen(ROW1));
}

static void
test_dayreader_gives_nan_before_iface_appears_when_widened(void **state)
{
	struct fixture *fx = *state;
	struct seen *s = &fx->seen;

	assert_int_equal(read_fixture(fx, "widened-header.csv"), 0);
	assert_int_equal(s->n_ifaces, 3);
	assert_string_equal(s->ifaces[2], "usb0");
	assert_int_equal(s->n_cells, DAYCOL_COUNT(3));
	assert_int_equal(s->rows, 4);
	assert_true(isnan(s->value[0][DAYCOL_RX(2)]));
	assert_true(isnan(s->value[2][DAYCOL_TX(2)]));
	assert_true(s->value[3][DAYCOL_RX(2)] == 51200.0);
	assert_true(s->value[3][DAYCOL_TX(2)] == 8800.0);
}

static void
test_dayreader_reads_gaps_as_missing_rows(void **state)
{
	struct fixture *fx = *state;
	struct seen *s = &fx->seen;

	assert_int_equal(read_fixture(fx, "gaps.csv"), 0);
	assert_int_equal(s->rows, 5);
	assert_int_equal(s->t[2] - s->t[1], 301);
	assert_int_equal(s->t[4] - s->t[3], 2);
	assert_false(fx->st.torn_tail);
}

static void
test_dayreader_unquotes_iface_names_with_comma_and_quote(void **state)
{
	struct fixture *fx = *state;
	struct seen *s = &fx->seen;

	assert_int_equal(read_fixture(fx, "quoted-iface.csv"), 0);
	assert_int_equal(s->n_ifaces, 3);
	assert_string_equal(s->ifaces[0], "we,ird");
	assert_string_equal(s->ifaces[1], "q\"t");
	assert_string_equal(s->ifaces[2], "eth0");
	assert_int_equal(s->rows, 2);
	assert_true(s->value[1][DAYCOL_TX(2)] == 12.0);
	assert_int_equal(fx->st.valid_end, fixture_size("quoted-iface.csv"));
}

static void
test_dayreader_refuses_time_not_after_previous(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "time-not-increasing.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "time-not-increasing.csv:4: time 2026-11-27T13:05:02+04:00 is not "
	    "after the previous row's 2026-11-27T13:05:02+04:00");
	assert_int_equal(fx->st.rows, 2);
}

static void
test_dayreader_refuses_time_going_back_across_offsets(void **state)
{
	struct fixture *fx = *state;

	/* 13:05:01+04:00 is 09:05:01Z; 10:05:00+01:00 is 09:05:00Z. */
	assert_int_equal(read_text(fx, "back.csv",
	                     H_ETH0 ROW1
	                     "2026-11-27T10:05:00+01:00,1.00,1,1,1,1,1\n"),
	    -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_non_null(strstr(fx->err.msg, "back.csv:3: time "));
}

static void
test_dayreader_refuses_bad_time(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "bad-time.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "bad-time.csv:3: bad time \"2026-11-31T13:05:02+04:00\"");
}

static void
test_dayreader_refuses_z_offset(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "z-offset.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "z-offset.csv:3: bad time \"2026-11-27T09:05:02Z\"");
}

static void
test_dayreader_refuses_crlf_line_ends(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "crlf.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "crlf.csv:1: carriage return in line: lines end in \\n only");
	assert_false(fx->st.has_header);
}

static void
test_dayreader_reads_empty_file_as_no_header(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "empty.csv"), 0);
	assert_false(fx->st.has_header);
	assert_false(fx->st.torn_tail);
	assert_int_equal(fx->st.valid_end, 0);
	assert_int_equal(fx->st.rows, 0);
	assert_int_equal(fx->st.first_t, 0);
	assert_int_equal(fx->seen.headers, 0);
}

static void
test_dayreader_reads_torn_header_as_no_header(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_fixture(fx, "torn-header.csv"), 0);
	assert_false(fx->st.has_header);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->st.valid_end, 0);
	assert_int_equal(fx->seen.headers, 0);
}

static void
test_dayreader_reads_header_only_file(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_text(fx, "header.csv", H_ETH0), 0);
	assert_true(fx->st.has_header);
	assert_false(fx->st.torn_tail);
	assert_int_equal(fx->st.rows, 0);
	assert_int_equal(fx->st.valid_end, (off_t)strlen(H_ETH0));
	assert_int_equal(fx->seen.headers, 1);
}

static void
test_dayreader_reads_25_hour_day_with_repeated_hour(void **state)
{
	struct fixture *fx = *state;
	struct seen *s = &fx->seen;
	long i, repeated = -1;

	assert_int_equal(read_fixture(fx, "dst-fall-back.csv"), 0);
	/* 25 hours at 1800 s */
	assert_int_equal(s->rows, 50);
	assert_int_equal(s->t[49] - s->t[0], 49 * 1800);
	assert_int_equal(s->utcoff_s[0], 7200);
	assert_int_equal(s->utcoff_s[49], 3600);
	for (i = 1; i < s->rows; i++) {
		assert_int_equal(s->t[i] - s->t[i - 1], 1800);
		if (strcmp(s->cell[i][0], "2026-10-25T02:00:00+01:00") == 0)
			repeated = i;
	}
	assert_int_equal(repeated, 6);
	assert_string_equal(s->cell[4][0], "2026-10-25T02:00:00+02:00");
	assert_int_equal(s->t[6] - s->t[4], 3600);
}

struct bad_text {
	const char *text;
	const char *msg; /* after "bad.csv:" */
};

static void
check_bad_texts(struct fixture *fx, const struct bad_text *cases, size_t n)
{
	char *want;
	size_t i;

	for (i = 0; i < n; i++) {
		seen_reset(&fx->seen);
		assert_int_equal(read_text(fx, "bad.csv", cases[i].text), -1);
		assert_int_equal(fx->err.code, EINVAL);
		want = xasprintf("bad.csv:%s", cases[i].msg);
		if (strcmp(fx->err.msg, want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    fx->err.msg, want);
		free(want);
	}
}

static void
test_dayreader_refuses_bad_headers(void **state)
{
	static const struct bad_text cases[] = {
	    {"\n" ROW1, "1: header has 0 columns, expected at least 5"},
	    {"time,cpu_percent\n",
	        "1: header has 2 columns, expected at least 5"},
	    {"time,cpu,mem_total_kib,mem_free_kib,mem_available_kib\n",
	        "1: column 2 is \"cpu\", expected \"cpu_percent\""},
	    {"Time,cpu_percent,mem_total_kib,mem_free_kib,"
	     "mem_available_kib\n",
	        "1: column 1 is \"Time\", expected \"time\""},
	    {H5 ",net_rx_bps:eth0\n",
	        "1: 6 columns: interface columns come in rx,tx pairs"},
	    {H5 ",net_tx_bps:eth0,net_rx_bps:eth0\n",
	        "1: column 6 is \"net_tx_bps:eth0\", expected "
	        "\"net_rx_bps:<interface>\""},
	    {H5 ",net_rx,net_tx\n", "1: column 6 is \"net_rx\", expected "
	                            "\"net_rx_bps:<interface>\""},
	    {H5 ",net_rx_bps:eth0,net_tx_bps:eth1\n",
	        "1: column 7 is \"net_tx_bps:eth1\", expected "
	        "\"net_tx_bps:eth0\""},
	    {H5 ",net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:e1,"
	        "net_tx_bps:e1x\n",
	        "1: column 9 is \"net_tx_bps:e1x\", expected "
	        "\"net_tx_bps:e1\""},
	    {H5 ",net_rx_bps:abcdefghijklmnop,net_tx_bps:abcdefghijklmnop\n",
	        "1: bad interface name \"abcdefghijklmnop\" in column 6"},
	    {H5 ",net_rx_bps:,net_tx_bps:\n",
	        "1: bad interface name \"\" in column 6"},
	    {H5 ",net_rx_bps:a/b,net_tx_bps:a/b\n",
	        "1: bad interface name \"a/b\" in column 6"},
	    {H5 ",net_rx_bps:a:b,net_tx_bps:a:b\n",
	        "1: bad interface name \"a:b\" in column 6"},
	    {H5 ",\"net_rx_bps:a\nb\",\"net_tx_bps:a\nb\"\n",
	        "1: bad interface name \"a?b\" in column 6"},
	    {H5 ",net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:x,net_tx_bps:x,"
	        "net_rx_bps:eth0,net_tx_bps:eth0\n",
	        "1: interface \"eth0\" appears twice"},
	    {"time, cpu_percent,mem_total_kib,mem_free_kib,"
	     "mem_available_kib\n",
	        "1: blank in line: cells hold no spaces or tabs"},
	    {H5 "\t\n", "1: blank in line: cells hold no spaces or tabs"},
	    {"time,cpu\"percent,mem_total_kib,mem_free_kib,"
	     "mem_available_kib\n",
	        "1: bad quoting: a quote inside an unquoted cell or after a "
	        "closing one"},
	    {"\"time\"x,cpu_percent,mem_total_kib,mem_free_kib,"
	     "mem_available_kib\n",
	        "1: bad quoting: a quote inside an unquoted cell or after a "
	        "closing one"},
	};
	struct fixture *fx = *state;

	check_bad_texts(fx, cases, sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(fx->seen.headers, 0);
}

static void
test_dayreader_refuses_bad_cells(void **state)
{
#define BAD(cells) H_ETH0 ROW1 "2026-11-27T13:05:02+04:00," cells "\n"
	static const struct bad_text cases[] = {
	    {BAD("101.00,1,1,1,1,1"), "3: bad cpu_percent \"101.00\""},
	    {BAD("100.01,1,1,1,1,1"), "3: bad cpu_percent \"100.01\""},
	    {BAD("-1.00,1,1,1,1,1"), "3: bad cpu_percent \"-1.00\""},
	    {BAD("1e2,1,1,1,1,1"), "3: bad cpu_percent \"1e2\""},
	    {BAD("12.,1,1,1,1,1"), "3: bad cpu_percent \"12.\""},
	    {BAD(".5,1,1,1,1,1"), "3: bad cpu_percent \".5\""},
	    {BAD("1.2.3,1,1,1,1,1"), "3: bad cpu_percent \"1.2.3\""},
	    {BAD("0.1234567890,1,1,1,1,1"),
	        "3: bad cpu_percent \"0.1234567890\""},
	    {BAD("nan,1,1,1,1,1"), "3: bad cpu_percent \"nan\""},
	    {BAD("1.00,-5,1,1,1,1"), "3: bad mem_total_kib \"-5\""},
	    {BAD("1.00,1,1.5,1,1,1"), "3: bad mem_free_kib \"1.5\""},
	    {BAD("1.00,1,1,+1,1,1"), "3: bad mem_available_kib \"+1\""},
	    {BAD("1.00,1,1,1,12x,1"), "3: bad net_rx_bps:eth0 \"12x\""},
	    {BAD("1.00,1,1,1,1,99999999999999999999"),
	        "3: bad net_tx_bps:eth0 \"99999999999999999999\""},
	    {BAD("1.00,1,1,1,1,0x10"), "3: bad net_tx_bps:eth0 \"0x10\""},
	    {BAD("1.00,1,1,1,1, 1"),
	        "3: blank in line: cells hold no spaces or tabs"},
	    {BAD("1.00,1,1,1,1,1\r"),
	        "3: carriage return in line: lines end in \\n only"},
	    {BAD("1.00,1,1,1,1\"2,1"),
	        "3: bad quoting: a quote inside an unquoted cell or after a "
	        "closing one"},
	    {H_ETH0 ROW1 "x,1.00,1,1,1,1,1\n", "3: bad time \"x\""},
	    {H_ETH0 ROW1 ",1.00,1,1,1,1,1\n", "3: bad time \"\""},
	    {H_ETH0 ROW1
	        "2026-11-27T13:05:02+04:00,1.00,1,1,1,1,"
	        "1234567890123456789012345678901234567890123456\n" ROW1,
	        "3: bad net_tx_bps:eth0 "
	        "\"1234567890123456789012345678901234567890...\""},
	};
#undef BAD
	struct fixture *fx = *state;

	check_bad_texts(fx, cases, sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(fx->st.rows, 1);
	assert_int_equal(fx->st.valid_end,
	    (off_t)strlen(H_ETH0) + (off_t)strlen(ROW1));
}

static void
test_dayreader_accepts_cells_writers_might_vary(void **state)
{
	struct fixture *fx = *state;
	struct seen *s = &fx->seen;

	assert_int_equal(read_text(fx, "vary.csv",
	                     H_ETH0 ROW1
	                     "2026-11-27T13:05:02+04:00,7,0,00,1,\"42\",\"\"\n"
	                     "2026-11-27T13:05:03+04:00,0.5,1,1,1,"
	                     "18446744073709551615,1\n"),
	    0);
	assert_int_equal(s->rows, 3);
	assert_true(s->value[1][DAYCOL_CPU] == 7.0);
	assert_true(s->value[1][DAYCOL_MEM_FREE] == 0.0);
	/* RFC 4180 quotes are taken off; the cell is its content. */
	assert_true(s->value[1][DAYCOL_RX(0)] == 42.0);
	assert_string_equal(s->cell[1][DAYCOL_RX(0)], "42");
	assert_true(isnan(s->value[1][DAYCOL_TX(0)]));
	assert_true(s->value[2][DAYCOL_CPU] == 0.5);
	assert_true(s->value[2][DAYCOL_RX(0)] == 18446744073709551615.0);
}

static void
test_dayreader_passes_header_callback_error_through(void **state)
{
	struct fixture *fx = *state;

	fx->seen.fail_header = true;
	assert_int_equal(read_fixture(fx, "good.csv"), -1);
	assert_int_equal(fx->err.code, ENOENT);
	assert_string_equal(fx->err.msg, "header refused");
	assert_int_equal(fx->seen.rows, 0);
}

static void
test_dayreader_stops_at_row_callback_error(void **state)
{
	struct fixture *fx = *state;

	fx->seen.fail_row = 2;
	assert_int_equal(read_fixture(fx, "good.csv"), -1);
	assert_int_equal(fx->err.code, EPIPE);
	assert_string_equal(fx->err.msg, "row refused");
	assert_int_equal(fx->seen.rows, 2);
	assert_int_equal(fx->st.rows, 2);
}

static void
test_dayreader_reports_fstat_error(void **state)
{
	struct errmsg err;
	struct dayreader_stats st;

	(void)state;
	assert_int_equal(dayreader_read(-1, "gone.csv", NULL, &st, &err), -1);
	assert_int_equal(err.code, EBADF);
	assert_string_equal(err.msg, "gone.csv: fstat: Bad file descriptor");
	assert_false(st.has_header);
}

static void
test_dayreader_reports_read_error(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/w.csv", fx->dir);
	struct errmsg err;
	int fd;

	testutil_write_file(path, H_ETH0, strlen(H_ETH0));
	/* fstat works on a write-only descriptor, pread does not. */
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(dayreader_read(fd, "w.csv", NULL, NULL, &err), -1);
	assert_int_equal(err.code, EBADF);
	assert_string_equal(err.msg, "w.csv: read: Bad file descriptor");
	assert_int_equal(close(fd), 0);
	free(path);
}

static void
test_dayreader_reads_growing_file_as_of_start(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/grow.csv", fx->dir);
	const char *start = H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,1.0";

	testutil_write_file(path, start, strlen(start));
	/* The first row's callback finishes the torn line and adds one. */
	fx->seen.grow_path = path;
	fx->seen.grow_text =
	    "0,1,1,1,1,1\n2026-11-27T13:05:03+04:00,1.00,1,1,1,1,1\n";
	assert_int_equal(read_path(fx, path, "grow.csv"), 0);
	assert_int_equal(fx->st.rows, 1);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->st.valid_end,
	    (off_t)strlen(H_ETH0) + (off_t)strlen(ROW1));
	/* Read again, it is all there. */
	seen_reset(&fx->seen);
	assert_int_equal(read_path(fx, path, "grow.csv"), 0);
	assert_int_equal(fx->st.rows, 3);
	assert_false(fx->st.torn_tail);
	free(path);
}

static void
test_dayreader_leaves_out_unclosed_quote_at_end(void **state)
{
	struct fixture *fx = *state;

	/* The record's '\n' is inside quotes: the line never ended. */
	assert_int_equal(read_text(fx, "quote.csv",
	                     H_ETH0 ROW1 "2026-11-27T13:05:02+04:00,\"1.00\n"),
	    0);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->st.rows, 1);
	assert_int_equal(fx->st.valid_end,
	    (off_t)strlen(H_ETH0) + (off_t)strlen(ROW1));
}

/* Writes n one-second rows of a one-interface day after H_ETH0. */
static char *
many_rows(long n, size_t *len)
{
	char when[64];
	size_t cap = strlen(H_ETH0) + (size_t)n * 80 + 1, used;
	char *text = xmalloc(cap);
	long i;

	used = (size_t)snprintf(text, cap, "%s", H_ETH0);
	for (i = 0; i < n; i++) {
		/* Seconds count on past 59 into minutes; keep it simple. */
		snprintf(when, sizeof(when),
		    "2026-11-27T%02ld:%02ld:%02ld+04:00", i / 3600, i / 60 % 60,
		    i % 60);
		used += (size_t)snprintf(text + used, cap - used,
		    "%s,%ld.%02ld,16318480,4009166,10552680,%ld,%ld\n", when,
		    i % 100, i % 100, i * 7, i * 3);
	}
	*len = used;
	return text;
}

static void
test_dayreader_reads_rows_across_read_chunks(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/big.csv", fx->dir);
	size_t len;
	char *text = many_rows(20000, &len);

	assert_true(len > 16 * 64 * 1024);
	testutil_write_file(path, text, len);
	assert_int_equal(read_path(fx, path, "big.csv"), 0);
	assert_int_equal(fx->st.rows, 20000);
	assert_int_equal(fx->st.valid_end, (off_t)len);
	assert_false(fx->st.torn_tail);
	assert_int_equal(fx->st.last_t - fx->st.first_t, 19999);
	/* Cut anywhere, a file reads up to its last whole line. */
	testutil_write_file(path, text, len - 30);
	seen_reset(&fx->seen);
	assert_int_equal(read_path(fx, path, "big.csv"), 0);
	assert_int_equal(fx->st.rows, 19999);
	assert_true(fx->st.torn_tail);
	assert_int_equal(fx->st.valid_end,
	    (const char *)memrchr(text, '\n', len - 30) - text + 1);
	free(text);
	free(path);
}

static void
test_dayreader_reads_header_longer_than_read_chunk(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/wide.csv", fx->dir);
	size_t cap = 4000 * 48 + 4000 * 8 + 200, len, i;
	char *text = xmalloc(cap);

	len = (size_t)snprintf(text, cap, "%s", H5);
	for (i = 0; i < 4000; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    ",net_rx_bps:if%zu,net_tx_bps:if%zu", i, i);
	len += (size_t)snprintf(text + len, cap - len,
	    "\n2026-11-27T13:05:01+04:00,1.00,1,1,1");
	for (i = 0; i < 4000; i++)
		len += (size_t)snprintf(text + len, cap - len, ",%zu,", i);
	text[len++] = '\n';
	assert_true(len > 2 * 64 * 1024);
	testutil_write_file(path, text, len);
	assert_int_equal(read_path(fx, path, "wide.csv"), 0);
	assert_int_equal(fx->seen.n_ifaces, 4000);
	assert_int_equal(fx->st.rows, 1);
	assert_int_equal(fx->st.valid_end, (off_t)len);
	free(text);
	free(path);
}

static void
test_dayreader_refuses_line_longer_than_1_mib(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/long.csv", fx->dir);
	size_t len = strlen(H_ETH0) + 2 * 1024 * 1024 + 1;
	char *text = xmalloc(len);

	memcpy(text, H_ETH0, strlen(H_ETH0));
	memset(text + strlen(H_ETH0), '1', len - strlen(H_ETH0) - 1);
	text[len - 1] = '\n';
	testutil_write_file(path, text, len);
	assert_int_equal(read_path(fx, path, "long.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "long.csv:2: line longer than 1048576 bytes");
	/* An open quote makes one record of many short lines. */
	memcpy(text + strlen(H_ETH0), ROW1 "\"", strlen(ROW1) + 1);
	for (len = strlen(H_ETH0) + strlen(ROW1) + 1; len < 2 * 1024 * 1024;
	     len += 10)
		memcpy(text + len, "123456789\n", 10);
	testutil_write_file(path, text, len);
	seen_reset(&fx->seen);
	assert_int_equal(read_path(fx, path, "long.csv"), -1);
	assert_int_equal(fx->err.code, EINVAL);
	assert_string_equal(fx->err.msg,
	    "long.csv:3: line longer than 1048576 bytes");
	free(text);
	free(path);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_dayreader_names_fixed_columns_in_order),
	    T(test_dayreader_iface_name_ok_follows_linux_rules),
	    T(test_dayreader_reads_every_row_of_good_file),
	    T(test_dayreader_accepts_null_consumer_and_stats),
	    T(test_dayreader_leaves_out_torn_last_line),
	    T(test_dayreader_leaves_out_short_last_line_with_newline),
	    T(test_dayreader_leaves_out_long_last_line),
	    T(test_dayreader_refuses_wrong_cell_count_before_last_line),
	    T(test_dayreader_refuses_short_line_followed_by_torn_one),
	    T(test_dayreader_refuses_blank_line_before_last),
	    T(test_dayreader_leaves_out_blank_last_line),
	    T(test_dayreader_gives_nan_before_iface_appears_when_widened),
	    T(test_dayreader_reads_gaps_as_missing_rows),
	    T(test_dayreader_unquotes_iface_names_with_comma_and_quote),
	    T(test_dayreader_refuses_time_not_after_previous),
	    T(test_dayreader_refuses_time_going_back_across_offsets),
	    T(test_dayreader_refuses_bad_time),
	    T(test_dayreader_refuses_z_offset),
	    T(test_dayreader_refuses_crlf_line_ends),
	    T(test_dayreader_reads_empty_file_as_no_header),
	    T(test_dayreader_reads_torn_header_as_no_header),
	    T(test_dayreader_reads_header_only_file),
	    T(test_dayreader_reads_25_hour_day_with_repeated_hour),
	    T(test_dayreader_refuses_bad_headers),
	    T(test_dayreader_refuses_bad_cells),
	    T(test_dayreader_accepts_cells_writers_might_vary),
	    T(test_dayreader_passes_header_callback_error_through),
	    T(test_dayreader_stops_at_row_callback_error),
	    T(test_dayreader_reports_fstat_error),
	    T(test_dayreader_reports_read_error),
	    T(test_dayreader_reads_growing_file_as_of_start),
	    T(test_dayreader_leaves_out_unclosed_quote_at_end),
	    T(test_dayreader_reads_rows_across_read_chunks),
	    T(test_dayreader_reads_header_longer_than_read_chunk),
	    T(test_dayreader_refuses_line_longer_than_1_mib),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
