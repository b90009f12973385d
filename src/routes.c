/*
 * routes.c - the route table: every path the server answers, its method,
 * handler, body kind and whether it needs a signed-in principal.  What a
 * principal may do is decided by the domain, not here.  docs/openapi.yaml
 * describes exactly these routes (a test compares them).
 */
#include "routes.h"

#include "api/handlers.h"
#include "web/page.h"
#include "web/web.h"

#define G HTTP_GET
#define P HTTP_POST
#define D HTTP_DELETE

const struct route routes[] = {
    /* method  pattern                                        handler              body         auth
       test */
    {G, "/", web_home, BODY_NONE, 0, 0},
    {G, "/static/app.css", web_css, BODY_NONE, 0, 0},
    {G, "/login", web_login_form, BODY_NONE, 0, 0},
    {P, "/login", web_login, BODY_FORM, 0, 0},
    {P, "/logout", web_logout, BODY_FORM, 0, 0},
    {G, "/help", web_help, BODY_NONE, 0, 0},
    {G, "/desk", web_desk, BODY_NONE, 0, 0},
    {G, "/vendor", web_vendor, BODY_NONE, 0, 0},
    {G, "/help/enquiries/{id}", web_help_enquiry, BODY_NONE, 0, 0},
    {P, "/help/enquiries/{id}/reply", web_help_reply, BODY_FILES, 0, 0},
    {G, "/help/orders/{id}/enquiry", web_help_new, BODY_NONE, 0, 0},
    {P, "/help/orders/{id}/enquiry", web_help_open, BODY_FILES, 0, 0},
    {P, "/help/enquiries/{id}/reopen", web_help_reopen, BODY_FORM, 0, 0},
    {P, "/help/enquiries/{id}/feedback", web_help_feedback, BODY_FORM, 0, 0},
    {G, "/desk/enquiries/{id}", web_desk_enquiry, BODY_NONE, 0, 0},
    {P, "/desk/enquiries/{id}/messages", web_desk_message, BODY_FILES, 0, 0},
    {P, "/desk/enquiries/{id}/ask", web_desk_ask, BODY_FORM, 0, 0},
    {P, "/desk/enquiries/{id}/status", web_desk_status, BODY_FORM, 0, 0},
    {P, "/desk/enquiries/{id}/assign", web_desk_assign, BODY_FORM, 0, 0},
    {P, "/desk/enquiries/{id}/refund", web_desk_refund, BODY_FORM, 0, 0},
    {G, "/desk/overview", web_desk_overview, BODY_NONE, 0, 0},
    {G, "/desk/templates", web_desk_templates, BODY_NONE, 0, 0},
    {P, "/desk/templates", web_desk_template_add, BODY_FORM, 0, 0},
    {P, "/desk/templates/{id}/delete", web_desk_template_delete, BODY_FORM, 0, 0},
    {G, "/desk/search", web_desk_search, BODY_NONE, 0, 0},
    {G, "/desk/vendors/{id}", web_desk_vendor, BODY_NONE, 0, 0},
    {G, "/desk/violations", web_desk_violations, BODY_NONE, 0, 0},
    {P, "/desk/violations/{id}/decide", web_desk_violation_decide, BODY_FORM, 0, 0},
    {G, "/vendor/record", web_vendor_record, BODY_NONE, 0, 0},
    {G, "/notifications", web_notifications, BODY_NONE, 0, 0},
    {P, "/notifications/read", web_notifications_read, BODY_FORM, 0, 0},
    {G, "/vendor/requests/{id}", web_vendor_request, BODY_NONE, 0, 0},
    {P, "/vendor/requests/{id}/answer", web_vendor_answer, BODY_FILES, 0, 0},
    {G, "/healthz", h_healthz, BODY_NONE, 0, 0},
    {G, "/readyz", h_readyz, BODY_NONE, 0, 0},
    {G, "/metrics", h_metrics, BODY_NONE, 0, 0},
    {G, "/api/v1/openapi.yaml", h_openapi, BODY_NONE, 0, 0},
    {P, "/api/v1/auth/login", h_login, BODY_JSON, 0, 0},
    {P, "/api/v1/auth/logout", h_logout, BODY_JSON, 1, 0},
    {G, "/api/v1/me", h_me, BODY_NONE, 1, 0},
    {G, "/api/v1/sessions", h_sessions, BODY_NONE, 1, 0},
    {D, "/api/v1/sessions/{id}", h_session_revoke, BODY_NONE, 1, 0},
    {P, "/api/v1/users", h_user_create, BODY_JSON, 1, 0},
    {G, "/api/v1/users", h_users, BODY_NONE, 1, 0},
    {P, "/api/v1/tokens", h_token_create, BODY_JSON, 1, 0},
    {G, "/api/v1/audit", h_audit, BODY_NONE, 1, 0},
    {P, "/api/v1/vendors", h_vendor_upsert, BODY_JSON, 1, 0},
    {G, "/api/v1/vendors", h_vendors, BODY_NONE, 1, 0},
    {G, "/api/v1/vendors/{id}/rating", h_vendor_rating, BODY_NONE, 1, 0},
    {G, "/api/v1/vendors/{id}/standing", h_vendor_standing, BODY_NONE, 1, 0},
    {P, "/api/v1/customers", h_customer_upsert, BODY_JSON, 1, 0},
    {P, "/api/v1/orders", h_order_create, BODY_JSON, 1, 0},
    {G, "/api/v1/orders", h_orders, BODY_NONE, 1, 0},
    {G, "/api/v1/orders/{id}", h_order, BODY_NONE, 1, 0},
    {G, "/api/v1/orders/{id}/replies", h_order_replies, BODY_NONE, 1, 0},
    {P, "/api/v1/enquiries", h_enquiry_open, BODY_UPLOAD, 1, 0},
    {G, "/api/v1/enquiries", h_enquiries, BODY_NONE, 1, 0},
    {G, "/api/v1/enquiries/{id}", h_enquiry, BODY_NONE, 1, 0},
    {P, "/api/v1/enquiries/{id}/messages", h_enquiry_message, BODY_UPLOAD, 1, 0},
    {P, "/api/v1/enquiries/{id}/assign", h_enquiry_assign, BODY_JSON, 1, 0},
    {P, "/api/v1/enquiries/{id}/status", h_enquiry_status, BODY_JSON, 1, 0},
    {P, "/api/v1/enquiries/{id}/reopen", h_enquiry_reopen, BODY_JSON, 1, 0},
    {P, "/api/v1/enquiries/{id}/feedback", h_enquiry_feedback, BODY_JSON, 1, 0},
    {P, "/api/v1/enquiries/{id}/refunds", h_enquiry_refund, BODY_JSON, 1, 0},
    {P, "/api/v1/enquiries/{id}/vendor-requests", h_enquiry_vreq, BODY_JSON, 1, 0},
    {G, "/api/v1/vendor-requests", h_vreqs, BODY_NONE, 1, 0},
    {G, "/api/v1/vendor-requests/{id}", h_vreq, BODY_NONE, 1, 0},
    {P, "/api/v1/vendor-requests/{id}/answer", h_vreq_answer, BODY_UPLOAD, 1, 0},
    {P, "/api/v1/vendor-requests/{id}/cancel", h_vreq_cancel, BODY_JSON, 1, 0},
    {P, "/api/v1/vendor-requests/{id}/appeal", h_vreq_appeal, BODY_UPLOAD, 1, 0},
    {G, "/api/v1/violations", h_violations, BODY_NONE, 1, 0},
    {G, "/api/v1/violations/{id}", h_violation, BODY_NONE, 1, 0},
    {P, "/api/v1/violations/{id}/confirm", h_violation_confirm, BODY_JSON, 1, 0},
    {P, "/api/v1/violations/{id}/dismiss", h_violation_dismiss, BODY_JSON, 1, 0},
    {P, "/api/v1/violations/{id}/appeal", h_violation_appeal, BODY_UPLOAD, 1, 0},
    {G, "/api/v1/attachments/{id}", h_attachment, BODY_NONE, 1, 0},
    {G, "/api/v1/notifications", h_notifications, BODY_NONE, 1, 0},
    {P, "/api/v1/notifications/read", h_notifications_read, BODY_JSON, 1, 0},
    {P, "/api/v1/notifications/{id}/read", h_notification_read, BODY_JSON, 1, 0},
    {G, "/api/v1/refunds", h_refunds, BODY_NONE, 1, 0},
    {P, "/api/v1/refunds/{id}/appeal", h_refund_appeal, BODY_UPLOAD, 1, 0},
    {G, "/api/v1/appeals", h_appeals, BODY_NONE, 1, 0},
    {G, "/api/v1/appeals/{id}", h_appeal, BODY_NONE, 1, 0},
    {P, "/api/v1/appeals/{id}/uphold", h_appeal_uphold, BODY_JSON, 1, 0},
    {P, "/api/v1/appeals/{id}/reverse", h_appeal_reverse, BODY_JSON, 1, 0},
    {P, "/api/v1/_test/clock", h_test_clock, BODY_JSON, 1, 1},
    {P, "/api/v1/_test/jobs", h_test_jobs, BODY_JSON, 1, 1},
};

const int nroutes = sizeof(routes) / sizeof(routes[0]);
