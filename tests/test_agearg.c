/* test_agearg.c - AGE arguments: a number and a unit, and nothing else */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "agearg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"

static void
assert_age(const char *s, uint64_t want_s)
{
	struct errmsg err;
	uint64_t age_s = 0;

	assert_int_equal(agearg_parse(s, &age_s, &err), 0);
	assert_int_equal(age_s, want_s);
}

/* Fails with EINVAL, a message quoting s and saying why; *age untouched. */
static void
assert_bad(const char *s, const char *why)
{
	struct errmsg err;
	uint64_t age_s = 42;
	char quoted[128];

	memset(&err, 0, sizeof(err));
	assert_int_equal(agearg_parse(s, &age_s, &err), -1);
	assert_int_equal(err.code, EINVAL);
	(void)snprintf(quoted, sizeof(quoted), "bad age \"%s\": ", s);
	if (strlen(s) < 60)
		assert_non_null(strstr(err.msg, quoted));
	if (strstr(err.msg, why) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg,
		    why);
	assert_int_equal(age_s, 42);
}

static void
test_agearg_reads_every_unit(void **state)
{
	(void)state;
	assert_age("90s", 90);
	assert_age("30m", 1800);
	assert_age("12h", 43200);
	assert_age("7d", 604800);
	assert_age("1s", 1);
	assert_age("007d", 604800);
}

static void
test_agearg_reads_longest_age_in_every_unit(void **state)
{
	(void)state;
	assert_age("36500d", AGEARG_MAX_S);
	assert_age("876000h", AGEARG_MAX_S);
	assert_age("52560000m", AGEARG_MAX_S);
	assert_age("3153600000s", AGEARG_MAX_S);
}

static void
test_agearg_rejects_zero(void **state)
{
	(void)state;
	assert_bad("0s", "must be more than 0");
	assert_bad("0d", "must be more than 0");
	assert_bad("000h", "must be more than 0");
}

static void
test_agearg_rejects_negative(void **state)
{
	(void)state;
	assert_bad("-1h", "negative");
	assert_bad("-0s", "negative");
}

static void
test_agearg_rejects_missing_unit(void **state)
{
	(void)state;
	assert_bad("7", "missing unit (s, m, h or d)");
	assert_bad("3600", "missing unit");
}

static void
test_agearg_rejects_unknown_unit(void **state)
{
	(void)state;
	assert_bad("7y", "unknown unit \"y\" (s, m, h or d)");
	assert_bad("7D", "unknown unit \"D\"");
	assert_bad("7 d", "unknown unit \" d\"");
	assert_bad("1.5h", "unknown unit \".5h\"");
	assert_bad("7w", "unknown unit \"w\"");
}

static void
test_agearg_rejects_text_after_unit(void **state)
{
	(void)state;
	assert_bad("7dd", "text after the unit");
	assert_bad("7d ", "text after the unit");
	assert_bad("1h30m", "text after the unit");
}

static void
test_agearg_rejects_missing_number(void **state)
{
	(void)state;
	assert_bad("", "empty");
	assert_bad("d", "no number");
	assert_bad("+7d", "no number");
	assert_bad(" 7d", "no number");
	assert_bad("0x10s", "unknown unit \"x10s\"");
}

static void
test_agearg_rejects_overflow(void **state)
{
	(void)state;
	assert_bad("36501d", "longer than 36500d");
	assert_bad("3153600001s", "longer than 36500d");
	assert_bad("18446744073709551615s", "longer than 36500d");
	assert_bad("18446744073709551616s", "longer than 36500d");
	assert_bad("99999999999999999999999999999999d", "longer than 36500d");
}

static void
test_agearg_cuts_long_input_in_message(void **state)
{
	char s[300];
	struct errmsg err;
	uint64_t age_s;

	(void)state;
	memset(s, '9', sizeof(s) - 2);
	s[sizeof(s) - 2] = 'q';
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(agearg_parse(s, &age_s, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_true(strlen(err.msg) < 200);
	assert_non_null(strstr(err.msg, "...\": unknown unit \"q\""));
}

static void
test_agearg_takes_null_err(void **state)
{
	uint64_t age_s = 5;

	(void)state;
	assert_int_equal(agearg_parse("5x", &age_s, NULL), -1);
	assert_int_equal(age_s, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_agearg_reads_every_unit),
	    cmocka_unit_test(test_agearg_reads_longest_age_in_every_unit),
	    cmocka_unit_test(test_agearg_rejects_zero),
	    cmocka_unit_test(test_agearg_rejects_negative),
	    cmocka_unit_test(test_agearg_rejects_missing_unit),
	    cmocka_unit_test(test_agearg_rejects_unknown_unit),
	    cmocka_unit_test(test_agearg_rejects_text_after_unit),
	    cmocka_unit_test(test_agearg_rejects_missing_number),
	    cmocka_unit_test(test_agearg_rejects_overflow),
	    cmocka_unit_test(test_agearg_cuts_long_input_in_message),
	    cmocka_unit_test(test_agearg_takes_null_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
