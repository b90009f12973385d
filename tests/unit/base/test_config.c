/*
 * test_config.c - defaults, the file, the environment and flags.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"

extern char **environ;

/* Removes every KAPSULE_* variable so the tests see only what they set. */
static int clean_env(void **state)
{
	(void)state;
	for (;;) {
		char name[256] = "";
		for (char **e = environ; *e; e++)
			if (strncmp(*e, "KAPSULE_", 8) == 0) {
				size_t n = strcspn(*e, "=");
				if (n < sizeof(name)) {
					memcpy(name, *e, n);
					name[n] = '\0';
				}
				break;
			}
		if (!name[0])
			return 0;
		unsetenv(name);
	}
}

/* A temporary config file holding text; path receives its name. */
static void write_file(char path[64], const char *text)
{
	strcpy(path, "/tmp/kapsule-test-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* config_load with argv built from a NULL-terminated list. */
static int load(struct config *c, char *err, const char *const *args, int *rest, int *nrest)
{
	char *argv[32];
	int argc = 0;
	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	err[0] = '\0';
	return config_load(c, argc, argv, rest, nrest, err, 512);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_string_equal(c.db, "kapsule.db");
	assert_int_equal(c.threads, 8);
	assert_int_equal(c.db_pool, 0);
	assert_int_equal(c.max_header_bytes, 16 * 1024);
	assert_int_equal(c.max_body_bytes, 1024 * 1024);
	assert_int_equal(c.max_upload_bytes, 25 * 1024 * 1024);
	assert_int_equal(c.max_file_bytes, 10 * 1024 * 1024);
	assert_int_equal(c.cookie_secure, 0);
	assert_int_equal(c.test_clock, 0);
	assert_int_equal(c.log_requests, 1);
	assert_string_equal(c.log_level, "info");
	assert_string_equal(c.support_email, "support@kapsule.co.uk");
	assert_int_equal(c.password_mem_kib, 65536);

	/* Loading with no file, no variables and no flags gives the same. */
	char dir[] = "/tmp/kapsule-test-cwd-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char old[4096];
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(dir), 0);
	struct config l;
	char err[512];
	int rest[4], nrest = -1;
	static const char *const none[] = {NULL};
	int rc = load(&l, err, none, rest, &nrest);
	assert_int_equal(chdir(old), 0);
	rmdir(dir);
	assert_int_equal(rc, 0);
	assert_int_equal(nrest, 0);
	assert_memory_equal(&l, &c, sizeof(c));
}

static void test_file(void **state)
{
	(void)state;
	char path[64];
	write_file(path, "# kapsule.conf\n"
			 "\n"
			 "   \t\n"
			 "port = 9090\n"
			 "  listen=0.0.0.0  \n"
			 "   # an indented comment\n"
			 "operator_name = \"Kapsule Ltd\"\n"
			 "db = \"/var/lib/k # not a comment\"\n"
			 "public_url=\"\"\n"
			 "cookie_secure = yes\r\n"
			 "max_body_bytes = 2M\n"
			 "log_level = debug"); /* no final newline */
	struct config c;
	char err[512], arg[128];
	snprintf(arg, sizeof(arg), "--config=%s", path);
	const char *args[] = {arg, NULL};
	int rest[2], nrest;
	int rc = load(&c, err, args, rest, &nrest);
	unlink(path);
	assert_string_equal(err, "");
	assert_int_equal(rc, 0);
	assert_int_equal(nrest, 0);
	assert_int_equal(c.port, 9090);
	assert_string_equal(c.listen, "0.0.0.0");
	assert_string_equal(c.operator_name, "Kapsule Ltd");
	assert_string_equal(c.db, "/var/lib/k # not a comment");
	assert_string_equal(c.public_url, "");
	assert_int_equal(c.cookie_secure, 1);
	assert_int_equal(c.max_body_bytes, 2 * 1024 * 1024);
	assert_string_equal(c.log_level, "debug");
	assert_int_equal(c.threads, 8); /* untouched keys keep the default */
}

/* Errors in a file name FILE:LINE and what is wrong. */
static void test_file_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int line;
		const char *says;
	} cases[] = {
	    {"port = 9090\n\nbogus = 1\n", 3, "unknown key 'bogus'"},
	    {"# c\nport = 70000\n", 2,
	     "'port' must be a whole number from 1 to 65535, not '70000'"},
	    {"port = 80x\n", 1, "not '80x'"},
	    {"port = 8080 # trailing comment\n", 1, "'port'"},
	    {"\n\n\n\ncookie_secure = maybe\n", 5,
	     "'cookie_secure' must be true or false, not 'maybe'"},
	    {"just words\n", 1, "expected 'key = value'"},
	    {"max_body_bytes = 1m\n", 1, "'max_body_bytes' must be a size"},
	    {"log_level = verbose\n", 1, "'log_level' must be debug, info, warn or error"},
	    {"Port = 1\n", 1, "unknown key 'Port'"},
	    {"max-body-bytes = 2M\n", 1, "unknown key 'max-body-bytes'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[64], err[512], arg[128], want[256];
		write_file(path, cases[i].text);
		snprintf(arg, sizeof(arg), "--config=%s", path);
		const char *args[] = {arg, NULL};
		struct config c;
		int rest[2], nrest;
		int rc = load(&c, err, args, rest, &nrest);
		unlink(path);
		assert_int_equal(rc, -1);
		snprintf(want, sizeof(want), "%s:%d: ", path, cases[i].line);
		if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, cases[i].says))
			print_error("case %zu: got \"%s\", want \"%s...%s\"\n", i, err, want,
				    cases[i].says);
		assert_int_equal(strncmp(err, want, strlen(want)), 0);
		assert_non_null(strstr(err, cases[i].says));
	}
}

