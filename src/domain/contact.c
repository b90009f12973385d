/*
 * contact.c - contact-detail protection at the boundaries.  See contact.h.
 */
#include "domain/contact.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/order.h"
#include "screen/screen.h"

const char *const violation_states[] = {"open", "confirmed", "dismissed", NULL};

static const char SQL_CUSTOMER[] =
    "SELECT" ORDER_PARTY_COLS
    " FROM enquiries e" ORDER_PARTY_JOIN("e.customer_id") " WHERE e.id = $1";
static const char SQL_VENDOR[] =
    "SELECT contact_email, contact_phone, website, handles FROM vendors WHERE id = $1";
static const char SQL_VENDOR_TEXT[] =
    "SELECT body, findings FROM messages WHERE enquiry_id = $1 AND audience = 'from_vendor'"
    " AND findings IS NOT NULL ORDER BY id LIMIT 200";
static const char SQL_SET_FINDINGS[] = "UPDATE messages SET findings = $2 WHERE id = $1";
static const char SQL_OPEN[] =
    "INSERT INTO violations (vendor_id, enquiry_id, message_id, kinds, evidence, state,"
    " created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id";
#define VIOLATION_COLS                                                                             \
	"SELECT x.id, x.vendor_id, x.enquiry_id, x.message_id, v.shop_name, x.kinds,"              \
	" x.evidence, x.state, x.reason, x.created_at, x.decided_at, x.decided_by"                 \
	" FROM violations x JOIN vendors v ON v.id = x.vendor_id"
static const char SQL_ONE[] = VIOLATION_COLS " WHERE x.id = $1";
static const char SQL_LIST[] =
    VIOLATION_COLS " WHERE ($1 = '' OR x.state = $1) AND ($2 = 0 OR x.vendor_id = $2)"
		   " AND ($3 = 0 OR x.id < $3) ORDER BY x.id DESC LIMIT $4";
static const char SQL_LOCK[] = "SELECT state, vendor_id FROM violations WHERE id = $1 FOR UPDATE";
static const char SQL_DECIDE[] =
    "UPDATE violations SET state = $2, reason = $3, decided_by = $4, decided_at = $5"
    " WHERE id = $1";

/* The kinds of finding that are contact details (not invitations). */
static int is_detail(enum screen_kind k)
{
	return k == SCREEN_PHONE || k == SCREEN_EMAIL || k == SCREEN_URL || k == SCREEN_HANDLE;
}

static const char *why(enum screen_kind k)
{
	switch (k) {
	case SCREEN_PHONE:
		return "phone numbers may not be shared: Kapsule passes your answer on and "
		       "keeps the conversation with the customer";
	case SCREEN_EMAIL:
		return "e-mail addresses may not be shared: Kapsule keeps the conversation "
		       "with the customer";
	case SCREEN_URL:
		return "links to sites other than Kapsule may not be shared";
	case SCREEN_HANDLE:
		return "social and messaging handles may not be shared";
	case SCREEN_SOLICITATION:
		return "inviting the customer to talk or trade outside Kapsule is not allowed";
	case SCREEN_KNOWN:
		break;
	}
	return "the customer's details may not be passed on";
}

/* Findings in the arena, from spans of text. */
static struct contact_finding *findings_of(struct dctx *c, const char *text,
					   const struct screen_span *sp, int n)
{
	struct contact_finding *f = arena_calloc(c->a, (size_t)(n ? n : 1), sizeof(*f));
	for (int i = 0; i < n; i++) {
		f[i].kind = screen_kind_name(sp[i].kind);
		f[i].start = (int64_t)sp[i].start;
		f[i].end = (int64_t)sp[i].end;
		f[i].excerpt = arena_strndup(c->a, text + sp[i].start, sp[i].end - sp[i].start);
		f[i].why = why(sp[i].kind);
	}
	return f;
}

