/* test_dayrecord.c - a line to cells (by hand as libcsv would) to a row */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <csv.h>

#include "dayreader.h"
#include "dayreader_int.h"
#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

/* One reader's state: dayrecord_feed, or dayrecord_feed_csv. */
struct side {
	struct csv_parser csv;
	struct dayrecord rec;
	struct errmsg err;
};

/* What a comparison saw, so a test can tell both paths were taken. */
struct tally {
	long lines, ended, errors, quoted;
};

static void
side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(csv_init(&s->csv, CSV_STRICT | CSV_REPALL_NL), 0);
}

static void
side_free(struct side *s)
{
	csv_free(&s->csv);
	dayrecord_free(&s->rec);
}

static void
assert_same_record(const struct dayrecord *a, const struct dayrecord *b)
{
	size_t i;

	assert_int_equal(a->ended, b->ended);
	assert_int_equal(a->open, b->open);
	assert_int_equal(a->n_cells, b->n_cells);
	for (i = 0; i < a->n_cells; i++) {
		assert_int_equal(a->len[i], b->len[i]);
		/* The bytes and the NUL after them. */
		assert_memory_equal(dayrecord_cell(a, i), dayrecord_cell(b, i),
		    a->len[i] + 1);
	}
}

/*
 * Feeds s[0..len) to both sides and asserts the same outcome: the same
 * cells and state, or the same error. Then does what a reader does: a
 * record that ended is cleared, an error starts both afresh.
 */
static void
feed_both(struct side *fast, struct side *ref, const char *s, size_t len,
    long lineno, struct tally *tl)
{
	const struct dayloc loc = {"t.csv", lineno, 0};
	int a, b;

	a = dayrecord_feed(&fast->csv, &fast->rec, s, len, &loc, &fast->err);
	b = dayrecord_feed_csv(&ref->csv, &ref->rec, s, len, &loc, &ref->err);
	tl->lines++;
	tl->quoted += memchr(s, '"', len) != NULL;
	assert_int_equal(a, b);
	if (b == -1) {
		assert_int_equal(fast->err.code, ref->err.code);
		assert_string_equal(fast->err.msg, ref->err.msg);
		side_free(fast);
		side_free(ref);
		side_init(fast);
		side_init(ref);
		tl->errors++;
		return;
	}
	assert_same_record(&fast->rec, &ref->rec);
	if (ref->rec.ended) {
		dayrecord_clear(&fast->rec);
		dayrecord_clear(&ref->rec);
		tl->ended++;
	}
}

/* Feeds text line by line, '\n' included; a last piece without one too. */
static void
compare_text(const char *text, size_t size, struct tally *tl)
{
	struct side fast, ref;
	const char *p = text, *end = text + size, *nl;
	long lineno = 0;

	side_init(&fast);
	side_init(&ref);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		feed_both(&fast, &ref, p, (size_t)(nl - p), ++lineno, tl);
		p = nl;
	}
	side_free(&fast);
	side_free(&ref);
}

static void
compare_fixture(const char *name, struct tally *tl)
{
	char *path = testutil_fixture("%s", name), *text;
	size_t size;

	text = testutil_read_file(path, &size);
	compare_text(text, size, tl);
	free(text);
	free(path);
}

static void
test_dayrecord_cuts_like_libcsv_on_tricky_lines(void **state)
{
	struct tally tl = {0};

	(void)state;
	/*
	 * Empty cells at either end, an empty line, one cell, quoted cells
	 * and line breaks, doubled quotes, stray quotes (refused), a quote
	 * left open over lines, bytes over 0x7f, blanks and '\r' (refused),
	 * 65 empty cells, and a torn last line.
	 */
	compare_fixture("dayrecord/tricky.csv", &tl);
	assert_int_equal(tl.lines, 32);
	assert_true(tl.errors >= 5);
	assert_true(tl.quoted >= 10);
	assert_true(tl.ended >= 15);
}

static void
test_dayrecord_cuts_like_libcsv_on_reader_fixtures(void **state)
{
	static const char *const names[] = {"bad-cell-count-middle.csv",
	    "bad-time.csv", "crlf.csv", "dst-fall-back.csv", "empty.csv",
	    "gaps.csv", "good.csv", "long-last-line.csv", "quoted-iface.csv",
	    "short-last-line.csv", "time-not-increasing.csv", "torn-header.csv",
	    "torn-last-line.csv", "widened-header.csv", "z-offset.csv"};
	struct tally tl = {0};
	char name[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(name, sizeof(name), "dayreader/%s", names[i]);
		compare_fixture(name, &tl);
	}
	assert_true(tl.lines > 50);
	assert_true(tl.quoted > 0);
}

/* xorshift64: the same lines on every run. */
static uint64_t
next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
test_dayrecord_cuts_like_libcsv_on_random_lines(void **state)
{
	/* Commas and quotes often, a NUL, a byte over 0x7f, rarely a blank. */
	static const char alphabet[] = {'a', '1', ',', ',', ',', '"', '"', '\0',
	    '\xe9', '.', ' '};
	struct tally tl = {0};
	uint64_t x = 0x9e3779b97f4a7c15u;
	char *text = xmalloc(64 * 20000);
	size_t size = 0, len, j;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = next_random(&x) % 40;
		for (j = 0; j < len; j++)
			text[size++] =
			    alphabet[next_random(&x) % sizeof(alphabet)];
		text[size++] = '\n';
	}
	compare_text(text, size, &tl);
	free(text);
	assert_int_equal(tl.lines, 20000);
	/* Both paths and the error paths were walked many times. */
	assert_true(tl.quoted > 1000 && tl.lines - tl.quoted > 1000);
	assert_true(tl.errors > 100 && tl.ended > 1000);
}

