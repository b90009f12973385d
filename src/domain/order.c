/*
 * order.c - orders.  See order.h.
 */
#include "domain/order.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"

static const char SQL_CUSTOMER_BY_REF[] = "SELECT id FROM customers WHERE ref = $1";
static const char SQL_VENDOR_BY_REF[] = "SELECT id FROM vendors WHERE ref = $1";
static const char SQL_INSERT[] =
    "INSERT INTO orders (number, customer_id, vendor_id, items, amount, currency, note,"
    " placed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
#define ORDER_COLS                                                                                 \
	"SELECT o.id, o.number, o.customer_id, o.vendor_id, v.shop_name, o.items, o.amount,"       \
	" o.currency, o.note, o.placed_at, o.created_at, pc.first_name," ORDER_PARTY_COLS          \
	" FROM orders o JOIN vendors v ON v.id = o.vendor_id" ORDER_PARTY_JOIN("o.customer_id")
static const char SQL_GET[] = ORDER_COLS " WHERE o.id = $1";
static const char SQL_LIST_ALL[] = ORDER_COLS " WHERE o.id < $1 ORDER BY o.id DESC LIMIT $2";
static const char SQL_LIST_CUSTOMER[] =
    ORDER_COLS " WHERE o.customer_id = $3 AND o.id < $1 ORDER BY o.id DESC LIMIT $2";
static const char SQL_LIST_VENDOR[] =
    ORDER_COLS " WHERE o.vendor_id = $3 AND o.id < $1 ORDER BY o.id DESC LIMIT $2";

static enum kerr check_items(struct dctx *c, const struct order_in *in, json_t **out)
{
	if (in->nitems < 1 || in->nitems > ORDER_MAX_ITEMS)
		return err_set(c->e, KERR_BAD_VALUE, "items", "an order has 1 to %d items",
			       ORDER_MAX_ITEMS);
	json_t *arr = json_array();
	for (int i = 0; i < in->nitems; i++) {
		const struct order_item *it = &in->items[i];
		char field[48];
		enum kerr rc;
		snprintf(field, sizeof(field), "items[%d].name", i);
		if ((rc = dom_check_text(c, field, it->name, 300, 1)))
			goto fail;
		snprintf(field, sizeof(field), "items[%d].sku", i);
		if ((rc = dom_check_text(c, field, it->sku, 100, 0)))
			goto fail;
		if (it->quantity < 1 || it->quantity > 100000) {
			snprintf(field, sizeof(field), "items[%d].quantity", i);
			rc =
			    err_set(c->e, KERR_BAD_VALUE, field, "'%s' must be 1 to 100000", field);
			goto fail;
		}
		if (it->unit_price < 0 || it->unit_price > 1000000000000LL) {
			snprintf(field, sizeof(field), "items[%d].unit_price", i);
			rc = err_set(c->e, KERR_BAD_VALUE, field,
				     "'%s' must be 0 to 1000000000000 minor units", field);
			goto fail;
		}
		json_array_append_new(arr, json_pack("{s:s?,s:s,s:I,s:I}", "sku", it->sku, "name",
						     it->name, "quantity", (json_int_t)it->quantity,
						     "unit_price", (json_int_t)it->unit_price));
		continue;
	fail:
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KERR_OK;
}

static enum kerr find_ref(struct dctx *c, const char *sql, const char *field, const char *ref,
			  int64_t *id)
{
	enum kerr rc = db_one_i64(c->db, c->e, id, sql, DB_ARGS(ref));
	if (rc == KERR_NOT_FOUND)
		return err_set(c->e, KERR_BAD_VALUE, field, "no %s with ref '%s'",
			       field[0] == 'c' ? "customer" : "vendor", ref);
	return rc;
}

enum kerr order_create(struct dctx *c, const struct order_in *in, int64_t *id)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN | ROLE_INTEGRATION);
	if (rc)
		return rc;
	if ((rc = dom_check_text(c, "number", in->number, 64, 1)) ||
	    (rc = dom_check_text(c, "customer_ref", in->customer_ref, 100, 1)) ||
	    (rc = dom_check_text(c, "vendor_ref", in->vendor_ref, 100, 1)) ||
	    (rc = dom_check_text(c, "note", in->note, 2000, 0)))
		return rc;
	if (in->amount < 0 || in->amount > 1000000000000LL)
		return err_set(c->e, KERR_BAD_VALUE, "amount",
			       "'amount' must be 0 to 1000000000000 minor units");
	const char *cur = in->currency;
	if (!cur || strlen(cur) != 3 || cur[0] < 'A' || cur[0] > 'Z' || cur[1] < 'A' ||
	    cur[1] > 'Z' || cur[2] < 'A' || cur[2] > 'Z')
		return err_set(c->e, KERR_BAD_VALUE, "currency",
			       "'currency' must be three capital letters, such as GBP");
	if (in->placed_at < 0 || in->placed_at > c->now + 86400000)
		return err_set(c->e, KERR_BAD_VALUE, "placed_at",
			       "'placed_at' must be a time in ms since 1970, not in the future");
	int64_t customer_id, vendor_id;
	if ((rc = find_ref(c, SQL_CUSTOMER_BY_REF, "customer_ref", in->customer_ref,
			   &customer_id)) ||
	    (rc = find_ref(c, SQL_VENDOR_BY_REF, "vendor_ref", in->vendor_ref, &vendor_id)))
		return rc;
	json_t *items = NULL;
	if ((rc = check_items(c, in, &items)))
		return rc;
	const char *text = dom_json_text(c, items, 0);
	json_decref(items);
	rc = db_one_i64(c->db, c->e, id, SQL_INSERT,
			DB_ARGS(in->number, customer_id, vendor_id, text, in->amount, in->currency,
				in->note ? in->note : "", in->placed_at ? in->placed_at : c->now,
				c->now));
	if (rc == KERR_CONFLICT)
		return err_set(c->e, KERR_CONFLICT, "number", "order %s exists", in->number);
	if (rc)
		return rc;
	return audit_append(c, "order.create", "order", *id,
			    json_pack("{s:s,s:I,s:I,s:I}", "number", in->number, "customer_id",
				      (json_int_t)customer_id, "vendor_id", (json_int_t)vendor_id,
				      "amount", (json_int_t)in->amount));
}

