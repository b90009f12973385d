/*
 * test_domain.c - domain rules, called directly on a temporary SQLite store
 * filled with the demo data: the enquiry transition table, the reopen
 * window, visibility (404 for others' objects, 403 for roles), vendor
 * request states, redaction for vendors, idempotency keys and the audit
 * chain's tamper detection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/enquiry.h"
#include "domain/idem.h"
#include "domain/message.h"
#include "domain/order.h"
#include "domain/refund.h"
#include "domain/vreq.h"
#include "jobs/mailer.h"

#include "../sqlite_files.h"

static struct config cfg;
static struct db_pool *pool;
static char dbpath[64];

typedef enum kerr (*step_fn)(struct dctx *c, void *arg);

struct step {
	const struct principal *who;
	step_fn fn;
	void *arg;
	int64_t now; /* 0: the clock */
	struct err e;
};

static enum kerr step_db(struct db *db, void *arg)
{
	struct step *s = arg;
	struct arena a;
	arena_init(&a);
	struct dctx c = {db, s->who, &a, &s->e, s->now ? s->now : clock_now_ms(), &cfg};
	enum kerr rc = s->fn(&c, s->arg);
	arena_free(&a);
	return rc;
}

/* Runs fn as who in a write transaction; returns its result, error text in msg. */
static enum kerr run(const struct principal *who, step_fn fn, void *arg, int64_t now, char *msg,
		     size_t msglen)
{
	struct step s = {who, fn, arg, now, {0}};
	enum kerr rc = db_write(pool, step_db, &s);
	if (msg)
		snprintf(msg, msglen, "%s", err_text(&s.e));
	return rc;
}

struct exec_arg {
	const char *q;
	int64_t a, b;
};

static enum kerr exec_fn(struct dctx *c, void *arg)
{
	struct exec_arg *x = arg;
	if (x->b)
		return db_exec(c->db, c->e, x->q, DB_ARGS(x->a, x->b));
	return db_exec(c->db, c->e, x->q, DB_ARGS(x->a));
}

/* Runs one statement with one or two integer parameters. */
static void exec2(const char *q, int64_t a, int64_t b)
{
	static const struct principal sys = {.role = ROLE_SYSTEM};
	struct exec_arg x = {q, a, b};
	assert_int_equal(run(&sys, exec_fn, &x, 0, NULL, 0), KERR_OK);
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

static struct principal who(const char *email)
{
	static const struct principal sys = {.role = ROLE_SYSTEM};
	struct principal p;
	struct who_arg x = {email, &p};
	assert_int_equal(run(&sys, who_fn, &x, 0, NULL, 0), KERR_OK);
	return p;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dbpath, sizeof(dbpath), "/tmp/kapsule-unit-XXXXXX");
	int fd = mkstemp(dbpath);
	if (fd < 0)
		return -1;
	close(fd);
	config_defaults(&cfg);
	crypto_setup();
	crypto_set_pw_cost(1, 8192 * 1024);
	struct err e = {0};
	if (db_pool_open(dbpath, 2, 0, &pool, &e) || db_migrate(pool, &e))
		return -1;
	return demo_create(pool, &cfg, 20, 0, &e) == KERR_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_pool_close(pool);
	remove_sqlite_files(dbpath);
	return 0;
}

/* ---- the enquiry transition table ---- */

struct status_arg {
	int64_t id;
	const char *to;
};

static enum kerr set_status_fn(struct dctx *c, void *arg)
{
	struct status_arg *x = arg;
	return enquiry_set_status(c, x->id, x->to);
}

static void force_status(int64_t id, const char *status)
{
	static const char *const names[] = {"open", "awaiting_vendor", "awaiting_customer",
					    "resolved", "closed"};
	static const char *const q[] = {
	    "UPDATE enquiries SET status = 'open', active = 1 WHERE id = $1",
	    "UPDATE enquiries SET status = 'awaiting_vendor', active = 1 WHERE id = $1",
	    "UPDATE enquiries SET status = 'awaiting_customer', active = 1 WHERE id = $1",
	    "UPDATE enquiries SET status = 'resolved', active = 0, resolved_at = 1 WHERE id = $1",
	    "UPDATE enquiries SET status = 'closed', active = 0 WHERE id = $1",
	};
	for (int i = 0; i < 5; i++)
		if (strcmp(names[i], status) == 0)
			exec2(q[i], id, 0);
}

