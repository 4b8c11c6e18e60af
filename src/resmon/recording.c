/* recording.c - options, signals and the loop resmon record and live share */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "recording.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "errmsg.h"
#include "parse.h"
#include "resmon.h"

volatile sig_atomic_t recording_stop;

static void
on_stop(int sig)
{
	recording_stop = sig;
}

static void
recording_usage(FILE *fp, const char *cmd)
{
	fprintf(fp,
	    "usage: resmon %s [-d DIR] [-i SECONDS] [--iface GLOB]... "
	    "[--exclude GLOB]...\n"
	    "       %*s [--for SECONDS] [--config FILE] [-v]\n",
	    cmd, (int)strlen(cmd) + 6, "");
}

/* Replaces a glob list with the command line's, as an override should. */
static void
replace_globs(char ***list, size_t *n, char **globs, size_t n_globs)
{
	size_t i;

	if (n_globs == 0)
		return;
	for (i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = globs;
	*n = n_globs;
}

int
recording_parse(const char *cmd, int argc, char **argv, struct recording *rec)
{
	static const struct option longopts[] = {
	    {"data-dir", required_argument, NULL, 'd'},
	    {"interval", required_argument, NULL, 'i'},
	    {"iface", required_argument, NULL, 'I'},
	    {"exclude", required_argument, NULL, 'X'},
	    {"for", required_argument, NULL, 'f'},
	    {"config", required_argument, NULL, 'c'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *interval = NULL;
	char **ifaces = NULL, **excludes = NULL;
	size_t n_ifaces = 0, n_excludes = 0;
	struct errmsg err;
	uint64_t v;
	int c;

	memset(rec, 0, sizeof(*rec));
	conf_init(&rec->conf);
	while ((c = getopt_long(argc, argv, "d:i:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			rec->data_dir = optarg;
			break;
		case 'i':
			interval = optarg;
			break;
		case 'I':
		case 'X':
			if (conf_add_globs(c == 'I' ? &ifaces : &excludes,
			        c == 'I' ? &n_ifaces : &n_excludes, optarg,
			        &err) == -1) {
				warnx_msg("--%s: %s",
				    c == 'I' ? "iface" : "exclude", err.msg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			if (parse_uint(optarg, 1, UINT32_MAX, &rec->for_s) ==
			    -1) {
				warnx_msg("--for: bad number of seconds \"%s\"",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			config = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			recording_usage(stdout, cmd);
			return -1;
		case 'V':
			printf("resmon %s\n", PACKAGE_VERSION);
			return -1;
		default:
			recording_usage(stderr, cmd);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx_msg("%s: unexpected argument \"%s\"", cmd, argv[optind]);
		return EXIT_USAGE;
	}
	/* Read only with --config: by hand, record everything, keep every day.
	 */
	if (config != NULL && conf_load(&rec->conf, config, &err) == -1) {
		warn_err(&err);
		return err.code == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	if (interval != NULL) {
		if (parse_uint(interval, 1, 3600, &v) == -1) {
			warnx_msg("-i: bad interval \"%s\" (1-3600 seconds)",
			    interval);
			return EXIT_USAGE;
		}
		rec->conf.interval_s = (unsigned)v;
	}
	replace_globs(&rec->conf.iface, &rec->conf.n_iface, ifaces, n_ifaces);
	replace_globs(&rec->conf.exclude, &rec->conf.n_exclude, excludes,
	    n_excludes);
	rec->data_dir = conf_data_dir(rec->data_dir, &rec->conf);
	return 0;
}

static int
install_signals(struct errmsg *err)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	/* No SA_RESTART: the sleep must end so the loop sees the flag. */
	if (sigemptyset(&sa.sa_mask) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		return ERRMSG_SET(err, errno, "sigaction: %s", strerror(errno));
	return 0;
}

/* CLOCK_MONOTONIC time at which --for runs out; INT64_MAX without it. */
static int64_t
recording_end_ns(const struct recording *rec, const struct clock *c)
{
	int64_t wall_ns, mono_ns;

	if (rec->for_s > 0 && c->now(c->ctx, &wall_ns, &mono_ns) == 0)
		return mono_ns + (int64_t)rec->for_s * NS_PER_S;
	return INT64_MAX;
}

/*
 * After a sleep returned -1: 0 when a signal cut it short (h->woken told,
 * unless the signal asked to stop), or -1 after printing why it failed.
 */
static int
recording_woken(const struct recording_hooks *h)
{
	if (errno != EINTR) {
		warnx_msg("clock_nanosleep: %s", strerror(errno));
		return -1;
	}
	if (recording_stop == 0 && h->woken != NULL)
		h->woken(h->ctx);
	return 0;
}

int
recording_open(struct recording *rec, struct logsink log, struct errmsg *err)
{
	if (install_signals(err) == -1)
		return -1;
	rec->rc = (struct recorder_config){
	    .data_dir = rec->data_dir,
	    .proc_root = "/proc",
	    .interval_s = rec->conf.interval_s,
	    .sync_interval_s = rec->conf.sync_interval_s,
	    .backlog = rec->conf.backlog,
	    .max_ifaces = rec->conf.max_ifaces,
	    .keep_days = rec->conf.keep_days,
	    .iface_globs = rec->conf.iface,
	    .n_iface_globs = rec->conf.n_iface,
	    .exclude_globs = rec->conf.exclude,
	    .n_exclude_globs = rec->conf.n_exclude,
	    .clock = clock_system(),
	    .log = log,
	};
	rec->r = recorder_open(&rec->rc, err);
	return rec->r == NULL ? -1 : 0;
}

int
recording_loop(struct recording *rec, const struct recording_hooks *h)
{
	struct recorder *r = rec->r;
	int64_t end_ns = recording_end_ns(rec, rec->rc.clock);
	struct errmsg err;
	int status = EXIT_SUCCESS;

	while (recording_stop == 0 && recorder_deadline(r) <= end_ns) {
		if (recorder_wait(r) == -1) {
			if (recording_woken(h) == 0)
				continue;
			status = EXIT_FAILURE;
			break;
		}
		recorder_tick(r);
		if (h->tick != NULL)
			h->tick(h->ctx, r);
	}
	rec->r = NULL;
	if (recorder_close(r, &err) == -1) {
		warn_err(&err);
		status = EXIT_FAILURE;
	}
	return status;
}

/*
 * The recorder holding the folder writes each row just after the
 * boundary (a read and one write(2): well under a millisecond), so the
 * follower looks this much later.
 */
#define FOLLOW_LAG_NS (NS_PER_S / 10)

/* CLOCK_MONOTONIC time of the next boundary + FOLLOW_LAG_NS; -1 if none. */
static int64_t
follow_deadline(const struct clock *c, unsigned interval_s)
{
	int64_t wall_ns, mono_ns, step = (int64_t)interval_s * NS_PER_S, at;

	if (c->now(c->ctx, &wall_ns, &mono_ns) == -1)
		return -1;
	at = (wall_ns - FOLLOW_LAG_NS) / step * step + step + FOLLOW_LAG_NS;
	return mono_ns + (at - wall_ns);
}

int
recording_follow(struct recording *rec, const struct recording_hooks *h)
{
	const struct clock *c = clock_system();
	int64_t end_ns = recording_end_ns(rec, c), deadline_ns;

	if (h->tick != NULL)
		h->tick(h->ctx, NULL);
	while (recording_stop == 0) {
		/* Again after a signal: the same boundary, unless passed. */
		deadline_ns = follow_deadline(c, rec->conf.interval_s);
		if (deadline_ns == -1) {
			warnx_msg("clock_gettime: %s", strerror(errno));
			return EXIT_FAILURE;
		}
		if (deadline_ns > end_ns)
			break;
		if (c->sleep_until(c->ctx, deadline_ns) == -1) {
			if (recording_woken(h) == 0)
				continue;
			return EXIT_FAILURE;
		}
		if (h->tick != NULL)
			h->tick(h->ctx, NULL);
	}
	return EXIT_SUCCESS;
}

int
recording_run(struct recording *rec, struct logsink log,
    void (*after_tick)(void *ctx, struct recorder *r), void *ctx)
{
	const struct recording_hooks h = {after_tick, NULL, ctx};
	struct errmsg err;

	if (recording_open(rec, log, &err) == -1) {
		warn_err(&err);
		return EXIT_FAILURE;
	}
	return recording_loop(rec, &h);
}

void
recording_free(struct recording *rec)
{
	conf_free(&rec->conf);
}