enum kerr contact_removed_for_vendor(struct dctx *c, const struct enquiry_row *row,
				     const char *text, struct contact_finding **out, int *n,
				     const char **vendor_sees)
{
	struct screen_party p;
	memset(&p, 0, sizeof(p));
	struct db_stmt *st = db_prep(c->db, SQL_CUSTOMER);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(row->id));
	int r = db_step(st);
	if (r == DB_ROW)
		order_read_party(c, st, 0, &p);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	struct screen_span *sp = arena_calloc(c->a, SCREEN_MAX_SPANS, sizeof(*sp));
	int count = 0;
	if (screen_find(text, strlen(text), &p, sp, SCREEN_MAX_SPANS, &count))
		count = 0; /* too many to list: order_redact_for_vendor withholds it all */
	*out = findings_of(c, text, sp, count);
	*n = count;
	*vendor_sees = order_redact_for_vendor(c, &p, text);
	return KERR_OK;
}

/* The spans as stored with a message: [{"kind","start","end"}]. */
static const char *spans_json(struct dctx *c, const struct screen_span *sp, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    a, json_pack("{s:s,s:I,s:I}", "kind", screen_kind_name(sp[i].kind), "start",
				 (json_int_t)sp[i].start, "end", (json_int_t)sp[i].end));
	const char *s = dom_json_text(c, a, 0);
	json_decref(a);
	return s;
}

enum kerr contact_vendor_text(struct dctx *c, const struct enquiry_row *row, int64_t message_id,
			      const char *text, struct contact_finding **out, int *n,
			      int64_t *violation_id)
{
	*out = NULL;
	*n = 0;
	*violation_id = 0;
	struct screen_span *sp = arena_calloc(c->a, SCREEN_MAX_SPANS, sizeof(*sp));
	int count = 0;
	size_t len = strlen(text);
	enum kerr rc = screen_find(text, len, NULL, sp, SCREEN_MAX_SPANS, &count);
	if (rc == KERR_LIMIT) { /* too many to list: the whole text is the evidence */
		sp[0] = (struct screen_span){0, len, SCREEN_SOLICITATION, 50};
		count = 1;
	} else if (rc) {
		return err_set(c->e, rc, "text", "the text cannot be screened");
	}
	if ((rc = db_exec(c->db, c->e, SQL_SET_FINDINGS,
			  DB_ARGS(message_id, spans_json(c, sp, count)))))
		return rc;
	/* Every finding of these kinds is one the vendor may not send (the operator's own are not
	 * found). */
	int bad = 0;
	for (int i = 0; i < count; i++)
		if (is_detail(sp[i].kind) || sp[i].kind == SCREEN_SOLICITATION)
			sp[bad++] = sp[i];
	if (!bad)
		return KERR_OK;
	*out = findings_of(c, text, sp, bad);
	*n = bad;
	struct buf kinds;
	buf_init(&kinds, 0);
	json_t *evidence = json_array();
	for (int i = 0; i < bad; i++) {
		const char *k = (*out)[i].kind;
		if (!strstr(buf_cstr(&kinds), k))
			buf_printf(&kinds, "%s%s", kinds.len ? "," : "", k);
		json_array_append_new(evidence, json_pack("{s:s,s:I,s:I,s:s}", "kind", k, "start",
							  (json_int_t)(*out)[i].start, "end",
							  (json_int_t)(*out)[i].end, "excerpt",
							  (*out)[i].excerpt));
	}
	const char *kinds_text = arena_strdup(c->a, buf_cstr(&kinds));
	buf_free(&kinds);
	const char *evidence_text = dom_json_text(c, evidence, 0);
	json_decref(evidence);
	if ((rc = db_one_i64(
		 c->db, c->e, violation_id, SQL_OPEN,
		 DB_ARGS(row->vendor_id, row->id, message_id, kinds_text, evidence_text, c->now))))
		return rc;
	return audit_append(c, "violation.open", "violation", *violation_id,
			    json_pack("{s:I,s:I,s:s,s:i}", "vendor_id", (json_int_t)row->vendor_id,
				      "message_id", (json_int_t)message_id, "kinds", kinds_text,
				      "findings", bad));
}

/* The values (screen_value) that may not reach the customer: a small set. */
#define MAX_FORBIDDEN 256
struct forbidden {
	char v[MAX_FORBIDDEN][128];
	int n;
};

static void forbid(struct forbidden *f, const char *text, size_t n, struct screen_span sp)
{
	if (f->n >= MAX_FORBIDDEN || screen_value(text, n, &sp, f->v[f->n], sizeof(f->v[0])) ||
	    strlen(f->v[f->n]) < 3)
		return;
	f->n++;
}

