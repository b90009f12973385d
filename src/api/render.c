/*
 * render.c - JSON renderings.  See render.h.
 */
#include "api/render.h"

#include <stdio.h>
#include <string.h>

#include "domain/feedback.h"

void render_order(struct jw *w, const struct order *o)
{
	jw_obj(w);
	jw_kint(w, "id", o->id);
	jw_kstr(w, "number", o->number);
	jw_kstr(w, "shop_name", o->shop_name);
	jw_key(w, "items");
	jw_raw(w, o->items_json ? o->items_json : "[]"); /* stored by order_create */
	jw_kint(w, "amount", o->amount);
	jw_kstr(w, "currency", o->currency);
	jw_ktime(w, "placed_at", o->placed_at);
	if (o->view != VIEW_CUSTOMER) {
		jw_key(w, "customer");
		jw_obj(w);
		if (o->view == VIEW_STAFF)
			jw_kint(w, "id", o->customer_id);
		jw_kstr_opt(w, "first_name", o->customer_first_name);
		jw_kstr_opt(w, "last_name", o->customer_last_name);
		jw_kstr_opt(w, "email", o->customer_email);
		jw_kstr_opt(w, "phone", o->customer_phone);
		jw_kstr_opt(w, "address", o->customer_address);
		jw_obj_end(w);
	}
	if (o->view == VIEW_STAFF) {
		jw_kint(w, "vendor_id", o->vendor_id);
		jw_ktime(w, "created_at", o->created_at);
	}
	jw_kstr_opt(w, "note", o->note);
	jw_obj_end(w);
}

