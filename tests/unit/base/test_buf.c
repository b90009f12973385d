/*
 * test_buf.c - struct buf, slices, x*alloc helpers and parse_i64.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

static void test_init_empty(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, BUF_DEFAULT_MAX);
	assert_string_equal(buf_cstr(&b), "");
	buf_init(&b, 123);
	assert_int_equal(b.max, 123);
	buf_free(&b);
	/* A zeroed buf is safe to free and to append to (max 0: the default). */
	struct buf z = {0};
	buf_free(&z);
	assert_int_equal(buf_append_str(&z, "ok"), KERR_OK);
	assert_string_equal(buf_cstr(&z), "ok");
	buf_free(&z);
	assert_null(z.data);
	assert_int_equal(z.len, 0);
}

static void test_append_basic(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, "abc", 3), KERR_OK);
	assert_int_equal(buf_append_char(&b, '-'), KERR_OK);
	assert_int_equal(buf_append_str(&b, "xyz"), KERR_OK);
	assert_int_equal(buf_append(&b, "ignored", 0), KERR_OK);
	assert_int_equal(b.len, 7);
	assert_string_equal(buf_cstr(&b), "abc-xyz");
	assert_int_equal(b.data[b.len], '\0');
	/* Bytes, including NUL, are kept as given. */
	assert_int_equal(buf_append(&b, "\0\xff", 2), KERR_OK);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data, "abc-xyz\0\xff", 9);
	assert_int_equal(b.data[9], '\0');
	buf_free(&b);
}

static void test_append_grows(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_append_char(&b, (char)('a' + i % 26)), KERR_OK);
	assert_int_equal(b.len, 10000);
	assert_true(b.cap > b.len);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(b.data[10000], '\0');
	buf_free(&b);
}

static void test_cap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	/* Past the cap on an empty buffer: nothing allocated, nothing changed. */
	assert_int_equal(buf_append(&b, "12345678901", 11), KERR_TOO_LARGE);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append_str(&b, "12345678"), KERR_OK);
	assert_int_equal(buf_append_str(&b, "abc"), KERR_TOO_LARGE);
	assert_int_equal(b.len, 8);
	assert_string_equal(buf_cstr(&b), "12345678");
	assert_int_equal(buf_printf(&b, "%d", 123), KERR_TOO_LARGE);
	assert_string_equal(buf_cstr(&b), "12345678");
	/* Exactly reaching the cap is allowed. */
	assert_int_equal(buf_append_str(&b, "90"), KERR_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_cstr(&b), "1234567890");
	assert_int_equal(buf_append_char(&b, 'x'), KERR_TOO_LARGE);
	assert_int_equal(buf_append(&b, "", 0), KERR_OK);
	assert_string_equal(buf_cstr(&b), "1234567890");
	/* A size that would overflow len + n is refused, not wrapped. */
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), KERR_TOO_LARGE);
	assert_int_equal(buf_append(&b, "x", SIZE_MAX - 5), KERR_TOO_LARGE);
	assert_int_equal(b.len, 10);
	/* After a reset the room is there again. */
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_append_str(&b, "0123456789"), KERR_OK);
	buf_free(&b);
}

static void test_printf(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_printf(&b, "%s=%d;", "a", 42), KERR_OK);
	assert_int_equal(buf_printf(&b, "%05.1f|%x", 3.14159, 255u), KERR_OK);
	assert_string_equal(buf_cstr(&b), "a=42;003.1|ff");
	assert_int_equal(b.len, strlen("a=42;003.1|ff"));
	/* Longer than the 256-byte fast path. */
	char big[1001];
	memset(big, 'q', 1000);
	big[1000] = '\0';
	assert_int_equal(buf_printf(&b, "<%s>%d", big, 7), KERR_OK);
	assert_int_equal(b.len, 13 + 1 + 1000 + 1 + 1);
	assert_memory_equal(b.data + 13, "<q", 2);
	assert_string_equal(b.data + 13 + 1001, ">7");
	buf_free(&b);
}

