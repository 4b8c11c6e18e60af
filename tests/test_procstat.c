/* test_procstat.c - the "cpu" line of /proc/stat and the busy share formula */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "procstat.h"

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

/* Parses tests/fixtures/procstat/NAME into *out; fails the test on error. */
static void
load(const char *name, struct cpu_times *out)
{
	struct errmsg err;
	char *path, *buf;
	size_t len;

	path = testutil_fixture("procstat/%s", name);
	buf = testutil_read_file(path, &len);
	if (procstat_parse(buf, len, out, &err) == -1)
		fail_msg("%s: %s", path, err.msg);
	free(buf);
	free(path);
}

/* Expects procstat_parse to refuse s with EINVAL and a message holding what. */
static void
expect_refused(const char *s, const char *what)
{
	struct cpu_times ct;
	struct errmsg err;

	memset(&ct, 0x5a, sizeof(ct));
	assert_int_equal(procstat_parse(s, strlen(s), &ct, &err), -1);
	assert_int_equal(err.code, EINVAL);
	if (strstr(err.msg, what) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.msg, what);
	/* On failure the output stays untouched. */
	assert_true(ct.user == 0x5a5a5a5a5a5a5a5aULL);
}

static void
test_procstat_parse_reads_aggregate_line_of_real_capture(void **state)
{
	struct cpu_times ct;

	(void)state;
	load("debian12-2cpu-a", &ct);
	assert_int_equal(ct.user, 3552);
	assert_int_equal(ct.nice, 0);
	assert_int_equal(ct.system, 2737);
	assert_int_equal(ct.idle, 111408);
	assert_int_equal(ct.iowait, 507);
	assert_int_equal(ct.irq, 0);
	assert_int_equal(ct.softirq, 40);
	assert_int_equal(ct.steal, 54);
}

static void
test_procstat_parse_accepts_eight_fields_when_kernel_is_2_6_11(void **state)
{
	struct cpu_times ct;

	(void)state;
	load("linux-2.6.11", &ct);
	assert_int_equal(ct.user, 1602);
	assert_int_equal(ct.softirq, 78);
	assert_int_equal(ct.steal, 0);
}