static void
test_dayrecord_cuts_quote_free_lines_itself(void **state)
{
	const struct dayloc loc = {"t.csv", 1, 0};
	struct side s;

	(void)state;
	/*
	 * A parser set to split at ';' would see "a,b" as one cell: two
	 * cells prove the line never reached it, and the quoted line that
	 * must reach it does.
	 */
	side_init(&s);
	csv_set_delim(&s.csv, ';');
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "a,b\n", 4, &loc, &s.err), 0);
	assert_int_equal(s.rec.n_cells, 2);
	assert_true(s.rec.ended);
	dayrecord_clear(&s.rec);
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "\"a,b\";c\n", 8, &loc, &s.err), 0);
	assert_int_equal(s.rec.n_cells, 2);
	assert_string_equal(dayrecord_cell(&s.rec, 0), "a,b");
	/* A quote left open: the next line, quote-free, is libcsv's too. */
	dayrecord_clear(&s.rec);
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "\"a\n", 3, &loc, &s.err), 0);
	assert_false(s.rec.ended);
	assert_true(s.rec.open);
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "b,c\";d\n", 7, &loc, &s.err), 0);
	assert_true(s.rec.ended);
	assert_int_equal(s.rec.n_cells, 2);
	assert_string_equal(dayrecord_cell(&s.rec, 0), "a\nb,c");
	side_free(&s);
}

static void
test_dayrecord_refuses_blank_and_carriage_return_on_both_paths(void **state)
{
	const struct dayloc loc = {"t.csv", 7, 0};
	struct side s;

	(void)state;
	side_init(&s);
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "a b\n", 4, &loc, &s.err), -1);
	assert_int_equal(s.err.code, EINVAL);
	assert_string_equal(s.err.msg,
	    "t.csv:7: blank in line: cells hold no spaces or tabs");
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "a,b\r\n", 5, &loc, &s.err), -1);
	assert_non_null(strstr(s.err.msg, "t.csv:7: carriage return"));
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, "a\"b\n", 4, &loc, &s.err), -1);
	assert_non_null(strstr(s.err.msg, "t.csv:7: bad quoting"));
	side_free(&s);
}

/* Parses line as a row of a day file with header "time,...,eth0". */
static int
parse_row(const char *line, double *value, struct errmsg *err)
{
	static char eth0[] = "eth0";
	static char *names[] = {eth0};
	const struct dayheader hdr = {1, names};
	const struct dayloc loc = {"t.csv", 2, 0};
	const char *cell[7];
	struct side s;
	time_t t;
	int off, rc;

	side_init(&s);
	assert_int_equal(
	    dayrecord_feed(&s.csv, &s.rec, line, strlen(line), &loc, &s.err),
	    0);
	assert_int_equal(s.rec.n_cells, 7);
	rc = dayrow_parse(&s.rec, &hdr, &loc, cell, value, &t, &off, err);
	side_free(&s);
	return rc;
}

static void
test_dayrecord_row_takes_numbers_up_to_2_to_the_64_minus_1(void **state)
{
	double value[7];
	struct errmsg err;

	(void)state;
	/* 19 digits take the short loop, 20 the checked one. */
	assert_int_equal(
	    parse_row("2026-11-27T13:05:01+04:00,1.5,"
	              "9999999999999999999,0,"
	              "18446744073709551615,,00000000000000000007\n",
	        value, &err),
	    0);
	assert_true(value[2] == 9999999999999999999.0);
	assert_true(value[3] == 0.0);
	assert_true(value[4] == 18446744073709551615.0);
	assert_true(isnan(value[5]));
	assert_true(value[6] == 7.0);
	assert_int_equal(parse_row("2026-11-27T13:05:01+04:00,1.5,1,2,"
	                           "18446744073709551616,5,6\n",
	                     value, &err),
	    -1);
	assert_string_equal(err.msg,
	    "t.csv:2: bad mem_available_kib \"18446744073709551616\"");
	assert_int_equal(parse_row("2026-11-27T13:05:01+04:00,1.5,1,2,3,5,"
	                           "1x\n",
	                     value, &err),
	    -1);
	assert_string_equal(err.msg, "t.csv:2: bad net_tx_bps:eth0 \"1x\"");
	assert_int_equal(parse_row("2026-11-27T13:05:01+04:00,1.5,1,2,3,5,"
	                           "+1\n",
	                     value, &err),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dayrecord_cuts_like_libcsv_on_tricky_lines),
	    cmocka_unit_test(
	        test_dayrecord_cuts_like_libcsv_on_reader_fixtures),
	    cmocka_unit_test(test_dayrecord_cuts_like_libcsv_on_random_lines),
	    cmocka_unit_test(test_dayrecord_cuts_quote_free_lines_itself),
	    cmocka_unit_test(
	        test_dayrecord_refuses_blank_and_carriage_return_on_both_paths),
	    cmocka_unit_test(
	        test_dayrecord_row_takes_numbers_up_to_2_to_the_64_minus_1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
