/*
 * api_party.c - vendors and customers pushed by the marketplace.
 */
#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/party.h"

static const struct field vendor_fields[] = {
	{"ref", F_STR, 1},           {"shop_name", F_STR, 1}, {"contact_email", F_STR, 0},
	{"contact_phone", F_STR, 0}, {"website", F_STR, 0},   {NULL, 0, 0},
};

static enum kerr vendor_work(struct dctx *c, void *arg, json_t **out)
{
	json_t *in = arg;
	struct vendor_in v = {api_str(in, "ref"), api_str(in, "shop_name"),
			      api_str(in, "contact_email"), api_str(in, "contact_phone"),
			      api_str(in, "website")};
	int64_t id;
	int created;
	enum kerr rc = vendor_upsert(c, &v, &id, &created);
	if (rc)
		return rc;
	struct vendor *list;
	int n;
	if ((rc = vendor_list(c, id - 1, 1, &list, &n)))
		return rc;
	*out = render_vendor(&list[0]);
	json_object_set_new(*out, "created", json_boolean(created));
	return KERR_OK;
}

void h_vendor_upsert(struct req *r)
{
	json_t *in = api_body_or_reply(r, vendor_fields);
	if (!in)
		return;
	api_write(r, vendor_work, in, 200);
	json_decref(in);
}

struct list_arg {
	int64_t after;
	int limit;
};

static enum kerr vendors_work(struct dctx *c, void *arg, json_t **out)
{
	struct list_arg *x = arg;
	struct vendor *v;
	int n;
	enum kerr rc = vendor_list(c, x->after, x->limit + 1, &v, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < x->limit; i++)
		json_array_append_new(items, render_vendor(&v[i]));
	const char *next = n > x->limit ? arena_printf(c->a, "0.%lld", (long long)v[x->limit - 1].id)
					: NULL;
	*out = render_page(items, next);
	return KERR_OK;
}

void h_vendors(struct req *r)
{
	struct list_arg x = {0, api_limit_or_reply(r)};
	int64_t key;
	if (!x.limit || api_cursor_or_reply(r, &key, &x.after) < 0)
		return;
	api_read(r, vendors_work, &x);
}

static const struct field customer_fields[] = {
	{"ref", F_STR, 1},       {"email", F_STR, 1}, {"first_name", F_STR, 1},
	{"last_name", F_STR, 1}, {"phone", F_STR, 0}, {"address", F_STR, 0},
	{NULL, 0, 0},
};

static enum kerr customer_work(struct dctx *c, void *arg, json_t **out)
{
	json_t *in = arg;
	struct customer_in cu = {api_str(in, "ref"),        api_str(in, "email"),
				 api_str(in, "first_name"), api_str(in, "last_name"),
				 api_str(in, "phone"),      api_str(in, "address"),
				 NULL};
	int64_t id;
	int created;
	enum kerr rc = customer_upsert(c, &cu, &id, &created);
	if (!rc)
		*out = json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "ref", cu.ref, "created",
				 created);
	return rc;
}

void h_customer_upsert(struct req *r)
{
	json_t *in = api_body_or_reply(r, customer_fields);
	if (!in)
		return;
	api_write(r, customer_work, in, 200);
	json_decref(in);
}
