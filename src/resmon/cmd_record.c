/* cmd_record.c - resmon record: sample every interval into day files */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "resmon.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "errmsg.h"
#include "parse.h"
#include "recorder.h"

#define DEFAULT_DATA_DIR "./telemetry"

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

static void
log_stderr(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	/* One line per fprintf: stderr is unbuffered, so lines never mix. */
	fprintf(stderr, "resmon: %s\n", msg);
}

static const char record_usage[] =
    "usage: resmon record [-d DIR] [-i SECONDS] [--iface GLOB]... "
    "[--exclude GLOB]...\n"
    "                     [--for SECONDS] [--config FILE] [-v]\n";

struct record_opts {
	struct conf conf;
	const char *data_dir;
	uint64_t for_s;
};

/* Returns 0, or EXIT_USAGE after printing why. */
static int
record_parse(int argc, char **argv, struct record_opts *o)
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
	const char *config = NULL, *interval = NULL, *env;
	char **ifaces = NULL, **excludes = NULL;
	size_t n_ifaces = 0, n_excludes = 0;
	struct errmsg err;
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "d:i:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->data_dir = optarg;
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
			if (parse_uint(optarg, 1, UINT32_MAX, &o->for_s) ==
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
			fputs(record_usage, stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("resmon %s\n", PACKAGE_VERSION);
			exit(EXIT_SUCCESS);
		default:
			fputs(record_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx_msg("record: unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	/* Read only with --config: by hand, record everything, keep every day.
	 */
	if (config != NULL && conf_load(&o->conf, config, &err) == -1) {
		warn_err(&err);
		return err.code == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	if (interval != NULL) {
		if (parse_uint(interval, 1, 3600, &v) == -1) {
			warnx_msg("-i: bad interval \"%s\" (1-3600 seconds)",
			    interval);
			return EXIT_USAGE;
		}
		o->conf.interval_s = (unsigned)v;
	}
	/* Command-line globs replace the file's, as an override should. */
	if (n_ifaces > 0) {
		o->conf.iface = ifaces;
		o->conf.n_iface = n_ifaces;
	}
	if (n_excludes > 0) {
		o->conf.exclude = excludes;
		o->conf.n_exclude = n_excludes;
	}
	env = getenv("RESMON_DATA_DIR");
	if (o->data_dir == NULL && env != NULL && *env != '\0')
		o->data_dir = env;
	if (o->data_dir == NULL)
		o->data_dir = o->conf.data_dir != NULL ? o->conf.data_dir
		                                       : DEFAULT_DATA_DIR;
	return 0;
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	/* No SA_RESTART: the sleep must end so the loop sees the flag. */
	if (sigemptyset(&sa.sa_mask) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1) {
		warnx_msg("sigaction: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_record(int argc, char **argv)
{
	struct record_opts o = {.for_s = 0};
	struct recorder_config rc;
	struct recorder *r;
	struct errmsg err;
	int64_t end_ns = INT64_MAX, wall_ns, mono_ns;
	int status;

	conf_init(&o.conf);
	status = record_parse(argc, argv, &o);
	if (status != 0)
		return status;
	if (install_signals() == -1)
		return EXIT_FAILURE;
	rc = (struct recorder_config){
	    .data_dir = o.data_dir,
	    .proc_root = "/proc",
	    .interval_s = o.conf.interval_s,
	    .sync_interval_s = o.conf.sync_interval_s,
	    .backlog = o.conf.backlog,
	    .max_ifaces = o.conf.max_ifaces,
	    .keep_days = o.conf.keep_days,
	    .iface_globs = o.conf.iface,
	    .n_iface_globs = o.conf.n_iface,
	    .exclude_globs = o.conf.exclude,
	    .n_exclude_globs = o.conf.n_exclude,
	    .clock = clock_system(),
	    .log = {log_stderr, NULL},
	};
	r = recorder_open(&rc, &err);
	if (r == NULL) {
		warn_err(&err);
		return EXIT_FAILURE;
	}
	if (o.for_s > 0 &&
	    rc.clock->now(rc.clock->ctx, &wall_ns, &mono_ns) == 0)
		end_ns = mono_ns + (int64_t)o.for_s * NS_PER_S;
	while (stop_signal == 0 && recorder_deadline(r) <= end_ns) {
		if (recorder_wait(r) == -1) {
			if (errno == EINTR)
				continue;
			warnx_msg("clock_nanosleep: %s", strerror(errno));
			break;
		}
		recorder_tick(r);
	}
	status = EXIT_SUCCESS;
	if (recorder_close(r, &err) == -1) {
		warn_err(&err);
		status = EXIT_FAILURE;
	}
	return status;
}
