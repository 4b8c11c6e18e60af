/* cmd_record.c - resmon record: sample every interval into day files */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "recording.h"
#include "resmon.h"

static void
log_stderr(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	/* stderr is unbuffered: one fprintf, one whole line. */
	fprintf(stderr, "resmon: %s\n", msg);
}

int
cmd_record(int argc, char **argv)
{
	struct recording rec;
	int status;

	status = recording_parse("record", argc, argv, &rec);
	if (status == 0)
		status = recording_run(&rec, (struct logsink){log_stderr, NULL},
		    NULL, NULL);
	recording_free(&rec);
	return status == -1 ? EXIT_SUCCESS : status;
}
