/* test_daylist.c - listing day files and caching their summaries */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daylist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daysummary.h"
#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

/* A tree per test: DATA/ the day files, CACHE/ the cache folder. */
struct world {
	char *tmp, *data, *cache;
	time_t past; /* an mtime old enough to be cached */
};

static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof(*w));

	w->tmp = testutil_mkdtemp();
	w->data = xasprintf("%s/data", w->tmp);
	w->cache = xasprintf("%s/cache", w->tmp);
	assert_int_equal(mkdir(w->data, 0755), 0);
	assert_int_equal(mkdir(w->cache, 0700), 0);
	w->past = time(NULL) - 3600;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	testutil_rm_rf(w->tmp);
	free(w->tmp);
	free(w->data);
	free(w->cache);
	free(w);
	return 0;
}

/*
 * Text of a day file of date: n_rows one-second rows from hour:00:00,
 * one interface per name in ifaces (blank-separated, may be "").
 */
static char *
day_text(const char *date, int hour, int n_rows, const char *ifaces)
{
	char *text = xstrdup("time,cpu_percent,mem_total_kib,mem_free_kib,"
	                     "mem_available_kib"),
	     *next;
	const char *p = ifaces;
	int i, j, n_ifaces = 0;
	size_t len;

	for (p += strspn(p, " "); *p != '\0'; p += strspn(p, " ")) {
		len = strcspn(p, " ");
		next = xasprintf("%s,net_rx_bps:%.*s,net_tx_bps:%.*s", text,
		    (int)len, p, (int)len, p);
		free(text);
		text = next;
		n_ifaces++;
		p += len;
	}
	next = xasprintf("%s\n", text);
	free(text);
	text = next;
	for (i = 0; i < n_rows; i++) {
		next = xasprintf("%s%sT%02d:%02d:%02d+04:00,12.50,16318480,"
		                 "4009166,10552680",
		    text, date, hour, i / 60, i % 60);
		free(text);
		text = next;
		for (j = 0; j < n_ifaces; j++) {
			next = xasprintf("%s,1000,200", text);
			free(text);
			text = next;
		}
		next = xasprintf("%s\n", text);
		free(text);
		text = next;
	}
	return text;
}

static void
set_mtime(const char *path, time_t s, long ns)
{
	struct timespec ts[2] = {{s, ns}, {s, ns}};

	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* Writes w->data/NAME with text, its mtime set to w->past. */
static void
put_file(const struct world *w, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", w->data, name);

	testutil_write_file(path, text, strlen(text));
	set_mtime(path, w->past, 0);
	free(path);
}

/* Writes the day file DATE.csv with day_text(), mtime in the past. */
static void
put_day(const struct world *w, const char *date, int hour, int n_rows,
    const char *ifaces)
{
	char *text = day_text(date, hour, n_rows, ifaces);
	char *name = xasprintf("%s.csv", date);

	put_file(w, name, text);
	free(name);
	free(text);
}

static struct daylist *
list(const struct world *w, const char *cache_dir)
{
	struct errmsg err;
	struct daylist *l;

	memset(&err, 0, sizeof(err));
	l = daylist_new(w->data, cache_dir, &err);
	if (l == NULL)
		fail_msg("daylist_new: %s", err.msg);
	return l;
}

static char *
cache_file(const struct world *w)
{
	char *path = daylist_cache_path(w->data, w->cache, NULL);

	assert_non_null(path);
	return path;
}

static void
test_daylist_lists_days_in_date_order(void **state)
{
	struct world *w = *state;
	struct daylist *l;

	put_day(w, "2026-11-27", 0, 3, "eth0");
	put_day(w, "2025-12-31", 0, 2, "eth0");
	put_day(w, "2026-01-09", 0, 1, "eth0");
	put_day(w, "2026-11-03", 0, 4, "eth0");
	l = list(w, NULL);
	assert_int_equal(l->n, 4);
	assert_string_equal(l->days[0].name, "2025-12-31.csv");
	assert_string_equal(l->days[1].name, "2026-01-09.csv");
	assert_string_equal(l->days[2].name, "2026-11-03.csv");
	assert_string_equal(l->days[3].name, "2026-11-27.csv");
	assert_int_equal(l->days[3].date.year, 2026);
	assert_int_equal(l->days[3].date.month, 11);
	assert_int_equal(l->days[3].date.day, 27);
	daylist_free(l);
}

static void
test_daylist_ignores_names_that_are_not_day_files(void **state)
{
	static const char *const junk[] = {".lock", ".state", ".2026-11-20.csv",
	    "2026-11-20.csv.bad-1795000000", "2026-11-20.csv~",
	    "2026-11-20.CSV", "2026-11-20.csv.gz", "2026-11-2.csv",
	    "20261120.csv", "2026-02-30.csv", "2026-13-01.csv",
	    "1969-12-31.csv", "x026-11-20.csv", "notes.txt", "2026-11-20"};
	struct world *w = *state;
	char *text = day_text("2026-11-20", 0, 2, "eth0");
	struct daylist *l;
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		put_file(w, junk[i], text);
	put_file(w, "2026-11-20.csv", text);
	l = list(w, NULL);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->days[0].name, "2026-11-20.csv");
	daylist_free(l);
	free(text);
}

