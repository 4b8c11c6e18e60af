/* fuzz_ctlproto.c - libFuzzer target: resmond's control protocol, a request
 * line and a reply, each parsed and sent back through its formatter */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "ctlproto.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input's first line is a request (as resmond cuts it at "\n"); the
 * whole input is also a reply (as resmon and resmon-fcgi read one). */

/* Whether a formatted reply keeps the protocol: lines of no control
 * characters, the last one empty. */
static void
check_reply_text(const char *buf, size_t len)
{
	size_t i;

	FUZZ_CHECK(len >= 2 && len < CTLPROTO_MAX_REPLY);
	FUZZ_CHECK(buf[len] == '\0');
	FUZZ_CHECK(buf[len - 1] == '\n' && buf[len - 2] == '\n');
	for (i = 0; i < len; i++)
		FUZZ_CHECK(buf[i] == '\n' ||
		           ((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f));
	/* One empty line only, at the end: a reader stops at the first. */
	FUZZ_CHECK(memmem(buf, len, "\n\n", 2) == buf + len - 2);
}

static void
fuzz_request(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl != NULL ? (size_t)(nl - data) : size;
	struct ctl_request req, back;
	char buf[CTLPROTO_MAX_REPLY];
	struct ctl_status st;
	struct errmsg err, err2;
	size_t n;

	if (ctlproto_parse_request((const char *)data, len, &req, &err) == 0) {
		FUZZ_CHECK(req.cmd == CTL_START || req.interval_s == 0);
		FUZZ_CHECK(req.interval_s <= 3600);
		n = ctlproto_format_request(&req, buf, 32);
		FUZZ_CHECK(n > 1 && n < 32 && buf[n - 1] == '\n');
		FUZZ_CHECK(
		    ctlproto_parse_request(buf, n - 1, &back, &err2) == 0);
		FUZZ_CHECK(
		    back.cmd == req.cmd && back.interval_s == req.interval_s);
		return;
	}
	FUZZ_CHECK(err.code == EINVAL);
	/* resmond answers "error usage MESSAGE": the client reads it back. */
	n = ctlproto_format_error("usage", err.msg, buf, sizeof(buf));
	check_reply_text(buf, n);
	FUZZ_CHECK(ctlproto_parse_reply(buf, n, &st, &err2) == -1);
	FUZZ_CHECK(err2.code == EINVAL);
	FUZZ_CHECK(strlen(err2.msg) == strlen(err.msg));
}

/* A status survives formatting and parsing: the second pass changes
 * nothing the first did not. */
static void
check_status_round_trip(const struct ctl_status *st)
{
	static char a[CTLPROTO_MAX_REPLY], b[CTLPROTO_MAX_REPLY];
	static struct ctl_status back;
	struct errmsg err;
	size_t na, nb;

	FUZZ_CHECK(memchr(st->file, '\0', sizeof(st->file)) != NULL);
	FUZZ_CHECK(
	    memchr(st->last_error, '\0', sizeof(st->last_error)) != NULL);
	FUZZ_CHECK(memchr(st->data_dir, '\0', sizeof(st->data_dir)) != NULL);
	na = ctlproto_format_status(st, a, sizeof(a));
	check_reply_text(a, na);
	FUZZ_CHECK(ctlproto_parse_reply(a, na, &back, &err) == 0);
	FUZZ_CHECK(
	    back.recording == st->recording &&
	    back.interval_s == st->interval_s && back.since == st->since &&
	    back.rows_written == st->rows_written &&
	    back.rows_dropped == st->rows_dropped &&
	    back.clock_steps == st->clock_steps &&
	    back.late_reads == st->late_reads && back.backlog == st->backlog &&
	    back.last_sample == st->last_sample && back.pid == st->pid);
	nb = ctlproto_format_status(&back, b, sizeof(b));
	FUZZ_CHECK(na == nb && memcmp(a, b, na) == 0);
}

static void
check_error_round_trip(const struct errmsg *err)
{
	static char buf[CTLPROTO_MAX_REPLY];
	const char *code = err->code == EINVAL  ? "usage"
	                   : err->code == EBUSY ? "busy"
	                                        : "failed";
	struct ctl_status st;
	struct errmsg back;
	size_t n;

	n = ctlproto_format_error(code, err->msg, buf, sizeof(buf));
	check_reply_text(buf, n);
	FUZZ_CHECK(ctlproto_parse_reply(buf, n, &st, &back) == -1);
	FUZZ_CHECK(back.code == err->code);
	FUZZ_CHECK(strlen(back.msg) == strlen(err->msg));
}

static void
fuzz_reply(const uint8_t *data, size_t size)
{
	static struct ctl_status st;
	struct errmsg err;

	if (ctlproto_parse_reply((const char *)data, size, &st, &err) == 0) {
		check_status_round_trip(&st);
		return;
	}
	FUZZ_CHECK(err.code == EINVAL || err.code == EBUSY || err.code == EIO ||
	           err.code == EPROTO);
	FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (err.code != EPROTO)
		check_error_round_trip(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request(data, size);
	fuzz_reply(data, size);
	return 0;
}
