/* backlog.c - a bounded ring of rows waiting for the disk */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "backlog.h"

#include <stdlib.h>

#include "row.h"
#include "xalloc.h"

void
backlog_init(struct backlog *bl, size_t cap)
{
	bl->cap = cap > 0 ? cap : 1;
	/* Grown on demand: a healthy disk never needs more than a slot. */
	bl->ring = NULL;
	bl->slots = bl->head = bl->len = 0;
	bl->dropped = 0;
}

void
backlog_free(struct backlog *bl)
{
	while (bl->len > 0)
		backlog_pop(bl);
	free(bl->ring);
	bl->ring = NULL;
	bl->slots = 0;
}

void
backlog_resize(struct backlog *bl, size_t cap)
{
	struct row **ring;
	size_t i;

	cap = cap > 0 ? cap : 1;
	while (bl->len > cap) {
		backlog_pop(bl);
		bl->dropped++;
	}
	/* Unrolled into a ring of at most cap slots; grown again on demand. */
	ring = xreallocarray(NULL, bl->len > 0 ? bl->len : 1, sizeof(*ring));
	for (i = 0; i < bl->len; i++)
		ring[i] = bl->ring[(bl->head + i) % bl->slots];
	free(bl->ring);
	bl->ring = ring;
	bl->slots = bl->len > 0 ? bl->len : 1;
	bl->head = 0;
	bl->cap = cap;
}

/* Doubles the ring up to cap, unrolling it so head becomes 0. */
static void
backlog_grow(struct backlog *bl)
{
	size_t slots = bl->slots ? bl->slots * 2 : 4, i;
	struct row **ring;

	if (slots > bl->cap)
		slots = bl->cap;
	ring = xreallocarray(NULL, slots, sizeof(*ring));
	for (i = 0; i < bl->len; i++)
		ring[i] = bl->ring[(bl->head + i) % bl->slots];
	free(bl->ring);
	bl->ring = ring;
	bl->slots = slots;
	bl->head = 0;
}

void
backlog_push(struct backlog *bl, struct row *row)
{
	if (bl->len == bl->cap) {
		backlog_pop(bl);
		bl->dropped++;
	}
	if (bl->len == bl->slots)
		backlog_grow(bl);
	bl->ring[(bl->head + bl->len) % bl->slots] = row;
	bl->len++;
}

struct row *
backlog_peek(const struct backlog *bl)
{
	return bl->len > 0 ? bl->ring[bl->head] : NULL;
}

void
backlog_pop(struct backlog *bl)
{
	if (bl->len == 0)
		return;
	row_free(bl->ring[bl->head]);
	bl->head = (bl->head + 1) % bl->slots;
	bl->len--;
}