/* How staff are handling an enquiry: priority, escalation, assignee, the vendor's due time. */
static void render_handling(struct jw *w, const struct enquiry *q)
{
	jw_kstr(w, "priority", q->priority);
	jw_kbool(w, "escalated", q->escalated);
	jw_key(w, "assignee");
	if (q->assignee_id) {
		jw_obj(w);
		jw_kint(w, "id", q->assignee_id);
		jw_kstr(w, "name", q->assignee_name);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_ktime(w, "vendor_due_at", q->due_at);
	jw_key(w, "reply");
	jw_obj(w);
	jw_kstr(w, "state", q->reply_state);
	jw_ktime(w, "due_at", q->reply_due_at);
	jw_key(w, "left_ms");
	if (q->reply_state && strcmp(q->reply_state, "paused") == 0)
		jw_int(w, q->reply_left_ms);
	else
		jw_null(w);
	jw_obj_end(w);
}

void render_enquiry_fields(struct jw *w, const struct enquiry *q)
{
	jw_kint(w, "id", q->id);
	jw_kint(w, "order_id", q->order_id);
	jw_kstr(w, "order_number", q->order_number);
	jw_kstr(w, "shop_name", q->shop_name);
	jw_kstr(w, "category", q->category);
	jw_kstr(w, "subject", q->subject);
	jw_kstr(w, "status", q->status);
	jw_kint(w, "message_count", q->message_count);
	jw_ktime(w, "created_at", q->created_at);
	jw_ktime(w, "updated_at", q->updated_at);
	jw_ktime(w, "last_message_at", q->last_message_at);
	jw_ktime(w, "resolved_at", q->resolved_at);
	jw_ktime(w, "closed_at", q->closed_at);
	jw_ktime(w, "reopen_until", q->reopen_until);
	if (q->view != VIEW_STAFF)
		return;
	jw_kint(w, "customer_id", q->customer_id);
	jw_kstr(w, "customer_name", q->customer_name);
	jw_kint(w, "vendor_id", q->vendor_id);
	render_handling(w, q);
	jw_kstr(w, "queue", q->queue);
	jw_kint(w, "reply_breaches", q->reply_breaches);
	jw_ktime(w, "first_reply_at", q->first_reply_at);
}

/* A list row: what a queue or a customer's list shows. */
static void render_enquiry_summary(struct jw *w, const struct enquiry *q)
{
	jw_kint(w, "id", q->id);
	jw_kstr(w, "order_number", q->order_number);
	jw_kstr(w, "shop_name", q->shop_name);
	jw_kstr(w, "category", q->category);
	jw_kstr(w, "subject", q->subject);
	jw_kstr(w, "status", q->status);
	jw_kint(w, "message_count", q->message_count);
	jw_ktime(w, "created_at", q->created_at);
	jw_ktime(w, "last_message_at", q->last_message_at);
	jw_ktime(w, "resolved_at", q->resolved_at);
	if (q->view != VIEW_STAFF) {
		jw_ktime(w, "reopen_until", q->reopen_until);
		return;
	}
	jw_kstr(w, "customer_name", q->customer_name);
	render_handling(w, q);
}

void render_enquiry_row(struct jw *w, const struct enquiry *q)
{
	jw_obj(w);
	render_enquiry_summary(w, q);
	jw_obj_end(w);
}

void render_file(struct jw *w, const struct attachment_ref *a)
{
	char url[64];
	snprintf(url, sizeof(url), "/api/v1/attachments/%lld", (long long)a->id);
	jw_obj(w);
	jw_kint(w, "id", a->id);
	jw_kstr(w, "filename", a->filename);
	jw_kstr(w, "content_type", a->content_type);
	jw_kint(w, "size", a->size);
	jw_kstr(w, "sha256", a->sha256);
	jw_kstr(w, "url", url);
	jw_obj_end(w);
}

void render_message_fields(struct jw *w, const struct message *m, enum view v)
{
	jw_kint(w, "id", m->id);
	jw_kstr(w, "author_role", m->author_role);
	jw_kstr_opt(w, "author_name", m->author_name);
	jw_kbool(w, "mine", m->mine);
	jw_kstr(w, "body", m->body);
	jw_ktime(w, "created_at", m->created_at);
	if (v == VIEW_STAFF) {
		jw_kstr(w, "audience", m->audience);
		jw_kint(w, "author_id", m->author_id);
		if (m->vendor_request_id)
			jw_kint(w, "vendor_request_id", m->vendor_request_id);
		if (m->findings) { /* what screening found in a vendor's text: spans of body */
			jw_key(w, "findings");
			jw_raw(w, m->findings);
		}
	}
	jw_key(w, "files");
	jw_arr(w);
	for (int i = 0; i < m->nfiles; i++)
		render_file(w, &m->files[i]);
	jw_arr_end(w);
}

void render_message(struct jw *w, const struct message *m, enum view v)
{
	jw_obj(w);
	render_message_fields(w, m, v);
	jw_obj_end(w);
}

void render_messages(struct jw *w, const struct message *m, int n, enum view v)
{
	jw_arr(w);
	for (int i = 0; i < n; i++)
		render_message(w, &m[i], v);
	jw_arr_end(w);
}

void render_vreq(struct jw *w, const struct vreq *r, enum view v)
{
	jw_obj(w);
	render_vreq_fields(w, r, v);
	jw_obj_end(w);
}

/* A comma-separated list as stored ("tracking,photo") as a JSON array of strings. */
static void render_list(struct jw *w, const char *csv)
{
	jw_arr(w);
	struct slice rest = slice_from(csv), item;
	while (slice_split(&rest, ',', &item))
		jw_strn(w, item.p, item.n);
	jw_arr_end(w);
}

void render_findings(struct jw *w, const struct contact_finding *f, int n)
{
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "kind", f[i].kind);
		jw_kint(w, "start", f[i].start);
		jw_kint(w, "end", f[i].end);
		jw_kstr(w, "text", f[i].excerpt);
		jw_kstr(w, "why", f[i].why);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void render_violation(struct jw *w, const struct violation *x, enum view v)
{
	jw_obj(w);
	jw_kint(w, "id", x->id);
	jw_kstr(w, "state", x->state);
	jw_kint(w, "vendor_id", x->vendor_id);
	jw_kstr(w, "shop_name", x->shop_name);
	jw_kint(w, "message_id", x->message_id);
	if (v == VIEW_STAFF)
		jw_kint(w, "enquiry_id", x->enquiry_id);
	jw_key(w, "kinds");
	render_list(w, x->kinds);
	jw_key(w, "evidence");
	jw_raw(w, x->evidence);
	jw_ktime(w, "created_at", x->created_at);
	jw_ktime(w, "decided_at", x->decided_at);
	jw_kstr_opt(w, "reason", x->reason);
	if (v == VIEW_STAFF && x->decided_by)
		jw_kint(w, "decided_by", x->decided_by);
	jw_obj_end(w);
}

void render_vreq_fields(struct jw *w, const struct vreq *r, enum view v)
{
	jw_kint(w, "id", r->id);
	jw_kstr(w, "state", r->state);
	jw_kstr(w, "question", r->question);
	jw_key(w, "evidence");
	render_list(w, r->evidence);
	jw_ktime(w, "due_at", r->due_at);
	jw_ktime(w, "created_at", r->created_at);
	jw_ktime(w, "answered_at", r->answered_at);
	jw_ktime(w, "cancelled_at", r->cancelled_at);
	jw_kint(w, "order_id", r->order_id);
	jw_kstr(w, "order_number", r->order_number);
	if (v == VIEW_STAFF) {
		jw_kint(w, "enquiry_id", r->enquiry_id);
		jw_kint(w, "vendor_id", r->vendor_id);
		jw_kstr(w, "shop_name", r->shop_name);
		jw_kint(w, "created_by", r->created_by);
		if (r->answered_by)
			jw_kint(w, "answered_by", r->answered_by);
	}
	if (r->order.id) {
		jw_key(w, "order");
		render_order(w, &r->order);
	}
	if (r->answer) {
		jw_key(w, "answer");
		render_message(w, r->answer, v);
	}
}

void render_user(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "role", u->role);
	jw_kbool(w, "disabled", u->disabled);
	if (u->vendor_id)
		jw_kint(w, "vendor_id", u->vendor_id);
	jw_ktime(w, "created_at", u->created_at);
	jw_obj_end(w);
}

