/*
 * multipart.h - a parser for multipart/form-data bodies (RFC 7578).
 *
 * Pure: it reads a complete body held in memory (the server caps its size
 * per route) and returns parts that point into it.  Part names and file
 * names are copied into the arena as NUL-terminated strings.
 */
#ifndef KAPSULE_HTTP_MULTIPART_H
#define KAPSULE_HTTP_MULTIPART_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

struct mp_part {
	const char *name;	  /* form field name */
	const char *filename;	  /* NULL for plain fields */
	const char *content_type; /* as sent, NULL when absent */
	const char *data;	  /* points into the body */
	size_t len;
};

#define MP_MAX_PARTS  64
#define MP_MAX_HEADER 4096

/*
 * Parses body[0..n) sent with the given Content-Type.  On success *parts
 * (in the arena) holds *nparts parts in order.  Fails with
 * KERR_BAD_MULTIPART (e says what) or KERR_LIMIT past max_parts.
 */
enum kerr multipart_parse(const char *content_type, const char *body, size_t n, struct arena *a,
			  int max_parts, struct mp_part **parts, int *nparts, struct err *e);

/* The boundary parameter of a multipart Content-Type, copied into out[71]; -1 when missing. */
int multipart_boundary(const char *content_type, char out[71]);

#endif
