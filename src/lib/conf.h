/* conf.h - the one resmon.conf every program reads (SPEC §6) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_CONF_H
#define RESMON_CONF_H

#include <stddef.h>

struct errmsg;

/* Defaults of the keys SPEC §2 and §3 give them. */
#define CONF_INTERVAL_S 1
#define CONF_SYNC_INTERVAL_S 60
#define CONF_BACKLOG 3600
#define CONF_MAX_IFACES 64
#define CONF_WORKERS 2

/* Every key; a string is NULL and a list empty when not set. */
struct conf {
	char *data_dir, *cache_dir, *socket, *token_file;
	unsigned interval_s, sync_interval_s, keep_days, workers;
	size_t backlog, max_ifaces;
	char **iface, **exclude; /* glob lists */
	size_t n_iface, n_exclude;
};

/* Sets the defaults; cannot fail. Free with conf_free(). */
void conf_init(struct conf *cf);

/*
 * Reads "key = value" lines from path over cf ('#' starts a comment
 * line; iface and exclude take blank-separated globs and add up over
 * lines). Returns 0, or -1 with err set: ENOENT and other errno values
 * for the file, EINVAL "PATH:LINE: unknown key \"x\"" or "...: bad
 * interval \"0\" (1-3600)" for its content; cf is then partly updated.
 */
int conf_load(struct conf *cf, const char *path, struct errmsg *err);

/*
 * Appends the blank-separated globs of value to a list (config or
 * command line). Returns 0, or -1 with EINVAL for an empty list.
 */
int conf_add_globs(char ***list, size_t *n, const char *value,
    struct errmsg *err);

/* The data folder run by hand when nothing names one (SPEC §2). */
#define CONF_DATA_DIR_BY_HAND "./telemetry"

/*
 * The data folder in SPEC §6's order: opt (-d), then $RESMON_DATA_DIR,
 * then cf's data_dir (cf may be NULL), then CONF_DATA_DIR_BY_HAND. The
 * result lives as long as its source. Cannot fail.
 */
const char *conf_data_dir(const char *opt, const struct conf *cf);

/* Frees what cf holds; the defaults stay. */
void conf_free(struct conf *cf);

#endif