void order_read_party(struct dctx *c, struct db_stmt *st, int col, struct screen_party *p)
{
	memset(p, 0, sizeof(*p));
	p->last_name = dom_col_str(c, st, col);
	p->email = dom_col_str(c, st, col + 1);
	p->phone = dom_col_str(c, st, col + 2);
	p->address = dom_col_str(c, st, col + 3);
}

const char *order_redact_for_vendor(struct dctx *c, const struct screen_party *p, const char *text)
{
	if (!text)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	int removed = 0;
	const char *out;
	if (screen_redact_text(text, strlen(text), p, &b, &removed))
		out = "[withheld]";
	else
		out = arena_strndup(c->a, buf_cstr(&b), b.len);
	buf_free(&b);
	return out;
}

/* Reads a row of ORDER_COLS into the struct order at out, shaped for the viewer. */
static void read_order(struct dctx *c, struct db_stmt *st, void *out)
{
	struct order *o = out;
	memset(o, 0, sizeof(*o));
	o->id = db_col_i64(st, 0);
	o->number = dom_col_str(c, st, 1);
	o->customer_id = db_col_i64(st, 2);
	o->vendor_id = db_col_i64(st, 3);
	o->shop_name = dom_col_str(c, st, 4);
	o->items_json = dom_col_str(c, st, 5);
	o->amount = db_col_i64(st, 6);
	o->currency = dom_col_str(c, st, 7);
	o->note = dom_col_str(c, st, 8);
	o->placed_at = db_col_i64(st, 9);
	o->created_at = db_col_i64(st, 10);
	o->customer_first_name = dom_col_str(c, st, 11);
	o->view = dom_view(c);
	struct screen_party p;
	order_read_party(c, st, 12, &p);
	if (o->view == VIEW_VENDOR) {
		/* The party is only used to take itself out of the note. */
		o->note = order_redact_for_vendor(c, &p, o->note);
		return;
	}
	o->customer_last_name = p.last_name;
	o->customer_email = p.email;
	o->customer_phone = p.phone;
	o->customer_address = p.address;
}

static int may_see(const struct dctx *c, const struct order *o)
{
	switch (c->who->role) {
	case ROLE_CUSTOMER:
		return o->customer_id == c->who->customer_id;
	case ROLE_VENDOR:
		return o->vendor_id == c->who->vendor_id;
	case ROLE_AGENT:
	case ROLE_ADMIN:
	case ROLE_INTEGRATION:
	case ROLE_SYSTEM:
		return 1;
	default:
		return 0;
	}
}

enum kerr order_get(struct dctx *c, int64_t id, struct order *out)
{
	enum kerr rc = dom_require(c, ~0u);
	if (rc)
		return rc;
	int found;
	if ((rc = dom_fetch(c, SQL_GET, id, read_order, out, &found)))
		return rc;
	if (!found || !may_see(c, out))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such order");
	return KERR_OK;
}

enum kerr order_list(struct dctx *c, int64_t before, int limit, struct order **out, int *n)
{
	enum kerr rc = dom_require(c, ~0u);
	if (rc)
		return rc;
	const char *sql = SQL_LIST_ALL;
	int64_t owner = 0;
	if (c->who->role == ROLE_CUSTOMER)
		sql = SQL_LIST_CUSTOMER, owner = c->who->customer_id;
	else if (c->who->role == ROLE_VENDOR)
		sql = SQL_LIST_VENDOR, owner = c->who->vendor_id;
	struct db_stmt *st = db_prep(c->db, sql);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(before ? before : INT64_MAX, (int64_t)limit));
	if (sql != SQL_LIST_ALL)
		db_bind(st, DB_ARGS(owner));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < limit && (r = db_step(st)) == DB_ROW)
		read_order(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}
