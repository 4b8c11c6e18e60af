/* parse.c - strict decimal parsing in the manner of OpenBSD's strtonum() */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "parse.h"

#include <errno.h>
#include <stddef.h>

int
parse_uint_n(const char *s, size_t len, uint64_t min, uint64_t max,
    uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	/* strtoull takes blanks, signs and "0x"; our inputs may not. */
	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9) {
			errno = EINVAL;
			return -1;
		}
		if (v > (UINT64_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	if (v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	size_t len = 0;

	while (s[len] != '\0')
		len++;
	return parse_uint_n(s, len, min, max, out);
}
