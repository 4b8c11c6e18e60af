/* test_ctlproto.c - resmond's control protocol, both directions */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "ctlproto.h"

#include <errno.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static int
parse(const char *line, struct ctl_request *req, struct errmsg *err)
{
	return ctlproto_parse_request(line, strlen(line), req, err);
}

static void
test_ctlproto_parses_every_request(void **state)
{
	struct ctl_request req;
	struct errmsg err;

	(void)state;
	assert_int_equal(parse("status", &req, &err), 0);
	assert_int_equal(req.cmd, CTL_STATUS);
	assert_int_equal(parse("stop", &req, &err), 0);
	assert_int_equal(req.cmd, CTL_STOP);
	assert_int_equal(parse("start", &req, &err), 0);
	assert_int_equal(req.cmd, CTL_START);
	assert_int_equal(req.interval_s, 0);
	assert_int_equal(parse("start 3600", &req, &err), 0);
	assert_int_equal(req.interval_s, 3600);
}

static void
test_ctlproto_refuses_malformed_requests(void **state)
{
	static const char *bad[] = {"", "STATUS", "status ", "stop now",
	    "start 0", "start 3601", "start -1", "start  5", "start 5s",
	    "start 99999999999999999999", "startx", "sta", "status\r"};
	struct ctl_request req;
	struct errmsg err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &req, &err) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(err.code, EINVAL);
	}
	assert_int_equal(parse("start 0", &req, &err), -1);
	assert_string_equal(err.msg, "bad interval \"0\" (1-3600 seconds)");
}

static void
test_ctlproto_request_round_trips(void **state)
{
	struct ctl_request in = {CTL_START, 17}, out;
	struct errmsg err;
	char buf[32];
	size_t len;

	(void)state;
	len = ctlproto_format_request(&in, buf, sizeof(buf));
	assert_string_equal(buf, "start 17\n");
	assert_int_equal(ctlproto_parse_request(buf, len - 1, &out, &err), 0);
	assert_int_equal(out.cmd, CTL_START);
	assert_int_equal(out.interval_s, 17);
}

static void
test_ctlproto_status_round_trips(void **state)
{
	static struct ctl_status in, out;
	static char buf[CTLPROTO_MAX_REPLY];
	struct errmsg err;
	size_t len;

	(void)state;
	in.recording = true;
	in.interval_s = 5;
	in.since = 1795766400;
	strcpy(in.file, "/var/lib/resmon/telemetry/2026-11-27.csv");
	in.rows_written = 86400;
	in.rows_dropped = 3;
	in.clock_steps = 2;
	in.late_reads = 1;
	in.backlog = 7;
	in.last_sample = 1795852799;
	strcpy(in.last_error, "telemetry/2026-11-27.csv: write: No space left");
	in.pid = 4242;
	strcpy(in.data_dir, "/var/lib/resmon/telemetry");
	len = ctlproto_format_status(&in, buf, sizeof(buf));
	assert_true(strncmp(buf, "ok\nrecording 1\n", 15) == 0);
	assert_string_equal(buf + len - 2, "\n\n");
	assert_int_equal(ctlproto_parse_reply(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
}

static void
test_ctlproto_keeps_control_characters_out_of_values(void **state)
{
	static struct ctl_status in, out;
	static char buf[CTLPROTO_MAX_REPLY];
	struct errmsg err;
	size_t len;

	(void)state;
	/* A file name with a newline must not forge a key of its own. */
	strcpy(in.last_error, "x\nrecording 1\n\n");
	len = ctlproto_format_status(&in, buf, sizeof(buf));
	assert_int_equal(ctlproto_parse_reply(buf, len, &out, &err), 0);
	assert_false(out.recording);
	assert_string_equal(out.last_error, "x recording 1  ");
}

static void
test_ctlproto_reports_server_errors_with_codes(void **state)
{
	struct ctl_status st;
	struct errmsg err;
	char buf[256];
	size_t len;

	(void)state;
	len = ctlproto_format_error("busy",
	    "telemetry: recorded by another process (pid 7)", buf, sizeof(buf));
	assert_string_equal(buf,
	    "error busy telemetry: recorded by another process (pid 7)\n\n");
	assert_int_equal(ctlproto_parse_reply(buf, len, &st, &err), -1);
	assert_int_equal(err.code, EBUSY);
	assert_string_equal(err.msg,
	    "telemetry: recorded by another process (pid 7)");
	len = ctlproto_format_error("usage", "nope", buf, sizeof(buf));
	assert_int_equal(ctlproto_parse_reply(buf, len, &st, &err), -1);
	assert_int_equal(err.code, EINVAL);
}

static void
test_ctlproto_refuses_replies_that_are_not_the_protocol(void **state)
{
	static const char *bad[] = {"", "\n", "HTTP/1.1 200 OK\n\n",
	    "ok\nrecording 1\n", "ok\nrecording\n\n", "ok\nrows_written -1\n\n",
	    "ok\nrecording yes\n\n"};
	struct ctl_status st;
	struct errmsg err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ctlproto_parse_reply(bad[i], strlen(bad[i]), &st, &err) !=
		    -1)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(err.code, EPROTO);
	}
}

static void
test_ctlproto_skips_unknown_keys(void **state)
{
	static const char reply[] = "ok\nfuture_key some value\npid 9\n\n";
	struct ctl_status st;
	struct errmsg err;

	(void)state;
	assert_int_equal(ctlproto_parse_reply(reply, strlen(reply), &st, &err),
	    0);
	assert_int_equal(st.pid, 9);
}

static void
test_ctlproto_cuts_a_reply_that_does_not_fit(void **state)
{
	static struct ctl_status in, out;
	char buf[200];
	struct errmsg err;
	size_t len;

	(void)state;
	memset(in.file, 'f', sizeof(in.file) - 1);
	len = ctlproto_format_status(&in, buf, sizeof(buf));
	assert_true(len < sizeof(buf));
	assert_string_equal(buf + len - 2, "\n\n");
	assert_int_equal(ctlproto_parse_reply(buf, len, &out, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctlproto_parses_every_request),
	    cmocka_unit_test(test_ctlproto_refuses_malformed_requests),
	    cmocka_unit_test(test_ctlproto_request_round_trips),
	    cmocka_unit_test(test_ctlproto_status_round_trips),
	    cmocka_unit_test(
	        test_ctlproto_keeps_control_characters_out_of_values),
	    cmocka_unit_test(test_ctlproto_reports_server_errors_with_codes),
	    cmocka_unit_test(
	        test_ctlproto_refuses_replies_that_are_not_the_protocol),
	    cmocka_unit_test(test_ctlproto_skips_unknown_keys),
	    cmocka_unit_test(test_ctlproto_cuts_a_reply_that_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