static int forbidden_has(const struct forbidden *f, const char *v)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->v[i], v) == 0)
			return 1;
	return 0;
}

/* A registered detail, as written, of the given kind. */
static void forbid_detail(struct forbidden *f, const char *s, enum screen_kind kind)
{
	if (s && *s)
		forbid(f, s, strlen(s), (struct screen_span){0, strlen(s), kind, 100});
}

/* The vendor's registered details: into f, and the handles as words into others. */
static enum kerr vendor_details(struct dctx *c, int64_t vendor_id, struct forbidden *f,
				struct screen_party *p, const char **others)
{
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id));
	int r = db_step(st);
	if (r == DB_ROW) {
		p->email = dom_col_str(c, st, 0);
		p->phone = dom_col_str(c, st, 1);
		const char *website = dom_col_str(c, st, 2);
		const char *handles = dom_col_str(c, st, 3);
		forbid_detail(f, p->email, SCREEN_EMAIL);
		forbid_detail(f, p->phone, SCREEN_PHONE);
		forbid_detail(f, website, SCREEN_URL);
		for (const char *h = handles ? handles : ""; *h;) {
			const char *comma = strchr(h, ',');
			size_t len = comma ? (size_t)(comma - h) : strlen(h);
			struct slice part = slice_trim((struct slice){h, len});
			const char *colon = memchr(part.p, ':', part.n); /* "tiktok:janemakes" */
			if (colon)
				part = slice_trim((struct slice){
				    colon + 1, part.n - (size_t)(colon + 1 - part.p)});
			if (part.n >= 3 && p->nothers < SCREEN_MAX_OTHERS) {
				const char *name = arena_strndup(c->a, part.p, part.n);
				others[p->nothers++] = name;
				forbid_detail(f, name, SCREEN_HANDLE);
			}
			h += len + (comma ? 1 : 0);
		}
		p->others = others;
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

/* The details found in the enquiry's vendor text, into f. */
static enum kerr vendor_text_details(struct dctx *c, int64_t enquiry_id, struct forbidden *f)
{
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR_TEXT);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(enquiry_id));
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		const char *body = db_col_text(st, 0);
		json_t *spans = json_loads(db_col_text(st, 1), 0, NULL);
		size_t i;
		json_t *s;
		json_array_foreach(spans, i, s)
		{
			const char *kind = json_string_value(json_object_get(s, "kind"));
			json_int_t start = json_integer_value(json_object_get(s, "start"));
			json_int_t end = json_integer_value(json_object_get(s, "end"));
			for (enum screen_kind k = SCREEN_PHONE; k <= SCREEN_HANDLE; k++)
				if (kind && strcmp(kind, screen_kind_name(k)) == 0 && start >= 0 &&
				    end > start)
					forbid(
					    f, body, strlen(body),
					    (struct screen_span){(size_t)start, (size_t)end, k, 0});
		}
		json_decref(spans);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr contact_check_reply(struct dctx *c, const struct enquiry_row *row, const char *body)
{
	struct forbidden *f = arena_calloc(c->a, 1, sizeof(*f));
	struct screen_party p;
	memset(&p, 0, sizeof(p));
	const char **others = arena_calloc(c->a, SCREEN_MAX_OTHERS, sizeof(*others));
	enum kerr rc;
	if ((rc = vendor_details(c, row->vendor_id, f, &p, others)) ||
	    (rc = vendor_text_details(c, row->id, f)))
		return rc;
	struct screen_span *sp = arena_calloc(c->a, SCREEN_MAX_SPANS, sizeof(*sp));
	int count = 0;
	size_t len = strlen(body);
	rc = screen_find(body, len, &p, sp, SCREEN_MAX_SPANS, &count);
	if (rc == KERR_LIMIT)
		return err_set(c->e, KERR_CONTACT_DETAILS, "body",
			       "the reply holds too many contact details to check; shorten it");
	if (rc)
		return err_set(c->e, rc, "body", "the reply cannot be screened");
	struct err_span bad[ERR_MAX_SPANS];
	int nbad = 0, total = 0;
	for (int i = 0; i < count; i++) {
		char v[128];
		if (!is_detail(sp[i].kind) || screen_value(body, len, &sp[i], v, sizeof(v)) ||
		    !forbidden_has(f, v))
			continue;
		if (nbad < ERR_MAX_SPANS) {
			snprintf(bad[nbad].kind, sizeof(bad[nbad].kind), "%s",
				 screen_kind_name(sp[i].kind));
			bad[nbad].start = (long long)sp[i].start;
			bad[nbad].end = (long long)sp[i].end;
			nbad++;
		}
		total++;
	}
	if (!total)
		return KERR_OK;
	err_set(c->e, KERR_CONTACT_DETAILS, "body",
		"the reply carries the vendor's contact details (%d %s, first a %s at bytes "
		"%lld-%lld); the customer may not receive them: take them out",
		total, total == 1 ? "place" : "places", bad[0].kind, bad[0].start, bad[0].end);
	memcpy(c->e->spans, bad, sizeof(bad[0]) * (size_t)nbad);
	c->e->nspans = nbad;
	return KERR_CONTACT_DETAILS;
}

