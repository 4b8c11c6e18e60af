/* test_statefile.c - resmond's state across restarts */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "statefile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

static void
test_statefile_round_trips(void **state)
{
	struct recstate in = {false, 30}, out = {true, 0};
	struct errmsg err;

	assert_int_equal(statefile_save(*state, &in, &err), 0);
	assert_int_equal(statefile_load(*state, &out, &err), 0);
	assert_false(out.recording);
	assert_int_equal(out.interval_s, 30);
	in = (struct recstate){true, 0};
	assert_int_equal(statefile_save(*state, &in, &err), 0);
	assert_int_equal(statefile_load(*state, &out, &err), 0);
	assert_true(out.recording);
	assert_int_equal(out.interval_s, 0);
}

static void
test_statefile_reports_none_as_enoent(void **state)
{
	struct recstate out = {true, 5};
	struct errmsg err;

	assert_int_equal(statefile_load(*state, &out, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(out.interval_s, 5);
}

static void
assert_damaged(const char *dir, const char *text, const char *want)
{
	char *path = xasprintf("%s/.state", dir);
	struct recstate out = {true, 5};
	struct errmsg err;

	testutil_write_file(path, text, strlen(text));
	assert_int_equal(statefile_load(dir, &out, &err), -1);
	assert_int_equal(err.code, EINVAL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
	assert_true(out.recording);
	assert_int_equal(out.interval_s, 5);
	free(path);
}

static void
test_statefile_refuses_damaged_files(void **state)
{
	assert_damaged(*state, "recording 2\n", ".state:1: bad line");
	assert_damaged(*state, "recording 1\ninterval_s 0\n",
	    ".state:2: bad line");
	assert_damaged(*state, "recording 1", ".state:1: no end of line");
	assert_damaged(*state, "garbage\n", ".state:1: bad line");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_statefile_round_trips,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_statefile_reports_none_as_enoent, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_statefile_refuses_damaged_files, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
