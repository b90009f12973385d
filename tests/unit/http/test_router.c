/*
 * test_router.c - matching method and path against a route table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/http.h"

static void h(struct req *r)
{
	(void)r;
}

static const struct route table[] = {
    /* 0 */ {HTTP_GET, "/api/v1/enquiries", h, BODY_NONE, 1, 0},
    /* 1 */ {HTTP_POST, "/api/v1/enquiries", h, BODY_JSON, 1, 0},
    /* 2 */ {HTTP_GET, "/api/v1/enquiries/export", h, BODY_NONE, 1, 0},
    /* 3 */ {HTTP_GET, "/api/v1/enquiries/{id}", h, BODY_NONE, 1, 0},
    /* 4 */ {HTTP_PATCH, "/api/v1/enquiries/{id}", h, BODY_JSON, 1, 0},
    /* 5 */ {HTTP_GET, "/api/v1/enquiries/{id}/messages/{mid}", h, BODY_NONE, 1, 0},
    /* 6 */ {HTTP_POST, "/api/v1/enquiries/{id}/messages", h, BODY_UPLOAD, 1, 0},
    /* 7 */ {HTTP_POST, "/api/v1/test/clock", h, BODY_JSON, 0, 1},
    /* 8 */ {HTTP_GET, "/api/v1/test/clock", h, BODY_NONE, 0, 1},
    /* 9 */ {HTTP_GET, "/health", h, BODY_NONE, 0, 0},
    /* 10 */ {HTTP_DELETE, "/api/v1/sessions/{id}", h, BODY_NONE, 1, 0},
    /* 11 */ {HTTP_GET, "/", h, BODY_NONE, 0, 0},
};
#define NROUTES ((int)(sizeof(table) / sizeof(table[0])))

