/* test_netdev.c - /proc/net/dev lines and bit rates from byte counters */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "netdev.h"

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

#define NETDEV_HEADER                                                          \
	"Inter-|   Receive                                                |  " \
	"Transmit\n"                                                           \
	" face |bytes    packets errs drop fifo frame compressed "             \
	"multicast|bytes    packets errs drop fifo colls carrier compressed\n"

/* Parses fixture netdev/NAME into list; returns what netdev_parse did. */
static int
parse_fixture(const char *name, struct netdev_list *list, struct errmsg *err)
{
	char *path = testutil_fixture("netdev/%s", name);
	size_t len;
	char *buf = testutil_read_file(path, &len);
	int rc = netdev_parse(buf, len, list, err);

	free(buf);
	free(path);
	return rc;
}

/* Expects NAME refused with EINVAL and msg, emptying a parsed list. */
static void
expect_refused(const char *name, const char *msg)
{
	struct netdev_list list = {0};
	struct errmsg err;

	assert_int_equal(parse_fixture("debian12", &list, NULL), 0);
	assert_int_equal(list.n, 4);
	assert_int_equal(parse_fixture(name, &list, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, msg);
	assert_int_equal(list.n, 0);
	netdev_list_free(&list);
}

static void
test_netdev_parse_reads_real_capture_in_kernel_order(void **state)
{
	struct netdev_list list = {0};

	(void)state;
	assert_int_equal(parse_fixture("debian12", &list, NULL), 0);
	assert_int_equal(list.n, 4);
	assert_string_equal(list.v[0].name, "lo");
	assert_int_equal(list.v[0].rx_bytes, 3267);
	assert_int_equal(list.v[0].tx_bytes, 3267);
	assert_string_equal(list.v[1].name, "ifb0");
	assert_string_equal(list.v[2].name, "ifb1");
	assert_string_equal(list.v[3].name, "eth0");
	assert_int_equal(list.v[3].rx_bytes, 30875394);
	assert_int_equal(list.v[3].tx_bytes, 38775);
	netdev_list_free(&list);
}

static void
test_netdev_parse_follows_interfaces_coming_and_going(void **state)
{
	struct netdev_list a = {0}, b = {0};
	const struct netdev_iface *ia, *ib;

	(void)state;
	/* A container stopped (veth0a) and another started (veth1b). */
	assert_int_equal(parse_fixture("veth-a", &a, NULL), 0);
	assert_int_equal(parse_fixture("veth-b", &b, NULL), 0);
	assert_int_equal(a.n, 4);
	assert_int_equal(b.n, 4);
	assert_non_null(testutil_find_iface(&a, "veth0a"));
	assert_null(testutil_find_iface(&b, "veth0a"));
	assert_null(testutil_find_iface(&a, "veth1b"));
	ib = testutil_find_iface(&b, "veth1b");
	assert_non_null(ib);
	assert_int_equal(ib->rx_bytes, 1284);
	assert_int_equal(ib->tx_bytes, 9866);
	ia = testutil_find_iface(&a, "eth0");
	ib = testutil_find_iface(&b, "eth0");
	/* 137188 bytes in 1 s -> 1097504 bit/s */
	assert_int_equal(
	    netdev_rate_bps(ia->rx_bytes, ib->rx_bytes, 1000000000), 1097504);
	ia = testutil_find_iface(&a, "docker0");
	ib = testutil_find_iface(&b, "docker0");
	assert_string_equal(ia->name, "docker0");
	assert_int_equal(ib->tx_bytes - ia->tx_bytes, 6340);
	netdev_list_free(&a);
	netdev_list_free(&b);
}

static void
test_netdev_parse_reuses_list_when_called_again(void **state)
{
	struct netdev_list list = {0};
	struct netdev_iface *v;

	(void)state;
	assert_int_equal(parse_fixture("veth-a", &list, NULL), 0);
	v = list.v;
	assert_int_equal(parse_fixture("counter-reset-a", &list, NULL), 0);
	/* Replaced, not appended, and no new memory for fewer entries. */
	assert_int_equal(list.n, 2);
	assert_ptr_equal(list.v, v);
	assert_string_equal(list.v[1].name, "eth0");
	netdev_list_free(&list);
	assert_null(list.v);
	assert_int_equal(list.n, 0);
	assert_int_equal(list.cap, 0);
}

static void
test_netdev_rate_bps_gives_no_value_when_counter_was_reset(void **state)
{
	struct netdev_list a = {0}, b = {0};

	(void)state;
	assert_int_equal(parse_fixture("counter-reset-a", &a, NULL), 0);
	assert_int_equal(parse_fixture("counter-reset-b", &b, NULL), 0);
	assert_string_equal(a.v[1].name, "eth0");
	assert_string_equal(b.v[1].name, "eth0");
	assert_int_equal(
	    netdev_rate_bps(a.v[1].rx_bytes, b.v[1].rx_bytes, 1000000000), -1);
	assert_int_equal(
	    netdev_rate_bps(a.v[1].tx_bytes, b.v[1].tx_bytes, 1000000000), -1);
	/* lo kept counting: 612 bytes in 2 s. */
	assert_int_equal(
	    netdev_rate_bps(a.v[0].rx_bytes, b.v[0].rx_bytes, 2000000000),
	    2448);
	netdev_list_free(&a);
	netdev_list_free(&b);
}

static void
test_netdev_parse_takes_15_byte_name(void **state)
{
	struct netdev_list list = {0};

	(void)state;
	assert_int_equal(parse_fixture("name-15", &list, NULL), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[1].name, "vethabcdef01234");
	assert_int_equal(list.v[1].rx_bytes, 5120);
	assert_int_equal(list.v[1].tx_bytes, 7340);
	netdev_list_free(&list);
}

static void
test_netdev_parse_refuses_16_byte_name(void **state)
{
	(void)state;
	expect_refused("name-16",
	    "/proc/net/dev:4: interface name "
	    "\"vethabcdef012345\" is longer than 15 bytes");
}

static void
test_netdev_parse_refuses_line_without_colon(void **state)
{
	(void)state;
	expect_refused("no-colon",
	    "/proc/net/dev:4: no ':' after an interface name");
}

static void
test_netdev_parse_refuses_15_numbers(void **state)
{
	(void)state;
	expect_refused("15-numbers",
	    "/proc/net/dev:4: eth0: 15 numbers, need 16");
}

static void
test_netdev_parse_refuses_bad_number(void **state)
{
	(void)state;
	expect_refused("bad-number",
	    "/proc/net/dev:4: eth0: bad number \"71-008\"");
}

static void
test_netdev_parse_refuses_empty_name(void **state)
{
	(void)state;
	expect_refused("empty-name", "/proc/net/dev:4: empty interface name");
}

static void
test_netdev_parse_refuses_torn_last_line(void **state)
{
	(void)state;
	expect_refused("torn", "/proc/net/dev:4: line lacks a newline");
}

static void
test_netdev_parse_refuses_missing_header(void **state)
{
	(void)state;
	expect_refused("no-header", "/proc/net/dev:1: not the header");
}

static void
test_netdev_parse_refuses_bad_names(void **state)
{
	static const char *bad[] = {
	    NETDEV_HEADER "  a b: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
	    NETDEV_HEADER "  a/b: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
	    NETDEV_HEADER "\teth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
	};
	struct netdev_list list = {0};
	struct errmsg err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    netdev_parse(bad[i], strlen(bad[i]), &list, &err), -1);
		assert_int_equal(err.code, EINVAL);
		assert_non_null(strstr(err.msg, "/proc/net/dev:3: bad "
		                                "interface name"));
	}
	assert_int_equal(list.n, 0);
	netdev_list_free(&list);
}