static void test_missing_file(void **state)
{
	(void)state;
	struct config c;
	char err[512];
	int rest[2], nrest;
	const char *args[] = {"--config", "/nonexistent/kapsule.conf", NULL};
	assert_int_equal(load(&c, err, args, rest, &nrest), -1);
	assert_non_null(strstr(err, "/nonexistent/kapsule.conf: cannot open"));
	/* KAPSULE_CONFIG names a file that must exist too. */
	setenv("KAPSULE_CONFIG", "/nonexistent/other.conf", 1);
	const char *none[] = {NULL};
	int rc = load(&c, err, none, rest, &nrest);
	unsetenv("KAPSULE_CONFIG");
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "/nonexistent/other.conf: cannot open"));
}

static void test_env(void **state)
{
	(void)state;
	char path[64], err[512], arg[128];
	write_file(path, "port = 9090\nthreads = 3\n");
	setenv("KAPSULE_CONFIG", path, 1);
	setenv("KAPSULE_PORT", "9999", 1);
	setenv("KAPSULE_MAX_BODY_BYTES", "64k", 1);
	setenv("KAPSULE_COOKIE_SECURE", "on", 1);
	struct config c;
	int rest[4], nrest;
	const char *none[] = {NULL};
	assert_int_equal(load(&c, err, none, rest, &nrest), 0);
	assert_int_equal(c.port, 9999); /* environment beats the file */
	assert_int_equal(c.threads, 3); /* the file beats the default */
	assert_int_equal(c.max_body_bytes, 65536);
	assert_int_equal(c.cookie_secure, 1);
	/* Flags beat the environment. */
	snprintf(arg, sizeof(arg), "--port=7000");
	const char *args[] = {arg, NULL};
	assert_int_equal(load(&c, err, args, rest, &nrest), 0);
	assert_int_equal(c.port, 7000);
	/* A bad value in the environment names the variable. */
	setenv("KAPSULE_PORT", "abc", 1);
	assert_int_equal(load(&c, err, none, rest, &nrest), -1);
	assert_non_null(strstr(err, "environment KAPSULE_PORT: 'port' must be a whole number"));
	setenv("KAPSULE_PORT", "0", 1);
	assert_int_equal(load(&c, err, none, rest, &nrest), -1);
	assert_non_null(strstr(err, "KAPSULE_PORT"));
	unsetenv("KAPSULE_PORT");
	unsetenv("KAPSULE_MAX_BODY_BYTES");
	unsetenv("KAPSULE_COOKIE_SECURE");
	unsetenv("KAPSULE_CONFIG");
	unlink(path);
}

