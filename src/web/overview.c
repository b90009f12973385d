/*
 * overview.c - the admins' overview at the desk (/desk/overview): the last
 * 30 days as bar charts drawn by the server (inline SVG, each with its
 * figures as a table), the clocks, automatic refunds and what they cost,
 * vendors by rating, and the customers' rating of the help.
 */
#include <stdio.h>
#include <string.h>

#include "domain/overview.h"
#include "domain/refund.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

/* A bar a day of v[0..OVERVIEW_DAYS), the oldest first, with its title and figures. */
static void bars(struct req *r, struct buf *b, const char *id, const char *title, const int64_t *v,
		 int64_t first_day)
{
	enum { W = 640, H = 180, L = 40, R = 8, T = 10, B = 24 };
	int64_t top = 1, total = 0;
	for (int i = 0; i < OVERVIEW_DAYS; i++) {
		if (v[i] > top)
			top = v[i];
		total += v[i];
	}
	html_raw(b, "<figure class=\"chart\"><svg viewBox=\"0 0 640 180\" role=\"img\" "
		    "aria-labelledby=\"");
	html_attr(b, id);
	html_raw(b, "\"><title id=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_txt(b, arena_printf(&r->a, "%s: %lld in 30 days, at most %lld a day", title,
				 (long long)total, (long long)top));
	buf_printf(b,
		   "</title><g class=\"axis\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>"
		   "<text x=\"%d\" y=\"%d\">30 days ago</text>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">today</text></g>",
		   L, H - B, W - R, H - B, L - 6, T + 8, (long long)top, L - 6, H - B, L, H - 6,
		   W - R, H - 6);
	int slot = (W - L - R) / OVERVIEW_DAYS;
	for (int i = 0; i < OVERVIEW_DAYS; i++) {
		if (!v[i])
			continue;
		int h = (int)(v[i] * (H - B - T) / top);
		buf_printf(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
			   L + i * slot + 1, H - B - h, slot - 2, h);
	}
	html_raw(b, "</svg><figcaption>");
	html_txt(b, title);
	html_raw(b, ", a bar a day.</figcaption></figure><details><summary>The figures</summary>");
	static const char *const cols[] = {"Day", "Count", NULL};
	page_table_begin(b, title, cols);
	for (int i = OVERVIEW_DAYS - 1; i >= 0; i--) {
		html_raw(b, "<tr>");
		page_cell(b, "Day", page_time(r, (first_day + i) * 86400000));
		page_cell(b, "Count", arena_printf(&r->a, "%lld", (long long)v[i]));
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></details>");
}

static enum kerr overview_fn(struct dctx *c, void *arg)
{
	return overview_get(c, arg);
}

void web_desk_overview(struct req *r)
{
	struct overview o;
	if (!page_require(r, ROLE_ADMIN) || !page_read_or_reply(r, overview_fn, &o, NULL))
		return;
	struct buf b;
	page_begin(r, &b, "Overview");
	html_raw(&b, "<h1>Overview</h1><p>The last 30 days.</p><h2>Enquiries</h2>");
	bars(r, &b, "chart-opened", "Enquiries opened", o.opened, o.first_day);
	html_raw(&b, "<h2>The clocks</h2><dl class=\"facts\">");
	page_fact(&b, "Replies late now",
		  arena_printf(&r->a, "%lld", (long long)o.replies_late_now));
	page_fact(&b, "Replies given late", arena_printf(&r->a, "%lld", (long long)o.late_replies));
	html_raw(&b, "</dl>");
	bars(r, &b, "chart-overdue", "Vendor requests overdue", o.overdue, o.first_day);
	bars(r, &b, "chart-lapsed", "Vendor requests lapsed unanswered", o.lapsed, o.first_day);
	html_raw(&b, "<h2>Automatic refunds</h2><dl class=\"facts\">");
	if (!o.ncost)
		page_fact(&b, "Cost", "none");
	for (int i = 0; i < o.ncost; i++)
		page_fact(&b, i ? "Also" : "Cost",
			  refund_amount_text(&r->a, o.cost[i].amount, o.cost[i].currency));
	html_raw(&b, "</dl>");
	bars(r, &b, "chart-refunds", "Automatic refunds", o.refunds, o.first_day);
	html_raw(&b, "<h2>Vendors by rating</h2><dl class=\"facts\">");
	static const char *const band_names[] = {"Below 50", "50 to 69", "70 to 89", "90 and up"};
	for (int i = 0; i < 4; i++)
		page_fact(&b, band_names[i], arena_printf(&r->a, "%lld", (long long)o.bands[i]));
	html_raw(&b, "</dl>");
	if (o.nlowest) {
		static const char *const cols[] = {"Vendor", "Rating", NULL};
		page_table_begin(&b, "The lowest rated vendors", cols);
		for (int i = 0; i < o.nlowest; i++) {
			html_raw(&b, "<tr>");
			page_cell_to(&b, "Vendor",
				     arena_printf(&r->a, "/desk/vendors/%lld",
						  (long long)o.lowest[i].vendor_id),
				     o.lowest[i].shop_name);
			page_cell(&b, "Rating",
				  arena_printf(&r->a, "%lld", (long long)o.lowest[i].score));
			html_raw(&b, "</tr>");
		}
		html_raw(&b, "</tbody></table>");
	}
	html_raw(&b, "<h2>The customers' rating of the help</h2><dl class=\"facts\">");
	page_fact(&b, "Ratings", arena_printf(&r->a, "%lld", (long long)o.feedback_count));
	page_fact(&b, "Average",
		  o.feedback_count
		      ? arena_printf(&r->a, "%lld.%lld of 5",
				     (long long)(o.feedback_sum / o.feedback_count),
				     (long long)(o.feedback_sum * 10 / o.feedback_count % 10))
		      : NULL);
	html_raw(&b, "</dl>");
	page_end(r, &b, 200);
}
