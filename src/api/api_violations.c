/*
 * api_violations.c - violations screening opened on vendors' text, for
 * agents to confirm or dismiss, and for vendors to see their own.
 */
#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/contact.h"

struct list_arg {
	const char *state;
	int64_t vendor_id, after;
	int limit;
};

static enum kerr list_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct violation *v;
	int n;
	enum kerr rc = violation_list(c, x->state, x->vendor_id, x->after, x->limit + 1, &v, &n);
	if (rc)
		return rc;
	int more = api_page_more(&n, x->limit);
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_violation(out, &v[i], dom_view(c));
	render_page_end(out, more ? api_cursor_text(c->a, v[n - 1].id, v[n - 1].id) : NULL);
	return KERR_OK;
}

void h_violations(struct req *r)
{
	struct list_arg x = {0};
	int present;
	int64_t key;
	x.limit = api_limit_or_reply(r);
	if (!x.limit || api_cursor_or_reply(r, &key, &x.after) < 0 ||
	    api_query_int_or_reply(r, "vendor_id", 1, INT64_MAX, &x.vendor_id, &present))
		return;
	x.state = req_query(r, "state");
	api_read(r, list_work, &x);
}

static enum kerr get_work(struct dctx *c, void *arg, struct jw *out)
{
	struct violation v;
	enum kerr rc = violation_get(c, *(int64_t *)arg, &v);
	if (!rc)
		render_violation(out, &v, dom_view(c));
	return rc;
}

void h_violation(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, get_work, &id);
}

static const struct field decide_fields[] = {
    {"reason", F_STR, 1},
    {NULL, 0, 0},
};

void h_violation_confirm(struct req *r)
{
	api_decide(r, decide_fields, "confirm", violation_decide, get_work);
}

void h_violation_dismiss(struct req *r)
{
	api_decide(r, decide_fields, "dismiss", violation_decide, get_work);
}
