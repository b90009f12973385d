/*
 * words.c - the words of the folded text: a vocabulary with roles, and the
 * detectors that read words: invitations to talk elsewhere (solicitations)
 * and handles named by their platform ("my snap is jb_2001").
 */
#include "screen/scan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct vocab {
	const char *word;
	uint64_t roles;
	int digit;
};

#define V(w, r)                                                                                    \
	{                                                                                          \
		w, r, -1                                                                           \
	}
#define D(w, d)                                                                                    \
	{                                                                                          \
		w, R_NUMBER, d                                                                     \
	}

/* clang-format off */
static const struct vocab vocabulary[] = {
    D("zero", 0), D("one", 1), D("two", 2), D("three", 3), D("four", 4), D("five", 5), D("six", 6),
    D("seven", 7), D("eight", 8), D("nine", 9), D("oh", 0), D("o", 0), D("nought", 0), D("nil", 0),
    D("naught", 0), V("double", R_REPEAT), V("triple", R_REPEAT), V("plus", R_PLUS),
    V("me", R_PRONOUN), V("us", R_PRONOUN), V("meself", R_PRONOUN),
    /* Ways to reach someone: "call me", "give us a ring". */
    V("call", R_VERB | R_NOUN | R_PHONEWORD), V("ring", R_VERB | R_NOUN | R_PHONEWORD),
    V("phone", R_VERB | R_PHONEWORD | R_CHANNEL), V("text", R_VERB | R_NOUN | R_PHONEWORD),
    V("txt", R_VERB | R_NOUN | R_PHONEWORD), V("texts", R_NOUN),
    V("sms", R_VERB | R_NOUN | R_PHONEWORD), V("message", R_VERB | R_NOUN),
    V("msg", R_VERB | R_NOUN), V("messages", R_NOUN), V("dm", R_VERB | R_NOUN),
    V("dms", R_VERB | R_NOUN), V("pm", R_VERB | R_NOUN), V("inbox", R_VERB),
    V("email", R_VERB | R_NOUN | R_CHANNEL), V("e", 0), V("mail", R_VERB | R_NOUN),
    V("emails", R_NOUN), V("contact", R_VERB), V("reach", R_VERB), V("ping", R_VERB | R_NOUN),
    V("buzz", R_VERB | R_NOUN), V("shout", R_NOUN), V("line", R_NOUN | R_PLATFORM | R_SHOP),
    V("note", R_NOUN | R_DOCUMENT), V("facetime", R_VERB | R_PLATFORM), V("hmu", R_OTHER),
    V("whatsapp", R_VERB | R_PLATFORM | R_PHONEWORD), V("whatsap", R_VERB | R_PLATFORM),
    V("watsapp", R_VERB | R_PLATFORM), V("watsap", R_VERB | R_PLATFORM),
    V("whatapp", R_VERB | R_PLATFORM), V("wa", R_VERB | R_PLATFORM), V("whats", R_HALF),
    V("what", R_HALF), V("tele", R_HALF), V("face", R_HALF), V("tik", R_HALF),
    V("app", R_OPERATOR), V("hit", R_VERB), V("write", R_WEAK), V("talk", R_WEAK),
    V("speak", R_WEAK), V("chat", R_WEAK | R_OPERATOR), V("get", R_WEAK), V("touch", 0),
    V("join", R_JOIN), V("tinkle", R_NOUN), V("holler", R_NOUN), V("bell", R_VERB | R_NOUN),
    V("them", R_THIRD), V("her", R_THIRD), V("him", R_THIRD), V("customer", R_THIRD),
    V("buyer", R_THIRD), V("she", 0), V("he", 0), V("they", 0), V("group", R_GROUP),
    V("channel", R_GROUP), V("community", R_GROUP), V("server", R_GROUP), V("office", R_SHOP),
    V("team", R_SHOP), V("workshop", R_SHOP), V("studio", R_SHOP), V("easiest", R_BETTER),
    V("easier", R_BETTER), V("best", R_BETTER), V("better", R_BETTER), V("quicker", R_BETTER),
    V("faster", R_BETTER), V("quickest", R_BETTER), V("fastest", R_BETTER), V("deal", R_TRADE),
    V("come", R_TRADE), V("same", R_OTHER), V("slide", R_OTHER), V("pop", R_OTHER), V("see", 0),
    V("shop", R_SHOP | R_OTHER), V("of", 0), V("not", R_NEG), V("never", R_NEG), V("stop", R_NEG),
    V("dont", R_NEG), V("don't", R_NEG), V("didn't", R_NEG), V("didnt", R_NEG), V("haven't", R_NEG),
    V("havent", R_NEG), V("won't", R_NEG), V("wont", R_NEG), V("can't", R_NEG), V("cant", R_NEG),
    V("no", R_NEG), V("without", R_NEG), V("nor", R_NEG), V("hasn't", R_NEG), V("doesn't", R_NEG),
    V("flick", R_GIVE), V("gie", R_GIVE), V("drap", R_GIVE), V("bung", R_GIVE), V("grab", R_GIVE),
    V("venmo", R_VERB | R_PLATFORM), V("cashapp", R_VERB | R_PLATFORM), V("zelle", R_PLATFORM),
    V("revolut", R_PLATFORM), V("monzo", R_PLATFORM), V("gram", R_PLATFORM),
    V("look", R_FIND | R_LOOK), V("peek", R_LOOK), V("squiz", R_LOOK), V("gander", R_LOOK),
    V("butchers", R_LOOK), V("cheaper", R_CHEAPER), V("have", R_OTHER), V("take", R_OTHER), V("cheapest", R_CHEAPER),
    V("book", R_TRADE), V("technician", R_SHOP), V("engineer", R_SHOP), V("mechanic", R_SHOP),
    V("manager", R_SHOP), V("warehouse", R_SHOP), V("listing", R_CHANNEL), V("listings", R_CHANNEL),
    V("give", R_GIVE), V("drop", R_GIVE), V("send", R_GIVE), V("shoot", R_GIVE), V("find", R_FIND),
    V("follow", R_FIND), V("add", R_FIND), V("search", R_FIND),
    V("google", R_FIND), V("check", R_FIND), V("visit", R_FIND), V("friend", R_FIND),
    /* Platforms. */
    V("instagram", R_PLATFORM), V("insta", R_PLATFORM | R_VERB | R_HALF), V("ig", R_PLATFORM),
    V("facebook", R_PLATFORM), V("fb", R_PLATFORM), V("snapchat", R_PLATFORM),
    V("snap", R_PLATFORM | R_VERB | R_HALF), V("sc", R_PLATFORM), V("tiktok", R_PLATFORM),
    V("twitter", R_PLATFORM), V("telegram", R_PLATFORM | R_VERB), V("tg", R_PLATFORM),
    V("signal", R_PLATFORM | R_VERB), V("wechat", R_PLATFORM), V("viber", R_PLATFORM | R_VERB),
    V("skype", R_PLATFORM | R_VERB), V("discord", R_PLATFORM), V("kik", R_PLATFORM),
    V("messenger", R_PLATFORM), V("linkedin", R_PLATFORM), V("pinterest", R_PLATFORM),
    V("youtube", R_PLATFORM), V("etsy", R_PLATFORM), V("ebay", R_PLATFORM), V("vinted", R_PLATFORM),
    V("depop", R_PLATFORM), V("gumtree", R_PLATFORM), V("threads", R_PLATFORM),
    V("imessage", R_PLATFORM | R_VERB), V("on", R_PREP), V("via", R_PREP), V("through", R_PREP),
    V("thru", R_PREP), V("at", R_PREP), V("in", R_PREP), V("over", R_PREP), V("by", R_PREP),
    V("from", R_PREP), V("with", R_PREP), V("for", R_PREP), V("directly", R_AWAY),
    V("direct", R_AWAY), V("outside", R_AWAY), V("off", R_AWAY), V("privately", R_AWAY),
    V("personally", R_AWAY), V("instead", R_AWAY), V("kapsule", R_OPERATOR), V("here", R_OPERATOR),
    V("platform", R_OPERATOR), V("portal", R_OPERATOR), V("a", R_DET), V("an", R_DET),
    V("the", R_DET), V("my", R_DET | R_SELF), V("our", R_DET | R_SELF), V("your", R_DET),
    V("this", R_DET), V("that", R_DET), V("website", R_CHANNEL), V("site", R_CHANNEL),
    V("web", R_CHANNEL), V("webpage", R_CHANNEL), V("number", R_CHANNEL | R_PHONEWORD),
    V("mobile", R_CHANNEL | R_PHONEWORD), V("mob", R_PHONEWORD), V("tel", R_PHONEWORD),
    V("telephone", R_VERB | R_PHONEWORD | R_CHANNEL), V("cell", R_PHONEWORD), V("under", R_IS), V("banner", R_DOCUMENT), V("friends", 0),
    V("transfer", R_TRADE), V("landline", R_PHONEWORD),
    V("whatsapps", R_PHONEWORD), V("profile", R_DOCUMENT), V("bio", R_DOCUMENT),
    V("page", R_CHANNEL), V("socials", R_CHANNEL), V("handle", R_HANDLEWORD),
    V("username", R_HANDLEWORD), V("user", R_HANDLEWORD), V("name", R_NAME), V("surname", R_NAME),
    V("initials", R_NAME), V("firstname", R_NAME), V("lastname", R_NAME), V("delivery", 0),
    V("invoice", R_DOCUMENT | R_REFERENCE), V("label", R_DOCUMENT), V("card", R_DOCUMENT),
    V("packaging", R_DOCUMENT), V("box", R_DOCUMENT), V("slip", R_DOCUMENT),
    V("receipt", R_DOCUMENT | R_REFERENCE), V("leaflet", R_DOCUMENT), V("flyer", R_DOCUMENT),
    V("parcel", R_DOCUMENT | R_REFERENCE), V("package", R_DOCUMENT), V("sticker", R_DOCUMENT),
    V("envelope", R_DOCUMENT), V("buy", R_TRADE), V("order", R_TRADE | R_REFERENCE),
    V("purchase", R_TRADE), V("pay", R_TRADE), V("paypal", R_PLATFORM),
    V("cash", 0),
    /* Labels of numbers that are not phone numbers. */
    V("ref", R_REFERENCE), V("reference", R_REFERENCE), V("tracking", R_REFERENCE),
    V("track", R_REFERENCE), V("consignment", R_REFERENCE), V("isbn", R_REFERENCE),
    V("imei", R_REFERENCE), V("ean", R_REFERENCE), V("upc", R_REFERENCE), V("barcode", R_REFERENCE),
    V("serial", R_REFERENCE), V("sn", R_REFERENCE), V("sku", R_REFERENCE), V("vat", R_REFERENCE),
    V("company", R_REFERENCE | R_SHOP), V("reg", R_REFERENCE), V("registration", R_REFERENCE),
    V("account", R_REFERENCE | R_HANDLEWORD), V("acc", R_REFERENCE), V("sort", R_REFERENCE),
    V("batch", R_REFERENCE), V("lot", R_REFERENCE), V("model", R_REFERENCE), V("part", R_REFERENCE),
    V("item", R_REFERENCE), V("id", R_REFERENCE | R_HANDLEWORD), V("pin", R_REFERENCE),
    V("code", R_REFERENCE), V("awb", R_REFERENCE), V("waybill", R_REFERENCE),
    V("shipment", R_REFERENCE), V("po", R_REFERENCE), V("crn", R_REFERENCE), V("utr", R_REFERENCE),
    V("eori", R_REFERENCE), V("payout", R_REFERENCE), V("transaction", R_REFERENCE),
    V("case", R_REFERENCE), V("ticket", R_REFERENCE), V("claim", R_REFERENCE),
    V("return", R_REFERENCE), V("rma", R_REFERENCE), V("hs", R_REFERENCE),
    V("commodity", R_REFERENCE), V("s", R_IS), V("is", R_IS), V("as", R_IS), V("its", R_IS),
    V("it's", R_IS), V("gmail", R_MAILHOST), V("googlemail", R_MAILHOST), V("outlook", R_MAILHOST),
    V("hotmail", R_MAILHOST), V("yahoo", R_MAILHOST), V("icloud", R_MAILHOST),
    V("live", R_MAILHOST), V("aol", R_MAILHOST), V("protonmail", R_MAILHOST),
    V("proton", R_MAILHOST), V("btinternet", R_MAILHOST), V("sky", R_MAILHOST), V("we", R_WE),
    V("were", R_WE), V("i", R_WE), V("im", R_WE), V("we're", R_WE), V("i'm", R_WE), V("are", 0),
    V("am", 0), V("store", R_SHOP), V("business", R_SHOP), V("brand", R_SHOP), V("and", R_STOP),
    V("or", R_STOP), V("to", R_STOP), V("it", R_STOP), V("if", R_STOP), V("you", R_STOP),
    V("please", R_STOP), V("thanks", R_STOP), V("but", R_STOP), V("so", R_STOP), V("too", R_STOP),
    V("now", R_STOP), V("then", R_STOP), V("up", R_STOP), V("out", R_STOP), V("all", R_STOP),
};
/* clang-format on */

