/*
 * test_form.c - application/x-www-form-urlencoded bodies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/form.h"

static void test_decodes(void **state)
{
	(void)state;
	struct arena a = {0};
	struct form f;
	const char body[] = "email=ana%40example.com&password=a+b%2Bc&note=Caf%C3%A9%0D%0Aok&empty="
			    "&bare&&email=second";
	assert_int_equal(form_parse(&a, body, strlen(body), &f), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "email"), "ana@example.com"); /* the first of two */
	assert_string_equal(form_get(&f, "password"), "a b+c");
	assert_string_equal(form_get(&f, "note"), "Caf\xc3\xa9\r\nok");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_string_equal(form_get(&f, "bare"), "");
	assert_null(form_get(&f, "missing"));
	assert_int_equal(form_parse(&a, "", 0, &f), 0);
	assert_int_equal(f.n, 0);
	arena_free(&a);
}

static void test_refuses_broken(void **state)
{
	(void)state;
	struct arena a = {0};
	struct form f;
	static const char *const bad[] = {
	    "a=%",	   "a=%4", "a=%zz", "a=%4g", "%=1", "a=%00", /* NUL */
	    "a=%C3",						     /* a cut UTF-8 sequence */
	    "a=%FF%FE",						     /* not UTF-8 */
	    "a=%ED%A0%80",					     /* a surrogate */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(form_parse(&a, bad[i], strlen(bad[i]), &f), -1);
	char many[FORM_MAX_FIELDS * 4 + 8] = "";
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		strcat(many, "a=1&");
	assert_int_equal(form_parse(&a, many, strlen(many), &f), -1);
	many[strlen(many) - 4] = '\0'; /* FORM_MAX_FIELDS of them */
	assert_int_equal(form_parse(&a, many, strlen(many), &f), 0);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decodes),
	    cmocka_unit_test(test_refuses_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
