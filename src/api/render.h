/*
 * render.h - domain objects as JSON, written with jsonw.  What a field
 * holds for a viewer was decided by the domain (struct view); the renderer
 * leaves out what the domain left empty and picks the shape by the view.
 *
 * Functions named render_X write one complete value; render_X_fields
 * write members into an object the caller has opened.
 */
#ifndef KAPSULE_API_RENDER_H
#define KAPSULE_API_RENDER_H

#include "api/jsonw.h"
#include "domain/appeal.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/enquiry.h"
#include "domain/message.h"
#include "domain/notify.h"
#include "domain/order.h"
#include "domain/party.h"
#include "domain/rating.h"
#include "domain/refund.h"
#include "domain/standing.h"
#include "domain/vreq.h"

void render_order(struct jw *w, const struct order *o);
void render_enquiry_fields(struct jw *w, const struct enquiry *q);
/* A list row (what enquiry_list reads): the fields a list shows. */
void render_enquiry_row(struct jw *w, const struct enquiry *q);
void render_message_fields(struct jw *w, const struct message *m, enum view v);
void render_message(struct jw *w, const struct message *m, enum view v);
void render_messages(struct jw *w, const struct message *m, int n, enum view v);
void render_vreq(struct jw *w, const struct vreq *r, enum view v);
/* A request's fields inside an object the caller opens and closes. */
void render_vreq_fields(struct jw *w, const struct vreq *r, enum view v);
/* Screening findings as [{"kind","start","end","text","why"}]. */
void render_findings(struct jw *w, const struct contact_finding *f, int n);
void render_violation(struct jw *w, const struct violation *x, enum view v);
void render_user(struct jw *w, const struct user *u);
void render_vendor_fields(struct jw *w, const struct vendor *v);
void render_principal_fields(struct jw *w, const struct principal *p);
void render_file(struct jw *w, const struct attachment_ref *a);
void render_session(struct jw *w, const struct session_info *s);
void render_audit(struct jw *w, const struct audit_event *e);

/* A page: {"items": [ ... ], "next_cursor": ...}.  Begin opens the array. */
void render_page_begin(struct jw *w);
void render_page_end(struct jw *w, const char *next_cursor);

/* A notification, as its user reads it. */
void render_notification(struct jw *w, const struct notification *n);
/* A refund (the enquiry's id for staff only). */
void render_refund(struct jw *w, const struct refund *x, enum view v);

/* A vendor's rating, with what would raise it and its daily history. */
void render_rating(struct jw *w, const struct rating *x);
/* A vendor's standing, its penalty points and the changes of standing. */
void render_standing(struct jw *w, const struct standing *x);
/* The customer's rating of the help with an enquiry. */
struct feedback;
void render_feedback(struct jw *w, const struct feedback *f);
/* An appeal (its enquiry and message for staff only). */
void render_appeal(struct jw *w, const struct appeal *a, enum view v);

#endif