static void
test_procstat_parse_refuses_seven_fields_when_kernel_is_older(void **state)
{
	struct cpu_times ct;
	struct errmsg err;
	char *path, *buf;
	size_t len;

	(void)state;
	path = testutil_fixture("procstat/linux-2.6.9");
	buf = testutil_read_file(path, &len);
	assert_int_equal(procstat_parse(buf, len, &ct, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, "/proc/stat: cpu line has 7 fields, "
	                             "need 8 (Linux 2.6.11 or later)");
	free(buf);
	free(path);
}

static void
test_procstat_parse_accepts_fields_beyond_guest_nice(void **state)
{
	static const char s[] = "cpu  1 2 3 4 5 6 7 8 9 10 11 12\n";
	struct cpu_times ct;

	(void)state;
	assert_int_equal(procstat_parse(s, strlen(s), &ct, NULL), 0);
	assert_int_equal(ct.user, 1);
	assert_int_equal(ct.steal, 8);
}

static void
test_procstat_parse_refuses_garbled_lines(void **state)
{
	(void)state;
	expect_refused("", "lacks a newline");
	expect_refused("cpu  1 2 3 4 5 6 7 8", "lacks a newline");
	expect_refused("cpu0 1 2 3 4 5 6 7 8\n", "not the aggregate");
	expect_refused("intr 1 2 3 4 5 6 7 8\n", "not the aggregate");
	expect_refused("cpu\n", "not the aggregate");
	expect_refused("cpu  1 2 3 x4 5 6 7 8\n", "field 4: bad number \"x4\"");
	expect_refused("cpu  1 2 3 4 5 6 7 8 -9 0\n", "field 9: bad number");
	expect_refused("cpu  1 2 3 4 5 6 7 8 0 0.5\n", "field 10: bad number");
	expect_refused("cpu  1\t2 3 4 5 6 7 8 9\n", "bad number");
	expect_refused("cpu  18446744073709551616 2 3 4 5 6 7 8\n",
	    "field 1: bad number");
	expect_refused("cpu  \n", "has 0 fields");
}

static void
test_procstat_parse_shortens_a_long_token_in_the_message(void **state)
{
	struct cpu_times ct;
	struct errmsg err;
	char *s;
	size_t len = 100000;

	(void)state;
	s = malloc(len);
	assert_non_null(s);
	memset(s, '7', len);
	memcpy(s, "cpu  x", 6);
	s[len - 1] = '\n';
	assert_int_equal(procstat_parse(s, len, &ct, &err), -1);
	assert_true(strlen(err.msg) < 100);
	free(s);
}

static void
test_procstat_busy_centi_matches_hand_computation(void **state)
{
	struct cpu_times a, b;

	(void)state;
	/*
	 * Two real readings 1.2 s apart: user +100, idle +139, iowait +1,
	 * the rest +0: busy = 100 / 240 = 41.666..% -> 4167.
	 */
	load("debian12-2cpu-a", &a);
	load("debian12-2cpu-b", &b);
	assert_int_equal(procstat_busy_centi(&a, &b), 4167);
}

static void
test_procstat_busy_centi_leaves_out_guest(void **state)
{
	struct cpu_times a, b;

	(void)state;
	/*
	 * user +600 (guest +500 within it), nice +10 (guest_nice +5),
	 * system +100, irq +5, softirq +5, steal +5, idle +200, iowait +20:
	 * busy 725 / total 945 = 76.7196% -> 7672. Adding guest again would
	 * give 1230 / 1450 -> 8483.
	 */
	load("guest-a", &a);
	load("guest-b", &b);
	assert_int_equal(procstat_busy_centi(&a, &b), 7672);
}

static void
test_procstat_busy_centi_counts_zero_when_iowait_goes_back(void **state)
{
	struct cpu_times a, b;

	(void)state;
	/* user +100, system +50, idle +150, iowait -50 -> 0: 150 / 300. */
	load("iowait-back-a", &a);
	load("iowait-back-b", &b);
	assert_int_equal(procstat_busy_centi(&a, &b), 5000);
}

static void
test_procstat_busy_centi_stays_in_range_when_cpu_is_unplugged(void **state)
{
	struct cpu_times four, three;

	(void)state;
	load("hotplug-4cpu", &four);
	load("hotplug-3cpu", &three);
	/*
	 * cpu3 goes offline and its counters leave the sum: only user rises
	 * (4000 -> 4200), every other field drops and counts 0: 200 / 200.
	 */
	assert_int_equal(procstat_busy_centi(&four, &three), 10000);
	/*
	 * cpu3 comes back: user drops (0), nice +10, system +200, irq +5,
	 * softirq +5, idle +19400, iowait +70: 220 / 19690 = 1.1173% -> 112.
	 */
	assert_int_equal(procstat_busy_centi(&three, &four), 112);
}

static void
test_procstat_busy_centi_gives_no_value_when_no_tick_passed(void **state)
{
	struct cpu_times a, b;

	(void)state;
	load("debian12-2cpu-a", &a);
	assert_int_equal(procstat_busy_centi(&a, &a), -1);
	/* Everything going back is no tick either, not a negative share. */
	load("debian12-2cpu-b", &b);
	assert_int_equal(procstat_busy_centi(&b, &a), -1);
}

static void
test_procstat_busy_centi_rounds_half_up(void **state)
{
	struct cpu_times a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	b = a;
	b.user = 1;
	b.idle = 19999; /* 1 / 20000 = 0.5 hundredths -> 1 */
	assert_int_equal(procstat_busy_centi(&a, &b), 1);
	b.idle = 20000; /* 1 / 20001 = 0.49998 -> 0 */
	assert_int_equal(procstat_busy_centi(&a, &b), 0);
	b.user = 2;
	b.idle = 1; /* 2 / 3 = 6666.67 -> 6667 */
	assert_int_equal(procstat_busy_centi(&a, &b), 6667);
	b.user = 1;
	b.idle = 2; /* 1 / 3 = 3333.33 -> 3333 */
	assert_int_equal(procstat_busy_centi(&a, &b), 3333);
}

static void
test_procstat_busy_centi_is_exact_when_counters_are_huge(void **state)
{
	struct cpu_times a, b;

	(void)state;
	/* Sums of deltas near 2^64 must not wrap or lose precision. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	/* busy 6 * (2^64 - 1), total 8 * (2^64 - 1): 75%. */
	assert_int_equal(procstat_busy_centi(&a, &b), 7500);
	b.idle = b.iowait = 0;
	assert_int_equal(procstat_busy_centi(&a, &b), 10000);
	memset(&b, 0, sizeof(b));
	b.idle = UINT64_MAX;
	assert_int_equal(procstat_busy_centi(&a, &b), 0);
	/* One tick busy among 2^64 - 1 idle ones. */
	b.steal = 1;
	assert_int_equal(procstat_busy_centi(&a, &b), 0);
	b.steal = UINT64_MAX;
	assert_int_equal(procstat_busy_centi(&a, &b), 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_procstat_parse_reads_aggregate_line_of_real_capture),
	    cmocka_unit_test(
	        test_procstat_parse_accepts_eight_fields_when_kernel_is_2_6_11),
	    cmocka_unit_test(
	        test_procstat_parse_refuses_seven_fields_when_kernel_is_older),
	    cmocka_unit_test(
	        test_procstat_parse_accepts_fields_beyond_guest_nice),
	    cmocka_unit_test(test_procstat_parse_refuses_garbled_lines),
	    cmocka_unit_test(
	        test_procstat_parse_shortens_a_long_token_in_the_message),
	    cmocka_unit_test(test_procstat_busy_centi_matches_hand_computation),
	    cmocka_unit_test(test_procstat_busy_centi_leaves_out_guest),
	    cmocka_unit_test(
	        test_procstat_busy_centi_counts_zero_when_iowait_goes_back),
	    cmocka_unit_test(
	        test_procstat_busy_centi_stays_in_range_when_cpu_is_unplugged),
	    cmocka_unit_test(
	        test_procstat_busy_centi_gives_no_value_when_no_tick_passed),
	    cmocka_unit_test(test_procstat_busy_centi_rounds_half_up),
	    cmocka_unit_test(
	        test_procstat_busy_centi_is_exact_when_counters_are_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
