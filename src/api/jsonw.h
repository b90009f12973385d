/*
 * jsonw.h - the writer of JSON replies.
 *
 * Replies are streamed into a buffer as they are rendered, never built as
 * a tree first: on a queue page that halves the work.  Every string goes
 * through jw_str(), which escapes quotes, backslashes and control
 * characters and replaces bytes that are not UTF-8 with U+FFFD, so the
 * output is always valid JSON.  jw_raw() inserts JSON text the program
 * itself produced and stored (order items, audit summaries).
 *
 * Commas are placed by the writer: callers open and close objects and
 * arrays, write keys and values, and never write separators themselves.
 * Requests are parsed with jansson; this module only writes.
 */
#ifndef KAPSULE_API_JSONW_H
#define KAPSULE_API_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct buf *b;				/* where the text goes */
	unsigned char need_comma[JW_MAX_DEPTH]; /* per open container */
	int depth;				/* open containers */
	int after_key;				/* a key was just written */
	int err;				/* a buffer cap or nesting limit was hit */
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);		    /* { */
void jw_obj_end(struct jw *w);		    /* } */
void jw_arr(struct jw *w);		    /* [ */
void jw_arr_end(struct jw *w);		    /* ] */
void jw_key(struct jw *w, const char *key); /* "key": (keys are program constants) */
void jw_str(struct jw *w, const char *s);   /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_time(struct jw *w, int64_t ms);	     /* RFC 3339 text; 0 writes null */
void jw_raw(struct jw *w, const char *json); /* trusted JSON text; NULL writes null */

/* key + value in one call. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, int v);
void jw_ktime(struct jw *w, const char *key, int64_t ms);
/* key + string, left out entirely when s is NULL. */
void jw_kstr_opt(struct jw *w, const char *key, const char *s);

#endif
