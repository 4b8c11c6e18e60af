/* test_conf.c - resmon.conf parsing: every key, every way to get one wrong */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "conf.h"

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

static void
test_conf_has_spec_defaults(void **state)
{
	struct conf cf;

	(void)state;
	conf_init(&cf);
	assert_int_equal(cf.interval_s, 1);
	assert_int_equal(cf.sync_interval_s, 60);
	assert_int_equal(cf.backlog, 3600);
	assert_int_equal(cf.max_ifaces, 64);
	assert_int_equal(cf.keep_days, 0);
	assert_null(cf.data_dir);
	conf_free(&cf);
}

static void
test_conf_reads_every_key_of_the_shipped_file(void **state)
{
	char *path = testutil_fixture("conf/shipped.conf");
	struct errmsg err;
	struct conf cf;

	(void)state;
	conf_init(&cf);
	assert_int_equal(conf_load(&cf, path, &err), 0);
	assert_string_equal(cf.data_dir, "/var/lib/resmon/telemetry");
	assert_string_equal(cf.cache_dir, "/var/cache/resmon");
	assert_string_equal(cf.socket, "/run/resmon/resmond.sock");
	assert_string_equal(cf.token_file, "/etc/resmon/api-token");
	assert_int_equal(cf.keep_days, 31);
	assert_int_equal(cf.workers, 2);
	assert_int_equal(cf.n_exclude, 3);
	assert_string_equal(cf.exclude[0], "veth*");
	assert_string_equal(cf.exclude[1], "docker*");
	assert_string_equal(cf.exclude[2], "br-*");
	assert_int_equal(cf.n_iface, 1);
	conf_free(&cf);
	free(path);
}

/* Loads conf/FIXTURE, expecting an error naming file, line and problem. */
static void
assert_conf_refused(const char *fixture, int code, const char *want)
{
	char *path = testutil_fixture("conf/%s", fixture);
	struct errmsg err;
	struct conf cf;

	conf_init(&cf);
	assert_int_equal(conf_load(&cf, path, &err), -1);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, want) == NULL || strstr(err.msg, path) == NULL)
		fail_msg("\"%s\" lacks \"%s\" or the path", err.msg, want);
	conf_free(&cf);
	free(path);
}

static void
test_conf_refuses_an_unknown_key_naming_file_and_line(void **state)
{
	(void)state;
	assert_conf_refused("unknown-key.conf", EINVAL,
	    ":2: unknown key \"bogus\"");
}

static void
test_conf_refuses_bad_numbers_naming_the_range(void **state)
{
	(void)state;
	assert_conf_refused("bad-interval.conf", EINVAL,
	    ":3: bad interval \"0\" (1-3600)");
	assert_conf_refused("negative.conf", EINVAL,
	    ":2: bad max_ifaces \"-5\"");
	assert_conf_refused("huge.conf", EINVAL, ":1: bad keep_days");
}

static void
test_conf_refuses_lines_without_a_value(void **state)
{
	(void)state;
	assert_conf_refused("no-equals.conf", EINVAL,
	    ":1: expected \"key = value\"");
	assert_conf_refused("empty-path.conf", EINVAL, ":1: empty data_dir");
	assert_conf_refused("empty-globs.conf", EINVAL, ":1: empty exclude");
}

static void
test_conf_reports_a_missing_file(void **state)
{
	(void)state;
	assert_conf_refused("does-not-exist.conf", ENOENT,
	    "No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf_has_spec_defaults),
	    cmocka_unit_test(test_conf_reads_every_key_of_the_shipped_file),
	    cmocka_unit_test(
	        test_conf_refuses_an_unknown_key_naming_file_and_line),
	    cmocka_unit_test(test_conf_refuses_bad_numbers_naming_the_range),
	    cmocka_unit_test(test_conf_refuses_lines_without_a_value),
	    cmocka_unit_test(test_conf_reports_a_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
