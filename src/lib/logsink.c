/* logsink.c - hand messages to the program's log, rate-limiting repeats */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "logsink.h"

#include <stdarg.h>
#include <stdio.h>

void
logsink_printf(const struct logsink *log, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log == NULL || log->fn == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->fn(log->ctx, level, msg);
}

void
faultlog_fail(struct faultlog *fl, const struct logsink *log, int64_t now_ns,
    const char *msg)
{
	fl->count++;
	if (!fl->active) {
		fl->active = 1;
		fl->count = 1;
		fl->logged = 1;
		fl->last_log_ns = now_ns;
		logsink_printf(log, LOG_ERR, "%s: %s", fl->what, msg);
		return;
	}
	if (now_ns - fl->last_log_ns >= FAULTLOG_REPEAT_NS) {
		logsink_printf(log, LOG_ERR,
		    "%s: %s (%lu failures in the last "
		    "%lld s)",
		    fl->what, msg, fl->count - fl->logged,
		    (long long)((now_ns - fl->last_log_ns) / 1000000000));
		fl->logged = fl->count;
		fl->last_log_ns = now_ns;
	}
}

void
faultlog_clear(struct faultlog *fl, const struct logsink *log)
{
	if (!fl->active)
		return;
	logsink_printf(log, LOG_INFO, "%s: working again after %lu failures",
	    fl->what, fl->count);
	fl->active = 0;
	fl->count = 0;
	fl->logged = 0;
}
