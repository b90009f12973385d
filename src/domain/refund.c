/*
 * refund.c - refunds.  See refund.h.
 */
#include "domain/refund.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/message.h"
#include "domain/notify.h"

static const char SQL_FACTS[] =
    "SELECT e.category, o.amount, o.currency, (SELECT COUNT(*) FROM refunds r"
    " WHERE r.order_id = o.id) FROM enquiries e JOIN orders o ON o.id = e.order_id WHERE e.id = $1";
static const char SQL_INSERT[] =
    "INSERT INTO refunds (enquiry_id, order_id, vendor_id, vendor_request_id, kind, amount,"
    " currency, charged_to, reason, created_by, created_at)"
    " VALUES ($1, $2, $3, $4, 'automatic', $5, $6, 'vendor', $7, NULL, $8) RETURNING id";
static const char SQL_INSERT_AGENT[] =
    "INSERT INTO refunds (enquiry_id, order_id, vendor_id, vendor_request_id, kind, amount,"
    " currency, charged_to, reason, created_by, created_at)"
    " VALUES ($1, $2, $3, NULL, 'agent', $4, $5, $6, $7, $8, $9) RETURNING id";
static const char SQL_REFUNDABLE[] =
    "SELECT o.amount, o.currency, (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r"
    " WHERE r.order_id = o.id) FROM orders o WHERE o.id = $1";
static const char SQL_LIST[] =
    "SELECT r.id, r.enquiry_id, r.order_id, r.vendor_id, r.vendor_request_id, o.number, r.kind,"
    " r.currency, r.charged_to, r.reason, r.amount, r.created_at FROM refunds r"
    " JOIN orders o ON o.id = r.order_id WHERE r.id > $1 AND ($2 = 0 OR r.vendor_id = $2)"
    " ORDER BY r.id LIMIT $3";

enum kerr refund_eligible(struct dctx *c, const struct enquiry_row *row, struct refund_facts *f)
{
	memset(f, 0, sizeof(*f));
	if (strcmp(row->status, "resolved") == 0 || strcmp(row->status, "closed") == 0)
		return KERR_OK; /* settled already: nothing to refund for */
	struct db_stmt *st = db_prep(c->db, SQL_FACTS);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(row->id));
	int r = db_step(st);
	if (r == DB_ROW) {
		f->category = dom_col_str(c, st, 0);
		f->amount = db_col_i64(st, 1);
		f->currency = dom_col_str(c, st, 2);
		f->refunds = db_col_i64(st, 3);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r != DB_ROW)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such enquiry");
	f->eligible = f->refunds == 0 && f->amount > 0 && f->amount <= c->cfg->refund_limit &&
		      enquiry_category_listed(c->cfg->refund_categories, f->category);
	return KERR_OK;
}

/* Digits after the point in a currency's amounts (ISO 4217); two for most. */
static int minor_digits(const char *currency)
{
	static const char none[] =
	    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
	static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
	if (!currency || strlen(currency) != 3)
		return 2;
	return strstr(none, currency) ? 0 : strstr(three, currency) ? 3 : 2;
}

const char *refund_amount_text(struct arena *a, int64_t amount, const char *currency)
{
	if (!currency)
		currency = "";
	int digits = minor_digits(currency);
	if (!digits)
		return arena_printf(a, "%lld %s", (long long)amount, currency);
	int64_t unit = digits == 3 ? 1000 : 100;
	return arena_printf(a, "%lld.%0*lld %s", (long long)(amount / unit), digits,
			    (long long)(amount % unit), currency);
}

