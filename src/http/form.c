/*
 * form.c - application/x-www-form-urlencoded bodies.  See form.h.
 */
#include "http/form.h"

#include <string.h>

#include "base/utf8.h"
#include "http/multipart.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes p[0..n) into a new string in a; NULL when broken. */
static const char *decode(struct arena *a, const char *p, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '+') {
			out[k++] = ' ';
		} else if (p[i] == '%') {
			int hi = i + 2 < n ? hex_digit(p[i + 1]) : -1;
			int lo = hi >= 0 ? hex_digit(p[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return NULL;
			out[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[k++] = p[i];
		}
	}
	out[k] = '\0';
	return memchr(out, '\0', k) || !utf8_valid(out, k) ? NULL : out;
}

int form_parse(struct arena *a, const char *body, size_t len, struct form *f)
{
	memset(f, 0, sizeof(*f));
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end > i) {
			const char *eq = memchr(body + i, '=', end - i);
			size_t nlen = eq ? (size_t)(eq - (body + i)) : end - i;
			if (f->n == FORM_MAX_FIELDS)
				return -1;
			const char *name = decode(a, body + i, nlen);
			const char *value =
			    eq ? decode(a, eq + 1, (size_t)(body + end - eq - 1)) : "";
			if (!name || !value)
				return -1;
			f->names[f->n] = name;
			f->values[f->n++] = value;
		}
		i = end + 1;
	}
	return 0;
}

const char *form_get(const struct form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

int form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
			 struct form *f)
{
	memset(f, 0, sizeof(*f));
	struct mp_part *parts;
	int n;
	struct err e = {0};
	if (multipart_parse(content_type, body, len, a, FORM_MAX_FIELDS, &parts, &n, &e))
		return -1;
	for (int i = 0; i < n; i++) {
		const struct mp_part *p = &parts[i];
		if (!utf8_valid(p->name, strlen(p->name)))
			return -1;
		if (p->filename) {
			if (!*p->filename && !p->len)
				continue;
			f->files[f->nfiles++] =
			    (struct form_file){p->name, p->filename, p->data, p->len};
			continue;
		}
		if (memchr(p->data, '\0', p->len) || !utf8_valid(p->data, p->len))
			return -1;
		f->names[f->n] = p->name;
		f->values[f->n++] = arena_strndup(a, p->data, p->len);
	}
	return 0;
}