static void test_status_table(void **state)
{
	(void)state;
	static const char *const st[] = {"open", "awaiting_vendor", "awaiting_customer", "resolved",
					 "closed"};
	/* allowed[from][to] as DESIGN.md section 4 and enquiry.c say */
	static const int allowed[5][5] = {
	    {0, 0, 1, 1, 0}, /* open */
	    {0, 0, 0, 0, 0}, /* awaiting_vendor: vendor requests decide */
	    {1, 0, 0, 1, 0}, /* awaiting_customer */
	    {1, 0, 0, 0, 1}, /* resolved */
	    {0, 0, 0, 0, 0}, /* closed */
	};
	struct principal agent = who("agent@kapsule.co.uk");
	int64_t id = 1;
	for (int f = 0; f < 5; f++) {
		for (int t = 0; t < 5; t++) {
			force_status(id, st[f]);
			struct status_arg x = {id, st[t]};
			char msg[256];
			enum kerr rc = run(&agent, set_status_fn, &x, 0, msg, sizeof(msg));
			if (allowed[f][t]) {
				assert_int_equal(rc, KERR_OK);
			} else {
				assert_int_equal(rc, KERR_STATE);
				/* the error names the current state */
				assert_non_null(strstr(msg, st[f]));
			}
		}
	}
	force_status(id, "open");
	struct status_arg bad = {id, "archived"};
	assert_int_equal(run(&agent, set_status_fn, &bad, 0, NULL, 0), KERR_BAD_VALUE);
	struct principal customer = who("jane.doe@example.com");
	struct status_arg ok = {id, "resolved"};
	assert_int_equal(run(&customer, set_status_fn, &ok, 0, NULL, 0), KERR_FORBIDDEN);
	struct principal nobody = {0};
	assert_int_equal(run(&nobody, set_status_fn, &ok, 0, NULL, 0), KERR_UNAUTHENTICATED);
}

/* ---- reopening within the window ---- */

static enum kerr reopen_fn(struct dctx *c, void *arg)
{
	return enquiry_reopen(c, *(int64_t *)arg);
}

static void test_reopen_window(void **state)
{
	(void)state;
	struct principal agent = who("agent@kapsule.co.uk");
	struct principal jane = who("jane.doe@example.com");
	struct principal tom = who("tom.baker@example.com");
	int64_t id = 1, now = clock_now_ms(), day = 86400000;
	force_status(id, "open");
	struct status_arg x = {id, "resolved"};
	assert_int_equal(run(&agent, set_status_fn, &x, now, NULL, 0), KERR_OK);
	/* Another customer: as if it did not exist. */
	assert_int_equal(run(&tom, reopen_fn, &id, now, NULL, 0), KERR_NOT_FOUND);
	char msg[256];
	assert_int_equal(run(&jane, reopen_fn, &id, now + 14 * day + 1, msg, sizeof(msg)),
			 KERR_STATE);
	assert_non_null(strstr(msg, "window"));
	assert_int_equal(run(&jane, reopen_fn, &id, now + 14 * day - 1, NULL, 0), KERR_OK);
	assert_int_equal(run(&jane, reopen_fn, &id, now, msg, sizeof(msg)), KERR_STATE);
	assert_non_null(strstr(msg, "open"));
}

/* ---- closing after the window ---- */

static enum kerr close_fn(struct dctx *c, void *arg)
{
	return enquiry_close_expired(c, (int *)arg);
}

static void test_close_expired(void **state)
{
	(void)state;
	static const struct principal sys = {.role = ROLE_SYSTEM};
	struct principal agent = who("agent@kapsule.co.uk");
	int64_t now = clock_now_ms(), day = 86400000, id = 1;
	force_status(id, "open");
	struct status_arg x = {id, "resolved"};
	assert_int_equal(run(&agent, set_status_fn, &x, now, NULL, 0), KERR_OK);
	int closed = -1;
	assert_int_equal(run(&sys, close_fn, &closed, now + 13 * day, NULL, 0), KERR_OK);
	assert_int_equal(closed, 0);
	assert_int_equal(run(&sys, close_fn, &closed, now + 15 * day, NULL, 0), KERR_OK);
	assert_true(closed >= 1);
	/* Only the system runs it. */
	assert_int_equal(run(&agent, close_fn, &closed, now, NULL, 0), KERR_FORBIDDEN);
	force_status(id, "open");
}

