/* cmd_plot.c - resmon plot: run resmon-plot, which alone links libgd */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "resmon.h"
#include "xalloc.h"

/* Whether argv gives -d: then neither environment nor config is read. */
static bool
has_data_dir(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], "-d", 2) == 0 ||
		    strcmp(argv[i], "--data-dir") == 0 ||
		    strncmp(argv[i], "--data-dir=", 11) == 0)
			return true;
	}
	return false;
}

/*
 * Executes $RESMON_PLOT, else RESMON_LIBEXECDIR/resmon-plot, with the
 * arguments after "plot" and -d as SPEC §6 defaults it ($RESMON_DATA_DIR,
 * the config file's data_dir, ./telemetry) in front, so that resmon
 * never maps libgd's ~59 libraries. Returns only on failure.
 */
int
cmd_plot(int argc, char **argv)
{
	const char *prog = getenv("RESMON_PLOT");
	const char *dir = NULL;
	char **args = xcalloc((size_t)argc + 3, sizeof(*args));
	struct conf cf;
	int i, n = 0, status;

	if (prog == NULL || *prog == '\0')
		prog = RESMON_LIBEXECDIR "/resmon-plot";
	args[n++] = (char *)"resmon-plot";
	conf_init(&cf);
	if (!has_data_dir(argc, argv)) {
		status = resmon_data_dir(NULL, &cf, &dir);
		if (status != 0) {
			conf_free(&cf);
			free(args);
			return status;
		}
		args[n++] = (char *)"-d";
		args[n++] = (char *)dir;
	}
	for (i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(prog, args);
	warnx_msg("plot: %s: %s", prog, strerror(errno));
	conf_free(&cf);
	free(args);
	return EXIT_FAILURE;
}
