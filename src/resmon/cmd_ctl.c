/* cmd_ctl.c - resmon status, start and stop: resmond's control socket from the
 * shell */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apijson.h"
#include "conf.h"
#include "ctlproto.h"
#include "ctlsock.h"
#include "errmsg.h"
#include "parse.h"
#include "resmon.h"
#include "timestamp.h"

#define DEFAULT_SOCKET "/run/resmon/resmond.sock"
#define EXIT_STOPPED 3 /* resmon status: reachable, not recording */
#define CALL_TIMEOUT_MS 5000

static void
print_time(const char *label, time_t t)
{
	char ts[TIMESTAMP_LEN + 1];

	if (t == 0 || timestamp_format(t, ts, NULL) == -1)
		printf("  %-11s -\n", label);
	else
		printf("  %-11s %s\n", label, ts);
}

static void
print_human(const struct ctl_status *st)
{
	printf("resmond (pid %ld): %s", st->pid,
	    st->recording ? "recording" : "stopped");
	printf(", every %u s, into %s\n", st->interval_s, st->data_dir);
	if (st->recording) {
		print_time("since", st->since);
		printf("  %-11s %s\n", "file", st->file);
	}
	printf("  %-11s %lu written, %lu dropped, %lu waiting\n", "rows",
	    st->rows_written, st->rows_dropped, st->backlog);
	printf("  %-11s %lu steps, %lu late reads\n", "clock", st->clock_steps,
	    st->late_reads);
	print_time("last row", st->last_sample);
	printf("  %-11s %s\n", "last error",
	    st->last_error[0] != '\0' ? st->last_error : "none");
}

static void
print_json(const struct ctl_status *st)
{
	json_object *o = apijson_status(st);

	puts(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* The socket: --socket, $RESMON_SOCKET, the config file's, the default. */
static const char *
socket_path(const char *opt, const struct conf *cf)
{
	const char *env = getenv("RESMON_SOCKET");

	if (opt != NULL)
		return opt;
	if (env != NULL && *env != '\0')
		return env;
	return cf->socket != NULL ? cf->socket : DEFAULT_SOCKET;
}

/* resmon status | start [-i SECONDS] | stop  [--socket PATH] [--json] */
static int
ctl_main(enum ctl_cmd cmd, const char *name, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"interval", required_argument, NULL, 'i'},
	    {"socket", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl_request req = {cmd, 0};
	char request[32], reply[CTLPROTO_MAX_REPLY];
	const char *opt_socket = NULL, *path;
	struct ctl_status st;
	struct errmsg err;
	struct conf cf;
	int c, json = 0, status;
	uint64_t v;

	while ((c = getopt_long(argc, argv, cmd == CTL_START ? "i:vh" : "vh",
	            longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (cmd != CTL_START ||
			    parse_uint(optarg, 1, 3600, &v) == -1) {
				warnx_msg("-i: bad interval \"%s\" (1-3600 "
				          "seconds)",
				    optarg);
				return EXIT_USAGE;
			}
			req.interval_s = (unsigned)v;
			break;
		case 's':
			opt_socket = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			printf("usage: resmon %s%s [--socket PATH] [--json]\n",
			    name, cmd == CTL_START ? " [-i SECONDS]" : "");
			return EXIT_SUCCESS;
		default:
			fprintf(stderr,
			    "usage: resmon %s%s [--socket PATH] "
			    "[--json]\n",
			    name, cmd == CTL_START ? " [-i SECONDS]" : "");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx_msg("%s: unexpected argument \"%s\"", name, argv[optind]);
		return EXIT_USAGE;
	}
	if (resmon_conf_load(&cf) == -1)
		return EXIT_USAGE;
	path = socket_path(opt_socket, &cf);
	(void)ctlproto_format_request(&req, request, sizeof(request));
	status = EXIT_SUCCESS;
	if (ctlsock_call(path, request, reply, sizeof(reply), CALL_TIMEOUT_MS,
	        &err) == -1) {
		warnx_msg("%s (is resmond running?)", err.msg);
		status = EXIT_FAILURE;
	} else if (ctlproto_parse_reply(reply, strlen(reply), &st, &err) ==
	           -1) {
		warnx_msg("%s: %s", path, err.msg);
		status = EXIT_FAILURE;
	} else {
		if (json)
			print_json(&st);
		else
			print_human(&st);
		if (cmd == CTL_STATUS && !st.recording)
			status = EXIT_STOPPED;
	}
	conf_free(&cf);
	return status;
}

int
cmd_status(int argc, char **argv)
{
	return ctl_main(CTL_STATUS, "status", argc, argv);
}

int
cmd_start(int argc, char **argv)
{
	return ctl_main(CTL_START, "start", argc, argv);
}

int
cmd_stop(int argc, char **argv)
{
	return ctl_main(CTL_STOP, "stop", argc, argv);
}
