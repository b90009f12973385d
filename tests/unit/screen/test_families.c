/*
 * test_families.c - the screening engine family by family: each way of
 * disguising a contact detail, each kind of invitation, and each kind of
 * number or word that belongs in order talk and must be left alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "screen/screen.h"

/*
 * What screen_find finds in text as "kind:excerpt" joined by '|', into out.
 */
static void found(const char *text, char *out, size_t cap)
{
	struct screen_span sp[SCREEN_MAX_SPANS];
	int count = 0;
	size_t n = strlen(text);
	assert_int_equal(screen_find(text, n, NULL, sp, SCREEN_MAX_SPANS, &count), KERR_OK);
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < count; i++) {
		len += (size_t)snprintf(out + len, cap - len, "%s%s:%.*s", i ? "|" : "",
					screen_kind_name(sp[i].kind),
					(int)(sp[i].end - sp[i].start), text + sp[i].start);
		assert_true(len < cap);
	}
}

/* Checks cases[i][0] finds cases[i][1]; prints every miss, fails at the end. */
static void check_all(const char *const (*cases)[2], size_t n)
{
	int wrong = 0;
	for (size_t i = 0; i < n; i++) {
		char got[2048];
		found(cases[i][0], got, sizeof(got));
		if (strcmp(got, cases[i][1]) != 0) {
			print_error("in \"%s\":\n  found \"%s\"\n  want  \"%s\"\n", cases[i][0],
				    got, cases[i][1]);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

#define CHECK(cases) check_all(cases, sizeof(cases) / sizeof(cases[0]))

static void test_numbers_written_as_words(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"oh seven seven double oh nine double oh one three six",
	     "phone:oh seven seven double oh nine double oh one three six"},
	    {"Mob: zero seven seven zero zero nine zero zero four one eight",
	     "phone:zero seven seven zero zero nine zero zero four one eight"},
	    {"o seven seven triple nine one two three four five",
	     "phone:o seven seven triple nine one two three four five"},
	    {"plus four four seven seven zero zero nine zero zero one two three",
	     "phone:plus four four seven seven zero zero nine zero zero one two three"},
	    {"07 seven 00 nine 00 one two three", "phone:07 seven 00 nine 00 one two three"},
	    {"oh-seven-seven-oh-oh 900611 thanks", "phone:oh-seven-seven-oh-oh 900611"},
	    {"0 seven 7 double 0 nine 0 0 four 6 two",
	     "phone:0 seven 7 double 0 nine 0 0 four 6 two"},
	    /* Counting, quantities and short runs are not numbers. */
	    {"one two three four five six seven eight nine ten", ""},
	    {"I ordered two mugs and one plate, got three", ""},
	    {"zero seven seven double nine", ""},
	};
	CHECK(cases);
}

static void test_digits_disguised(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"tel 07700.900.123", "phone:07700.900.123"},
	    {"tel 07700-900-123 or 07700/900/456", "phone:07700-900-123|phone:07700/900/456"},
	    {"tel (01632) 960 123", "phone:(01632) 960 123"},
	    {"tel +44 (0)7700 900123", "phone:+44 (0)7700 900123"},
	    {"tel 0044 7700 900123", "phone:0044 7700 900123"},
	    {"tel 0 7 7 0 0 9 0 0 1 2 3", "phone:0 7 7 0 0 9 0 0 1 2 3"},
	    {"tel 07700 \xe2\x80\x93 900123", "phone:07700 \xe2\x80\x93 900123"}, /* en dash */
	    /* Full-width, Arabic-Indic and Devanagari digits. */
	    {"tel \xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90 "
	     "\xef\xbc\x99\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93",
	     "phone:\xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90 "
	     "\xef\xbc\x99\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"},
	    {"tel \xd9\xa0\xd9\xa7\xd9\xa7\xd9\xa0\xd9\xa0\xd9\xa9\xd9\xa0\xd9\xa0\xd9\xa1\xd9\xa2"
	     "\xd9\xa3",
	     "phone:"
	     "\xd9\xa0\xd9\xa7\xd9\xa7\xd9\xa0\xd9\xa0\xd9\xa9\xd9\xa0\xd9\xa0\xd9\xa1\xd9\xa2"
	     "\xd9\xa3"},
	    {"tel \xe0\xa5\xa6\xe0\xa5\xad\xe0\xa5\xad\xe0\xa5\xa6\xe0\xa5\xa6 900123",
	     "phone:\xe0\xa5\xa6\xe0\xa5\xad\xe0\xa5\xad\xe0\xa5\xa6\xe0\xa5\xa6 900123"},
	    /* Zero-width spaces and no-break spaces inside. */
	    {"tel 07700\xe2\x80\x8b"
	     "900\xc2\xa0"
	     "123",
	     "phone:07700\xe2\x80\x8b"
	     "900\xc2\xa0"
	     "123"},
	    /* Letters O and I standing for digits. */
	    {"tel O77OO 9OO I74", "phone:O77OO 9OO I74"},
	    /* Other countries. */
	    {"tel +33 6 12 34 56 78", "phone:+33 6 12 34 56 78"},
	    {"tel (555) 010-4477", "phone:(555) 010-4477"},
	};
	CHECK(cases);
}

