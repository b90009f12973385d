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

/* Roles a verb keeps when inflected: "calls", "messaged", "texting". */
#define VERBAL (R_VERB | R_GIVE | R_FIND | R_WEAK | R_TRADE | R_JOIN)

/* Roles a phrase may start from (find_words). */
#define STARTS                                                                                     \
	(R_VERB | R_GIVE | R_FIND | R_WE | R_TRADE | R_SELF | R_PLATFORM | R_WEAK | R_JOIN |       \
	 R_OTHER | R_CHANNEL | R_CHEAPER)

/*
 * Roles a detector starts from (W_* of scan.h) or that join two words
 * ("whats app"): words with them are looked up as they are read; any other
 * word only when a detector asks about it (word_v()), which is seldom.
 */
#define ANCHOR (STARTS | R_PLATFORM | R_HANDLEWORD | R_NUMBER | R_PLUS | R_REPEAT | R_HALF)

/*
 * Not yet looked up (struct word's v): the word cannot be an anchor.  An
 * entry past the vocabulary, with no roles and no classes.
 */
#define VOCABULARY (sizeof(vocabulary) / sizeof(vocabulary[0]))
#define WORD_LAZY  ((uint16_t)(VOCABULARY + 1))

/*
 * The vocabulary in a table where every word has two places (cuckoo
 * hashing), both looked at without a branch: a word is found, or known not
 * to be there, in the same few instructions whatever it is.  Built once.
 */
#define SLOTS 1024
struct slot {
	uint64_t key[2]; /* the word, zero-padded; zero for an empty slot */
	uint16_t v;	 /* 1 + the index into vocabulary */
};
static struct slot slots[SLOTS];
static uint64_t seed = 0x9e3779b97f4a7c15ull;
static uint64_t roles_of[VOCABULARY + 2];  /* by v; 0 for none and for WORD_LAZY */
static uint8_t classes_of[VOCABULARY + 2]; /* W_* a word may begin, by v */
static uint16_t v_at;			   /* the word "at" */
#define SHORT(c0, c1) ((unsigned)(unsigned char)(c0) | (unsigned)(unsigned char)(c1) << 7)
#define ANCHOR_BITS   16384
/*
 * The tables each word is read with as it is found (first_look()), in one
 * place, so that one register reaches them all.
 */
static struct {
	/*
	 * Classes of a word from its characters (word_classes()): by its
	 * first, in a text without and with digits in disguise (o, i, l); by
	 * the one after it (a space: 0xff00); by the one after that space.
	 */
	uint8_t first_classes[2][256];
	uint16_t end_classes[256];
	uint8_t after_space[256];
	/*
	 * A filter on the first characters (anchor_place()): W_ANCHOR at the
	 * place of each anchor's, and of each of its inflections' (a few
	 * other words pass too, and are looked up for nothing).
	 */
	uint8_t anchors[ANCHOR_BITS];
	/*
	 * Words of one or two characters, looked up directly by their bytes
	 * (seven bits each: words are ASCII letters and digits), the second 0
	 * for a word of one: v, and its classes (classes_of) << 16.
	 */
	uint32_t short_v[128 * 128];
} tab;

/* The first four characters at t, the first in the low byte. */
static inline uint32_t head4(const char *t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t x; /* the four in one load */
	memcpy(&x, t, 4);
	return x;
#else
	return (uint32_t)(unsigned char)t[0] | (uint32_t)(unsigned char)t[1] << 8 |
	       (uint32_t)(unsigned char)t[2] << 16 | (uint32_t)(unsigned char)t[3] << 24;
#endif
}

/*
 * The filter's place for a word from its key: its first three characters
 * when it has three, its first four when it has more (head4() masked).
 */
static inline unsigned anchor_place(uint32_t key)
{
	return (key * 0x9e3779b1u) >> 18; /* 14 bits */
}

/* Lets the words the key of w (of three characters or more, four readable) stands for through. */
static void anchor_let(const char *w)
{
	tab.anchors[anchor_place(head4(w) & (strlen(w) == 3 ? 0xffffffu : ~0u))] = W_ANCHOR;
}

const uint8_t sc_kinds[256] = {['0'] = SC_ALNUM | SC_LABEL,
			       ['1'] = SC_ALNUM | SC_LABEL,
			       ['2'] = SC_ALNUM | SC_LABEL,
			       ['3'] = SC_ALNUM | SC_LABEL,
			       ['4'] = SC_ALNUM | SC_LABEL,
			       ['5'] = SC_ALNUM | SC_LABEL,
			       ['6'] = SC_ALNUM | SC_LABEL,
			       ['7'] = SC_ALNUM | SC_LABEL,
			       ['8'] = SC_ALNUM | SC_LABEL,
			       ['9'] = SC_ALNUM | SC_LABEL,
			       ['a'] = SC_ALNUM | SC_LABEL,
			       ['b'] = SC_ALNUM | SC_LABEL,
			       ['c'] = SC_ALNUM | SC_LABEL,
			       ['d'] = SC_ALNUM | SC_LABEL,
			       ['e'] = SC_ALNUM | SC_LABEL,
			       ['f'] = SC_ALNUM | SC_LABEL,
			       ['g'] = SC_ALNUM | SC_LABEL,
			       ['h'] = SC_ALNUM | SC_LABEL,
			       ['i'] = SC_ALNUM | SC_LABEL,
			       ['j'] = SC_ALNUM | SC_LABEL,
			       ['k'] = SC_ALNUM | SC_LABEL,
			       ['l'] = SC_ALNUM | SC_LABEL,
			       ['m'] = SC_ALNUM | SC_LABEL,
			       ['n'] = SC_ALNUM | SC_LABEL,
			       ['o'] = SC_ALNUM | SC_LABEL,
			       ['p'] = SC_ALNUM | SC_LABEL,
			       ['q'] = SC_ALNUM | SC_LABEL,
			       ['r'] = SC_ALNUM | SC_LABEL,
			       ['s'] = SC_ALNUM | SC_LABEL,
			       ['t'] = SC_ALNUM | SC_LABEL,
			       ['u'] = SC_ALNUM | SC_LABEL,
			       ['v'] = SC_ALNUM | SC_LABEL,
			       ['w'] = SC_ALNUM | SC_LABEL,
			       ['x'] = SC_ALNUM | SC_LABEL,
			       ['y'] = SC_ALNUM | SC_LABEL,
			       ['z'] = SC_ALNUM | SC_LABEL,
			       ['-'] = SC_LABEL | SC_SEP,
			       [' '] = SC_SEP,
			       ['.'] = SC_SEP,
			       ['/'] = SC_SEP};

