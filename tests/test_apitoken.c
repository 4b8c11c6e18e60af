/* test_apitoken.c - the API token file and the bearer check (SPEC §3) */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "apitoken.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

#define TOKEN_A                                                                \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOKEN_B                                                                \
	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* Writes text to DIR/api-token with mode; returns the path to free. */
static char *
write_token(const char *dir, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/api-token", dir);

	testutil_write_file(path, text, strlen(text));
	if (chmod(path, mode) == -1)
		fail_msg("chmod %s: %s", path, strerror(errno));
	return path;
}

static void
assert_msg(const struct errmsg *err, const char *want)
{
	if (strstr(err->msg, want) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err->msg, want);
}

static void
assert_refused(struct apitoken *t, const char *authorization, const char *want)
{
	struct errmsg err;

	assert_int_equal(apitoken_check(t, authorization, &err), -1);
	assert_int_equal(err.code, EACCES);
	assert_msg(&err, want);
	assert_null(strstr(err.msg, TOKEN_A));
	assert_null(strstr(err.msg, "0123456789"));
}

static void
assert_file_error(const char *path, int code, const char *want)
{
	struct apitoken *t = apitoken_new(path);
	struct errmsg err;

	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), -1);
	assert_int_equal(err.code, code);
	assert_msg(&err, want);
	apitoken_free(t);
}