/*
 * An open-addressing table over the vocabulary, built once, and a filter
 * that turns most other words away before hashing: pairs[a][b] has bit k
 * set when a vocabulary word of length k starts with the letters a, b
 * (b = 26 for a word of one letter, or a second character not a letter).
 */
#define SLOTS 1024
static struct {
	uint64_t key[2]; /* the word, zero-padded */
	int16_t index;	 /* into vocabulary, -1 for an empty slot */
} slots[SLOTS];
static uint32_t pairs[26][27];
static pthread_once_t built = PTHREAD_ONCE_INIT;

/* t[0..n) (n <= 16) as two zero-padded words, and their slot. */
static uint32_t key_of(const char *t, size_t n, uint64_t key[2])
{
	key[0] = key[1] = 0;
	for (size_t i = 0; i < n; i++) /* little-endian order, as a copy would give */
		key[i >> 3] |= (uint64_t)(unsigned char)t[i] << ((i & 7) * 8);
	uint64_t h = key[0] * 0x9e3779b97f4a7c15ull ^ key[1] * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(h >> 54) & (SLOTS - 1);
}

/* The filter's word for t[0..n), or NULL when no vocabulary word could be it. */
static uint32_t *pair(const char *t, size_t n)
{
	unsigned a = (unsigned char)t[0] - 'a', b = n > 1 ? (unsigned char)t[1] - 'a' : 26;
	return a < 26 && n <= 16 ? &pairs[a][b < 26 ? b : 26] : NULL;
}