static void test_flags(void **state)
{
	(void)state;
	char path[64], err[512], cfg[128];
	write_file(path, "");
	snprintf(cfg, sizeof(cfg), "--config=%s", path);
	const char *args[] = {"serve",
			      cfg,
			      "--port=1234",
			      "--max-body-bytes",
			      "3k",
			      "--db_pool",
			      "4",
			      "--verbose",
			      "--listen=::1",
			      "-x",
			      "--test-clock",
			      "--log_requests=false",
			      "--cookie-secure",
			      NULL};
	struct config c;
	int rest[16], nrest = -1;
	int rc = load(&c, err, args, rest, &nrest);
	assert_string_equal(err, "");
	assert_int_equal(rc, 0);
	assert_int_equal(c.port, 1234);
	assert_int_equal(c.max_body_bytes, 3072);
	assert_int_equal(c.db_pool, 4);
	assert_string_equal(c.listen, "::1");
	assert_int_equal(c.test_clock, 1); /* bool before another flag */
	assert_int_equal(c.log_requests, 0);
	assert_int_equal(c.cookie_secure, 1); /* bool at the end */
	/* Non-configuration arguments are left for the command, by index. */
	assert_int_equal(nrest, 3);
	assert_int_equal(rest[0], 0); /* serve */
	assert_int_equal(rest[1], 7); /* --verbose */
	assert_int_equal(rest[2], 9); /* -x */

	/* --config PATH (two words) is consumed, and a bool flag takes a value word. */
	const char *args2[] = {"--config", path, "--cookie-secure", "no", "--threads", "2", NULL};
	assert_int_equal(load(&c, err, args2, rest, &nrest), 0);
	assert_int_equal(nrest, 0);
	assert_int_equal(c.cookie_secure, 0);
	assert_int_equal(c.threads, 2);

	/* A flag that needs a value and has none. */
	const char *args3[] = {cfg, "--port", NULL};
	assert_int_equal(load(&c, err, args3, rest, &nrest), -1);
	assert_non_null(strstr(err, "flag --port: needs a value"));
	/* A bad flag value names the flag. */
	const char *args4[] = {cfg, "--max-files=101", NULL};
	assert_int_equal(load(&c, err, args4, rest, &nrest), -1);
	assert_non_null(
	    strstr(err, "flag --max_files: 'max_files' must be a whole number from 1 to 100"));
	const char *args5[] = {cfg, "--cookie-secure=maybe", NULL};
	assert_int_equal(load(&c, err, args5, rest, &nrest), -1);
	assert_non_null(strstr(err, "flag --cookie_secure"));
	unlink(path);
}

