/*
 * web.h - server-rendered pages.  Each page is one function over the
 * domain; HTML is written only through html.h.
 */
#ifndef KAPSULE_WEB_WEB_H
#define KAPSULE_WEB_WEB_H

#include "http/http.h"

/* GET / - what is running, the API description, demo sign-ins. */
void web_home(struct req *r);
/* GET /login - the sign-in form (a signed-in person goes to their portal). */
void web_login_form(struct req *r);
/* POST /login - signs in and goes to the person's portal, or shows the form again. */
void web_login(struct req *r);
/* POST /logout - signs out and goes to the sign-in page. */
void web_logout(struct req *r);
/* GET /help, /desk, /vendor - each portal's start page (customers, staff, vendors). */
void web_help(struct req *r);
void web_desk(struct req *r);
void web_vendor(struct req *r);
/* GET /help/enquiries/{id} - a customer's enquiry: the conversation and a reply form. */
void web_help_enquiry(struct req *r);
/* POST /help/enquiries/{id}/reply - the customer's reply (the page again when refused). */
void web_help_reply(struct req *r);
/* POST /help/enquiries/{id}/reopen - reopens a resolved enquiry within its window. */
void web_help_reopen(struct req *r);
/* POST /help/enquiries/{id}/feedback - the customer rates the help, 1 to 5 with a comment. */
void web_help_feedback(struct req *r);
/* GET /help/orders/{id}/enquiry - the form to raise an enquiry about one of the customer's
 * orders (category, subject, message, photos). */
void web_help_new(struct req *r);
/* POST /help/orders/{id}/enquiry - raises it and goes to it (the form again when refused). */
void web_help_open(struct req *r);
/* GET /desk/enquiries/{id} - an enquiry at the desk: facts, the whole thread, a message form. */
void web_desk_enquiry(struct req *r);
/* POST /desk/enquiries/{id}/messages - a reply to the customer or an internal note. */
void web_desk_message(struct req *r);
/* POST /desk/enquiries/{id}/ask - asks the vendor (question, evidence, due time). */
void web_desk_ask(struct req *r);
/* POST /desk/enquiries/{id}/status - sets the status (open, awaiting customer, resolved). */
void web_desk_status(struct req *r);
/* POST /desk/enquiries/{id}/assign - assigns to an agent or admin, or to nobody (0). */
void web_desk_assign(struct req *r);
/* POST /desk/enquiries/{id}/refund - refunds part or all of the order (amount, who pays, why). */
void web_desk_refund(struct req *r);
/* GET /desk/templates - saved replies and vendor-request templates (admins add, remove). */
void web_desk_templates(struct req *r);
/* POST /desk/templates - adds one (kind, category, name, body).  Admins. */
void web_desk_template_add(struct req *r);
/* POST /desk/templates/{id}/delete - removes one.  Admins. */
void web_desk_template_delete(struct req *r);
/* GET /desk/overview - the admins' overview of the last 30 days, with charts. */
void web_desk_overview(struct req *r);
/* GET /desk/search?q= - enquiries by order number, customer, shop or words in them. */
void web_desk_search(struct req *r);
/* GET /desk/vendors/{id} - a vendor's record: standing, rating, response-time chart. */
void web_desk_vendor(struct req *r);
/* GET /desk/violations - violations to review (?state=open, confirmed, dismissed, all). */
void web_desk_violations(struct req *r);
/* POST /desk/violations/{id}/decide - confirms or dismisses one (decision, reason). */
void web_desk_violation_decide(struct req *r);
/* GET /vendor/record - the vendor's own record (as /desk/vendors/{id}). */
void web_vendor_record(struct req *r);
/* GET /notifications - the signed-in person's notifications, newest first. */
void web_notifications(struct req *r);
/* POST /notifications/read - marks them read up to the id up_to. */
void web_notifications_read(struct req *r);
/* GET /vendor/requests/{id} - a vendor's request: question, order facts, answer form. */
void web_vendor_request(struct req *r);
/* POST /vendor/requests/{id}/answer - the vendor's answer (the page again when refused). */
void web_vendor_answer(struct req *r);

#endif