static const struct mcase {
	unsigned method;
	const char *path;
	int test_mode;
	int want;	     /* index into table, -1 for none */
	unsigned allow;	     /* checked when want is -1 */
	const char *p0, *p1; /* expected parameters */
} cases[] = {
    {HTTP_GET, "/api/v1/enquiries", 0, 0, 0, NULL, NULL},
    {HTTP_POST, "/api/v1/enquiries", 0, 1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries/42", 0, 3, 0, "42", NULL},
    {HTTP_PATCH, "/api/v1/enquiries/abc-DEF_1.x", 0, 4, 0, "abc-DEF_1.x", NULL},
    {HTTP_GET, "/api/v1/enquiries/%20", 0, 3, 0, "%20", NULL},
    /* First match wins: the literal row comes before {id}. */
    {HTTP_GET, "/api/v1/enquiries/export", 0, 2, 0, NULL, NULL},
    {HTTP_PATCH, "/api/v1/enquiries/export", 0, 4, 0, "export", NULL},
    {HTTP_GET, "/api/v1/enquiries/7/messages/99", 0, 5, 0, "7", "99"},
    {HTTP_POST, "/api/v1/enquiries/7/messages", 0, 6, 0, "7", NULL},
    {HTTP_DELETE, "/api/v1/sessions/s1", 0, 10, 0, "s1", NULL},
    {HTTP_GET, "/health", 0, 9, 0, NULL, NULL},
    {HTTP_GET, "/", 0, 11, 0, NULL, NULL},
    /* HEAD is served by the GET route. */
    {HTTP_HEAD, "/api/v1/enquiries/42", 0, 3, 0, "42", NULL},
    {HTTP_HEAD, "/health", 0, 9, 0, NULL, NULL},
    /* The path exists with other methods: 405 with the methods it takes. */
    {HTTP_DELETE, "/api/v1/enquiries/42", 0, -1, HTTP_GET | HTTP_PATCH, NULL, NULL},
    {HTTP_PUT, "/api/v1/enquiries", 0, -1, HTTP_GET | HTTP_POST, NULL, NULL},
    {HTTP_POST, "/api/v1/enquiries/export", 0, -1, HTTP_GET | HTTP_PATCH, NULL, NULL},
    {HTTP_POST, "/health", 0, -1, HTTP_GET, NULL, NULL},
    {HTTP_HEAD, "/api/v1/enquiries/7/messages", 0, -1, HTTP_POST, NULL, NULL},
    {HTTP_OPTIONS, "/api/v1/sessions/x", 0, -1, HTTP_DELETE, NULL, NULL},
    {0, "/health", 0, -1, HTTP_GET, NULL, NULL}, /* unknown method */
    /* Test-only routes exist only in test mode. */
    {HTTP_POST, "/api/v1/test/clock", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/test/clock", 0, -1, 0, NULL, NULL},
    {HTTP_POST, "/api/v1/test/clock", 1, 7, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/test/clock", 1, 8, 0, NULL, NULL},
    {HTTP_HEAD, "/api/v1/test/clock", 1, 8, 0, NULL, NULL},
    {HTTP_PUT, "/api/v1/test/clock", 1, -1, HTTP_GET | HTTP_POST, NULL, NULL},
    /* Test mode does not hide normal routes. */
    {HTTP_GET, "/api/v1/enquiries/5", 1, 3, 0, "5", NULL},
    /* Trailing slashes, empty segments and near misses match nothing. */
    {HTTP_GET, "/api/v1/enquiries/", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries/42/", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries//messages/9", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries/7/messages/", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries/7/messages/9/", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries/1/2", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiries/1/messages/2/3", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1//enquiries", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "//health", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/health/", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/healthz", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/healt", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/HEALTH", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "health", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquirie", 0, -1, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/enquiriesX", 0, -1, 0, NULL, NULL},
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *c = &cases[i];
		struct arena a;
		arena_init(&a);
		const char *params[REQ_MAX_PARAMS] = {0};
		int nparams = -1;
		unsigned allow = 0xdead;
		const struct route *rt = router_match(table, NROUTES, c->test_mode, c->method,
						      c->path, params, &nparams, &a, &allow);
		int got = rt ? (int)(rt - table) : -1;
		if (got != c->want)
			print_error("case %zu: %s %s (test_mode %d): route %d, want %d\n", i,
				    http_method_name(c->method), c->path, c->test_mode, got,
				    c->want);
		assert_int_equal(got, c->want);
		if (rt) {
			int want_n = c->p1 ? 2 : c->p0 ? 1 : 0;
			assert_int_equal(nparams, want_n);
			if (c->p0)
				assert_string_equal(params[0], c->p0);
			if (c->p1)
				assert_string_equal(params[1], c->p1);
		} else {
			if (allow != c->allow)
				print_error("case %zu: %s %s: allow 0x%x, want 0x%x\n", i,
					    http_method_name(c->method), c->path, allow, c->allow);
			assert_int_equal(allow, c->allow);
		}
		arena_free(&a);
	}
}

/* Parameters are copies in the arena, not pointers into the path. */
static void test_params_are_copies(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char path[] = "/api/v1/enquiries/12/messages/34";
	const char *params[REQ_MAX_PARAMS] = {0};
	int nparams = 0;
	unsigned allow;
	const struct route *rt =
	    router_match(table, NROUTES, 0, HTTP_GET, path, params, &nparams, &a, &allow);
	assert_ptr_equal(rt, &table[5]);
	memset(path, 'x', sizeof(path) - 1);
	assert_string_equal(params[0], "12");
	assert_string_equal(params[1], "34");
	arena_free(&a);
}

static void test_empty_table(void **state)
{
	(void)state;
	unsigned allow = 99;
	int nparams = 0;
	const char *params[REQ_MAX_PARAMS];
	assert_null(router_match(table, 0, 1, HTTP_GET, "/health", params, &nparams, NULL, &allow));
	assert_int_equal(allow, 0);
}

static void test_methods(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		unsigned m;
	} ms[] = {
	    {"GET", HTTP_GET},	       {"POST", HTTP_POST},	{"PUT", HTTP_PUT},
	    {"PATCH", HTTP_PATCH},     {"DELETE", HTTP_DELETE}, {"HEAD", HTTP_HEAD},
	    {"OPTIONS", HTTP_OPTIONS},
	};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		assert_int_equal(http_method_parse(ms[i].name), ms[i].m);
		assert_string_equal(http_method_name(ms[i].m), ms[i].name);
	}
	assert_int_equal(http_method_parse("get"), 0);
	assert_int_equal(http_method_parse("TRACE"), 0);
	assert_int_equal(http_method_parse(""), 0);
	assert_int_equal(http_method_parse("GETX"), 0);
	assert_string_equal(http_method_name(0), "?");
	assert_string_equal(http_method_name(HTTP_GET | HTTP_POST), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_params_are_copies),
	    cmocka_unit_test(test_empty_table),
	    cmocka_unit_test(test_methods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
