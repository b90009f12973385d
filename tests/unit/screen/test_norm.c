/*
 * test_norm.c - the folding the detectors read through (screen/norm.c),
 * one test per disguise family, and the way back to the original bytes;
 * then what screen_find finds through each disguise, and what it leaves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "screen/norm.h"
#include "screen/screen.h"

/* The folded form of s. */
static void folds_to(const char *s, const char *want)
{
	struct norm nm;
	assert_int_equal(norm_text(s, strlen(s), &nm), KERR_OK);
	if (strcmp(nm.text, want) != 0)
		fail_msg("'%s' folded to '%s', not '%s'", s, nm.text, want);
	assert_int_equal(nm.n, strlen(want));
	for (size_t i = 1; i < nm.n; i++)
		assert_true(norm_from(&nm, i) >=
			    norm_from(&nm, i - 1)); /* the map never goes back */
	norm_free(&nm);
}

static void test_case_and_accents(void **state)
{
	(void)state;
	folds_to("Jane.DOE@Example.COM", "jane.doe@example.com");
	folds_to("Café Müller, Œuvre", "cafe muller, œuvre");
	folds_to("STRASSE straße", "strasse strasse");
}

static void test_compatibility_forms(void **state)
{
	(void)state;
	folds_to("\xef\xbc\x90\xef\xbc\x97\xef\xbc\x97", "077");   /* full-width */
	folds_to("\xf0\x9d\x9f\x8e\xf0\x9d\x9f\x95", "07");	   /* math bold 0 and 7 */
	folds_to("\xef\xbd\x8a\xef\xbd\x81\xef\xbc\xa0x", "ja@x"); /* full-width letters */
	folds_to("\xef\xac\x81ve", "five");			   /* ligature */
	folds_to("\xe2\x91\xa0\xe2\x91\xa1", "12");		   /* circled */
}

static void test_digits_of_other_scripts(void **state)
{
	(void)state;
	folds_to("\xd9\xa0\xd9\xa7\xd9\xa9", "079");		 /* Arabic-Indic */
	folds_to("\xdb\xb0\xdb\xb7", "07");			 /* Extended Arabic-Indic */
	folds_to("\xe0\xa5\xa6\xe0\xa5\xad\xe0\xa5\xaf", "079"); /* Devanagari */
	folds_to("\xe0\xb9\x90\xe0\xb9\x99", "09");		 /* Thai */
}

static void test_look_alike_letters(void **state)
{
	(void)state;
	/* Cyrillic а е о р с х and Greek ο ν in place of Latin letters */
	folds_to("\xd0\xb0\xd0\xb5\xd0\xbe\xd1\x80\xd1\x81\xd1\x85", "aeopcx");
	folds_to("\xd0\x90\xd0\x95", "ae"); /* capitals fold first */
	folds_to("g\xce\xbf\xce\xbd", "gov");
}

static void test_invisible_and_spaces(void **state)
{
	(void)state;
	folds_to("07\xe2\x80\x8b"
		 "700\xe2\x80\x8c"
		 "9\xc2\xad"
		 "00",
		 "07700900"); /* ZWSP ZWNJ SHY */
	folds_to("a\xef\xbb\xbf"
		 "b\xe2\x81\xa0"
		 "c",
		 "abc"); /* BOM, word joiner */
	folds_to("07700\xc2\xa0"
		 "900\xe2\x80\xaf"
		 "123\xe2\x80\x89"
		 "x",
		 "07700 900 123 x");
}

/*
 * Characters are folded once and kept in a small table by code point
 * modulo 1024: characters that share a place, side by side and again and
 * again, each fold as they should.
 */
static void test_shared_places(void **state)
{
	(void)state;
	/* U+00E9 e-acute, U+04E9 barred o, U+0CE9 Kannada three: 0xE9 modulo 1024. */
	const char *three = "\xc3\xa9\xd3\xa9\xe0\xb3\xa9";
	/* U+200B zero width space, U+040B Tshe (folded U+045B): 11 modulo 1024. */
	const char *hidden = "\xe2\x80\x8b\xd0\x8b\xe2\x80\x8b\xd0\x8b";
	for (int round = 0; round < 3; round++) {
		folds_to(three, "e\xd3\xa9"
				"3");
		folds_to(hidden, "\xd1\x9b\xd1\x9b");
		folds_to("\xd0\x8b\xc3\xa9\xe2\x80\x8b\xe0\xb3\xa9", "\xd1\x9b"
								     "e3");
	}
}

/* Texts of every length up to three chunks of sixteen: every byte lowered, none lost, none past
 * ASCII missed. */
