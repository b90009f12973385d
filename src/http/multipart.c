/*
 * multipart.c - multipart/form-data parsing.
 *
 * Layout: optional preamble, then for each part "--B" CRLF, header lines,
 * CRLF, data, and "CRLF--B"; after the last part "--" and an ignored
 * epilogue.  Header values of interest are Content-Disposition (name and
 * filename parameters, quoted or not) and Content-Type.
 */
#include "http/multipart.h"

#include <string.h>
#include <strings.h>

static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
	if (m == 0 || m > n)
		return NULL;
	const char *end = hay + n - m;
	for (const char *p = hay; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, m) == 0)
			return p;
	}
	return NULL;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Reads the parameter `key` from a header value of the form
 * `token; k1=v1; k2="v 2"`.  Quoted values may escape with backslash.
 * Returns the value in the arena, or NULL when absent.
 */
static const char *param(struct arena *a, const char *v, size_t n, const char *key)
{
	size_t klen = strlen(key);
	size_t i = 0;
	/* Skip the leading token. */
	while (i < n && v[i] != ';')
		i++;
	while (i < n) {
		i++; /* the ';' */
		while (i < n && is_ws(v[i]))
			i++;
		size_t ks = i;
		while (i < n && v[i] != '=' && v[i] != ';')
			i++;
		size_t klen_here = i - ks;
		while (klen_here && is_ws(v[ks + klen_here - 1]))
			klen_here--;
		if (i >= n || v[i] != '=') {
			continue;
		}
		i++;
		while (i < n && is_ws(v[i]))
			i++;
		char *val = arena_alloc(a, n - i + 1);
		size_t vl = 0;
		if (i < n && v[i] == '"') {
			i++;
			while (i < n && v[i] != '"') {
				if (v[i] == '\\' && i + 1 < n)
					i++;
				val[vl++] = v[i++];
			}
			if (i < n)
				i++;
			while (i < n && v[i] != ';')
				i++;
		} else {
			while (i < n && v[i] != ';')
				val[vl++] = v[i++];
			while (vl && is_ws(val[vl - 1]))
				vl--;
		}
		val[vl] = '\0';
		if (klen_here == klen && strncasecmp(v + ks, key, klen) == 0)
			return val;
	}
	return NULL;
}

int multipart_boundary(const char *content_type, char out[71])
{
	if (!content_type)
		return -1;
	size_t n = strlen(content_type);
	if (n < 19 || strncasecmp(content_type, "multipart/form-data", 19) != 0 ||
	    (content_type[19] != '\0' && content_type[19] != ';' && content_type[19] != ' '))
		return -1;
	struct arena a;
	arena_init(&a);
	const char *b = param(&a, content_type, n, "boundary");
	int rc = -1;
	if (b && strlen(b) >= 1 && strlen(b) <= 70) {
		memcpy(out, b, strlen(b) + 1);
		rc = 0;
	}
	arena_free(&a);
	return rc;
}

/* Parses the header block of one part into p. */
static enum kerr part_headers(const char *h, size_t n, struct arena *a, struct mp_part *p,
			      struct err *e)
{
	size_t i = 0;
	while (i < n) {
		const char *eol = find(h + i, n - i, "\r\n", 2);
		size_t len = eol ? (size_t)(eol - (h + i)) : n - i;
		const char *line = h + i;
		const char *colon = memchr(line, ':', len);
		if (!colon)
			return err_set(e, KERR_BAD_MULTIPART, NULL, "a part header has no colon");
		size_t nlen = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vlen = len - nlen - 1;
		while (vlen && is_ws(*v))
			v++, vlen--;
		if (nlen == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
			if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0)
				return err_set(e, KERR_BAD_MULTIPART, NULL,
					       "a part is not form-data");
			p->name = param(a, v, vlen, "name");
			p->filename = param(a, v, vlen, "filename");
		} else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
			p->content_type = arena_strndup(a, v, vlen);
		}
		i += len + 2;
	}
	if (!p->name || !p->name[0])
		return err_set(e, KERR_BAD_MULTIPART, NULL, "a part has no name");
	return KERR_OK;
}

enum kerr multipart_parse(const char *content_type, const char *body, size_t n, struct arena *a,
			  int max_parts, struct mp_part **parts, int *nparts, struct err *e)
{
	char boundary[71];
	*parts = NULL;
	*nparts = 0;
	if (multipart_boundary(content_type, boundary))
		return err_set(e, KERR_BAD_MULTIPART, "Content-Type",
			       "multipart/form-data needs a boundary of 1 to 70 characters");
	size_t blen = strlen(boundary);
	/* delim = CRLF "--" boundary; the first may also start the body. */
	char delim[76];
	delim[0] = '\r';
	delim[1] = '\n';
	delim[2] = '-';
	delim[3] = '-';
	memcpy(delim + 4, boundary, blen);
	size_t dlen = blen + 4;
	const char *pos;
	if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		pos = body + dlen - 2;
	else {
		const char *d = find(body, n, delim, dlen);
		if (!d)
			return err_set(e, KERR_BAD_MULTIPART, NULL, "the body has no boundary");
		pos = d + dlen;
	}
	struct mp_part *out = arena_calloc(a, (size_t)max_parts, sizeof(*out));
	const char *end = body + n;
	for (;;) {
		/* After a delimiter: "--" ends the body, CRLF starts a part. */
		if (end - pos >= 2 && pos[0] == '-' && pos[1] == '-')
			break;
		while (pos < end && is_ws(*pos))
			pos++; /* transport padding */
		if (end - pos < 2 || pos[0] != '\r' || pos[1] != '\n')
			return err_set(e, KERR_BAD_MULTIPART, NULL,
				       "a boundary is not followed by a line end");
		pos += 2;
		size_t room = (size_t)(end - pos);
		const char *hend =
		    find(pos, room < MP_MAX_HEADER ? room : MP_MAX_HEADER, "\r\n\r\n", 4);
		const char *data;
		struct mp_part p = {0};
		if (room >= 2 && pos[0] == '\r' && pos[1] == '\n') {
			data = pos + 2; /* a part with no headers */
		} else {
			if (!hend)
				return err_set(e, KERR_BAD_MULTIPART, NULL,
					       "a part's headers do not end or are too long");
			enum kerr rc = part_headers(pos, (size_t)(hend - pos), a, &p, e);
			if (rc)
				return rc;
			data = hend + 4;
		}
		if (!p.name)
			return err_set(e, KERR_BAD_MULTIPART, NULL, "a part has no name");
		const char *d = find(data, (size_t)(end - data), delim, dlen);
		if (!d)
			return err_set(e, KERR_BAD_MULTIPART, NULL, "the last part is not closed");
		if (*nparts == max_parts) {
			*nparts = 0;
			return err_set(e, KERR_LIMIT, NULL, "more than %d parts", max_parts);
		}
		p.data = data;
		p.len = (size_t)(d - data);
		out[(*nparts)++] = p;
		pos = d + dlen;
	}
	*parts = out;
	return KERR_OK;
}
