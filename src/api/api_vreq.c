/*
 * api_vreq.c - vendor requests as vendors and agents use them, and file
 * downloads.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/attachment.h"
#include "domain/vreq.h"

struct list_arg {
	struct vreq_filter f;
};

static enum kerr list_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct vreq *v;
	int n, more;
	enum kerr rc = vreq_list(c, &x->f, &v, &n, &more);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_vreq(out, &v[i], dom_view(c));
	render_page_end(out, more ? api_cursor_text(c->a, v[n - 1].due_at, v[n - 1].id) : NULL);
	return KERR_OK;
}

void h_vreqs(struct req *r)
{
	struct list_arg x = {{0}};
	int present;
	x.f.limit = api_limit_or_reply(r);
	if (!x.f.limit || api_cursor_or_reply(r, &x.f.after_due, &x.f.after_id) < 0 ||
	    api_query_int_or_reply(r, "enquiry_id", 1, INT64_MAX, &x.f.enquiry_id, &present))
		return;
	x.f.state = req_query(r, "state");
	api_read(r, list_work, &x);
}

static enum kerr get_work(struct dctx *c, void *arg, struct jw *out)
{
	struct vreq v;
	enum kerr rc = vreq_get(c, *(int64_t *)arg, &v);
	if (!rc)
		render_vreq(out, &v, dom_view(c));
	return rc;
}

void h_vreq(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_read(r, get_work, &id);
}

struct answer_arg {
	int64_t id;
	const char *text;
	struct upload *files;
	int nfiles;
};

static enum kerr answer_work(struct dctx *c, void *arg, struct jw *out)
{
	struct answer_arg *x = arg;
	int64_t mid;
	struct vreq_screened sc;
	struct vreq v;
	enum kerr rc = vreq_answer(c, x->id, x->text, x->files, x->nfiles, &mid, &sc);
	if (rc || (rc = vreq_get(c, x->id, &v)))
		return rc;
	jw_obj(out);
	render_vreq_fields(out, &v, dom_view(c));
	/* The vendor is told at once what in the answer is not allowed, and why. */
	jw_key(out, "warnings");
	render_findings(out, sc.findings, sc.n);
	if (sc.violation_id)
		jw_kint(out, "violation_id", sc.violation_id);
	jw_obj_end(out);
	return KERR_OK;
}

void h_vreq_answer(struct req *r)
{
	struct answer_arg x = {api_id_or_reply(r, 0), NULL, NULL, 0};
	if (x.id && !api_text_files_or_reply(r, &x.text, &x.files, &x.nfiles))
		api_write(r, answer_work, api_keep(r, &x, sizeof(x)), 200);
}

static enum kerr cancel_work(struct dctx *c, void *arg, struct jw *out)
{
	int64_t id = *(int64_t *)arg;
	enum kerr rc = vreq_cancel(c, id);
	return rc ? rc : get_work(c, &id, out);
}

void h_vreq_cancel(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (!id)
		return;
	json_t *in = api_body_or_reply(r, (const struct field[]){{NULL, 0, 0}});
	if (!in)
		return;
	api_write(r, cancel_work, api_keep(r, &id, sizeof(id)), 200);
}

struct file_arg {
	int64_t id;
	struct attachment a;
};

static enum kerr file_work(struct dctx *c, void *arg, struct jw *out)
{
	(void)out;
	struct file_arg *x = arg;
	return attachment_get(c, x->id, &x->a);
}

/* Content-Disposition for a download: an ASCII name and the UTF-8 one (RFC 6266). */
static const char *disposition(struct req *r, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf ascii, utf;
	buf_init(&ascii, 1024);
	buf_init(&utf, 2048);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';
		buf_append_char(&ascii, plain || *p == ' ' ? (char)*p : '_');
		if (plain) {
			buf_append_char(&utf, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_append(&utf, e, 3);
		}
	}
	const char *out = arena_printf(&r->a, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
				       buf_cstr(&ascii), buf_cstr(&utf));
	buf_free(&ascii);
	buf_free(&utf);
	return out;
}

void h_attachment(struct req *r)
{
	struct file_arg x = {api_id_or_reply(r, 0), {{0}, NULL}};
	if (!x.id)
		return;
	enum kerr rc = api_read_raw(r, file_work, &x);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_reply(r, 200, x.a.ref.content_type, x.a.data, (size_t)x.a.ref.size);
	req_add_header(r, "Content-Disposition", disposition(r, x.a.ref.filename));
	req_add_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	req_add_header(r, "Cache-Control", "private, no-store");
}