static void test_addresses_disguised(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"jane at gmail dot com", "email:jane at gmail dot com"},
	    {"jane(at)shop[.]co[.]uk", "email:jane(at)shop[.]co[.]uk"},
	    {"sales [at] northwind [dot] co [dot] uk",
	     "email:sales [at] northwind [dot] co [dot] uk"},
	    {"tom dot hughes at btinternet dot com", "email:tom dot hughes at btinternet dot com"},
	    {"it is orla underscore brennan at gmail", "email:orla underscore brennan at gmail"},
	    {"j a n e @ g m a i l . c o m", "email:j a n e @ g m a i l . c o m"},
	    {"jane \xef\xbc\xa0 shop\xef\xbc\x8e"
	     "co\xef\xbc\x8e"
	     "uk", /* full-width @ and . */
	     "email:jane \xef\xbc\xa0 shop\xef\xbc\x8e"
	     "co\xef\xbc\x8e"
	     "uk"},
	    {"m\xd0\xb0rk@\xd0\xbeutlook.com",
	     "email:m\xd0\xb0rk@\xd0\xbeutlook.com"}, /* Cyrillic */
	    {"jo.b+orders@shop.co.uk.", "email:jo.b+orders@shop.co.uk"},
	    /* Sentences with "at" and "dot" that are not addresses. */
	    {"meet me at home. Dot was lovely", ""},
	    {"delivered at 11:02 at the depot", ""},
	};
	CHECK(cases);
}

static void test_links_and_handles(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"see https://janescandles.co.uk/sale?id=2291.",
	     "url:https://janescandles.co.uk/sale?id=2291"},
	    {"see www.janescandles.co.uk", "url:www.janescandles.co.uk"},
	    {"see janescandles.co.uk/sale", "url:janescandles.co.uk/sale"},
	    {"see janescandles dot co dot uk", "url:janescandles dot co dot uk"},
	    {"join t.me/janeshop", "url:t.me/janeshop"},
	    {"see wa.me/447700900123", "url:wa.me/447700900123"}, /* the number is the link's */
	    {"IG: @jane.makes", "handle:@jane.makes"},
	    {"insta: jane.makes", "handle:jane.makes"},
	    {"my snap is jb_2001", "handle:jb_2001"},
	    {"tiktok - janemakes", "handle:janemakes"},
	    /* Not links or handles. */
	    {"the insta-pot lid, photo_1234.jpg, e.g. v2.4.1", ""},
	    {"mugs @ \xc2\xa3"
	     "5 each, see you @3pm",
	     ""},
	    {"Rich @ Rich's will collect", ""},
	};
	CHECK(cases);
}

static void test_invitations(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"WhatsApp me on 07700 900461", "solicitation:WhatsApp me|phone:07700 900461"},
	    {"just text me", "solicitation:text me"},
	    {"find us on Instagram", "solicitation:find us on Instagram"},
	    {"give us a ring tomorrow", "solicitation:give us a ring"},
	    {"drop me a line", "solicitation:drop me a line"},
	    {"search our shop name and call us", "solicitation:search our shop name and call us"},
	    {"ring the number on the delivery note",
	     "solicitation:ring the number on the delivery note"},
	    {"buy direct from our website next time", "solicitation:buy direct from our website"},
	    {"my email is my first name at outlook dot com",
	     "solicitation:my first name at outlook dot com"},
	    {"same handle as the shop name", "solicitation:same handle as the shop name"},
	    {"w h a t s a p p me", "solicitation:w h a t s a p p me"},
	    {"hmu on snap", "solicitation:hmu on snap"},
	    {"pay me by bank transfer instead of through Kapsule",
	     "solicitation:pay me by bank transfer instead of through Kapsule"},
	    {"contact me outside the app", "solicitation:contact me outside the app"},
	    {"give the warehouse a buzz", "solicitation:give the warehouse a buzz"},
	    {"send me a selfie on snap", "solicitation:send me a selfie on snap"},
	    {"reach out via Signal", "solicitation:reach out via Signal"},
	    {"have a look at our site", "solicitation:have a look at our site"},
	    {"they are cheaper on our own site", "solicitation:cheaper on our own site"},
	    {"follow the link in our bio", "solicitation:follow the link in our bio"},
	    {"Venmo me the difference", "solicitation:Venmo me"},
	    {"my whatsapp is the same as the number on the order, thanks",
	     "solicitation:my whatsapp is the same as the number on the order"},
	    {"you can book direct next time", "solicitation:book direct"},
	    /* Inflected verbs, of two letters too. */
	    {"I dmed them on insta", "solicitation:dmed them on insta"},
	    {"she pmed them on fb", "solicitation:pmed them on fb"},
	    {"i texted them on whatsapp", "solicitation:texted them on whatsapp"},
	    {"messaged them on fb", "solicitation:messaged them on fb"},
	    {"I txted them on whatsapp", "solicitation:txted them on whatsapp"},
	    {"msgs them on fb", "solicitation:msgs them on fb"},
	    {"we hitting them on insta", "solicitation:hitting them on insta"},
	    {"buying direct from our website", "solicitation:buying direct from our website"},
	    /* The operator as the channel, idioms, and harmless uses. */
	    {"Kapsule will message you; message us here on Kapsule", ""},
	    {"call me crazy but the ring size runs small", ""},
	    {"the courier will call before 10; please stop emailing me", ""},
	    {"the text on the mug, a phone case, call it a day", ""},
	    {"the sealing ring (part SR-6Q) is missing; his number is 0 and email too", ""},
	};
	CHECK(cases);
}

