/*
 * arena.c - region allocator.  Chunks grow geometrically up to 1 MiB; an
 * allocation larger than a chunk gets a chunk of its own.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

struct arena_chunk {
	struct arena_chunk *next;
	max_align_t data[]; /* the usable bytes */
};

#define ARENA_ALIGN (sizeof(max_align_t))
#define ARENA_FIRST 4096
#define ARENA_BIG   ((size_t)1 << 20)

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n > SIZE_MAX - sizeof(struct arena_chunk) - ARENA_ALIGN) {
		fprintf(stderr, "arena: allocation too large\n");
		abort();
	}
	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	if (!a->head || a->size - a->used < n) {
		size_t want = a->size ? a->size * 2 : ARENA_FIRST;
		if (want > ARENA_BIG)
			want = ARENA_BIG;
		if (want < n)
			want = n;
		if (want > SIZE_MAX - sizeof(struct arena_chunk)) {
			fprintf(stderr, "arena: allocation too large\n");
			abort();
		}
		struct arena_chunk *c = xmalloc(sizeof(*c) + want);
		c->next = a->head;
		a->head = c;
		a->size = want;
		a->used = 0;
		a->total += want;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size) {
		fprintf(stderr, "arena: allocation overflow\n");
		abort();
	}
	void *p = arena_alloc(a, count * size);
	memset(p, 0, count * size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	if (n == SIZE_MAX) {
		fprintf(stderr, "arena: allocation too large\n");
		abort();
	}
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
