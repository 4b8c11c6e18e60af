/* ctlproto.h - resmond's control protocol: one request line, one reply */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_CTLPROTO_H
#define RESMON_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "errmsg.h"

/*
 * The protocol, over a unix stream socket (one exchange per connection):
 *
 *   request  = ("status" | "start" [" " SECONDS] | "stop") "\n"
 *              at most CTLPROTO_MAX_REQUEST bytes, "\n" included
 *   reply    = "ok\n" *(KEY " " VALUE "\n") "\n"
 *            | "error " CODE " " MESSAGE "\n\n"
 *   CODE     = "usage" (a bad request) | "busy" (another process records
 *              the folder) | "failed" (anything else)
 *
 * start and stop are idempotent and answer like status; start SECONDS
 * sets the interval (1-3600) from the next boundary on. VALUEs hold no
 * control characters; unknown KEYs are skipped by readers, so keys can
 * be added without breaking older clients.
 */
#define CTLPROTO_MAX_REQUEST 64
#define CTLPROTO_MAX_REPLY 16384

enum ctl_cmd { CTL_STATUS, CTL_START, CTL_STOP };

struct ctl_request {
	enum ctl_cmd cmd;
	unsigned interval_s; /* start only; 0 keeps the interval */
};

/* What status reports (SPEC §3 GET /api/v1/recorder). */
struct ctl_status {
	bool recording;
	unsigned interval_s;
	time_t since; /* when recording began; 0 when stopped */
	char file[4096];
	unsigned long rows_written, rows_dropped, clock_steps, late_reads;
	unsigned long backlog;
	time_t last_sample; /* newest row's time; 0 before one */
	char last_error[ERRMSG_MAX];
	long pid;
	char data_dir[4096];
};

/*
 * Parses a request line of len bytes, without its "\n". Returns 0, or -1
 * with err set (EINVAL "unknown request \"x\"", "bad interval ...").
 */
int ctlproto_parse_request(const char *line, size_t len,
    struct ctl_request *req, struct errmsg *err);

/* Writes req as a line into buf. Returns its length; cannot fail with cap
 * >= 32. */
size_t ctlproto_format_request(const struct ctl_request *req, char *buf,
    size_t cap);

/* Writes the "ok" reply for st into buf. Returns its length (< cap). */
size_t ctlproto_format_status(const struct ctl_status *st, char *buf,
    size_t cap);

/* Writes an error reply; code is "usage", "busy" or "failed". Returns its
 * length. */
size_t ctlproto_format_error(const char *code, const char *msg, char *buf,
    size_t cap);

/*
 * Parses a whole reply. Returns 0 with st filled, or -1 with err set:
 * the server's error (EINVAL usage, EBUSY busy, EIO failed) with its
 * message, or EPROTO for a reply that is not the protocol.
 */
int ctlproto_parse_reply(const char *buf, size_t len, struct ctl_status *st,
    struct errmsg *err);

#endif