static void test_order_talk_left_alone(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    /* Order, invoice and reference numbers. */
	    {"order KAP-2024-118833, #100234567, order 5523091, INV-20931", ""},
	    {"Order ref 0123 4567 8901 was paid", ""},
	    /* Tracking numbers of the common carriers. */
	    {"Royal Mail JX 1234 5678 9GB, AB123456789GB", ""},
	    {"DPD 15501234567890; Evri H01HYA0012345678 and 1234567890123456", ""},
	    {"UPS 1Z999AA10123456784, tracking 1Z 4E5 67F 03 9876 5432", ""},
	    {"DHL 1234567890 or JD014600003828273; FedEx 612345678901", ""},
	    {"USPS 9400 1000 0000 0000 0000 00; Parcelforce PB123456789GB, EF1234567", ""},
	    /* Prices, dates, times, quantities, sizes. */
	    {"\xc2\xa3"
	     "1,299.00 or GBP 45; refund of \xc2\xa3"
	     "12.99",
	     ""},
	    {"dispatched 05/01/2025 15:10, delivered 07/01/2025 11:47", ""},
	    {"between 01/02/2025 - 14/02/2025, 2025-03-12, 07:30-09:00", ""},
	    {"3 x 200g jars, 1200 x 800 mm, UK 8, 32W 30L, 30x40cm", ""},
	    /* SKUs, barcodes, ISBN, IMEI, serials. */
	    {"SKU-44821-BLK, EAN 5012345678900, UPC 0 36000 29145 2, EAN 0012345678905", ""},
	    {"ISBN 978-0-14-103614-4 and ISBN 0-306-40615-2", ""},
	    {"IMEI 35 209900 176148 1 / 352099001761481, serial SN-88213-A", ""},
	    /* VAT and company numbers, bank details, postcodes, addresses. */
	    {"VAT no. GB 123 4567 89, company no. 04567890", ""},
	    {"sort code 20-00-00, account 01234567", ""},
	    {"Flat 2, 9 Elm Close, Birmingham B15 2TT; SW1A 1AA", ""},
	    /* The operator's own addresses and links. */
	    {"https://kapsule.co.uk/help/returns, help.kapsule.co.uk and support@kapsule.co.uk",
	     ""},
	};
	CHECK(cases);
}

/* The value screen_value gives the first finding of text. */
static void value_of(const char *text, const char *want)
{
	struct screen_span sp[SCREEN_MAX_SPANS];
	int count = 0;
	assert_int_equal(screen_find(text, strlen(text), NULL, sp, SCREEN_MAX_SPANS, &count),
			 KERR_OK);
	assert_true(count > 0);
	int i = 0;
	while (i + 1 < count && sp[i].kind == SCREEN_SOLICITATION)
		i++;
	char v[128];
	assert_int_equal(screen_value(text, strlen(text), &sp[i], v, sizeof(v)), KERR_OK);
	if (strcmp(v, want) != 0)
		fail_msg("value of \"%s\" is \"%s\", not \"%s\"", text, v, want);
}

static void test_values(void **state)
{
	(void)state;
	/* Every way of writing one detail gives the same value. */
	value_of("tel 07700 900123", "7700900123");
	value_of("tel +44 (0)7700 900 123", "7700900123");
	value_of("tel 0044 7700 900123", "7700900123");
	value_of("oh seven seven double oh nine double oh one two three", "7700900123");
	value_of("tel O77OO 9OO I23", "7700900123");
	value_of("Jane.Doe@Example.com", "jane.doe@example.com");
	value_of("jane dot doe at example dot com", "jane.doe@example.com");
	value_of("see https://www.JaneMakes.co.uk/sale", "janemakes.co.uk");
	value_of("see janemakes dot co dot uk", "janemakes.co.uk");
	value_of("IG: @Jane.Makes", "jane.makes");
	struct screen_span out = {5, 50, SCREEN_PHONE, 0};
	char v[8];
	assert_int_equal(screen_value("short", 5, &out, v, sizeof(v)), KERR_BAD_VALUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers_written_as_words),
	    cmocka_unit_test(test_digits_disguised),
	    cmocka_unit_test(test_addresses_disguised),
	    cmocka_unit_test(test_links_and_handles),
	    cmocka_unit_test(test_invitations),
	    cmocka_unit_test(test_order_talk_left_alone),
	    cmocka_unit_test(test_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