static pthread_once_t built = PTHREAD_ONCE_INIT;

static inline uint64_t load64(const char *t)
{
	uint64_t x;
	memcpy(&x, t, 8);
	return x;
}

/*
 * The key of t[0..n), n <= 16, which must be followed by at least 16
 * readable bytes (the folded text is padded so): two loads and two masks.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The bytes of a key a word of each length up to 16 keeps: its own, the low ones. */
/* clang-format off */
#define KEEP(n) ((n) >= 8 ? ~0ull : (1ull << (8 * ((n) & 7))) - 1)
#define KEEP2(n) {KEEP(n), (n) > 8 ? KEEP((n) - 8) : 0}
static const uint64_t keep[17][2] = {
    KEEP2(0), KEEP2(1), KEEP2(2), KEEP2(3), KEEP2(4), KEEP2(5), KEEP2(6), KEEP2(7), KEEP2(8),
    KEEP2(9), KEEP2(10), KEEP2(11), KEEP2(12), KEEP2(13), KEEP2(14), KEEP2(15), KEEP2(16),
};
/* clang-format on */
#endif

static inline void key_padded(const char *t, size_t n, uint64_t key[2])
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The word's bytes are the low ones; the rest are masked off by its length. */
	size_t k = n < 16 ? n : 16;
	key[0] = load64(t) & keep[k][0];
	key[1] = load64(t + 8) & keep[k][1];
#else
	char word[16] = {0};
	memcpy(word, t, n < 16 ? n : 16);
	key[0] = load64(word);
	key[1] = load64(word + 8);
#endif
}

static inline uint64_t hash(const uint64_t key[2])
{
	/* One multiply: both places come from its high bits. */
	return (key[0] ^ seed ^ (key[1] << 29 | key[1] >> 35)) * 0x9e3779b97f4a7c15ull;
}

#define PLACE1(h) ((uint32_t)((h) >> 54) & (SLOTS - 1))
#define PLACE2(h) ((uint32_t)((h) >> 20) & (SLOTS - 1))

/* Puts (key, v) in one of its places, moving others to their other place; 0 when it cannot. */
static int place(uint64_t key[2], uint16_t v)
{
	uint32_t k = PLACE1(hash(key));
	for (int moves = 0; moves < 200; moves++) {
		struct slot was = slots[k];
		slots[k] = (struct slot){{key[0], key[1]}, v};
		if (!was.v)
			return 1;
		key[0] = was.key[0];
		key[1] = was.key[1];
		v = was.v;
		uint64_t h = hash(key);
		k = PLACE1(h) == k ? PLACE2(h) : PLACE1(h);
	}
	return 0;
}

static uint16_t lookup_padded(const char *t, size_t n);

