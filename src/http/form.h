/*
 * form.h - application/x-www-form-urlencoded bodies, as browsers send forms.
 */
#ifndef KAPSULE_HTTP_FORM_H
#define KAPSULE_HTTP_FORM_H

#include <stddef.h>

#include "base/arena.h"

#define FORM_MAX_FIELDS 64

/* A file sent with a multipart/form-data form. */
struct form_file {
	const char *name;     /* the form field's */
	const char *filename; /* as the browser named it */
	const void *data;     /* points into the body */
	size_t size;
};

/* The fields of a form, decoded, in the order sent, and its files. */
struct form {
	const char *names[FORM_MAX_FIELDS];
	const char *values[FORM_MAX_FIELDS];
	int n;
	struct form_file files[FORM_MAX_FIELDS];
	int nfiles;
};

/*
 * Decodes body[0..len) into f, strings in a: '+' is a space and %XX a byte.
 * Every name and value must be UTF-8 without NUL.  Returns 0, or -1 (f
 * then holds what came before) when a %XX is broken, a byte sequence is not
 * UTF-8, or there are more than FORM_MAX_FIELDS fields.
 */
int form_parse(struct arena *a, const char *body, size_t len, struct form *f);
/*
 * Reads a multipart/form-data body (sent with content_type) into f: plain
 * parts become fields (UTF-8 without NUL, as above), parts with a file name
 * files.  A file input left empty (no name, no bytes) is no file.  Returns
 * 0, or -1 when the body is not such a form or holds more than
 * FORM_MAX_FIELDS parts.
 */
int form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
			 struct form *f);
/* The first value of name, or NULL. */
const char *form_get(const struct form *f, const char *name);

#endif
