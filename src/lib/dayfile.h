/* dayfile.h - append whole rows to one day's CSV, repair and widen it */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYFILE_H
#define RESMON_DAYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct daydate;
struct errmsg;
struct logsink;
struct row;

struct dayfile;

/*
 * Opens DIR/YYYY-MM-DD.csv of date for appending, creating it if
 * missing. An existing file is read once with the day reader: a torn or
 * short last line is cut off; a file that cannot be parsed is renamed
 * YYYY-MM-DD.csv.bad-<now> (never deleted) and a new one started. Both
 * are reported through log. dirfd stays the caller's and must outlive
 * the dayfile. Returns a dayfile the caller closes with dayfile_close(),
 * or NULL with err set.
 */
struct dayfile *dayfile_open(int dirfd, const char *dir_name,
    const struct daydate *date, time_t now, const struct logsink *log,
    struct errmsg *err);

/*
 * Writes row as one line with one write(2), cells in the file's column
 * order (matched by interface name). An interface of the row with a value
 * and no column starts a rewrite of the file with a wider header in a
 * thread, so sampling never waits for it. Returns 0 when written, 1 when
 * not yet (a rewrite is under way: call again later with the same row),
 * -1 with err set when the write failed (nothing of it stays in the
 * file) or the row's time is not after the last row's (EINVAL).
 */
int dayfile_append(struct dayfile *df, const struct row *row,
    struct errmsg *err);

/* fdatasync(2) of what was written. Returns 0 or -1 with err set. */
int dayfile_sync(struct dayfile *df, struct errmsg *err);

/* Whether the file was removed under us, so writes would be lost. */
bool dayfile_vanished(struct dayfile *df);

/* Time of the last row in the file, 0 when it has none. */
time_t dayfile_last_time(const struct dayfile *df);

/* "DIR/YYYY-MM-DD.csv", valid while df is open. */
const char *dayfile_path(const struct dayfile *df);

/*
 * Waits for a rewrite under way, syncs and closes. Returns 0, or -1 with
 * err set (the file is closed all the same). NULL does nothing.
 */
int dayfile_close(struct dayfile *df, struct errmsg *err);

#endif
