/* daytail.h - the last complete row of a day file, read from its end */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYTAIL_H
#define RESMON_DAYTAIL_H

#include <sys/types.h>

struct dayheader;
struct dayrow;
struct errmsg;
struct daytail;

/* Returns a reader for daytail_read(), to free with daytail_free(). */
struct daytail *daytail_new(void);

/*
 * Reads the header and the last complete row of the day file open on fd,
 * as it is now, with a few pread(2)s: the first line and the last 4 KiB,
 * going further back only for a longer line; never the whole file (a day
 * of 1 s rows is ~10 MB). name is used in messages. Tolerates what a
 * writer leaves mid-append (SPEC §2): a last line lacking '\n', or a
 * last line with the wrong cell count or an unclosed quote, is left out
 * and the line before it taken. Refuses the rest with -1 and err set:
 * EINVAL "NAME:1: problem" for a bad header, "NAME: line at byte N:
 * problem" for a bad row (lines are not counted from the end), "NAME:
 * line at byte N: longer than 1048576 bytes"; an errno value for a
 * failed read. Either way it replaces what the last read found.
 */
int daytail_read(struct daytail *dt, int fd, const char *name,
    struct errmsg *err);

/*
 * The header of the last successful read, or NULL when the file had none
 * (empty, or a torn first line). Owned by dt, valid until its next read.
 */
const struct dayheader *daytail_header(const struct daytail *dt);

/*
 * The last complete row of the last successful read, or NULL when there
 * was none; lineno is 0 (not counted). Owned by dt, valid until its next
 * read.
 */
const struct dayrow *daytail_row(const struct daytail *dt);

/* Byte offset where that row's line starts; -1 without a row. */
off_t daytail_row_offset(const struct daytail *dt);

/* Frees dt; NULL does nothing. */
void daytail_free(struct daytail *dt);

#endif
