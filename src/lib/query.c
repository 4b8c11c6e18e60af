/* query.c - split, percent-decode and check an API query string */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "query.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "xalloc.h"

/* Bytes of an untrusted name or value shown in a message. */

struct query_pair {
	const char *name; /* decoded, in q->buf */
	const char *value;
};

struct query {
	char *buf; /* the query string, decoded in place */
	struct query_pair *pairs;
	size_t n_pairs, cap;
};

enum decode_fault {
	DECODE_OK,
	DECODE_ESCAPE,
	DECODE_CONTROL,
};

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes the len bytes at s in place (the result is never
 * longer) and writes a NUL after the result, at s[len] at most. Returns
 * DECODE_OK, or the fault with *at the offset in s of the bad escape or
 * of the control character (typed raw or escaped), *byte its value.
 */
static enum decode_fault
decode(char *s, size_t len, size_t *at, unsigned char *byte)
{
	size_t r, w = 0;
	int hi, lo;

	for (r = 0; r < len; r++) {
		unsigned char c = (unsigned char)s[r];

		*at = r;
		if (c == '%') {
			if (len - r < 3 || (hi = hex_value(s[r + 1])) < 0 ||
			    (lo = hex_value(s[r + 2])) < 0)
				return DECODE_ESCAPE;
			c = (unsigned char)(hi * 16 + lo);
			r += 2;
		}
		/* A NUL would cut the value short; the others corrupt logs. */
		if (c < 0x20 || c == 0x7f) {
			*byte = c;
			return DECODE_CONTROL;
		}
		s[w++] = (char)c;
	}
	s[w] = '\0';
	return DECODE_OK;
}

/* Bytes of a bad escape to show: the "%" and up to two more. */
static size_t
escape_len(size_t len, size_t at)
{
	return len - at < 3 ? len - at : 3;
}

static int
query_add_pair(struct query *q, char *piece, size_t len, const char *raw,
    const struct query_param *allowed, size_t n_allowed, bool *seen,
    const char **bad, struct errmsg *err)
{
	char shown[ERRMSG_QUOTE_SIZE], shown_name[ERRMSG_QUOTE_SIZE];
	char *eq = memchr(piece, '=', len);
	size_t name_len = eq != NULL ? (size_t)(eq - piece) : len;
	const char *pname;
	unsigned char byte = 0;
	size_t at = 0, i;
	char *value;

	switch (decode(piece, name_len, &at, &byte)) {
	case DECODE_ESCAPE:
		return ERRMSG_SET(err, EINVAL,
		    "bad escape \"%s\" in parameter name \"%s\"",
		    errmsg_quote(raw + at, escape_len(name_len, at), shown),
		    errmsg_quote(raw, name_len, shown_name));
	case DECODE_CONTROL:
		return ERRMSG_SET(err, EINVAL,
		    "control character \\x%02x in parameter name \"%s\"", byte,
		    errmsg_quote(raw, name_len, shown_name));
	case DECODE_OK:
		break;
	}
	for (i = 0; i < n_allowed; i++)
		if (strcmp(allowed[i].name, piece) == 0)
			break;
	if (i == n_allowed)
		return ERRMSG_SET(err, EINVAL, "unknown parameter \"%s\"",
		    errmsg_quote(piece, strlen(piece), shown));

	pname = allowed[i].name;
	*bad = pname;
	if (eq == NULL || name_len + 1 == len)
		return ERRMSG_SET(err, EINVAL, "parameter \"%s\" has no value",
		    pname);
	value = eq + 1;
	raw += name_len + 1;
	len -= name_len + 1;
	switch (decode(value, len, &at, &byte)) {
	case DECODE_ESCAPE:
		return ERRMSG_SET(err, EINVAL,
		    "parameter \"%s\" has a bad escape \"%s\"", pname,
		    errmsg_quote(raw + at, escape_len(len, at), shown));
	case DECODE_CONTROL:
		return ERRMSG_SET(err, EINVAL,
		    "parameter \"%s\" has a control character \\x%02x", pname,
		    byte);
	case DECODE_OK:
		break;
	}
	if (seen[i] && !allowed[i].repeatable)
		return ERRMSG_SET(err, EINVAL, "parameter \"%s\" given twice",
		    pname);
	seen[i] = true;
	*bad = NULL;

	if (q->n_pairs == q->cap) {
		q->cap = q->cap == 0 ? 8 : q->cap * 2;
		q->pairs = xreallocarray(q->pairs, q->cap, sizeof(*q->pairs));
	}
	q->pairs[q->n_pairs].name = piece;
	q->pairs[q->n_pairs].value = value;
	q->n_pairs++;
	return 0;
}

struct query *
query_parse(const char *qs, const struct query_param *allowed, size_t n_allowed,
    const char **bad_param, struct errmsg *err)
{
	const char *bad = NULL;
	struct query *q;
	char *piece;
	bool *seen;
	size_t len;
	bool last;

	if (qs == NULL)
		qs = "";
	q = xcalloc(1, sizeof(*q));
	q->buf = xstrdup(qs);
	seen = xcalloc(n_allowed, sizeof(*seen));
	/* Offsets in q->buf are offsets in qs: messages quote the raw text. */
	for (piece = q->buf;; piece += len + 1) {
		len = strcspn(piece, "&");
		last = piece[len] == '\0';
		piece[len] = '\0';
		if (len > 0 &&
		    query_add_pair(q, piece, len, qs + (piece - q->buf),
		        allowed, n_allowed, seen, &bad, err) == -1)
			goto fail;
		if (last)
			break;
	}
	free(seen);
	if (bad_param != NULL)
		*bad_param = NULL;
	return q;

fail:
	free(seen);
	query_free(q);
	if (bad_param != NULL)
		*bad_param = bad;
	return NULL;
}

void
query_free(struct query *q)
{
	if (q == NULL)
		return;
	free(q->pairs);
	free(q->buf);
	free(q);
}

const char *
query_get_nth(const struct query *q, const char *name, size_t i)
{
	size_t k;

	for (k = 0; k < q->n_pairs; k++)
		if (strcmp(q->pairs[k].name, name) == 0 && i-- == 0)
			return q->pairs[k].value;
	return NULL;
}

const char *
query_get(const struct query *q, const char *name)
{
	return query_get_nth(q, name, 0);
}

size_t
query_count(const struct query *q, const char *name)
{
	size_t k, n = 0;

	for (k = 0; k < q->n_pairs; k++)
		if (strcmp(q->pairs[k].name, name) == 0)
			n++;
	return n;
}