/* ---- who sees what ---- */

struct get_arg {
	int64_t id;
	struct enquiry q;
	struct order o;
};

static enum kerr get_fn(struct dctx *c, void *arg)
{
	struct get_arg *x = arg;
	enum kerr rc = enquiry_get(c, x->id, &x->q);
	if (!rc) {
		/* The status lives in the step's arena: copy what the test reads. */
		static char status[24];
		snprintf(status, sizeof(status), "%s", x->q.status);
		x->q.status = status;
	}
	return rc;
}

static enum kerr order_fn(struct dctx *c, void *arg)
{
	struct get_arg *x = arg;
	enum kerr rc = order_get(c, x->id, &x->o);
	if (!rc) {
		/* Copy what the test reads out of the arena before it is freed. */
		static char note[512], first[64];
		snprintf(note, sizeof(note), "%s", x->o.note ? x->o.note : "");
		snprintf(first, sizeof(first), "%s", x->o.customer_first_name);
		x->o.note = note;
		x->o.customer_first_name = first;
	}
	return rc;
}

static void test_visibility(void **state)
{
	(void)state;
	struct principal jane = who("jane.doe@example.com");
	struct principal tom = who("tom.baker@example.com");
	struct principal vendor = who("sales@northwind-ceramics.example");
	struct principal other_vendor = who("hello@blueheron-outdoor.example");
	struct get_arg x = {.id = 1};
	assert_int_equal(run(&jane, get_fn, &x, 0, NULL, 0), KERR_OK);
	assert_int_equal(x.q.view, VIEW_CUSTOMER);
	assert_int_equal(run(&tom, get_fn, &x, 0, NULL, 0), KERR_NOT_FOUND);
	assert_int_equal(run(&vendor, get_fn, &x, 0, NULL, 0), KERR_FORBIDDEN);
	x.id = 999999;
	assert_int_equal(run(&jane, get_fn, &x, 0, NULL, 0), KERR_NOT_FOUND);
	/* Order 1 (Jane, Northwind) has a phone number in its note. */
	x.id = 1;
	assert_int_equal(run(&vendor, order_fn, &x, 0, NULL, 0), KERR_OK);
	assert_int_equal(x.o.view, VIEW_VENDOR);
	assert_null(x.o.customer_last_name);
	assert_null(x.o.customer_email);
	assert_null(x.o.customer_phone);
	assert_null(x.o.customer_address);
	assert_string_equal(x.o.customer_first_name, "Jane");
	assert_null(strstr(x.o.note, "07700"));
	assert_non_null(strstr(x.o.note, "[contact details removed]"));
	assert_int_equal(run(&other_vendor, order_fn, &x, 0, NULL, 0), KERR_NOT_FOUND);
	assert_int_equal(run(&tom, order_fn, &x, 0, NULL, 0), KERR_NOT_FOUND);
}

/* ---- vendor request states ---- */

struct vreq_arg {
	int64_t enquiry_id, id;
	const char *text;
};

static enum kerr vreq_create_fn(struct dctx *c, void *arg)
{
	struct vreq_arg *x = arg;
	static const char *const kinds[] = {"invoice", "photo", "invoice"};
	struct vreq_in in = {"Please send the invoice.", kinds, 3, 0};
	struct vreq_screened sc;
	return vreq_create(c, x->enquiry_id, &in, &x->id, &sc);
}

static enum kerr vreq_answer_fn(struct dctx *c, void *arg)
{
	struct vreq_arg *x = arg;
	int64_t mid;
	struct vreq_screened sc;
	return vreq_answer(c, x->id, x->text, NULL, 0, &mid, &sc);
}

static enum kerr vreq_cancel_fn(struct dctx *c, void *arg)
{
	struct vreq_arg *x = arg;
	return vreq_cancel(c, x->id);
}

struct state_arg {
	int64_t id;
	char state[24];
	char evidence[64];
	char enquiry_status[24];
};

