/*
 * portals.c - each portal's start page: a customer's enquiries and orders
 * (/help), the agents' queue with its views, counts and filters (/desk) and
 * a vendor's pending requests (/vendor).
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/enquiry.h"
#include "domain/order.h"
#include "domain/party.h"
#include "domain/refund.h"
#include "domain/vreq.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

#define START_ROWS 50

/* A list of enquiries being written: the filter, the rows written, the next page's cursor. */
struct listing {
	struct req *r;
	struct buf *b;
	int rows, more;
	struct enquiry_filter f;
	int64_t next_key, next_id;
};

/* The columns enquiry_row_html() writes for staff (the queue, the search). */
static const char *const staff_cols[] = {"Subject",  "Order",	     "Customer", "Shop",
					 "Status",   "Priority",     "Reply",	 "Vendor answer",
					 "Assignee", "Last message", NULL};

static enum kerr enquiry_row_html(const struct enquiry *q, void *arg)
{
	struct listing *l = arg;
	struct buf *b = l->b;
	struct req *r = l->r;
	html_raw(b, "<tr>");
	/* The subject leads to the enquiry, in the help centre or at the desk. */
	char href[64];
	snprintf(href, sizeof(href), "/%s/enquiries/%lld", q->view == VIEW_STAFF ? "desk" : "help",
		 (long long)q->id);
	page_cell_to(b, "Subject", href, q->subject);
	page_cell(b, "Order", q->order_number);
	if (q->view == VIEW_STAFF) {
		page_cell(b, "Customer", q->customer_name);
		page_cell(b, "Shop", q->shop_name);
	}
	page_cell(b, "Status", page_words(r, q->status));
	if (q->view == VIEW_STAFF) {
		page_cell(b, "Priority",
			  q->escalated ? arena_printf(&r->a, "%s, escalated", q->priority)
				       : q->priority);
		page_cell(b, "Reply", page_words(r, q->reply_state));
		page_cell(b, "Vendor answer", q->due_at ? page_time_left(r, q->due_at) : "—");
		page_cell(b, "Assignee", q->assignee_name ? q->assignee_name : "—");
	}
	page_cell(b, "Last message",
		  page_time(r, q->last_message_at ? q->last_message_at : q->created_at));
	html_raw(b, "</tr>");
	l->rows++;
	return KERR_OK;
}

static enum kerr enquiries_fn(struct dctx *c, void *arg)
{
	struct listing *l = arg;
	return enquiry_list(c, &l->f, enquiry_row_html, l, &l->more, &l->next_key, &l->next_id);
}

/* The enquiries the principal sees first into b (a customer's own, or the agents' queue):
 * 0, or -1 when they cannot be read. */
static int enquiries_table(struct req *r, struct buf *b, const char *caption,
			   const char *const *cols, const char *none)
{
	struct buf rows;
	buf_init(&rows, 0);
	struct listing l = {r, &rows, 0, 0, {.escalated = -1, .limit = START_ROWS}, 0, 0};
	if (page_read(r, enquiries_fn, &l)) {
		buf_free(&rows);
		return -1;
	}
	if (!l.rows) {
		html_raw(b, "<p class=\"empty\">");
		html_txt(b, none);
		html_raw(b, "</p>");
	} else {
		page_table_begin(b, caption, cols);
		buf_append(b, rows.data, rows.len);
		html_raw(b, "</tbody></table>");
	}
	buf_free(&rows);
	return 0;
}

static void unavailable(struct req *r, struct buf *b)
{
	buf_free(b);
	page_error(r, 503, "Not available", "The list cannot be read just now. Try again.");
}

struct orders {
	struct order *rows;
	int n;
};

static enum kerr orders_fn(struct dctx *c, void *arg)
{
	struct orders *o = arg;
	return order_list(c, 0, START_ROWS, &o->rows, &o->n);
}

