/* main.c - resmond: the recording daemon, steered over its control socket */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "ctlserver.h"
#include "ctlsock.h"
#include "errmsg.h"
#include "parse.h"
#include "recorder.h"
#include "statefile.h"

#define DEFAULT_CONFIG RESMON_SYSCONFDIR "/resmon/resmon.conf"
#define DEFAULT_DATA_DIR "/var/lib/resmon/telemetry"
#define DEFAULT_SOCKET "/run/resmon/resmond.sock"
#define EXIT_USAGE 2

struct daemon {
	const char *config_path;
	bool config_given; /* --config: the file must exist */
	const char *opt_data_dir, *opt_socket;
	unsigned opt_interval_s; /* -i, until the socket sets one */
	struct conf conf;
	struct recorder_config rc; /* points into conf */
	char *data_dir, *socket_path;
	struct recstate state;
	struct recorder *rec;      /* NULL while stopped */
	struct ctl_status stopped; /* what status says while stopped */
	struct ctlserver ctl;
};

static volatile sig_atomic_t got_stop, got_hup;
static bool journal; /* stderr goes to the journal: "<N>" priorities */

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = sig;
}

static void __attribute__((format(printf, 2, 3)))
logmsg(int level, const char *fmt, ...)
{
	va_list ap;

	if (journal)
		fprintf(stderr, "<%d>", level);
	else
		fputs("resmond: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
log_sink(void *ctx, int level, const char *msg)
{
	(void)ctx;
	logmsg(level, "%s", msg);
}

static const char usage_text[] =
    "usage: resmond [-d DIR] [-i SECONDS] [--socket PATH] [--config FILE] "
    "[-v]\n";

/* Returns 0, or an exit status after printing why (-1: exit 0). */
static int
parse_args(struct daemon *d, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"data-dir", required_argument, NULL, 'd'},
	    {"interval", required_argument, NULL, 'i'},
	    {"socket", required_argument, NULL, 's'},
	    {"config", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	d->config_path = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "d:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			d->opt_data_dir = optarg;
			break;
		case 'i':
			if (parse_uint(optarg, 1, 3600, &v) == -1) {
				fprintf(stderr,
				    "resmond: -i: bad interval \"%s\" "
				    "(1-3600 seconds)\n",
				    optarg);
				return EXIT_USAGE;
			}
			d->opt_interval_s = (unsigned)v;
			break;
		case 's':
			d->opt_socket = optarg;
			break;
		case 'c':
			d->config_path = optarg;
			d->config_given = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'V':
			printf("resmond %s\n", PACKAGE_VERSION);
			return -1;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "resmond: unexpected argument \"%s\"\n",
		    argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* First of: the option, the environment, the file, the default. */
static char *
pick(const char *opt, const char *env, const char *file, const char *dflt)
{
	const char *e = env != NULL ? getenv(env) : NULL;

	if (opt != NULL)
		return strdup(opt);
	if (e != NULL && *e != '\0')
		return strdup(e);
	return strdup(file != NULL ? file : dflt);
}

/*
 * Loads the configuration into conf. A missing default file means the
 * defaults; a named one must exist. Returns 0, or -1 with err set.
 */
static int
load_conf(struct daemon *d, struct conf *conf, struct errmsg *err)
{
	conf_init(conf);
	if (conf_load(conf, d->config_path, err) == 0 ||
	    (err->code == ENOENT && !d->config_given))
		return 0;
	conf_free(conf);
	return -1;
}

static unsigned
interval_now(const struct daemon *d)
{
	if (d->opt_interval_s)
		return d->opt_interval_s;
	return d->state.interval_s ? d->state.interval_s : d->conf.interval_s;
}

static void
build_rc(struct daemon *d)
{
	d->rc = (struct recorder_config){
	    .data_dir = d->data_dir,
	    .proc_root = "/proc",
	    .interval_s = interval_now(d),
	    .sync_interval_s = d->conf.sync_interval_s,
	    .backlog = d->conf.backlog,
	    .max_ifaces = d->conf.max_ifaces,
	    .keep_days = d->conf.keep_days,
	    .iface_globs = d->conf.iface,
	    .n_iface_globs = d->conf.n_iface,
	    .exclude_globs = d->conf.exclude,
	    .n_exclude_globs = d->conf.n_exclude,
	    .clock = clock_system(),
	    .log = {log_sink, NULL},
	};
}

/* Starts recording. Returns 0, or -1 with err set (EWOULDBLOCK: busy). */
static int
start_recording(struct daemon *d, struct errmsg *err)
{
	build_rc(d);
	if (d->rec != NULL) {
		recorder_reconfigure(d->rec, &d->rc);
		return 0;
	}
	d->rec = recorder_open(&d->rc, err);
	if (d->rec == NULL)
		return -1;
	logmsg(LOG_INFO, "recording %s every %u s", d->data_dir,
	    d->rc.interval_s);
	return 0;
}

static void
stop_recording(struct daemon *d)
{
	struct recorder_status st;
	struct errmsg err;

	if (d->rec == NULL)
		return;
	recorder_status(d->rec, &st);
	if (recorder_close(d->rec, &err) == -1)
		logmsg(LOG_ERR, "%s", err.msg);
	d->rec = NULL;
	/* Stopped, status still tells what the last run did. */
	d->stopped.rows_written = st.rows_written;
	d->stopped.rows_dropped = st.rows_dropped;
	d->stopped.clock_steps = st.clock_steps;
	d->stopped.late_reads = st.late_reads;
	d->stopped.last_sample = st.last_sample;
	memcpy(d->stopped.last_error, st.last_error, sizeof(st.last_error));
	logmsg(LOG_INFO, "stopped recording %s", d->data_dir);
}

static void
fill_status(struct daemon *d, struct ctl_status *cs)
{
	struct recorder_status st;

	if (d->rec == NULL) {
		*cs = d->stopped;
		cs->interval_s = interval_now(d);
	} else {
		recorder_status(d->rec, &st);
		memset(cs, 0, sizeof(*cs));
		cs->recording = true;
		cs->interval_s = st.interval_s;
		cs->since = st.since;
		memcpy(cs->file, st.file, sizeof(cs->file));
		cs->rows_written = st.rows_written;
		cs->rows_dropped = st.rows_dropped;
		cs->clock_steps = st.clock_steps;
		cs->late_reads = st.late_reads;
		cs->backlog = st.backlog;
		cs->last_sample = st.last_sample;
		memcpy(cs->last_error, st.last_error, sizeof(cs->last_error));
	}
	cs->pid = (long)getpid();
	(void)snprintf(cs->data_dir, sizeof(cs->data_dir), "%s", d->data_dir);
}

static void
save_state(struct daemon *d)
{
	struct errmsg err;

	if (statefile_save(d->data_dir, &d->state, &err) == -1)
		logmsg(LOG_ERR, "%s; the change holds until resmond stops",
		    err.msg);
}

/* ctlserver_handler: start, stop, status. */
static size_t
handle_request(void *ctx, const struct ctl_request *req, char *reply)
{
	struct daemon *d = ctx;
	struct ctl_status cs;
	struct errmsg err;

	if (req->cmd == CTL_START) {
		if (req->interval_s) {
			/* The socket's word now outranks -i (SPEC §5). */
			d->state.interval_s = req->interval_s;
			d->opt_interval_s = 0;
		}
		d->state.recording = true;
		save_state(d);
		if (start_recording(d, &err) == -1)
			return ctlproto_format_error(
			    err.code == EWOULDBLOCK ? "busy" : "failed",
			    err.msg, reply, CTLPROTO_MAX_REPLY);
	} else if (req->cmd == CTL_STOP) {
		d->state.recording = false;
		save_state(d);
		stop_recording(d);
	}
	fill_status(d, &cs);
	return ctlproto_format_status(&cs, reply, CTLPROTO_MAX_REPLY);
}

/* SIGHUP: a good new configuration replaces the old; a bad one is reported. */
static void
reload(struct daemon *d)
{
	struct conf fresh, old;
	struct errmsg err;
	char *data_dir;

	got_hup = 0;
	if (load_conf(d, &fresh, &err) == -1) {
		logmsg(LOG_ERR,
		    "%s; SIGHUP: keeping the previous configuration", err.msg);
		return;
	}
	data_dir = pick(d->opt_data_dir, "RESMON_DATA_DIR", fresh.data_dir,
	    DEFAULT_DATA_DIR);
	if (strcmp(data_dir, d->data_dir) != 0)
		logmsg(LOG_WARNING,
		    "SIGHUP: data_dir changes only on restart "
		    "(still %s)",
		    d->data_dir);
	free(data_dir);
	old = d->conf;
	d->conf = fresh;
	if (d->rec != NULL) {
		build_rc(d);
		recorder_reconfigure(d->rec, &d->rc);
	}
	/* Only now is nothing left pointing into the old strings. */
	conf_free(&old);
	logmsg(LOG_INFO, "SIGHUP: configuration %s reloaded", d->config_path);
}

static int
install_signals(sigset_t *unblocked)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Delivered only inside ppoll, so a flag is never missed. */
	if (sigemptyset(&block) == -1 || sigaddset(&block, SIGINT) == -1 ||
	    sigaddset(&block, SIGTERM) == -1 ||
	    sigaddset(&block, SIGHUP) == -1 ||
	    sigprocmask(SIG_BLOCK, &block, unblocked) == -1 ||
	    sigemptyset(&sa.sa_mask) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		logmsg(LOG_ERR, "signals: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int64_t
now_ns(clockid_t id)
{
	struct timespec ts;

	(void)clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Runs until SIGTERM or SIGINT: reads at boundaries, serves clients between. */
static void
run(struct daemon *d, const sigset_t *unblocked)
{
	struct pollfd pfds[1 + CTLSERVER_MAX_CLIENTS];
	struct timespec ts, *timeout;
	int64_t now, wait_ns;
	int client_ms, n;
	size_t nfds;

	while (!got_stop) {
		if (got_hup)
			reload(d);
		now = now_ns(CLOCK_MONOTONIC);
		if (d->rec != NULL && now >= recorder_deadline(d->rec)) {
			recorder_tick(d->rec);
			continue;
		}
		wait_ns = d->rec != NULL ? recorder_deadline(d->rec) - now : -1;
		client_ms = ctlserver_timeout_ms(&d->ctl, now / 1000000);
		if (client_ms >= 0 &&
		    (wait_ns < 0 || (int64_t)client_ms * 1000000 < wait_ns))
			wait_ns = (int64_t)client_ms * 1000000;
		timeout = NULL;
		if (wait_ns >= 0) {
			ts.tv_sec = wait_ns / NS_PER_S;
			ts.tv_nsec = wait_ns % NS_PER_S;
			timeout = &ts;
		}
		nfds = ctlserver_pollfds(&d->ctl, pfds);
		n = ppoll(pfds, nfds, timeout, unblocked);
		if (n == -1) {
			if (errno != EINTR)
				logmsg(LOG_ERR, "ppoll: %s", strerror(errno));
			continue;
		}
		ctlserver_serve(&d->ctl, pfds, nfds,
		    now_ns(CLOCK_MONOTONIC) / 1000000);
	}
}

int
main(int argc, char **argv)
{
	struct daemon d;
	struct errmsg err;
	sigset_t unblocked;
	int status, fd;

	memset(&d, 0, sizeof(d));
	journal = getenv("JOURNAL_STREAM") != NULL;
	status = parse_args(&d, argc, argv);
	if (status != 0)
		return status == -1 ? EXIT_SUCCESS : status;
	if (load_conf(&d, &d.conf, &err) == -1) {
		logmsg(LOG_ERR, "%s", err.msg);
		return err.code == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	d.data_dir = pick(d.opt_data_dir, "RESMON_DATA_DIR", d.conf.data_dir,
	    DEFAULT_DATA_DIR);
	d.socket_path =
	    pick(d.opt_socket, "RESMON_SOCKET", d.conf.socket, DEFAULT_SOCKET);
	if (d.data_dir == NULL || d.socket_path == NULL)
		abort(); /* strdup: out of memory */
	if (install_signals(&unblocked) == -1)
		return EXIT_FAILURE;
	/* The folder first: the state lives in it. */
	if (mkdir(d.data_dir, 0755) == -1 && errno != EEXIST) {
		logmsg(LOG_ERR, "%s: mkdir: %s", d.data_dir, strerror(errno));
		return EXIT_FAILURE;
	}
	d.state = (struct recstate){true, 0};
	if (statefile_load(d.data_dir, &d.state, &err) == -1 &&
	    err.code != ENOENT)
		logmsg(LOG_WARNING, "%s; recording at the configured interval",
		    err.msg);
	fd = ctlsock_listen(d.socket_path, &err);
	if (fd == -1) {
		logmsg(LOG_ERR, "%s", err.msg);
		return EXIT_FAILURE;
	}
	ctlserver_init(&d.ctl, fd, handle_request, &d);
	status = EXIT_SUCCESS;
	if (d.state.recording && start_recording(&d, &err) == -1) {
		logmsg(LOG_ERR, "%s", err.msg);
		status = EXIT_FAILURE;
	} else {
		if (!d.state.recording)
			logmsg(LOG_INFO,
			    "stopped (as told before the restart); "
			    "waiting on %s",
			    d.socket_path);
		run(&d, &unblocked);
		logmsg(LOG_INFO, "signal %d: stopping", (int)got_stop);
		stop_recording(&d);
	}
	ctlserver_close(&d.ctl);
	if (unlink(d.socket_path) == -1 && errno != ENOENT)
		logmsg(LOG_WARNING, "%s: unlink: %s", d.socket_path,
		    strerror(errno));
	conf_free(&d.conf);
	free(d.data_dir);
	free(d.socket_path);
	return status;
}