static void test_printf_cap(void **state)
{
	(void)state;
	char big[600];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct buf b;
	buf_init(&b, 300);
	assert_int_equal(buf_append_str(&b, "keep"), KERR_OK);
	/* Slow path (>= 256 bytes) past the cap. */
	assert_int_equal(buf_printf(&b, "%s", big), KERR_TOO_LARGE);
	assert_int_equal(b.len, 4);
	assert_string_equal(buf_cstr(&b), "keep");
	/* Slow path that fits exactly. */
	assert_int_equal(buf_printf(&b, "%.296s", big), KERR_OK);
	assert_int_equal(b.len, 300);
	assert_int_equal(b.data[300], '\0');
	assert_memory_equal(b.data, "keepzzz", 7);
	/* Fast path past the cap. */
	assert_int_equal(buf_printf(&b, "%c", 'x'), KERR_TOO_LARGE);
	assert_int_equal(b.len, 300);
	buf_free(&b);
}

static void test_steal(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 50);
	char *s = buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(buf_append_str(&b, "hello"), KERR_OK);
	s = buf_steal(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 50);
	/* The buffer is reusable and independent of the stolen bytes. */
	assert_int_equal(buf_append_str(&b, "again"), KERR_OK);
	assert_string_equal(buf_cstr(&b), "again");
	assert_string_equal(s, "hello");
	free(s);
	buf_free(&b);
}

static void test_xstr(void **state)
{
	(void)state;
	char *a = xstrdup("abc");
	char *b = xstrndup("abcdef", 2);
	char *c = xstrndup("abc", 0);
	assert_string_equal(a, "abc");
	assert_string_equal(b, "ab");
	assert_string_equal(c, "");
	free(a);
	free(b);
	free(c);
	void *z = xcalloc(4, 8);
	static const char zero[32];
	assert_memory_equal(z, zero, 32);
	z = xrealloc(z, 64);
	assert_memory_equal(z, zero, 32);
	free(z);
	free(xmalloc(0));
}

/* The items of a list, joined by '|' (an empty item shows as nothing between two). */
static void split_into(const char *list, char *out, size_t cap)
{
	struct slice rest = slice_from(list), item;
	out[0] = '\0';
	for (int first = 1; slice_split(&rest, ',', &item); first = 0)
		snprintf(out + strlen(out), cap - strlen(out), "%s%.*s", first ? "" : "|",
			 (int)item.n, item.p);
}

static void test_slice_split(void **state)
{
	(void)state;
	char got[64];
	split_into("tracking,photo", got, sizeof(got));
	assert_string_equal(got, "tracking|photo");
	split_into("a,,b", got, sizeof(got));
	assert_string_equal(got, "a||b");
	split_into("a,", got, sizeof(got)); /* no empty item at the end */
	assert_string_equal(got, "a");
	split_into(",a", got, sizeof(got));
	assert_string_equal(got, "|a");
	split_into(" x , y ", got, sizeof(got)); /* as written: trimming is the caller's */
	assert_string_equal(got, " x | y ");
	split_into("", got, sizeof(got));
	assert_string_equal(got, "");
	split_into(NULL, got, sizeof(got));
	assert_string_equal(got, "");
}

static void test_slices(void **state)
{
	(void)state;
	struct slice s = slice_from(NULL);
	assert_int_equal(s.n, 0);
	s = slice_from("Hello");
	assert_int_equal(s.n, 5);
	assert_memory_equal(s.p, "Hello", 5);

	static const struct {
		const char *in, *out;
	} trims[] = {
	    {"", ""},		{"   ", ""},	    {" \t\r\n", ""},
	    {"a", "a"},		{"  a b  ", "a b"}, {"\r\nx\r\n", "x"},
	    {"\tx y\t", "x y"}, {"x\v", "x\v"},	    {" a\tb ", "a\tb"},
	};
	for (size_t i = 0; i < sizeof(trims) / sizeof(trims[0]); i++) {
		struct slice t = slice_trim(slice_from(trims[i].in));
		char got[32];
		memcpy(got, t.p, t.n);
		got[t.n] = '\0';
		assert_string_equal(got, trims[i].out);
	}
}