static void build(void)
{
	for (int i = 0; i < SLOTS; i++)
		slots[i].index = -1;
	for (size_t i = 0; i < sizeof(vocabulary) / sizeof(vocabulary[0]); i++) {
		size_t len = strlen(vocabulary[i].word);
		uint64_t key[2];
		uint32_t k = key_of(vocabulary[i].word, len, key);
		while (slots[k].index >= 0)
			k = (k + 1) & (SLOTS - 1);
		slots[k].key[0] = key[0];
		slots[k].key[1] = key[1];
		slots[k].index = (int16_t)i;
		*pair(vocabulary[i].word, len) |= 1u << len;
	}
}

/* The vocabulary entry t[0..n) is; the table must be built (pthread_once). */
static const struct vocab *lookup(const char *t, size_t n)
{
	const uint32_t *f = n ? pair(t, n) : NULL;
	if (!f || !(*f & (1u << n)))
		return NULL;
	uint64_t key[2];
	for (uint32_t k = key_of(t, n, key); slots[k].index >= 0; k = (k + 1) & (SLOTS - 1))
		if (slots[k].key[0] == key[0] && slots[k].key[1] == key[1])
			return &vocabulary[slots[k].index];
	return NULL;
}

/* Roles a verb keeps when inflected: "calls", "messaged", "texting". */
#define VERBAL (R_VERB | R_GIVE | R_FIND | R_WEAK | R_TRADE | R_JOIN)

/* The vocabulary entry t[0..n) is, with WORD_INFLECTED for an inflected verb; 0 for none. */
static uint16_t word_entry(const char *t, size_t n)
{
	if (n == 0 || n > 16)
		return 0;
	const struct vocab *v = lookup(t, n);
	if (v)
		return (uint16_t)(v - vocabulary + 1);
	/* Inflected verbs: calls, messages, messaged, texting, dropped, shopping. */
	char last = t[n - 1];
	size_t stems[3];
	int nstems = 0;
	if (n < 4 || !sc_alpha((unsigned char)t[0]))
		return 0;
	if (last == 's') {
		stems[nstems++] = n - 1;
		if (t[n - 2] == 'e')
			stems[nstems++] = n - 2;
	} else if (last == 'd' && t[n - 2] == 'e') {
		stems[nstems++] = n - 1; /* messaged -> message */
		stems[nstems++] = n - 2; /* texted -> text */
		if (n > 5 && t[n - 3] == t[n - 4])
			stems[nstems++] = n - 3; /* dropped -> drop */
	} else if (last == 'g' && n > 5 && t[n - 2] == 'n' && t[n - 3] == 'i') {
		stems[nstems++] = n - 3; /* texting -> text */
		if (n > 6 && t[n - 4] == t[n - 5])
			stems[nstems++] = n - 4; /* dropping -> drop */
	}
	for (int i = 0; i < nstems; i++)
		if ((v = lookup(t, stems[i])) && (v->roles & VERBAL))
			return (uint16_t)((v - vocabulary + 1) | WORD_INFLECTED);
	return 0;
}

static uint64_t entry_roles(uint16_t v)
{
	if (!v)
		return 0;
	uint64_t roles = vocabulary[(v & ~WORD_INFLECTED) - 1].roles;
	return v & WORD_INFLECTED ? roles & (VERBAL | R_PHONEWORD | R_PLATFORM) : roles;
}

int word_digit(const char *t, size_t n)
{
	pthread_once(&built, build);
	const struct vocab *v = n ? lookup(t, n) : NULL;
	return v ? v->digit : -1;
}