static void
test_daylist_summarises_rows_times_and_ifaces(void **state)
{
	struct world *w = *state;
	struct daylist *l;
	const struct daysummary *s;

	put_day(w, "2026-11-27", 13, 90, "eth0 wlan0");
	l = list(w, NULL);
	assert_int_equal(l->n, 1);
	s = l->days[0].summary;
	assert_non_null(s);
	assert_int_equal(s->rows, 90);
	assert_string_equal(s->first_time, "2026-11-27T13:00:00+04:00");
	assert_string_equal(s->last_time, "2026-11-27T13:01:29+04:00");
	assert_int_equal(s->n_ifaces, 2);
	assert_string_equal(s->ifaces[0], "eth0");
	assert_string_equal(s->ifaces[1], "wlan0");
	assert_int_equal(l->days[0].size, s->size);
	assert_false(l->days[0].from_cache);
	assert_int_equal(l->n_read, 1);
	daylist_free(l);
}

static void
test_daylist_lists_unparsable_file_with_its_error(void **state)
{
	struct world *w = *state;
	struct daylist *l;

	put_day(w, "2026-11-26", 0, 2, "eth0");
	put_file(w, "2026-11-27.csv", "time,cpu\nnonsense\n");
	put_day(w, "2026-11-28", 0, 2, "eth0");
	l = list(w, NULL);
	assert_int_equal(l->n, 3);
	assert_non_null(l->days[0].summary);
	assert_null(l->days[1].summary);
	assert_int_equal(l->days[1].err.code, EINVAL);
	assert_int_equal(strncmp(l->days[1].err.msg, "2026-11-27.csv:1: ", 18),
	    0);
	assert_int_equal(l->days[1].size, 18);
	assert_non_null(l->days[2].summary);
	daylist_free(l);
}

static void
test_daylist_lists_folder_named_as_day_with_error(void **state)
{
	struct world *w = *state;
	char *path = xasprintf("%s/2026-11-27.csv", w->data);
	struct daylist *l;

	assert_int_equal(mkdir(path, 0755), 0);
	l = list(w, w->cache);
	assert_int_equal(l->n, 1);
	assert_null(l->days[0].summary);
	assert_string_equal(l->days[0].err.msg,
	    "2026-11-27.csv: not a regular file");
	daylist_free(l);
	free(path);
}

static void
test_daylist_lists_empty_folder_as_no_days(void **state)
{
	struct world *w = *state;
	struct daylist *l = list(w, w->cache);

	assert_int_equal(l->n, 0);
	assert_false(l->cache_written);
	daylist_free(l);
}

