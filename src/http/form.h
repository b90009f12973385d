/*
 * form.h - application/x-www-form-urlencoded bodies, as browsers send forms.
 */
#ifndef KAPSULE_HTTP_FORM_H
#define KAPSULE_HTTP_FORM_H

#include <stddef.h>

#include "base/arena.h"

#define FORM_MAX_FIELDS 64

/* The fields of a form, decoded, in the order sent. */
struct form {
	const char *names[FORM_MAX_FIELDS];
	const char *values[FORM_MAX_FIELDS];
	int n;
};

/*
 * Decodes body[0..len) into f, strings in a: '+' is a space and %XX a byte.
 * Every name and value must be UTF-8 without NUL.  Returns 0, or -1 (f
 * then holds what came before) when a %XX is broken, a byte sequence is not
 * UTF-8, or there are more than FORM_MAX_FIELDS fields.
 */
int form_parse(struct arena *a, const char *body, size_t len, struct form *f);
/* The first value of name, or NULL. */
const char *form_get(const struct form *f, const char *name);

#endif
