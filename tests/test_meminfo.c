/* test_meminfo.c - MemTotal, MemFree and MemAvailable out of /proc/meminfo */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "meminfo.h"

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

/* Parses tests/fixtures/meminfo/NAME; returns what meminfo_parse did. */
static int
parse_fixture(const char *name, struct meminfo *out, struct errmsg *err)
{
	char *path = testutil_fixture("meminfo/%s", name);
	size_t len;
	char *buf = testutil_read_file(path, &len);
	int rc = meminfo_parse(buf, len, out, err);

	free(buf);
	free(path);
	return rc;
}

/* Expects NAME refused with EINVAL and err.msg equal to msg, out untouched. */
static void
expect_refused(const char *name, const char *msg)
{
	struct meminfo mi;
	struct errmsg err;

	memset(&mi, 0x5a, sizeof(mi));
	assert_int_equal(parse_fixture(name, &mi, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, msg);
	assert_true(mi.total_kib == 0x5a5a5a5a5a5a5a5aULL);
}

/* Parses the NUL-terminated s; returns what meminfo_parse did. */
static int
parse_str(const char *s, struct meminfo *out, struct errmsg *err)
{
	return meminfo_parse(s, strlen(s), out, err);
}

static void
test_meminfo_parse_reads_real_capture(void **state)
{
	struct meminfo mi;

	(void)state;
	assert_int_equal(parse_fixture("debian12", &mi, NULL), 0);
	assert_int_equal(mi.total_kib, 24684084);
	assert_int_equal(mi.free_kib, 23969988);
	assert_int_equal(mi.available_kib, 24331584);
	assert_true(mi.has_available);
}

static void
test_meminfo_parse_goes_without_available_when_kernel_is_3_2(void **state)
{
	struct meminfo mi;

	(void)state;
	memset(&mi, 0x5a, sizeof(mi));
	assert_int_equal(parse_fixture("linux-3.2", &mi, NULL), 0);
	assert_int_equal(mi.total_kib, 2061344);
	assert_int_equal(mi.free_kib, 161992);
	assert_false(mi.has_available);
	assert_int_equal(mi.available_kib, 0);
}

static void
test_meminfo_parse_refuses_missing_memtotal(void **state)
{
	(void)state;
	expect_refused("no-memtotal", "/proc/meminfo: no MemTotal");
}

static void
test_meminfo_parse_refuses_missing_memfree(void **state)
{
	(void)state;
	expect_refused("no-memfree", "/proc/meminfo: no MemFree");
}

static void
test_meminfo_parse_refuses_garbage_number(void **state)
{
	(void)state;
	expect_refused("garbage-number",
	    "/proc/meminfo:2: MemFree: expected kB, got "
	    "\"243I0536 kB\"");
}

static void
test_meminfo_parse_refuses_number_over_64_bits(void **state)
{
	(void)state;
	expect_refused("huge-number",
	    "/proc/meminfo:1: MemTotal: "
	    "184467440737095516160 kB is out of range");
}

static void
test_meminfo_parse_takes_largest_value_bytes_can_hold(void **state)
{
	struct meminfo mi;
	struct errmsg err;

	(void)state;
	/* UINT64_MAX / 1024: times 1024 still fits in 64 bits. */
	assert_int_equal(parse_str("MemTotal: 18014398509481983 kB\n"
	                           "MemFree: 0 kB\n",
	                     &mi, NULL),
	    0);
	assert_true(mi.total_kib == UINT64_MAX / 1024);
	assert_int_equal(parse_str("MemTotal: 18014398509481984 kB\n"
	                           "MemFree: 0 kB\n",
	                     &mi, &err),
	    -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "out of range"));
}

static void
test_meminfo_parse_refuses_wrong_unit(void **state)
{
	(void)state;
	expect_refused("wrong-unit", "/proc/meminfo:3: MemAvailable: expected "
	                             "kB, got \"23791 MB\"");
}

