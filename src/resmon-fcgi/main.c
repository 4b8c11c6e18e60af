/* main.c - resmon-fcgi: the FastCGI worker behind nginx (SPEC §3) */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "api.h"
#include "apitoken.h"
#include "conf.h"
#include "errmsg.h"
#include "parse.h"

#define DEFAULT_CONFIG RESMON_SYSCONFDIR "/resmon/resmon.conf"
#define DEFAULT_DATA_DIR "/var/lib/resmon/telemetry"
#define DEFAULT_CACHE_DIR "/var/cache/resmon"
#define DEFAULT_SOCKET "/run/resmon/resmond.sock"
#define DEFAULT_TOKEN RESMON_SYSCONFDIR "/resmon/api-token"
#define EXIT_USAGE 2
#define LISTEN_BACKLOG 1024
#define WORKERS_MAX 64
/* A worker that dies sooner than this after its start is not restarted
 * at once: a crash loop would only burn CPU. */
#define RESPAWN_PAUSE_S 1

struct options {
	const char *config_path;
	bool config_given;
	const char *listen_path;
	unsigned workers; /* 0: the config's */
	bool init_token;
};

static volatile sig_atomic_t got_stop, got_child, in_request;

static const char usage_text[] =
    "usage: resmon-fcgi [--config FILE] [--listen PATH] [--workers N] "
    "[--init-token]\n";

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_child = 1;
	else
		got_stop = 1;
}

/* In a worker: leave at once when idle, else after this request. */
static void
on_worker_stop(int sig)
{
	(void)sig;
	if (!in_request)
		_exit(0);
	got_stop = 1;
}

/* Returns 0, or an exit status after printing why (-1: exit 0). */
static int
parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"workers", required_argument, NULL, 'w'},
	    {"init-token", no_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	o->config_path = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			o->config_given = true;
			break;
		case 'l':
			o->listen_path = optarg;
			break;
		case 'w':
			if (parse_uint(optarg, 1, WORKERS_MAX, &v) == -1) {
				fprintf(stderr,
				    "resmon-fcgi: --workers: bad number \"%s\" "
				    "(1-%d)\n",
				    optarg, WORKERS_MAX);
				return EXIT_USAGE;
			}
			o->workers = (unsigned)v;
			break;
		case 't':
			o->init_token = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'V':
			printf("resmon-fcgi %s\n", PACKAGE_VERSION);
			return -1;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "resmon-fcgi: unexpected argument \"%s\"\n",
		    argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* The environment's value, else the file's, else the default. */
static const char *
pick(const char *env, const char *file, const char *dflt)
{
	const char *e = env != NULL ? getenv(env) : NULL;

	if (e != NULL && *e != '\0')
		return e;
	return file != NULL ? file : dflt;
}

/* Returns 0, or an exit status after printing why. */
static int
load_conf(const struct options *o, struct conf *cf)
{
	struct errmsg err;

	conf_init(cf);
	if (conf_load(cf, o->config_path, &err) == 0 ||
	    (err.code == ENOENT && !o->config_given))
		return 0;
	fprintf(stderr, "resmon-fcgi: %s\n", err.msg);
	return err.code == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
}

static int
init_token(const char *path)
{
	struct errmsg err;
	bool created;

	if (apitoken_init_file(path, &created, &err) == -1) {
		fprintf(stderr, "resmon-fcgi: %s\n", err.msg);
		return EXIT_FAILURE;
	}
	fprintf(stderr, "resmon-fcgi: %s %s\n", path,
	    created ? "created" : "exists, left as it is");
	return EXIT_SUCCESS;
}

/*
 * The listening socket: --listen PATH, systemd's LISTEN_FDS (fd 3), or
 * fd 0 as spawn-fcgi and StandardInput=socket leave it. Returns the fd,
 * or -1 after printing why.
 */
static int
open_listener(const char *path)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	int fd = 0, accepting = 0;
	socklen_t len = sizeof(accepting);
	mode_t old;

	if (path != NULL) {
		/* nginx's user reaches it through the group (SPEC §7). */
		old = umask(0117);
		fd = FCGX_OpenSocket(path, LISTEN_BACKLOG);
		umask(old);
		if (fd == -1)
			fprintf(stderr, "resmon-fcgi: %s: cannot listen: %s\n",
			    path, strerror(errno));
		return fd;
	}
	if (fds != NULL && pid != NULL && strcmp(fds, "1") == 0 &&
	    strtol(pid, NULL, 10) == (long)getpid())
		fd = 3;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == -1 ||
	    !accepting) {
		fprintf(stderr,
		    "resmon-fcgi: no listening socket on fd %d: run it from "
		    "spawn-fcgi or a systemd socket, or give --listen PATH\n",
		    fd);
		return -1;
	}
	return fd;
}

