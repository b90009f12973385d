/*
 * demo.c - demo data, made through the domain calls as the people who
 * would make it (customers open enquiries, agents answer, vendors reply),
 * so the audit log reads like real use.
 */
#include "domain/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "domain/auth.h"
#include "domain/enquiry.h"
#include "domain/message.h"
#include "domain/order.h"
#include "domain/party.h"
#include "domain/vreq.h"

#define DEMO_PASSWORD "kapsule-demo"
#define DEMO_TOKEN    "demo-integration-token-kapsule-000000000000"

_Static_assert(sizeof(DEMO_TOKEN) - 1 == TOKEN_TEXT_LEN, "demo token length");

const struct demo_login demo_logins[] = {
    {"customer", "jane.doe@example.com", DEMO_PASSWORD},
    {"customer", "tom.baker@example.com", DEMO_PASSWORD},
    {"vendor", "sales@northwind-ceramics.example", DEMO_PASSWORD},
    {"vendor", "dispatch@northwind-ceramics.example", DEMO_PASSWORD},
    {"vendor", "hello@blueheron-outdoor.example", DEMO_PASSWORD},
    {"agent", "agent@kapsule.co.uk", DEMO_PASSWORD},
    {"agent", "sam.agent@kapsule.co.uk", DEMO_PASSWORD},
    {"admin", "admin@kapsule.co.uk", DEMO_PASSWORD},
    {"integration", "(API token)", DEMO_TOKEN},
    {NULL, NULL, NULL},
};

static const char SQL_USERS[] = "SELECT COUNT(*) FROM users WHERE email <> ''";
static const char SQL_SET[] = "INSERT INTO settings (key, value) VALUES ($1, $2)"
			      " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_GET[] = "SELECT value FROM settings WHERE key = $1";
static const char SQL_ORDER_ID[] = "SELECT id FROM orders WHERE number = $1";

/* A 1x1 PNG, the demo's photo evidence. */
static const unsigned char demo_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
    0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

struct demo_vendor {
	const char *ref, *shop, *email, *phone, *web;
	const char *users[2][2]; /* email, name */
};

static const struct demo_vendor vendors[] = {
    {"V-NORTHWIND",
     "Northwind Ceramics",
     "owner@northwind-ceramics.example",
     "01632 960 111",
     "https://northwind-ceramics.example",
     {{"sales@northwind-ceramics.example", "Nadia Sales"},
      {"dispatch@northwind-ceramics.example", "Dev Dispatch"}}},
    {"V-BLUEHERON",
     "Blue Heron Outdoor",
     "contact@blueheron-outdoor.example",
     "01632 960 222",
     "https://blueheron-outdoor.example",
     {{"hello@blueheron-outdoor.example", "Harriet Heron"},
      {"returns@blueheron-outdoor.example", "Ravi Returns"}}},
    {"V-COPPER",
     "Copper Kettle Kitchen",
     "copper@kettle-kitchen.example",
     "01632 960 333",
     "https://kettle-kitchen.example",
     {{"orders@kettle-kitchen.example", "Olive Orders"}, {NULL, NULL}}},
};

struct demo_customer {
	const char *ref, *email, *first, *last, *phone, *address;
};

static const struct demo_customer customers[] = {
    {"C-1001", "jane.doe@example.com", "Jane", "Doe", "07700 900123",
     "12 Acacia Avenue, Leeds, LS1 4AB"},
    {"C-1002", "tom.baker@example.com", "Tom", "Baker", "07700 900456",
     "3 Harbour Row, Bristol, BS1 5TT"},
    {"C-1003", "priya.shah@example.com", "Priya", "Shah", "07700 900789",
     "Flat 2, 40 Mill Lane, Manchester, M4 2DD"},
    {"C-1004", "li.wei@example.com", "Li", "Wei", "07700 900321",
     "8 Castle Street, Edinburgh, EH1 2DP"},
};

struct demo_order {
	const char *number, *customer, *vendor, *item, *sku;
	int64_t qty, price;
	const char *note;
};

