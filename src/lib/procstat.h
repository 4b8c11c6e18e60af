/* procstat.h - the aggregate CPU counters of /proc/stat */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_PROCSTAT_H
#define RESMON_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

struct errmsg;

/* USER_HZ ticks since boot, as the kernel's "cpu " line gives them. */
struct cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/*
 * Parses the first line of /proc/stat held in buf[0..len) ("cpu  ..."),
 * needing at least the eight fields up to steal (kernels since 2.6.11);
 * guest and guest_nice are ignored (user and nice include them).
 * Returns 0, or -1 with err set (EINVAL: "/proc/stat: ...").
 */
int procstat_parse(const char *buf, size_t len, struct cpu_times *out,
    struct errmsg *err);

/*
 * Busy share of all CPUs between two readings in hundredths of a
 * percent, 0..10000, per SPEC §2: a field that went backwards counts as
 * 0. Returns -1 when no tick passed (no value). Cannot fail otherwise.
 */
int procstat_busy_centi(const struct cpu_times *before,
    const struct cpu_times *after);

#endif
