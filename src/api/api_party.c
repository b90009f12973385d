/*
 * api_party.c - vendors and customers pushed by the marketplace.
 */
#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/party.h"

static const struct field vendor_fields[] = {
    {"ref", F_STR, 1},
    {"shop_name", F_STR, 1},
    {"contact_email", F_STR, 0},
    {"contact_phone", F_STR, 0},
    {"website", F_STR, 0},
    {"handles", F_STR, 0},
    {NULL, 0, 0},
};

struct upsert_arg {
	struct req *r;
	json_t *in;
};

static enum kerr vendor_work(struct dctx *c, void *arg, struct jw *out)
{
	struct upsert_arg *x = arg;
	json_t *in = x->in;
	struct vendor_in v = {api_str(in, "ref"),	    api_str(in, "shop_name"),
			      api_str(in, "contact_email"), api_str(in, "contact_phone"),
			      api_str(in, "website"),	    api_str(in, "handles")};
	int64_t id;
	int created;
	enum kerr rc = vendor_upsert(c, &v, &id, &created);
	if (rc)
		return rc;
	struct vendor *list;
	int n;
	if ((rc = vendor_list(c, id - 1, 1, &list, &n)))
		return rc;
	jw_obj(out);
	render_vendor_fields(out, &list[0]);
	jw_kbool(out, "created", created);
	jw_obj_end(out);
	x->r->status = created ? 201 : 200;
	return KERR_OK;
}

void h_vendor_upsert(struct req *r)
{
	struct upsert_arg x = {r, api_body_or_reply(r, vendor_fields)};
	if (!x.in)
		return;
	api_write(r, vendor_work, api_keep(r, &x, sizeof(x)), 200);
}

struct list_arg {
	int64_t after;
	int limit;
};

static enum kerr vendors_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct vendor *v;
	int n;
	enum kerr rc = vendor_list(c, x->after, x->limit + 1, &v, &n);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n && i < x->limit; i++) {
		jw_obj(out);
		render_vendor_fields(out, &v[i]);
		jw_obj_end(out);
	}
	render_page_end(out, n > x->limit ? api_cursor_text(c->a, 0, v[x->limit - 1].id) : NULL);
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
    {"ref", F_STR, 1},
    {"email", F_STR, 1},
    {"first_name", F_STR, 1},
    {"last_name", F_STR, 1},
    {"phone", F_STR, 0},
    {"address", F_STR, 0},
    {NULL, 0, 0},
};

static enum kerr customer_work(struct dctx *c, void *arg, struct jw *out)
{
	struct upsert_arg *x = arg;
	json_t *in = x->in;
	struct customer_in cu = {api_str(in, "ref"),
				 api_str(in, "email"),
				 api_str(in, "first_name"),
				 api_str(in, "last_name"),
				 api_str(in, "phone"),
				 api_str(in, "address"),
				 NULL};
	int64_t id;
	int created;
	enum kerr rc = customer_upsert(c, &cu, &id, &created);
	if (!rc) {
		jw_obj(out);
		jw_kint(out, "id", id);
		jw_kstr(out, "ref", cu.ref);
		jw_kbool(out, "created", created);
		jw_obj_end(out);
		x->r->status = created ? 201 : 200;
	}
	return rc;
}

void h_customer_upsert(struct req *r)
{
	struct upsert_arg x = {r, api_body_or_reply(r, customer_fields)};
	if (!x.in)
		return;
	api_write(r, customer_work, api_keep(r, &x, sizeof(x)), 200);
}