static void
test_netdev_parse_refuses_input_shorter_than_header(void **state)
{
	static const char *bad[] = {"", "Inter-|   Receive  |  Transmit\n"};
	struct netdev_list list = {0};
	struct errmsg err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    netdev_parse(bad[i], strlen(bad[i]), &list, &err), -1);
		assert_string_equal(err.msg, "/proc/net/dev: no header");
	}
}

static void
test_netdev_parse_takes_header_only_as_no_interfaces(void **state)
{
	static const char s[] = NETDEV_HEADER;
	struct netdev_list list = {0};

	(void)state;
	assert_int_equal(netdev_parse(s, strlen(s), &list, NULL), 0);
	assert_int_equal(list.n, 0);
	netdev_list_free(&list);
}

static void
test_netdev_parse_takes_numbers_glued_to_colon_when_kernel_is_2_4(void **state)
{
	struct netdev_list list = {0};

	(void)state;
	assert_int_equal(parse_fixture("linux-2.4", &list, NULL), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[1].name, "eth0");
	assert_int_equal(list.v[1].rx_bytes, 2147636421);
	assert_int_equal(list.v[1].tx_bytes, 392711230);
	netdev_list_free(&list);
}

static void
test_netdev_parse_handles_line_longer_than_any_buffer(void **state)
{
	static const char head[] = NETDEV_HEADER "  eth0: 1";
	static const char tail[] = " 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
	struct netdev_list list = {0};
	struct errmsg err;
	size_t pad = 1 << 20, len = sizeof(head) - 1 + pad + sizeof(tail) - 1;
	char *s = xmalloc(len);

	(void)state;
	/* A megabyte of blanks between two numbers is still one good line. */
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, ' ', pad);
	memcpy(s + sizeof(head) - 1 + pad, tail, sizeof(tail) - 1);
	assert_int_equal(netdev_parse(s, len, &list, &err), 0);
	assert_int_equal(list.n, 1);
	assert_int_equal(list.v[0].rx_bytes, 1);
	assert_int_equal(list.v[0].tx_bytes, 9);
	/* A megabyte-long name is refused, and the message stays short. */
	memset(s + 2, 'x', len - 2 - (sizeof(tail) - 1));
	memcpy(s, "Inter-|\n |\n", 11);
	s[len - sizeof(tail)] = ':';
	assert_int_equal(netdev_parse(s, len, &list, &err), -1);
	assert_non_null(strstr(err.msg, "is longer than 15 bytes"));
	assert_true(strlen(err.msg) < 120);
	/* A megabyte-long number is garbage, not a wrapped counter. */
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, '9', pad);
	assert_int_equal(netdev_parse(s, len, &list, &err), -1);
	assert_non_null(strstr(err.msg, "/proc/net/dev:3: eth0: bad number"));
	assert_true(strlen(err.msg) < 120);
	assert_int_equal(list.n, 0);
	netdev_list_free(&list);
	free(s);
}

