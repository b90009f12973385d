/*
 * portals.c - each portal's start page: a customer's enquiries (/help), the
 * agents' queue (/desk) and a vendor's pending requests (/vendor).
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/enquiry.h"
#include "domain/order.h"
#include "domain/refund.h"
#include "domain/vreq.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

#define START_ROWS 50

/* A table's head: its caption and column names. */
static void table_begin(struct buf *b, const char *caption, const char *const *cols)
{
	html_raw(b, "<table><caption>");
	html_txt(b, caption);
	html_raw(b, "</caption><thead><tr>");
	for (; *cols; cols++) {
		html_raw(b, "<th scope=\"col\">");
		html_txt(b, *cols);
		html_raw(b, "</th>");
	}
	html_raw(b, "</tr></thead><tbody>");
}

/* A cell with its column's name, which narrow screens show beside it; its text links to
 * href when that is not NULL. */
static void cell_to(struct buf *b, const char *label, const char *href, const char *text)
{
	html_raw(b, "<td data-label=\"");
	html_attr(b, label);
	html_raw(b, "\">");
	if (href) {
		html_raw(b, "<a href=\"");
		html_attr(b, href);
		html_raw(b, "\">");
	}
	html_txt(b, text);
	html_raw(b, href ? "</a></td>" : "</td>");
}

static void cell(struct buf *b, const char *label, const char *text)
{
	cell_to(b, label, NULL, text);
}

struct listing {
	struct req *r;
	struct buf *b;
	int rows, more;
};

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
	cell_to(b, "Subject", href, q->subject);
	cell(b, "Order", q->order_number);
	if (q->view == VIEW_STAFF) {
		cell(b, "Customer", q->customer_name);
		cell(b, "Shop", q->shop_name);
	}
	cell(b, "Status", page_words(r, q->status));
	if (q->view == VIEW_STAFF) {
		cell(b, "Priority", q->priority);
		cell(b, "Reply", page_words(r, q->reply_state));
		cell(b, "Assignee", q->assignee_name ? q->assignee_name : "—");
	}
	cell(b, "Last message",
	     page_time(r, q->last_message_at ? q->last_message_at : q->created_at));
	html_raw(b, "</tr>");
	l->rows++;
	return KERR_OK;
}

static enum kerr enquiries_fn(struct dctx *c, void *arg)
{
	struct listing *l = arg;
	struct enquiry_filter f = {.status = "active", .escalated = -1, .limit = START_ROWS};
	if (dom_is_staff(c))
		f.sort_due = 2; /* the operator's clock: the reply due soonest first */
	int64_t key, id;
	return enquiry_list(c, &f, enquiry_row_html, l, &l->more, &key, &id);
}

/* The enquiries the principal sees first into b (a customer's own, or the agents' queue):
 * 0, or -1 when they cannot be read. */
static int enquiries_table(struct req *r, struct buf *b, const char *caption,
			   const char *const *cols, const char *none)
{
	struct buf rows;
	buf_init(&rows, 0);
	struct listing l = {r, &rows, 0, 0};
	if (page_read(r, enquiries_fn, &l)) {
		buf_free(&rows);
		return -1;
	}
	if (!l.rows) {
		html_raw(b, "<p class=\"empty\">");
		html_txt(b, none);
		html_raw(b, "</p>");
	} else {
		table_begin(b, caption, cols);
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
		table_begin(&b, "Your orders, newest first", order_cols);
		for (int i = 0; i < o.n; i++) {
			const struct order *d = &o.rows[i];
			char href[64];
			snprintf(href, sizeof(href), "/help/orders/%lld/enquiry", (long long)d->id);
			html_raw(&b, "<tr>");
			cell(&b, "Order", d->number);
			cell(&b, "Shop", d->shop_name);
			cell(&b, "Placed",
			     page_time(r, d->placed_at ? d->placed_at : d->created_at));
			cell(&b, "Total", refund_amount_text(&r->a, d->amount, d->currency));
			cell_to(&b, "Help", href,
				arena_printf(&r->a, "Ask about order %s", d->number));
			html_raw(&b, "</tr>");
		}
		html_raw(&b, "</tbody></table>");
	}
	page_end(r, &b, 200);
}

void web_desk(struct req *r)
{
	static const char *const cols[] = {"Subject",	   "Order",    "Customer", "Shop",
					   "Status",	   "Priority", "Reply",	   "Assignee",
					   "Last message", NULL};
	if (!page_require(r, ROLES_STAFF))
		return;
	struct buf b;
	page_begin(r, &b, "Queue");
	html_raw(&b, "<h1>Queue</h1>");
	if (enquiries_table(r, &b, "Open enquiries, the reply due soonest first", cols,
			    "No enquiry is waiting.")) {
		unavailable(r, &b);
		return;
	}
	page_end(r, &b, 200);
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
	if (page_read(r, requests_fn, &q)) {
		page_error(r, 503, "Not available", "The list cannot be read just now. Try again.");
		return;
	}
	struct buf b;
	page_begin(r, &b, "Requests");
	html_raw(&b, "<h1>Requests</h1><p>Answer each request by its due time: late answers lower "
		     "your rating, and unanswered requests can lead to a refund charged to "
		     "you.</p>");
	if (!q.n) {
		html_raw(&b, "<p class=\"empty\">No request is waiting for your answer.</p>");
	} else {
		table_begin(&b, "Requests waiting for your answer, due first", cols);
		for (int i = 0; i < q.n; i++) {
			const struct vreq *v = &q.rows[i];
			int late = v->due_at < clock_now_ms();
			html_raw(&b, late ? "<tr class=\"late\">" : "<tr>");
			char href[64];
			snprintf(href, sizeof(href), "/vendor/requests/%lld", (long long)v->id);
			cell_to(&b, "Order", href, v->order_number);
			cell(&b, "Question", v->question);
			cell(&b, "Due", page_time(r, v->due_at));
			cell(&b, "Time", page_time_left(r, v->due_at));
			html_raw(&b, "</tr>");
		}
		html_raw(&b, "</tbody></table>");
	}
	page_end(r, &b, 200);
}
