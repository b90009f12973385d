/*
 * csv.h - a reader of comma-separated values (RFC 4180): fields may be
 * quoted, quotes inside are doubled, quoted fields may hold commas and
 * line breaks; records end with LF or CRLF.
 */
#ifndef KAPSULE_BASE_CSV_H
#define KAPSULE_BASE_CSV_H

#include <stddef.h>

#include "base/arena.h"

#define CSV_MAX_FIELDS 64

struct csv {
	const char *p, *end; /* what is left to read */
	int line;	     /* line number of the next record, from 1 */
};

/* Starts reading text[0..n). A UTF-8 byte-order mark is skipped. */
void csv_init(struct csv *c, const char *text, size_t n);

/*
 * Reads the next record: its fields as NUL-terminated strings in the arena,
 * and the line it starts on.  Returns 1 for a record, 0 at the end, -1 for a
 * malformed record (unterminated quote, text after a closing quote, or more
 * than CSV_MAX_FIELDS fields), with *line naming where it starts.
 */
int csv_next(struct csv *c, struct arena *a, char **fields, int *nfields, int *line);

#endif
