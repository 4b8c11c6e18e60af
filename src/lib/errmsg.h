/* errmsg.h - an errno code plus one human message, filled by library calls */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_ERRMSG_H
#define RESMON_ERRMSG_H

#include <stddef.h>

#define ERRMSG_MAX 512

/*
 * Library calls take an optional struct errmsg *; on failure they set
 * code (an errno value callers branch on) and msg, shaped
 * "subject[:line]: what[: reason]", lower case, no final period.
 */
struct errmsg {
	int code;
	char msg[ERRMSG_MAX];
	const char *src_file; /* where it was set, shown only with -v */
	int src_line;
};

/* Fills err (may be NULL) and returns -1: "return ERRMSG_SET(...)". */
#define ERRMSG_SET(err, code, ...)                                             \
	errmsg_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

int errmsg_set(struct errmsg *err, int code, const char *src_file, int src_line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prefixes err's message with "what: " (a path or call), keeping its code. */
int errmsg_prefix(struct errmsg *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Bytes of untrusted text a message shows; the rest becomes "...". */
#define ERRMSG_QUOTE_MAX 64
/* Room for ERRMSG_QUOTE_MAX bytes written as \xNN, "..." and a NUL. */
#define ERRMSG_QUOTE_SIZE (ERRMSG_QUOTE_MAX * 4 + 4)

/*
 * Writes the first ERRMSG_QUOTE_MAX of len bytes at s into buf for a
 * message: printable ASCII as is, anything else (quote and backslash
 * too) as \xNN, so untrusted text can neither end a quoted string nor
 * carry bad UTF-8 into a JSON problem body. Returns buf. Cannot fail.
 */
const char *errmsg_quote(const char *s, size_t len,
    char buf[ERRMSG_QUOTE_SIZE]);

#endif