static enum kerr state_fn(struct dctx *c, void *arg)
{
	struct state_arg *x = arg;
	struct vreq v;
	enum kerr rc = vreq_get(c, x->id, &v);
	if (rc)
		return rc;
	snprintf(x->state, sizeof(x->state), "%s", v.state);
	snprintf(x->evidence, sizeof(x->evidence), "%s", v.evidence);
	struct enquiry q;
	if ((rc = enquiry_get(c, v.enquiry_id, &q)))
		return rc;
	snprintf(x->enquiry_status, sizeof(x->enquiry_status), "%s", q.status);
	return KERR_OK;
}

static void test_vreq_states(void **state)
{
	(void)state;
	struct principal agent = who("agent@kapsule.co.uk");
	struct principal vendor = who("sales@northwind-ceramics.example");
	struct principal other_vendor = who("hello@blueheron-outdoor.example");
	force_status(1, "open");
	struct vreq_arg x = {1, 0, "Invoice attached."};
	assert_int_equal(run(&agent, vreq_create_fn, &x, 0, NULL, 0), KERR_OK);
	struct state_arg s = {x.id, "", "", ""};
	assert_int_equal(run(&agent, state_fn, &s, 0, NULL, 0), KERR_OK);
	assert_string_equal(s.state, "open");
	assert_string_equal(s.evidence, "invoice,photo"); /* duplicates dropped */
	assert_string_equal(s.enquiry_status, "awaiting_vendor");
	/* Only the order's vendor answers; others see nothing. */
	assert_int_equal(run(&other_vendor, vreq_answer_fn, &x, 0, NULL, 0), KERR_NOT_FOUND);
	assert_int_equal(run(&agent, vreq_answer_fn, &x, 0, NULL, 0), KERR_FORBIDDEN);
	x.text = "   ";
	assert_int_equal(run(&vendor, vreq_answer_fn, &x, 0, NULL, 0), KERR_BAD_VALUE);
	x.text = "Invoice attached.";
	assert_int_equal(run(&vendor, vreq_answer_fn, &x, 0, NULL, 0), KERR_OK);
	assert_int_equal(run(&agent, state_fn, &s, 0, NULL, 0), KERR_OK);
	assert_string_equal(s.state, "answered");
	assert_string_equal(s.enquiry_status, "open");
	char msg[256];
	assert_int_equal(run(&vendor, vreq_answer_fn, &x, 0, msg, sizeof(msg)), KERR_STATE);
	assert_non_null(strstr(msg, "answered"));
	assert_int_equal(run(&agent, vreq_cancel_fn, &x, 0, msg, sizeof(msg)), KERR_STATE);
	/* An overdue request answered is answered_late. */
	assert_int_equal(run(&agent, vreq_create_fn, &x, 0, NULL, 0), KERR_OK);
	exec2("UPDATE vendor_requests SET state = 'overdue' WHERE id = $1", x.id, 0);
	assert_int_equal(run(&vendor, vreq_answer_fn, &x, 0, NULL, 0), KERR_OK);
	s.id = x.id;
	assert_int_equal(run(&agent, state_fn, &s, 0, NULL, 0), KERR_OK);
	assert_string_equal(s.state, "answered_late");
	/* Two open requests: the enquiry waits until both end. */
	struct vreq_arg a = {1, 0, NULL}, b = {1, 0, NULL};
	assert_int_equal(run(&agent, vreq_create_fn, &a, 0, NULL, 0), KERR_OK);
	assert_int_equal(run(&agent, vreq_create_fn, &b, 0, NULL, 0), KERR_OK);
	assert_int_equal(run(&agent, vreq_cancel_fn, &a, 0, NULL, 0), KERR_OK);
	s.id = b.id;
	assert_int_equal(run(&agent, state_fn, &s, 0, NULL, 0), KERR_OK);
	assert_string_equal(s.enquiry_status, "awaiting_vendor");
	assert_int_equal(run(&agent, vreq_cancel_fn, &b, 0, NULL, 0), KERR_OK);
	assert_int_equal(run(&agent, state_fn, &s, 0, NULL, 0), KERR_OK);
	assert_string_equal(s.enquiry_status, "open");
	/* No requests on a resolved enquiry. */
	force_status(1, "resolved");
	assert_int_equal(run(&agent, vreq_create_fn, &x, 0, NULL, 0), KERR_STATE);
	force_status(1, "open");
}