static void test_every_length(void **state)
{
	(void)state;
	char text[64], want[64];
	for (size_t n = 0; n < 50; n++) {
		for (size_t i = 0; i < n; i++) {
			text[i] = (char)((i % 3 ? 'A' : 'a') + (char)(i % 26));
			want[i] = (char)('a' + (char)(i % 26));
		}
		text[n] = want[n] = '\0';
		folds_to(text, want);
	}
	/* One accented letter at every place of texts of every length: the text is not all ASCII.
	 */
	for (size_t n = 1; n < 40; n++)
		for (size_t k = 0; k < n; k++) {
			size_t at = 0;
			for (size_t i = 0; i < n; i++) {
				if (i == k) {
					text[at++] = '\xc3'; /* U+00C9, E-acute */
					text[at++] = '\x89';
				} else {
					text[at++] = (char)('A' + (char)(i % 26));
				}
				want[i] = i == k ? 'e' : (char)('a' + (char)(i % 26));
			}
			text[at] = want[n] = '\0';
			folds_to(text, want);
		}
}

static void test_bad_bytes_and_empty(void **state)
{
	(void)state;
	folds_to("", "");
	folds_to("a\xff"
		 "b",
		 "a\xef\xbf\xbd"
		 "b"); /* a stray byte becomes U+FFFD */
	folds_to("\xc3", "\xef\xbf\xbd");
}

static void test_memory_stays_bounded(void **state)
{
	(void)state;
	/* "½" is 2 bytes and folds to 5 ("1⁄2"): a megabyte of it folds whole,
	 * within three times its length. */
	static char text[1 << 20];
	for (size_t i = 0; i + 2 <= sizeof(text); i += 2)
		memcpy(text + i, "\xc2\xbd", 2);
	struct norm nm;
	assert_int_equal(norm_text(text, sizeof(text), &nm), KERR_OK);
	assert_int_equal(nm.n, sizeof(text) / 2 * 5);
	assert_true(nm.cap <= 3 * sizeof(text) + 256 + NORM_PAD);
	assert_int_equal(memcmp(nm.text + nm.n - 5,
				"1\xe2\x81\x84"
				"2",
				5),
			 0);
	norm_free(&nm);
	/* "㍿" (3 bytes) folds to four 3-byte characters: a text of them passes
	 * the bound and cannot be screened, rather than be left unfolded. */
	size_t k = 0;
	for (; k + 3 <= 3000; k += 3)
		memcpy(text + k, "\xe3\x8d\xbf", 3);
	assert_int_equal(norm_text(text, k, &nm), KERR_LIMIT);
	norm_free(&nm);
	struct buf out;
	buf_init(&out, 0);
	int removed = 0;
	assert_int_equal(screen_redact_text(text, k, NULL, &out, &removed), KERR_OK);
	assert_string_equal(out.data, "[contact details removed]"); /* withheld whole */
	buf_free(&out);
}

static void test_spans_map_back(void **state)
{
	(void)state;
	/* "call ０７７" : the folded "077" is bytes 5..8; the input's are 5..14 */
	const char *s = "call \xef\xbc\x90\xef\xbc\x97\xef\xbc\x97 ok";
	struct norm nm;
	assert_int_equal(norm_text(s, strlen(s), &nm), KERR_OK);
	assert_string_equal(nm.text, "call 077 ok");
	size_t a, b;
	norm_span(&nm, 5, 8, &a, &b);
	assert_int_equal(a, 5);
	assert_int_equal(b, 14);
	/* A ligature split in the output maps to the whole ligature. */
	norm_free(&nm);
	const char *l = "x\xef\xac\x81y";
	assert_int_equal(norm_text(l, strlen(l), &nm), KERR_OK);
	assert_string_equal(nm.text, "xfiy");
	norm_span(&nm, 1, 2, &a, &b);
	assert_int_equal(a, 1);
	assert_int_equal(b, 4);
	norm_free(&nm);
}

/* What screen_find finds in s, as the found substrings joined by '|'. */
static void finds(const char *s, const char *want)
{
	struct screen_span spans[SCREEN_MAX_SPANS];
	int count = 0;
	assert_int_equal(screen_find(s, strlen(s), NULL, spans, SCREEN_MAX_SPANS, &count), KERR_OK);
	char got[512] = "";
	size_t len = 0;
	for (int i = 0; i < count; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%.*s", i ? "|" : "",
					(int)(spans[i].end - spans[i].start), s + spans[i].start);
	if (strcmp(got, want) != 0)
		fail_msg("in '%s' found '%s', not '%s'", s, got, want);
}

static void test_long_foldings_do_not_hide_the_rest(void **state)
{
	(void)state;
	/* U+FDFA folds to 18 characters: it is kept as it is, and a disguised
	 * number after many of them is still found. */
	char text[512] = "";
	for (int i = 0; i < 12; i++)
		strcat(text, "\xef\xb7\xba");
	strcat(text, " ring \xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90 900123");
	finds(text, "ring|\xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90 900123");
}

