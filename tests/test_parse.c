/* test_parse.c - strict decimal parsing */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "parse.h"

#include <errno.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
test_parse_uint_accepts_bounds(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_uint("1", 1, 3600, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_uint("3600", 1, 3600, &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(parse_uint("18446744073709551615", 0, UINT64_MAX, &v),
	    0);
	assert_true(v == UINT64_MAX);
}

static void
test_parse_uint_rejects_out_of_range(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse_uint("0", 1, 3600, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(parse_uint("3601", 1, 3600, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(parse_uint("18446744073709551616", 0, UINT64_MAX, &v),
	    -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(v, 7);
}

static void
test_parse_uint_rejects_signs_blanks_and_text(void **state)
{
	static const char *bad[] = {"", "-1", "+1", " 1", "1 ", "0x10", "1s",
	    "1.0", "١"};
	uint64_t v = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_uint(bad[i], 0, 100, &v), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(v, 7);
}

static void
test_parse_uint_n_reads_only_len_bytes(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_uint_n("123,456", 3, 0, 1000, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(parse_uint_n("123,456", 4, 0, 1000, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_uint_accepts_bounds),
	    cmocka_unit_test(test_parse_uint_rejects_out_of_range),
	    cmocka_unit_test(test_parse_uint_rejects_signs_blanks_and_text),
	    cmocka_unit_test(test_parse_uint_n_reads_only_len_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
