/*
 * html.h - the one writer of HTML.  Every dynamic value goes through
 * html_txt() (text content) or html_attr() (attribute values), which escape
 * it; html_raw() takes only program constants and text the writer has
 * already escaped.
 */
#ifndef KAPSULE_WEB_HTML_H
#define KAPSULE_WEB_HTML_H

#include "base/buf.h"

/* Appends a constant fragment of markup. */
void html_raw(struct buf *b, const char *markup);
/* Appends text, escaping & < > " '. NULL appends nothing. */
void html_txt(struct buf *b, const char *text);
/* Appends an attribute value (the caller writes the quotes). */
void html_attr(struct buf *b, const char *value);

#endif