/* ---- message rules ---- */

struct post_arg {
	int64_t id;
	const char *audience, *body;
};

static enum kerr post_fn(struct dctx *c, void *arg)
{
	struct post_arg *x = arg;
	return message_post(c, x->id, x->audience, x->body, NULL, 0, NULL, NULL);
}

static void test_message_rules(void **state)
{
	(void)state;
	struct principal jane = who("jane.doe@example.com");
	struct principal agent = who("agent@kapsule.co.uk");
	force_status(1, "open");
	struct post_arg p = {1, "internal", "note"};
	assert_int_equal(run(&jane, post_fn, &p, 0, NULL, 0), KERR_FORBIDDEN);
	p.audience = "to_vendor";
	assert_int_equal(run(&agent, post_fn, &p, 0, NULL, 0), KERR_BAD_VALUE);
	p.audience = "customer";
	p.body = "bad \x01 control";
	assert_int_equal(run(&jane, post_fn, &p, 0, NULL, 0), KERR_BAD_UTF8);
	p.body = "ok";
	force_status(1, "closed");
	assert_int_equal(run(&agent, post_fn, &p, 0, NULL, 0), KERR_STATE);
	force_status(1, "resolved");
	assert_int_equal(run(&jane, post_fn, &p, 0, NULL, 0), KERR_STATE);
	p.audience = "internal";
	assert_int_equal(run(&agent, post_fn, &p, 0, NULL, 0), KERR_OK);
	force_status(1, "awaiting_customer");
	p.audience = "customer";
	assert_int_equal(run(&jane, post_fn, &p, 0, NULL, 0), KERR_OK);
	struct get_arg g = {.id = 1};
	assert_int_equal(run(&agent, get_fn, &g, 0, NULL, 0), KERR_OK);
	assert_string_equal(g.q.status, "open");
}

/* ---- idempotency keys ---- */

struct idem_arg {
	const char *hash;
	struct idem_hit hit;
	int store;
};

static enum kerr idem_fn(struct dctx *c, void *arg)
{
	struct idem_arg *x = arg;
	if (x->store)
		return idem_store(c, "key-1", x->hash, 201, "{\"id\":7}");
	enum kerr rc = idem_lookup(c, "key-1", x->hash, &x->hit);
	x->hit.body = NULL; /* arena memory */
	return rc;
}

static void test_idempotency(void **state)
{
	(void)state;
	struct principal jane = who("jane.doe@example.com");
	struct principal tom = who("tom.baker@example.com");
	struct idem_arg x = {"hash-a", {0}, 0};
	assert_int_equal(run(&jane, idem_fn, &x, 0, NULL, 0), KERR_OK);
	assert_int_equal(x.hit.found, 0);
	x.store = 1;
	assert_int_equal(run(&jane, idem_fn, &x, 0, NULL, 0), KERR_OK);
	x.store = 0;
	assert_int_equal(run(&jane, idem_fn, &x, 0, NULL, 0), KERR_OK);
	assert_int_equal(x.hit.found, 1);
	assert_int_equal(x.hit.status, 201);
	/* Keys are per user. */
	assert_int_equal(run(&tom, idem_fn, &x, 0, NULL, 0), KERR_OK);
	assert_int_equal(x.hit.found, 0);
	x.hash = "hash-b";
	assert_int_equal(run(&jane, idem_fn, &x, 0, NULL, 0), KERR_IDEM_MISMATCH);
	/* Past the keeping time the key is free again. */
	assert_int_equal(run(&jane, idem_fn, &x, clock_now_ms() + IDEM_KEEP_MS + 1000, NULL, 0),
			 KERR_OK);
	assert_int_equal(x.hit.found, 0);
}

/* ---- the audit chain ---- */