static void build(void)
{
	size_t count = sizeof(vocabulary) / sizeof(vocabulary[0]);
	int ok = 0;
	/* A vocabulary of this size fits at the first or second seed; a thousand never fail. */
	for (int tries = 0; tries < 1000 && !ok; tries++) {
		memset(slots, 0, sizeof(slots));
		ok = 1;
		for (size_t i = 0; i < count && ok; i++) {
			char word[32] = {0};
			size_t len = strlen(vocabulary[i].word);
			memcpy(word, vocabulary[i].word, len + 1);
			if (lookup_padded(word, len))
				continue; /* a word given twice: the first stands */
			uint64_t key[2];
			key_padded(word, len, key);
			ok = place(key, (uint16_t)(i + 1));
		}
		if (!ok)
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	}
	if (!ok)
		abort(); /* the vocabulary outgrew SLOTS: a build-time mistake */
	/* A number starts; a link may go on after the word (". : - _ ( [ { <"), or after a space.
	 */
	for (int c = '0'; c <= '9'; c++)
		tab.first_classes[0][c] = tab.first_classes[1][c] = W_DIGIT;
	for (const char *c = "oil"; *c; c++)
		tab.first_classes[1][(unsigned char)*c] = W_DIGIT;
	for (const char *c = ".:-_([{<"; *c; c++)
		tab.end_classes[(unsigned char)*c] = W_LINK;
	tab.end_classes['\''] = W_APOSTROPHE;
	tab.end_classes[' '] = 0xff00;
	for (const char *c = ".d-_([{<"; *c; c++)
		tab.after_space[(unsigned char)*c] = W_LINK;
	for (size_t i = 0; i < count; i++) {
		const char *w = vocabulary[i].word;
		size_t len = strlen(w);
		roles_of[i + 1] = vocabulary[i].roles;
		char word[32] = {0};
		memcpy(word, w, len + 1);
		uint16_t v = lookup_padded(word, len); /* the first of a word given twice */
		uint64_t r = vocabulary[i].roles;
		classes_of[i + 1] = (uint8_t)((r & STARTS ? W_START : 0) |
					      (r & (R_PLATFORM | R_HANDLEWORD) ? W_NAMED : 0) |
					      (r & (R_NUMBER | R_PLUS | R_REPEAT) ? W_NUMBER : 0));
		if (len <= 2 && sc_alnum((unsigned char)w[0]) &&
		    (len == 1 || sc_alnum((unsigned char)w[1])))
			tab.short_v[SHORT(w[0], len == 2 ? w[1] : 0)] = v;
		if (!(vocabulary[i].roles & ANCHOR) || !sc_alpha((unsigned char)w[0]) ||
		    (len > 1 && !sc_alpha((unsigned char)w[1])))
			continue; /* words with an apostrophe are looked up whole as they are read
				   */
		/*
		 * The inflections entry_padded() finds of a verb (stems one to
		 * four letters shorter than a word of four letters or more,
		 * five or more for "-ing") begin with its first four letters;
		 * a verb of three goes on with 's', 'e', 'd' or 'i' ("pays",
		 * "payed", "paying"), or its last again ("popped"); one of two
		 * has "es" or "ed" after it ("dmed").
		 */
		if (len >= 3 && sc_alpha((unsigned char)w[2]) &&
		    (len == 3 || sc_alpha((unsigned char)w[3]))) {
			anchor_let(w);
			const char then[] = {'s', 'e', 'd', 'i', w[2]};
			for (size_t k = 0; len == 3 && (r & VERBAL) && k < sizeof(then); k++)
				anchor_let((const char[]){w[0], w[1], w[2], then[k], 0});
		} else if (len == 2 && (r & VERBAL)) {
			anchor_let((const char[]){w[0], w[1], 'e', 's', 0});
			anchor_let((const char[]){w[0], w[1], 'e', 'd', 0});
		}
	}
	/* "dot" is not in the vocabulary, but is looked up as it is read: the sign it gives. */
	anchor_let("dot");
	char at[32] = "at";
	v_at = lookup_padded(at, 2);
	classes_of[v_at] |= W_AT;
	for (size_t k = 0; k < sizeof(tab.short_v) / sizeof(tab.short_v[0]);
	     k++) /* the classes beside each short word's entry */
		tab.short_v[k] |= (uint32_t)classes_of[tab.short_v[k]] << 16;
}

/* 1 for the last letters of inflected verbs: calls, texted, texting. */
static const uint8_t inflected_end[256] = {['s'] = 1, ['d'] = 1, ['g'] = 1};

/* The entry (1 + index) t[0..n) is, 0 for none; t padded as for key_padded(). */
static inline uint16_t lookup_padded(const char *t, size_t n)
{
	uint64_t key[2];
	key_padded(t, n, key);
	uint64_t h = hash(key);
	const struct slot *a = &slots[PLACE1(h)], *b = &slots[PLACE2(h)];
	/* '&' and '|', not '&&' and '?': no branch to guess wrong */
	unsigned in_a = (unsigned)(a->key[0] == key[0]) & (unsigned)(a->key[1] == key[1]);
	unsigned in_b = (unsigned)(b->key[0] == key[0]) & (unsigned)(b->key[1] == key[1]);
	return (uint16_t)((a->v & -in_a) | (b->v & -in_b)) & (uint16_t) - (unsigned)(n <= 16);
}

/*
 * The verb an inflected word t[0..n) is (calls, messages, messaged, texting,
 * dropped, shopping), with WORD_INFLECTED; 0 for none.
 */
static __attribute__((noinline)) uint16_t inflected(const char *t, size_t n)
{
	char last = t[n - 1];
	size_t stems[3];
	int nstems = 0;
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
	for (int i = 0; i < nstems; i++) {
		uint16_t v = lookup_padded(t, stems[i]);
		if (v && (roles_of[v] & VERBAL))
			return (uint16_t)(v | WORD_INFLECTED);
	}
	return 0;
}

/*
 * The vocabulary entry t[0..n) is, with WORD_INFLECTED for an inflected
 * verb (inflected()); 0 for none.  t padded as for key_padded().
 */
static __attribute__((noinline)) uint16_t entry_padded(const char *t, size_t n)
{
	uint16_t v = lookup_padded(t, n);
	/* Only a word of 4 to 16 letters ending in 's', 'd' or 'g' may be inflected. */
	if (!((unsigned)(v == 0) & (unsigned)(n - 4 <= 12) &
	      inflected_end[(unsigned char)t[n - 1]]) ||
	    !sc_alpha((unsigned char)t[0]))
		return v;
	return inflected(t, n);
}

/* entry_padded() for any t[0..n). */
static uint16_t word_entry(const char *t, size_t n)
{
	char word[32] = {0};
	if (n == 0 || n > 16)
		return 0;
	memcpy(word, t, n);
	return entry_padded(word, n);
}

static inline uint64_t entry_roles(uint16_t v)
{
	uint64_t roles = roles_of[v & ~WORD_INFLECTED]; /* none for WORD_LAZY */
	return roles & (v & WORD_INFLECTED ? VERBAL | R_PHONEWORD | R_PLATFORM : ~0ull);
}

