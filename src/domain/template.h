/*
 * template.h - saved replies (to the customer) and vendor-request templates
 * (questions to the vendor), each for one category of enquiry or for all.
 * Admins keep them; agents use them.  A template's text may hold
 * placeholders, filled in from the enquiry it is used on:
 *   {customer}  the customer's first name    {order}  the order's number
 *   {shop}      the vendor's shop name        {agent}  the agent's name
 * Anything else in braces is left as written.
 */
#ifndef KAPSULE_DOMAIN_TEMPLATE_H
#define KAPSULE_DOMAIN_TEMPLATE_H

#include "domain/domain.h"
#include "domain/enquiry.h"

#define TEMPLATE_MAX 200 /* templates listed at most */

struct template
{
	int64_t id;
	const char *kind;     /* "reply" or "request" */
	const char *category; /* NULL: every category */
	const char *name, *body;
	int64_t created_at;
};

struct template_in {
	const char *kind, *category; /* category NULL or "": every category */
	const char *name;	     /* 1..100 characters */
	const char *body;	     /* 1..5000 characters */
};

extern const char *const template_kinds[];

/* Saves a template.  Admins. */
enum kerr template_create(struct dctx *c, const struct template_in *in, int64_t *id);
/* Removes one (kept, marked deleted).  Admins. */
enum kerr template_delete(struct dctx *c, int64_t id);
/* Templates of kind ("reply", "request" or NULL for both) for category (NULL: all of them;
 * else those for it and for every category), by name.  Staff. */
enum kerr template_list(struct dctx *c, const char *kind, const char *category,
			struct template **out, int *n);
/* Template id's text filled in for enquiry q (read by the caller).  Staff. */
enum kerr template_fill(struct dctx *c, int64_t id, const struct enquiry *q, const char **text,
			const char **kind);

#endif