static const struct demo_order orders[] = {
    {"KP-100201", "C-1001", "V-NORTHWIND", "Speckled stoneware mug", "NW-MUG-01", 4, 1800,
     "Gift - please call me on 07700 900123 before you send it"},
    {"KP-100202", "C-1001", "V-BLUEHERON", "Two-person hiking tent", "BH-TENT-2", 1, 18900, ""},
    {"KP-100203", "C-1002", "V-NORTHWIND", "Serving bowl, sea glaze", "NW-BWL-07", 1, 4200,
     "Leave with neighbour at no. 5, or email me at tom.baker@example.com"},
    {"KP-100204", "C-1002", "V-COPPER", "Copper whistling kettle", "CK-KET-1", 1, 5900, ""},
    {"KP-100205", "C-1003", "V-BLUEHERON", "Merino base layer, size M", "BH-BASE-M", 2, 5500,
     "Flat 2 buzzer broken, text 07700900789 when outside"},
    {"KP-100206", "C-1003", "V-NORTHWIND", "Dinner plates, set of 6", "NW-PLT-6", 1, 7800, ""},
    {"KP-100207", "C-1004", "V-COPPER", "Cast iron skillet 26cm", "CK-SKL-26", 1, 3900, ""},
    {"KP-100208", "C-1004", "V-BLUEHERON", "Trekking poles (pair)", "BH-POLE-2", 1, 4500, ""},
    {"KP-100209", "C-1001", "V-COPPER", "Enamel pie dishes x3", "CK-PIE-3", 1, 2400, ""},
    {"KP-100210", "C-1002", "V-BLUEHERON", "Waterproof jacket, size L", "BH-JKT-L", 1, 12900, ""},
};

struct demo {
	struct db_pool *pool;
	const struct config *cfg;
	struct err *e;
	char hash[128];
	int64_t now;
};

/* What one call inside a transaction does, and as whom. */
struct step {
	struct demo *d;
	struct principal who;
	enum kerr (*fn)(struct dctx *c, void *arg);
	void *arg;
};

static enum kerr step_fn(struct db *db, void *arg)
{
	struct step *s = arg;
	struct arena a;
	arena_init(&a);
	struct dctx c = {db,	   &s->who, &a, s->d->e, s->d->now ? s->d->now : clock_now_ms(),
			 s->d->cfg};
	enum kerr rc = s->fn(&c, s->arg);
	arena_free(&a);
	return rc;
}

static enum kerr run_as(struct demo *d, const struct principal *who,
			enum kerr (*fn)(struct dctx *c, void *arg), void *arg)
{
	struct step s = {d, *who, fn, arg};
	return db_write(d->pool, step_fn, &s);
}

static const struct principal sys = {.role = ROLE_SYSTEM, .name = "demo"};