int word_digit(const char *t, size_t n)
{
	pthread_once(&built, build);
	uint16_t v = word_entry(t, n); /* an inflected word is a verb's, never a digit's */
	return v ? vocabulary[(v & ~WORD_INFLECTED) - 1].digit : -1;
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
 * Bit masks of one 64-byte block (bit k for byte k): letters and digits,
 * digits, the letters o, i and l, '.'; and whether there is an '@' and a
 * ':' (not where).  Sixteen bytes at a time where SSE2 is there.
 */
struct masks {
	uint64_t alnum, digit, oil, dot;
	int at, colon, digits; /* digits: how many */
};

#ifdef __SSE2__
#include <emmintrin.h>

/* All ones in the bytes of x in [lo, lo + count). */
static inline __m128i within(__m128i x, char lo, int count)
{
	__m128i shifted = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));
	return _mm_cmplt_epi8(shifted, _mm_set1_epi8((char)(-128 + count)));
}

/* Bit k set when x[k] is in [lo, lo + count). */
static inline uint64_t in_range(__m128i x, char lo, int count)
{
	return (uint16_t)_mm_movemask_epi8(within(x, lo, count));
}

static inline __m128i is(__m128i x, char c)
{
	return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

static inline uint64_t bits(__m128i m)
{
	return (uint16_t)_mm_movemask_epi8(m);
}

/* Bit k of each mask of byte k in the block; counts of digits in each byte of *count. */
static inline __attribute__((always_inline)) void chunk(__m128i x, int k, struct masks *m,
							__m128i *at, __m128i *colon, __m128i *count)
{
	__m128i digit = within(x, '0', 10);
	*count = _mm_sub_epi8(*count, digit); /* one more in each byte that is a digit */
	uint64_t d = bits(digit);
	m->digit |= d << (16 * k);
	m->alnum |= (d | in_range(x, 'a', 26)) << (16 * k);
	m->oil |= bits(_mm_or_si128(_mm_or_si128(is(x, 'o'), is(x, 'i')), is(x, 'l'))) << (16 * k);
	m->dot |= bits(is(x, '.')) << (16 * k);
	*at = _mm_or_si128(*at, is(x, '@'));
	*colon = _mm_or_si128(*colon, is(x, ':'));
}

static inline __attribute__((always_inline)) void block(const char *p, struct masks *m)
{
	m->digit = m->alnum = m->oil = m->dot = 0;
	__m128i at = _mm_setzero_si128(), colon = at, count = at;
	chunk(_mm_loadu_si128((const __m128i *)(const void *)p), 0, m, &at, &colon, &count);
	chunk(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), 1, m, &at, &colon, &count);
	chunk(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), 2, m, &at, &colon, &count);
	chunk(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), 3, m, &at, &colon, &count);
	m->at = bits(at) != 0;
	m->colon = bits(colon) != 0;
	__m128i sums = _mm_sad_epu8(count, _mm_setzero_si128()); /* two halves' sums */
	m->digits = _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums));
}
#else
static inline __attribute__((always_inline)) void block(const char *p, struct masks *m)
{
	memset(m, 0, sizeof(*m));
	for (int k = 0; k < 64; k++) {
		unsigned char c = (unsigned char)p[k];
		m->digit |= (uint64_t)sc_digit(c) << k;
		m->alnum |= (uint64_t)sc_alnum(c) << k;
		m->oil |= (uint64_t)(c == 'o' || c == 'i' || c == 'l') << k;
		m->at |= c == '@';
		m->colon |= c == ':';
		m->digits += sc_digit(c);
		m->dot |= (uint64_t)(c == '.') << k;
	}
}
#endif

/*
 * Runs of CUT bytes or more are cut in pieces (a word's length has 16
 * bits): at the first multiple of 16 at least CUT bytes past the run's
 * start, then every CUT bytes.  The count rises by the pieces added; the
 * room allowed for runs (one in two bytes) holds them, since a long run
 * stands for thousands of short ones.  Ends as runs() keeps them.
 */
#define CUT 0xfff0u

static size_t run_end(const struct word *w)
{
	return w->len | (size_t)w->v << 16;
}

static size_t cut(struct word *w, size_t count)
{
	size_t added = 0;
	for (size_t r = 0; r < count; r++)
		for (size_t p = (w[r].s + CUT + 15) & ~(size_t)15; p < run_end(&w[r]); p += CUT)
			added++;
	size_t out = count + added;
	for (size_t r = count;
	     r-- > 0;) { /* from the last, so that nothing is overwritten unread */
		size_t s = w[r].s, e = run_end(&w[r]), first = (s + CUT + 15) & ~(size_t)15;
		size_t pieces = 1;
		for (size_t p = first; p < e; p += CUT)
			pieces++;
		for (size_t k = pieces; k-- > 0;) {
			size_t from = k ? first + (k - 1) * CUT : s;
			size_t to = k + 1 < pieces ? first + k * CUT : e;
			w[--out] =
			    (struct word){(uint32_t)from, (uint16_t)to, (uint16_t)(to >> 16)};
		}
	}
	return count + added;
}

/*
 * Classes of the word t[pos..e) from its characters: a number starts, a
 * link may go on, an apostrophe follows; first is tab.first_classes[oily].
 */
static inline unsigned word_classes(const char *t, size_t pos, size_t e, const uint8_t *first)
{
	unsigned end = tab.end_classes[(unsigned char)t[e]];
	return first[(unsigned char)t[pos]] | (end & (W_LINK | W_APOSTROPHE)) |
	       (tab.after_space[(unsigned char)t[e + 1]] & (end >> 8));
}