static void
test_meminfo_parse_refuses_key_given_twice(void **state)
{
	(void)state;
	expect_refused("twice", "/proc/meminfo:55: MemFree given twice");
}

static void
test_meminfo_parse_refuses_torn_read(void **state)
{
	(void)state;
	expect_refused("torn", "/proc/meminfo:3: line lacks a newline");
}

static void
test_meminfo_parse_refuses_malformed_wanted_lines(void **state)
{
	static const char *bad[] = {
	    "MemTotal: kB\nMemFree: 1 kB\n",
	    "MemTotal: 12\nMemFree: 1 kB\n",
	    "MemTotal: 12 kB \nMemFree: 1 kB\n",
	    "MemTotal: -12 kB\nMemFree: 1 kB\n",
	    "MemTotal:\t12 kB\nMemFree: 1 kB\n",
	    "MemTotal: 12 kB\nMemFree: 0x1 kB\n",
	};
	struct meminfo mi;
	struct errmsg err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_str(bad[i], &mi, &err), -1);
		assert_int_equal(err.code, EINVAL);
		assert_non_null(strstr(err.msg, "expected kB, got"));
	}
}

static void
test_meminfo_parse_ignores_lookalike_keys(void **state)
{
	struct meminfo mi;
	struct errmsg err;

	(void)state;
	/* Only an exact "MemTotal:" counts; other lines are not checked. */
	assert_int_equal(parse_str("MemTotalX: 5 kB\nXMemTotal: 6 kB\n"
	                           "MemFree: 1 kB\nOdd line\n",
	                     &mi, &err),
	    -1);
	assert_string_equal(err.msg, "/proc/meminfo: no MemTotal");
	assert_int_equal(parse_str("MemFree: 1 kB\nHugePages_Total:       0\n"
	                           "MemTotal: 2 kB\n",
	                     &mi, NULL),
	    0);
	assert_int_equal(mi.total_kib, 2);
	assert_int_equal(mi.free_kib, 1);
}

static void
test_meminfo_parse_refuses_empty_input(void **state)
{
	struct meminfo mi;
	struct errmsg err;

	(void)state;
	assert_int_equal(meminfo_parse("", 0, &mi, &err), -1);
	assert_string_equal(err.msg, "/proc/meminfo: no MemTotal");
}

static void
test_meminfo_parse_shortens_a_long_value_in_the_message(void **state)
{
	struct meminfo mi;
	struct errmsg err;
	size_t len = 100000;
	char *s = xmalloc(len);

	(void)state;
	memset(s, '9', len);
	memcpy(s, "MemTotal: ", 10);
	s[len - 1] = '\n';
	assert_int_equal(meminfo_parse(s, len, &mi, &err), -1);
	assert_true(strlen(err.msg) < 120);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_meminfo_parse_reads_real_capture),
	    cmocka_unit_test(
	        test_meminfo_parse_goes_without_available_when_kernel_is_3_2),
	    cmocka_unit_test(test_meminfo_parse_refuses_missing_memtotal),
	    cmocka_unit_test(test_meminfo_parse_refuses_missing_memfree),
	    cmocka_unit_test(test_meminfo_parse_refuses_garbage_number),
	    cmocka_unit_test(test_meminfo_parse_refuses_number_over_64_bits),
	    cmocka_unit_test(
	        test_meminfo_parse_takes_largest_value_bytes_can_hold),
	    cmocka_unit_test(test_meminfo_parse_refuses_wrong_unit),
	    cmocka_unit_test(test_meminfo_parse_refuses_key_given_twice),
	    cmocka_unit_test(test_meminfo_parse_refuses_torn_read),
	    cmocka_unit_test(test_meminfo_parse_refuses_malformed_wanted_lines),
	    cmocka_unit_test(test_meminfo_parse_ignores_lookalike_keys),
	    cmocka_unit_test(test_meminfo_parse_refuses_empty_input),
	    cmocka_unit_test(
	        test_meminfo_parse_shortens_a_long_value_in_the_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
