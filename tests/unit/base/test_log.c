/*
 * test_log.c - JSON log lines: escaping, truncation, levels.
 *
 * Each case runs the logging in a child process whose standard error is a
 * temporary file (dup2), so that the parent can read every line back and
 * parse it with jansson, and so that a crash in the logger is reported as a
 * failed case instead of ending the whole program.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"

#define MAX_LINES      4000
#define LINE_MAX_BYTES 2048 /* sizeof(struct logline.buf), newline included */

struct out {
	char *text;
	size_t len;
	int nlines;
	int bad;		  /* lines that are not JSON objects or too long */
	json_t *lines[MAX_LINES]; /* NULL for a bad line */
	size_t bytes[MAX_LINES];  /* length of each line, newline included */
};

/* What the current case captured; freed by the teardown even after a failure. */
static struct out g;

/*
 * Runs fn(arg) in a child with fd 2 redirected; fills o with what it wrote.
 * Returns 0, or -1 (with the output printed) when the child did not exit 0.
 */
static int capture(void (*fn)(const void *), const void *arg, struct out *o)
{
	char path[] = "/tmp/kapsule-test-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 2);
		fn(arg);
		_exit(0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	off_t size = lseek(fd, 0, SEEK_END);
	assert_true(size >= 0);
	o->text = malloc((size_t)size + 1);
	assert_int_equal(pread(fd, o->text, (size_t)size, 0), size);
	o->text[size] = '\0';
	o->len = (size_t)size;
	close(fd);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	print_error("the logging child failed (status 0x%x); it wrote:\n%.3000s\n", st, o->text);
	return -1;
}

/*
 * Splits o into lines and parses each.  Lines that are not JSON objects or
 * are longer than a logline are counted in o->bad (the first few printed),
 * so that a sweep reports every failing length, not just the first.
 */
static void parse_lines(struct out *o)
{
	o->nlines = 0;
	o->bad = 0;
	assert_true(o->len == 0 || o->text[o->len - 1] == '\n');
	size_t at = 0;
	while (at < o->len) {
		const char *nl = memchr(o->text + at, '\n', o->len - at);
		assert_non_null(nl);
		size_t n = (size_t)(nl - (o->text + at));
		json_error_t je;
		json_t *j = json_loadb(o->text + at, n, JSON_ALLOW_NUL, &je);
		if (!j || !json_is_object(j) || n + 1 > LINE_MAX_BYTES) {
			if (o->bad++ < 3)
				print_error(
				    "line %d (%zu bytes) is not a valid log line (%s at column "
				    "%d); it ends: ...%.40s\n",
				    o->nlines, n + 1, j ? "too long or not an object" : je.text,
				    je.column, o->text + at + (n > 40 ? n - 40 : 0));
			json_decref(j);
			j = NULL;
		}
		assert_true(o->nlines < MAX_LINES);
		o->bytes[o->nlines] = n + 1;
		o->lines[o->nlines++] = j;
		at += n + 1;
	}
}

static void out_free(struct out *o)
{
	for (int i = 0; i < o->nlines; i++)
		json_decref(o->lines[i]);
	free(o->text);
	memset(o, 0, sizeof(*o));
}

static int teardown(void **state)
{
	(void)state;
	out_free(&g);
	return 0;
}

static const char *str_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---------------------------------------------------------------- cases */

/* capture + parse_lines, requiring a clean exit and only valid lines. */
static void run(void (*fn)(const void *), const void *arg, int nlines)
{
	assert_int_equal(capture(fn, arg, &g), 0);
	parse_lines(&g);
	assert_int_equal(g.bad, 0);
	assert_int_equal(g.nlines, nlines);
}

static void child_levels(const void *arg)
{
	(void)arg;
	log_msg(LOG_INFO, "hello", "k", "v");
	log_msg(LOG_DEBUG, "dropped by default", NULL, NULL);
	log_set_level(LOG_WARN);
	log_msg(LOG_INFO, "dropped", NULL, NULL);
	log_msg(LOG_WARN, "null value", "k", NULL);
	log_msg(LOG_ERROR, "no detail", NULL, NULL);
	log_set_level(LOG_DEBUG);
	log_msg(LOG_DEBUG, "d", NULL, NULL);
}

static void test_lines_and_levels(void **state)
{
	(void)state;
	static const char *const names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++)
		assert_int_equal(log_level_parse(names[i]), i);
	assert_int_equal(log_level_parse("INFO"), -1);
	assert_int_equal(log_level_parse("warning"), -1);
	assert_int_equal(log_level_parse(""), -1);
	assert_false(log_enabled(LOG_DEBUG));
	assert_true(log_enabled(LOG_INFO));
	assert_true(log_enabled(LOG_ERROR));
	run(child_levels, NULL, 4);
	assert_int_equal(strncmp(g.text, "{\"ts\":\"", 7), 0);
	const char *ts = str_of(g.lines[0], "ts");
	assert_non_null(ts);
	assert_int_equal(strlen(ts), 24); /* 2024-01-02T03:04:05.678Z */
	assert_int_equal(ts[10], 'T');
	assert_int_equal(ts[23], 'Z');
	assert_string_equal(str_of(g.lines[0], "level"), "info");
	assert_string_equal(str_of(g.lines[0], "msg"), "hello");
	assert_string_equal(str_of(g.lines[0], "k"), "v");
	assert_int_equal(json_object_size(g.lines[0]), 4);
	assert_string_equal(str_of(g.lines[1], "level"), "warn");
	assert_string_equal(str_of(g.lines[1], "k"), "");
	assert_string_equal(str_of(g.lines[2], "level"), "error");
	assert_int_equal(json_object_size(g.lines[2]), 3);
	assert_string_equal(str_of(g.lines[3], "level"), "debug");
	assert_string_equal(str_of(g.lines[3], "msg"), "d");
	out_free(&g);
}

