/*
 * test_screen.c - finding and redacting contact details.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen/scan.h"
#include "screen/screen.h"

#define R "[contact details removed]"

/*
 * Renders what screen_find finds in text as the found substrings joined by
 * '|', e.g. "a@b.co|07700 900123", into out.  Returns the kerr.
 */
static enum kerr found(const char *text, const struct screen_party *party, char *out, size_t cap,
		       struct screen_span *first)
{
	struct screen_span spans[SCREEN_MAX_SPANS];
	int count = -1;
	size_t n = strlen(text);
	enum kerr rc = screen_find(text, n, party, spans, SCREEN_MAX_SPANS, &count);
	out[0] = '\0';
	if (rc)
		return rc;
	size_t len = 0;
	for (int i = 0; i < count; i++) {
		assert_true(spans[i].start < spans[i].end);
		assert_true(spans[i].end <= n);
		if (i)
			assert_true(spans[i].start >= spans[i - 1].end); /* sorted, disjoint */
		len +=
		    (size_t)snprintf(out + len, cap - len, "%s%.*s", i ? "|" : "",
				     (int)(spans[i].end - spans[i].start), text + spans[i].start);
		assert_true(len < cap);
	}
	if (first && count > 0)
		*first = spans[0];
	return KERR_OK;
}

/* 0 when the found spans are want; else prints both and returns 1. */
static int check(const char *text, const struct screen_party *party, const char *want)
{
	char got[1024];
	assert_int_equal(found(text, party, got, sizeof(got), NULL), KERR_OK);
	if (strcmp(got, want) == 0)
		return 0;
	print_error("in \"%s\": found \"%s\", want \"%s\"\n", text, got, want);
	return 1;
}