static void
test_apitoken_init_creates_0640_hex_file_when_missing(void **state)
{
	char *path = xasprintf("%s/api-token", (char *)*state), *text;
	struct errmsg err;
	struct stat st;
	bool created = false;
	size_t len, i;

	assert_int_equal(apitoken_init_file(path, &created, &err), 0);
	assert_true(created);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	text = testutil_read_file(path, &len);
	assert_int_equal(len, APITOKEN_HEX_LEN + 1);
	for (i = 0; i < APITOKEN_HEX_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", text[i]));
	assert_int_equal(text[APITOKEN_HEX_LEN], '\n');
	free(text);
	free(path);
}

static void
test_apitoken_init_leaves_no_dot_file_behind(void **state)
{
	char *path = xasprintf("%s/api-token", (char *)*state);
	char *other = xasprintf("%s/other", (char *)*state);
	struct errmsg err;
	struct dirent *de;
	DIR *dir;
	int n = 0;

	assert_int_equal(apitoken_init_file(path, NULL, &err), 0);
	assert_int_equal(apitoken_init_file(other, NULL, &err), 0);
	dir = opendir(*state);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	assert_int_equal(closedir(dir), 0);
	assert_int_equal(n, 2);
	free(other);
	free(path);
}

static void
test_apitoken_init_makes_different_tokens(void **state)
{
	char *a = xasprintf("%s/a", (char *)*state);
	char *b = xasprintf("%s/b", (char *)*state);
	char *ta, *tb;
	struct errmsg err;

	assert_int_equal(apitoken_init_file(a, NULL, &err), 0);
	assert_int_equal(apitoken_init_file(b, NULL, &err), 0);
	ta = testutil_read_file(a, NULL);
	tb = testutil_read_file(b, NULL);
	assert_string_not_equal(ta, tb);
	free(ta);
	free(tb);
	free(a);
	free(b);
}

static void
test_apitoken_init_leaves_existing_file_untouched(void **state)
{
	char *path = write_token(*state, TOKEN_A, 0600), *text;
	struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
	struct errmsg err;
	struct stat before, after;
	bool created = true;

	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(apitoken_init_file(path, &created, &err), 0);
	assert_false(created);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(after.st_mtim.tv_sec, 1000000000);
	text = testutil_read_file(path, NULL);
	assert_string_equal(text, TOKEN_A);
	free(text);
	free(path);
}

static void
test_apitoken_init_reports_bad_existing_file(void **state)
{
	char *path = write_token(*state, "short\n", 0640), *text;
	struct errmsg err;
	bool created = true;

	assert_int_equal(apitoken_init_file(path, &created, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_msg(&err, "api-token: not 64 hex characters");
	assert_true(created);
	text = testutil_read_file(path, NULL);
	assert_string_equal(text, "short\n");
	free(text);
	free(path);
	path = write_token(*state, TOKEN_A "\n", 0644);
	assert_int_equal(apitoken_init_file(path, &created, &err), -1);
	assert_int_equal(err.code, EPERM);
	free(path);
}

static void
test_apitoken_init_fails_enoent_when_folder_missing(void **state)
{
	char *path = xasprintf("%s/nope/api-token", (char *)*state);
	struct errmsg err;
	bool created = true;

	assert_int_equal(apitoken_init_file(path, &created, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_msg(&err, "nope/api-token: no folder ");
	assert_msg(&err, "/nope; create it first");
	assert_true(created);
	free(path);
}

static void
test_apitoken_init_refuses_symlink(void **state)
{
	char *path = xasprintf("%s/api-token", (char *)*state);
	char *target = xasprintf("%s/target", (char *)*state);
	struct errmsg err;

	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(apitoken_init_file(path, NULL, &err), -1);
	assert_int_equal(err.code, ELOOP);
	assert_int_equal(access(target, F_OK), -1);
	free(target);
	free(path);
}

static void
test_apitoken_check_accepts_bearer_in_any_case(void **state)
{
	char *path = write_token(*state, TOKEN_A "\n", 0640);
	struct apitoken *t = apitoken_new(path);
	struct errmsg err;

	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), 0);
	assert_int_equal(apitoken_check(t, "bearer " TOKEN_A, &err), 0);
	assert_int_equal(apitoken_check(t, "BEARER " TOKEN_A, &err), 0);
	assert_int_equal(apitoken_check(t, "Bearer    " TOKEN_A, &err), 0);
	apitoken_free(t);
	free(path);
}

static void
test_apitoken_check_accepts_file_without_newline(void **state)
{
	char *path = write_token(*state, TOKEN_A, 0600);
	struct apitoken *t = apitoken_new(path);
	struct errmsg err;

	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), 0);
	apitoken_free(t);
	free(path);
}

static void
test_apitoken_check_refuses_missing_or_wrong_token(void **state)
{
	char *path = write_token(*state, TOKEN_A "\n", 0640);
	struct apitoken *t = apitoken_new(path);

	assert_refused(t, NULL, "missing bearer token");
	assert_refused(t, "", "missing bearer token");
	assert_refused(t, "Bearer", "missing bearer token");
	assert_refused(t, "Bearer   ", "missing bearer token");
	assert_refused(t, "Basic dXNlcjpwYXNz", "not a bearer token");
	assert_refused(t, "Bearer" TOKEN_A, "not a bearer token");
	assert_refused(t, "Bearer\t" TOKEN_A, "not a bearer token");
	assert_refused(t, " Bearer " TOKEN_A, "not a bearer token");
	assert_refused(t, "Bearer " TOKEN_B, "wrong token");
	/* One character short, one long, a trailing space, a quote. */
	assert_refused(t,
	    "Bearer "
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
	    "wrong token");
	assert_refused(t, "Bearer " TOKEN_A "0", "wrong token");
	assert_refused(t, "Bearer " TOKEN_A " ", "wrong token");
	assert_refused(t, "Bearer \"" TOKEN_A "\"", "wrong token");
	/* Hex digits compare as bytes: the file's case is the token's. */
	assert_refused(t,
	    "Bearer "
	    "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	    "wrong token");
	apitoken_free(t);
	free(path);
}

static void
test_apitoken_check_rereads_file_when_rewritten(void **state)
{
	char *path = write_token(*state, TOKEN_A "\n", 0640);
	struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
	struct timespec newer[2] = {{1000000001, 0}, {1000000001, 0}};
	struct apitoken *t = apitoken_new(path);
	struct errmsg err;

	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), 0);
	/* In place, same size: only the timestamps tell. */
	testutil_write_file(path, TOKEN_B "\n", strlen(TOKEN_B "\n"));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(utimensat(AT_FDCWD, path, newer, 0), 0);
	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_B, &err), 0);
	assert_refused(t, "Bearer " TOKEN_A, "wrong token");
	apitoken_free(t);
	free(path);
}

