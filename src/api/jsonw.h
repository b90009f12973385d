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
void jw_obj(struct jw *w);     /* { */
void jw_obj_end(struct jw *w); /* } */
void jw_arr(struct jw *w);     /* [ */
void jw_arr_end(struct jw *w); /* ] */
/* "key": -- keys are string literals, quoted at compile time. */
#define jw_key(w, key) jw_key_((w), "\"" key "\":", sizeof("\"" key "\":") - 1)
void jw_key_(struct jw *w, const char *quoted, size_t n);
void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_time(struct jw *w, int64_t ms);	     /* RFC 3339 text; 0 writes null */
void jw_raw(struct jw *w, const char *json); /* trusted JSON text; NULL writes null */

/* key + value in one call; key is a string literal. */
#define jw_kstr(w, key, s)   (jw_key(w, key), jw_str((w), (s)))
#define jw_kint(w, key, v)   (jw_key(w, key), jw_int((w), (v)))
#define jw_kbool(w, key, v)  (jw_key(w, key), jw_bool((w), (v)))
#define jw_ktime(w, key, ms) (jw_key(w, key), jw_time((w), (ms)))
/* key + string, left out entirely when s is NULL. */
#define jw_kstr_opt(w, key, s)                                                                     \
	do {                                                                                       \
		const char *jw_s_ = (s);                                                           \
		if (jw_s_)                                                                         \
			jw_kstr(w, key, jw_s_);                                                    \
	} while (0)

#endif
