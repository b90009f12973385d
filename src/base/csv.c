/*
 * csv.c - RFC 4180 reader.  See csv.h.
 */
#include "base/csv.h"

#include <string.h>

void csv_init(struct csv *c, const char *text, size_t n)
{
	c->p = text;
	c->end = text + n;
	c->line = 1;
	if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
}

int csv_next(struct csv *c, struct arena *a, char **fields, int *nfields, int *line)
{
	*nfields = 0;
	*line = c->line;
	if (c->p >= c->end)
		return 0;
	/* A field is never longer than what is left, so one buffer fits any. */
	char *buf = arena_alloc(a, (size_t)(c->end - c->p) + 1);
	for (;;) {
		size_t len = 0;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return -1; /* unterminated quote */
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"') {
						buf[len++] = '"';
						c->p++;
						continue;
					}
					break;
				}
				if (ch == '\n')
					c->line++;
				buf[len++] = ch;
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			       !(*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'))) {
				if (*c->p == '"')
					return -1; /* a quote inside an unquoted field */
				buf[len++] = *c->p++;
			}
		}
		if (*nfields == CSV_MAX_FIELDS)
			return -1;
		buf[len] = '\0';
		fields[(*nfields)++] = buf;
		buf += len + 1;
		if (c->p >= c->end)
			return 1;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == '\r')
			c->p++;
		if (c->p == c->end)
			return 1; /* a final CR without LF ends the record too */
		if (*c->p == '\n') {
			c->p++;
			c->line++;
			return 1;
		}
		return -1; /* text after a closing quote */
	}
}