static void test_audit_chain(void **state)
{
	(void)state;
	int64_t count = 0, bad = 0;
	assert_int_equal(audit_verify(pool, &count, &bad), KERR_OK);
	assert_int_equal(bad, 0);
	assert_true(count > 50);
	/* Editing an event breaks the chain at it. */
	exec2("UPDATE audit_events SET summary = '{\"status\":[\"open\",\"closed\"]}'"
	      " WHERE id = $1",
	      10, 0);
	assert_int_equal(audit_verify(pool, &count, &bad), KERR_CONFLICT);
	assert_int_equal(bad, 10);
	/* Deleting one breaks it at the next. */
	exec2("DELETE FROM audit_events WHERE id = $1", 10, 0);
	assert_int_equal(audit_verify(pool, &count, &bad), KERR_CONFLICT);
	assert_int_equal(bad, 11);
}

static void test_refund_policy_texts(void **state)
{
	(void)state;
	assert_true(enquiry_categories_valid(""));
	assert_true(enquiry_categories_valid("not_received,damaged,wrong_item"));
	assert_true(enquiry_categories_valid(" other , damaged "));
	assert_false(enquiry_categories_valid("damaged,damaged"));
	assert_false(enquiry_categories_valid("damaged,bogus"));
	assert_false(enquiry_categories_valid("damaged;other"));
	assert_false(enquiry_categories_valid("damage"));
	assert_true(enquiry_category_listed("not_received, damaged", "damaged"));
	assert_false(enquiry_category_listed("not_received,damaged", "damage"));
	assert_false(enquiry_category_listed("", "damaged"));
	struct arena a;
	arena_init(&a);
	assert_string_equal(refund_amount_text(&a, 1500, "GBP"), "15.00 GBP");
	assert_string_equal(refund_amount_text(&a, 5, "EUR"), "0.05 EUR");
	assert_string_equal(refund_amount_text(&a, 1500, "JPY"), "1500 JPY");
	assert_string_equal(refund_amount_text(&a, 12345, "KWD"), "12.345 KWD");
	assert_string_equal(refund_amount_text(&a, 0, "USD"), "0.00 USD");
	arena_free(&a);
}

static void test_mail_format(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	/* 2026-11-26 12:00:00 UTC */
	char *m = mailer_format(&c, 42, 1795694400000LL, "nadia@example.com",
				"Reminder: answer about order KP-1", "Hello,\n\nLine two.\n");
	assert_non_null(strstr(m, "Date: Thu, 26 Nov 2026 12:00:00 +0000\r\n"));
	assert_non_null(strstr(m, "From: \"Kapsule\" <support@kapsule.co.uk>\r\n"));
	assert_non_null(strstr(m, "To: <nadia@example.com>\r\n"));
	assert_non_null(strstr(m, "Subject: Reminder: answer about order KP-1\r\n"));
	assert_non_null(strstr(m, "Message-ID: <mail-42@kapsule.co.uk>\r\n")); /* every try */
	assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(m, "\r\n\r\nHello,\r\n\r\nLine two.\r\n"));
	assert_null(strstr(m, "two.\n\n")); /* every line end is CRLF */
	free(m);
	/* A subject beyond ASCII is encoded (RFC 2047), in words split between characters. */
	snprintf(c.mail_from, sizeof(c.mail_from), "Kapsule Desk <desk@kapsule.co.uk>");
	m = mailer_format(&c, 7, 0, "a@example.com",
			  "Remboursé : commande KP-1 — très bien, merci beaucoup à vous tous", "x");
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(m, "?=\r\n =?UTF-8?B?"));
	assert_non_null(strstr(m, "From: \"Kapsule Desk\" <desk@kapsule.co.uk>\r\n"));
	/* No encoded word is longer than RFC 2047's 75 characters. */
	for (const char *w = strstr(m, "=?UTF-8?B?"); w; w = strstr(w + 1, "=?UTF-8?B?"))
		assert_true(strstr(w, "?=") + 2 - w <= 75);
	assert_null(strstr(m, "Rembours\xc3\xa9"));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_table),	cmocka_unit_test(test_reopen_window),
	    cmocka_unit_test(test_close_expired),	cmocka_unit_test(test_visibility),
	    cmocka_unit_test(test_vreq_states),		cmocka_unit_test(test_message_rules),
	    cmocka_unit_test(test_idempotency),		cmocka_unit_test(test_audit_chain),
	    cmocka_unit_test(test_refund_policy_texts), cmocka_unit_test(test_mail_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