static void
test_netdev_list_free_takes_null_and_empty(void **state)
{
	struct netdev_list list = {0};

	(void)state;
	netdev_list_free(NULL);
	netdev_list_free(&list);
	assert_null(list.v);
}

static void
test_netdev_rate_bps_rounds_to_nearest(void **state)
{
	(void)state;
	assert_int_equal(netdev_rate_bps(0, 1000, 1000000000), 8000);
	assert_int_equal(netdev_rate_bps(5, 5, 1000000000), 0);
	/* 8 bits in 3 s = 2.67 -> 3 */
	assert_int_equal(netdev_rate_bps(0, 1, 3000000000), 3);
	/* 8 bits in 16 s = 0.5 -> 1, half up */
	assert_int_equal(netdev_rate_bps(0, 1, 16000000000), 1);
	/* 8 bits in 16.000000001 s just under 0.5 -> 0 */
	assert_int_equal(netdev_rate_bps(0, 1, 16000000001), 0);
	/* 10^9 bits in 1.000001 s = 999999000.000999 -> 999999000 */
	assert_int_equal(netdev_rate_bps(0, 125000000, 1000001000), 999999000);
	/* 10^9 bits in 0.999999 s = 1000001000.001 -> 1000001000 */
	assert_int_equal(netdev_rate_bps(0, 125000000, 999999000), 1000001000);
	/* 12 bytes in 7 ns = 13714285714.29 -> 13714285714 */
	assert_int_equal(netdev_rate_bps(0, 12, 7), 13714285714);
	/* 11 bytes in 7 ns = 12571428571.43 -> 12571428571 */
	assert_int_equal(netdev_rate_bps(3, 14, 7), 12571428571);
	/* A counter near 2^64 keeps every bit. */
	assert_int_equal(
	    netdev_rate_bps(UINT64_MAX - 1000, UINT64_MAX, 1000000000), 8000);
}

