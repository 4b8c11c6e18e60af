/* backlog.h - rows sampled but not yet written, oldest first */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_BACKLOG_H
#define RESMON_BACKLOG_H

#include <stddef.h>

struct row;

/*
 * A ring of at most cap rows. While the disk refuses writes the recorder
 * keeps sampling into it; when full, the oldest row is dropped and
 * counted (SPEC §2: backlog, rows_dropped).
 */
struct backlog {
	struct row **ring;
	size_t slots; /* allocated, grown up to cap as needed */
	size_t cap, head, len;
	unsigned long dropped;
};

/* cap 0 keeps one row: the one being written. Cannot fail. */
void backlog_init(struct backlog *bl, size_t cap);
/* Sets a new capacity, dropping (and counting) the oldest rows over it. */
void backlog_resize(struct backlog *bl, size_t cap);
/* Frees every row held and the ring. */
void backlog_free(struct backlog *bl);
/* Takes ownership of row; drops (frees) the oldest when full. */
void backlog_push(struct backlog *bl, struct row *row);
/* The oldest row, still owned by the backlog, or NULL. */
struct row *backlog_peek(const struct backlog *bl);
/* Removes and frees the oldest row. */
void backlog_pop(struct backlog *bl);

#endif