void web_help(struct req *r)
{
	static const char *const cols[] = {"Subject", "Order", "Status", "Last message", NULL};
	static const char *const order_cols[] = {"Order", "Shop", "Placed", "Total", "Help", NULL};
	if (!page_require(r, ROLE_CUSTOMER))
		return;
	struct buf b;
	page_begin(r, &b, "My enquiries");
	html_raw(&b, "<h1>My enquiries</h1>");
	struct orders o = {0};
	if (enquiries_table(r, &b, "Your enquiries, newest first", cols,
			    "You have no enquiries.") ||
	    page_read(r, orders_fn, &o)) {
		unavailable(r, &b);
		return;
	}
	html_raw(&b, "<h2>My orders</h2>");
	if (!o.n) {
		html_raw(&b, "<p class=\"empty\">You have no orders yet.</p>");
	} else {
		page_table_begin(&b, "Your orders, newest first", order_cols);
		for (int i = 0; i < o.n; i++) {
			const struct order *d = &o.rows[i];
			char href[64];
			snprintf(href, sizeof(href), "/help/orders/%lld/enquiry", (long long)d->id);
			html_raw(&b, "<tr>");
			page_cell(&b, "Order", d->number);
			page_cell(&b, "Shop", d->shop_name);
			page_cell(&b, "Placed",
				  page_time(r, d->placed_at ? d->placed_at : d->created_at));
			page_cell(&b, "Total", refund_amount_text(&r->a, d->amount, d->currency));
			page_cell_to(&b, "Help", href,
				     arena_printf(&r->a, "Ask about order %s", d->number));
			html_raw(&b, "</tr>");
		}
		html_raw(&b, "</tbody></table>");
	}
	page_end(r, &b, 200);
}

/* The queue's views beyond the status: each one's name in the URL and on its tab. */
static const char *const views[][2] = {
    {"escalated", "Escalated"},
    {"overdue", "Overdue"},
    {"mine", "Mine"},
    {"unassigned", "Unassigned"},
};
/* The statuses the queue's tabs show (active ones), and the sorts it offers. */
static const char *const tab_statuses[][2] = {
    {"active", "All active"},
    {"open", "Open"},
    {"awaiting_vendor", "Awaiting vendor"},
    {"awaiting_customer", "Awaiting customer"},
};
static const char *const sorts[] = {"reply", "vendor", "age", NULL};
static const char *const sort_words[] = {"The reply due soonest", "The vendor's answer due soonest",
					 "The oldest"};
static const char *const statuses[] = {
    "active", "open", "awaiting_vendor", "awaiting_customer", "resolved", "closed", "all", NULL};

/* The queue's filter as the URL gives it, checked. */
struct queue_query {
	const char *status, *view, *category, *sort;
	int64_t vendor;
	const char *problem; /* what is wrong with the URL's filter, or NULL */
};

static int listed(const char *const *list, const char *v)
{
	for (; *list; list++)
		if (strcmp(*list, v) == 0)
			return 1;
	return 0;
}

static void read_query(struct req *r, struct queue_query *q, struct enquiry_filter *f)
{
	const char *v;
	q->status = (v = req_query(r, "status")) && *v ? v : "active";
	q->view = (v = req_query(r, "view")) && *v ? v : NULL;
	q->category = (v = req_query(r, "category")) && *v ? v : NULL;
	q->sort = (v = req_query(r, "sort")) && *v ? v : "reply";
	if (!listed(statuses, q->status))
		q->problem = "The queue has no such status to show.";
	else if (q->category && !listed(enquiry_categories, q->category))
		q->problem = "The queue has no such category to show.";
	else if (!listed(sorts, q->sort))
		q->problem = "The queue cannot be sorted that way.";
	else if ((v = req_query(r, "vendor")) && *v &&
		 parse_i64(slice_from(v), 1, INT64_MAX, &q->vendor))
		q->problem = "The vendor to show is not one the queue knows.";
	int known = !q->view;
	for (size_t i = 0; !known && i < sizeof(views) / sizeof(views[0]); i++)
		known = strcmp(q->view, views[i][0]) == 0;
	if (!known)
		q->problem = "The queue has no such view.";
	f->status = q->status;
	f->category = q->category;
	f->vendor_id = q->vendor;
	f->escalated = q->view && strcmp(q->view, "escalated") == 0 ? 1 : -1;
	f->overdue = q->view && strcmp(q->view, "overdue") == 0;
	f->assignee = !q->view				   ? 0
		      : strcmp(q->view, "mine") == 0	   ? r->who.user_id
		      : strcmp(q->view, "unassigned") == 0 ? -1
							   : 0;
	f->sort_due = strcmp(q->sort, "vendor") == 0 ? 1 : strcmp(q->sort, "age") == 0 ? 0 : 2;
	f->limit = START_ROWS;
	int64_t key = 0, id = 0;
	if ((v = req_query(r, "after")) && *v) {
		const char *dot = strchr(v, '.');
		if (!dot ||
		    parse_i64((struct slice){v, (size_t)(dot - v)}, INT64_MIN, INT64_MAX, &key) ||
		    parse_i64(slice_from(dot + 1), 1, INT64_MAX, &id))
			q->problem = "The page of the queue asked for is not one it has.";
	}
	f->after_key = key;
	f->after_id = id;
}

