/* test_backlog.c - the bounded ring of rows waiting for the disk */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "backlog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "row.h"

static struct row *
row_at(struct colset *cs, time_t t)
{
	struct row *row = row_new(cs, 0);

	row->t = t;
	return row;
}

static void
test_backlog_keeps_rows_oldest_first(void **state)
{
	struct daydate d = {2026, 11, 27};
	struct colset *cs = colset_new(&d);
	struct backlog bl;
	time_t t;

	(void)state;
	backlog_init(&bl, 100);
	for (t = 1; t <= 50; t++)
		backlog_push(&bl, row_at(cs, t));
	for (t = 1; t <= 50; t++) {
		assert_int_equal(backlog_peek(&bl)->t, t);
		backlog_pop(&bl);
	}
	assert_null(backlog_peek(&bl));
	assert_int_equal(bl.dropped, 0);
	backlog_free(&bl);
	colset_unref(cs);
}

static void
test_backlog_drops_and_counts_the_oldest_when_full(void **state)
{
	struct daydate d = {2026, 11, 27};
	struct colset *cs = colset_new(&d);
	struct backlog bl;
	time_t t;

	(void)state;
	backlog_init(&bl, 10);
	for (t = 1; t <= 25; t++)
		backlog_push(&bl, row_at(cs, t));
	assert_int_equal(bl.len, 10);
	assert_int_equal(bl.dropped, 15);
	assert_int_equal(backlog_peek(&bl)->t, 16);
	/* Interleaved pops and pushes keep the order across the wrap. */
	backlog_pop(&bl);
	backlog_push(&bl, row_at(cs, 26));
	for (t = 17; t <= 26; t++) {
		assert_int_equal(backlog_peek(&bl)->t, t);
		backlog_pop(&bl);
	}
	backlog_free(&bl);
	/* The rows' references to the colset are all released. */
	assert_int_equal(cs->refs, 1);
	colset_unref(cs);
}

static void
test_backlog_of_zero_still_holds_the_row_being_written(void **state)
{
	struct daydate d = {2026, 11, 27};
	struct colset *cs = colset_new(&d);
	struct backlog bl;

	(void)state;
	backlog_init(&bl, 0);
	backlog_push(&bl, row_at(cs, 1));
	backlog_push(&bl, row_at(cs, 2));
	assert_int_equal(bl.len, 1);
	assert_int_equal(backlog_peek(&bl)->t, 2);
	assert_int_equal(bl.dropped, 1);
	backlog_free(&bl);
	colset_unref(cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backlog_keeps_rows_oldest_first),
	    cmocka_unit_test(
	        test_backlog_drops_and_counts_the_oldest_when_full),
	    cmocka_unit_test(
	        test_backlog_of_zero_still_holds_the_row_being_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
