/* errmsg.c - fill and prefix error messages for the library's callers */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "errmsg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
errmsg_set(struct errmsg *err, int code, const char *src_file, int src_line,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	err->src_file = src_file;
	err->src_line = src_line;
	va_start(ap, fmt);
	/* A longer message is cut at ERRMSG_MAX; it never overflows. */
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
errmsg_prefix(struct errmsg *err, const char *fmt, ...)
{
	char prefix[ERRMSG_MAX];
	size_t plen, mlen;
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 2);
	plen += 2;
	/* Keep what fits of the old message behind the prefix, NUL included. */
	mlen = strnlen(err->msg, sizeof(err->msg) - 1);
	if (plen + mlen >= sizeof(err->msg))
		mlen = sizeof(err->msg) - 1 - plen;
	memmove(err->msg + plen, err->msg, mlen);
	err->msg[plen + mlen] = '\0';
	memcpy(err->msg, prefix, plen);
	return -1;
}

const char *
errmsg_quote(const char *s, size_t len, char buf[ERRMSG_QUOTE_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	for (i = 0; i < len && i < ERRMSG_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 0xf];
		} else
			buf[n++] = (char)c;
	}
	if (len > ERRMSG_QUOTE_MAX) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}
