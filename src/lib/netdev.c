/* netdev.c - byte counters of /proc/net/dev and the bit rates between them */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "netdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "errmsg.h"
#include "parse.h"
#include "xalloc.h"

#define NETDEV_HEADER_LINES 2
/* 8 receive counters, then 8 transmit ones; bytes come first in each. */
#define NETDEV_FIELDS 16
#define NETDEV_RX_BYTES 0
#define NETDEV_TX_BYTES 8

/* A name or number is shown in a message at most this long. */
#define NETDEV_SHOW_MAX 32

static int
show_len(size_t len)
{
	return (int)(len < NETDEV_SHOW_MAX ? len : NETDEV_SHOW_MAX);
}

/* Parses the name and numbers of one counters line; returns 0 or -1. */
static int
netdev_parse_line(const char *line, size_t len, int lineno,
    struct netdev_iface *out, struct errmsg *err)
{
	const char *colon, *name, *p, *end = line + len, *tok;
	size_t namelen, nfields = 0, toklen, i;
	uint64_t v, rx = 0, tx = 0;

	/* The kernel refuses ':' in names, so the first one ends the name. */
	colon = memchr(line, ':', len);
	if (colon == NULL)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/net/dev:%d: no ':' after an interface name", lineno);
	/* Names are right-aligned by "%6s": short ones lead with blanks. */
	for (name = line; name < colon && *name == ' '; name++)
		;
	namelen = (size_t)(colon - name);
	if (namelen == 0)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/net/dev:%d: empty interface name", lineno);
	if (namelen > IFACE_NAME_MAX)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/net/dev:%d: interface name \"%.*s\" is longer than "
		    "%d bytes",
		    lineno, show_len(namelen), name, IFACE_NAME_MAX);
	/* dev_valid_name() refuses these, and a day file's columns need it. */
	for (i = 0; i < namelen; i++)
		if (name[i] == '/' || name[i] == ' ' || name[i] == '\t' ||
		    name[i] == '\r' || name[i] == '\v' || name[i] == '\f')
			return ERRMSG_SET(err, EINVAL,
			    "/proc/net/dev:%d: bad interface name \"%.*s\"",
			    lineno, show_len(namelen), name);
	for (p = colon + 1;;) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		/* Linux 2.4 printed "eth0:123", so no blank is required. */
		tok = p;
		while (p < end && *p != ' ')
			p++;
		toklen = (size_t)(p - tok);
		if (parse_uint_n(tok, toklen, 0, UINT64_MAX, &v) == -1)
			return ERRMSG_SET(err, EINVAL,
			    "/proc/net/dev:%d: %.*s: bad number \"%.*s\"",
			    lineno, (int)namelen, name, show_len(toklen), tok);
		if (nfields == NETDEV_RX_BYTES)
			rx = v;
		else if (nfields == NETDEV_TX_BYTES)
			tx = v;
		/* Columns a later kernel might append are checked, not used. */
		nfields++;
	}
	if (nfields < NETDEV_FIELDS)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/net/dev:%d: %.*s: %zu numbers, need %d", lineno,
		    (int)namelen, name, nfields, NETDEV_FIELDS);
	memcpy(out->name, name, namelen);
	out->name[namelen] = '\0';
	out->rx_bytes = rx;
	out->tx_bytes = tx;
	return 0;
}

/*
 * Walks the lines of buf: checks them all and counts the interfaces
 * into *n; also stores them in v when it is not NULL. Returns 0 or -1.
 */
int
netdev_parse(const char *buf, size_t len, struct netdev_list *list,
    struct errmsg *err)
{
	const char *p, *end = buf + len, *nl;
	int lineno = 0;

	/* One pass, storing as it goes: a refused file empties the list. */
	list->n = 0;
	for (p = buf; p < end; p = nl + 1) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		/* The kernel ends every line; a line without '\n' was torn. */
		if (nl == NULL)
			goto torn;
		/* Both header lines draw columns with '|', counters never. */
		if (lineno <= NETDEV_HEADER_LINES) {
			if (memchr(p, '|', (size_t)(nl - p)) == NULL) {
				list->n = 0;
				return ERRMSG_SET(err, EINVAL,
				    "/proc/net/dev:%d: not the header", lineno);
			}
			continue;
		}
		if (list->n == list->cap) {
			list->cap = list->cap ? list->cap * 2 : 16;
			list->v =
			    xreallocarray(list->v, list->cap, sizeof(*list->v));
		}
		if (netdev_parse_line(p, (size_t)(nl - p), lineno,
		        &list->v[list->n], err) == -1) {
			list->n = 0;
			return -1;
		}
		list->n++;
	}
	if (lineno < NETDEV_HEADER_LINES) {
		list->n = 0;
		return ERRMSG_SET(err, EINVAL, "/proc/net/dev: no header");
	}
	return 0;
torn:
	list->n = 0;
	return ERRMSG_SET(err, EINVAL, "/proc/net/dev:%d: line lacks a newline",
	    lineno);
}

void
netdev_list_free(struct netdev_list *list)
{
	if (list == NULL)
		return;
	free(list->v);
	memset(list, 0, sizeof(*list));
}

int64_t
netdev_rate_bps(uint64_t before, uint64_t after, int64_t elapsed_ns)
{
	unsigned __int128 bit_ns, rate;

	/* Backwards is a re-created interface or a driver reset: no value. */
	if (after < before || elapsed_ns <= 0)
		return -1;
	/* At most 2^64 bytes * 8 * 10^9 < 2^97: exact in 128 bits. */
	bit_ns = (unsigned __int128)(after - before) * 8 * NS_PER_S;
	rate = (bit_ns + (uint64_t)elapsed_ns / 2) / (uint64_t)elapsed_ns;
	if (rate > INT64_MAX)
		return -1;
	return (int64_t)rate;
}
