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
#include "domain/standing.h"
#include "screen/screen.h"

const char *const violation_states[] = {"open", "confirmed", "dismissed", NULL};

static const char SQL_CUSTOMER[] =
    "SELECT" ORDER_PARTY_COLS
    " FROM enquiries e" ORDER_PARTY_JOIN("e.customer_id") " WHERE e.id = $1";
static const char SQL_VENDOR[] =
    "SELECT contact_email, contact_phone, website, handles FROM vendors WHERE id = $1";
static const char SQL_VENDOR_VALUES[] =
    "SELECT contact_values FROM messages WHERE enquiry_id = $1 AND audience = 'from_vendor'"
    " AND contact_values IS NOT NULL";
static const char SQL_SET_FINDINGS[] =
    "UPDATE messages SET findings = $2, contact_values = $3 WHERE id = $1";
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

/* Findings a text of a vendor's may hold (one per two bytes of the longest). */
#define MAX_FINDINGS (2 * ENQUIRY_MAX_BODY)

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

/*
 * Values of contact details (screen_value()) that may not reach the
 * customer, kept as "p:DIGITS" for phone numbers (the last nine digits,
 * found inside any run of digits) and "v:VALUE" for the rest; grows as
 * needed, in the arena.  values_seal() sorts them and drops repeats, so
 * that they are looked up by halving (values_has()): a vendor who writes
 * thousands of details makes no reply slow to check.
 */
struct values {
	const char **v;
	int n, cap;
};

