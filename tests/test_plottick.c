/* test_plottick.c - round ticks: SI bit rates, IEC memory, hours and days */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plottick.h"

#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"
#include "timestamp.h"

/* Checks the axis's labels, the last being its maximum. */
static void
assert_labels(const struct plotaxis *ax, const char *const *want, size_t n)
{
	size_t i;

	assert_int_equal(ax->n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(ax->tick[i].label, want[i]);
	assert_true(ax->tick[n - 1].value == ax->max);
}

static void
test_plottick_bps_steps_are_1_2_5_with_si_labels(void **state)
{
	static const char *const mbit[] = {"0 bit/s", "20 Mbit/s", "40 Mbit/s",
	    "60 Mbit/s", "80 Mbit/s", "100 Mbit/s"};
	static const char *const kbit[] = {"0 bit/s", "500 kbit/s", "1 Mbit/s",
	    "1.5 Mbit/s"};
	static const char *const gbit[] = {"0 bit/s", "5 Gbit/s", "10 Gbit/s"};
	struct plotaxis ax;

	(void)state;
	plottick_bps(93.4e6, 5, &ax);
	assert_labels(&ax, mbit, 6);
	assert_true(ax.max == 100e6);
	plottick_bps(1.2e6, 4, &ax);
	assert_labels(&ax, kbit, 4);
	plottick_bps(10e9, 2, &ax);
	assert_labels(&ax, gbit, 3);
}

static void
test_plottick_bps_gives_an_idle_interface_an_axis(void **state)
{
	static const char *const idle[] = {"0 bit/s", "1 bit/s"};
	struct plotaxis ax;

	(void)state;
	plottick_bps(0, 5, &ax);
	assert_labels(&ax, idle, 2);
	plottick_bps(-1, 5, &ax);
	assert_labels(&ax, idle, 2);
}

static void
test_plottick_kib_steps_are_powers_of_two_with_iec_labels(void **state)
{
	static const char *const gib[] = {"0 B", "4 GiB", "8 GiB", "12 GiB",
	    "16 GiB"};
	static const char *const mib[] = {"0 B", "256 MiB", "512 MiB",
	    "768 MiB", "1 GiB"};
	static const char *const half[] = {"0 B", "512 MiB", "1 GiB",
	    "1.5 GiB"};
	struct plotaxis ax;

	(void)state;
	plottick_kib(16318480, 5, &ax); /* daygen's MemTotal */
	assert_labels(&ax, gib, 5);
	plottick_kib(1000 * 1024, 5, &ax);
	assert_labels(&ax, mib, 5);
	plottick_kib(1.4 * 1024 * 1024, 3, &ax);
	assert_labels(&ax, half, 4);
}

static void
test_plottick_hours_count_23_and_25_hour_days(void **state)
{
	struct plottick t[PLOTTICK_MAX];
	struct daydate spring = {2026, 3, 29}, spring2 = {2026, 3, 30};
	struct daydate fall = {2026, 10, 25}, fall2 = {2026, 10, 26};
	time_t a, b;
	size_t n;

	(void)state;
	testutil_set_tz("Europe/Berlin");
	a = plottick_midnight(&spring);
	b = plottick_midnight(&spring2);
	assert_int_equal(b - a, 23 * 3600);
	n = plottick_hours(a, b, 1, t, PLOTTICK_MAX);
	assert_int_equal(n, 24); /* 00:00 to the next 00:00 */
	assert_string_equal(t[1].label, "01:00");
	assert_string_equal(t[2].label, "03:00"); /* 02:00 does not exist */
	assert_string_equal(t[23].label, "00:00");

	a = plottick_midnight(&fall);
	b = plottick_midnight(&fall2);
	assert_int_equal(b - a, 25 * 3600);
	n = plottick_hours(a, b, 1, t, PLOTTICK_MAX);
	assert_int_equal(n, 26);
	assert_string_equal(t[2].label, "02:00");
	assert_string_equal(t[3].label, "02:00"); /* fallen back */
	assert_string_equal(t[4].label, "03:00");
	n = plottick_hours(a, b, 6, t, PLOTTICK_MAX);
	assert_int_equal(n, 5);
	assert_true(t[1].value == (double)(a + 6 * 3600));
}

static void
test_plottick_days_mark_each_midnight_of_a_range(void **state)
{
	struct plottick t[PLOTTICK_MAX];
	struct daydate from = {2026, 10, 20}, to = {2026, 10, 27};
	time_t a, b;
	size_t n;

	(void)state;
	testutil_set_tz("Europe/Berlin");
	a = plottick_midnight(&from);
	b = plottick_midnight(&to);
	n = plottick_days(a, b, 1, t, PLOTTICK_MAX);
	assert_int_equal(n, 8);
	assert_string_equal(t[0].label, "10-20");
	assert_string_equal(t[7].label, "10-27");
	/* Oct 25 is 25 hours long: midnights, not multiples of 86400 s. */
	assert_true(t[6].value - t[5].value == 25 * 3600);
	n = plottick_days(a, b, 7, t, PLOTTICK_MAX);
	assert_int_equal(n, 2);
	assert_string_equal(t[1].label, "10-27");
	/* A start inside a day ticks from the next midnight. */
	n = plottick_days(a + 3600, b, 1, t, PLOTTICK_MAX);
	assert_int_equal(n, 7);
	assert_string_equal(t[0].label, "10-21");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plottick_bps_steps_are_1_2_5_with_si_labels),
	    cmocka_unit_test(test_plottick_bps_gives_an_idle_interface_an_axis),
	    cmocka_unit_test(
	        test_plottick_kib_steps_are_powers_of_two_with_iec_labels),
	    cmocka_unit_test(test_plottick_hours_count_23_and_25_hour_days),
	    cmocka_unit_test(test_plottick_days_mark_each_midnight_of_a_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
