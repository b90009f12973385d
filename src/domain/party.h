/*
 * party.h - vendors and customers, as the marketplace's back end pushes
 * them (integration accounts) or admins enter them.
 *
 * Both are keyed by the marketplace's own reference (ref) so a push is an
 * upsert: the first creates, later ones update.  A customer is also a user
 * (role customer) so that they can sign in; customers pushed by the back
 * end have no password until one is set.
 */
#ifndef KAPSULE_DOMAIN_PARTY_H
#define KAPSULE_DOMAIN_PARTY_H

#include "domain/domain.h"

struct vendor {
	int64_t id;
	const char *ref, *shop_name;
	const char *contact_email, *contact_phone, *website; /* staff only */
	const char *handles; /* staff only: comma-separated social and messaging handles */
	int64_t created_at, updated_at;
};

struct vendor_in {
	const char *ref;       /* required, 1..100 characters */
	const char *shop_name; /* required, shown to customers */
	const char *contact_email, *contact_phone,
	    *website;	     /* optional; never shown to customers */
	const char *handles; /* optional, comma-separated ("@janemakes, tiktok:janemakes") */
};
/* Optional details of vendors and customers: NULL keeps what is stored, "" clears it. */

/* Creates or updates the vendor with in->ref.  Integration and admins. */
enum kerr vendor_upsert(struct dctx *c, const struct vendor_in *in, int64_t *id, int *created);
/* Lists vendors by id.  Staff and integration. */
enum kerr vendor_list(struct dctx *c, int64_t after, int limit, struct vendor **out, int *n);

struct customer_in {
	const char *ref;	     /* required */
	const char *email;	     /* required; also the sign-in address */
	const char *first_name;	     /* required */
	const char *last_name;	     /* required */
	const char *phone, *address; /* optional */
	const char *password_hash;   /* demo data only: lets the customer sign in */
};

/* Creates or updates the customer with in->ref.  Integration and admins. */
enum kerr customer_upsert(struct dctx *c, const struct customer_in *in, int64_t *id, int *created);

#endif
