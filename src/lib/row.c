/* row.c - rows and the reference-counted interface sets they point into */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "row.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct colset *
colset_new(const struct daydate *date)
{
	struct colset *cs = xcalloc(1, sizeof(*cs));

	cs->refs = 1;
	cs->date = *date;
	return cs;
}

struct colset *
colset_ref(struct colset *cs)
{
	cs->refs++;
	return cs;
}

void
colset_unref(struct colset *cs)
{
	if (cs == NULL || --cs->refs > 0)
		return;
	free(cs->names);
	free(cs);
}

long
colset_find(const struct colset *cs, const char *name, size_t hint)
{
	size_t i;

	if (hint < cs->n && strcmp(cs->names[hint], name) == 0)
		return (long)hint;
	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->names[i], name) == 0)
			return (long)i;
	return -1;
}

size_t
colset_add(struct colset *cs, const char *name)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 8;
		cs->names =
		    xreallocarray(cs->names, cs->cap, sizeof(*cs->names));
	}
	memset(cs->names[cs->n], 0, sizeof(cs->names[cs->n]));
	strncpy(cs->names[cs->n], name, IFACE_NAME_MAX);
	return cs->n++;
}

struct row *
row_new(struct colset *cols, size_t n)
{
	struct row *row;
	size_t i;

	row = xmalloc(sizeof(*row) + n * sizeof(row->net[0]));
	memset(row, 0, sizeof(*row));
	row->cpu_centi = ROW_EMPTY;
	row->mem_total_kib = row->mem_free_kib = ROW_EMPTY;
	row->mem_available_kib = ROW_EMPTY;
	row->cols = colset_ref(cols);
	row->n_net = n;
	for (i = 0; i < n; i++)
		row->net[i].rx_bps = row->net[i].tx_bps = ROW_EMPTY;
	return row;
}

void
row_free(struct row *row)
{
	if (row == NULL)
		return;
	colset_unref(row->cols);
	free(row);
}

struct row *
row_dup(const struct row *row)
{
	struct row *copy = row_new(row->cols, row->n_net);

	copy->t = row->t;
	copy->date = row->date;
	copy->cpu_centi = row->cpu_centi;
	copy->mem_total_kib = row->mem_total_kib;
	copy->mem_free_kib = row->mem_free_kib;
	copy->mem_available_kib = row->mem_available_kib;
	memcpy(copy->net, row->net, row->n_net * sizeof(row->net[0]));
	return copy;
}
