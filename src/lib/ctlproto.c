/* ctlproto.c - resmond's control protocol: parse and format its lines */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "ctlproto.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

int
ctlproto_parse_request(const char *line, size_t len, struct ctl_request *req,
    struct errmsg *err)
{
	uint64_t v;

	req->interval_s = 0;
	if (len == 6 && memcmp(line, "status", 6) == 0) {
		req->cmd = CTL_STATUS;
		return 0;
	}
	if (len == 4 && memcmp(line, "stop", 4) == 0) {
		req->cmd = CTL_STOP;
		return 0;
	}
	if (len >= 5 && memcmp(line, "start", 5) == 0) {
		req->cmd = CTL_START;
		if (len == 5)
			return 0;
		if (line[5] != ' ' ||
		    parse_uint_n(line + 6, len - 6, 1, 3600, &v) == -1)
			return ERRMSG_SET(err, EINVAL,
			    "bad interval \"%.*s\" (1-3600 seconds)",
			    (int)(len > 6 ? len - 6 : 0), line + 6);
		req->interval_s = (unsigned)v;
		return 0;
	}
	return ERRMSG_SET(err, EINVAL,
	    "unknown request \"%.*s\" (status, start [SECONDS], stop)",
	    (int)(len > 32 ? 32 : len), line);
}

size_t
ctlproto_format_request(const struct ctl_request *req, char *buf, size_t cap)
{
	int n;

	switch (req->cmd) {
	case CTL_START:
		n = req->interval_s
		        ? snprintf(buf, cap, "start %u\n", req->interval_s)
		        : snprintf(buf, cap, "start\n");
		break;
	case CTL_STOP:
		n = snprintf(buf, cap, "stop\n");
		break;
	default:
		n = snprintf(buf, cap, "status\n");
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}

/*
 * Appends text with control characters made blanks, stopping short of
 * the last 3 bytes: every line's "\n" and the reply's final "\n\0" must
 * fit whatever came before (a value too long for the reply is cut).
 */
static size_t
put_text(char *buf, size_t cap, size_t used, const char *text)
{
	size_t i;

	for (i = 0; text[i] != '\0' && used + 3 < cap; i++)
		buf[used++] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f
		                  ? ' '
		                  : text[i];
	return used;
}

/* Appends "key value\n", or nothing when not even the key fits. */
static size_t
put_kv(char *buf, size_t cap, size_t used, const char *key, const char *value)
{
	if (used + strlen(key) + 1 + 3 > cap)
		return used;
	used = put_text(buf, cap, used, key);
	used = put_text(buf, cap, used, " ");
	used = put_text(buf, cap, used, value);
	buf[used++] = '\n';
	return used;
}

static size_t
put_num(char *buf, size_t cap, size_t used, const char *key, long long v)
{
	char num[32];

	(void)snprintf(num, sizeof(num), "%lld", v);
	return put_kv(buf, cap, used, key, num);
}

enum ctl_field_type { CF_BOOL, CF_ULONG, CF_UINT, CF_TIME, CF_LONG, CF_TEXT };

static const struct ctl_field {
	const char *key;
	enum ctl_field_type type;
	size_t offset, size;
} ctl_fields[] = {
#define F(key, type, field)                                                    \
	{                                                                      \
		key, type, offsetof(struct ctl_status, field),                 \
		    sizeof(((struct ctl_status *)0)->field)                    \
	}
    F("recording", CF_BOOL, recording),
    F("interval_s", CF_UINT, interval_s),
    F("since", CF_TIME, since),
    F("file", CF_TEXT, file),
    F("rows_written", CF_ULONG, rows_written),
    F("rows_dropped", CF_ULONG, rows_dropped),
    F("clock_steps", CF_ULONG, clock_steps),
    F("late_reads", CF_ULONG, late_reads),
    F("backlog", CF_ULONG, backlog),
    F("last_sample", CF_TIME, last_sample),
    F("last_error", CF_TEXT, last_error),
    F("pid", CF_LONG, pid),
    F("data_dir", CF_TEXT, data_dir),
#undef F
};

/* Reads field f of st as a number (any but CF_TEXT). */
static long long
ctl_get_number(const struct ctl_status *st, const struct ctl_field *f)
{
	const char *src = (const char *)st + f->offset;

	switch (f->type) {
	case CF_BOOL:
		return *(const bool *)src;
	case CF_UINT:
		return *(const unsigned *)src;
	case CF_TIME:
		return (long long)*(const time_t *)src;
	case CF_LONG:
		return *(const long *)src;
	default:
		return (long long)*(const unsigned long *)src;
	}
}

size_t
ctlproto_format_status(const struct ctl_status *st, char *buf, size_t cap)
{
	const struct ctl_field *f;
	size_t used = 3, i;

	memcpy(buf, "ok\n", 3);
	/* The table the parser reads by: both ends always agree. */
	for (i = 0; i < sizeof(ctl_fields) / sizeof(ctl_fields[0]); i++) {
		f = &ctl_fields[i];
		if (f->type == CF_TEXT)
			used = put_kv(buf, cap, used, f->key,
			    (const char *)st + f->offset);
		else
			used = put_num(buf, cap, used, f->key,
			    ctl_get_number(st, f));
	}
	buf[used++] = '\n';
	buf[used] = '\0';
	return used;
}

size_t
ctlproto_format_error(const char *code, const char *msg, char *buf, size_t cap)
{
	size_t used = put_text(buf, cap, 0, "error ");

	used = put_text(buf, cap, used, code);
	used = put_kv(buf, cap, used, "", msg);
	buf[used++] = '\n';
	buf[used] = '\0';
	return used;
}

/* Stores value into the field key names; unknown keys are skipped. */
static int
ctl_set_field(struct ctl_status *st, const char *key, size_t klen,
    const char *value, size_t vlen)
{
	const struct ctl_field *f;
	char *dst;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ctl_fields) / sizeof(ctl_fields[0]); i++) {
		f = &ctl_fields[i];
		if (strlen(f->key) != klen || memcmp(f->key, key, klen) != 0)
			continue;
		dst = (char *)st + f->offset;
		if (f->type == CF_TEXT) {
			if (vlen >= f->size)
				vlen = f->size - 1;
			memcpy(dst, value, vlen);
			dst[vlen] = '\0';
			return 0;
		}
		if (parse_uint_n(value, vlen, 0, INT64_MAX, &v) == -1)
			return -1;
		switch (f->type) {
		case CF_BOOL:
			*(bool *)dst = v != 0;
			break;
		case CF_UINT:
			*(unsigned *)dst =
			    v > UINT32_MAX ? UINT32_MAX : (unsigned)v;
			break;
		case CF_TIME:
			*(time_t *)dst = (time_t)v;
			break;
		case CF_LONG:
			*(long *)dst = (long)v;
			break;
		default:
			*(unsigned long *)dst = (unsigned long)v;
			break;
		}
		return 0;
	}
	return 0;
}