static void
test_daylist_fails_with_enoent_for_missing_folder(void **state)
{
	struct world *w = *state;
	char *gone = xasprintf("%s/gone", w->tmp);
	struct errmsg err;

	assert_null(daylist_new(gone, w->cache, &err));
	assert_int_equal(err.code, ENOENT);
	assert_non_null(strstr(err.msg, gone));
	assert_null(daylist_new(gone, NULL, NULL));
	daylist_free(NULL);
	free(gone);
}

static void
test_daylist_fails_with_enotdir_for_file(void **state)
{
	struct world *w = *state;
	char *file = xasprintf("%s/2026-11-27.csv", w->data);
	struct errmsg err;

	put_day(w, "2026-11-27", 0, 1, "eth0");
	assert_null(daylist_new(file, NULL, &err));
	assert_int_equal(err.code, ENOTDIR);
	free(file);
}

static void
test_daylist_takes_unchanged_files_from_cache(void **state)
{
	struct world *w = *state;
	struct daylist *l;
	size_t i;

	put_day(w, "2026-11-25", 0, 5, "eth0");
	put_day(w, "2026-11-26", 0, 6, "eth0 eth1");
	put_day(w, "2026-11-27", 0, 7, "");
	l = list(w, w->cache);
	assert_int_equal(l->n_read, 3);
	assert_int_equal(l->n_from_cache, 0);
	assert_true(l->cache_written);
	assert_int_equal(l->cache_err.code, 0);
	daylist_free(l);

	l = list(w, w->cache);
	assert_int_equal(l->n, 3);
	assert_int_equal(l->n_read, 0);
	assert_int_equal(l->n_from_cache, 3);
	assert_false(l->cache_written); /* nothing changed */
	assert_int_equal(l->cache_err.code, 0);
	for (i = 0; i < 3; i++) {
		assert_true(l->days[i].from_cache);
		assert_non_null(l->days[i].summary);
		assert_int_equal(l->days[i].summary->rows, 5 + (long)i);
	}
	assert_int_equal(l->days[1].summary->n_ifaces, 2);
	assert_string_equal(l->days[1].summary->ifaces[1], "eth1");
	assert_string_equal(l->days[1].summary->first_time,
	    "2026-11-26T00:00:00+04:00");
	assert_string_equal(l->days[1].summary->last_time,
	    "2026-11-26T00:00:05+04:00");
	assert_int_equal(l->days[1].summary->last_utcoff_s, 4 * 3600);
	assert_true(l->days[1].summary->has_header);
	assert_int_equal(l->days[2].summary->n_ifaces, 0);
	assert_non_null(l->days[2].summary->ifaces);
	daylist_free(l);
}

/*
 * Rewrites DATA/2026-11-27.csv in place (same inode) with a summary of
 * other times but the same size, and gives it mtime s.ns.
 */
static void
rewrite_same_size(const struct world *w, int hour, time_t s, long ns)
{
	char *path = xasprintf("%s/2026-11-27.csv", w->data);
	char *text = day_text("2026-11-27", hour, 4, "eth0");

	testutil_write_file(path, text, strlen(text));
	set_mtime(path, s, ns);
	free(text);
	free(path);
}

