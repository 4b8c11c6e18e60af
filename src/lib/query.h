/* query.h - strict parsing of an API request's query string (SPEC §3) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_QUERY_H
#define RESMON_QUERY_H

#include <stdbool.h>
#include <stddef.h>

struct errmsg;

/* One parameter a route takes; iface is the repeatable one. */
struct query_param {
	const char *name;
	bool repeatable;
};

/* The parameters of one request, decoded; opaque. */
struct query;

/*
 * Parses qs (QUERY_STRING; NULL or "" is no parameter) as "&"-separated
 * "name=value" pairs, keeping only names listed in allowed[0..n_allowed).
 * Empty pieces ("a=1&&b=2", a trailing "&") are skipped. A pair splits
 * at its first "=": later ones belong to the value. Names and values are
 * percent-decoded ("%2F" is "/", "%26" a "&" inside a value); "+" stays
 * a "+" (RFC 3986: a space only in HTML forms, and operators type
 * "from=...T10:00:00+04:00" raw). Bytes from 0x80 up pass unchanged.
 *
 * Returns a query the caller frees with query_free(), or NULL with err
 * EINVAL for the first bad pair from the left:
 *   unknown parameter "x"
 *   parameter "width" given twice        (not repeatable)
 *   parameter "x" has no value           (no "=", or nothing after it)
 *   parameter "x" has a bad escape "%4"  (not "%" and two hex digits)
 *   parameter "x" has a control character \x0a   (NUL, < 0x20, 0x7f)
 *   bad escape "%zz" in parameter name "..." (and the same for a control
 *   character in a name).
 * Untrusted bytes in messages are cut at 64 and escaped as \xNN when
 * not printable ASCII or a quote or backslash: the message is safe for
 * a JSON problem body.
 *
 * bad_param (may be NULL) tells which parameter failed, for the problem
 * body: on failure *bad_param is the name from allowed[] the bad pair
 * had, or NULL when the name itself is the problem (unknown or badly
 * escaped; the message names it). On success it is set to NULL. It
 * points into allowed[], never into qs.
 */
struct query *query_parse(const char *qs, const struct query_param *allowed,
    size_t n_allowed, const char **bad_param, struct errmsg *err);

/* Frees q; NULL does nothing. */
void query_free(struct query *q);

/*
 * The decoded value of name, the first one given for a repeatable name,
 * or NULL when absent. Valid until query_free(q). Cannot fail.
 */
const char *query_get(const struct query *q, const char *name);

/* How many times name was given (0 or 1 unless repeatable). O(pairs). */
size_t query_count(const struct query *q, const char *name);

/*
 * The i-th value (from 0, in the order given) of name, or NULL when
 * i >= query_count(q, name). Valid until query_free(q). O(pairs).
 */
const char *query_get_nth(const struct query *q, const char *name, size_t i);

#endif
