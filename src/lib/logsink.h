/* logsink.h - where library code sends what an operator should read */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_LOGSINK_H
#define RESMON_LOGSINK_H

#include <stdint.h>
#include <syslog.h>

/*
 * The library never prints: the program decides where messages go
 * (stderr for the journal, a status line in the live view). fn NULL
 * discards. level is a syslog priority (LOG_ERR, LOG_WARNING, LOG_INFO).
 */
struct logsink {
	void (*fn)(void *ctx, int level, const char *msg);
	void *ctx;
};

void logsink_printf(const struct logsink *log, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A failing cause (disk full, a vanished folder) is logged once, then
 * every 10 minutes with a count, and once when it clears (SPEC §2), so a
 * day of ENOSPC is a handful of lines, not 86,400.
 */
struct faultlog {
	const char *what;     /* "writing rows", names the activity */
	int active;           /* a failure not yet cleared */
	unsigned long count;  /* failures since it began */
	unsigned long logged; /* count at the last message */
	int64_t last_log_ns;  /* mono time of the last message */
};

#define FAULTLOG_REPEAT_NS (INT64_C(600) * 1000000000)

/* Records a failure at mono time now_ns; logs per the rule above. */
void faultlog_fail(struct faultlog *fl, const struct logsink *log,
    int64_t now_ns, const char *msg);

/* Records a success; logs once if a failure was active. */
void faultlog_clear(struct faultlog *fl, const struct logsink *log);

#endif