static void
test_daylist_keys_cache_by_size_and_mtime_not_content(void **state)
{
	struct world *w = *state;
	struct daylist *l;

	put_day(w, "2026-11-27", 10, 4, "eth0");
	l = list(w, w->cache);
	assert_string_equal(l->days[0].summary->first_time,
	    "2026-11-27T10:00:00+04:00");
	daylist_free(l);

	/* Same inode, size and mtime: the old summary proves a hit. */
	rewrite_same_size(w, 11, w->past, 0);
	l = list(w, w->cache);
	assert_int_equal(l->n_from_cache, 1);
	assert_string_equal(l->days[0].summary->first_time,
	    "2026-11-27T10:00:00+04:00");
	daylist_free(l);

	/* One nanosecond of mtime is a change. */
	rewrite_same_size(w, 11, w->past, 1);
	l = list(w, w->cache);
	assert_int_equal(l->n_from_cache, 0);
	assert_int_equal(l->n_read, 1);
	assert_true(l->cache_written);
	assert_string_equal(l->days[0].summary->first_time,
	    "2026-11-27T11:00:00+04:00");
	daylist_free(l);

	l = list(w, w->cache);
	assert_int_equal(l->n_from_cache, 1);
	assert_string_equal(l->days[0].summary->first_time,
	    "2026-11-27T11:00:00+04:00");
	daylist_free(l);
}

static void
test_daylist_rereads_file_whose_size_changed(void **state)
{
	struct world *w = *state;
	char *path = xasprintf("%s/2026-11-27.csv", w->data);
	char *text = day_text("2026-11-27", 0, 5, "eth0");
	struct daylist *l;

	put_day(w, "2026-11-27", 0, 4, "eth0");
	daylist_free(list(w, w->cache));
	/* A row appended, the old mtime put back: only the size tells. */
	testutil_write_file(path, text, strlen(text));
	set_mtime(path, w->past, 0);
	l = list(w, w->cache);
	assert_int_equal(l->n_read, 1);
	assert_int_equal(l->days[0].summary->rows, 5);
	daylist_free(l);
	free(text);
	free(path);
}

static void
test_daylist_rereads_file_whose_inode_changed(void **state)
{
	struct world *w = *state;
	char *path = xasprintf("%s/2026-11-27.csv", w->data);
	char *tmp = xasprintf("%s/new", w->tmp);
	char *text = day_text("2026-11-27", 11, 4, "eth0");
	struct daylist *l;

	put_day(w, "2026-11-27", 10, 4, "eth0");
	daylist_free(list(w, w->cache));
	/* Same size and mtime, but a new file renamed in, as a rewrite. */
	testutil_write_file(tmp, text, strlen(text));
	set_mtime(tmp, w->past, 0);
	assert_int_equal(rename(tmp, path), 0);
	l = list(w, w->cache);
	assert_int_equal(l->n_read, 1);
	assert_string_equal(l->days[0].summary->first_time,
	    "2026-11-27T11:00:00+04:00");
	daylist_free(l);
	free(text);
	free(tmp);
	free(path);
}

static void
test_daylist_does_not_cache_file_changed_just_now(void **state)
{
	struct world *w = *state;
	char *path = xasprintf("%s/2026-11-27.csv", w->data);
	struct daylist *l;
	int i;

	put_day(w, "2026-11-26", 0, 4, "eth0");
	put_day(w, "2026-11-27", 0, 4, "eth0");
	set_mtime(path, time(NULL), 0); /* today's, being written */
	for (i = 0; i < 2; i++) {
		l = list(w, w->cache);
		assert_int_equal(l->n, 2);
		assert_int_equal(l->n_from_cache, (size_t)i);
		assert_false(l->days[1].from_cache);
		assert_int_equal(l->n_read, 2 - (size_t)i);
		/* Written once for the settled day, then left alone. */
		assert_int_equal(l->cache_written, i == 0);
		daylist_free(l);
	}
	free(path);
}

static void
test_daylist_drops_cache_entries_of_vanished_files(void **state)
{
	struct world *w = *state;
	char *path = xasprintf("%s/2026-11-26.csv", w->data);
	struct daylist *l;

	put_day(w, "2026-11-25", 0, 4, "eth0");
	put_day(w, "2026-11-26", 0, 4, "eth0");
	put_day(w, "2026-11-27", 0, 4, "eth0");
	daylist_free(list(w, w->cache));
	assert_int_equal(unlink(path), 0);
	l = list(w, w->cache);
	assert_int_equal(l->n, 2);
	assert_int_equal(l->n_from_cache, 2);
	assert_true(l->cache_written); /* without the vanished one */
	daylist_free(l);
	l = list(w, w->cache);
	assert_int_equal(l->n_from_cache, 2);
	assert_false(l->cache_written);
	daylist_free(l);
	free(path);
}