/* The queue's URL for status and view with the rest of q's filter, in r's arena. */
static const char *queue_url(struct req *r, const struct queue_query *q, const char *status,
			     const char *view, const char *after)
{
	struct buf u;
	buf_init(&u, 0);
	buf_printf(&u, "/desk?status=%s", status);
	if (view)
		buf_printf(&u, "&view=%s", view);
	if (q->category)
		buf_printf(&u, "&category=%s", q->category);
	if (q->vendor)
		buf_printf(&u, "&vendor=%lld", (long long)q->vendor);
	if (strcmp(q->sort, "reply") != 0)
		buf_printf(&u, "&sort=%s", q->sort);
	if (after)
		buf_printf(&u, "&after=%s", after);
	const char *out = arena_strdup(&r->a, buf_cstr(&u));
	buf_free(&u);
	return out;
}

/* What the queue page reads: its rows (in l), the counts, the vendors to filter by. */
struct queue_read {
	struct listing l;
	struct enquiry_counts counts;
	struct vendor *vendors;
	int nvendors;
};

static enum kerr queue_fn(struct dctx *c, void *arg)
{
	struct queue_read *x = arg;
	enum kerr rc = enquiry_counts(c, &x->counts);
	if (!rc)
		rc = vendor_list(c, 0, 200, &x->vendors, &x->nvendors);
	return rc ? rc : enquiries_fn(c, &x->l);
}

static void tab(struct buf *b, const char *href, const char *name, int64_t count, int current)
{
	html_raw(b, "<li><a href=\"");
	html_attr(b, href);
	html_raw(b, current ? "\" aria-current=\"page\">" : "\">");
	html_txt(b, name);
	buf_printf(b, " <span class=\"count\">%lld</span></a></li>", (long long)count);
}