static void test_parse_i64(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t min, max;
		int ok;
		int64_t want;
	} cases[] = {
	    {"0", INT64_MIN, INT64_MAX, 1, 0},
	    {"-0", INT64_MIN, INT64_MAX, 1, 0},
	    {"+0", INT64_MIN, INT64_MAX, 1, 0},
	    {"42", INT64_MIN, INT64_MAX, 1, 42},
	    {"+42", INT64_MIN, INT64_MAX, 1, 42},
	    {"-42", INT64_MIN, INT64_MAX, 1, -42},
	    {"007", INT64_MIN, INT64_MAX, 1, 7},
	    {"9223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX},
	    {"+9223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX},
	    {"-9223372036854775807", INT64_MIN, INT64_MAX, 1, -INT64_MAX},
	    {"-9223372036854775808", INT64_MIN, INT64_MAX, 1, INT64_MIN},
	    {"00009223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX},
	    {"9223372036854775808", INT64_MIN, INT64_MAX, 0, 0},
	    {"9223372036854775810", INT64_MIN, INT64_MAX, 0, 0},
	    {"-9223372036854775809", INT64_MIN, INT64_MAX, 0, 0},
	    {"18446744073709551615", INT64_MIN, INT64_MAX, 0, 0},
	    {"18446744073709551616", INT64_MIN, INT64_MAX, 0, 0},
	    {"99999999999999999999999", INT64_MIN, INT64_MAX, 0, 0},
	    {"", INT64_MIN, INT64_MAX, 0, 0},
	    {"-", INT64_MIN, INT64_MAX, 0, 0},
	    {"+", INT64_MIN, INT64_MAX, 0, 0},
	    {"--1", INT64_MIN, INT64_MAX, 0, 0},
	    {"+-1", INT64_MIN, INT64_MAX, 0, 0},
	    {"1-", INT64_MIN, INT64_MAX, 0, 0},
	    {" 1", INT64_MIN, INT64_MAX, 0, 0},
	    {"1 ", INT64_MIN, INT64_MAX, 0, 0},
	    {"- 1", INT64_MIN, INT64_MAX, 0, 0},
	    {"1a", INT64_MIN, INT64_MAX, 0, 0},
	    {"0x10", INT64_MIN, INT64_MAX, 0, 0},
	    {"1.0", INT64_MIN, INT64_MAX, 0, 0},
	    {"1e3", INT64_MIN, INT64_MAX, 0, 0},
	    {"/", INT64_MIN, INT64_MAX, 0, 0},
	    {":", INT64_MIN, INT64_MAX, 0, 0},
	    /* Range limits are inclusive. */
	    {"1", 1, 65535, 1, 1},
	    {"65535", 1, 65535, 1, 65535},
	    {"0", 1, 65535, 0, 0},
	    {"65536", 1, 65535, 0, 0},
	    {"-1", 1, 65535, 0, 0},
	    {"-5", -5, -5, 1, -5},
	    {"-4", -5, -5, 0, 0},
	    {"-6", -5, -5, 0, 0},
	    {"-9223372036854775808", INT64_MIN + 1, INT64_MAX, 0, 0},
	    {"9223372036854775807", INT64_MIN, INT64_MAX - 1, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t out = 12345;
		int rc = parse_i64(slice_from(cases[i].in), cases[i].min, cases[i].max, &out);
		if (rc != (cases[i].ok ? 0 : -1) || (cases[i].ok && out != cases[i].want))
			print_error("case %zu: \"%s\" in [%lld, %lld]\n", i, cases[i].in,
				    (long long)cases[i].min, (long long)cases[i].max);
		assert_int_equal(rc, cases[i].ok ? 0 : -1);
		if (cases[i].ok)
			assert_int_equal(out, cases[i].want);
		else
			assert_int_equal(out, 12345); /* untouched on failure */
	}
	/* Only the slice's bytes are parsed. */
	int64_t out = 0;
	assert_int_equal(parse_i64((struct slice){"12345", 3}, 0, 1000, &out), 0);
	assert_int_equal(out, 123);
	assert_int_equal(parse_i64((struct slice){"-7x", 2}, -10, 10, &out), 0);
	assert_int_equal(out, -7);
	assert_int_equal(parse_i64((struct slice){NULL, 0}, 0, 10, &out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_empty),	 cmocka_unit_test(test_append_basic),
	    cmocka_unit_test(test_append_grows), cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_printf),	 cmocka_unit_test(test_printf_cap),
	    cmocka_unit_test(test_steal),	 cmocka_unit_test(test_xstr),
	    cmocka_unit_test(test_slices),	 cmocka_unit_test(test_slice_split),
	    cmocka_unit_test(test_parse_i64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