static void
test_daylist_caches_parse_errors(void **state)
{
	struct world *w = *state;
	struct daylist *l;
	char msg[ERRMSG_MAX];

	put_file(w, "2026-11-27.csv", "time,cpu\nnonsense\n");
	l = list(w, w->cache);
	assert_int_equal(l->n_read, 1);
	assert_true(l->cache_written);
	memcpy(msg, l->days[0].err.msg, sizeof(msg));
	daylist_free(l);
	l = list(w, w->cache);
	assert_int_equal(l->n_from_cache, 1);
	assert_null(l->days[0].summary);
	assert_int_equal(l->days[0].err.code, EINVAL);
	assert_string_equal(l->days[0].err.msg, msg);
	assert_int_equal(l->days[0].size, 18);
	daylist_free(l);
}

/* Lists w's three days through the cache and checks what came back. */
static struct daylist *
list_three(const struct world *w)
{
	struct daylist *l = list(w, w->cache);
	size_t i;

	assert_int_equal(l->n, 3);
	for (i = 0; i < 3; i++) {
		assert_non_null(l->days[i].summary);
		assert_int_equal(l->days[i].summary->rows, 3 + (long)i);
	}
	return l;
}

static void
put_three(const struct world *w)
{
	put_day(w, "2026-11-25", 0, 3, "eth0");
	put_day(w, "2026-11-26", 0, 4, "eth0 eth1");
	put_day(w, "2026-11-27", 0, 5, "");
}

static void
test_daylist_ignores_corrupt_cache_and_rewrites_it(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w), *data;
	struct daylist *l;
	size_t len;

	put_three(w);
	daylist_free(list_three(w));
	data = testutil_read_file(path, &len);
	data[len / 2] ^= 0x55;
	testutil_write_file(path, data, len);
	l = list_three(w);
	assert_int_equal(l->n_from_cache, 0);
	assert_int_equal(l->n_read, 3);
	assert_int_equal(l->cache_err.code, EINVAL);
	assert_non_null(strstr(l->cache_err.msg, "bad checksum"));
	assert_true(l->cache_written);
	daylist_free(l);
	l = list_three(w);
	assert_int_equal(l->n_from_cache, 3);
	assert_int_equal(l->cache_err.code, 0);
	daylist_free(l);
	free(data);
	free(path);
}

static void
test_daylist_ignores_cache_cut_at_any_length(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w), *data;
	struct daylist *l;
	size_t len, cut;

	put_three(w);
	daylist_free(list_three(w));
	data = testutil_read_file(path, &len);
	for (cut = 0; cut < len; cut++) {
		testutil_write_file(path, data, cut);
		l = list_three(w);
		assert_int_equal(l->n_from_cache, 0);
		assert_int_equal(l->cache_err.code, EINVAL);
		daylist_free(l);
	}
	free(data);
	free(path);
}