/* The template with {order} and {amount} filled in. */
static const char *fill(struct dctx *c, const char *tmpl, const char *order, const char *amount)
{
	struct buf b;
	buf_init(&b, 0);
	for (const char *p = tmpl; *p;) {
		if (strncmp(p, "{order}", 7) == 0) {
			buf_append_str(&b, order);
			p += 7;
		} else if (strncmp(p, "{amount}", 8) == 0) {
			buf_append_str(&b, amount);
			p += 8;
		} else {
			buf_append_char(&b, *p++);
		}
	}
	const char *out = arena_strdup(c->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

enum kerr refund_automatic(struct dctx *c, struct enquiry_row *row, const struct refund_facts *f,
			   int64_t vreq_id)
{
	int64_t id, mid;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc)
		return rc;
	if (!f->eligible)
		return err_set(c->e, KERR_STATE, "id",
			       "the refund policy does not cover the order");
	const char *reason =
	    arena_printf(c->a, "vendor request %lld lapsed unanswered", (long long)vreq_id);
	const char *amount = refund_amount_text(c->a, f->amount, f->currency);
	if ((rc = db_one_i64(c->db, c->e, &id, SQL_INSERT,
			     DB_ARGS(row->id, row->order_id, row->vendor_id, vreq_id, f->amount,
				     f->currency, reason, c->now))) ||
	    (rc = audit_append(c, "refund.create", "refund", id,
			       json_pack("{s:I,s:I,s:I,s:s,s:I,s:s,s:s}", "enquiry_id",
					 (json_int_t)row->id, "order_id", (json_int_t)row->order_id,
					 "vendor_request_id", (json_int_t)vreq_id, "kind",
					 "automatic", "amount", (json_int_t)f->amount, "currency",
					 f->currency, "charged_to", "vendor"))) ||
	    (rc = message_automatic_reply(
		 c, row, fill(c, c->cfg->refund_reply, row->order_number, amount), &mid)))
		return rc;
	struct notice n = {
	    .kind = "refund",
	    .subject = arena_printf(c->a, "Order %s has been refunded", row->order_number),
	    .body =
		arena_printf(c->a, "We have refunded %s for order %s and replied to your enquiry.",
			     amount, row->order_number),
	    .link = arena_printf(c->a, "/help/enquiries/%lld", (long long)row->id),
	    .object_type = "enquiry",
	    .object_id = row->id,
	};
	if ((rc = notify_customer(c, row->customer_id, &n)))
		return rc;
	return enquiry_resolve(c, row, "refund.automatic");
}

enum kerr refund_list(struct dctx *c, int64_t after, int limit, struct refund **out, int *n)
{
	enum kerr rc = dom_require(c, ROLES_STAFF | ROLE_INTEGRATION | ROLE_VENDOR);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(after, c->who->role == ROLE_VENDOR ? c->who->vendor_id : 0,
			    (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < limit && (r = db_step(st)) == DB_ROW) {
		struct refund *x = &(*out)[(*n)++];
		x->id = db_col_i64(st, 0);
		x->enquiry_id = db_col_i64(st, 1);
		x->order_id = db_col_i64(st, 2);
		x->vendor_id = db_col_i64(st, 3);
		x->vendor_request_id = db_col_i64(st, 4);
		x->order_number = dom_col_str(c, st, 5);
		x->kind = dom_col_str(c, st, 6);
		x->currency = dom_col_str(c, st, 7);
		x->charged_to = dom_col_str(c, st, 8);
		x->reason = dom_col_str(c, st, 9);
		/* An agent's reason is its own words, unscreened: vendors read the system's only.
		 */
		if (c->who->role == ROLE_VENDOR && strcmp(x->kind, "automatic") != 0)
			x->reason = "";
		x->amount = db_col_i64(st, 10);
		x->created_at = db_col_i64(st, 11);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr refund_left(struct dctx *c, int64_t order_id, int64_t *left, const char **currency)
{
	struct db_stmt *st = db_prep(c->db, SQL_REFUNDABLE);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(order_id));
	int r = db_step(st);
	if (r == DB_ROW) {
		*left = db_col_i64(st, 0) - db_col_i64(st, 2);
		*currency = dom_col_str(c, st, 1);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	return r == DB_ROW ? KERR_OK : err_set(c->e, KERR_NOT_FOUND, "id", "no such order");
}

enum kerr refund_by_agent(struct dctx *c, int64_t enquiry_id, const struct refund_in *in,
			  struct refund *out)
{
	static const char *const payers[] = {"vendor", "operator", NULL};
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_enum(c, "charged_to", in->charged_to, payers)) ||
	    (rc = dom_check_text(c, "reason", in->reason, 500, 1)))
		return rc;
	struct enquiry_row row;
	if ((rc = enquiry_load(c, enquiry_id, &row)))
		return rc;
	if (strcmp(row.status, "closed") == 0)
		return err_set(c->e, KERR_STATE, "status", "the enquiry is closed");
	int64_t left = 0;
	const char *currency = "";
	if ((rc = refund_left(c, row.order_id, &left, &currency)))
		return rc;
	if (in->amount < 1 || in->amount > left)
		return err_set(c->e, KERR_BAD_VALUE, "amount",
			       left > 0 ? "'amount' must be 1 to %lld (%s can still be refunded)"
					: "the order is refunded in full already",
			       (long long)left, refund_amount_text(c->a, left, currency));
	const char *amount = refund_amount_text(c->a, in->amount, currency);
	int64_t *id = &out->id;
	*out = (struct refund){.enquiry_id = row.id,
			       .order_id = row.order_id,
			       .vendor_id = row.vendor_id,
			       .order_number = arena_strdup(c->a, row.order_number),
			       .kind = "agent",
			       .currency = currency,
			       .charged_to = in->charged_to,
			       .reason = in->reason,
			       .amount = in->amount,
			       .created_at = c->now};
	if ((rc = db_one_i64(c->db, c->e, id, SQL_INSERT_AGENT,
			     DB_ARGS(row.id, row.order_id, row.vendor_id, in->amount, currency,
				     in->charged_to, in->reason, c->who->user_id, c->now))) ||
	    (rc = audit_append(c, "refund.create", "refund", *id,
			       json_pack("{s:I,s:I,s:s,s:I,s:s,s:s}", "enquiry_id",
					 (json_int_t)row.id, "order_id", (json_int_t)row.order_id,
					 "kind", "agent", "amount", (json_int_t)in->amount,
					 "currency", currency, "charged_to", in->charged_to))))
		return rc;
	struct notice n = {
	    .kind = "refund",
	    .subject = arena_printf(c->a, "Order %s has been refunded", row.order_number),
	    .body =
		arena_printf(c->a, "We have refunded %s for order %s.", amount, row.order_number),
	    .link = arena_printf(c->a, "/help/enquiries/%lld", (long long)row.id),
	    .object_type = "enquiry",
	    .object_id = row.id,
	};
	return notify_customer(c, row.customer_id, &n);
}

int refund_parse_amount(const char *text, const char *currency, int64_t *out)
{
	int digits = minor_digits(currency);
	int64_t units = 0, frac = 0;
	int nfrac = -1, any = 0;
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			any = 1;
			if (nfrac < 0) {
				if (units > INT64_MAX / 100000)
					return -1;
				units = units * 10 + (*p - '0');
			} else if (++nfrac > digits) {
				return -1;
			} else {
				frac = frac * 10 + (*p - '0');
			}
		} else if (*p == '.' && nfrac < 0 && digits) {
			nfrac = 0;
		} else if (!(*p == ' ' && (p == text || !p[1]))) {
			return -1;
		}
	}
	if (!any)
		return -1;
	for (int k = nfrac < 0 ? 0 : nfrac; k < digits; k++)
		frac *= 10;
	int64_t unit = 1;
	for (int k = 0; k < digits; k++)
		unit *= 10;
	*out = units * unit + frac;
	return 0;
}
