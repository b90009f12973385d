/*
 * render.c - JSON renderings.  See render.h.
 */
#include "api/render.h"

#include <stdio.h>
#include <string.h>

#include "api/api.h"

/* Sets key to a string, or leaves it out when s is NULL. */
static void set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, json_string(s));
}

static void set_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

static json_t *items_json(const char *text)
{
	json_t *items = text ? json_loads(text, 0, NULL) : NULL;
	return items ? items : json_array();
}

json_t *render_order(const struct order *o)
{
	json_t *j = json_object();
	set_int(j, "id", o->id);
	set_str(j, "number", o->number);
	set_str(j, "shop_name", o->shop_name);
	json_object_set_new(j, "items", items_json(o->items_json));
	set_int(j, "amount", o->amount);
	set_str(j, "currency", o->currency);
	json_object_set_new(j, "placed_at", api_time(o->placed_at));
	if (o->view == VIEW_CUSTOMER) {
		set_str(j, "note", o->note);
		return j;
	}
	json_t *cust = json_object();
	set_str(cust, "first_name", o->customer_first_name);
	if (o->view == VIEW_STAFF) {
		set_int(cust, "id", o->customer_id);
		set_str(cust, "last_name", o->customer_last_name);
		set_str(cust, "email", o->customer_email);
		set_str(cust, "phone", o->customer_phone);
		set_str(cust, "address", o->customer_address);
		set_int(j, "vendor_id", o->vendor_id);
		json_object_set_new(j, "created_at", api_time(o->created_at));
	}
	json_object_set_new(j, "customer", cust);
	set_str(j, "note", o->note);
	return j;
}

json_t *render_enquiry(const struct enquiry *q)
{
	json_t *j = json_object();
	set_int(j, "id", q->id);
	set_int(j, "order_id", q->order_id);
	set_str(j, "order_number", q->order_number);
	set_str(j, "shop_name", q->shop_name);
	set_str(j, "category", q->category);
	set_str(j, "subject", q->subject);
	set_str(j, "status", q->status);
	set_int(j, "message_count", q->message_count);
	json_object_set_new(j, "created_at", api_time(q->created_at));
	json_object_set_new(j, "updated_at", api_time(q->updated_at));
	json_object_set_new(j, "last_message_at", api_time(q->last_message_at));
	json_object_set_new(j, "resolved_at", api_time(q->resolved_at));
	json_object_set_new(j, "closed_at", api_time(q->closed_at));
	json_object_set_new(j, "reopen_until", api_time(q->reopen_until));
	if (q->view != VIEW_STAFF)
		return j;
	set_int(j, "customer_id", q->customer_id);
	set_str(j, "customer_name", q->customer_name);
	set_int(j, "vendor_id", q->vendor_id);
	set_str(j, "priority", q->priority);
	json_object_set_new(j, "escalated", json_boolean(q->escalated));
	json_object_set_new(j, "assignee",
			    q->assignee_id ? json_pack("{s:I,s:s?}", "id", (json_int_t)q->assignee_id,
						       "name", q->assignee_name)
					   : json_null());
	json_object_set_new(j, "vendor_due_at", api_time(q->due_at));
	return j;
}

json_t *render_file(const struct attachment_ref *a)
{
	char url[64];
	snprintf(url, sizeof(url), "/api/v1/attachments/%lld", (long long)a->id);
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:s}", "id", (json_int_t)a->id, "filename",
			 a->filename, "content_type", a->content_type, "size", (json_int_t)a->size,
			 "sha256", a->sha256, "url", url);
}

json_t *render_message(const struct message *m, enum view v)
{
	json_t *j = json_object();
	set_int(j, "id", m->id);
	set_str(j, "author_role", m->author_role);
	set_str(j, "author_name", m->author_name);
	json_object_set_new(j, "mine", json_boolean(m->mine));
	set_str(j, "body", m->body);
	json_object_set_new(j, "created_at", api_time(m->created_at));
	if (v == VIEW_STAFF) {
		set_str(j, "audience", m->audience);
		set_int(j, "author_id", m->author_id);
		if (m->vendor_request_id)
			set_int(j, "vendor_request_id", m->vendor_request_id);
	}
	json_t *files = json_array();
	for (int i = 0; i < m->nfiles; i++)
		json_array_append_new(files, render_file(&m->files[i]));
	json_object_set_new(j, "files", files);
	return j;
}

json_t *render_messages(const struct message *m, int n, enum view v)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, render_message(&m[i], v));
	return arr;
}

json_t *render_vreq(const struct vreq *r, enum view v)
{
	json_t *j = json_object();
	set_int(j, "id", r->id);
	set_str(j, "state", r->state);
	set_str(j, "question", r->question);
	json_t *ev = json_array();
	const char *p = r->evidence ? r->evidence : "";
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		json_array_append_new(ev, json_stringn(p, len));
		p += len + (comma ? 1 : 0);
	}
	json_object_set_new(j, "evidence", ev);
	json_object_set_new(j, "due_at", api_time(r->due_at));
	json_object_set_new(j, "created_at", api_time(r->created_at));
	json_object_set_new(j, "answered_at", api_time(r->answered_at));
	json_object_set_new(j, "cancelled_at", api_time(r->cancelled_at));
	set_int(j, "order_id", r->order_id);
	set_str(j, "order_number", r->order_number);
	if (v == VIEW_STAFF) {
		set_int(j, "enquiry_id", r->enquiry_id);
		set_int(j, "vendor_id", r->vendor_id);
		set_str(j, "shop_name", r->shop_name);
		set_int(j, "created_by", r->created_by);
		if (r->answered_by)
			set_int(j, "answered_by", r->answered_by);
	}
	if (r->order.id)
		json_object_set_new(j, "order", render_order(&r->order));
	if (r->answer)
		json_object_set_new(j, "answer", render_message(r->answer, v));
	return j;
}

json_t *render_user(const struct user *u)
{
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)u->id, "email", u->email,
			      "name", u->name, "role", u->role, "disabled", u->disabled);
	if (u->vendor_id)
		set_int(j, "vendor_id", u->vendor_id);
	json_object_set_new(j, "created_at", api_time(u->created_at));
	return j;
}

json_t *render_vendor(const struct vendor *v)
{
	json_t *j = json_pack("{s:I,s:s?,s:s}", "id", (json_int_t)v->id, "ref", v->ref,
			      "shop_name", v->shop_name);
	set_str(j, "contact_email", v->contact_email);
	set_str(j, "contact_phone", v->contact_phone);
	set_str(j, "website", v->website);
	json_object_set_new(j, "created_at", api_time(v->created_at));
	json_object_set_new(j, "updated_at", api_time(v->updated_at));
	return j;
}

json_t *render_principal(const struct principal *p)
{
	json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)p->user_id, "email", p->email,
			      "name", p->name, "role", role_name(p->role));
	if (p->vendor_id)
		set_int(j, "vendor_id", p->vendor_id);
	if (p->customer_id)
		set_int(j, "customer_id", p->customer_id);
	return j;
}

json_t *render_page(json_t *items, const char *next_cursor)
{
	return json_pack("{s:o,s:o}", "items", items,
			 "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
}