/*
 * What a word's length says of it as it is first looked at (first_look()):
 * one or two characters, a short word (its second byte kept when it has
 * one); three to sixteen, an anchor may be (the filter asked) and the
 * vocabulary entry is looked up later; longer, neither.
 */
struct by_len {
	uint8_t second;	   /* 0xff: the second byte is the word's */
	uint8_t anchor;	   /* W_ANCHOR: the anchor filter's answer stands */
	uint16_t lazy;	   /* WORD_LAZY: looked up when asked */
	uint32_t is_short; /* all ones: the short words' table answers */
	uint32_t key;	   /* of head4(): the anchor filter's key (anchor_let()) */
};
/* clang-format off */
#define BY_SHORT(second) {second, 0, 0, 0xffffffffu, 0}
#define BY_LONG {0, W_ANCHOR, WORD_LAZY, 0, 0xffffffffu}
static const struct by_len by_len[18] = {
    BY_SHORT(0), BY_SHORT(0), BY_SHORT(0xff), /* lengths 0 (none), 1 and 2 */
    {0, W_ANCHOR, WORD_LAZY, 0, 0xffffffu}, /* 3: the key is the word */
    BY_LONG, BY_LONG, BY_LONG, BY_LONG, BY_LONG, BY_LONG, /* 4 to 16 */
    BY_LONG, BY_LONG, BY_LONG, BY_LONG, BY_LONG, BY_LONG, BY_LONG,
    {0, 0, 0, 0, 0}, /* 17 and more */
};
/* clang-format on */

/*
 * Run r, t[pos..e), as a word on its own, without a branch: a short word
 * from its table, the classes its characters give it (o, i and l not yet
 * read as digits), and a mark when it needs more (an anchor to look up, an
 * apostrophe after).
 */
static inline void first_look(const char *t, struct word *restrict w, uint8_t *restrict cl,
			      size_t r, size_t pos, size_t e)
{
	size_t len = e - pos;
	const struct by_len *b = &by_len[len < 17 ? len : 17];
	uint32_t short_word =
	    tab.short_v[SHORT(t[pos], (unsigned char)t[pos + 1] & b->second)] & b->is_short;
	unsigned cls = (short_word >> 16) | word_classes(t, pos, e, tab.first_classes[0]) |
		       (tab.anchors[anchor_place(head4(t + pos) & b->key)] & b->anchor);
	cl[r] = (uint8_t)cls;
	w[r] = (struct word){(uint32_t)pos, (uint16_t)len, (uint16_t)(short_word | b->lazy)};
}
/*
 * The runs of letters and digits in t[0..n), which is followed by NORM_PAD
 * zero bytes, 64 bytes at a time, each as a word (first_look()) into w[]
 * and cl[]; a whole text: each as soon as its end is found; otherwise
 * (a text that may hold a run of CUT bytes or more): the runs first, their
 * ends kept in w[].len (low half) and w[].v (high half), cut (cut()), then
 * looked at.  Returns how many, and in *signs:
 * WS_DIGIT, WS_DIGITS8, WS_OILY (a digit next to an o, i or l: as_digits()
 * has work to do), WS_ATSIGN,
 * WS_LINKISH for a ':' or a '.' that may join the labels of a host (before
 * a letter or digit, "x.com"; before a closing bracket, '-' or '_',
 * "x(.)com"; alone between spaces, "x . com"), and WS_SPACED for three runs
 * of one character one byte apart (uncut runs: words_read_in() asks the
 * words again where runs were cut or joined).
 */
static inline __attribute__((always_inline)) size_t runs_in(const char *t, size_t n,
							    struct word *restrict w,
							    uint8_t *restrict cl, unsigned *signs,
							    int whole)
{
	size_t starts_at = 0, ends_at = 0, count = 0, open_at = 0;
	int open = 0; /* a run from open_at goes on past the block */
	uint64_t carry = 0, carry_d = 0, carry_o = 0, any_d = 0, mixed = 0, any_at = 0;
	uint64_t carry_one = 0, spaced = 0;
	int linkish = 0;
	for (size_t i = 0; i < n; i += 64) {
		struct masks m;
		block(t + i, &m); /* the last block ends in the zeros after the text */
		uint64_t a = m.alnum, d = m.digit, o = m.oil;
		any_d += (uint64_t)m.digits;
		any_at |= m.at;
		mixed |= ((d << 1 | carry_d) & o) | ((o << 1 | carry_o) & d);
		/* A ':', or a dot before a letter, digit or closer, or between spaces. */
		linkish |= m.colon != 0;
		for (uint64_t dots = m.dot; dots && !linkish; dots &= dots - 1) {
			size_t k = i + (size_t)__builtin_ctzll(dots);
			char next = t[k + 1], before_dot = k ? t[k - 1] : '\0';
			linkish = sc_alnum((unsigned char)next) || sc_oneof(next, ")]}>-_") ||
				  (next == ' ' && before_dot == ' ');
		}
		uint64_t before = a << 1 | carry; /* bit k: byte k - 1 is in a run */
		uint64_t starts = a & ~before, ends = ~a & before;
		carry = a >> 63;
		/* Runs of one character, and the third of three one byte apart ("0 7 7"). */
		uint64_t next = a >> 1 | (uint64_t)sc_alnum((unsigned char)t[i + 64]) << 63;
		uint64_t one = starts & ~next; /* byte k + 1 not in a run */
		spaced |= one & (one << 2 | carry_one >> 62) & (one << 4 | carry_one >> 60);
		carry_one = one;
		carry_d = d >> 63;
		carry_o = o >> 63;
		if (whole) {
			/* Ends and starts in step: the run open at the block's start first. */
			if (open && ends) {
				first_look(t, w, cl, count++, open_at,
					   i + (size_t)__builtin_ctzll(ends));
				ends &= ends - 1;
				open = 0;
			}
			for (; ends; ends &= ends - 1, starts &= starts - 1)
				first_look(t, w, cl, count++, i + (size_t)__builtin_ctzll(starts),
					   i + (size_t)__builtin_ctzll(ends));
			if (starts) { /* a run goes on into the next block */
				open = 1;
				open_at = i + (size_t)__builtin_ctzll(starts);
			}
		} else {
			for (; starts; starts &= starts - 1)
				w[starts_at++].s = (uint32_t)(i + (size_t)__builtin_ctzll(starts));
			for (; ends; ends &= ends - 1, ends_at++) {
				uint32_t e = (uint32_t)(i + (size_t)__builtin_ctzll(ends));
				w[ends_at].len = (uint16_t)e;
				w[ends_at].v = (uint16_t)(e >> 16);
			}
		}
	}
	if (whole && open) /* a run to the end of a text of whole blocks */
		first_look(t, w, cl, count++, open_at, n);
	if (!whole && ends_at < starts_at) {
		w[ends_at].len = (uint16_t)n;
		w[ends_at].v = (uint16_t)(n >> 16);
	}
	if (!whole) { /* only a long text can have a run that long */
		count = cut(w, starts_at);
		for (size_t r = 0; r < count; r++)
			first_look(t, w, cl, r, w[r].s, run_end(&w[r]));
	}
	*signs = (any_d ? WS_DIGIT : 0) | (any_d >= 8 ? WS_DIGITS8 : 0) | (mixed ? WS_OILY : 0) |
		 (any_at ? WS_ATSIGN : 0) | (linkish ? WS_LINKISH : 0) | (spaced ? WS_SPACED : 0);
	return count;
}

