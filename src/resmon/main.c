/* main.c - resmon: dispatch to the command named by the first argument */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "resmon.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "errmsg.h"

int verbose;

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
    {"clean", cmd_clean,
        "clean  DIR... --older-than AGE [--atime] [--exclude GLOB]... "
        "[--force] [--dry-run] [-v] [--config FILE]"},
    {"days", cmd_days, "days   [-d DIR] [--json]"},
    {"live", cmd_live,
        "live   [-d DIR] [-i SECONDS] [--iface GLOB]... [--exclude GLOB]... "
        "[--for SECONDS] [--config FILE]"},
    {"plot", cmd_plot,
        "plot   DATE | --from DATE --to DATE [-d DIR] [-o FILE.png|-] "
        "[--iface NAME]... [--panels cpu,mem,rx,tx] [--width PX] "
        "[--height PX]"},
    {"record", cmd_record,
        "record [-d DIR] [-i SECONDS] [--iface GLOB]... [--exclude GLOB]... "
        "[--for SECONDS] [--config FILE]"},
    {"status", cmd_status, "status [--socket PATH] [--json]"},
    {"start", cmd_start, "start  [-i SECONDS] [--socket PATH] [--json]"},
    {"stop", cmd_stop, "stop   [--socket PATH] [--json]"},
};

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage:");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "%s resmon %s\n", i == 0 ? "" : "      ",
		    commands[i].usage);
	fprintf(fp, "       resmon --help | --version\n");
}

void
warnx_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("resmon: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
warn_err(const struct errmsg *err)
{
	if (verbose)
		warnx_msg("%s (%s:%d)", err->msg, err->src_file, err->src_line);
	else
		warnx_msg("%s", err->msg);
}

int
resmon_conf_load(struct conf *cf)
{
	struct errmsg err;

	conf_init(cf);
	if (conf_load(cf, RESMON_SYSCONFDIR "/resmon/resmon.conf", &err) == 0 ||
	    err.code == ENOENT)
		return 0;
	warn_err(&err);
	conf_free(cf);
	return -1;
}

int
resmon_data_dir(const char *opt, struct conf *cf, const char **dir)
{
	const char *env = getenv("RESMON_DATA_DIR");
	struct errmsg err;

	if (opt == NULL && (env == NULL || *env == '\0') &&
	    conf_load(cf, RESMON_SYSCONFDIR "/resmon/resmon.conf", &err) ==
	        -1 &&
	    err.code != ENOENT) {
		warn_err(&err);
		return err.code == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	*dir = conf_data_dir(opt, cf);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("resmon %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	warnx_msg("unknown command \"%s\"; try resmon --help", argv[1]);
	return EXIT_USAGE;
}
