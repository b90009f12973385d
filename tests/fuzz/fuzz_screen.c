/*
 * fuzz_screen.c - libFuzzer target for the screening engine (scripts/fuzz.sh).
 *
 * Screens the input as text, with and without a party whose details come
 * from the input's first line, and checks what every caller relies on:
 * spans sorted, disjoint and inside the text; the unmerged findings sorted
 * and inside it; runs of digits inside it; redaction that keeps the text
 * outside the spans; a value for every span.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "screen/screen.h"

/* Each run of digits lies inside the text and has at least seven digits. */
static void check_run(void *ctx, size_t start, size_t end, const char *digits)
{
	size_t n = *(const size_t *)ctx;
	if (start >= end || end > n || strlen(digits) < 7 ||
	    strspn(digits, "0123456789") != strlen(digits))
		abort();
}

static void check(const char *t, size_t n, const struct screen_party *party)
{
	struct screen_span sp[SCREEN_MAX_SPANS];
	int count = -1;
	enum kerr rc = screen_find(t, n, party, sp, SCREEN_MAX_SPANS, &count);
	if (rc != KERR_OK && rc != KERR_LIMIT && rc != KERR_TOO_LARGE)
		abort();
	if (rc != KERR_OK)
		return;
	for (int i = 0; i < count; i++) {
		if (sp[i].start >= sp[i].end || sp[i].end > n || (i && sp[i].start < sp[i - 1].end))
			abort();
		char value[128];
		if (screen_value(t, n, &sp[i], value, sizeof(value)) != KERR_OK ||
		    strlen(value) >= sizeof(value))
			abort();
	}
	/* Unmerged: sorted by start, inside the text, overlaps allowed. */
	struct screen_span each[SCREEN_MAX_SPANS];
	int m = -1;
	rc = screen_find_each(t, n, party, each, SCREEN_MAX_SPANS, &m);
	if ((rc != KERR_OK && rc != KERR_LIMIT) || (rc == KERR_OK && m < count))
		abort();
	if (rc != KERR_OK)
		m = 0;
	for (int i = 0; i < m; i++)
		if (each[i].start >= each[i].end || each[i].end > n ||
		    (i && each[i].start < each[i - 1].start))
			abort();
	if (screen_digit_runs(t, n, check_run, &n) != KERR_OK)
		abort();
	struct buf b;
	buf_init(&b, 0);
	int removed = 0;
	if (screen_redact_text(t, n, party, &b, &removed) != KERR_OK || removed != count)
		abort();
	/* The text before the first span comes through as it was. */
	size_t head = count ? sp[0].start : n;
	if (b.len < head || (head && memcmp(b.data, t, head) != 0))
		abort();
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	check(t, size, NULL);
	/* A party made of the first line: "email|phone|name|address|handle". */
	const char *nl = memchr(t, '\n', size);
	size_t first = nl ? (size_t)(nl - t) : 0;
	if (first == 0 || first > 512)
		return 0;
	char line[513];
	memcpy(line, t, first);
	line[first] = '\0';
	char *field[5] = {0};
	char *p = line;
	for (int i = 0; i < 5 && p; i++) {
		field[i] = p;
		p = strchr(p, '|');
		if (p)
			*p++ = '\0';
	}
	const char *others[1] = {field[4] ? field[4] : ""};
	struct screen_party party = {field[0], field[1], field[2], field[3], others, 1};
	check(t + first + 1, size - first - 1, &party);
	return 0;
}
