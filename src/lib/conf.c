/* conf.c - parse resmon.conf: key = value lines, strictly checked */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "conf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "parse.h"
#include "xalloc.h"

/* One config line, for messages. */
struct cfline {
	const char *path;
	long lineno;
	const char *key, *value;
};

enum cftype { CF_PATH, CF_UINT, CF_SIZE, CF_GLOBS };

struct cfkey {
	const char *name;
	enum cftype type;
	size_t offset;       /* of the field in struct conf */
	uint64_t min, max;   /* for numbers */
	size_t count_offset; /* for glob lists */
};

#define FIELD(f) offsetof(struct conf, f)

/* Every key of SPEC §6; intervals and times are whole seconds. */
static const struct cfkey cfkeys[] = {
    {"data_dir", CF_PATH, FIELD(data_dir), 0, 0, 0},
    {"cache_dir", CF_PATH, FIELD(cache_dir), 0, 0, 0},
    {"socket", CF_PATH, FIELD(socket), 0, 0, 0},
    {"token_file", CF_PATH, FIELD(token_file), 0, 0, 0},
    {"interval", CF_UINT, FIELD(interval_s), 1, 3600, 0},
    {"sync_interval", CF_UINT, FIELD(sync_interval_s), 1, 86400, 0},
    {"keep_days", CF_UINT, FIELD(keep_days), 0, 36500, 0},
    {"workers", CF_UINT, FIELD(workers), 1, 64, 0},
    {"backlog", CF_SIZE, FIELD(backlog), 0, 1000000, 0},
    {"max_ifaces", CF_SIZE, FIELD(max_ifaces), 1, 4096, 0},
    {"iface", CF_GLOBS, FIELD(iface), 0, 0, FIELD(n_iface)},
    {"exclude", CF_GLOBS, FIELD(exclude), 0, 0, FIELD(n_exclude)},
};

void
conf_init(struct conf *cf)
{
	memset(cf, 0, sizeof(*cf));
	cf->interval_s = CONF_INTERVAL_S;
	cf->sync_interval_s = CONF_SYNC_INTERVAL_S;
	cf->backlog = CONF_BACKLOG;
	cf->max_ifaces = CONF_MAX_IFACES;
	cf->workers = CONF_WORKERS;
}

int
conf_add_globs(char ***list, size_t *n, const char *value, struct errmsg *err)
{
	const char *p = value, *end;
	size_t added = 0;

	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		*list = xreallocarray(*list, *n + 1, sizeof(**list));
		(*list)[(*n)++] = xstrndup(p, (size_t)(end - p));
		added++;
		p = end;
	}
	if (added == 0)
		return ERRMSG_SET(err, EINVAL, "empty glob list");
	return 0;
}

static int
conf_set(struct conf *cf, const struct cfkey *k, const struct cfline *ln,
    struct errmsg *err)
{
	char *field = (char *)cf + k->offset;
	uint64_t v;

	switch (k->type) {
	case CF_PATH:
		if (*ln->value == '\0')
			return ERRMSG_SET(err, EINVAL, "%s:%ld: empty %s",
			    ln->path, ln->lineno, k->name);
		free(*(char **)field);
		*(char **)field = xstrdup(ln->value);
		return 0;
	case CF_UINT:
	case CF_SIZE:
		if (parse_uint(ln->value, k->min, k->max, &v) == -1)
			return ERRMSG_SET(err, EINVAL,
			    "%s:%ld: bad %s \"%s\" (%llu-%llu)", ln->path,
			    ln->lineno, k->name, ln->value,
			    (unsigned long long)k->min,
			    (unsigned long long)k->max);
		if (k->type == CF_UINT)
			*(unsigned *)field = (unsigned)v;
		else
			*(size_t *)field = (size_t)v;
		return 0;
	case CF_GLOBS:
		if (conf_add_globs((char ***)field,
		        (size_t *)((char *)cf + k->count_offset), ln->value,
		        NULL) == -1)
			return ERRMSG_SET(err, EINVAL, "%s:%ld: empty %s",
			    ln->path, ln->lineno, k->name);
		return 0;
	}
	return ERRMSG_SET(err, EINVAL, "%s:%ld: bad key type", ln->path,
	    ln->lineno);
}

/* Trims blanks at both ends of s in place; returns the new start. */
static char *
trim(char *s)
{
	size_t len;

	s += strspn(s, " \t");
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	                      s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static int
conf_line(struct conf *cf, struct cfline *ln, char *text, struct errmsg *err)
{
	char *eq, *key;
	size_t i;

	key = trim(text);
	if (*key == '\0' || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (eq == NULL)
		return ERRMSG_SET(err, EINVAL,
		    "%s:%ld: expected \"key = value\"", ln->path, ln->lineno);
	*eq = '\0';
	ln->key = trim(key);
	ln->value = trim(eq + 1);
	for (i = 0; i < sizeof(cfkeys) / sizeof(cfkeys[0]); i++)
		if (strcmp(cfkeys[i].name, ln->key) == 0)
			return conf_set(cf, &cfkeys[i], ln, err);
	return ERRMSG_SET(err, EINVAL, "%s:%ld: unknown key \"%s\"", ln->path,
	    ln->lineno, ln->key);
}

int
conf_load(struct conf *cf, const char *path, struct errmsg *err)
{
	struct cfline ln = {path, 0, NULL, NULL};
	char *text = NULL;
	size_t cap = 0;
	int rc = 0;
	FILE *fp;

	fp = fopen(path, "re");
	if (fp == NULL)
		return ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
	errno = 0;
	while (rc == 0 && getline(&text, &cap, fp) != -1) {
		ln.lineno++;
		if (memchr(text, '\0', strlen(text) + 1) != text + strlen(text))
			rc = ERRMSG_SET(err, EINVAL, "%s:%ld: NUL byte", path,
			    ln.lineno);
		else
			rc = conf_line(cf, &ln, text, err);
	}
	if (rc == 0 && ferror(fp))
		rc = ERRMSG_SET(err, EIO, "%s: read error", path);
	free(text);
	(void)fclose(fp);
	return rc;
}

const char *
conf_data_dir(const char *opt, const struct conf *cf)
{
	const char *env = getenv("RESMON_DATA_DIR");

	if (opt != NULL)
		return opt;
	if (env != NULL && *env != '\0')
		return env;
	if (cf != NULL && cf->data_dir != NULL)
		return cf->data_dir;
	return CONF_DATA_DIR_BY_HAND;
}

void
conf_free(struct conf *cf)
{
	size_t i;

	free(cf->data_dir);
	free(cf->cache_dir);
	free(cf->socket);
	free(cf->token_file);
	for (i = 0; i < cf->n_iface; i++)
		free(cf->iface[i]);
	for (i = 0; i < cf->n_exclude; i++)
		free(cf->exclude[i]);
	free(cf->iface);
	free(cf->exclude);
	conf_init(cf);
}
