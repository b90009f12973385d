/*
 * arena.h - a region allocator: many allocations, freed together in one
 * call.  Each request owns one arena (its strings, the rows a domain call
 * returns, the parsed body); it is freed when the request completes.
 *
 * An arena is used by one thread at a time.  Allocation failure aborts (the
 * sizes come from bounded input), so arena_alloc never returns NULL.
 */
#ifndef KAPSULE_BASE_ARENA_H
#define KAPSULE_BASE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head; /* newest chunk first; NULL when empty */
	size_t used;		  /* bytes handed out from head */
	size_t size;		  /* usable bytes in head */
	size_t total;		  /* bytes held in all chunks, for limits and metrics */
};

/* Initialises a to empty. A zeroed struct arena is also valid. */
void arena_init(struct arena *a);
/* Frees everything allocated from a; a is empty and reusable. */
void arena_free(struct arena *a);
/* n bytes aligned for any type; owned by a. */
void *arena_alloc(struct arena *a, size_t n);
/* Zeroed n*size bytes, aborting on overflow. */
void *arena_calloc(struct arena *a, size_t count, size_t size);
/* Copies of strings, NUL-terminated, owned by a. s may be NULL (returns NULL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
