/*
 * api_enquiries.c - enquiries: opening, the queue, one enquiry with its
 * thread, messages, assignment, status, reopening and vendor requests.
 */
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/enquiry.h"
#include "domain/feedback.h"
#include "domain/message.h"
#include "domain/refund.h"
#include "domain/vreq.h"

/* Renders one enquiry with its order, thread and (for staff) vendor requests. */
static enum kerr render_full(struct dctx *c, int64_t id, struct jw *out)
{
	struct enquiry q;
	struct message *m;
	struct order o;
	struct vreq *reqs = NULL;
	int n, nreqs = 0, more;
	enum kerr rc;
	enum view v = dom_view(c);
	struct vreq_filter f = {"all", id, 0, 0, 50};
	struct feedback fb;
	int rated;
	if ((rc = enquiry_get(c, id, &q)) || (rc = message_thread(c, &q, &m, &n)) ||
	    (rc = order_get(c, q.order_id, &o)) || (rc = feedback_get(c, id, &fb, &rated)) ||
	    (v == VIEW_STAFF && (rc = vreq_list(c, &f, &reqs, &nreqs, &more))))
		return rc;
	jw_obj(out);
	render_enquiry_fields(out, &q);
	jw_key(out, "order");
	render_order(out, &o);
	jw_key(out, "messages");
	render_messages(out, m, n, v);
	jw_key(out, "feedback");
	if (rated)
		render_feedback(out, &fb);
	else
		jw_null(out);
	if (v == VIEW_STAFF) {
		jw_key(out, "vendor_requests");
		jw_arr(out);
		for (int i = 0; i < nreqs; i++)
			render_vreq(out, &reqs[i], v);
		jw_arr_end(out);
	}
	jw_obj_end(out);
	return KERR_OK;
}

static const struct field open_fields[] = {
    {"order_id", F_INT, 1}, {"category", F_STR, 1}, {"subject", F_STR, 1},
    {"message", F_STR, 1},  {NULL, 0, 0},
};

/* An action's enquiry (in the path; 0 when none), its body's fields and the files sent. */
struct with_files {
	int64_t id; /* the enquiry in the path, or 0 */
	json_t *in;
	struct upload *files;
	int nfiles;
};

static enum kerr open_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	struct enquiry_in e = {api_int(x->in, "order_id", 0),
			       api_str(x->in, "category"),
			       api_str(x->in, "subject"),
			       api_str(x->in, "message"),
			       x->files,
			       x->nfiles};
	int64_t id;
	enum kerr rc = enquiry_open(c, &e, &id);
	return rc ? rc : render_full(c, id, out);
}

void h_enquiry_open(struct req *r)
{
	struct with_files x = {0};
	if ((x.in = api_body_files_or_reply(r, open_fields, &x.files, &x.nfiles)))
		api_write(r, open_work, api_keep(r, &x, sizeof(x)), 201);
}

struct queue_arg {
	struct enquiry_filter f;
};

static enum kerr queue_row(const struct enquiry *q, void *arg)
{
	render_enquiry_row(arg, q);
	return KERR_OK;
}

static enum kerr queue_work(struct dctx *c, void *arg, struct jw *out)
{
	struct queue_arg *x = arg;
	int more;
	int64_t key = 0, id = 0;
	render_page_begin(out);
	enum kerr rc = enquiry_list(c, &x->f, queue_row, out, &more, &key, &id);
	if (rc)
		return rc;
	render_page_end(out, more ? api_cursor_text(c->a, key, id) : NULL);
	return KERR_OK;
}

void h_enquiries(struct req *r)
{
	struct queue_arg x = {{0}};
	struct enquiry_filter *f = &x.f;
	int present;
	f->limit = api_limit_or_reply(r);
	if (!f->limit || api_cursor_or_reply(r, &f->after_key, &f->after_id) < 0 ||
	    api_query_int_or_reply(r, "vendor_id", 1, INT64_MAX, &f->vendor_id, &present))
		return;
	f->status = req_query(r, "status");
	f->category = req_query(r, "category");
	if (api_query_bool_or_reply(r, "escalated", &f->escalated))
		return;
	const char *assigned = req_query(r, "assignee");
	if (assigned) {
		if (strcmp(assigned, "none") == 0)
			f->assignee = -1;
		else if (strcmp(assigned, "me") == 0)
			f->assignee = r->who.user_id;
		else if (parse_i64(slice_from(assigned), 1, INT64_MAX, &f->assignee)) {
			api_error(r, KERR_BAD_VALUE, "assignee",
				  "'assignee' must be a user id, me or none");
			return;
		}
	}
	const char *sort = req_query(r, "sort");
	if (sort && strcmp(sort, "age") != 0 && strcmp(sort, "due") != 0 &&
	    strcmp(sort, "reply") != 0) {
		api_error(r, KERR_BAD_VALUE, "sort", "'sort' must be age, due or reply");
		return;
	}
	f->sort_due = !sort ? 0 : strcmp(sort, "due") == 0 ? 1 : strcmp(sort, "reply") == 0 ? 2 : 0;
	api_read(r, queue_work, &x);
}

static enum kerr get_work(struct dctx *c, void *arg, struct jw *out)
{
	return render_full(c, *(int64_t *)arg, out);
}

void h_enquiry(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, get_work, &id);
}

static const struct field message_fields[] = {
    {"body", F_STR, 1},
    {"audience", F_STR, 0},
    {NULL, 0, 0},
};

