/* cmd_clean.c - resmon clean: remove old files from the cache, tmpwatch-style
 */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agearg.h"
#include "conf.h"
#include "errmsg.h"
#include "resmon.h"
#include "treeclean.h"
#include "xalloc.h"

/* cache_dir when the config file names none (SPEC §3, installed). */
#define DEFAULT_CACHE_DIR "/var/cache/resmon"

struct clean_opts {
	const char *age, *config;
	char **dirs, **exclude;
	size_t n_dirs, n_exclude;
	bool atime, force, dry_run;
	uint64_t age_s;
};

static void
clean_usage(FILE *fp)
{
	fprintf(fp, "usage: resmon clean DIR... --older-than AGE [--atime] "
	            "[--exclude GLOB]...\n"
	            "                    [--force] [--dry-run] [-v] "
	            "[--config FILE]\n"
	            "AGE is like 90s, 30m, 12h or 7d.\n");
}

/* Returns 0, or the exit status after printing why, or -1 after --help. */
static int
clean_parse(int argc, char **argv, struct clean_opts *o)
{
	static const struct option longopts[] = {
	    {"older-than", required_argument, NULL, 'o'},
	    {"atime", no_argument, NULL, 'a'},
	    {"exclude", required_argument, NULL, 'X'},
	    {"force", no_argument, NULL, 'f'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"config", required_argument, NULL, 'c'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct errmsg err;
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->age = optarg;
			break;
		case 'a':
			o->atime = true;
			break;
		case 'X':
			o->exclude = xreallocarray(o->exclude, o->n_exclude + 1,
			    sizeof(*o->exclude));
			o->exclude[o->n_exclude++] = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			clean_usage(stdout);
			return -1;
		case 'V':
			printf("resmon %s\n", PACKAGE_VERSION);
			return -1;
		default:
			clean_usage(stderr);
			return EXIT_USAGE;
		}
	}
	o->dirs = argv + optind;
	o->n_dirs = (size_t)(argc - optind);
	if (o->n_dirs == 0) {
		warnx_msg("clean: no folder named (resmon clean DIR... "
		          "--older-than AGE)");
		return EXIT_USAGE;
	}
	if (o->age == NULL) {
		warnx_msg("clean: --older-than AGE is missing (like 90s, 30m, "
		          "12h or 7d)");
		return EXIT_USAGE;
	}
	if (agearg_parse(o->age, &o->age_s, &err) == -1) {
		warnx_msg("clean: --older-than: %s", err.msg);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * The cache folder of the config file (--config FILE, which must exist,
 * else $sysconfdir/resmon/resmon.conf if it exists), else the default.
 * Returns 0 with *dir set (valid while cf lives), or the exit status
 * after printing why.
 */
static int
clean_cache_dir(const char *config, struct conf *cf, const char **dir)
{
	const char *path =
	    config != NULL ? config : RESMON_SYSCONFDIR "/resmon/resmon.conf";
	struct errmsg err;

	if (conf_load(cf, path, &err) == -1 &&
	    (config != NULL || err.code != ENOENT)) {
		warn_err(&err);
		return err.code == EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	*dir = cf->cache_dir != NULL ? cf->cache_dir : DEFAULT_CACHE_DIR;
	return 0;
}

/*
 * Opens the root dir and checks that it may be cleaned: never "/", and
 * without --force only cache_dir or a folder below it. Returns the
 * descriptor, or -1 with *status the exit status after printing why.
 */
static int
clean_open_root(const char *dir, const char *cache_dir, bool force, int *status)
{
	struct errmsg err;
	int fd, within;

	fd = treeclean_open(dir, &err);
	if (fd == -1) {
		if (err.code == EPERM)
			warnx_msg("clean: %s, never cleaned", err.msg);
		else if (err.code == ELOOP)
			warnx_msg("clean: %s (name the folder it points to)",
			    err.msg);
		else
			warnx_msg("clean: %s", err.msg);
		/* A folder named wrongly is usage; a missing one a failure. */
		*status = err.code == EPERM || err.code == ELOOP ||
		                  err.code == ENOTDIR
		              ? EXIT_USAGE
		              : EXIT_FAILURE;
		return -1;
	}
	if (force)
		return fd;
	within = treeclean_is_within(fd, cache_dir, &err);
	/* A cache folder that does not exist holds nothing. */
	if (within == -1 && err.code == ENOENT)
		within = 0;
	if (within == 1)
		return fd;
	if (within == 0) {
		warnx_msg("clean: %s: outside the cache folder %s (--force "
		          "cleans it anyway)",
		    dir, cache_dir);
		*status = EXIT_USAGE;
	} else {
		warnx_msg("clean: cache folder %s: %s", cache_dir, err.msg);
		*status = EXIT_FAILURE;
	}
	(void)close(fd);
	return -1;
}

/* A name's control byte as '?': names must not drive the terminal. */
static char
safe_byte(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

static void
put_path(const char *s, FILE *fp)
{
	for (; *s != '\0'; s++)
		fputc(safe_byte(*s), fp);
}

/* Prints why's message, which holds a path, as warn_err() would. */
static void
warn_path(const struct errmsg *why, bool location)
{
	char msg[ERRMSG_MAX];
	size_t i;

	for (i = 0; i + 1 < sizeof(msg) && why->msg[i] != '\0'; i++)
		msg[i] = safe_byte(why->msg[i]);
	msg[i] = '\0';
	if (location && verbose)
		warnx_msg("%s (%s:%d)", msg, why->src_file, why->src_line);
	else
		warnx_msg("%s", msg);
}

struct clean_report {
	bool print_paths;
};

static void
on_event(void *ctx, enum treeclean_event ev, const char *path,
    const struct errmsg *why)
{
	const struct clean_report *r = ctx;

	switch (ev) {
	case TREECLEAN_FILE:
	case TREECLEAN_DIR:
		if (!r->print_paths)
			return;
		/* tmpwatch --test's words, one path a line. */
		fputs(ev == TREECLEAN_FILE ? "removing file "
		                           : "removing directory ",
		    stdout);
		put_path(path, stdout);
		fputc('\n', stdout);
		return;
	case TREECLEAN_SKIP:
		/* Not an error: no source location even with -v. */
		if (r->print_paths) {
			(void)fflush(stdout);
			warn_path(why, false);
		}
		return;
	case TREECLEAN_ERROR:
		(void)fflush(stdout);
		warn_path(why, true);
		return;
	}
}

static void
print_summary(const struct treeclean_stats *st, bool dry_run)
{
	printf("%s %llu file%s (%llu byte%s) and %llu director%s",
	    dry_run ? "would remove" : "removed", (unsigned long long)st->files,
	    st->files == 1 ? "" : "s", (unsigned long long)st->bytes,
	    st->bytes == 1 ? "" : "s", (unsigned long long)st->dirs,
	    st->dirs == 1 ? "y" : "ies");
	if (st->errors > 0)
		printf(", %llu failed", (unsigned long long)st->errors);
	putchar('\n');
}

int
cmd_clean(int argc, char **argv)
{
	struct clean_opts o;
	struct clean_report r;
	struct treeclean_opts to;
	struct treeclean_stats st;
	const char *cache_dir = NULL;
	struct timespec now;
	struct conf cf;
	int status, fd;
	size_t i;

	memset(&o, 0, sizeof(o));
	conf_init(&cf);
	status = clean_parse(argc, argv, &o);
	/* With --force the config is not needed: a broken one cannot block. */
	if (status == 0 && !o.force)
		status = clean_cache_dir(o.config, &cf, &cache_dir);
	if (status != 0)
		goto done;
	/* Every root is checked before anything is removed. */
	for (i = 0; i < o.n_dirs; i++) {
		fd = clean_open_root(o.dirs[i], cache_dir, o.force, &status);
		if (fd == -1)
			goto done;
		(void)close(fd);
	}
	if (clock_gettime(CLOCK_REALTIME, &now) == -1) {
		warnx_msg("clock_gettime: %s", strerror(errno));
		status = EXIT_FAILURE;
		goto done;
	}
	memset(&st, 0, sizeof(st));
	r.print_paths = verbose || o.dry_run;
	memset(&to, 0, sizeof(to));
	to.now = now.tv_sec;
	to.age_s = o.age_s;
	to.atime = o.atime;
	to.dry_run = o.dry_run;
	to.exclude = o.exclude;
	to.n_exclude = o.n_exclude;
	to.report = on_event;
	to.ctx = &r;
	for (i = 0; i < o.n_dirs; i++) {
		/* Checked again: the folder may have been swapped since. */
		fd = clean_open_root(o.dirs[i], cache_dir, o.force, &status);
		if (fd == -1) {
			st.errors++;
			continue;
		}
		(void)treeclean_walk(fd, o.dirs[i], &to, &st);
		(void)close(fd);
	}
	if (r.print_paths)
		print_summary(&st, o.dry_run);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnx_msg("stdout: %s", strerror(errno));
		st.errors++;
	}
	status = st.errors > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
done:
	free(o.exclude);
	conf_free(&cf);
	return status == -1 ? EXIT_SUCCESS : status;
}
