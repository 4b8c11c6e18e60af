/* resmon.h - private to the resmon program: its commands and helpers */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_RESMON_H
#define RESMON_RESMON_H

/* Exit statuses of SPEC §6. */
#define EXIT_USAGE 2

extern int verbose;

/* Each command gets argv from its own name on and returns the exit status. */
int cmd_clean(int argc, char **argv);
int cmd_days(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stop(int argc, char **argv);

/* Prints "resmon: message" to stderr; with -v, where the error was set. */
void warnx_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct errmsg;
void warn_err(const struct errmsg *err);

/*
 * Loads $sysconfdir/resmon/resmon.conf when it exists (SPEC §6: days,
 * plot, status, start and stop take data_dir and socket from it).
 * Returns 0 (cf set, to conf_free()), or -1 after printing why.
 */
struct conf;
int resmon_conf_load(struct conf *cf);

/*
 * The data folder of days and plot (SPEC §6): opt (-d), $RESMON_DATA_DIR,
 * the config file's data_dir, ./telemetry. The file is read only when
 * the first two name none, so -d works beside a broken one. cf, set up
 * with conf_init(), is the caller's to conf_free(). Returns 0 with *dir
 * set (valid while cf lives), or the exit status after printing why.
 */
int resmon_data_dir(const char *opt, struct conf *cf, const char **dir);

#endif