static void
test_apitoken_check_refuses_world_readable_file(void **state)
{
	char *path = write_token(*state, TOKEN_A "\n", 0640);
	struct apitoken *t = apitoken_new(path);
	struct errmsg err;

	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), 0);
	/* chmod alone: the cached token must not outlive it. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), -1);
	assert_int_equal(err.code, EPERM);
	assert_msg(&err, "api-token: readable by others (mode 0644); "
	                 "chmod 0640 it");
	assert_int_equal(chmod(path, 0642), 0);
	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), -1);
	assert_int_equal(err.code, EPERM);
	assert_msg(&err, "open to others (mode 0642)");
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), 0);
	apitoken_free(t);
	free(path);
}

static void
test_apitoken_check_refuses_symlink(void **state)
{
	char *real = write_token(*state, TOKEN_A "\n", 0640);
	char *link = xasprintf("%s/link", (char *)*state);

	assert_int_equal(symlink(real, link), 0);
	assert_file_error(link, ELOOP, "link: a symbolic link");
	free(link);
	free(real);
}

static void
test_apitoken_check_refuses_bad_content(void **state)
{
	static const char *const bad[] = {
	    "",
	    "\n",
	    TOKEN_A "\n\n",
	    TOKEN_A " ",
	    TOKEN_A "0",
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
	    ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"
	     "\n"),
	    " 123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = write_token(*state, bad[i], 0640);

		assert_file_error(path, EINVAL, "api-token: not 64 hex");
		free(path);
	}
}

static void
test_apitoken_check_refuses_other_file_types(void **state)
{
	char *path = xasprintf("%s/api-token", (char *)*state);

	assert_int_equal(mkdir(path, 0750), 0);
	assert_file_error(path, EINVAL, "api-token: not a regular file");
	assert_int_equal(rmdir(path), 0);
	/* Opening a FIFO for reading would block without O_NONBLOCK. */
	assert_int_equal(mkfifo(path, 0640), 0);
	assert_file_error(path, EINVAL, "api-token: not a regular file");
	free(path);
}

static void
test_apitoken_check_fails_enoent_when_file_removed(void **state)
{
	char *path = write_token(*state, TOKEN_A "\n", 0640);
	struct apitoken *t = apitoken_new(path);
	struct errmsg err;

	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(apitoken_check(t, "Bearer " TOKEN_A, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_msg(&err, "api-token: missing");
	apitoken_free(t);
	free(path);
}

static void
test_apitoken_check_accepts_token_init_made(void **state)
{
	char *path = xasprintf("%s/api-token", (char *)*state);
	char *text, *header;
	struct apitoken *t;
	struct errmsg err;

	assert_int_equal(apitoken_init_file(path, NULL, &err), 0);
	text = testutil_read_file(path, NULL);
	text[APITOKEN_HEX_LEN] = '\0';
	header = xasprintf("Bearer %s", text);
	t = apitoken_new(path);
	assert_int_equal(apitoken_check(t, header, &err), 0);
	apitoken_free(t);
	apitoken_free(NULL);
	free(header);
	free(text);
	free(path);
}

#define TMPDIR_TEST(f)                                                         \
	cmocka_unit_test_setup_teardown(f, testutil_setup_tmpdir,              \
	    testutil_teardown_tmpdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TMPDIR_TEST(test_apitoken_init_creates_0640_hex_file_when_missing),
	    TMPDIR_TEST(test_apitoken_init_leaves_no_dot_file_behind),
	    TMPDIR_TEST(test_apitoken_init_makes_different_tokens),
	    TMPDIR_TEST(test_apitoken_init_leaves_existing_file_untouched),
	    TMPDIR_TEST(test_apitoken_init_reports_bad_existing_file),
	    TMPDIR_TEST(test_apitoken_init_fails_enoent_when_folder_missing),
	    TMPDIR_TEST(test_apitoken_init_refuses_symlink),
	    TMPDIR_TEST(test_apitoken_check_accepts_bearer_in_any_case),
	    TMPDIR_TEST(test_apitoken_check_accepts_file_without_newline),
	    TMPDIR_TEST(test_apitoken_check_refuses_missing_or_wrong_token),
	    TMPDIR_TEST(test_apitoken_check_rereads_file_when_rewritten),
	    TMPDIR_TEST(test_apitoken_check_refuses_world_readable_file),
	    TMPDIR_TEST(test_apitoken_check_refuses_symlink),
	    TMPDIR_TEST(test_apitoken_check_refuses_bad_content),
	    TMPDIR_TEST(test_apitoken_check_refuses_other_file_types),
	    TMPDIR_TEST(test_apitoken_check_fails_enoent_when_file_removed),
	    TMPDIR_TEST(test_apitoken_check_accepts_token_init_made),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