static enum kerr make_staff(struct dctx *c, void *arg)
{
	struct demo *d = arg;
	static const struct {
		const char *email, *name, *role;
	} staff[] = {
	    {"admin@kapsule.co.uk", "Ada Admin", "admin"},
	    {"agent@kapsule.co.uk", "Alex Agent", "agent"},
	    {"sam.agent@kapsule.co.uk", "Sam Agent", "agent"},
	    {"integration@kapsule.co.uk", "Marketplace back end", "integration"},
	};
	int64_t id;
	enum kerr rc;
	for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]); i++) {
		int integ = strcmp(staff[i].role, "integration") == 0;
		struct user_new u = {staff[i].email, staff[i].name,	    staff[i].role, 0,
				     NULL,	     integ ? NULL : d->hash};
		if ((rc = auth_user_create(c, &u, &id)))
			return rc;
		if (integ) {
			char token[TOKEN_TEXT_LEN + 1];
			int64_t tid;
			if ((rc = auth_token_create(c, id, "demo integration", DEMO_TOKEN, token,
						    &tid)))
				return rc;
		}
	}
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		const struct demo_vendor *v = &vendors[i];
		struct vendor_in vi = {v->ref, v->shop, v->email, v->phone, v->web, NULL};
		int64_t vid;
		int created;
		if ((rc = vendor_upsert(c, &vi, &vid, &created)))
			return rc;
		for (int k = 0; k < 2 && v->users[k][0]; k++) {
			struct user_new u = {v->users[k][0], v->users[k][1], "vendor", vid,
					     NULL,	     d->hash};
			if ((rc = auth_user_create(c, &u, &id)))
				return rc;
		}
	}
	for (size_t i = 0; i < sizeof(customers) / sizeof(customers[0]); i++) {
		const struct demo_customer *cu = &customers[i];
		struct customer_in ci = {cu->ref,   cu->email,	 cu->first, cu->last,
					 cu->phone, cu->address, d->hash};
		int created;
		if ((rc = customer_upsert(c, &ci, &id, &created)))
			return rc;
	}
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		const struct demo_order *o = &orders[i];
		struct order_item it = {o->sku, o->item, o->qty, o->price};
		struct order_in oi = {
		    o->number, o->customer, o->vendor,
		    &it,       1,	    o->qty * o->price,
		    "GBP",     o->note,	    c->now - (int64_t)(20 - i) * 86400000};
		if ((rc = order_create(c, &oi, &id)))
			return rc;
	}
	return db_exec(c->db, c->e, SQL_SET, DB_ARGS("demo", "1"));
}

struct who_arg {
	const char *email;
	struct principal *p;
};

static enum kerr who_fn(struct dctx *c, void *arg)
{
	struct who_arg *x = arg;
	return auth_principal_by_email(c, x->email, x->p);
}

/* One scripted enquiry: who opens it and how far it gets. */
struct story {
	const char *customer_email, *order, *category, *subject, *message;
	const char *reply;		   /* agent reply, or NULL */
	const char *ask;		   /* question to the vendor, or NULL */
	const char *vendor_email, *answer; /* vendor's answer, or NULL */
	const char *end; /* final status: open, awaiting_customer, resolved, closed */
};

static const struct story stories[] = {
    {"jane.doe@example.com", "KP-100201", "damaged", "Two mugs arrived chipped",
     "Hello, two of the four mugs have chips on the rim. Can I get replacements?", NULL, NULL, NULL,
     NULL, "open"},
    {"tom.baker@example.com", "KP-100203", "not_received", "Bowl has not arrived",
     "It was due last Tuesday and tracking has not moved for a week.",
     "Sorry about the wait - we are checking with the seller now.",
     "Please send the tracking number and proof of dispatch for this order.", NULL, NULL,
     "awaiting_vendor"},
    {"jane.doe@example.com", "KP-100202", "product_question", "Is the tent waterproof?",
     "Does the tent come with a rain fly and what is its hydrostatic head?",
     "Thanks for asking - we have asked the seller for the exact figures.",
     "What is the hydrostatic head of the fly and the groundsheet?",
     "hello@blueheron-outdoor.example",
     "The fly is rated 3000mm and the groundsheet 5000mm. Photo of the label attached.", "open"},
    {"priya.shah@example.com", "KP-100205", "wrong_item", "Sent size L instead of M",
     "I ordered two base layers in M but received L.",
     "We are sorry - please could you send a photo of the size labels?", NULL, NULL, NULL,
     "awaiting_customer"},
    {"li.wei@example.com", "KP-100207", "return_refund", "Return the skillet",
     "The skillet is heavier than I expected; I would like to return it.",
     "No problem - we have emailed you a prepaid return label. Refund follows on receipt.", NULL,
     NULL, NULL, "resolved"},
    {"tom.baker@example.com", "KP-100204", "other", "Invoice for my kettle",
     "Could I have a VAT invoice for this order please?",
     "Your VAT invoice is attached to your order page now.", NULL, NULL, NULL, "closed"},
};

struct story_arg {
	const struct story *s;
	int64_t enquiry_id;
	int64_t vreq_id;
	const char *status;
};