/* Every byte 0x00..0x7F plus quote and backslash, round-tripped. */
static char all_ascii[130];

static void child_escaping(const void *arg)
{
	(void)arg;
	struct logline l;
	log_begin(&l, LOG_INFO, "tab\there \"quoted\" back\\slash");
	log_strn(&l, "all", all_ascii, sizeof(all_ascii));
	log_strn(&l, "cut", "abcdef", 3);
	log_str(&l, "utf8", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	log_int(&l, "min", INT64_MIN);
	log_int(&l, "max", INT64_MAX);
	log_double(&l, "d", -0.25);
	log_double(&l, "ms", 12.3456);
	log_end(&l);
}

static void test_escaping_and_numbers(void **state)
{
	(void)state;
	for (int i = 0; i < 128; i++)
		all_ascii[i] = (char)i;
	all_ascii[128] = '"';
	all_ascii[129] = '\\';
	run(child_escaping, NULL, 1);
	/* Only the final newline may be a raw control character. */
	for (size_t i = 0; i + 1 < g.len; i++)
		if ((unsigned char)g.text[i] < 0x20 || g.text[i] == 0x7F)
			fail_msg("raw control byte 0x%02x at %zu", (unsigned char)g.text[i], i);
	assert_non_null(strstr(g.text, "\\u0000\\u0001"));
	assert_non_null(strstr(g.text, "\\u001f !\\\"#"));
	assert_non_null(strstr(g.text, "\\u007f\\\"\\\\\""));
	json_t *j = g.lines[0], *all = json_object_get(j, "all");
	assert_true(json_is_string(all));
	assert_int_equal(json_string_length(all), sizeof(all_ascii));
	assert_memory_equal(json_string_value(all), all_ascii, sizeof(all_ascii));
	assert_string_equal(str_of(j, "msg"), "tab\there \"quoted\" back\\slash");
	assert_string_equal(str_of(j, "cut"), "abc");
	assert_string_equal(str_of(j, "utf8"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	assert_int_equal(json_integer_value(json_object_get(j, "min")), INT64_MIN);
	assert_int_equal(json_integer_value(json_object_get(j, "max")), INT64_MAX);
	assert_true(json_real_value(json_object_get(j, "d")) == -0.25);
	assert_true(fabs(json_real_value(json_object_get(j, "ms")) - 12.346) < 1e-9);
	out_free(&g);
}

/* A 10 KB value of quotes, backslashes, control characters and text. */
static char big[10 * 1024 + 1];

static void child_big(const void *arg)
{
	(void)arg;
	struct logline l;
	log_begin(&l, LOG_WARN, "big value");
	log_int(&l, "before", 1);
	log_str(&l, "value", big);
	log_int(&l, "after", 2);
	log_end(&l);
	log_msg(LOG_ERROR, big, "v", big);  /* a huge message too */
	log_begin(&l, LOG_INFO, "members"); /* and many members */
	for (int i = 0; i < 300; i++)
		log_int(&l, "some_fairly_long_key_name", INT64_MIN + i);
	log_str(&l, "s", "late");
	log_end(&l);
}

static void test_big_value(void **state)
{
	(void)state;
	static const char pat[] = "ab\"c\\d\x01\n\x1f\t\"\"\\\\ xyz\x7f";
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = pat[i % (sizeof(pat) - 1)];
	run(child_big, NULL, 3);
	json_t *j = g.lines[0];
	assert_string_equal(str_of(j, "msg"), "big value");
	assert_int_equal(json_integer_value(json_object_get(j, "before")), 1);
	const char *v = str_of(j, "value");
	assert_non_null(v);
	/* Cut, as much as fits kept, and a true prefix of what was logged. */
	assert_true(strlen(v) > 500);
	assert_true(strlen(v) < sizeof(big) - 1);
	assert_memory_equal(v, big, strlen(v));
	assert_true(g.bytes[0] >= 2030);
	/* The cut message line is valid too and starts with the message. */
	const char *m = str_of(g.lines[1], "msg");
	assert_non_null(m);
	assert_true(strlen(m) > 500);
	assert_memory_equal(m, big, strlen(m));
	assert_true(g.bytes[2] > 1500);
	out_free(&g);
}

/*
 * Cutting at every possible offset: values whose escaped form is 1, 2 or 6
 * bytes a character, of lengths around the line size, each followed by
 * another member.
 */
static void child_sweep(const void *arg)
{
	const char *unit = arg;
	char *v = malloc(2200 * 6);
	size_t ulen = strlen(unit);
	for (int len = 250; len <= 2200; len++) {
		size_t n = 0;
		for (int i = 0; i < len; i++) {
			memcpy(v + n, unit, ulen);
			n += ulen;
		}
		/* Twice: the second time with a message length that varies, so
		 * that cuts fall at every alignment of multi-byte units. */
		static const char *const msgs[] = {"sweep!", "sweep!!", "sweep!!!", "sweep!!!!"};
		for (int k = 0; k < 2; k++) {
			struct logline l;
			log_begin(&l, LOG_INFO, k ? msgs[len % 4] : "sweep");
			log_strn(&l, "v", v, n);
			log_int(&l, "after", len);
			log_str(&l, "tail", "t");
			log_end(&l);
		}
	}
	free(v);
}

/* Sweeps one unit; returns the number of bad lines (printed by parse_lines). */
static int sweep(const char *what, const char *unit)
{
	assert_int_equal(capture(child_sweep, unit, &g), 0);
	parse_lines(&g);
	assert_int_equal(g.nlines, 2 * (2200 - 250 + 1));
	size_t ulen = strlen(unit);
	int first_bad = -1;
	for (int k = 0; k < g.nlines; k++) {
		int len = 250 + k / 2;
		if (!g.lines[k]) {
			if (first_bad < 0)
				first_bad = len;
			continue;
		}
		const char *v = str_of(g.lines[k], "v");
		assert_non_null(v);
		size_t n = strlen(v);
		assert_true(n <= (size_t)len * ulen);
		if (n < (size_t)len * ulen)
			assert_true(g.bytes[k] >= 2030); /* cut: as much as fits is kept */
		for (size_t i = 0; i < n; i++)
			assert_int_equal(v[i], unit[i % ulen]);
		json_t *after = json_object_get(g.lines[k], "after");
		if (n == (size_t)len * ulen && after)
			assert_int_equal(json_integer_value(after), len);
	}
	int bad = g.bad;
	if (bad)
		print_error("%s: %d of %d lines invalid, the first for a value of %d units\n", what,
			    bad, g.nlines, first_bad);
	out_free(&g);
	return bad;
}

static void test_cut_ascii(void **state)
{
	(void)state;
	assert_int_equal(sweep("'x'", "x"), 0);
}

static void test_cut_escapes(void **state)
{
	(void)state;
	int bad = sweep("quote", "\"");
	bad += sweep("U+0002", "\x02");
	bad += sweep("a, backslash, U+001F", "a\\\x1f");
	assert_int_equal(bad, 0);
}

/* A cut must not split a UTF-8 character: JSON text is UTF-8. */
static void test_cut_utf8(void **state)
{
	(void)state;
	int bad = sweep("U+00E9", "\xC3\xA9");
	bad += sweep("U+20AC", "\xE2\x82\xAC");
	bad += sweep("U+1F600", "\xF0\x9F\x98\x80");
	assert_int_equal(bad, 0);
}

static void child_double(const void *arg)
{
	struct logline l;
	log_begin(&l, LOG_INFO, "double");
	log_double(&l, "d", *(const double *)arg);
	log_int(&l, "after", 1);
	log_end(&l);
}

/* Any double gives a valid line (no overread of the number's buffer, no nan). */
static void test_double_extremes(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		double d;
	} cases[] = {
	    {"1e40", 1e40},
	    {"1e300", 1e300},
	    {"-1e60", -1e60},
	    {"DBL_MAX", 1.7976931348623157e308},
	    {"NAN", NAN},
	    {"INFINITY", INFINITY},
	    {"-INFINITY", -INFINITY},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ok = capture(child_double, &cases[i].d, &g) == 0;
		if (ok) {
			parse_lines(&g);
			ok = g.nlines == 1 && g.bad == 0;
		}
		if (!ok) {
			print_error("log_double(%s) did not give one valid line\n", cases[i].what);
			wrong++;
		}
		out_free(&g);
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_lines_and_levels, teardown),
	    cmocka_unit_test_teardown(test_escaping_and_numbers, teardown),
	    cmocka_unit_test_teardown(test_big_value, teardown),
	    cmocka_unit_test_teardown(test_cut_ascii, teardown),
	    cmocka_unit_test_teardown(test_cut_escapes, teardown),
	    cmocka_unit_test_teardown(test_cut_utf8, teardown),
	    cmocka_unit_test_teardown(test_double_extremes, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