static uint64_t
fnv1a(const unsigned char *p, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Rewrites the last 8 bytes of data as the checksum of the rest. */
static void
reseal(unsigned char *data, size_t len)
{
	uint64_t h = fnv1a(data, len - 8);
	size_t i;

	for (i = 0; i < 8; i++)
		data[len - 8 + i] = (unsigned char)(h >> (8 * i));
}

/*
 * A cache with a valid checksum is still not trusted: every byte
 * changed in turn (lengths, counts, names, times) must leave a correct
 * listing, never a crash or an overrun (run under ASan in CI).
 */
static void
test_daylist_survives_any_byte_changed_behind_checksum(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w);
	unsigned char *data, *copy;
	struct daylist *l;
	size_t len, i, v, rejected = 0;
	static const unsigned char values[] = {0x00, 0x01, 0x7f, 0xff};

	put_three(w);
	daylist_free(list_three(w));
	data = (unsigned char *)testutil_read_file(path, &len);
	copy = xmalloc(len);
	for (i = 0; i < len - 8; i++)
		for (v = 0; v < sizeof(values); v++) {
			if (data[i] == values[v])
				continue;
			memcpy(copy, data, len);
			copy[i] = values[v];
			reseal(copy, len);
			testutil_write_file(path, (char *)copy, len);
			l = list(w, w->cache);
			assert_int_equal(l->n, 3);
			assert_int_equal(l->n_from_cache + l->n_read, 3);
			rejected += l->cache_err.code == EINVAL;
			daylist_free(l);
		}
	/* Most changes break a structure rule, not only a key. */
	assert_true(rejected > len);
	free(copy);
	free(data);
	free(path);
}

static void
test_daylist_ignores_cache_of_another_version(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w), *data;
	struct daylist *l;
	size_t len;

	put_three(w);
	daylist_free(list_three(w));
	data = testutil_read_file(path, &len);
	assert_int_equal(memcmp(data, "RESMONDL\1\0\0\0", 12), 0);
	data[8] = 2;
	reseal((unsigned char *)data, len);
	testutil_write_file(path, data, len);
	l = list_three(w);
	assert_int_equal(l->n_from_cache, 0);
	assert_non_null(strstr(l->cache_err.msg, "cache version 2"));
	daylist_free(l);
	free(data);
	free(path);
}

static void
test_daylist_ignores_cache_of_another_folder(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w), *other = xasprintf("%s/other", w->tmp);
	char *other_cache, *data;
	struct errmsg err;
	struct daylist *l;
	size_t len;

	put_three(w);
	daylist_free(list_three(w));
	/* The same files under another name, the cache copied over. */
	assert_int_equal(rename(w->data, other), 0);
	assert_int_equal(mkdir(w->data, 0755), 0);
	other_cache = daylist_cache_path(other, w->cache, NULL);
	assert_non_null(other_cache);
	assert_string_not_equal(other_cache, path);
	data = testutil_read_file(path, &len);
	testutil_write_file(other_cache, data, len);
	l = daylist_new(other, w->cache, &err);
	assert_non_null(l);
	assert_int_equal(l->n, 3);
	assert_int_equal(l->n_from_cache, 0);
	assert_non_null(strstr(l->cache_err.msg, "cache of another folder"));
	daylist_free(l);
	free(data);
	free(other_cache);
	free(other);
	free(path);
}

static void
test_daylist_ignores_garbage_cache(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w);
	struct daylist *l;
	char junk[4096];
	size_t i;

	put_three(w);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	testutil_write_file(path, junk, sizeof(junk));
	l = list_three(w);
	assert_int_equal(l->n_from_cache, 0);
	assert_int_equal(l->cache_err.code, EINVAL);
	assert_true(l->cache_written);
	daylist_free(l);
	free(path);
}

static void
test_daylist_works_without_cache_when_cache_dir_is_a_file(void **state)
{
	struct world *w = *state;
	char *file = xasprintf("%s/plain", w->tmp);
	struct daylist *l;
	int i;

	put_three(w);
	testutil_write_file(file, "x", 1);
	for (i = 0; i < 2; i++) {
		l = daylist_new(w->data, file, NULL);
		assert_non_null(l);
		assert_int_equal(l->n, 3);
		assert_int_equal(l->n_read, 3);
		assert_false(l->cache_written);
		assert_int_equal(l->cache_err.code, ENOTDIR);
		daylist_free(l);
	}
	free(file);
}

