/*
 * api_standing.c - a vendor's rating and standing, and its appeals against
 * the marks on its record.
 */
#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/appeal.h"
#include "domain/rating.h"
#include "domain/standing.h"

static enum kerr rating_work(struct dctx *c, void *arg, struct jw *out)
{
	struct rating x;
	enum kerr rc = rating_get(c, *(int64_t *)arg, &x);
	if (!rc)
		render_rating(out, &x);
	return rc;
}

void h_vendor_rating(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, rating_work, &id);
}

static enum kerr standing_work(struct dctx *c, void *arg, struct jw *out)
{
	struct standing x;
	enum kerr rc = standing_get(c, *(int64_t *)arg, &x);
	if (!rc)
		render_standing(out, &x);
	return rc;
}

void h_vendor_standing(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, standing_work, &id);
}

static enum kerr get_work(struct dctx *c, void *arg, struct jw *out)
{
	struct appeal a;
	enum kerr rc = appeal_get(c, *(int64_t *)arg, &a);
	if (!rc)
		render_appeal(out, &a, dom_view(c));
	return rc;
}

void h_appeal(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, get_work, &id);
}

struct list_arg {
	const char *state;
	int64_t before;
	int limit;
};

static enum kerr list_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct appeal *v;
	int n;
	enum kerr rc = appeal_list(c, x->state, x->before, x->limit + 1, &v, &n);
	if (rc)
		return rc;
	int more = api_page_more(&n, x->limit);
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_appeal(out, &v[i], dom_view(c));
	render_page_end(out, more ? api_cursor_text(c->a, v[n - 1].id, v[n - 1].id) : NULL);
	return KERR_OK;
}

void h_appeals(struct req *r)
{
	struct list_arg x = {req_query(r, "state"), 0, api_limit_or_reply(r)};
	int64_t key;
	if (x.limit && api_cursor_or_reply(r, &key, &x.before) == 0)
		api_read(r, list_work, &x);
}

struct create_arg {
	const char *subject_type;
	int64_t subject_id;
	const char *text;
	struct upload *files;
	int nfiles;
};

static enum kerr create_work(struct dctx *c, void *arg, struct jw *out)
{
	struct create_arg *x = arg;
	int64_t id;
	enum kerr rc =
	    appeal_create(c, x->subject_type, x->subject_id, x->text, x->files, x->nfiles, &id);
	return rc ? rc : get_work(c, &id, out);
}

/* Queues the appeal read from the request. */
static void appeal(struct req *r, struct create_arg *x)
{
	api_write(r, create_work, api_keep(r, x, sizeof(*x)), 201);
}

void h_vreq_appeal(struct req *r)
{
	struct create_arg x = {"vendor_request", api_id_or_reply(r, 0), NULL, NULL, 0};
	if (x.subject_id && !api_text_files_or_reply(r, &x.text, &x.files, &x.nfiles))
		appeal(r, &x);
}

void h_refund_appeal(struct req *r)
{
	struct create_arg x = {"refund", api_id_or_reply(r, 0), NULL, NULL, 0};
	if (x.subject_id && !api_text_files_or_reply(r, &x.text, &x.files, &x.nfiles))
		appeal(r, &x);
}

void h_violation_appeal(struct req *r)
{
	struct create_arg x = {"violation", api_id_or_reply(r, 0), NULL, NULL, 0};
	if (x.subject_id && !api_text_files_or_reply(r, &x.text, &x.files, &x.nfiles))
		appeal(r, &x);
}

static const struct field decide_fields[] = {
    {"reason", F_STR, 1},
    {NULL, 0, 0},
};

void h_appeal_uphold(struct req *r)
{
	api_decide(r, decide_fields, "uphold", appeal_decide, get_work);
}

void h_appeal_reverse(struct req *r)
{
	api_decide(r, decide_fields, "reverse", appeal_decide, get_work);
}
