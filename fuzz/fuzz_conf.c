/* fuzz_conf.c - libFuzzer target: resmon.conf, conf_load() on a memfd */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "conf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "errmsg.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path value: trimmed, on one line, not empty. */
static void
check_path(const char *s)
{
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(strchr(s, '\n') == NULL);
	FUZZ_CHECK(s[0] != ' ' && s[0] != '\t');
	FUZZ_CHECK(
	    s[len - 1] != ' ' && s[len - 1] != '\t' && s[len - 1] != '\r');
}

static void
check_globs(char **list, size_t n)
{
	size_t i;

	FUZZ_CHECK((n == 0) == (list == NULL));
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(list[i] != NULL && list[i][0] != '\0');
		FUZZ_CHECK(strpbrk(list[i], " \t\n") == NULL);
	}
}

static void
check_conf(const struct conf *cf)
{
	check_path(cf->data_dir);
	check_path(cf->cache_dir);
	check_path(cf->socket);
	check_path(cf->token_file);
	FUZZ_CHECK(cf->interval_s >= 1 && cf->interval_s <= 3600);
	FUZZ_CHECK(cf->sync_interval_s >= 1 && cf->sync_interval_s <= 86400);
	FUZZ_CHECK(cf->keep_days <= 36500);
	FUZZ_CHECK(cf->workers >= 1 && cf->workers <= 64);
	FUZZ_CHECK(cf->backlog <= 1000000);
	FUZZ_CHECK(cf->max_ifaces >= 1 && cf->max_ifaces <= 4096);
	check_globs(cf->iface, cf->n_iface);
	check_globs(cf->exclude, cf->n_exclude);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errmsg err;
	struct conf cf;
	const char *path;

	(void)fuzz_memfd(data, size);
	path = fuzz_memfd_path();
	conf_init(&cf);
	if (conf_load(&cf, path, &err) == 0) {
		check_conf(&cf);
	} else {
		FUZZ_CHECK(err.code == EINVAL);
		/* "PATH:LINE: what": the operator is shown where. */
		FUZZ_CHECK(strncmp(err.msg, path, strlen(path)) == 0 &&
		           err.msg[strlen(path)] == ':');
		/* Partly updated, as documented, but still in range. */
		check_conf(&cf);
	}
	conf_free(&cf);
	/* Freed back to the defaults, lists empty. */
	FUZZ_CHECK(cf.data_dir == NULL && cf.iface == NULL && cf.n_iface == 0 &&
	           cf.interval_s == CONF_INTERVAL_S);
	return 0;
}
