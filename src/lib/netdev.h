/* netdev.h - per-interface byte counters of /proc/net/dev */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_NETDEV_H
#define RESMON_NETDEV_H

#include <stddef.h>
#include <stdint.h>

struct errmsg;

#define IFACE_NAME_MAX 15 /* IFNAMSIZ - 1 */

struct netdev_iface {
	char name[IFACE_NAME_MAX + 1];
	uint64_t rx_bytes, tx_bytes;
};

/* A list the caller owns: start it zeroed, free with netdev_list_free(). */
struct netdev_list {
	size_t n, cap;
	struct netdev_iface *v;
};

/*
 * Parses /proc/net/dev held in buf[0..len) into list, replacing what it
 * held, in the kernel's order. Returns 0, or -1 with err set (EINVAL:
 * "/proc/net/dev:LINE: ..." for a malformed line or a name over 15 bytes)
 * and the list emptied.
 */
int netdev_parse(const char *buf, size_t len, struct netdev_list *list,
    struct errmsg *err);

/* Frees what list holds and zeroes it; NULL or empty does nothing. */
void netdev_list_free(struct netdev_list *list);

/*
 * Bits per second for a byte counter that went from before to after in
 * elapsed_ns, rounded to the nearest integer. Returns -1 (no value) when
 * the counter went backwards, elapsed_ns <= 0, or the rate overflows.
 */
int64_t netdev_rate_bps(uint64_t before, uint64_t after, int64_t elapsed_ns);

#endif
