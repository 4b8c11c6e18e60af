/* ctlserver.c - resmond's control clients, served inside its poll loop */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "ctlserver.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errmsg.h"

void
ctlserver_init(struct ctlserver *cs, int listen_fd, ctlserver_handler handler,
    void *ctx)
{
	memset(cs, 0, sizeof(*cs));
	cs->listen_fd = listen_fd;
	cs->handler = handler;
	cs->ctx = ctx;
}

size_t
ctlserver_pollfds(const struct ctlserver *cs, struct pollfd *pfds)
{
	size_t i;

	/* With every slot taken, new clients wait in the kernel's backlog. */
	pfds[0] = (struct pollfd){cs->listen_fd,
	    cs->n_clients < CTLSERVER_MAX_CLIENTS ? POLLIN : 0, 0};
	for (i = 0; i < cs->n_clients; i++)
		pfds[i + 1] = (struct pollfd){cs->clients[i].fd, POLLIN, 0};
	return cs->n_clients + 1;
}

int
ctlserver_timeout_ms(const struct ctlserver *cs, int64_t now_ms)
{
	int64_t first = -1, left;
	size_t i;

	for (i = 0; i < cs->n_clients; i++) {
		left = cs->clients[i].deadline_ms - now_ms;
		if (first == -1 || left < first)
			first = left < 0 ? 0 : left;
	}
	return (int)first;
}

/* Sends a reply the socket buffer takes at once: never waits. */
static void
ctlserver_send(int fd, const char *reply, size_t len)
{
	(void)send(fd, reply, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
ctlserver_drop(struct ctlserver *cs, size_t i)
{
	cs->clients[i] = cs->clients[--cs->n_clients];
}

/*
 * Accepts while there is a slot. When all are taken, further clients wait
 * in the listen backlog until one frees: slower, never refused.
 */
static void
ctlserver_accept(struct ctlserver *cs, int64_t now_ms)
{
	int fd;

	while (cs->n_clients < CTLSERVER_MAX_CLIENTS &&
	       (fd = accept4(cs->listen_fd, NULL, NULL,
	            SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1)
		cs->clients[cs->n_clients++] = (struct ctlclient){fd, {0}, 0,
		    now_ms + CTLSERVER_TIMEOUT_MS, false};
}

/* Reads what client i sent; answers and closes once a line is whole. */
static void
ctlserver_read(struct ctlserver *cs, size_t i)
{
	static char reply[CTLPROTO_MAX_REPLY];
	struct ctlclient *c = &cs->clients[i];
	struct ctl_request req;
	struct errmsg err;
	char *nl;
	ssize_t n;
	size_t len;

	/* After the reply, what the client still sends is read and dropped. */
	if (c->answered) {
		n = recv(c->fd, c->buf, sizeof(c->buf), 0);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			(void)close(c->fd);
			ctlserver_drop(cs, i);
		}
		return;
	}
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		(void)close(c->fd);
		ctlserver_drop(cs, i);
		return;
	}
	c->len += (size_t)n;
	nl = memchr(c->buf, '\n', c->len);
	if (nl == NULL && c->len < sizeof(c->buf))
		return;
	/* Length checked before any field is looked at (cf. ntpd's imsg). */
	if (nl == NULL)
		len = ctlproto_format_error("usage",
		    "request line over 64 bytes", reply, sizeof(reply));
	else if (ctlproto_parse_request(c->buf, (size_t)(nl - c->buf), &req,
	             &err) == -1)
		len = ctlproto_format_error("usage", err.msg, reply,
		    sizeof(reply));
	else
		len = cs->handler(cs->ctx, &req, reply);
	ctlserver_send(c->fd, reply, len);
	/*
	 * Closing with unread bytes would reset the connection and lose
	 * the reply (an oversized request): end our side, drain theirs.
	 */
	(void)shutdown(c->fd, SHUT_WR);
	c->answered = true;
}

void
ctlserver_serve(struct ctlserver *cs, const struct pollfd *pfds, size_t n,
    int64_t now_ms)
{
	size_t i;

	/* Backwards, so dropping client i (swapped with the last) is safe. */
	for (i = n; i-- > 1;) {
		if (pfds[i].revents != 0)
			ctlserver_read(cs, i - 1);
		else if (cs->clients[i - 1].deadline_ms <= now_ms) {
			(void)close(cs->clients[i - 1].fd);
			ctlserver_drop(cs, i - 1);
		}
	}
	if (pfds[0].revents & POLLIN)
		ctlserver_accept(cs, now_ms);
}

void
ctlserver_close(struct ctlserver *cs)
{
	size_t i;

	for (i = 0; i < cs->n_clients; i++)
		(void)close(cs->clients[i].fd);
	cs->n_clients = 0;
	if (cs->listen_fd != -1)
		(void)close(cs->listen_fd);
	cs->listen_fd = -1;
}
