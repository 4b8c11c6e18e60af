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
 * Returns the exit status.
 */
int recording_run(struct recording *rec, struct logsink log,
    void (*after_tick)(void *ctx, struct recorder *r), void *ctx);

/* Frees what parse allocated. */
void recording_free(struct recording *rec);

/* Set by SIGINT/SIGTERM once recording_run installed its handlers. */
extern volatile sig_atomic_t recording_stop;

#endif