/* One worker process: answers requests until told to stop. */
static void __attribute__((noreturn)) worker_run(struct api *api, int listen_fd)
{
	struct sigaction sa = {.sa_handler = on_worker_stop};
	FCGX_Request req;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    signal(SIGCHLD, SIG_DFL) == SIG_ERR ||
	    FCGX_InitRequest(&req, listen_fd, 0) != 0) {
		perror("resmon-fcgi: worker set-up");
		_exit(EXIT_FAILURE);
	}
	while (!got_stop && FCGX_Accept_r(&req) == 0) {
		in_request = 1;
		api_handle(api, &req);
		FCGX_Finish_r(&req);
		in_request = 0;
	}
	FCGX_Free(&req, 1);
	apitoken_free(api->token);
	_exit(EXIT_SUCCESS);
}

struct child {
	pid_t pid;
	time_t started;
};

static pid_t
spawn(struct api *api, int listen_fd)
{
	pid_t pid = fork();

	if (pid == 0)
		worker_run(api, listen_fd);
	if (pid == -1)
		perror("resmon-fcgi: fork");
	return pid;
}

/* Keeps n workers alive until SIGTERM or SIGINT, then stops them. */
static int
supervise(struct api *api, int listen_fd, unsigned n)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct child kids[WORKERS_MAX];
	sigset_t block, old;
	unsigned i, alive;
	pid_t pid;
	int status;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGCHLD, &sa, NULL) == -1 ||
	    sigprocmask(SIG_BLOCK, &block, &old) == -1) {
		perror("resmon-fcgi: signals");
		return EXIT_FAILURE;
	}
	for (i = 0; i < n; i++)
		kids[i] = (struct child){.pid = -1};
	while (!got_stop) {
		for (i = 0; i < n; i++) {
			if (kids[i].pid > 0 ||
			    time(NULL) - kids[i].started < RESPAWN_PAUSE_S)
				continue;
			kids[i].started = time(NULL);
			/* The child must take signals again. */
			(void)sigprocmask(SIG_SETMASK, &old, NULL);
			kids[i].pid = spawn(api, listen_fd);
			(void)sigprocmask(SIG_BLOCK, &block, NULL);
		}
		got_child = 0;
		/* Wakes on a signal; the pause bounds a respawn wait. */
		if (!got_stop) {
			struct timespec pause = {RESPAWN_PAUSE_S, 0};
			sigset_t wait_set = old;
			(void)pselect(0, NULL, NULL, NULL, &pause, &wait_set);
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (i = 0; i < n; i++)
				if (kids[i].pid == pid) {
					kids[i].pid = -1;
					if (!got_stop)
						fprintf(stderr,
						    "resmon-fcgi: worker %ld "
						    "ended (status %d): "
						    "starting another\n",
						    (long)pid, status);
				}
	}
	for (i = 0, alive = 0; i < n; i++)
		if (kids[i].pid > 0 && kill(kids[i].pid, SIGTERM) == 0)
			alive++;
	while (alive > 0 && wait(&status) > 0)
		alive--;
	return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct options o = {0};
	struct api api = {0};
	struct conf cf;
	int status, listen_fd;

	status = parse_args(&o, argc, argv);
	if (status != 0)
		return status == -1 ? EXIT_SUCCESS : status;
	status = load_conf(&o, &cf);
	if (status != 0)
		return status;
	api.data_dir = pick("RESMON_DATA_DIR", cf.data_dir, DEFAULT_DATA_DIR);
	api.cache_dir = pick(NULL, cf.cache_dir, DEFAULT_CACHE_DIR);
	api.socket_path = pick("RESMON_SOCKET", cf.socket, DEFAULT_SOCKET);
	api.token_path = pick(NULL, cf.token_file, DEFAULT_TOKEN);
	api.interval_s = cf.interval_s;
	if (o.init_token) {
		status = init_token(api.token_path);
		goto out;
	}
	/* Series means in 10 digits, not json-c's 17 ("9.2599999999999998"). */
	if (json_c_set_serialization_double_format("%.10g",
	        JSON_C_OPTION_GLOBAL) == -1) {
		fputs("resmon-fcgi: json-c refused the number format\n",
		    stderr);
		status = EXIT_FAILURE;
		goto out;
	}
	listen_fd = open_listener(o.listen_path);
	if (listen_fd == -1 || FCGX_Init() != 0) {
		status = EXIT_FAILURE;
		goto out;
	}
	api.token = apitoken_new(api.token_path);
	status = supervise(&api, listen_fd, o.workers ? o.workers : cf.workers);
	apitoken_free(api.token);
	if (o.listen_path != NULL)
		(void)unlink(o.listen_path);
out:
	conf_free(&cf);
	return status;
}