static enum kerr message_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	struct message m;
	const char *status;
	enum kerr rc = message_post(c, x->id, api_str(x->in, "audience"), api_str(x->in, "body"),
				    x->files, x->nfiles, &m, &status);
	if (rc)
		return rc;
	jw_obj(out);
	render_message_fields(out, &m, dom_view(c));
	jw_kstr(out, "enquiry_status", status);
	jw_obj_end(out);
	return KERR_OK;
}

/* Runs an action with a JSON body on the enquiry in the path. */
static void act(struct req *r, const struct field *fields, api_work work, int status)
{
	struct with_files x = {api_id_or_reply(r, 0), NULL, NULL, 0};
	if (!x.id)
		return;
	if (!(x.in = api_body_or_reply(r, fields)))
		return;
	api_write(r, work, api_keep(r, &x, sizeof(x)), status);
}

void h_enquiry_message(struct req *r)
{
	struct with_files x = {api_id_or_reply(r, 0), NULL, NULL, 0};
	if (x.id && (x.in = api_body_files_or_reply(r, message_fields, &x.files, &x.nfiles)))
		api_write(r, message_work, api_keep(r, &x, sizeof(x)), 201);
}

static const struct field assign_fields[] = {
    {"assignee_id", F_INT_NULL, 1},
    {NULL, 0, 0},
};

static enum kerr assign_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	json_t *v = json_object_get(x->in, "assignee_id");
	if (json_is_integer(v) && json_integer_value(v) <= 0)
		return err_set(c->e, KERR_BAD_VALUE, "assignee_id",
			       "'assignee_id' must be a user id, or null to unassign");
	enum kerr rc = enquiry_assign(c, x->id, api_int(x->in, "assignee_id", 0));
	return rc ? rc : render_full(c, x->id, out);
}

void h_enquiry_assign(struct req *r)
{
	act(r, assign_fields, assign_work, 200);
}

static const struct field status_fields[] = {
    {"status", F_STR, 1},
    {NULL, 0, 0},
};

static enum kerr status_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	enum kerr rc = enquiry_set_status(c, x->id, api_str(x->in, "status"));
	return rc ? rc : render_full(c, x->id, out);
}

void h_enquiry_status(struct req *r)
{
	act(r, status_fields, status_work, 200);
}

static enum kerr reopen_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	enum kerr rc = enquiry_reopen(c, x->id);
	return rc ? rc : render_full(c, x->id, out);
}

void h_enquiry_reopen(struct req *r)
{
	act(r, (const struct field[]){{NULL, 0, 0}}, reopen_work, 200);
}

static const struct field feedback_fields[] = {
    {"score", F_INT, 1},
    {"comment", F_STR, 0},
    {NULL, 0, 0},
};

static enum kerr feedback_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	struct feedback fb;
	int found;
	enum kerr rc =
	    feedback_give(c, x->id, api_int(x->in, "score", 0), api_str(x->in, "comment"));
	if (rc || (rc = feedback_get(c, x->id, &fb, &found)))
		return rc;
	render_feedback(out, &fb);
	return KERR_OK;
}

void h_enquiry_feedback(struct req *r)
{
	act(r, feedback_fields, feedback_work, 201);
}

static const struct field refund_fields[] = {
    {"amount", F_INT, 1},
    {"charged_to", F_STR, 1},
    {"reason", F_STR, 1},
    {NULL, 0, 0},
};

static enum kerr refund_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	struct refund_in in = {api_int(x->in, "amount", 0), api_str(x->in, "charged_to"),
			       api_str(x->in, "reason")};
	struct refund made;
	enum kerr rc = refund_by_agent(c, x->id, &in, &made);
	if (!rc)
		render_refund(out, &made, dom_view(c));
	return rc;
}

void h_enquiry_refund(struct req *r)
{
	act(r, refund_fields, refund_work, 201);
}

static const struct field vreq_fields[] = {
    {"question", F_STR, 1},
    {"evidence", F_STR_ARR, 0},
    {"due_in_hours", F_INT, 0},
    {NULL, 0, 0},
};

static enum kerr vreq_work(struct dctx *c, void *arg, struct jw *out)
{
	struct with_files *x = arg;
	json_t *ev = json_object_get(x->in, "evidence");
	size_t n = json_array_size(ev);
	if (n > 8)
		return err_set(c->e, KERR_BAD_VALUE, "evidence", "at most 8 evidence kinds");
	const char **kinds = arena_calloc(c->a, n ? n : 1, sizeof(*kinds));
	for (size_t i = 0; i < n; i++)
		kinds[i] = json_string_value(json_array_get(ev, i));
	struct vreq_in in = {api_str(x->in, "question"), kinds, (int)n,
			     api_int(x->in, "due_in_hours", 0)};
	if (json_object_get(x->in, "due_in_hours") && in.due_in_hours <= 0)
		return err_set(c->e, KERR_BAD_VALUE, "due_in_hours",
			       "'due_in_hours' must be 1 to 336");
	int64_t id;
	struct vreq_screened sc;
	enum kerr rc = vreq_create(c, x->id, &in, &id, &sc);
	if (rc)
		return rc;
	struct vreq v;
	if ((rc = vreq_get(c, id, &v)))
		return rc;
	jw_obj(out);
	render_vreq_fields(out, &v, dom_view(c));
	/* What of the question the vendor does not see, and how it reads to them. */
	jw_kstr(out, "vendor_sees", sc.vendor_sees);
	jw_key(out, "removed_for_vendor");
	render_findings(out, sc.findings, sc.n);
	jw_obj_end(out);
	return KERR_OK;
}

void h_enquiry_vreq(struct req *r)
{
	act(r, vreq_fields, vreq_work, 201);
}