void render_vendor_fields(struct jw *w, const struct vendor *v)
{
	jw_kint(w, "id", v->id);
	jw_kstr(w, "ref", v->ref);
	jw_kstr(w, "shop_name", v->shop_name);
	jw_kstr_opt(w, "contact_email", v->contact_email);
	jw_kstr_opt(w, "contact_phone", v->contact_phone);
	jw_kstr_opt(w, "website", v->website);
	jw_kstr(w, "handles", v->handles ? v->handles : "");
	jw_ktime(w, "created_at", v->created_at);
	jw_ktime(w, "updated_at", v->updated_at);
}

void render_principal_fields(struct jw *w, const struct principal *p)
{
	jw_kint(w, "id", p->user_id);
	jw_kstr(w, "email", p->email);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "role", role_name(p->role));
	if (p->vendor_id)
		jw_kint(w, "vendor_id", p->vendor_id);
	if (p->customer_id)
		jw_kint(w, "customer_id", p->customer_id);
}

void render_session(struct jw *w, const struct session_info *s)
{
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kint(w, "user_id", s->user_id);
	jw_kstr(w, "kind", s->kind);
	jw_kstr(w, "label", s->label);
	jw_kstr(w, "client", s->client);
	jw_ktime(w, "created_at", s->created_at);
	jw_ktime(w, "expires_at", s->expires_at);
	jw_kbool(w, "current", s->current);
	jw_obj_end(w);
}

void render_audit(struct jw *w, const struct audit_event *e)
{
	jw_obj(w);
	jw_kint(w, "id", e->id);
	jw_ktime(w, "at", e->at);
	jw_key(w, "actor_id");
	if (e->actor_id)
		jw_int(w, e->actor_id);
	else
		jw_null(w);
	jw_kstr(w, "actor_role", e->actor_role);
	jw_kstr(w, "action", e->action);
	jw_kstr(w, "object_type", e->object_type);
	jw_kint(w, "object_id", e->object_id);
	jw_key(w, "summary");
	jw_raw(w, e->summary ? e->summary : "{}"); /* stored by audit_append */
	jw_kstr(w, "hash", e->hash);
	jw_obj_end(w);
}

void render_page_begin(struct jw *w)
{
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
}

void render_page_end(struct jw *w, const char *next_cursor)
{
	jw_arr_end(w);
	jw_kstr(w, "next_cursor", next_cursor);
	jw_obj_end(w);
}

void render_notification(struct jw *w, const struct notification *n)
{
	jw_obj(w);
	jw_kint(w, "id", n->id);
	jw_kstr(w, "kind", n->kind);
	jw_kstr(w, "subject", n->subject);
	jw_kstr(w, "body", n->body);
	jw_kstr(w, "link", n->link);
	jw_kstr(w, "object_type", n->object_type);
	jw_kint(w, "object_id", n->object_id);
	jw_ktime(w, "created_at", n->created_at);
	jw_ktime(w, "read_at", n->read_at);
	jw_obj_end(w);
}

void render_refund(struct jw *w, const struct refund *x, enum view v)
{
	jw_obj(w);
	jw_kint(w, "id", x->id);
	jw_kint(w, "order_id", x->order_id);
	jw_kstr(w, "order_number", x->order_number);
	jw_kint(w, "vendor_id", x->vendor_id);
	if (v == VIEW_STAFF)
		jw_kint(w, "enquiry_id", x->enquiry_id);
	jw_key(w, "vendor_request_id");
	if (x->vendor_request_id)
		jw_int(w, x->vendor_request_id);
	else
		jw_null(w);
	jw_kstr(w, "kind", x->kind);
	jw_kint(w, "amount", x->amount);
	jw_kstr(w, "currency", x->currency);
	jw_kstr(w, "charged_to", x->charged_to);
	jw_kstr(w, "reason", x->reason);
	jw_ktime(w, "created_at", x->created_at);
	jw_obj_end(w);
}

