/* meminfo.c - pick MemTotal, MemFree and MemAvailable out of /proc/meminfo */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "meminfo.h"

#include <errno.h>
#include <string.h>

#include "errmsg.h"
#include "parse.h"

/* A value is shown in a message at most this long; input may be any size. */
#define MEMINFO_SHOW_MAX 32

enum meminfo_key { MEM_TOTAL, MEM_FREE, MEM_AVAILABLE, MEM_NKEYS };

/* In enum meminfo_key's order. */
static const char *const meminfo_names[MEM_NKEYS] = {"MemTotal", "MemFree",
    "MemAvailable"};

static int
show_len(size_t len)
{
	return (int)(len < MEMINFO_SHOW_MAX ? len : MEMINFO_SHOW_MAX);
}

/* Returns the key line[0..len) starts with ("Name:"), or MEM_NKEYS. */
static enum meminfo_key
meminfo_key_of(const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	size_t klen;
	int k;

	if (colon == NULL)
		return MEM_NKEYS;
	klen = (size_t)(colon - line);
	for (k = 0; k < MEM_NKEYS; k++)
		if (strlen(meminfo_names[k]) == klen &&
		    memcmp(line, meminfo_names[k], klen) == 0)
			return k;
	return MEM_NKEYS;
}

/*
 * Parses the value of a wanted line: "Name:" then the blanks the kernel
 * pads with, digits, " kB". Returns 0, or -1 with err set.
 */
static int
meminfo_value(const char *line, size_t len, int lineno, enum meminfo_key k,
    uint64_t *out, struct errmsg *err)
{
	size_t i = strlen(meminfo_names[k]) + 1, start;

	while (i < len && line[i] == ' ')
		i++;
	start = i;
	while (i < len && line[i] >= '0' && line[i] <= '9')
		i++;
	if (i == start || len - i != 3 || memcmp(line + i, " kB", 3) != 0)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/meminfo:%d: %s: expected kB, got \"%.*s\"", lineno,
		    meminfo_names[k], show_len(len - start), line + start);
	/*
	 * No host has 2^64 bytes: a larger value is garbage, and the limit
	 * lets callers multiply by 1024 for bytes without overflow.
	 */
	if (parse_uint_n(line + start, i - start, 0, UINT64_MAX / 1024, out) ==
	    -1)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/meminfo:%d: %s: %.*s kB is out of range", lineno,
		    meminfo_names[k], show_len(i - start), line + start);
	return 0;
}

int
meminfo_parse(const char *buf, size_t len, struct meminfo *out,
    struct errmsg *err)
{
	uint64_t v[MEM_NKEYS] = {0};
	int seen[MEM_NKEYS] = {0};
	const char *p = buf, *end = buf + len, *nl;
	enum meminfo_key k;
	int lineno = 0;

	for (; p < end; p = nl + 1) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		/* The kernel ends every line; a line without '\n' was torn. */
		if (nl == NULL)
			return ERRMSG_SET(err, EINVAL,
			    "/proc/meminfo:%d: line lacks a newline", lineno);
		/* Other lines vary between kernels; only ours are checked. */
		k = meminfo_key_of(p, (size_t)(nl - p));
		if (k == MEM_NKEYS)
			continue;
		if (seen[k])
			return ERRMSG_SET(err, EINVAL,
			    "/proc/meminfo:%d: %s given twice", lineno,
			    meminfo_names[k]);
		if (meminfo_value(p, (size_t)(nl - p), lineno, k, &v[k], err) ==
		    -1)
			return -1;
		seen[k] = 1;
	}
	for (k = MEM_TOTAL; k <= MEM_FREE; k++)
		if (!seen[k])
			return ERRMSG_SET(err, EINVAL, "/proc/meminfo: no %s",
			    meminfo_names[k]);
	out->total_kib = v[MEM_TOTAL];
	out->free_kib = v[MEM_FREE];
	out->available_kib = v[MEM_AVAILABLE];
	out->has_available = seen[MEM_AVAILABLE] != 0;
	return 0;
}
