/* recording.h - private to resmon: what record and live share */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_RECORDING_H
#define RESMON_RECORDING_H

#include <signal.h>
#include <stdint.h>

#include "conf.h"
#include "recorder.h"

struct recording {
	struct conf conf;
	const char *data_dir;
	uint64_t for_s; /* 0: until a signal */
	struct recorder_config rc;
	struct recorder *r; /* from recording_open() until the loop ends */
};

/* What the loops call; any function may be NULL. */
struct recording_hooks {
	/* After every read (r the recorder), or every interval (r NULL)
	 * when only following another recorder's file. */
	void (*tick)(void *ctx, struct recorder *r);
	/* When a signal other than SIGINT or SIGTERM (a SIGWINCH) cut a
	 * sleep short. */
	void (*woken)(void *ctx);
	void *ctx;
};

/*
 * Parses `resmon CMD` options (SPEC §6, record and live alike) and the
 * config file given with --config. Returns 0, or the exit status after
 * printing why (EXIT_USAGE), or -1 after --help or --version (exit 0).
 */
int recording_parse(const char *cmd, int argc, char **argv,
    struct recording *rec);

/*
 * Records until --for runs out or SIGINT/SIGTERM, calling after_tick
 * (may be NULL) after every read. log receives the recorder's messages.
 * Returns the exit status: recording_open(), then recording_loop().
 */
int recording_run(struct recording *rec, struct logsink log,
    void (*after_tick)(void *ctx, struct recorder *r), void *ctx);

/*
 * Installs the SIGINT/SIGTERM handlers and opens the recorder into
 * rec->r; log receives its messages. Returns 0, or -1 with err set:
 * EWOULDBLOCK when another recorder holds the folder (`live` then only
 * follows its file), another errno value for anything else.
 */
int recording_open(struct recording *rec, struct logsink log,
    struct errmsg *err);

/*
 * Records with rec->r until --for runs out or SIGINT/SIGTERM, then closes
 * it. Returns the exit status.
 */
int recording_loop(struct recording *rec, const struct recording_hooks *h);

/*
 * Without a recorder (after recording_open() failed with EWOULDBLOCK):
 * calls h->tick with r NULL at once, then just after every interval
 * boundary, when the recorder holding the folder has written its row,
 * until --for runs out or SIGINT/SIGTERM. Returns the exit status.
 */
int recording_follow(struct recording *rec, const struct recording_hooks *h);

/* Frees what parse allocated. */
void recording_free(struct recording *rec);

/* Set by SIGINT/SIGTERM once recording_run installed its handlers. */
extern volatile sig_atomic_t recording_stop;

#endif
