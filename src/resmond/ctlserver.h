/* ctlserver.h - private to resmond: control clients inside the poll loop */
/* SPDX-License-Identifier: MIT */
#ifndef RESMOND_CTLSERVER_H
#define RESMOND_CTLSERVER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctlproto.h"

#define CTLSERVER_MAX_CLIENTS 16
#define CTLSERVER_TIMEOUT_MS 2000 /* to send a whole request line */

/* Answers one parsed request into reply (CTLPROTO_MAX_REPLY bytes); returns its
 * length. */
typedef size_t (
    *ctlserver_handler)(void *ctx, const struct ctl_request *req, char *reply);

struct ctlclient {
	int fd;
	char buf[CTLPROTO_MAX_REQUEST];
	size_t len;
	int64_t deadline_ms;
	bool answered; /* reply sent; reading to end of file, then close */
};

/*
 * Clients are served one line each without ever blocking: resmond's
 * loop must be back in time for the next boundary whatever a client
 * does (connects and says nothing, sends a megabyte, vanishes).
 */
struct ctlserver {
	int listen_fd;
	struct ctlclient clients[CTLSERVER_MAX_CLIENTS];
	size_t n_clients;
	ctlserver_handler handler;
	void *ctx;
};

void ctlserver_init(struct ctlserver *cs, int listen_fd,
    ctlserver_handler handler, void *ctx);

/* Fills pfds (room for 1 + CTLSERVER_MAX_CLIENTS); returns how many. */
size_t ctlserver_pollfds(const struct ctlserver *cs, struct pollfd *pfds);

/* Milliseconds until the first client times out, -1 for none. */
int ctlserver_timeout_ms(const struct ctlserver *cs, int64_t now_ms);

/* Serves what poll reported in pfds[0..n) and drops timed-out clients. */
void ctlserver_serve(struct ctlserver *cs, const struct pollfd *pfds, size_t n,
    int64_t now_ms);

/* Closes every client and the listening socket. */
void ctlserver_close(struct ctlserver *cs);

#endif