void render_rating(struct jw *w, const struct rating *x)
{
	jw_obj(w);
	jw_kint(w, "vendor_id", x->vendor_id);
	jw_kint(w, "score", x->score);
	jw_kint(w, "window_days", x->window_days);
	jw_kint(w, "requests", x->requests);
	jw_kint(w, "on_time", x->on_time);
	jw_kint(w, "late", x->late);
	jw_kint(w, "lapses", x->lapses);
	jw_kint(w, "refunds", x->refunds);
	jw_kint(w, "violations", x->violations);
	jw_kint(w, "answered", x->answered);
	jw_key(w, "median_response_ms");
	x->answered ? jw_int(w, x->median_ms) : jw_null(w);
	jw_key(w, "p90_response_ms");
	x->answered ? jw_int(w, x->p90_ms) : jw_null(w);
	jw_kint(w, "pending", x->pending);
	jw_key(w, "advice");
	jw_arr(w);
	for (int i = 0; i < x->nadvice; i++)
		jw_str(w, x->advice[i]);
	jw_arr_end(w);
	jw_key(w, "history");
	jw_arr(w);
	for (int i = 0; i < x->nhistory; i++) {
		const struct rating_day *d = &x->history[i];
		jw_obj(w);
		jw_ktime(w, "day", d->day * 86400000);
		jw_kint(w, "score", d->score);
		jw_kint(w, "requests", d->requests);
		jw_kint(w, "on_time", d->on_time);
		jw_kint(w, "lapses", d->lapses);
		jw_kint(w, "refunds", d->refunds);
		jw_kint(w, "violations", d->violations);
		jw_key(w, "median_response_ms");
		d->answered ? jw_int(w, d->median_ms) : jw_null(w);
		jw_key(w, "p90_response_ms");
		d->answered ? jw_int(w, d->p90_ms) : jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void render_standing(struct jw *w, const struct standing *x)
{
	jw_obj(w);
	jw_kint(w, "vendor_id", x->vendor_id);
	jw_kstr(w, "vendor_ref", x->ref);
	jw_kstr(w, "shop_name", x->shop_name);
	jw_kstr(w, "standing", x->standing);
	jw_kint(w, "points", x->points);
	jw_key(w, "thresholds");
	jw_obj(w);
	jw_kint(w, "warning", x->warning);
	jw_kint(w, "restricted", x->restricted);
	jw_kint(w, "suspended", x->suspended);
	jw_obj_end(w);
	jw_key(w, "penalties");
	jw_arr(w);
	for (int i = 0; i < x->n; i++) {
		const struct vendor_point *p = &x->list[i];
		jw_obj(w);
		jw_kint(w, "id", p->id);
		jw_kint(w, "points", p->points);
		jw_kstr(w, "source_type", p->source_type);
		jw_kint(w, "source_id", p->source_id);
		jw_kstr(w, "reason", p->reason);
		jw_ktime(w, "created_at", p->created_at);
		jw_ktime(w, "expires_at", p->expires_at);
		jw_ktime(w, "reversed_at", p->reversed_at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "changes");
	jw_arr(w);
	for (int i = 0; i < x->nchanges; i++) {
		const struct standing_change *ch = &x->changes[i];
		jw_obj(w);
		jw_kstr(w, "from", ch->from);
		jw_kstr(w, "to", ch->to);
		jw_kint(w, "points", ch->points);
		jw_kstr(w, "cause", ch->cause);
		jw_ktime(w, "at", ch->created_at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void render_appeal(struct jw *w, const struct appeal *a, enum view v)
{
	jw_obj(w);
	jw_kint(w, "id", a->id);
	jw_kint(w, "vendor_id", a->vendor_id);
	jw_kstr(w, "kind", a->kind);
	jw_kstr(w, "subject_type", a->subject_type);
	jw_kint(w, "subject_id", a->subject_id);
	jw_kstr(w, "state", a->state);
	jw_kstr(w, "text", a->text);
	jw_key(w, "files");
	jw_arr(w);
	for (int i = 0; i < a->nfiles; i++)
		render_file(w, &a->files[i]);
	jw_arr_end(w);
	jw_ktime(w, "created_at", a->created_at);
	jw_ktime(w, "decided_at", a->decided_at);
	jw_kstr_opt(w, "reason", a->reason);
	if (v == VIEW_STAFF) {
		jw_kint(w, "enquiry_id", a->enquiry_id);
		jw_kint(w, "message_id", a->message_id);
	}
	jw_obj_end(w);
}

void render_feedback(struct jw *w, const struct feedback *f)
{
	jw_obj(w);
	jw_kint(w, "enquiry_id", f->enquiry_id);
	jw_kint(w, "score", f->score);
	jw_kstr(w, "comment", f->comment);
	jw_ktime(w, "created_at", f->created_at);
	jw_obj_end(w);
}