static void test_detection_through_disguises(void **state)
{
	(void)state;
	finds("ring \xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90 900123",
	      "ring|\xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90 900123");
	finds("tel 07\xe2\x80\x8b"
	      "700 900\xe2\x80\x8b"
	      "123 today",
	      "07\xe2\x80\x8b"
	      "700 900\xe2\x80\x8b"
	      "123");
	finds("\xd9\xa0\xd9\xa7\xd9\xa7\xd9\xa0\xd9\xa0\xd9\xa9\xd9\xa0\xd9\xa0\xd9\xa1\xd9\xa2\xd9"
	      "\xa3",
	      "\xd9\xa0\xd9\xa7\xd9\xa7\xd9\xa0\xd9\xa0\xd9\xa9\xd9\xa0\xd9\xa0\xd9\xa1\xd9\xa2\xd9"
	      "\xa3");
	finds("addr \xd1\x98\xd0\xb0ne@ex\xd0\xb0mple.com now",
	      "\xd1\x98\xd0\xb0ne@ex\xd0\xb0mple.com");
	finds("JANE@EXAMPLE.COM", "JANE@EXAMPLE.COM");
}

static void test_numbers_in_words(void **state)
{
	(void)state;
	finds("ring me on zero seven seven double nine five five one two three four",
	      "ring me|zero seven seven double nine five five one two three four");
	finds("it's oh seven seven zero zero, nine zero zero, one two three!",
	      "oh seven seven zero zero, nine zero zero, one two three");
	finds("07 seven 00 nine oh oh 123 anytime", "07 seven 00 nine oh oh 123");
	finds("plus four four seven seven zero zero nine zero zero one two three",
	      "plus four four seven seven zero zero nine zero zero one two three");
	finds("ZERO SEVEN SEVEN triple nine ONE two three four five",
	      "ZERO SEVEN SEVEN triple nine ONE two three four five");
	/* Not phones: counting, quantities, too few digits. */
	finds("one two three four five six seven eight nine ten", "");
	finds("I ordered two mugs and one plate but got three", "");
	finds("zero seven seven double nine", "");
	finds("Order KP-10042 arrived on 12/03, two days late, one box of 6", "");
}

static void test_emails_written_out(void **state)
{
	(void)state;
	finds("write to jane at gmail dot com please", "jane at gmail dot com");
	finds("jane.doe(at)shop[.]co[.]uk", "jane.doe(at)shop[.]co[.]uk");
	finds("addr jane @ gmail.com", "jane @ gmail.com");
	finds("Jane [AT] Outlook [DOT] Com today", "Jane [AT] Outlook [DOT] Com");
	finds("bob_smith at yahoo dot co dot uk ok", "bob_smith at yahoo dot co dot uk");
	finds("\xd1\x98"
	      "ane at gmail dot com",
	      "\xd1\x98"
	      "ane at gmail dot com"); /* Cyrillic j */
	/* Not addresses: "at" in plain sentences. */
	finds("meet me at home dot", "");
	finds("I was at the shop. Thanks", "");
	finds("see you at 5 dot on Monday", "");
	finds("Kapsule will message you at your registered address", "");
	finds("arrived at 10.30 with the parcel", "");
}

static void test_order_talk_left_alone(void **state)
{
	(void)state;
	finds("Order KP-10042 was \xc2\xa3"
	      "24.99, size 10, \xc2\xbd price",
	      "");
	finds("Caf\xc3\xa9 mugs \xc3\x97"
	      "2, ready 12/03",
	      "");
}

static void test_registered_details_folded(void **state)
{
	(void)state;
	struct screen_party p = {"Sales@Northwind.example", "07700 900456", NULL, NULL, NULL, 0};
	struct screen_span spans[SCREEN_MAX_SPANS];
	int count = 0;
	const char *s = "write to SALES@NORTHWIND.EXAMPLE";
	assert_int_equal(screen_find(s, strlen(s), &p, spans, SCREEN_MAX_SPANS, &count), KERR_OK);
	assert_int_equal(count, 1);
	assert_int_equal(spans[0].start, 9);
	assert_int_equal(spans[0].end, strlen(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_and_accents),
	    cmocka_unit_test(test_compatibility_forms),
	    cmocka_unit_test(test_digits_of_other_scripts),
	    cmocka_unit_test(test_look_alike_letters),
	    cmocka_unit_test(test_invisible_and_spaces),
	    cmocka_unit_test(test_shared_places),
	    cmocka_unit_test(test_every_length),
	    cmocka_unit_test(test_bad_bytes_and_empty),
	    cmocka_unit_test(test_spans_map_back),
	    cmocka_unit_test(test_memory_stays_bounded),
	    cmocka_unit_test(test_long_foldings_do_not_hide_the_rest),
	    cmocka_unit_test(test_detection_through_disguises),
	    cmocka_unit_test(test_numbers_in_words),
	    cmocka_unit_test(test_emails_written_out),
	    cmocka_unit_test(test_order_talk_left_alone),
	    cmocka_unit_test(test_registered_details_folded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
