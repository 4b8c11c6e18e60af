/* main.c - resmon-plot: draw a day's or a range's plot; resmon plot runs it */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "datearg.h"
#include "dayreader.h"
#include "errmsg.h"
#include "parse.h"
#include "plot.h"
#include "timestamp.h"
#include "xalloc.h"

#define PROG "resmon-plot"
#define EXIT_USAGE 2
#define HOST_MAX 256

struct args {
	struct plot_opts plot;
	const char *date, *from, *to, *out;
	const char **ifaces;
	size_t n_ifaces;
	bool verbose;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: resmon plot DATE | --from DATE --to DATE [-d DIR] "
	            "[-o FILE.png|-]\n"
	            "                   [--iface NAME]... [--panels "
	            "cpu,mem,rx,tx] [--width PX] [--height PX]\n"
	            "DATE is YYYY-MM-DD, DD-MM-YYYY, today or yesterday\n");
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "resmon-plot: message" and returns the bad-usage status. */
static int
bad(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static void
warn_err(const struct args *a, const struct errmsg *err)
{
	if (a->verbose)
		fprintf(stderr, PROG ": %s (%s:%d)\n", err->msg, err->src_file,
		    err->src_line);
	else
		fprintf(stderr, PROG ": %s\n", err->msg);
}

static int
size_arg(const char *name, const char *s, unsigned min, unsigned max,
    unsigned *out)
{
	uint64_t v;

	if (parse_uint(s, min, max, &v) == -1) {
		fprintf(stderr, PROG ": bad %s \"%s\" (%u-%u)\n", name, s, min,
		    max);
		return EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 0;
}

/* Returns 0, an exit status after printing why, or -1 after --help. */
static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
	    {"data-dir", required_argument, NULL, 'd'},
	    {"output", required_argument, NULL, 'o'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"iface", required_argument, NULL, 'i'},
	    {"panels", required_argument, NULL, 'p'},
	    {"width", required_argument, NULL, 'W'},
	    {"height", required_argument, NULL, 'H'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct errmsg err;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "d:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->plot.data_dir = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'f':
			a->from = optarg;
			break;
		case 't':
			a->to = optarg;
			break;
		case 'i':
			if (!dayreader_iface_name_ok(optarg, strlen(optarg)))
				return bad("bad interface name \"%s\"", optarg);
			a->ifaces = xreallocarray(a->ifaces, a->n_ifaces + 1,
			    sizeof(*a->ifaces));
			a->ifaces[a->n_ifaces++] = optarg;
			break;
		case 'p':
			if (plot_parse_panels(optarg, &a->plot.panels, &err) ==
			    -1) {
				warn_err(a, &err);
				return EXIT_USAGE;
			}
			break;
		case 'W':
			rc = size_arg("width", optarg, PLOT_WIDTH_MIN,
			    PLOT_WIDTH_MAX, &a->plot.width);
			break;
		case 'H':
			rc = size_arg("height", optarg, PLOT_HEIGHT_MIN,
			    PLOT_HEIGHT_MAX, &a->plot.height);
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("resmon %s\n", PACKAGE_VERSION);
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		a->date = argv[optind++];
	if (optind < argc)
		return bad("unexpected argument \"%s\"", argv[optind]);
	return 0;
}

/* Turns the date arguments into o's day or range. Returns 0 or 2. */
static int
parse_dates(struct args *a)
{
	struct errmsg err;
	time_t now = time(NULL);

	if (a->date != NULL && (a->from != NULL || a->to != NULL))
		return bad("%s: give DATE or --from and --to, not both",
		    a->date);
	if (a->date == NULL && (a->from == NULL || a->to == NULL)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (a->date != NULL) {
		if (datearg_parse(a->date, now, &a->plot.from, &err) == -1)
			goto fail;
		a->plot.to = a->plot.from;
		return 0;
	}
	if (datearg_parse(a->from, now, &a->plot.from, &err) == -1 ||
	    datearg_parse(a->to, now, &a->plot.to, &err) == -1 ||
	    datearg_range(&a->plot.from, &a->plot.to, NULL, &err) == -1)
		goto fail;
	return 0;
fail:
	warn_err(a, &err);
	return EXIT_USAGE;
}

/*
 * Writes the plot to path through a temporary file renamed into place,
 * so a failure leaves no empty or half picture. Returns 0 or -1.
 */
static int
plot_to_file(const struct args *a, const char *path, struct errmsg *err)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	mode_t mask = umask(0);
	int fd, rc = -1;

	umask(mask);
	if ((fd = mkstemp(tmp)) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0666 & ~mask) == -1)
		ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
	else if (plot_write(&a->plot, fd, err) == 0)
		rc = 0;
	if (close(fd) == -1 && rc == 0)
		rc = ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) == -1)
		rc = ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
main(int argc, char **argv)
{
	struct args a;
	struct errmsg err;
	char host[HOST_MAX + 1], from[DAYDATE_LEN + 1], to[DAYDATE_LEN + 1];
	char *out = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	plot_opts_init(&a.plot);
	if ((rc = parse_args(argc, argv, &a)) != 0 ||
	    (rc = parse_dates(&a)) != 0) {
		free(a.ifaces);
		return rc == -1 ? EXIT_SUCCESS : rc;
	}
	/* resmon plot passes -d; run directly, no config file is read. */
	a.plot.data_dir = conf_data_dir(a.plot.data_dir, NULL);
	a.plot.ifaces = a.ifaces;
	a.plot.n_ifaces = a.n_ifaces;
	if (gethostname(host, sizeof(host) - 1) == 0) {
		host[HOST_MAX] = '\0';
		a.plot.host = host;
	}
	daydate_format(&a.plot.from, from);
	daydate_format(&a.plot.to, to);
	if (a.out == NULL)
		out = a.date != NULL ? xasprintf("resmon-%s.png", from)
		                     : xasprintf("resmon-%s_%s.png", from, to);
	if (a.out != NULL && strcmp(a.out, "-") == 0)
		rc = plot_write(&a.plot, STDOUT_FILENO, &err);
	else
		rc = plot_to_file(&a, a.out != NULL ? a.out : out, &err);
	if (rc == -1)
		warn_err(&a, &err);
	free(out);
	free(a.ifaces);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