/* The tabs with their counts, and the form that narrows by category, vendor and sort. */
static void queue_filters(struct req *r, struct buf *b, const struct queue_query *q,
			  const struct queue_read *x)
{
	const struct enquiry_counts *n = &x->counts;
	const int64_t status_counts[] = {n->active, n->open, n->awaiting_vendor,
					 n->awaiting_customer};
	const int64_t view_counts[] = {n->escalated, n->overdue, n->mine, n->unassigned};
	/* The counts are the whole queue's: a tab shows its whole view, the sort kept. */
	struct queue_query whole = {.sort = q->sort};
	html_raw(b, "<nav class=\"tabs\" aria-label=\"Queue views\"><ul>");
	for (size_t i = 0; i < 4; i++)
		tab(b, queue_url(r, &whole, tab_statuses[i][0], NULL, NULL), tab_statuses[i][1],
		    status_counts[i], !q->view && strcmp(q->status, tab_statuses[i][0]) == 0);
	for (size_t i = 0; i < 4; i++)
		tab(b, queue_url(r, &whole, "active", views[i][0], NULL), views[i][1],
		    view_counts[i], q->view && strcmp(q->view, views[i][0]) == 0);
	html_raw(b, "</ul></nav><form method=\"get\" action=\"/desk\" class=\"filters\">"
		    "<input type=\"hidden\" name=\"status\" value=\"");
	html_attr(b, q->status);
	html_raw(b, "\">");
	if (q->view) {
		html_raw(b, "<input type=\"hidden\" name=\"view\" value=\"");
		html_attr(b, q->view);
		html_raw(b, "\">");
	}
	html_raw(b, "<p class=\"field\"><label for=\"category\">Category</label><select "
		    "id=\"category\" name=\"category\"><option value=\"\">Any</option>");
	for (const char *const *c = enquiry_categories; *c; c++) {
		html_raw(b, "<option value=\"");
		html_attr(b, *c);
		html_raw(b, q->category && strcmp(q->category, *c) == 0 ? "\" selected>" : "\">");
		html_txt(b, page_words(r, *c));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></p><p class=\"field\"><label for=\"vendor\">Vendor</label><select "
		    "id=\"vendor\" name=\"vendor\"><option value=\"\">Any</option>");
	for (int i = 0; i < x->nvendors; i++) {
		buf_printf(b, "<option value=\"%lld\"%s>", (long long)x->vendors[i].id,
			   x->vendors[i].id == q->vendor ? " selected" : "");
		html_txt(b, x->vendors[i].shop_name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></p><p class=\"field\"><label for=\"sort\">First</label><select "
		    "id=\"sort\" name=\"sort\">");
	for (int i = 0; sorts[i]; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, sorts[i]);
		html_raw(b, strcmp(q->sort, sorts[i]) == 0 ? "\" selected>" : "\">");
		html_txt(b, sort_words[i]);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></p><p><button type=\"submit\">Show</button></p></form>");
}

void web_desk(struct req *r)
{
	if (!page_require(r, ROLES_STAFF))
		return;
	struct queue_query q = {0};
	struct buf rows;
	buf_init(&rows, 0);
	struct queue_read x = {.l = {r, &rows, 0, 0, {0}, 0, 0}};
	read_query(r, &q, &x.l.f);
	if (q.problem) {
		buf_free(&rows);
		page_error(r, 400, "No such queue", q.problem);
		return;
	}
	enum kerr rc = page_read(r, queue_fn, &x);
	if (rc) {
		buf_free(&rows);
		if (rc == KERR_BAD_VALUE)
			page_error(r, 400, "No such queue", "The queue cannot show that.");
		else
			page_error(r, 503, "Not available",
				   "The queue cannot be read just now. Try again.");
		return;
	}
	struct buf b;
	page_begin(r, &b, "Queue");
	html_raw(&b, "<h1>Queue</h1>");
	queue_filters(r, &b, &q, &x);
	if (!x.l.rows) {
		html_raw(&b, "<p class=\"empty\">No enquiry is waiting here.</p>");
	} else {
		page_table_begin(&b,
				 arena_printf(&r->a, "Enquiries: %s first",
					      sort_words[x.l.f.sort_due == 2   ? 0
							 : x.l.f.sort_due == 1 ? 1
									       : 2]),
				 staff_cols);
		buf_append(&b, rows.data, rows.len);
		html_raw(&b, "</tbody></table>");
	}
	if (x.l.more) {
		html_raw(&b, "<p class=\"more\"><a href=\"");
		html_attr(&b, queue_url(r, &q, q.status, q.view,
					arena_printf(&r->a, "%lld.%lld", (long long)x.l.next_key,
						     (long long)x.l.next_id)));
		html_raw(&b, "\">Next page</a></p>");
	}
	buf_free(&rows);
	page_end(r, &b, 200);
}

struct search {
	struct listing l;
	const char *q;
};

static enum kerr search_fn(struct dctx *c, void *arg)
{
	struct search *x = arg;
	return enquiry_search(c, x->q, START_ROWS, enquiry_row_html, &x->l, &x->l.more);
}