uint64_t word_roles(const char *t, size_t n)
{
	pthread_once(&built, build);
	return entry_roles(word_entry(t, n));
}

/*
 * "whats app", "insta gram", "tele gram", "face book", "snap chat", "tik
 * tok": one word, the platform's; the end of it from e, or 0.
 */
static size_t join_halves(const char *t, size_t n, size_t s, size_t e, uint16_t *v)
{
	static const char *const halves[][3] = {
	    {"whats", "app", "whatsapp"}, {"what", "sapp", "whatsapp"},
	    {"whats", "ap", "whatsapp"},  {"insta", "gram", "instagram"},
	    {"tele", "gram", "telegram"}, {"face", "book", "facebook"},
	    {"snap", "chat", "snapchat"}, {"tik", "tok", "tiktok"}};
	for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
		size_t a = strlen(halves[i][0]), b = strlen(halves[i][1]);
		if (e - s != a || memcmp(t + s, halves[i][0], a) != 0)
			continue;
		size_t k = e;
		while (k < n && k - e < 2 && (t[k] == ' ' || t[k] == '-' || t[k] == '.'))
			k++;
		if (k + b <= n && memcmp(t + k, halves[i][1], b) == 0 &&
		    (k + b == n || !sc_alnum((unsigned char)t[k + b]))) {
			*v = word_entry(halves[i][2], strlen(halves[i][2]));
			return k + b;
		}
	}
	return 0;
}

/*
 * The runs of letters and digits in t[0..n) into w[] (offset and length,
 * no vocabulary yet), sixteen bytes at a time where SSE2 is there; runs
 * longer than 0xffff are cut.  Returns how many; *oily is set when a digit
 * stands next to an o, i or l (as_digits() has work to do).
 */
#ifdef __SSE2__
#include <emmintrin.h>

/* Bit k set when x[k] is in [lo, lo + count). */
static inline unsigned in_range(__m128i x, char lo, int count)
{
	__m128i shifted = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));
	return (unsigned)_mm_movemask_epi8(
	    _mm_cmplt_epi8(shifted, _mm_set1_epi8((char)(-128 + count))));
}
#endif

static size_t runs(const char *t, size_t n, struct word *w, int *oily)
{
	size_t count = 0, i = 0, start = 0;
	int in = 0;
#ifdef __SSE2__
	unsigned carry_d = 0, carry_o = 0;
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
		unsigned d = in_range(x, '0', 10);
		unsigned m = d | in_range(x, 'a', 26);
		unsigned o = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('o')),
					      _mm_cmpeq_epi8(x, _mm_set1_epi8('i'))),
				 _mm_cmpeq_epi8(x, _mm_set1_epi8('l'))));
		if (((d << 1 | carry_d) & o) || ((o << 1 | carry_o) & d))
			*oily = 1;
		carry_d = d >> 15;
		carry_o = o >> 15;
		while (m || in) {
			if (in) {
				unsigned ends = ~m & 0xffffu;
				if (!ends)
					break; /* the word goes on past this block */
				size_t e = i + (size_t)__builtin_ctz(ends);
				if (e > start) /* none left after a cut at a block's end */
					w[count++] = (struct word){(uint32_t)start,
								   (uint16_t)(e - start), 0};
				in = 0;
				m &= ~((1u << (e - i)) - 1);
				continue;
			}
			start = i + (size_t)__builtin_ctz(m);
			in = 1;
			m |= (1u << (start - i)) - 1; /* so that ends looks past the start */
		}
		/* A run that grows too long is cut (the length is 16 bits). */
		if (in && i + 16 - start >= 0xfff0) {
			w[count++] = (struct word){(uint32_t)start, (uint16_t)(i + 16 - start), 0};
			start = i + 16;
		}
	}
	/* A digit at the end of the last block next to an o, i or l after it. */
	if (carry_d && i < n && sc_oneof(t[i], "oil"))
		*oily = 1;
	if (carry_o && i < n && sc_digit((unsigned char)t[i]))
		*oily = 1;
#endif
	for (; i < n; i++) {
		int alnum = sc_alnum((unsigned char)t[i]);
		if (sc_digit((unsigned char)t[i]) && ((i > 0 && sc_oneof(t[i - 1], "oil")) ||
						      (i + 1 < n && sc_oneof(t[i + 1], "oil"))))
			*oily = 1;
		if (alnum && !in) {
			start = i;
			in = 1;
		} else if (in && (!alnum || i - start >= 0xffff)) {
			w[count++] = (struct word){(uint32_t)start, (uint16_t)(i - start), 0};
			in = alnum;
			start = i;
		}
	}
	if (in && n > start)
		w[count++] = (struct word){(uint32_t)start, (uint16_t)(n - start), 0};
	return count;
}

enum kerr words_read(const char *t, size_t n, struct words *ws)
{
	pthread_once(&built, build);
	memset(ws, 0, sizeof(*ws));
	ws->t = t;
	ws->n = n;
	/* At most one word in two bytes, plus the cuts of over-long runs. */
	ws->w = malloc((n / 2 + n / 0xfff0 + 2) * sizeof(*ws->w));
	if (!ws->w)
		return KERR_INTERNAL;
	size_t raw = runs(t, n, ws->w, &ws->oily), out = 0;
	for (size_t r = 0; r < raw; r++) {
		size_t pos = ws->w[r].s, e = pos + ws->w[r].len;
		uint16_t v = word_entry(t + pos, e - pos);
		/* "we're", "it's", "i'm": one word with its apostrophe when the vocabulary knows
		 * it. */
		if (e + 1 < n && t[e] == '\'' && sc_alpha((unsigned char)t[e + 1])) {
			size_t k = e + 1;
			while (k < n && sc_alpha((unsigned char)t[k]) && k - e <= 2)
				k++;
			uint16_t joined = word_entry(t + pos, k - pos);
			if (joined && (k == n || !sc_alnum((unsigned char)t[k]))) {
				e = k;
				v = joined;
			}
		}
		if (entry_roles(v) & R_HALF) {
			size_t k = join_halves(t, n, pos, e, &v);
			if (k)
				e = k;
		}
		ws->w[out++] = (struct word){(uint32_t)pos, (uint16_t)(e - pos), v};
		while (r + 1 < raw && ws->w[r + 1].s < e)
			r++; /* runs taken into this word */
	}
	ws->count = out;
	return KERR_OK;
}

