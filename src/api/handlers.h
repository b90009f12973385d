/*
 * handlers.h - every JSON API handler, for the route table (routes.c).
 */
#ifndef KAPSULE_API_HANDLERS_H
#define KAPSULE_API_HANDLERS_H

#include "http/http.h"

/* api_system.c */
void h_healthz(struct req *r);
void h_readyz(struct req *r);
void h_metrics(struct req *r);
void h_openapi(struct req *r);
void h_test_clock(struct req *r);
void h_test_jobs(struct req *r);
/* api_auth.c */
void h_login(struct req *r);
void h_logout(struct req *r);
void h_me(struct req *r);
void h_sessions(struct req *r);
void h_session_revoke(struct req *r);
void h_user_create(struct req *r);
void h_users(struct req *r);
void h_token_create(struct req *r);
void h_audit(struct req *r);
/* api_party.c */
void h_vendor_upsert(struct req *r);
void h_vendors(struct req *r);
void h_customer_upsert(struct req *r);
/* api_orders.c */
void h_order_create(struct req *r);
void h_orders(struct req *r);
void h_order(struct req *r);
void h_order_replies(struct req *r);
/* api_enquiries.c */
void h_enquiry_open(struct req *r);
void h_enquiries(struct req *r);
void h_enquiry(struct req *r);
void h_enquiry_message(struct req *r);
void h_enquiry_assign(struct req *r);
void h_enquiry_status(struct req *r);
void h_enquiry_reopen(struct req *r);
void h_enquiry_feedback(struct req *r);
void h_enquiry_refund(struct req *r);
void h_enquiry_vreq(struct req *r);
/* api_vreq.c */
void h_vreqs(struct req *r);
void h_vreq(struct req *r);
void h_vreq_answer(struct req *r);
void h_vreq_cancel(struct req *r);
void h_violations(struct req *r);
void h_violation(struct req *r);
void h_violation_confirm(struct req *r);
void h_violation_dismiss(struct req *r);
void h_attachment(struct req *r);
/* api_notify.c */
void h_notifications(struct req *r);
void h_notification_read(struct req *r);
void h_notifications_read(struct req *r);
void h_refunds(struct req *r);
/* api_standing.c */
void h_vendor_rating(struct req *r);
void h_vendor_standing(struct req *r);
void h_appeals(struct req *r);
void h_appeal(struct req *r);
void h_vreq_appeal(struct req *r);
void h_refund_appeal(struct req *r);
void h_violation_appeal(struct req *r);
void h_appeal_uphold(struct req *r);
void h_appeal_reverse(struct req *r);

#endif
