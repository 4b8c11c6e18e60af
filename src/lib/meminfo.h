/* meminfo.h - MemTotal, MemFree and MemAvailable of /proc/meminfo */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_MEMINFO_H
#define RESMON_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct errmsg;

struct meminfo {
	uint64_t total_kib, free_kib, available_kib;
	bool has_available; /* MemAvailable exists since Linux 3.14 */
};

/*
 * Parses /proc/meminfo held in buf[0..len). MemTotal and MemFree are
 * required. A value is at most UINT64_MAX / 1024, so callers may multiply
 * by 1024 for bytes. Returns 0, or -1 with err set (EINVAL:
 * "/proc/meminfo: ...") and out untouched.
 */
int meminfo_parse(const char *buf, size_t len, struct meminfo *out,
    struct errmsg *err);

#endif
