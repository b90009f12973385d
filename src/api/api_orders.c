/*
 * api_orders.c - orders: pushed by the marketplace, read by each role as
 * the domain shapes them, and the operator's replies for vendors.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/message.h"
#include "domain/order.h"

static const struct field order_fields[] = {
    {"number", F_STR, 1},    {"customer_ref", F_STR, 1}, {"vendor_ref", F_STR, 1},
    {"items", F_OBJ_ARR, 1}, {"amount", F_INT, 1},	 {"currency", F_STR, 1},
    {"note", F_STR, 0},	     {"placed_at", F_INT, 0},	 {NULL, 0, 0},
};

static const struct field item_fields[] = {
    {"sku", F_STR, 0},	      {"name", F_STR, 1}, {"quantity", F_INT, 1},
    {"unit_price", F_INT, 1}, {NULL, 0, 0},
};

static enum kerr order_create_work(struct dctx *c, void *arg, struct jw *out)
{
	const struct order_in *in = arg;
	int64_t id;
	enum kerr rc = order_create(c, in, &id);
	if (rc)
		return rc;
	struct order o;
	if ((rc = order_get(c, id, &o)))
		return rc;
	render_order(out, &o);
	return KERR_OK;
}

void h_order_create(struct req *r)
{
	json_t *in = api_body_or_reply(r, order_fields);
	if (!in)
		return;
	json_t *items = json_object_get(in, "items");
	size_t n = json_array_size(items);
	if (n > ORDER_MAX_ITEMS) {
		api_error(r, KERR_BAD_VALUE, "items", "an order has 1 to 100 items");
		return;
	}
	struct order_item *it = arena_calloc(&r->a, n ? n : 1, sizeof(*it));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(items, i);
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "items[%zu].", i);
		if (api_check_object_or_reply(r, o, item_fields, prefix)) {
			return;
		}
		it[i] = (struct order_item){api_str(o, "sku"), api_str(o, "name"),
					    api_int(o, "quantity", 0), api_int(o, "unit_price", 0)};
	}
	struct order_in x = {api_str(in, "number"),
			     api_str(in, "customer_ref"),
			     api_str(in, "vendor_ref"),
			     it,
			     (int)n,
			     api_int(in, "amount", 0),
			     api_str(in, "currency"),
			     api_str(in, "note"),
			     api_int(in, "placed_at", 0)};
	api_write(r, order_create_work, api_keep(r, &x, sizeof(x)), 201);
}

struct list_arg {
	int64_t before;
	int limit;
};

static enum kerr orders_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct order *o;
	int n;
	enum kerr rc = order_list(c, x->before, x->limit + 1, &o, &n);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n && i < x->limit; i++)
		render_order(out, &o[i]);
	render_page_end(out, n > x->limit ? api_cursor_text(c->a, 0, o[x->limit - 1].id) : NULL);
	return KERR_OK;
}

void h_orders(struct req *r)
{
	struct list_arg x = {0, api_limit_or_reply(r)};
	int64_t key;
	if (!x.limit || api_cursor_or_reply(r, &key, &x.before) < 0)
		return;
	api_read(r, orders_work, &x);
}

static enum kerr order_work(struct dctx *c, void *arg, struct jw *out)
{
	struct order o;
	enum kerr rc = order_get(c, *(int64_t *)arg, &o);
	if (!rc)
		render_order(out, &o);
	return rc;
}

void h_order(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, order_work, &id);
}

static enum kerr replies_work(struct dctx *c, void *arg, struct jw *out)
{
	struct message *m;
	int n;
	enum kerr rc = message_replies_for_order(c, *(int64_t *)arg, &m, &n);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_message(out, &m[i], dom_view(c));
	render_page_end(out, NULL);
	return KERR_OK;
}

void h_order_replies(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, replies_work, &id);
}