static void read_violation(struct dctx *c, struct db_stmt *st, void *out)
{
	struct violation *v = out;
	v->id = db_col_i64(st, 0);
	v->vendor_id = db_col_i64(st, 1);
	v->enquiry_id = db_col_i64(st, 2);
	v->message_id = db_col_i64(st, 3);
	v->shop_name = dom_col_str(c, st, 4);
	v->kinds = dom_col_str(c, st, 5);
	v->evidence = dom_col_str(c, st, 6);
	v->state = dom_col_str(c, st, 7);
	v->reason = dom_col_str(c, st, 8);
	v->created_at = db_col_i64(st, 9);
	v->decided_at = db_col_i64(st, 10);
	v->decided_by = dom_view(c) == VIEW_STAFF ? db_col_i64(st, 11) : 0;
	if (dom_view(c) != VIEW_STAFF)
		v->enquiry_id = 0; /* vendors know their requests, not the operator's enquiries */
}

enum kerr violation_list(struct dctx *c, const char *state, int64_t vendor_id, int64_t after,
			 int limit, struct violation **out, int *n)
{
	enum kerr rc = dom_require(c, ROLE_VENDOR | ROLES_STAFF);
	if (rc)
		return rc;
	if (state && *state && (rc = dom_check_enum(c, "state", state, violation_states)))
		return rc;
	if (c->who->role == ROLE_VENDOR)
		vendor_id = c->who->vendor_id; /* a vendor sees its own only */
	struct db_stmt *st = db_prep(c->db, SQL_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(state ? state : "", vendor_id, after, (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)(limit > 0 ? limit : 1), sizeof(**out));
	*n = 0;
	int r;
	while ((r = db_step(st)) == DB_ROW && *n < limit)
		read_violation(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr violation_get(struct dctx *c, int64_t id, struct violation *out)
{
	enum kerr rc = dom_require(c, ROLE_VENDOR | ROLES_STAFF);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	int found;
	if ((rc = dom_fetch(c, SQL_ONE, id, read_violation, out, &found)))
		return rc;
	if (!found || (c->who->role == ROLE_VENDOR && out->vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such violation");
	return KERR_OK;
}

enum kerr violation_decide(struct dctx *c, int64_t id, const char *decision, const char *reason)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_text(c, "reason", reason, 2000, 1)))
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_LOCK);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	char state[16] = "";
	int64_t vendor_id = 0;
	if (r == DB_ROW) {
		snprintf(state, sizeof(state), "%s", db_col_text(st, 0));
		vendor_id = db_col_i64(st, 1);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such violation");
	if (strcmp(state, "open") != 0)
		return err_set(c->e, KERR_STATE, "state", "the violation is already %s", state);
	const char *to = strcmp(decision, "confirm") == 0 ? "confirmed" : "dismissed";
	if ((rc = db_exec(c->db, c->e, SQL_DECIDE,
			  DB_ARGS(id, to, reason, c->who->user_id, c->now))))
		return rc;
	return audit_append(
	    c, strcmp(to, "confirmed") == 0 ? "violation.confirm" : "violation.dismiss",
	    "violation", id,
	    json_pack("{s:[s,s],s:I,s:s}", "state", "open", to, "vendor_id", (json_int_t)vendor_id,
		      "reason", reason));
}
