/*
 * test_utf8.c - strict UTF-8 validation, length and safe prefixes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/utf8.h"

/* Byte strings with an explicit length so that NUL can be part of them. */
#define B(s) s, sizeof(s) - 1

static const struct vcase {
	const char *what;
	const char *p;
	size_t n;
	int valid; /* utf8_valid */
	int text;  /* utf8_valid_text */
} cases[] = {
    /* Valid, every length and the edges of each range. */
    {"empty", B(""), 1, 1},
    {"ascii", B("Hello, world!"), 1, 1},
    {"tab lf cr", B("a\tb\nc\r\n"), 1, 1},
    {"U+0080", B("\xC2\x80"), 1, 0}, /* a C1 control character */
    {"U+009F", B("\xC2\x9F"), 1, 0}, /* a C1 control character */
    {"U+00A0", B("\xC2\xA0"), 1, 1},
    {"U+00E9", B("caf\xC3\xA9"), 1, 1},
    {"U+07FF", B("\xDF\xBF"), 1, 1},
    {"U+0800", B("\xE0\xA0\x80"), 1, 1},
    {"U+20AC", B("\xE2\x82\xAC"), 1, 1},
    {"U+D7FF", B("\xED\x9F\xBF"), 1, 1},
    {"U+E000", B("\xEE\x80\x80"), 1, 1},
    {"U+FFFD", B("\xEF\xBF\xBD"), 1, 1},
    {"U+FFFF", B("\xEF\xBF\xBF"), 1, 1},
    {"U+10000", B("\xF0\x90\x80\x80"), 1, 1},
    {"U+1F600", B("\xF0\x9F\x98\x80"), 1, 1},
    {"U+10FFFF", B("\xF4\x8F\xBF\xBF"), 1, 1},
    {"mixed", B("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), 1, 1},
    /* Valid UTF-8 but not text: NUL and C0 controls other than tab/LF/CR, DEL. */
    {"NUL", B("\0"), 1, 0},
    {"NUL inside", B("a\0b"), 1, 0},
    {"U+0001", B("\x01"), 1, 0},
    {"U+0008", B("x\x08"), 1, 0},
    {"U+000B", B("\x0B"), 1, 0},
    {"U+000C", B("\x0C"), 1, 0},
    {"U+001B escape", B("\x1B[31m"), 1, 0},
    {"U+001F", B("\x1F"), 1, 0},
    {"U+007F", B("\x7F"), 1, 0},
    {"space U+0020", B(" "), 1, 1},
    {"tilde U+007E", B("~"), 1, 1},
    /* Overlong forms. */
    {"overlong / C0", B("\xC0\xAF"), 0, 0},
    {"overlong NUL C0 80", B("\xC0\x80"), 0, 0},
    {"overlong C1 BF", B("\xC1\xBF"), 0, 0},
    {"overlong E0 80 80", B("\xE0\x80\x80"), 0, 0},
    {"overlong E0 9F BF", B("\xE0\x9F\xBF"), 0, 0},
    {"overlong F0 80 80 80", B("\xF0\x80\x80\x80"), 0, 0},
    {"overlong F0 8F BF BF", B("\xF0\x8F\xBF\xBF"), 0, 0},
    /* Surrogates U+D800..U+DFFF. */
    {"U+D800", B("\xED\xA0\x80"), 0, 0},
    {"U+DBFF", B("\xED\xAF\xBF"), 0, 0},
    {"U+DC00", B("\xED\xB0\x80"), 0, 0},
    {"U+DFFF", B("\xED\xBF\xBF"), 0, 0},
    {"surrogate pair (CESU-8)", B("\xED\xA0\xBD\xED\xB8\x80"), 0, 0},
    {"surrogate after text", B("ok \xED\xA0\x80"), 0, 0},
    /* Past U+10FFFF and bytes that never occur. */
    {"U+110000", B("\xF4\x90\x80\x80"), 0, 0},
    {"F4 BF", B("\xF4\xBF\xBF\xBF"), 0, 0},
    {"F5", B("\xF5\x80\x80\x80"), 0, 0},
    {"F7", B("\xF7\xBF\xBF\xBF"), 0, 0},
    {"5-byte F8", B("\xF8\x88\x80\x80\x80"), 0, 0},
    {"6-byte FC", B("\xFC\x84\x80\x80\x80\x80"), 0, 0},
    {"FE", B("\xFE"), 0, 0},
    {"FF", B("a\xFF"), 0, 0},
    /* Truncated sequences. */
    {"C3 at end", B("caf\xC3"), 0, 0},
    {"E2 82 at end", B("\xE2\x82"), 0, 0},
    {"E2 at end", B("x\xE2"), 0, 0},
    {"F0 9F 98 at end", B("\xF0\x9F\x98"), 0, 0},
    {"F0 at end", B("\xF0"), 0, 0},
    {"C3 then ascii",
     B("\xC3"
       "A"),
     0, 0},
    {"E2 82 then ascii",
     B("\xE2\x82"
       "A"),
     0, 0},
    {"F0 9F 98 then ascii",
     B("\xF0\x9F\x98"
       "A"),
     0, 0},
    {"C3 then space", B("\xC3 "), 0, 0},
    {"C3 then C3 A9", B("\xC3\xC3\xA9"), 0, 0},
    {"E2 28 A1", B("\xE2\x28\xA1"), 0, 0},
    {"F0 9F 28 80", B("\xF0\x9F\x28\x80"), 0, 0},
    /* Stray continuation bytes. */
    {"lone 80", B("\x80"), 0, 0},
    {"lone BF", B("\xBF"), 0, 0},
    {"80 inside ascii",
     B("a\x80"
       "b"),
     0, 0},
    {"extra continuation", B("\xC3\xA9\xA9"), 0, 0},
    {"extra after 4-byte", B("\xF0\x9F\x98\x80\x80"), 0, 0},
};

static void test_table(void **state)
{
	(void)state;
	int wrong = 0; /* every mismatch is printed, then the count asserted */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase *c = &cases[i];
		int v = utf8_valid(c->p, c->n);
		int t = utf8_valid_text(c->p, c->n);
		if (v != c->valid || t != c->text) {
			print_error("case %zu \"%s\": utf8_valid %d (want %d), utf8_valid_text %d "
				    "(want %d)\n",
				    i, c->what, v, c->valid, t, c->text);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

/* Validation looks only at p[0..n): a cut sequence is invalid, a cut after it valid. */
static void test_length_bounds(void **state)
{
	(void)state;
	const char *s = "\xF0\x9F\x98\x80";
	for (size_t n = 1; n < 4; n++)
		assert_int_equal(utf8_valid(s, n), 0);
	assert_int_equal(utf8_valid(s, 4), 1);
	assert_int_equal(utf8_valid("ab\xFF", 2), 1);
	assert_int_equal(utf8_valid_text("ab\x01", 2), 1);
	assert_int_equal(utf8_valid(NULL, 0), 1);
}

/* Every 2-byte lead with every continuation: exactly C2..DF x 80..BF are valid. */
static void test_all_two_byte(void **state)
{
	(void)state;
	int valid = 0;
	for (int a = 0x80; a <= 0xFF; a++)
		for (int b = 0; b <= 0xFF; b++) {
			char s[2] = {(char)a, (char)b};
			int want = a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF;
			int got = utf8_valid(s, 2);
			if (got != want)
				print_error("bytes %02X %02X\n", a, b);
			assert_int_equal(got, want);
			valid += got;
		}
	assert_int_equal(valid, 30 * 64);
}

/* Every 3-byte sequence E0..EF 80..BF 80..BF: valid unless overlong or surrogate. */
static void test_all_three_byte(void **state)
{
	(void)state;
	for (int a = 0xE0; a <= 0xEF; a++)
		for (int b = 0x80; b <= 0xBF; b++)
			for (int c = 0x80; c <= 0xBF; c += 0x3F) {
				char s[3] = {(char)a, (char)b, (char)c};
				unsigned cp = ((unsigned)(a & 0x0F) << 12) |
					      ((unsigned)(b & 0x3F) << 6) | (unsigned)(c & 0x3F);
				int want = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
				assert_int_equal(utf8_valid(s, 3), want);
			}
}

/* Every 4-byte lead F0..F4 with every second byte: valid for U+10000..U+10FFFF. */
static void test_all_four_byte(void **state)
{
	(void)state;
	for (int a = 0xF0; a <= 0xF7; a++)
		for (int b = 0x80; b <= 0xBF; b++) {
			char s[4] = {(char)a, (char)b, (char)0x80, (char)0xBF};
			unsigned cp =
			    ((unsigned)(a & 0x07) << 18) | ((unsigned)(b & 0x3F) << 12) | 0x3F;
			int want = cp >= 0x10000 && cp <= 0x10FFFF;
			assert_int_equal(utf8_valid(s, 4), want);
		}
}

static void test_length(void **state)
{
	(void)state;
	static const struct {
		const char *p;
		size_t n, want;
	} cases_len[] = {
	    {B(""), 0},
	    {B("abc"), 3},
	    {B("caf\xC3\xA9"), 4},
	    {B("\xE2\x82\xAC"
	       "5"),
	     2},
	    {B("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 4},
	    {B("\0\0"), 2},
	};
	for (size_t i = 0; i < sizeof(cases_len) / sizeof(cases_len[0]); i++)
		assert_int_equal(utf8_length(cases_len[i].p, cases_len[i].n), cases_len[i].want);
}

static void test_prefix(void **state)
{
	(void)state;
	/* a (1) + e-acute (2) + euro (3) + emoji (4) = 10 bytes */
	static const char s[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	static const size_t want[] = {
	    /* max: 0  1  2  3  4  5  6  7  8  9  10  11  12 */
	    0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 10, 10,
	};
	for (size_t max = 0; max < sizeof(want) / sizeof(want[0]); max++) {
		size_t got = utf8_prefix(s, 10, max);
		if (got != want[max])
			print_error("max %zu\n", max);
		assert_int_equal(got, want[max]);
		assert_true(got <= max);
		assert_int_equal(utf8_valid(s, got), 1);
	}
	/* Pure ASCII is cut exactly at max. */
	for (size_t max = 0; max <= 5; max++)
		assert_int_equal(utf8_prefix("hello", 5, max), max);
	/* Text made of only multi-byte characters. */
	static const char e[] = "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"; /* 3 euros */
	for (size_t max = 0; max <= 9; max++) {
		size_t got = utf8_prefix(e, 9, max);
		assert_int_equal(got, max / 3 * 3);
	}
	/* Every prefix of a long mixed string stays valid and maximal. */
	char buf[400];
	size_t n = 0;
	while (n + 10 <= sizeof(buf)) {
		memcpy(buf + n, s, 10);
		n += 10;
	}
	for (size_t max = 0; max <= n; max++) {
		size_t got = utf8_prefix(buf, n, max);
		assert_true(got <= max);
		assert_true(max - got < 4);
		assert_int_equal(utf8_valid(buf, got), 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),	  cmocka_unit_test(test_length_bounds),
	    cmocka_unit_test(test_all_two_byte),  cmocka_unit_test(test_all_three_byte),
	    cmocka_unit_test(test_all_four_byte), cmocka_unit_test(test_length),
	    cmocka_unit_test(test_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