/* runs_in(), twice: a text with no run to cut has each run read as a word as soon as it ends. */
static size_t runs(const char *t, size_t n, struct word *restrict w, uint8_t *restrict cl,
		   unsigned *signs)
{
	if (n < CUT)
		return runs_in(t, n, w, cl, signs, 1);
	return runs_in(t, n, w, cl, signs, 0);
}

/* WS_SPACED when three of the words w[0..count) of one character follow each other one byte apart.
 */
static unsigned spelled(const struct word *w, size_t count)
{
	int singles = 0; /* one-character words one byte apart, up to this one */
	for (size_t i = 0; i < count; i++) {
		singles = (int)(w[i].len == 1) *
			  (singles * (unsigned)(i > 0 && w[i].s == w[i - 1].s + 2) + 1);
		if (singles >= 3)
			return WS_SPACED;
	}
	return 0;
}

/*
 * The classes of the first 64 of the count words, cl[0..64) (zeros past
 * the words), as one mask a class: bit k of first[c] is bit c of cl[k].
 */
#ifdef __SSE2__
/* marks() from the first `parts` sixteen-byte parts of cl (a constant where it is called). */
static inline __attribute__((always_inline)) void marks_of(const uint8_t *cl, int parts,
							   uint64_t first[6])
{
	__m128i x[4];
#pragma GCC unroll 4
	for (int k = 0; k < parts; k++)
		x[k] = _mm_loadu_si128((const __m128i *)(const void *)(cl + 16 * (size_t)k));
#pragma GCC unroll 6
	for (int c = 0; c < 6; c++) {
		/* Bit c of each byte to its top (shifts of 16-bit lanes keep bytes apart there). */
		uint64_t m = 0;
#pragma GCC unroll 4
		for (int k = 0; k < parts; k++)
			m |= bits(_mm_slli_epi16(x[k], 7 - c)) << (16 * k);
		first[c] = m;
	}
}
#endif

static void marks(const uint8_t *cl, size_t count, uint64_t first[6])
{
#ifdef __SSE2__
	if (count <= 16) /* most texts: one part of the four */
		marks_of(cl, 1, first);
	else
		marks_of(cl, 4, first);
#else
	(void)count;
	memset(first, 0, 6 * sizeof(*first));
	for (int k = 0; k < 64; k++)
		for (int c = 0; c < 6; c++)
			first[c] |= (uint64_t)(cl[k] >> c & 1) << k;
#endif
}