void words_free(struct words *ws)
{
	free(ws->w);
	memset(ws, 0, sizeof(*ws));
}

void tok_get(const struct words *ws, size_t i, struct tok *w)
{
	w->s = ws->w[i].s;
	w->e = w->s + ws->w[i].len;
	w->roles = entry_roles(ws->w[i].v);
}

size_t tok_find(const struct words *ws, size_t pos)
{
	size_t lo = 0, hi = ws->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ws->w[mid].s < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int words_before(const struct words *ws, size_t pos, int words, uint64_t roles)
{
	size_t i = tok_find(ws, pos);
	for (int k = 0; k < words && i > 0; k++) {
		i--;
		if (ws->w[i].s + ws->w[i].len > pos)
			continue; /* the word pos is inside */
		if (entry_roles(ws->w[i].v) & roles)
			return 1;
	}
	return 0;
}

#define LOOK 12

/* The words of one candidate phrase: w[0] is where it would start, read as needed. */
struct phrase {
	const char *t;
	size_t n;
	const struct found *f; /* what the other detectors found */
	size_t base;	       /* the index of w[0] in f->ws */
	struct tok w[LOOK];
	int filled; /* w[0..filled) are read */
	int count;
	int away;     /* the phrase names somewhere other than the operator */
	int platform; /* ... a platform or channel by name ("on whatsapp") */
};

/* Word i of the phrase (i < p->count). */
static const struct tok *word_at(struct phrase *p, int i)
{
	while (p->filled <= i) {
		tok_get(p->f->ws, p->base + (size_t)p->filled, &p->w[p->filled]);
		p->filled++;
	}
	return &p->w[i];
}

#define W(p, i) (*word_at(p, i))

/* 1 when word i of the phrase is word[0..k); is() passes k of a literal. */
static int is_n(struct phrase *p, int i, const char *word, size_t k)
{
	if (i >= p->count)
		return 0;
	const struct tok *w = word_at(p, i);
	return w->e - w->s == k && memcmp(p->t + w->s, word, k) == 0;
}

#define is(p, i, literal) is_n(p, i, literal, sizeof(literal) - 1)

static int has(struct phrase *p, int i, uint64_t roles)
{
	return i < p->count && (word_at(p, i)->roles & roles) != 0;
}

/* A platform or channel that is not the operator's, at i. */
static int elsewhere(struct phrase *p, int i)
{
	return has(p, i, R_PLATFORM | R_CHANNEL) && !has(p, i, R_OPERATOR);
}

/*
 * What may follow a phrase ending before k: "on WhatsApp", "via my
 * Instagram", "at our website", "directly", "off the app", "instead of
 * through Kapsule".  Returns the index past it; sets p->away when it names
 * somewhere other than the operator.
 */
static int tail(struct phrase *p, int k)
{
	if (has(p, k, R_AWAY)) {
		p->away = 1;
		int j = k + 1;
		if (is(p, j, "of"))
			j++;
		if (has(p, j, R_PREP) && has(p, j + 1, R_DET | R_OPERATOR))
			j++;
		if (has(p, j, R_DET))
			j++;
		return has(p, j, R_OPERATOR | R_CHANNEL) ? j + 1 : k + 1;
	}
	if (has(p, k, R_PREP)) {
		int j = k + 1;
		if (has(p, j, R_DET))
			j++;
		if (elsewhere(p, j)) {
			p->away = p->platform = 1;
			return j + 1;
		}
	}
	return k;
}

/* From w[i]: a phone number begins ("07700 ...", "+44", "oh seven", "plus four"). */
static int number_next(struct phrase *p, int i)
{
	if (i >= p->count)
		return 0;
	unsigned char c = (unsigned char)p->t[W(p, i).s];
	return (c >= '0' && c <= '9') || has(p, i, R_NUMBER | R_PLUS);
}

/*
 * 1 when a contact detail found by the other detectors begins just after
 * word i (past spaces, ':' and '-'): "email the files to jane@x.com".
 */
static int detail_after(struct phrase *p, int i)
{
	if (i >= p->count)
		return 0;
	size_t k = W(p, i).e;
	while (k < p->n && k - W(p, i).e < 3 &&
	       (p->t[k] == ' ' || p->t[k] == ':' || p->t[k] == '-'))
		k++;
	for (int j = 0; j < p->f->n; j++)
		if (p->f->spans[j].start == k && p->f->spans[j].kind != SCREEN_SOLICITATION)
			return 1;
	return 0;
}

/*
 * 1 when a verb at s stands where a request does: at the start of a
 * sentence, or after "just", "please", "kindly": "mail jane@..." but not
 * "his number is ... and email jane@..." or "shop mail: ...".
 */
static int bidding(const char *t, size_t s)
{
	size_t e = s;
	while (e > 0 && t[e - 1] == ' ')
		e--;
	if (e == 0 || sc_oneof(t[e - 1], ".!?,;:\n"))
		return 1;
	size_t b = e;
	while (b > 0 && sc_alnum((unsigned char)t[b - 1]))
		b--;
	static const char *const words[] = {"just", "please", "pls", "plz", "kindly", "then", "so"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == e - b && memcmp(t + b, words[i], e - b) == 0)
			return 1;
	return 0;
}

/* "call me crazy": an idiom, not an invitation. */
static int idiom(struct phrase *p, int i)
{
	static const char *const words[] = {"crazy", "mad",   "old",	 "picky", "paranoid",
					    "fussy", "silly", "cynical", "lazy",  "biased"};
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (is_n(p, i, words[k], strlen(words[k])))
			return 1;
	return 0;
}

/* The phrase starting at W(p, 0): the index past its last word, or 0. */
static int match(struct phrase *p)
{
	uint64_t r = W(p, 0).roles;
	/* call or text me / call/text 07700 ... */
	int v = 0;
	if ((r & R_VERB) && (is(p, 1, "or") || is(p, 1, "and")) && has(p, 2, R_VERB))
		v = 2;
	if (v) /* call or text */
		return has(p, v + 1, R_PRONOUN) ? tail(p, v + 2) : v + 1;
	if (is(p, 0, "hmu")) /* hit me up [on snap] */
		return tail(p, 1);
	if (r & (R_VERB | R_PLATFORM)) {
		if (has(p, v + 1, R_PRONOUN) && idiom(p, v + 2))
			return 0;
		if (has(p, v + 1, R_PRONOUN)) {
			if (is(p, 0, "hit"))
				return is(p, v + 2, "up") ? tail(p, v + 3) : 0;
			return tail(p, v + 2);
		}
		if (has(p, v + 1, R_THIRD)) { /* messaged them on fb */
			int k = tail(p, v + 2);
			return p->platform ? k : 0;
		}
		/* mail jane at gmail dot com: the verb just before an address or number */
		if ((r & R_NOUN) && p->t[W(p, 0).e] != ':' && detail_after(p, 0) &&
		    bidding(p->t, W(p, 0).s))
			return 1;
		/* reach out via signal */
		if (is(p, 1, "out") && !is(p, 0, "check")) {
			int k = tail(p, 2);
			if (p->platform)
				return k;
		}
		/* dm @freyas_finds */
		size_t after = W(p, 0).e;
		while (after < p->n && p->t[after] == ' ')
			after++;
		if ((r & R_NOUN) && after < p->n && p->t[after] == '@' && after == W(p, 0).e + 1)
			return 1;
		/* ring the shop, email our trade team, ring my mobile */
		if (has(p, v + 1, R_DET) && !is(p, 0, "hit")) {
			int j = v + 2;
			if (!has(p, j, R_SHOP | R_CHANNEL) && p->count > j + 1)
				j++;
			if (has(p, j, R_SHOP) || (has(p, v + 1, R_SELF) && has(p, j, R_CHANNEL)))
				return tail(p, j + 1);
			/* ring the number on the delivery note */
			if (has(p, v + 2, R_CHANNEL) && has(p, v + 3, R_PREP)) {
				for (j = v + 4; j < p->count && j < v + 8; j++)
					if (has(p, j, R_DOCUMENT))
						return j + 1;
			}
		}
		/*
		 * call 07700 900123, text plus four four ..., call Sarah on 020 ...;
		 * "phone 0161 ...", "WhatsApp: 07700 ..." are labels.
		 */
		if (((r & R_PHONEWORD) && (r & R_NOUN) && p->t[W(p, 0).e] != ':') ||
		    (is(p, 0, "contact") && p->t[W(p, 0).e] == ' ')) {
			if (number_next(p, 1))
				return 1;
			if (p->count > 3 && !W(p, 1).roles && !number_next(p, 1) &&
			    (is(p, 2, "on") || is(p, 2, "at")) && number_next(p, 3))
				return 2;
		}
		/* whatsapp is easiest */
		if ((r & R_PLATFORM) && has(p, 1, R_IS) && has(p, 2, R_BETTER))
			return 3;
	}
	if (r & (R_GIVE | R_VERB)) {
		/* send the photos straight to me, email the invoice to me directly */
		for (int j = 1; j < 6 && j < p->count; j++) {
			if ((is(p, j, "straight") || is(p, j, "direct") || is(p, j, "directly")) &&
			    is(p, j + 1, "to") && has(p, j + 2, R_PRONOUN))
				return j + 3;
			if (is(p, j, "to") && has(p, j + 1, R_PRONOUN) && has(p, j + 2, R_AWAY))
				return j + 3;
			if (has(p, j, R_OPERATOR) || p->t[W(p, j - 1).e] == '.')
				break;
		}
		/* email the artwork to sales@..., email for a price list: trade@... */
		if ((r & (R_NOUN | R_GIVE)) && (!has(p, 1, R_IS | R_PREP) || is(p, 1, "for")) &&
		    !words_before(p->f->ws, W(p, 0).s, 1, R_DET)) {
			for (int j = 1; j < 7 && j < p->count; j++) {
				if (has(p, j, R_OPERATOR) || p->t[W(p, j - 1).e] == '.')
					break;
				if (detail_after(p, j))
					return has(p, j, R_PREP) || is(p, j, "to") ? j : j + 1;
			}
		}
		/* I'll send you my number, give you my email */
		if ((r & R_GIVE) && (is(p, 1, "you") || has(p, 1, R_PRONOUN | R_THIRD)) &&
		    has(p, 2, R_SELF) && has(p, 3, R_CHANNEL | R_PLATFORM))
			return 4;
	}
	/* send as friends and family: a payment off the platform's protection */
	if ((r & (R_GIVE | R_TRADE)) && is(p, 1, "as") && is(p, 2, "friends") && is(p, 3, "and") &&
	    is(p, 4, "family"))
		return 5;
	/* come and see us, visit us, pop in */
	if (is(p, 0, "come")) {
		int j = is(p, 1, "and") ? 2 : 1;
		if ((is(p, j, "see") || is(p, j, "visit")) && has(p, j + 1, R_PRONOUN))
			return j + 2;
	}
	if (is(p, 0, "visit") && has(p, 1, R_PRONOUN))
		return 2;
	if (is(p, 0, "pop") && (is(p, 1, "in") || is(p, 1, "by") || is(p, 1, "round")))
		return 2;
	/* text only, call anytime, ring asap */
	if ((r & R_PHONEWORD) && (r & R_NOUN) &&
	    (is(p, 1, "only") || is(p, 1, "pls") || is(p, 1, "please") || is(p, 1, "anytime") ||
	     is(p, 1, "asap") || is(p, 1, "whenever")))
		return 2;
	if ((r & R_GIVE) && has(p, 1, R_PRONOUN | R_THIRD)) {
		int j = 2;
		if (has(p, j, R_DET))
			j++;
		if ((has(p, j, R_NOUN | R_PLATFORM) || is(p, j, "phone")) && !has(p, j, R_OPERATOR))
			return tail(p, j + 1);
	}
	/* give the warehouse a buzz, gie the shop a phone */
	if ((r & R_GIVE) && has(p, 1, R_DET) && !has(p, 2, R_OPERATOR) && has(p, 3, R_DET) &&
	    has(p, 4, R_NOUN | R_PLATFORM) && !has(p, 4, R_OPERATOR | R_DOCUMENT))
		return tail(p, 5);
	/* send me a selfie on snap, grab it on depop, check our other listing on ebay */
	if (r & (R_GIVE | R_FIND | R_TRADE | R_VERB)) {
		for (int j = 2; j < 6 && j < p->count; j++) {
			if (has(p, j, R_OPERATOR) || p->t[W(p, j - 1).e] == '.' ||
			    p->t[W(p, j - 1).e] == ',')
				break;
			if (has(p, j, R_PREP) && elsewhere(p, j + 1) && !has(p, j + 1, R_CHANNEL) &&
			    !has(p, j + 1, R_PHONEWORD | R_NOUN)) {
				p->platform = p->away = 1;
				return j + 2;
			}
		}
	}
	/* have a look at our site, take a peek at our website */
	if ((is(p, 0, "have") || is(p, 0, "take")) && has(p, 1, R_DET) && has(p, 2, R_LOOK) &&
	    is(p, 3, "at") && has(p, 4, R_SELF)) {
		int k = is(p, 5, "own") || is(p, 5, "other") ? 6 : 5;
		if (elsewhere(p, k) || has(p, k, R_SHOP))
			return k + 1;
	}
	/* cheaper on our own site */
	if (r & R_CHEAPER) {
		int k = has(p, 1, R_PREP) ? 2 : 0;
		if (k && has(p, k, R_SELF | R_DET)) {
			k++;
			if (is(p, k, "own") || is(p, k, "other"))
				k++;
			if (elsewhere(p, k) || has(p, k, R_SHOP))
				return k + 1;
		}
	}
	/* follow the link in our bio */
	if ((r & R_FIND) && has(p, 1, R_DET) && is(p, 2, "link") && has(p, 3, R_PREP) &&
	    has(p, 4, R_SELF) && has(p, 5, R_DOCUMENT))
		return 6;
	if (r & R_FIND) {
		int j = 1;
		if (is(p, j, "out"))
			j++;
		if (is(p, j, "for"))
			j++;
		if (has(p, j, R_PRONOUN)) {
			j++;
			if (is(p, j, "up") || is(p, j, "out") || is(p, j, "as"))
				return tail(p, j + 1);
			if (elsewhere(p, j)) /* add me snap */
				return j + 1;
			int k = tail(p, j);
			return p->platform ? k : 0;
		}
		/* search our shop name, follow our instagram */
		if (has(p, j, R_SELF) && has(p, j + 1, R_SHOP) && has(p, j + 2, R_NAME))
			return j + 3;
		if (has(p, j, R_SELF)) {
			int k = j + 1;
			if (is(p, k, "other") || is(p, k, "own") || is(p, k, "new"))
				k++;
			if ((elsewhere(p, k) && !has(p, k, R_PHONEWORD)) ||
			    (k > j + 1 && has(p, k, R_SHOP)))
				return tail(p, k + 1);
		}
	}
	if (r & R_WEAK) { /* write to me on whatsapp, get in touch through our website */
		int j = 1;
		if (is(p, 0, "get") && is(p, 1, "in") && is(p, 2, "touch"))
			j = 3;
		else if (is(p, 0, "get"))
			return 0;
		if (is(p, j, "to") || is(p, j, "with"))
			j++;
		if (has(p, j, R_PRONOUN | R_THIRD))
			j++;
		int k = tail(p, j);
		return p->platform ? k : 0;
	}
	if ((r & R_JOIN) && has(p, 1, R_DET)) { /* join our facebook group */
		int j = 2;
		if (elsewhere(p, j))
			j++;
		if (has(p, j, R_GROUP))
			return j + 1;
	}
	if ((r & R_WE) && !(r & R_PREP)) { /* we're on tiktok */
		int j = 1;
		if (is(p, j, "are") || is(p, j, "am") || is(p, j, "re") || is(p, j, "m"))
			j++;
		if (is(p, j, "also"))
			j++;
		if (is(p, j, "on") && has(p, j + 1, R_PLATFORM) &&
		    !has(p, j + 1, R_OPERATOR | R_NOUN))
			return j + 2;
	}
	if ((r & R_TRADE) || (is(p, 0, "shop") && (is(p, 1, "with") || has(p, 1, R_AWAY)))) {
		/* buy direct, order from our site, pay via paypal, pay me by bank transfer */
		if (!has(p, 1, R_PREP | R_PRONOUN | R_AWAY | R_THIRD | R_SELF))
			return 0;
		for (int j = 1; j < p->count && j < 7; j++) {
			if (has(p, j, R_AWAY) &&
			    (!is(p, j, "off") || has(p, j + 1, R_OPERATOR | R_DET | R_CHANNEL)))
				return tail(p, j);
			if (has(p, j, R_PREP) &&
			    (elsewhere(p, j + 1) ||
			     (has(p, j + 1, R_SELF | R_DET) && elsewhere(p, j + 2)))) {
				int k = tail(p, j);
				return p->away ? k : 0;
			}
			if (is(p, j, "bank") && is(p, j + 1, "transfer"))
				return tail(p, j + 2);
			if (has(p, j, R_OPERATOR) || p->t[W(p, j - 1).e] == '.')
				break;
		}
		return 0;
	}
	if ((r & R_SELF) && p->count > 3) {
		/* my first name dot surname at gmail: a detail described */
		int j = 1;
		while (j < 6 && (has(p, j, R_NAME) || is(p, j, "first") || is(p, j, "last") ||
				 is(p, j, "full") || is(p, j, "dot") || is(p, j, "usual")))
			j++;
		if (j > 1 && is(p, j, "at") && has(p, j + 1, R_MAILHOST)) {
			j += 2;
			while (is(p, j, "dot") && j + 1 < p->count)
				j += 2;
			return j;
		}
	}
	/* my whatsapp is the same as the number on the order: a detail described */
	if ((r & R_SELF) && has(p, 1, R_CHANNEL | R_PLATFORM | R_HANDLEWORD) && has(p, 2, R_IS) &&
	    is(p, 3, "the") && is(p, 4, "same") && is(p, 5, "as")) {
		int k = 6;
		p->away = 1; /* "the same as my username here": a description, not the operator */
		while (k < p->count && k < 11 && p->t[W(p, k - 1).e] != ',' &&
		       p->t[W(p, k - 1).e] != '.')
			k++;
		return k;
	}
	/* my number's on the packing slip, number's on our website */
	if (r & (R_SELF | R_CHANNEL)) {
		int j = r & R_SELF ? 1 : 0;
		if (has(p, j, R_CHANNEL | R_PLATFORM | R_HANDLEWORD) && has(p, j + 1, R_IS) &&
		    has(p, j + 2, R_PREP) && has(p, j + 3, R_DET)) {
			for (int k = j + 4; k < p->count && k < j + 7; k++)
				if (has(p, k, R_DOCUMENT) || is(p, k, "website"))
					return k + 1;
		}
	}
	if (is(p, 0, "same") && has(p, 1, R_HANDLEWORD | R_NAME | R_CHANNEL | R_PLATFORM)) {
		if (is(p, 2,
		       "as")) { /* same handle as the shop name, same number as on my banner */
			for (int j = 3; j < p->count && j < 9; j++)
				if (has(p, j, R_SHOP | R_NAME | R_DOCUMENT | R_CHANNEL)) {
					int k = j + 1;
					while (k < p->count && k < 9 &&
					       has(p, k, R_SHOP | R_NAME | R_DOCUMENT))
						k++;
					if (k < p->count && k < 9 && !W(p, k).roles &&
					    p->t[W(p, k - 1).e] == ' ')
						k++; /* my shop banner */
					return k;
				}
		}
		if (is(p, 2, "on") && (is(p, 3, "every") || is(p, 3, "all"))) {
			p->away = 1;
			return has(p, 4, R_OPERATOR | R_PLATFORM) || is(p, 4, "platforms") ? 5 : 4;
		}
	}
	if (is(p, 0, "slide") && is(p, 1, "into") && has(p, 2, R_DET) && is(p, 3, "dms"))
		return 4;
	return 0;
}

/* 1 when a finding other than a solicitation lies in t[s..e). */
static int finding_between(const struct found *f, size_t s, size_t e)
{
	for (int i = 0; i < f->n; i++)
		if (f->spans[i].kind != SCREEN_SOLICITATION && f->spans[i].start < e &&
		    f->spans[i].end > s)
			return 1;
	return 0;
}

/* 1 when the word just before s, in the same sentence, says no: "please stop emailing me". */
static int negated(const char *t, size_t s)
{
	size_t e = s;
	while (e > 0 && t[e - 1] == ' ')
		e--;
	size_t b = e;
	while (b > 0 && (sc_alnum((unsigned char)t[b - 1]) || t[b - 1] == '\''))
		b--;
	return b < e && (word_roles(t + b, e - b) & R_NEG);
}

/*
 * Invitations to talk or trade elsewhere, read word by word (match()):
 * "whatsapp me", "give us a ring", "find us on instagram", "ring the number
 * on the delivery note", "buy direct from our website", a detail described
 * rather than written ("my first name at outlook dot com").  Not when the
 * operator is the channel ("message us here on Kapsule").  Phrases a few
 * words apart with nothing found between them are one span.
 */
void find_words(struct found *f)
{
	const struct words *ws = f->ws;
	const char *t = ws->t;
	struct phrase p;
	p.t = t;
	p.n = ws->n;
	p.f = f;
	int last = -1; /* index in f of the last solicitation added */
	struct tok cur;
	for (size_t i = 0; i < ws->count; i++) {
		if (!ws->w[i].v)
			continue;
		tok_get(ws, i, &cur);
		if (!(cur.roles & (R_VERB | R_GIVE | R_FIND | R_WE | R_TRADE | R_SELF | R_PLATFORM |
				   R_WEAK | R_JOIN | R_OTHER | R_CHANNEL | R_CHEAPER)))
			continue;
		p.base = i;
		p.w[0] = cur;
		p.filled = 1;
		p.count = ws->count - i < LOOK ? (int)(ws->count - i) : LOOK;
		p.away = p.platform = 0;
		int end = match(&p);
		if (!end || negated(t, cur.s))
			continue;
		int stop = end + 3 < p.count ? end + 3 : p.count;
		int operator= 0;
		for (int k = 1; k < stop && !p.away;
		     k++) /* not a word of a link ("chat.whatsapp.com") */
			operator|= has(&p, k, R_OPERATOR) &&
			    !finding_between(f, W(&p, k).s, W(&p, k).e);
		if (operator)
			continue;
		size_t s = W(&p, 0).s, e = W(&p, end - 1).e;
		if (finding_between(f, s, e))
			continue; /* words inside a link or an address ("wa.me/...") */
		i += (size_t)end - 1;
		if (last >= 0 && last < f->n && f->spans[last].kind == SCREEN_SOLICITATION) {
			/* Joined to the last phrase by connecting words only: one span. */
			size_t g = tok_find(ws, f->spans[last].end);
			int words = 0;
			struct tok gap;
			for (; g < ws->count && words < 5; g++, words++) {
				tok_get(ws, g, &gap);
				if (gap.s >= s)
					break;
				if (!(gap.roles &
				      (R_PREP | R_DET | R_PLATFORM | R_STOP | R_PRONOUN)))
					words = 5;
			}
			/* ... with words between them, not only a comma or a full stop. */
			int punct = 0;
			for (size_t k = f->spans[last].end; k < s && words == 0; k++)
				punct |= t[k] == ',' || t[k] == '.' || t[k] == ';';
			if (words < 5 && !punct && !finding_between(f, f->spans[last].end, s)) {
				f->spans[last].end = e;
				continue;
			}
		}
		found_add(f, s, e, SCREEN_SOLICITATION, 70);
		last = f->n - 1;
	}
}
