/* test_units.c - SI bit rates and IEC memory as people read them */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "units.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
assert_bps(int64_t bps, const char *want)
{
	char buf[UNITS_LEN];

	units_bps(bps, buf);
	assert_string_equal(buf, want);
}

static void
assert_kib(uint64_t kib, const char *want)
{
	char buf[UNITS_LEN];

	units_kib(kib, buf);
	assert_string_equal(buf, want);
}

static void
test_units_bps_uses_si_prefixes_and_three_digits(void **state)
{
	(void)state;
	assert_bps(0, "0 bit/s");
	assert_bps(999, "999 bit/s");
	assert_bps(1000, "1.00 kbit/s");
	assert_bps(1234, "1.23 kbit/s");
	assert_bps(12345, "12.3 kbit/s");
	assert_bps(123456, "123 kbit/s");
	assert_bps(999600, "1.00 Mbit/s");
	assert_bps(10000000000, "10.0 Gbit/s");
	assert_bps(INT64_MAX, "9223 Pbit/s");
}

static void
test_units_bps_shows_no_value_below_zero(void **state)
{
	(void)state;
	assert_bps(-1, "0 bit/s");
}

static void
test_units_kib_uses_iec_prefixes(void **state)
{
	(void)state;
	assert_kib(0, "0 KiB");
	assert_kib(512, "512 KiB");
	assert_kib(1536, "1.50 MiB");
	assert_kib(24684084, "23.5 GiB");
	assert_kib(1023, "1.00 MiB"); /* three digits: never "1023 KiB" */
}

static void
test_units_bytes_start_at_bytes(void **state)
{
	char buf[UNITS_LEN];

	(void)state;
	units_bytes(0, buf);
	assert_string_equal(buf, "0 B");
	units_bytes(999, buf);
	assert_string_equal(buf, "999 B");
	units_bytes(1536, buf);
	assert_string_equal(buf, "1.50 KiB");
	units_bytes(10485760, buf);
	assert_string_equal(buf, "10.0 MiB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_units_bps_uses_si_prefixes_and_three_digits),
	    cmocka_unit_test(test_units_bps_shows_no_value_below_zero),
	    cmocka_unit_test(test_units_kib_uses_iec_prefixes),
	    cmocka_unit_test(test_units_bytes_start_at_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