enum kerr words_read_in(const char *t, size_t n, struct words *ws, struct word *room,
			uint8_t *room_cls, size_t cap)
{
	pthread_once(&built, build);
	ws->t = t;
	ws->n = n;
	ws->count = 0;
	ws->signs = 0;
	/* At most one word in two bytes, plus the cuts of over-long runs. */
	size_t most = n / 2 + n / 0xffc0 + 2;
	ws->lent = most <= cap;
	if (ws->lent) {
		ws->w = room;
		ws->cls = room_cls;
	} else if ((ws->w = malloc(most * (sizeof(*ws->w) + 1) + 64))) {
		ws->cls = (uint8_t *)(ws->w + most);
	} else {
		ws->cls = NULL;
		return KERR_INTERNAL;
	}
	/* Locals, not *ws, so that stores of bytes do not make the compiler read it all again. */
	struct word *restrict w = ws->w;
	uint8_t *restrict cl = ws->cls;
	/* First, every run as a word on its own (first_look()). */
	unsigned signs = 0;
	size_t raw = runs(t, n, w, cl, &signs);
	const uint8_t *first = tab.first_classes[(signs & WS_OILY) != 0];
	if (signs & WS_OILY) /* "O77OO": words starting with o, i or l may be numbers */
		for (size_t r = 0; r < raw; r++)
			cl[r] |= first[(unsigned char)t[w[r].s]];
	memset(cl + raw, 0, 8); /* cls_next() reads eight classes at a time */
	/*
	 * Then the marked runs: anchors looked up, words joined with their
	 * apostrophe ("we're") or their other half ("whats app"), the runs a
	 * word takes in dropped and the others moved up.
	 */
	size_t out = 0, r = 0;
	const uint8_t more = W_ANCHOR | W_APOSTROPHE;
	int said_dot = 0;
	while (r < raw) {
		size_t next = cls_next(cl, r, raw, more);
		if (out != r) /* a few words each time: moved one by one, not by a call */
			for (size_t k = 0; k < next - r; k++) {
				w[out + k] = w[r + k];
				cl[out + k] = cl[r + k];
			}
		out += next - r;
		if ((r = next) >= raw)
			break;
		size_t pos = w[r].s, e = pos + w[r].len;
		uint16_t v = cl[r] & W_ANCHOR ? entry_padded(t + pos, e - pos) : w[r].v;
		if (t[e] == '\'' && e + 1 < n && sc_alpha((unsigned char)t[e + 1])) {
			size_t k = e + 1;
			while (k < n && sc_alpha((unsigned char)t[k]) && k - e <= 2)
				k++;
			uint16_t joined = k - pos <= 16 ? entry_padded(t + pos, k - pos) : 0;
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
		/* "dot" (always marked: see build()) may write a link's dot out. */
		said_dot |= e - pos == 3 && t[pos] == 'd' && t[pos + 1] == 'o' && t[pos + 2] == 't';
		unsigned cls = classes_of[v & ~WORD_INFLECTED] |
			       (word_classes(t, pos, e, first) & ~W_APOSTROPHE);
		cl[out] = (uint8_t)cls;
		w[out++] = (struct word){(uint32_t)pos, (uint16_t)(e - pos), v};
		for (r++; r < raw && w[r].s < e; r++)
			; /* runs taken into this word */
	}
	memset(cl + out, 0, 64);
	ws->count = out;
	marks(cl, out, ws->first);
	/*
	 * The runs' sign of spelled-out characters holds for the words unless
	 * runs were joined (which can only take it away: the words are asked
	 * again where the runs had it) or cut (a cut can leave a piece of one
	 * character: the words are asked again).
	 */
	if ((out != raw && (signs & WS_SPACED)) || n >= CUT)
		signs = (signs & ~WS_SPACED) | spelled(w, out);
	ws->signs = signs | (said_dot ? WS_LINKISH : 0);
	return KERR_OK;
}

void words_free(struct words *ws)
{
	if (!ws->lent)
		free(ws->w);
	ws->w = NULL; /* freed twice, nothing happens */
	ws->cls = NULL;
	ws->count = 0;
	ws->lent = 0;
}

/* The vocabulary entry of word i, looked up (once) now if it was not as the words were read. */
static inline uint16_t word_v(const struct words *ws, size_t i)
{
	uint16_t v = ws->w[i].v;
	if (v == WORD_LAZY) /* looked up once, and kept */
		ws->w[i].v = v = entry_padded(ws->t + ws->w[i].s, ws->w[i].len);
	return v;
}

void tok_get(const struct words *ws, size_t i, struct tok *w)
{
	w->s = ws->w[i].s;
	w->e = w->s + ws->w[i].len;
	w->roles = entry_roles(word_v(ws, i));
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
		if (entry_roles(word_v(ws, i)) & roles)
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
	const struct words *ws;
	size_t base; /* the index of word 0 in ws */
	int count;
	int away;     /* the phrase names somewhere other than the operator */
	int platform; /* ... a platform or channel by name ("on whatsapp") */
};

/* Word i of the phrase (i < p->count): where it starts and ends, its roles. */
static inline const struct word *word_at(const struct phrase *p, int i)
{
	return &p->ws->w[p->base + (size_t)i];
}
#define S(p, i)	    ((size_t)word_at(p, i)->s)
#define E(p, i)	    ((size_t)word_at(p, i)->s + word_at(p, i)->len)
#define ROLES(p, i) entry_roles(word_v((p)->ws, (p)->base + (size_t)(i)))

/*
 * 1 when word i of the phrase is word[0..k); is() passes k of a literal
 * and, where bytes are read low first, its first eight bytes as a number
 * (lit), so that a word of up to eight is told by one compare, no call.
 */
static inline int is_n(struct phrase *p, int i, const char *word, size_t k, uint64_t lit)
{
	if (i >= p->count)
		return 0;
	const struct word *w = word_at(p, i);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (k <= 8) /* the folded text is padded: eight bytes can be read */
		return (int)((unsigned)(w->len == k) &
			     (unsigned)((load64(p->t + w->s) & keep[k][0]) == lit));
#else
	(void)lit;
#endif
	return w->len == k && memcmp(p->t + w->s, word, k) == 0;
}

/* Byte b of the literal s (its NUL and past it: 0) in place b of a number. */
#define LIT_BYTE(s, b) (sizeof(s) > (b) + 1 ? (uint64_t)(unsigned char)(s)[b] << (8 * (b)) : 0)
#define LIT8(s)                                                                                    \
	(LIT_BYTE(s, 0) | LIT_BYTE(s, 1) | LIT_BYTE(s, 2) | LIT_BYTE(s, 3) | LIT_BYTE(s, 4) |      \
	 LIT_BYTE(s, 5) | LIT_BYTE(s, 6) | LIT_BYTE(s, 7))
#define is(p, i, literal) is_n(p, i, literal, sizeof(literal) - 1, LIT8(literal))

static inline int has(struct phrase *p, int i, uint64_t roles)
{
	return i < p->count && (ROLES(p, i) & roles) != 0;
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
	unsigned char c = (unsigned char)p->t[S(p, i)];
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
	size_t k = E(p, i);
	while (k < p->n && k - E(p, i) < 3 && (p->t[k] == ' ' || p->t[k] == ':' || p->t[k] == '-'))
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
	static const struct form words[] = {F("just"),	 F("please"), F("pls"), F("plz"),
					    F("kindly"), F("then"),   F("so")};
	return one_of(t + b, e - b, words, COUNT(words));
}

/* "call me crazy": an idiom, not an invitation. */
static int idiom(struct phrase *p, int i)
{
	static const struct form words[] = {F("crazy"),	   F("mad"),   F("old"),   F("picky"),
					    F("paranoid"), F("fussy"), F("silly"), F("cynical"),
					    F("lazy"),	   F("biased")};
	return i < p->count && one_of(p->t + S(p, i), E(p, i) - S(p, i), words, COUNT(words));
}

/* The phrase starting at word 0: the index past its last word, or 0. */
static int match(struct phrase *p)
{
	uint64_t r = ROLES(p, 0);
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
		if ((r & R_NOUN) && p->t[E(p, 0)] != ':' && detail_after(p, 0) &&
		    bidding(p->t, S(p, 0)))
			return 1;
		/* reach out via signal */
		if (is(p, 1, "out") && !is(p, 0, "check")) {
			int k = tail(p, 2);
			if (p->platform)
				return k;
		}
		/* dm @freyas_finds */
		size_t after = E(p, 0);
		while (after < p->n && p->t[after] == ' ')
			after++;
		if ((r & R_NOUN) && after < p->n && p->t[after] == '@' && after == E(p, 0) + 1)
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
		if (((r & R_PHONEWORD) && (r & R_NOUN) && p->t[E(p, 0)] != ':') ||
		    (is(p, 0, "contact") && p->t[E(p, 0)] == ' ')) {
			if (number_next(p, 1))
				return 1;
			if (p->count > 3 && !ROLES(p, 1) && !number_next(p, 1) &&
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
			if (has(p, j, R_OPERATOR) || p->t[E(p, j - 1)] == '.')
				break;
		}
		/* email the artwork to sales@..., email for a price list: trade@... */
		if ((r & (R_NOUN | R_GIVE)) && (!has(p, 1, R_IS | R_PREP) || is(p, 1, "for")) &&
		    !words_before(p->f->ws, S(p, 0), 1, R_DET)) {
			for (int j = 1; j < 7 && j < p->count; j++) {
				if (has(p, j, R_OPERATOR) || p->t[E(p, j - 1)] == '.')
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
			if (has(p, j, R_OPERATOR) || p->t[E(p, j - 1)] == '.' ||
			    p->t[E(p, j - 1)] == ',')
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
			if (has(p, j, R_OPERATOR) || p->t[E(p, j - 1)] == '.')
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
		while (k < p->count && k < 11 && p->t[E(p, k - 1)] != ',' &&
		       p->t[E(p, k - 1)] != '.')
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
					if (k < p->count && k < 9 && !ROLES(p, k) &&
					    p->t[E(p, k - 1)] == ' ')
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
 * 0 when the phrase match() would read from word i cannot be one, seen
 * cheaply, for the commonest words a phrase may start from: "i", "we" and
 * "i'm" start only "we're on tiktok" (a platform within four words); "my"
 * and "our" only "my number is ...", "my whatsapp is the same as ...", "my
 * first name at gmail ..." (what the next word is).
 */
static int may_match(const struct words *ws, size_t i, uint64_t r)
{
	if (!(r & ~R_WE)) {
		for (size_t k = i + 1; k < ws->count && k <= i + 4; k++)
			if (ws->cls[k] & W_NAMED)
				return 1;
		return 0;
	}
	if (!(r & ~(R_SELF | R_DET))) {
		struct tok x;
		if (i + 1 >= ws->count)
			return 0;
		tok_get(ws, i + 1, &x);
		static const struct form parts[] = {F("first"), F("last"), F("full"), F("dot"),
						    F("usual")};
		if (one_of(ws->t + x.s, x.e - x.s, parts, COUNT(parts)))
			return 1;
		return (x.roles & (R_CHANNEL | R_PLATFORM | R_HANDLEWORD | R_NAME)) != 0;
	}
	return 1;
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
	p.ws = ws;
	int last = -1; /* index in f of the last solicitation added */
	struct tok cur;
	for (size_t i = ws_next(ws, 0, W_START); i < ws->count; i = ws_next(ws, i + 1, W_START)) {
		tok_get(ws, i, &cur);
		p.base = i;
		p.count = ws->count - i < LOOK ? (int)(ws->count - i) : LOOK;
		p.away = p.platform = 0;
		int end = may_match(ws, i, cur.roles) ? match(&p) : 0;
		if (!end || negated(t, cur.s))
			continue;
		int stop = end + 3 < p.count ? end + 3 : p.count;
		int operator= 0;
		for (int k = 1; k < stop && !p.away;
		     k++) /* not a word of a link ("chat.whatsapp.com") */
			operator|= has(&p, k, R_OPERATOR) &&
			    !finding_between(f, S(&p, k), E(&p, k));
		if (operator)
			continue;
		size_t s = S(&p, 0), e = E(&p, end - 1);
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
