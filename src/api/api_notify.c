/*
 * api_notify.c - a user's notifications (what they are told in the portal)
 * and the refunds the marketplace's back end pays out.
 */
#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/notify.h"
#include "domain/refund.h"

struct list_arg {
	int64_t before;
	int unread_only, limit;
};

static enum kerr list_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct notification *v;
	int n;
	int64_t unread;
	enum kerr rc = notify_list(c, x->before, x->unread_only, x->limit + 1, &v, &n, &unread);
	if (rc)
		return rc;
	int more = api_page_more(&n, x->limit);
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_notification(out, &v[i]);
	jw_arr_end(out);
	jw_kint(out, "unread", unread);
	jw_kstr(out, "next_cursor", more ? api_cursor_text(c->a, v[n - 1].id, v[n - 1].id) : NULL);
	jw_obj_end(out);
	return KERR_OK;
}

void h_notifications(struct req *r)
{
	struct list_arg x = {0};
	int64_t key;
	x.limit = api_limit_or_reply(r);
	if (!x.limit || api_cursor_or_reply(r, &key, &x.before) < 0 ||
	    api_query_bool_or_reply(r, "unread", &x.unread_only))
		return;
	x.unread_only = x.unread_only == 1;
	api_read(r, list_work, &x);
}

static enum kerr read_work(struct dctx *c, void *arg, struct jw *out)
{
	struct notification v;
	enum kerr rc = notify_read(c, *(int64_t *)arg, &v);
	if (!rc)
		render_notification(out, &v);
	return rc;
}

void h_notification_read(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id && api_body_or_reply(r, (const struct field[]){{NULL, 0, 0}}))
		api_write(r, read_work, api_keep(r, &id, sizeof(id)), 200);
}

static enum kerr read_all_work(struct dctx *c, void *arg, struct jw *out)
{
	int64_t count;
	enum kerr rc = notify_read_all(c, *(int64_t *)arg, &count);
	if (rc)
		return rc;
	jw_obj(out);
	jw_kint(out, "marked", count);
	jw_obj_end(out);
	return KERR_OK;
}

static const struct field read_all_fields[] = {
    {"up_to", F_INT, 1},
    {NULL, 0, 0},
};

void h_notifications_read(struct req *r)
{
	json_t *in = api_body_or_reply(r, read_all_fields);
	if (!in)
		return;
	int64_t up_to = api_int(in, "up_to", 0);
	if (up_to < 1) {
		api_error(r, KERR_BAD_VALUE, "up_to", "'up_to' must be a notification id");
		return;
	}
	api_write(r, read_all_work, api_keep(r, &up_to, sizeof(up_to)), 200);
}

struct refunds_arg {
	int64_t after;
	int limit;
};

static enum kerr refunds_work(struct dctx *c, void *arg, struct jw *out)
{
	struct refunds_arg *x = arg;
	struct refund *v;
	int n;
	enum kerr rc = refund_list(c, x->after, x->limit + 1, &v, &n);
	if (rc)
		return rc;
	int more = api_page_more(&n, x->limit);
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_refund(out, &v[i], dom_view(c));
	render_page_end(out, more ? api_cursor_text(c->a, v[n - 1].id, v[n - 1].id) : NULL);
	return KERR_OK;
}

void h_refunds(struct req *r)
{
	struct refunds_arg x = {0};
	int64_t key;
	x.limit = api_limit_or_reply(r);
	if (x.limit && api_cursor_or_reply(r, &key, &x.after) == 0)
		api_read(r, refunds_work, &x);
}