static void
test_netdev_rate_bps_gives_no_value_when_time_did_not_pass(void **state)
{
	(void)state;
	assert_int_equal(netdev_rate_bps(0, 1000, 0), -1);
	assert_int_equal(netdev_rate_bps(0, 1000, -1000000000), -1);
	assert_int_equal(netdev_rate_bps(0, 1000, INT64_MIN), -1);
}

static void
test_netdev_rate_bps_gives_no_value_when_rate_overflows(void **state)
{
	(void)state;
	/* Over 8 s, the rate in bit/s equals the byte delta. */
	assert_true(netdev_rate_bps(0, INT64_MAX, 8000000000) == INT64_MAX);
	assert_int_equal(
	    netdev_rate_bps(0, (uint64_t)INT64_MAX + 1, 8000000000), -1);
	assert_int_equal(netdev_rate_bps(0, UINT64_MAX, 1), -1);
	/* The largest delta over the longest time: (2^64-1) * 8e9 / (2^63-1).
	 */
	assert_true(netdev_rate_bps(0, UINT64_MAX, INT64_MAX) == 16000000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_netdev_parse_reads_real_capture_in_kernel_order),
	    cmocka_unit_test(
	        test_netdev_parse_follows_interfaces_coming_and_going),
	    cmocka_unit_test(test_netdev_parse_reuses_list_when_called_again),
	    cmocka_unit_test(
	        test_netdev_rate_bps_gives_no_value_when_counter_was_reset),
	    cmocka_unit_test(test_netdev_parse_takes_15_byte_name),
	    cmocka_unit_test(test_netdev_parse_refuses_16_byte_name),
	    cmocka_unit_test(test_netdev_parse_refuses_line_without_colon),
	    cmocka_unit_test(test_netdev_parse_refuses_15_numbers),
	    cmocka_unit_test(test_netdev_parse_refuses_bad_number),
	    cmocka_unit_test(test_netdev_parse_refuses_empty_name),
	    cmocka_unit_test(test_netdev_parse_refuses_torn_last_line),
	    cmocka_unit_test(test_netdev_parse_refuses_missing_header),
	    cmocka_unit_test(test_netdev_parse_refuses_bad_names),
	    cmocka_unit_test(
	        test_netdev_parse_refuses_input_shorter_than_header),
	    cmocka_unit_test(
	        test_netdev_parse_takes_header_only_as_no_interfaces),
	    cmocka_unit_test(
	        test_netdev_parse_takes_numbers_glued_to_colon_when_kernel_is_2_4),
	    cmocka_unit_test(
	        test_netdev_parse_handles_line_longer_than_any_buffer),
	    cmocka_unit_test(test_netdev_list_free_takes_null_and_empty),
	    cmocka_unit_test(test_netdev_rate_bps_rounds_to_nearest),
	    cmocka_unit_test(
	        test_netdev_rate_bps_gives_no_value_when_time_did_not_pass),
	    cmocka_unit_test(
	        test_netdev_rate_bps_gives_no_value_when_rate_overflows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
