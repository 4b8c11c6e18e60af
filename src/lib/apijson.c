/* apijson.c - the JSON objects `resmon ... --json` and the API both give */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "apijson.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ctlproto.h"
#include "daylist.h"
#include "daysummary.h"
#include "xalloc.h"

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * Writes s as a JSON string (RFC 8259): quotes, backslashes and control
 * bytes escaped, a byte that is not UTF-8 (a name is any bytes the
 * kernel took) as U+FFFD, so the output always parses.
 */
char *
apijson_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, out_len = 0;
	char *out;

	/* U+FFFD is 3 bytes: at most 3 per byte in. */
	out = xreallocarray(NULL, 3, n + 1);
	while (n > 0) {
		len = utf8_len(p, n);
		if (len == 0) {
			memcpy(out + out_len, "\xef\xbf\xbd", 3);
			out_len += 3;
			len = 1;
		} else {
			memcpy(out + out_len, p, len);
			out_len += len;
		}
		p += len;
		n -= len;
	}
	out[out_len] = '\0';
	return out;
}

struct json_object *
apijson_string(const char *s)
{
	struct json_object *o;
	char *text = apijson_utf8(s);

	o = json_object_new_string(text);
	free(text);
	return o;
}

static struct json_object *
time_or_null(time_t t)
{
	return t != 0 ? json_object_new_int64((int64_t)t) : NULL;
}

static struct json_object *
string_or_null(const char *s)
{
	return s[0] != '\0' ? json_object_new_string(s) : NULL;
}

struct json_object *
apijson_status(const struct ctl_status *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "recording",
	    json_object_new_boolean(st->recording));
	json_object_object_add(o, "interval_s",
	    json_object_new_int64(st->interval_s));
	json_object_object_add(o, "since", time_or_null(st->since));
	json_object_object_add(o, "file", string_or_null(st->file));
	json_object_object_add(o, "rows_written",
	    json_object_new_int64((int64_t)st->rows_written));
	json_object_object_add(o, "rows_dropped",
	    json_object_new_int64((int64_t)st->rows_dropped));
	json_object_object_add(o, "backlog",
	    json_object_new_int64((int64_t)st->backlog));
	json_object_object_add(o, "clock_steps",
	    json_object_new_int64((int64_t)st->clock_steps));
	json_object_object_add(o, "late_reads",
	    json_object_new_int64((int64_t)st->late_reads));
	json_object_object_add(o, "last_sample", time_or_null(st->last_sample));
	json_object_object_add(o, "last_error", string_or_null(st->last_error));
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	json_object_object_add(o, "data_dir",
	    json_object_new_string(st->data_dir));
	return o;
}

static struct json_object *
time_cell_or_null(const char *cell)
{
	return cell[0] != '\0' ? json_object_new_string(cell) : NULL;
}

struct json_object *
apijson_daylist(const struct daylist *l)
{
	struct json_object *days, *day, *ifaces;
	const struct daysummary *s;
	const struct dayentry *e;
	char date[DAYDATE_LEN + 1];
	size_t i, j;

	days = json_object_new_array_ext((int)l->n);
	for (i = 0; i < l->n; i++) {
		e = &l->days[i];
		s = e->summary;
		daydate_format(&e->date, date);
		day = json_object_new_object();
		json_object_object_add(day, "date",
		    json_object_new_string(date));
		json_object_object_add(day, "size_bytes",
		    json_object_new_int64((int64_t)e->size));
		json_object_object_add(day, "rows",
		    s != NULL ? json_object_new_int64(s->rows) : NULL);
		json_object_object_add(day, "first_time",
		    s != NULL ? time_cell_or_null(s->first_time) : NULL);
		json_object_object_add(day, "last_time",
		    s != NULL ? time_cell_or_null(s->last_time) : NULL);
		ifaces = NULL;
		if (s != NULL) {
			ifaces = json_object_new_array_ext((int)s->n_ifaces);
			for (j = 0; j < s->n_ifaces; j++)
				json_object_array_add(ifaces,
				    apijson_string(s->ifaces[j]));
		}
		json_object_object_add(day, "interfaces", ifaces);
		if (s == NULL)
			json_object_object_add(day, "error",
			    apijson_string(e->err.msg));
		json_object_array_add(days, day);
	}
	return days;
}