static void test_emails(void **state)
{
	(void)state;
	int wrong = 0;
	static const char *const cases[][2] = {
	    {"write to jane.doe@example.com please", "jane.doe@example.com"},
	    {"Jane.Doe+shop@Mail.Example.CO.UK.", "Jane.Doe+shop@Mail.Example.CO.UK"},
	    {"a_b%c-d@sub-domain.example.org, thanks", "a_b%c-d@sub-domain.example.org"},
	    {"<x@y.io>", "x@y.io"},
	    {"one a@b.co two c@d.net", "a@b.co|c@d.net"},
	    {"x@y.io-", "x@y.io"},
	    {"email me at user@host", "email me"},
	    {"@example.com", ""},
	    {"a@b.c", ""},
	    {"a@.com", ""},
	    {"price @ 5.00", ""},
	    {"meet @ noon", ""},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		wrong += check(cases[i][0], NULL, cases[i][1]);
	assert_int_equal(wrong, 0);
	struct screen_span s;
	char got[64];
	assert_int_equal(found("addr x@y.io", NULL, got, sizeof(got), &s), KERR_OK);
	assert_int_equal(s.start, 5);
	assert_int_equal(s.end, 11);
	assert_int_equal(s.kind, SCREEN_EMAIL);
}

static void test_phones(void **state)
{
	(void)state;
	int wrong = 0;
	static const char *const cases[][2] = {
	    {"call 07700 900123 today", "call|07700 900123"},
	    {"call 07700900123.", "call|07700900123"},
	    {"07700-900-123", "07700-900-123"},
	    {"(020) 7946 0958", "(020) 7946 0958"},
	    {"ring (0161) 496 0000 now", "ring|(0161) 496 0000"},
	    {"0161.496.0000", "0161.496.0000"},
	    {"020/7946/0958", "020/7946/0958"},
	    {"+44 20 7946 0958", "+44 20 7946 0958"},
	    {"+44 (0)20 7946 0958", "+44 (0)20 7946 0958"},
	    {"+447700900123", "+447700900123"},
	    {"+44-7700-900-123,", "+44-7700-900-123"},
	    {"+1 415 555 2671", "+1 415 555 2671"},
	    {"+33 1 23 45 67 89", "+33 1 23 45 67 89"},
	    {"+49 30 901820", "+49 30 901820"},
	    {"a 07700 900123 b 020 7946 0958", "07700 900123|020 7946 0958"},
	    /* Two numbers next to each other are still two numbers. */
	    {"mobile 07700 900123 / 020 7946 0958", "07700 900123|020 7946 0958"},
	    {"07700 900123 - 07700 900456", "07700 900123|07700 900456"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		wrong += check(cases[i][0], NULL, cases[i][1]);
	assert_int_equal(wrong, 0);
	struct screen_span s;
	char got[64];
	assert_int_equal(found("tel 07700 900123", NULL, got, sizeof(got), &s), KERR_OK);
	assert_int_equal(s.kind, SCREEN_PHONE);
	assert_int_equal(s.start, 4);
	assert_int_equal(s.end, 16);
}

/* Numbers that are not telephone numbers stay. */
static void test_not_phones(void **state)
{
	(void)state;
	int wrong = 0;
	static const char *const cases[] = {
	    "Order KP-2024-000123 shipped",
	    "order #100234567 and #100234568",
	    "Order 12345678901 is late",
	    "Total: 1234567890",
	    "Refund of \xC2\xA3"
	    "1,299.00 for 2 items",
	    "\xC2\xA3"
	    "0.99 each, 0.5 kg",
	    "on 2024-01-15 at 10:30",
	    "delivered 15/01/2024",
	    "from 01/02/2024 - 05/03/2024",
	    "between 01.02.2024 and 05.03.2024",
	    "away 2024-01-15 - 2024-02-15",
	    "window 12/01/2024 - 15/01/2024 (3 days)",
	    "dated 01.02.2024 10.30",
	    "tracking JD0001234567890",
	    "ref A07700900123",
	    "SKU 0123 456",
	    "card 0123 4567 8901 2345 6789",
	    "version 0.1.2.3",
	    "C++ and C#",
	    "+ 1",
	    "0",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		wrong += check(cases[i], NULL, "");
	assert_int_equal(wrong, 0);
}

static void test_party(void **state)
{
	(void)state;
	int wrong = 0;
	struct screen_party p = {"Jane.Doe@Example.com", "+44 7700 900123", "Smith", NULL, NULL, 0};
	static const char *const cases[][2] = {
	    /* e-mail in another case */
	    {"addr JANE.DOE@EXAMPLE.COM now", "JANE.DOE@EXAMPLE.COM"},
	    {"or jane.doe@example.com", "jane.doe@example.com"},
	    /* the phone with other separators, no leading 0 and the +44 form */
	    {"tel: 7700 900 123 later", "7700 900 123"},
	    {"tel: 7700/900/123", "7700/900/123"},
	    {"tel: 7700.900123", "7700.900123"},
	    {"tel: 44 7700 900123", "44 7700 900123"},
	    {"tel: +44 7700 900123", "+44 7700 900123"},
	    {"tel: +44(0)7700-900-123", "+44(0)7700-900-123"},
	    {"tel: 07700 900 123", "07700 900 123"},
	    {"not 7700 900 124", ""},
	    {"not 7700 900", ""},
	    /* the last name as a whole word in any case */
	    {"Mr SMITH called", "SMITH"},
	    {"smith's order", "smith"},
	    {"Smith", "Smith"},
	    {"ask smith.", "smith"},
	    {"Smithson and Blacksmith and smiths", ""},
	    {"Smith2", ""},
	    /* a name inside a found e-mail is one span */
	    {"smith@example.com", "smith@example.com"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		wrong += check(cases[i][0], &p, cases[i][1]);

	/* A national-form registered phone is found in the +44 form. */
	struct screen_party q = {NULL, "07700 900123", NULL, NULL, NULL, 0};
	wrong += check("tel +44 7700 900123", &q, "+44 7700 900123");
	wrong += check("tel 7700-900-123", &q, "7700-900-123");

	/* Digits of another number before the phone are not taken with it. */
	wrong += check("Ref 999 07700 900123", &q, "07700 900123");
	wrong += check("Order 12345 - 7700 900123", &q, "7700 900123");

	/* Address parts of four or more characters, as whole words. */
	struct screen_party r = {NULL, NULL, NULL, "12 Acacia Avenue, Leeds , LS1 4AB, UK",
				 NULL, 0};
	wrong += check("I live at 12 acacia avenue in LEEDS (LS1 4AB) uk", &r,
		       "12 acacia avenue|LEEDS|LS1 4AB");

	/* Short or empty details never match everything. */
	struct screen_party s = {"", "12", "A", "", NULL, 0};
	wrong += check("A 12 a", &s, "");
	assert_int_equal(wrong, 0);
}

static void test_redact(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"addr jane@example.com or 07700 900123 today", "addr " R " or " R " today"},
	    {"jane@example.com", R},
	    {"nothing to see", "nothing to see"},
	    {"", ""},
	    {"x@y.io 07700900123", R " " R},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out;
		buf_init(&out, 0);
		int removed = -1;
		const char *t = cases[i][0];
		assert_int_equal(screen_redact_text(t, strlen(t), NULL, &out, &removed), KERR_OK);
		assert_string_equal(buf_cstr(&out), cases[i][1]);
		int want = 0;
		for (const char *p = cases[i][1]; (p = strstr(p, R)); p += strlen(R))
			want++;
		assert_int_equal(removed, want);
		buf_free(&out);
	}

	/* screen_redact with given spans, and its checks. */
	const char *t = "0123456789";
	struct screen_span sp[2] = {{2, 4, SCREEN_KNOWN, 100}, {6, 10, SCREEN_KNOWN, 100}};
	struct buf out;
	buf_init(&out, 0);
	assert_int_equal(screen_redact(t, 10, sp, 2, &out), KERR_OK);
	assert_string_equal(buf_cstr(&out), "01" R "45" R);
	buf_reset(&out);
	struct screen_span bad[2] = {{2, 6, SCREEN_KNOWN, 100}, {4, 8, SCREEN_KNOWN, 100}};
	assert_int_equal(screen_redact(t, 10, bad, 2, &out), KERR_INTERNAL);
	buf_reset(&out);
	struct screen_span past[1] = {{8, 11, SCREEN_KNOWN, 100}};
	assert_int_equal(screen_redact(t, 10, past, 1, &out), KERR_INTERNAL);
	buf_free(&out);
	/* A full output buffer is reported. */
	buf_init(&out, 20);
	assert_int_equal(screen_redact(t, 10, sp, 2, &out), KERR_TOO_LARGE);
	buf_free(&out);
}

/* n distinct e-mail addresses separated by spaces. */
static char *many_emails(int n, size_t *len)
{
	char *t = malloc((size_t)n * 16 + 1);
	size_t at = 0;
	for (int i = 0; i < n; i++)
		at += (size_t)sprintf(t + at, "u%d@x.io ", i);
	*len = at;
	return t;
}

static void test_span_limit(void **state)
{
	(void)state;
	struct screen_span spans[SCREEN_MAX_SPANS];
	int count = -1;
	size_t n;
	char *t = many_emails(SCREEN_MAX_SPANS, &n);
	assert_int_equal(screen_find(t, n, NULL, spans, SCREEN_MAX_SPANS, &count), KERR_OK);
	assert_int_equal(count, SCREEN_MAX_SPANS);
	free(t);

	t = many_emails(SCREEN_MAX_SPANS + 1, &n);
	assert_int_equal(screen_find(t, n, NULL, spans, SCREEN_MAX_SPANS, &count), KERR_LIMIT);
	assert_int_equal(count, 0);
	/* Too many to list: the whole text is withheld. */
	struct buf out;
	buf_init(&out, 0);
	int removed = -1;
	assert_int_equal(screen_redact_text(t, n, NULL, &out, &removed), KERR_OK);
	assert_string_equal(buf_cstr(&out), R);
	assert_int_equal(removed, SCREEN_MAX_SPANS);
	assert_null(strstr(buf_cstr(&out), "@"));
	buf_free(&out);
	free(t);

	/* A small max counts too. */
	const char *two = "a@b.co c@d.co";
	assert_int_equal(screen_find(two, strlen(two), NULL, spans, 1, &count), KERR_LIMIT);
	assert_int_equal(screen_find(two, strlen(two), NULL, spans, 2, &count), KERR_OK);
	assert_int_equal(count, 2);
}

static void test_input_limit(void **state)
{
	(void)state;
	size_t n = SCREEN_MAX_INPUT + 1;
	char *t = malloc(n);
	memset(t, 'a', n);
	struct screen_span spans[4];
	int count = -1;
	assert_int_equal(screen_find(t, n, NULL, spans, 4, &count), KERR_TOO_LARGE);
	assert_int_equal(count, 0);
	struct buf out;
	buf_init(&out, 0);
	int removed = 0;
	assert_int_equal(screen_redact_text(t, n, NULL, &out, &removed), KERR_TOO_LARGE);
	buf_free(&out);
	/* No text at all, even without a pointer, is nothing to find. */
	assert_int_equal(screen_find(NULL, 0, NULL, spans, 4, &count), KERR_OK);
	assert_int_equal(count, 0);
	/* Exactly the limit is accepted. */
	assert_int_equal(screen_find(t, n - 1, NULL, spans, 4, &count), KERR_OK);
	assert_int_equal(count, 0);
	free(t);
}

/*
 * The text is read 64 bytes at a time: words, numbers, dots and '@' that
 * straddle the edge of a block are read as anywhere else.  The same
 * message after fillers of every length up to three blocks gives the same
 * findings, moved by the filler's length.
 */
static void same_at_every_edge(const char *msg, const char *must_find)
{
	char base[1024], got[1024], text[2048];
	struct screen_span first, at;
	assert_int_equal(found(msg, NULL, base, sizeof(base), &first), KERR_OK);
	if (!strstr(base, must_find))
		fail_msg("'%s' not found in '%s' (found: %s)", must_find, msg, base);
	for (size_t fill = 0; fill <= 3 * 64 + 2; fill++) {
		/* A filler word of fill letters, then the message: every edge falls somewhere new.
		 */
		memset(text, 'q', fill);
		text[fill] = ' ';
		strcpy(text + fill + 1, msg);
		assert_int_equal(found(text, NULL, got, sizeof(got), &at), KERR_OK);
		assert_string_equal(got, base);
		assert_int_equal(at.start, first.start + fill + 1);
		assert_int_equal(at.end, first.end + fill + 1);
	}
}

static void test_block_edges(void **state)
{
	(void)state;
	const char *msg = "Ring me on 07700 900123 or jane at gmail dot com, see janes.co.uk, "
			  "IG: @jane_makes, I'm on whatsapp, double nine oh seven seven 123456";
	same_at_every_edge(msg, "07700 900123");
	same_at_every_edge(msg, "janes.co.uk");
	same_at_every_edge(msg, "@jane_makes");
	/* Letters spaced out and a written dot as the only signs of a detail (no '.', ':' or '@').
	 */
	same_at_every_edge("my email is j o e b l o g g s at outlook dot com thanks",
			   "j o e b l o g g s at outlook dot com");
	same_at_every_edge("shop is tidelineceramics dot com and call 0 7 7 0 0 9 0 0 1 2 3 ta",
			   "0 7 7 0 0 9 0 0 1 2 3");
	same_at_every_edge("shop is tidelineceramics dot com and call 0 7 7 0 0 9 0 0 1 2 3 ta",
			   "tidelineceramics dot com");
}

/*
 * The same findings after any number of words before them: the first 64
 * words' classes are kept as masks, the others read one by one, and a
 * detector's words may fall on either side.
 */
static void test_word_edges(void **state)
{
	(void)state;
	const char *msg = "Ring me on 07700 900123 or jane at gmail dot com, see janes.co.uk, "
			  "IG: @jane_makes, I'm on whatsapp, double nine oh seven seven 123456";
	char base[1024], got[1024], text[2048];
	struct screen_span first, at;
	assert_int_equal(found(msg, NULL, base, sizeof(base), &first), KERR_OK);
	assert_string_equal(base, "Ring me|07700 900123|jane at gmail dot com|janes.co.uk|"
				  "@jane_makes|I'm on whatsapp|double nine oh seven seven 123456");
	for (size_t words = 0; words <= 140; words++) {
		for (size_t k = 0; k < words; k++)
			memcpy(text + 3 * k, "ok ", 3);
		strcpy(text + 3 * words, msg);
		assert_int_equal(found(text, NULL, got, sizeof(got), &at), KERR_OK);
		assert_string_equal(got, base);
		assert_int_equal(at.start, first.start + 3 * words);
	}
}

/* A word longer than a word's 16-bit length is cut, and what follows is read as ever. */
static void test_long_words(void **state)
{
	(void)state;
	size_t long_run = 200000;
	const char *tail = " call me on 07700 900123";
	char *t = malloc(long_run + strlen(tail) + 1);
	memset(t, 'a', long_run);
	strcpy(t + long_run, tail);
	char got[256];
	struct screen_span first;
	assert_int_equal(found(t, NULL, got, sizeof(got), &first), KERR_OK);
	assert_string_equal(got, "call me|07700 900123");
	assert_int_equal(first.start, long_run + 1);
	free(t);
	/*
	 * Cut at the first multiple of 16 at least 0xfff0 bytes in, then every
	 * 0xfff0: the pieces are words, so what is glued to the end of a long
	 * word is read where a cut falls just before it, and not elsewhere.
	 */
	const char *glued = "call me on whatsapp";
	t = malloc(0x30000 + strlen(glued) + 1);
	for (size_t lead = 0xffe0; lead <= 0xfff8; lead += 8) {
		memset(t, 'x', lead);
		strcpy(t + lead, glued);
		assert_int_equal(found(t, NULL, got, sizeof(got), &first), KERR_OK);
		if (lead == 0xfff0) {
			assert_string_equal(got, "call me on whatsapp");
			assert_int_equal(first.start, lead);
		} else {
			assert_string_equal(got, "");
		}
	}
	free(t);
	/*
	 * A cut can leave a piece of one character, which counts with the
	 * characters spaced out after it ("...a b c"): the address spelled out
	 * further on is closed up and found.
	 */
	const char *spaced = " b c ok j o @ g m . c o";
	t = malloc(0x20000 + strlen(spaced) + 1);
	for (size_t run = 0xfff1; run < 0x20000; run += 0xfff0) {
		memset(t, 'a', run);
		strcpy(t + run, spaced);
		assert_int_equal(found(t, NULL, got, sizeof(got), &first), KERR_OK);
		assert_string_equal(got, "j o @ g m . c o");
	}
	free(t);
}

/* What screen_digit_runs() reports: "start-end:digits;" for each run. */
static void note_run(void *ctx, size_t start, size_t end, const char *digits)
{
	char *out = ctx;
	size_t len = strlen(out);
	snprintf(out + len, 512 - len, "%zu-%zu:%s;", start, end, digits);
}

static void runs_are(const char *text, const char *want)
{
	char got[512] = "";
	assert_int_equal(screen_digit_runs(text, strlen(text), note_run, got), KERR_OK);
	if (strcmp(got, want) != 0)
		fail_msg("runs of '%s': '%s', not '%s'", text, got, want);
}

/*
 * Runs of digits however written (digits, words, O/I/l, in a link), seven
 * digits at least, with the bytes they take.
 */
static void test_digit_runs(void **state)
{
	(void)state;
	runs_are("call 07700 900 123 or not", "5-18:07700900123;");
	runs_are("wa.me/441632960123?text=hi", "6-18:441632960123;");
	runs_are("oh seven seven double nine 1 2 3", "0-32:07799123;");
	runs_are("O77OO 9OO I74, ref 12345", "0-13:07700900174;");
	runs_are("12345 and 678", "");
	runs_are("0770 0900 - - - - 123", "0-9:07700900;");
	runs_are("", "");
}

/* Digits are read eight at a time where there are eight: the same numbers wherever they fall. */
static void test_number_ends(void **state)
{
	(void)state;
	static const char *const after[] = {"", " ", ", thanks", "!", "\xe2\x82\xac"};
	char text[128], got[128];
	for (int lead = 0; lead <= 9; lead++) {
		for (size_t k = 0; k < sizeof(after) / sizeof(after[0]); k++) {
			snprintf(text, sizeof(text), "%.*sring +441632960123%s", lead, "xxxxxxxxx",
				 after[k]);
			assert_int_equal(found(text, NULL, got, sizeof(got), NULL), KERR_OK);
			if (!strstr(got, "+441632960123"))
				fail_msg("no number in '%s' (found: %s)", text, got);
			snprintf(text, sizeof(text), "%.*s 07700900123%s", lead, "xxxxxxxxx",
				 after[k]);
			assert_int_equal(found(text, NULL, got, sizeof(got), NULL), KERR_OK);
			assert_string_equal(got, "07700900123");
		}
		/* Glued to letters, or too long to be a phone number: none. */
		snprintf(text, sizeof(text), "%.*s 07700900123abc", lead, "xxxxxxxxx");
		assert_int_equal(found(text, NULL, got, sizeof(got), NULL), KERR_OK);
		assert_string_equal(got, "");
		snprintf(text, sizeof(text), "%.*s 077009001234567890123", lead, "xxxxxxxxx");
		assert_int_equal(found(text, NULL, got, sizeof(got), NULL), KERR_OK);
		assert_string_equal(got, "");
	}
}

/* Top-level domains are told by one place each: every kind of length and letter, and near misses.
 */
static void test_known_tlds(void **state)
{
	(void)state;
	static const char *const known[] = {"com", "co",     "uk",	 "io",	    "kr",
					    "gle", "online", "boutique", "gallery", "london"};
	static const char *const unknown[] = {"con",  "c",	   "comm", "ukk",      "cm",
					      "34",   "boutiques", "k",	   "galleryx", "xyzz",
					      "orgs", "1com",	   "co1",  "",	       "londo"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_true(known_tld(known[i], strlen(known[i])));
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (known_tld(unknown[i], strlen(unknown[i])))
			fail_msg("'%s' taken for a top-level domain", unknown[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_emails),	cmocka_unit_test(test_phones),
	    cmocka_unit_test(test_not_phones),	cmocka_unit_test(test_party),
	    cmocka_unit_test(test_redact),	cmocka_unit_test(test_span_limit),
	    cmocka_unit_test(test_input_limit), cmocka_unit_test(test_block_edges),
	    cmocka_unit_test(test_word_edges),	cmocka_unit_test(test_long_words),
	    cmocka_unit_test(test_digit_runs),	cmocka_unit_test(test_number_ends),
	    cmocka_unit_test(test_known_tlds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