/* Adds v, a string in the arena. */
static void values_add(struct dctx *c, struct values *s, const char *v)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 32;
		const char **more = arena_calloc(c->a, (size_t)cap, sizeof(*more));
		if (s->n)
			memcpy(more, s->v, (size_t)s->n * sizeof(*more));
		s->v = more;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static void add_value_prefixed(struct dctx *c, struct values *s, const char *prefix, const char *v)
{
	values_add(c, s, arena_printf(c->a, "%s%s", prefix, v));
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, each once. */
static void values_seal(struct values *s)
{
	if (s->n > 1)
		qsort(s->v, (size_t)s->n, sizeof(*s->v), by_text);
	int out = 0;
	for (int i = 0; i < s->n; i++)
		if (!out || strcmp(s->v[out - 1], s->v[i]) != 0)
			s->v[out++] = s->v[i];
	s->n = out;
}

/* 1 when the sealed s holds prefix then v[0..n). */
static int values_has(const struct values *s, char prefix, const char *v, size_t n)
{
	int lo = 0, hi = s->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const char *x = s->v[mid];
		int d = (unsigned char)x[0] - (unsigned char)prefix;
		if (!d)
			d = x[1] - ':';
		if (!d) {
			d = strncmp(x + 2, v, n);
			if (!d && x[2 + n])
				d = 1; /* x is longer */
		}
		if (!d)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A phone number's key: its last nine digits (or all of seven or eight). */
static void add_phone(struct dctx *c, struct values *s, const char *digits)
{
	size_t len = strlen(digits);
	if (len < 7)
		return;
	add_value_prefixed(c, s, "p:", digits + (len > 9 ? len - 9 : 0));
}

/* The value of text[sp] into s, by its kind. */
static void add_span(struct dctx *c, struct values *s, const char *text, size_t n,
		     struct screen_span sp)
{
	char v[256];
	if (screen_value(text, n, &sp, v, sizeof(v)) || strlen(v) < 3)
		return;
	if (sp.kind == SCREEN_PHONE)
		add_phone(c, s, v);
	else
		add_value_prefixed(c, s, "v:", v);
}

struct run_ctx {
	struct dctx *c;
	struct values *s;
};

static void each_run(void *ctx, size_t start, size_t end, const char *digits)
{
	struct run_ctx *r = ctx;
	(void)start;
	(void)end;
	add_phone(r->c, r->s, digits);
}

/*
 * The values of every contact detail of text: each finding of sp[0..count)
 * (screen_find_each: on its own, so a number inside a link or a handle
 * inside an address counts) and every run of digits.
 */
static enum kerr text_values(struct dctx *c, const char *text, const struct screen_span *sp,
			     int count, struct values *s)
{
	size_t n = strlen(text);
	for (int i = 0; i < count; i++)
		if (is_detail(sp[i].kind))
			add_span(c, s, text, n, sp[i]);
	struct run_ctx r = {c, s};
	return screen_digit_runs(text, n, each_run, &r);
}

static enum kerr vendor_details(struct dctx *c, int64_t vendor_id, struct values *s,
				struct screen_party *p);

enum kerr contact_vendor_text(struct dctx *c, const struct enquiry_row *row, int64_t message_id,
			      const char *text, struct contact_finding **out, int *n,
			      int64_t *violation_id)
{
	*out = NULL;
	*n = 0;
	*violation_id = 0;
	struct screen_span *sp = arena_calloc(c->a, (size_t)MAX_FINDINGS, sizeof(*sp));
	int count = 0;
	size_t len = strlen(text);
	struct values values = {0};
	/* The vendor's own registered handles count too, written bare ("janemakes"). */
	struct screen_party self;
	memset(&self, 0, sizeof(self));
	enum kerr rc = vendor_details(c, row->vendor_id, NULL, &self);
	if (rc)
		return rc;
	/* One screening: every finding on its own gives the values, merged the display. */
	rc = screen_find_each(text, len, &self, sp, MAX_FINDINGS, &count);
	if (!rc && !(rc = text_values(c, text, sp, count, &values)))
		count = screen_merge(sp, count);
	if (rc == KERR_LIMIT) { /* folds past its limit: the whole text is the evidence */
		sp[0] = (struct screen_span){0, len, SCREEN_SOLICITATION, 50};
		count = 1;
	} else if (rc) {
		return err_set(c->e, rc, "text", "the text cannot be screened");
	}
	values_seal(&values);
	json_t *list = json_array();
	for (int i = 0; i < values.n; i++)
		json_array_append_new(list, json_string(values.v[i]));
	const char *values_text = dom_json_text(c, list, 0);
	json_decref(list);
	if ((rc = db_exec(c->db, c->e, SQL_SET_FINDINGS,
			  DB_ARGS(message_id, spans_json(c, sp, count), values_text))))
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

/* A registered detail, as written, of the given kind, into s. */
static void add_detail(struct dctx *c, struct values *s, const char *v, enum screen_kind kind)
{
	if (v && *v)
		add_span(c, s, v, strlen(v), (struct screen_span){0, strlen(v), kind, 100});
}

/*
 * A website as the reply would name it: the host, or the host and path
 * when there is one (a shop's page on a marketplace is not the marketplace),
 * without scheme, "www." or a closing '/'.
 */
static const char *website_key(struct dctx *c, const char *w)
{
	struct slice s = slice_trim(slice_from(w));
	char *v = arena_strndup(c->a, s.p, s.n);
	const char *scheme = strstr(v, "://");
	if (scheme)
		v += scheme - v + 3;
	for (char *p = v; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (strncmp(v, "www.", 4) == 0)
		v += 4;
	size_t n = strcspn(v, "?#");
	while (n && v[n - 1] == '/')
		n--;
	v[n] = '\0';
	return v;
}

/* A registered handle: "@jane", "tiktok:jane" or a profile link ".../jane" gives "jane". */
static const char *handle_key(struct dctx *c, struct slice h)
{
	const char *colon = memchr(h.p, ':', h.n), *slash = NULL;
	for (size_t i = 0; i < h.n; i++)
		if (h.p[i] == '/' && i + 1 < h.n)
			slash = h.p + i;
	if (slash)
		h = (struct slice){slash + 1, h.n - (size_t)(slash + 1 - h.p)};
	else if (colon)
		h = (struct slice){colon + 1, h.n - (size_t)(colon + 1 - h.p)};
	h = slice_trim(h);
	while (h.n && (h.p[h.n - 1] == '/'))
		h.n--;
	if (h.n && h.p[0] == '@')
		h.p++, h.n--;
	return h.n >= 3 ? arena_strndup(c->a, h.p, h.n) : NULL;
}

/*
 * The vendor's registered details: their values into s (unless NULL), and
 * the party to look for in a text (e-mail, phone, and the handles and
 * website as words, so that "janemakes" is found inside
 * "instagram.com/janemakes").
 */
static enum kerr vendor_details(struct dctx *c, int64_t vendor_id, struct values *s,
				struct screen_party *p)
{
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id));
	int r = db_step(st);
	const char **others = arena_calloc(c->a, SCREEN_MAX_OTHERS, sizeof(*others));
	p->others = others;
	if (r == DB_ROW) {
		p->email = dom_col_str(c, st, 0);
		p->phone = dom_col_str(c, st, 1);
		const char *website = dom_col_str(c, st, 2);
		const char *handles = dom_col_str(c, st, 3);
		if (s) {
			add_detail(c, s, p->email, SCREEN_EMAIL);
			add_detail(c, s, p->phone, SCREEN_PHONE);
		}
		if (website && *website) {
			const char *key = website_key(c, website);
			if (strlen(key) >= 4) {
				if (s)
					add_value_prefixed(c, s, "v:", key);
				others[p->nothers++] = key;
			}
		}
		struct slice rest = slice_from(handles), h;
		while (slice_split(&rest, ',', &h)) {
			const char *name = handle_key(c, slice_trim(h));
			if (name && p->nothers < SCREEN_MAX_OTHERS) {
				others[p->nothers++] = name;
				if (s)
					add_detail(c, s, name, SCREEN_HANDLE);
			}
		}
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

/* The values found in the enquiry's vendor text (stored with each message), into s. */
static enum kerr vendor_text_values(struct dctx *c, int64_t enquiry_id, struct values *s)
{
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR_VALUES);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(enquiry_id));
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		json_t *list = json_loads(db_col_text(st, 0), 0, NULL);
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v)
		{
			if (json_is_string(v))
				values_add(c, s, arena_strdup(c->a, json_string_value(v)));
		}
		json_decref(list);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

/*
 * 1 when value v of a finding is one of the sealed s: a phone number when
 * a key lies inside its digits; anything else when it is a value, a host
 * under one, or a page under one ("shop.x.com", "x.com/shop/jane/sale").
 */
static int forbidden(const struct values *s, const char *v, int phone)
{
	size_t n = strlen(v);
	if (phone) { /* keys are seven to nine digits long */
		for (size_t i = 0; i + 7 <= n; i++)
			for (size_t k = 7; k <= 9 && i + k <= n; k++)
				if (values_has(s, 'p', v + i, k))
					return 1;
		return 0;
	}
	if (values_has(s, 'v', v, n))
		return 1;
	for (size_t i = 0; i < n; i++)
		if ((v[i] == '.' && values_has(s, 'v', v + i + 1, n - i - 1)) ||
		    (v[i] == '/' && values_has(s, 'v', v, i)))
			return 1;
	return 0;
}

/* Where a reply carries a forbidden detail: spans kept for the error, counted. */
struct offending {
	const struct values *s;
	struct err_span spans[ERR_MAX_SPANS];
	int n, total;
};

static void offend(struct offending *o, const char *kind, size_t start, size_t end)
{
	for (int i = 0; i < o->n; i++)
		if ((size_t)o->spans[i].start < end && start < (size_t)o->spans[i].end) {
			/* Already listed: the span grows to cover both ("@" and the name). */
			if ((long long)start < o->spans[i].start)
				o->spans[i].start = (long long)start;
			if ((long long)end > o->spans[i].end)
				o->spans[i].end = (long long)end;
			return;
		}
	o->total++;
	if (o->n == ERR_MAX_SPANS)
		return;
	snprintf(o->spans[o->n].kind, sizeof(o->spans[o->n].kind), "%s", kind);
	o->spans[o->n].start = (long long)start;
	o->spans[o->n].end = (long long)end;
	o->n++;
}

static void each_reply_run(void *ctx, size_t start, size_t end, const char *digits)
{
	struct offending *o = ctx;
	if (forbidden(o->s, digits, 1))
		offend(o, "phone", start, end);
}

enum kerr contact_check_reply(struct dctx *c, const struct enquiry_row *row, const char *body)
{
	struct values s = {0};
	struct screen_party p;
	memset(&p, 0, sizeof(p));
	enum kerr rc;
	if ((rc = vendor_details(c, row->vendor_id, &s, &p)) ||
	    (rc = vendor_text_values(c, row->id, &s)))
		return rc;
	if (!s.n)
		return KERR_OK;
	values_seal(&s);
	size_t len = strlen(body);
	struct screen_span *sp = arena_calloc(c->a, (size_t)MAX_FINDINGS, sizeof(*sp));
	int count = 0;
	struct offending o = {&s, {{{0}, 0, 0}}, 0, 0};
	if ((rc = screen_find_each(body, len, &p, sp, MAX_FINDINGS, &count)) ||
	    (rc = screen_digit_runs(body, len, each_reply_run, &o)))
		return err_set(c->e, rc == KERR_LIMIT ? KERR_CONTACT_DETAILS : rc, "body",
			       "the reply cannot be screened; shorten it");
	for (int i = 0; i < count; i++) {
		char v[256];
		if (is_detail(sp[i].kind) && !screen_value(body, len, &sp[i], v, sizeof(v)) &&
		    forbidden(&s, v, sp[i].kind == SCREEN_PHONE))
			offend(&o, screen_kind_name(sp[i].kind), sp[i].start, sp[i].end);
	}
	if (!o.total)
		return KERR_OK;
	err_set(c->e, KERR_CONTACT_DETAILS, "body",
		"the reply carries the vendor's contact details (%d %s, first a %s at bytes "
		"%lld-%lld); the customer may not receive them: take them out",
		o.total, o.total == 1 ? "place" : "places", o.spans[0].kind, o.spans[0].start,
		o.spans[0].end);
	memcpy(c->e->spans, o.spans, sizeof(o.spans[0]) * (size_t)o.n);
	c->e->nspans = o.n;
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
	static const char *const decisions[] = {"confirm", "dismiss", NULL};
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_enum(c, "decision", decision, decisions)) ||
	    (rc = dom_check_text(c, "reason", reason, 2000, 1)))
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
			  DB_ARGS(id, to, reason, db_optid(c->who->user_id), c->now))) ||
	    (strcmp(to, "confirmed") == 0 &&
	     (rc = standing_add_points(
		  c, vendor_id, "violation", id, c->cfg->points_violation,
		  arena_printf(c->a, "violation %lld confirmed", (long long)id)))))
		return rc;
	return audit_append(
	    c, strcmp(to, "confirmed") == 0 ? "violation.confirm" : "violation.dismiss",
	    "violation", id,
	    json_pack("{s:[s,s],s:I,s:s}", "state", "open", to, "vendor_id", (json_int_t)vendor_id,
		      "reason", reason));
}