/* The search form, with the words typed and the problem with them. */
static void search_form(struct buf *b, const char *q, const char *problem)
{
	html_raw(b, "<form method=\"get\" action=\"/desk/search\" class=\"filters\" "
		    "role=\"search\"><p class=\"field\"><label for=\"q\">Order number, customer, "
		    "shop or words</label><input type=\"search\" id=\"q\" name=\"q\" "
		    "maxlength=\"200\" value=\"");
	html_attr(b, q);
	html_raw(b, "\"");
	if (problem)
		html_raw(b, " aria-invalid=\"true\" aria-describedby=\"q-error\"");
	html_raw(b, "></p><p><button type=\"submit\">Search</button></p></form>");
	page_problem(b, "q", problem);
}

void web_desk_search(struct req *r)
{
	if (!page_require(r, ROLES_STAFF))
		return;
	struct buf rows;
	buf_init(&rows, 0);
	struct search x = {{r, &rows, 0, 0, {0}, 0, 0}, req_query(r, "q")};
	enum kerr rc = x.q && *x.q ? page_read(r, search_fn, &x) : KERR_OK;
	const char *problem = NULL;
	if (rc == KERR_BAD_VALUE || rc == KERR_BAD_UTF8)
		problem = "Search for a word, a name or an order number: at most 200 characters.";
	else if (rc) {
		buf_free(&rows);
		page_error(r, 503, "Not available",
			   "The search cannot be made just now. Try again.");
		return;
	}
	struct buf b;
	page_begin(r, &b, "Search");
	html_raw(&b, "<h1>Search</h1>");
	search_form(&b, x.q, problem);
	if (x.q && *x.q && !problem) {
		if (!x.l.rows) {
			html_raw(&b, "<p class=\"empty\">No enquiry holds all of those words.</p>");
		} else {
			page_table_begin(&b,
					 x.l.more
					     ? "The newest 50 enquiries that match: add a word "
					       "to narrow them"
					     : "Enquiries that match, newest first",
					 staff_cols);
			buf_append(&b, rows.data, rows.len);
			html_raw(&b, "</tbody></table>");
		}
	}
	buf_free(&rows);
	page_end(r, &b, problem ? 400 : 200);
}

struct requests {
	struct vreq *rows;
	int n, more;
};

static enum kerr requests_fn(struct dctx *c, void *arg)
{
	struct requests *q = arg;
	struct vreq_filter f = {.state = "pending", .limit = START_ROWS};
	return vreq_list(c, &f, &q->rows, &q->n, &q->more);
}

void web_vendor(struct req *r)
{
	static const char *const cols[] = {"Order", "Question", "Due", "Time", NULL};
	if (!page_require(r, ROLE_VENDOR))
		return;
	struct requests q = {0};
	if (!page_read_or_reply(r, requests_fn, &q, NULL))
		return;
	struct buf b;
	page_begin(r, &b, "Requests");
	html_raw(&b, "<h1>Requests</h1><p>Answer each request by its due time: late answers lower "
		     "your rating, and unanswered requests can lead to a refund charged to "
		     "you.</p>");
	if (!q.n) {
		html_raw(&b, "<p class=\"empty\">No request is waiting for your answer.</p>");
	} else {
		page_table_begin(&b, "Requests waiting for your answer, due first", cols);
		for (int i = 0; i < q.n; i++) {
			const struct vreq *v = &q.rows[i];
			int late = v->due_at < clock_now_ms();
			html_raw(&b, late ? "<tr class=\"late\">" : "<tr>");
			char href[64];
			snprintf(href, sizeof(href), "/vendor/requests/%lld", (long long)v->id);
			page_cell_to(&b, "Order", href, v->order_number);
			page_cell(&b, "Question", v->question);
			page_cell(&b, "Due", page_time(r, v->due_at));
			html_raw(&b, "<td data-label=\"Time\">");
			page_countdown(r, &b, v->due_at);
			html_raw(&b, "</td>");
			html_raw(&b, "</tr>");
		}
		html_raw(&b, "</tbody></table>");
	}
	page_end(r, &b, 200);
}
