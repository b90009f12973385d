/*
 * router.c - matching a method and path against the route table.  A
 * pattern is a path whose segments may be {name}, matching any one
 * non-empty segment.  The table is small; a linear scan is fast enough and
 * keeps the order of the table meaningful (first match wins).
 */
#include <string.h>

#include "http/http.h"

static const struct {
	unsigned m;
	const char *name;
} methods[] = {
    {HTTP_GET, "GET"},	     {HTTP_POST, "POST"}, {HTTP_PUT, "PUT"},	     {HTTP_PATCH, "PATCH"},
    {HTTP_DELETE, "DELETE"}, {HTTP_HEAD, "HEAD"}, {HTTP_OPTIONS, "OPTIONS"},
};

unsigned http_method_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(s, methods[i].name) == 0)
			return methods[i].m;
	return 0;
}

const char *http_method_name(unsigned m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].name;
	return "?";
}

/* Matches path against pattern, collecting {name} segments. */
static int match(const char *pattern, const char *path, const char **params, int *nparams,
		 struct arena *a)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pend = strchr(p, '}');
			const char *send = strchr(s, '/');
			size_t len = send ? (size_t)(send - s) : strlen(s);
			if (!pend || len == 0 || n == REQ_MAX_PARAMS)
				return 0;
			if (params)
				params[n] = arena_strndup(a, s, len);
			n++;
			p = pend + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s)
		return 0;
	if (nparams)
		*nparams = n;
	return 1;
}

const struct route *router_match(const struct route *routes, int n, int test_mode, unsigned method,
				 const char *path, const char **params, int *nparams,
				 struct arena *a, unsigned *allow)
{
	*allow = 0;
	for (int i = 0; i < n; i++) {
		const struct route *rt = &routes[i];
		if (rt->test_only && !test_mode)
			continue;
		if (!match(rt->pattern, path, NULL, NULL, NULL))
			continue;
		*allow |= rt->method;
		unsigned want = method == HTTP_HEAD ? HTTP_GET : method;
		if (rt->method == want) {
			match(rt->pattern, path, params, nparams, a);
			return rt;
		}
	}
	return NULL;
}
