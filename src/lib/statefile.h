/* statefile.h - what resmond was told over its socket, kept across restarts */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_STATEFILE_H
#define RESMON_STATEFILE_H

#include <stdbool.h>

struct errmsg;

/* SPEC §5: the state set through the socket, in DATA_DIR/.state. */
struct recstate {
	bool recording;
	unsigned interval_s; /* 0: none set, the configuration's applies */
};

/*
 * Reads DATA_DIR/.state ("recording 0|1\ninterval_s N\n"). Returns 0, or
 * -1 with err set: ENOENT when there is none, EINVAL for a damaged file
 * ("DIR/.state:LINE: ..."), an errno value for a failed read; st is then
 * untouched.
 */
int statefile_load(const char *data_dir, struct recstate *st,
    struct errmsg *err);

/* Writes it through a dot-file, fsync and rename. Returns 0 or -1 with err. */
int statefile_save(const char *data_dir, const struct recstate *st,
    struct errmsg *err);

#endif
