/* recorder.h - the sampling loop resmon record, live and resmond share */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_RECORDER_H
#define RESMON_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "errmsg.h"
#include "logsink.h"

struct clock;
struct row;

struct recorder_config {
	const char *data_dir;
	const char *proc_root; /* "/proc"; a fixture folder in tests */
	unsigned interval_s;   /* 1..3600 */
	unsigned sync_interval_s;
	size_t backlog;           /* rows held while the disk refuses them */
	size_t max_ifaces;        /* interfaces recorded per day */
	unsigned keep_days;       /* day files kept; 0 keeps all */
	char *const *iface_globs; /* all interfaces when none */
	size_t n_iface_globs;
	char *const *exclude_globs;
	size_t n_exclude_globs;
	const struct clock *clock;
	struct logsink log;
};

struct recorder_status {
	unsigned interval_s;
	time_t since;    /* when recording began */
	char file[4096]; /* the day file being written, "" before one */
	unsigned long rows_written, rows_dropped, clock_steps, late_reads;
	size_t backlog;     /* rows waiting for the disk */
	time_t last_sample; /* time of the newest row made, 0 before one */
	char last_error[ERRMSG_MAX]; /* "" when none */
};

struct recorder;

/*
 * Creates data_dir if missing (not its parents), takes its writer lock,
 * opens /proc and today's file if there is one (so a restart never writes
 * a time twice; a new file is made with its first row) and reads a
 * baseline. cf, and the strings it points to, must outlive
 * the recorder. Returns a recorder to free with recorder_close(), or NULL
 * with err set (EWOULDBLOCK names the PID holding the folder).
 */
struct recorder *recorder_open(const struct recorder_config *cf,
    struct errmsg *err);

/*
 * CLOCK_MONOTONIC time (ns) at which recorder_tick() wants to run: the
 * next read, or sooner while rows wait for a widening rewrite.
 */
int64_t recorder_deadline(const struct recorder *r);

/* Sleeps until recorder_deadline(). Returns 0, or -1 with errno EINTR. */
int recorder_wait(struct recorder *r);

/*
 * At a boundary: reads /proc, makes a row for the interval that ended
 * and writes what the disk takes; before one, only writes held rows. Never
 * fails: a failure is logged (once, then every 10 minutes), counted and kept in
 * status, and rows wait in the backlog.
 */
void recorder_tick(struct recorder *r);

/*
 * Sets the interval from the next boundary on: the read already
 * scheduled happens, and the one after it falls on a multiple of the new
 * interval. Cannot fail (interval_s 1..3600).
 */
void recorder_set_interval(struct recorder *r, unsigned interval_s);

/*
 * Takes a reloaded configuration with the same data_dir and proc_root:
 * globs, max_ifaces, backlog, sync_interval, keep_days, log and the
 * interval (as recorder_set_interval). cf replaces the one given to
 * recorder_open and must outlive the recorder in its turn.
 */
void recorder_reconfigure(struct recorder *r, const struct recorder_config *cf);

/*
 * The newest row made (written or waiting), owned by the recorder and
 * valid until the next recorder_tick(); NULL before the first.
 */
const struct row *recorder_last_row(const struct recorder *r);

/* Fills st; cannot fail. */
void recorder_status(const struct recorder *r, struct recorder_status *st);

/*
 * Writes what it can of the backlog, syncs, releases the lock and frees.
 * Returns 0, or -1 with err set when rows were lost or a sync failed.
 * NULL does nothing.
 */
int recorder_close(struct recorder *r, struct errmsg *err);

#endif
