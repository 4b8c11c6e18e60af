/* test_daysummary.c - rows, times and interfaces of a day file */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daysummary.h"

#include <errno.h>
#include <fcntl.h>
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
#include "xalloc.h"

/* Summarises fixture dayreader/NAME, naming it NAME in messages. */
static struct daysummary *
summarise(const char *name, struct errmsg *err)
{
	char *path = testutil_fixture("dayreader/%s", name);
	struct daysummary *s;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	memset(err, 0, sizeof(*err));
	s = daysummary_new(fd, name, err);
	assert_int_equal(close(fd), 0);
	free(path);
	return s;
}

static void
test_daysummary_counts_rows_and_names_ifaces_of_good_file(void **state)
{
	struct errmsg err;
	struct daysummary *s = summarise("good.csv", &err);

	(void)state;
	assert_non_null(s);
	assert_true(s->has_header);
	assert_false(s->torn_tail);
	assert_int_equal(s->rows, 4);
	assert_int_equal(s->size, 379);
	assert_int_equal(s->valid_end, 379);
	assert_string_equal(s->first_time, "2026-11-27T13:05:01+04:00");
	assert_string_equal(s->last_time, "2026-11-27T13:05:04+04:00");
	assert_int_equal(s->first_t, 1795770301);
	assert_int_equal(s->last_t, 1795770304);
	assert_int_equal(s->first_utcoff_s, 14400);
	assert_int_equal(s->last_utcoff_s, 14400);
	assert_int_equal(s->n_ifaces, 2);
	assert_string_equal(s->ifaces[0], "eth0");
	assert_string_equal(s->ifaces[1], "wlan0");
	daysummary_free(s);
}

static void
test_daysummary_keeps_size_of_torn_tail(void **state)
{
	struct errmsg err;
	struct daysummary *s = summarise("torn-last-line.csv", &err);

	(void)state;
	assert_non_null(s);
	assert_true(s->torn_tail);
	assert_int_equal(s->rows, 4);
	assert_int_equal(s->valid_end, 379);
	assert_int_equal(s->size, 421);
	assert_string_equal(s->last_time, "2026-11-27T13:05:04+04:00");
	daysummary_free(s);
}

static void
test_daysummary_gives_offsets_of_25_hour_day(void **state)
{
	struct errmsg err;
	struct daysummary *s = summarise("dst-fall-back.csv", &err);

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->rows, 50);
	assert_string_equal(s->first_time, "2026-10-25T00:00:00+02:00");
	assert_string_equal(s->last_time, "2026-10-25T23:30:00+01:00");
	assert_int_equal(s->first_utcoff_s, 7200);
	assert_int_equal(s->last_utcoff_s, 3600);
	assert_int_equal(s->last_t - s->first_t, 49 * 1800);
	assert_int_equal(s->n_ifaces, 1);
	daysummary_free(s);
}

static void
test_daysummary_reports_empty_file_as_no_rows(void **state)
{
	struct errmsg err;
	struct daysummary *s = summarise("empty.csv", &err);

	(void)state;
	assert_non_null(s);
	assert_false(s->has_header);
	assert_int_equal(s->rows, 0);
	assert_int_equal(s->size, 0);
	assert_string_equal(s->first_time, "");
	assert_string_equal(s->last_time, "");
	assert_int_equal(s->first_t, 0);
	assert_int_equal(s->n_ifaces, 0);
	assert_null(s->ifaces);
	daysummary_free(s);
}

static void
test_daysummary_reports_torn_header_as_no_header(void **state)
{
	struct errmsg err;
	struct daysummary *s = summarise("torn-header.csv", &err);

	(void)state;
	assert_non_null(s);
	assert_false(s->has_header);
	assert_true(s->torn_tail);
	assert_int_equal(s->size, 23);
	assert_int_equal(s->valid_end, 0);
	daysummary_free(s);
}

static void
test_daysummary_fails_with_line_of_bad_file(void **state)
{
	struct errmsg err;

	(void)state;
	assert_null(summarise("bad-cell-count-middle.csv", &err));
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg,
	    "bad-cell-count-middle.csv:3: 7 cells, header has 9");
	assert_null(summarise("z-offset.csv", &err));
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg,
	    "z-offset.csv:3: bad time \"2026-11-27T09:05:02Z\"");
}

static void
test_daysummary_fails_on_bad_descriptor(void **state)
{
	struct errmsg err;

	(void)state;
	assert_null(daysummary_new(-1, "gone.csv", &err));
	assert_int_equal(err.code, EBADF);
	assert_string_equal(err.msg, "gone.csv: fstat: Bad file descriptor");
	assert_null(daysummary_new(-1, "gone.csv", NULL));
	daysummary_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_daysummary_counts_rows_and_names_ifaces_of_good_file),
	    cmocka_unit_test(test_daysummary_keeps_size_of_torn_tail),
	    cmocka_unit_test(test_daysummary_gives_offsets_of_25_hour_day),
	    cmocka_unit_test(test_daysummary_reports_empty_file_as_no_rows),
	    cmocka_unit_test(test_daysummary_reports_torn_header_as_no_header),
	    cmocka_unit_test(test_daysummary_fails_with_line_of_bad_file),
	    cmocka_unit_test(test_daysummary_fails_on_bad_descriptor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
