/*
 * test_form.c - forms as browsers send them: urlencoded and multipart bodies.
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

#define CT "multipart/form-data; boundary=XyZ"

static void test_multipart(void **state)
{
	(void)state;
	struct arena a = {0};
	struct form f;
	const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
			    "--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n"
			    "Caf\xc3\xa9\r\nline\r\n"
			    "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; "
			    "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\0\xff\r\n"
			    "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; "
			    "filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
			    "--XyZ--\r\n";
	assert_int_equal(form_parse_multipart(&a, CT, body, sizeof(body) - 1, &f), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "csrf"), "tok");
	assert_string_equal(form_get(&f, "body"), "Caf\xc3\xa9\r\nline");
	assert_int_equal(f.nfiles, 1); /* the empty file input is no file */
	assert_string_equal(f.files[0].name, "files");
	assert_string_equal(f.files[0].filename, "a.png");
	assert_int_equal(f.files[0].size, 6);
	assert_memory_equal(f.files[0].data, "\x89PNG\0\xff", 6);
	/* A plain field that is not UTF-8 or holds NUL, a broken body, the wrong type. */
	static const char *const bad[] = {
	    "--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n\xff\xfe\r\n--XyZ--\r\n",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\na\0b\r\n--XyZ--\r\n",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nno end",
	};
	const size_t lens[] = {
	    sizeof("--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n"
		   "\xff\xfe\r\n--XyZ--\r\n") -
		1,
	    sizeof("--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n"
		   "a\0b\r\n--XyZ--\r\n") -
		1,
	    strlen(bad[2])};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(form_parse_multipart(&a, CT, bad[i], lens[i], &f), -1);
	assert_int_equal(
	    form_parse_multipart(&a, "multipart/form-data", body, sizeof(body) - 1, &f), -1);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decodes),
	    cmocka_unit_test(test_refuses_broken),
	    cmocka_unit_test(test_multipart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
