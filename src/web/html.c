/*
 * html.c - escaping HTML writer.  See html.h.
 */
#include "web/html.h"

#include <string.h>

void html_raw(struct buf *b, const char *markup)
{
	buf_append_str(b, markup);
}

void html_txt(struct buf *b, const char *text)
{
	if (!text)
		return;
	const char *run = text;
	for (const char *p = text; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_append(b, run, (size_t)(p - run));
		buf_append_str(b, rep);
		run = p + 1;
	}
	buf_append_str(b, run);
}

void html_attr(struct buf *b, const char *value)
{
	html_txt(b, value);
}