static enum kerr open_fn(struct dctx *c, void *arg)
{
	struct story_arg *x = arg;
	int64_t oid;
	enum kerr rc = db_one_i64(c->db, c->e, &oid, SQL_ORDER_ID, DB_ARGS(x->s->order));
	if (rc)
		return rc;
	struct enquiry_in in = {oid, x->s->category, x->s->subject, x->s->message, NULL, 0};
	return enquiry_open(c, &in, &x->enquiry_id);
}

static enum kerr reply_fn(struct dctx *c, void *arg)
{
	struct story_arg *x = arg;
	enum kerr rc = enquiry_assign(c, x->enquiry_id, c->who->user_id);
	if (!rc && x->s->reply)
		rc = message_post(c, x->enquiry_id, "customer", x->s->reply, NULL, 0, NULL, NULL);
	if (!rc && x->s->ask) {
		static const char *const kinds[] = {"tracking", "photo"};
		struct vreq_in in = {x->s->ask, kinds, 2, 0};
		struct vreq_screened sc;
		rc = vreq_create(c, x->enquiry_id, &in, &x->vreq_id, &sc);
	}
	if (!rc)
		rc = message_post(c, x->enquiry_id, "internal",
				  "Demo note: checked the order history.", NULL, 0, NULL, NULL);
	return rc;
}

static enum kerr answer_fn(struct dctx *c, void *arg)
{
	struct story_arg *x = arg;
	struct upload u = {"label.png", demo_png, sizeof(demo_png)};
	int64_t mid;
	struct vreq_screened sc;
	return vreq_answer(c, x->vreq_id, x->s->answer, &u, 1, &mid, &sc);
}

static enum kerr status_fn(struct dctx *c, void *arg)
{
	struct story_arg *x = arg;
	return enquiry_set_status(c, x->enquiry_id, x->status);
}

static enum kerr story(struct demo *d, const struct story *s, const struct principal *agent)
{
	struct principal customer, vendor;
	struct who_arg wa = {s->customer_email, &customer};
	struct story_arg x = {s, 0, 0, NULL};
	enum kerr rc;
	if ((rc = run_as(d, &sys, who_fn, &wa)) || (rc = run_as(d, &customer, open_fn, &x)))
		return rc;
	if (s->reply && (rc = run_as(d, agent, reply_fn, &x)))
		return rc;
	if (s->answer) {
		wa = (struct who_arg){s->vendor_email, &vendor};
		if ((rc = run_as(d, &sys, who_fn, &wa)) || (rc = run_as(d, &vendor, answer_fn, &x)))
			return rc;
	}
	if (strcmp(s->end, "resolved") == 0 || strcmp(s->end, "closed") == 0) {
		x.status = "resolved";
		if ((rc = run_as(d, agent, status_fn, &x)))
			return rc;
	}
	if (strcmp(s->end, "closed") == 0) {
		x.status = "closed";
		if ((rc = run_as(d, agent, status_fn, &x)))
			return rc;
	}
	return KERR_OK;
}

static enum kerr count_users(struct dctx *c, void *arg)
{
	return db_one_i64(c->db, c->e, (int64_t *)arg, SQL_USERS, DB_NONE);
}

/* ---- generated load ---- */

struct bulk_arg {
	int64_t from, count; /* enquiry numbers to make */
	int64_t total;
	int64_t agent_id;
};

static const char *const bulk_subjects[] = {
    "Parcel not arrived",    "Item damaged in transit", "Wrong colour sent",
    "How do I return this?", "Question about sizing",	"Missing part in the box",
};

