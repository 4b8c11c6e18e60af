/* live.h - private to resmon live: a folder another process records */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_LIVE_H
#define RESMON_LIVE_H

#include <sys/types.h>
#include <time.h>

#include "errmsg.h"

enum follow_state {
	FOLLOW_SHOWING, /* a fresh row */
	FOLLOW_WAITING, /* no file yet, or no complete row in it */
	FOLLOW_STALE,   /* the newest row is older than two intervals */
	FOLLOW_FAILED,  /* the file could not be read */
};

/* Display-only mode: another recorder holds the folder; show its rows. */
struct follow {
	const char *data_dir;
	int dirfd;
	pid_t holder; /* 0 once nobody holds the folder */
	struct daytail *dt;
	struct row *row; /* the newest row read; NULL before one */
	time_t step_s;   /* smallest step between rows seen; 0 before two */
	char *file;      /* today's file, as shown */
	enum follow_state state;
	char note[ERRMSG_MAX]; /* what the screen says about the file */
};

/* Display-only mode on data_dir. Returns 0, or -1 after saying why. */
int follow_open(struct follow *fw, const char *data_dir);

/*
 * Looks at the folder at time now: who holds it, the newest row of
 * today's file (following midnight), and whether it is stale (older than
 * twice interval_s, or twice the recorder's own step once two rows
 * showed it). Sets state and note. Returns the newest row when it is new
 * since the last call (owned by fw, valid until the next), else NULL.
 */
const struct row *follow_poll(struct follow *fw, unsigned interval_s,
    time_t now);

void follow_close(struct follow *fw);

#endif