static void
test_daylist_works_without_cache_when_cache_file_is_a_folder(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w);
	struct daylist *l;

	put_three(w);
	/* Neither readable as a cache nor replaceable by rename(2). */
	assert_int_equal(mkdir(path, 0755), 0);
	l = list_three(w);
	assert_int_equal(l->n_read, 3);
	assert_false(l->cache_written);
	assert_int_not_equal(l->cache_err.code, 0);
	daylist_free(l);
	free(path);
}

static void
test_daylist_leaves_no_temporary_file_in_cache_dir(void **state)
{
	struct world *w = *state;
	char *path = cache_file(w);
	char *listing = xasprintf("ls -A '%s'", w->cache);
	char line[256];
	FILE *fp;
	int n = 0;

	put_three(w);
	daylist_free(list_three(w));
	fp = popen(listing, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		assert_string_equal(line, strrchr(path, '/') + 1);
		n++;
	}
	assert_int_equal(pclose(fp), 0);
	assert_int_equal(n, 1);
	free(listing);
	free(path);
}

static void
test_daylist_reads_every_time_without_cache_dir(void **state)
{
	struct world *w = *state;
	struct daylist *l;
	int i;

	put_three(w);
	for (i = 0; i < 2; i++) {
		l = list(w, NULL);
		assert_int_equal(l->n_read, 3);
		assert_int_equal(l->n_from_cache, 0);
		assert_false(l->cache_written);
		assert_int_equal(l->cache_err.code, 0);
		daylist_free(l);
	}
}

static void
test_daylist_cache_path_hashes_real_path_of_folder(void **state)
{
	struct world *w = *state;
	char *dotted = xasprintf("%s/./", w->data);
	char *a = daylist_cache_path(w->data, "/c", NULL);
	char *b = daylist_cache_path(dotted, "/c", NULL);
	char *c = daylist_cache_path(w->tmp, "/c", NULL);
	struct errmsg err;

	assert_non_null(a);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strncmp(a, "/c/days-", 8), 0);
	assert_int_equal(strlen(a), 8 + 16);
	assert_null(daylist_cache_path("/nonexistent/resmon", "/c", &err));
	assert_int_equal(err.code, ENOENT);
	free(a);
	free(b);
	free(c);
	free(dotted);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_daylist_lists_days_in_date_order),
	    T(test_daylist_ignores_names_that_are_not_day_files),
	    T(test_daylist_summarises_rows_times_and_ifaces),
	    T(test_daylist_lists_unparsable_file_with_its_error),
	    T(test_daylist_lists_folder_named_as_day_with_error),
	    T(test_daylist_lists_empty_folder_as_no_days),
	    T(test_daylist_fails_with_enoent_for_missing_folder),
	    T(test_daylist_fails_with_enotdir_for_file),
	    T(test_daylist_takes_unchanged_files_from_cache),
	    T(test_daylist_keys_cache_by_size_and_mtime_not_content),
	    T(test_daylist_rereads_file_whose_size_changed),
	    T(test_daylist_rereads_file_whose_inode_changed),
	    T(test_daylist_does_not_cache_file_changed_just_now),
	    T(test_daylist_drops_cache_entries_of_vanished_files),
	    T(test_daylist_caches_parse_errors),
	    T(test_daylist_ignores_corrupt_cache_and_rewrites_it),
	    T(test_daylist_ignores_cache_cut_at_any_length),
	    T(test_daylist_survives_any_byte_changed_behind_checksum),
	    T(test_daylist_ignores_cache_of_another_version),
	    T(test_daylist_ignores_cache_of_another_folder),
	    T(test_daylist_ignores_garbage_cache),
	    T(test_daylist_works_without_cache_when_cache_dir_is_a_file),
	    T(test_daylist_works_without_cache_when_cache_file_is_a_folder),
	    T(test_daylist_leaves_no_temporary_file_in_cache_dir),
	    T(test_daylist_reads_every_time_without_cache_dir),
	    T(test_daylist_cache_path_hashes_real_path_of_folder),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