static enum kerr bulk_fn(struct dctx *c, void *arg)
{
	struct bulk_arg *x = arg;
	enum kerr rc;
	for (int64_t k = x->from; k < x->from + x->count; k++) {
		const struct demo_customer *cu = &customers[k % 4];
		const struct demo_vendor *v = &vendors[k % 3];
		char number[32];
		snprintf(number, sizeof(number), "KP-B%07lld", (long long)k);
		/*
		 * The order and its enquiry are made at their own past time, spread
		 * over the last 90 days, oldest first; the agent acts today.
		 */
		struct dctx sc = *c;
		sc.now = c->now - 90LL * 86400000 + (k * 90LL * 86400000) / (x->total + 1);
		struct order_item it = {"GEN-1", "Generated item", 1, 1000 + k % 5000};
		struct order_in oi = {number, cu->ref, v->ref,
				      &it,    1,       it.unit_price,
				      "GBP",  "",      sc.now - 2LL * 86400000};
		int64_t oid;
		struct principal pi = sys;
		sc.who = &pi;
		if ((rc = order_create(&sc, &oi, &oid)))
			return rc;
		struct principal cust;
		if ((rc = auth_principal_by_email(c, cu->email, &cust)))
			return rc;
		sc.who = &cust;
		struct enquiry_in in = {oid,
					enquiry_categories[k % 6],
					bulk_subjects[k % 6],
					"Hello, I need help with this order please.",
					NULL,
					0};
		int64_t eid;
		if ((rc = enquiry_open(&sc, &in, &eid)))
			return rc;
		sc.now = c->now;
		int kind =
		    (int)(k % 10); /* 0: open, 1: awaiting_customer, 2: resolved, else closed */
		if (kind == 0)
			continue;
		struct principal agent = {.user_id = x->agent_id, .role = ROLE_AGENT};
		sc.who = &agent;
		if ((rc = message_post(&sc, eid, "customer", "Thanks - we are looking into it.",
				       NULL, 0, NULL, NULL)))
			return rc;
		if (kind == 1)
			continue;
		if ((rc = enquiry_set_status(&sc, eid, "resolved")))
			return rc;
		if (kind >= 3 && (rc = enquiry_set_status(&sc, eid, "closed")))
			return rc;
	}
	return KERR_OK;
}

static enum kerr bulk(struct demo *d, int64_t extra, int verbose)
{
	struct principal agent;
	struct who_arg wa = {"agent@kapsule.co.uk", &agent};
	enum kerr rc = run_as(d, &sys, who_fn, &wa);
	if (rc)
		return rc;
	const int64_t chunk = 500;
	for (int64_t from = 0; from < extra; from += chunk) {
		struct bulk_arg x = {from, extra - from < chunk ? extra - from : chunk, extra,
				     agent.user_id};
		if ((rc = run_as(d, &sys, bulk_fn, &x)))
			return rc;
		if (verbose)
			fprintf(stderr, "\rgenerated %lld of %lld enquiries",
				(long long)from + (long long)x.count, (long long)extra);
	}
	if (verbose && extra)
		fprintf(stderr, "\n");
	return KERR_OK;
}

enum kerr demo_create(struct db_pool *pool, const struct config *cfg, int64_t extra, int verbose,
		      struct err *e)
{
	struct demo d = {pool, cfg, e, "", 0};
	int64_t users = 0;
	enum kerr rc = run_as(&d, &sys, count_users, &users);
	if (rc)
		return rc;
	if (users)
		return err_set(e, KERR_CONFLICT, "db",
			       "the database already holds users; "
			       "demo data goes into a new database only");
	if ((rc = crypto_pw_hash(DEMO_PASSWORD, strlen(DEMO_PASSWORD), d.hash)))
		return err_set(e, rc, NULL, "cannot hash the demo password");
	if ((rc = run_as(&d, &sys, make_staff, &d)))
		return rc;
	struct principal agent;
	struct who_arg wa = {"agent@kapsule.co.uk", &agent};
	if ((rc = run_as(&d, &sys, who_fn, &wa)))
		return rc;
	for (size_t i = 0; i < sizeof(stories) / sizeof(stories[0]); i++)
		if ((rc = story(&d, &stories[i], &agent)))
			return rc;
	return bulk(&d, extra, verbose);
}

enum kerr demo_installed(struct db *db, int *yes)
{
	*yes = 0;
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return KERR_DB;
	db_bind(st, DB_ARGS("demo"));
	int r = db_step(st);
	if (r == DB_ROW)
		*yes = strcmp(db_col_text(st, 0), "1") == 0;
	db_done(st);
	return r == DB_ERROR ? KERR_DB : KERR_OK;
}