int
ctlproto_parse_reply(const char *buf, size_t len, struct ctl_status *st,
    struct errmsg *err)
{
	const char *p = buf, *end = buf + len, *nl, *sp;
	bool first = true;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if (nl == p) /* the empty line ends a reply */
			return first ? ERRMSG_SET(err, EPROTO, "empty reply")
			             : 0;
		if (first) {
			first = false;
			if (nl - p == 2 && memcmp(p, "ok", 2) == 0) {
				p = nl + 1;
				continue;
			}
			if (nl - p > 6 && memcmp(p, "error ", 6) == 0) {
				const char *code = p + 6;
				int e = EIO;

				sp = memchr(code, ' ', (size_t)(nl - code));
				if (sp == NULL)
					sp = nl;
				if (sp - code == 5 &&
				    memcmp(code, "usage", 5) == 0)
					e = EINVAL;
				else if (sp - code == 4 &&
				         memcmp(code, "busy", 4) == 0)
					e = EBUSY;
				return ERRMSG_SET(err, e, "%.*s",
				    (int)(sp < nl ? nl - sp - 1 : 0),
				    sp < nl ? sp + 1 : sp);
			}
			return ERRMSG_SET(err, EPROTO, "reply not understood");
		}
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp == NULL || ctl_set_field(st, p, (size_t)(sp - p), sp + 1,
		                      (size_t)(nl - sp - 1)) == -1)
			return ERRMSG_SET(err, EPROTO,
			    "bad reply line \"%.*s\"",
			    (int)(nl - p > 64 ? 64 : nl - p), p);
		p = nl + 1;
	}
	return ERRMSG_SET(err, EPROTO, "reply cut short");
}
