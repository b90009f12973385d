/*
 * render.h - domain objects as JSON.  Each function returns a new
 * reference.  What a field holds for a viewer was decided by the domain
 * (struct view); the renderer leaves out what the domain left empty and
 * picks the shape by the view.
 */
#ifndef KAPSULE_API_RENDER_H
#define KAPSULE_API_RENDER_H

#include <jansson.h>

#include "domain/auth.h"
#include "domain/enquiry.h"
#include "domain/message.h"
#include "domain/order.h"
#include "domain/party.h"
#include "domain/vreq.h"

json_t *render_order(const struct order *o);
json_t *render_enquiry(const struct enquiry *q);
json_t *render_message(const struct message *m, enum view v);
json_t *render_messages(const struct message *m, int n, enum view v);
json_t *render_vreq(const struct vreq *r, enum view v);
json_t *render_user(const struct user *u);
json_t *render_vendor(const struct vendor *v);
json_t *render_principal(const struct principal *p);
json_t *render_file(const struct attachment_ref *a);
/* {"items": items, "next_cursor": cursor or null}; items is consumed. */
json_t *render_page(json_t *items, const char *next_cursor);

#endif
