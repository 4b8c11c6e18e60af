/* parse.h - strict number parsing, the one way numbers enter resmon */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_PARSE_H
#define RESMON_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses all of s as a decimal unsigned integer in [min, max]: no sign,
 * no blanks, no trailing text. Returns 0, or -1 with errno EINVAL (not a
 * number) or ERANGE (outside the range); *out is untouched on failure.
 */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* As parse_uint, but for the first len bytes of s, which need no NUL. */
int parse_uint_n(const char *s, size_t len, uint64_t min, uint64_t max,
    uint64_t *out);

#endif