static void test_values(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value;
		int ok;
		int64_t want; /* for numbers and bools */
	} cases[] = {
	    {"max_body_bytes", "16k", 1, 16384},
	    {"max_body_bytes", "16K", 1, 16384},
	    {"max_body_bytes", "2M", 1, 2097152},
	    {"max_body_bytes", "64M", 1, 64 * 1048576LL},
	    {"max_body_bytes", "1024", 1, 1024},
	    {"max_upload_bytes", "1G", 1, 1073741824},
	    {"max_upload_bytes", "2G", 0, 0},
	    {"max_body_bytes", "1023", 0, 0},
	    {"max_body_bytes", "65M", 0, 0},
	    {"max_body_bytes", "1m", 0, 0},
	    {"max_body_bytes", "1g", 0, 0},
	    {"max_body_bytes", "1T", 0, 0},
	    {"max_body_bytes", "k", 0, 0},
	    {"max_body_bytes", "", 0, 0},
	    {"max_body_bytes", "-2k", 0, 0},
	    {"max_body_bytes", "1.5M", 0, 0},
	    {"max_body_bytes", "2 M", 0, 0},
	    {"max_body_bytes", "2kk", 0, 0},
	    {"max_body_bytes", "9999999999999999G", 0, 0},
	    {"max_body_bytes", "99999999999999999999", 0, 0},
	    {"port", "1", 1, 1},
	    {"port", "65535", 1, 65535},
	    {"port", "0", 0, 0},
	    {"port", "65536", 0, 0},
	    {"port", "-1", 0, 0},
	    {"port", "+80", 1, 80},
	    {"port", "8k", 0, 0},
	    {"port", " 80", 0, 0},
	    {"threads", "256", 1, 256},
	    {"threads", "257", 0, 0},
	    {"db_pool", "0", 1, 0},
	    {"reopen_window_days", "365", 1, 365},
	    {"reopen_window_days", "366", 0, 0},
	    {"password_mem_kib", "8191", 0, 0},
	    {"cookie_secure", "true", 1, 1},
	    {"cookie_secure", "yes", 1, 1},
	    {"cookie_secure", "on", 1, 1},
	    {"cookie_secure", "1", 1, 1},
	    {"cookie_secure", "false", 1, 0},
	    {"cookie_secure", "no", 1, 0},
	    {"cookie_secure", "off", 1, 0},
	    {"cookie_secure", "0", 1, 0},
	    {"cookie_secure", "2", 0, 0},
	    {"cookie_secure", "", 0, 0},
	    {"nope", "1", 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c;
		config_defaults(&c);
		char err[256] = "";
		int rc = config_set(&c, cases[i].key, cases[i].value, "here", err, sizeof(err));
		if (rc != (cases[i].ok ? 0 : -1))
			print_error("case %zu: %s = '%s': rc %d, err \"%s\"\n", i, cases[i].key,
				    cases[i].value, rc, err);
		assert_int_equal(rc, cases[i].ok ? 0 : -1);
		if (!cases[i].ok) {
			assert_int_equal(strncmp(err, "here: ", 6), 0);
			continue;
		}
		int64_t got;
		if (strcmp(cases[i].key, "cookie_secure") == 0)
			got = c.cookie_secure;
		else if (strcmp(cases[i].key, "port") == 0)
			got = c.port;
		else if (strcmp(cases[i].key, "threads") == 0)
			got = c.threads;
		else if (strcmp(cases[i].key, "db_pool") == 0)
			got = c.db_pool;
		else if (strcmp(cases[i].key, "reopen_window_days") == 0)
			got = c.reopen_window_days;
		else if (strcmp(cases[i].key, "max_upload_bytes") == 0)
			got = c.max_upload_bytes;
		else
			got = c.max_body_bytes;
		assert_int_equal(got, cases[i].want);
	}
}

static void test_strings(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	char err[256], v[100];
	memset(v, 'a', 63);
	v[63] = '\0';
	assert_int_equal(config_set(&c, "listen", v, "t", err, sizeof(err)), 0);
	assert_string_equal(c.listen, v);
	strcat(v, "b"); /* 64 bytes: one too many for char[64] */
	assert_int_equal(config_set(&c, "listen", v, "t", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t: value of 'listen' is longer than 63 bytes"));
	assert_int_equal(strlen(c.listen), 63); /* the old value is kept */
}

static void test_lists(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		int ok, n;
		int64_t v[4];
	} cases[] = {
	    {"12,2", 1, 2, {12, 2}},
	    {"2, 12", 1, 2, {12, 2}}, /* sorted, largest first */
	    {" 1 ,336,48,5 ", 1, 4, {336, 48, 5, 1}},
	    {"", 1, 0, {0}},
	    {"24", 1, 1, {24}},
	    {"12,12", 0, 0, {0}},
	    {"0", 0, 0, {0}},
	    {"337", 0, 0, {0}},
	    {"1,2,3,4,5", 0, 0, {0}},
	    {"12,,2", 0, 0, {0}},
	    {"x", 0, 0, {0}},
	    {"-2", 0, 0, {0}},
	    {"1.5", 0, 0, {0}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c;
		config_defaults(&c);
		char err[256] = "";
		int rc = config_set(&c, "vendor_reminder_hours", cases[i].value, "here", err,
				    sizeof(err));
		if (rc != (cases[i].ok ? 0 : -1))
			print_error("case %zu: '%s': rc %d, err \"%s\"\n", i, cases[i].value, rc,
				    err);
		assert_int_equal(rc, cases[i].ok ? 0 : -1);
		if (!cases[i].ok) {
			assert_non_null(strstr(err, "here: 'vendor_reminder_hours' must be"));
			assert_int_equal(c.vendor_reminder_hours.n, 2); /* the default is kept */
			continue;
		}
		assert_int_equal(c.vendor_reminder_hours.n, cases[i].n);
		for (int k = 0; k < cases[i].n; k++)
			assert_int_equal(c.vendor_reminder_hours.v[k], cases[i].v[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),	cmocka_unit_test(test_file),
	    cmocka_unit_test(test_file_errors), cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_env),		cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_values),	cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests(tests, clean_env, NULL);
}
