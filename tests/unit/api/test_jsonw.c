/*
 * test_jsonw.c - the JSON reply writer: structure and commas, escaping of
 * every kind of byte, invalid UTF-8 replaced, numbers and times, and a
 * randomised round trip through jansson.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/jsonw.h"

static char *write_string(const char *s, size_t n)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_strn(&w, s, n);
	return buf_steal(&b);
}

static void test_structure(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "a", -9223372036854775807LL - 1);
	jw_key(&w, "b");
	jw_arr(&w);
	jw_int(&w, 0);
	jw_bool(&w, 1);
	jw_null(&w);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_kstr(&w, "c", NULL);
	jw_kstr_opt(&w, "d", NULL);
	jw_ktime(&w, "t", 0);
	jw_ktime(&w, "u", 1790933400123LL);
	jw_key(&w, "raw");
	jw_raw(&w, "[1,2]");
	jw_obj_end(&w);
	assert_int_equal(w.err, 0);
	assert_string_equal(b.data, "{\"a\":-9223372036854775808,\"b\":[0,true,null,{}],\"c\":null,"
				    "\"t\":null,\"u\":\"2026-10-02T09:30:00.123Z\",\"raw\":[1,2]}");
	buf_free(&b);
}

static void test_escapes(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
	    {"plain text, long enough to skip", 31, "\"plain text, long enough to skip\""},
	    {"q\"b\\s", 5, "\"q\\\"b\\\\s\""},
	    {"a\nb\rc\td", 7, "\"a\\nb\\rc\\td\""},
	    {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
	    {"nul\0in", 6, "\"nul\\u0000in\""},
	    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	     "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
	    {"bad \xff byte", 10, "\"bad \xef\xbf\xbd byte\""},
	    {"cut \xe2\x82", 6, "\"cut \xef\xbf\xbd\xef\xbf\xbd\""},
	    {"surrogate \xed\xa0\x80", 13, "\"surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"12345678\"2345678", 16, "\"12345678\\\"2345678\""},
	    {"</script>", 9, "\"</script>\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = write_string(cases[i].in, cases[i].n);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_cap(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 16);
	jw_init(&w, &b);
	jw_str(&w, "this does not fit in sixteen bytes");
	assert_int_equal(w.err, 1);
	buf_free(&b);
}

/* Random strings written as JSON parse back to the same bytes. */
static void test_round_trip(void **state)
{
	(void)state;
	srand(7);
	for (int t = 0; t < 50000; t++) {
		char in[64];
		int n = rand() % 40, ascii = 1;
		for (int i = 0; i < n; i++) {
			int r = rand() % 10;
			in[i] = r < 6	? (char)(32 + rand() % 95)
				: r < 7 ? '"'
				: r < 8 ? '\\'
				: r < 9 ? (char)(rand() % 32)
					: (char)(0x80 + rand() % 128);
			ascii &= (unsigned char)in[i] < 0x80;
		}
		char *text = write_string(in, (size_t)n);
		json_error_t e;
		json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		assert_non_null(j); /* always valid JSON */
		if (ascii) {
			assert_int_equal(json_string_length(j), (size_t)n);
			assert_memory_equal(json_string_value(j), in, (size_t)n);
		}
		json_decref(j);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
