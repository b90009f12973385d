/*
 * desk.c - the agent desk's enquiry page: the order and enquiry at a
 * glance, the whole thread with each message's audience shown (customer-
 * visible, internal, to the vendor, from the vendor), what screening found
 * in a vendor's text marked, files, and a reply to the customer or an
 * internal note.
 */
#include <stdio.h>
#include <string.h>

#include "domain/enquiry.h"
#include "domain/message.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

/* Each audience as the desk names it, and the class that colours it. */
static const char *const audiences[][3] = {
    {"customer", "Customer-visible", "aud-customer"},
    {"internal", "Internal note", "aud-internal"},
    {"to_vendor", "To the vendor", "aud-to-vendor"},
    {"from_vendor", "From the vendor", "aud-from-vendor"},
};

static const char *const *audience_of(const char *code)
{
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++)
		if (code && strcmp(audiences[i][0], code) == 0)
			return audiences[i];
	return audiences[1];
}

static void message_html(struct req *r, struct buf *b, const struct message *m)
{
	const char *const *aud = audience_of(m->audience);
	html_raw(b, "<li class=\"msg ");
	html_attr(b, aud[2]);
	html_raw(b, "\"><p class=\"who\"><span class=\"aud\">");
	html_txt(b, aud[1]);
	html_raw(b, "</span> <strong>");
	html_txt(b, m->author_name);
	html_raw(b, "</strong> <time>");
	html_txt(b, page_time(r, m->created_at));
	html_raw(b, "</time></p><p class=\"body\">");
	page_marked_text(r, b, m->body, m->findings);
	html_raw(b, "</p>");
	if (m->findings && strcmp(m->findings, "[]") != 0)
		html_raw(b, "<p class=\"problem\">Screening found contact details or an "
			    "invitation to talk elsewhere (marked). The customer never sees this "
			    "text.</p>");
	page_files_list(b, m->files, m->nfiles);
	html_raw(b, "</li>");
}

/* The page; text and audience are what was typed, problem what is wrong with it,
 * files_problem what is wrong with the files sent with it. */
static void desk_page(struct req *r, int64_t id, int status, const char *text, const char *audience,
		      const char *problem, const char *files_problem)
{
	struct page_thread t = {.id = id};
	if (!page_thread_or_reply(r, &t, "There is no such enquiry."))
		return;
	const struct enquiry *q = &t.q;
	struct buf b;
	page_begin(r, &b, q->subject);
	html_raw(&b, "<p><a href=\"/desk\">Back to the queue</a></p><h1>");
	html_txt(&b, q->subject);
	html_raw(&b, "</h1><dl class=\"facts\">");
	page_fact(&b, "Order", q->order_number);
	page_fact(&b, "Customer", q->customer_name);
	page_fact(&b, "Shop", q->shop_name);
	page_fact(&b, "Category", page_words(r, q->category));
	page_fact(&b, "Status", page_words(r, q->status));
	page_fact(&b, "Priority", q->priority);
	page_fact(&b, "Queue", q->queue);
	page_fact(&b, "Reply", page_words(r, q->reply_state));
	page_fact(&b, "Assignee", q->assignee_name);
	page_fact(&b, "Vendor answer due", page_time(r, q->due_at));
	html_raw(&b, "</dl><h2>Thread</h2><ol class=\"thread\" aria-label=\"Thread\">");
	for (int i = 0; i < t.n; i++)
		message_html(r, &b, &t.msgs[i]);
	html_raw(&b, "</ol>");
	char action[64];
	snprintf(action, sizeof(action), "/desk/enquiries/%lld/messages", (long long)id);
	page_files_form_begin(r, &b, action, "reply");
	int note = audience && strcmp(audience, "internal") == 0;
	html_raw(&b, "<fieldset><legend>Write</legend><label><input type=\"radio\" "
		     "name=\"audience\" value=\"customer\"");
	html_raw(&b, note ? ">" : " checked>");
	html_raw(&b, " A reply to the customer</label> <label><input type=\"radio\" "
		     "name=\"audience\" value=\"internal\"");
	html_raw(&b, note ? " checked>" : ">");
	html_raw(&b, " An internal note</label></fieldset>");
	page_message_field(&b, "Message", text, problem);
	page_files_field(&b, "Photos or documents", files_problem);
	html_raw(&b, "<p><button type=\"submit\">Send</button></p></form>");
	page_end(r, &b, status);
}

void web_desk_enquiry(struct req *r)
{
	int64_t id;
	if (page_require(r, ROLES_STAFF) && (id = page_id_or_reply(r, 0)))
		desk_page(r, id, 200, NULL, NULL, NULL, NULL);
}

struct post {
	int64_t id;
	const char *audience, *body;
	struct upload *files;
	int nfiles;
};

static enum kerr post_fn(struct dctx *c, void *arg)
{
	struct post *x = arg;
	return message_post(c, x->id, x->audience, x->body, x->files, x->nfiles, NULL, NULL);
}

void web_desk_message(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *body = form_get(&f, "body"), *audience = form_get(&f, "audience");
	struct post x = {id, audience ? audience : "customer", body ? body : "", NULL, 0};
	x.nfiles = page_uploads(r, &f, &x.files);
	enum kerr rc = page_write(r, post_fn, &x);
	char to[80];
	snprintf(to, sizeof(to), "/desk/enquiries/%lld#main", (long long)id);
	if (!rc) {
		page_redirect(r, to);
		return;
	}
	const char *files_problem = page_files_problem(r, rc);
	const char *problem = files_problem ? NULL : page_message_problem(r, rc, x.body, "message");
	if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such enquiry.");
	else if (problem || files_problem)
		desk_page(r, id, page_problem_status(rc), x.body, x.audience, problem,
			  files_problem);
	else
		page_error(r, 503, "Not available", "The message could not be sent just now.");
}
