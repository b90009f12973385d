/*
 * order.h - orders as the marketplace pushes or imports them, and what each
 * role may see of them.
 *
 * Customers see their own orders with the vendor's shop name only.  Vendors
 * see their own orders with the customer's first name and the order facts;
 * the customer's last name, e-mail, phone and address are withheld, and
 * contact details in the customer's note are removed.  Staff see all.
 */
#ifndef KAPSULE_DOMAIN_ORDER_H
#define KAPSULE_DOMAIN_ORDER_H

#include "domain/domain.h"
#include "screen/screen.h"

struct order_item {
	const char *sku;    /* optional, up to 100 characters */
	const char *name;   /* required, up to 300 characters */
	int64_t quantity;   /* 1..100000 */
	int64_t unit_price; /* minor units, >= 0 */
};

struct order_in {
	const char *number;	  /* the marketplace's order number, unique */
	const char *customer_ref; /* an existing customer's ref */
	const char *vendor_ref;	  /* an existing vendor's ref */
	const struct order_item *items;
	int nitems;	      /* 1..100 */
	int64_t amount;	      /* total in minor units */
	const char *currency; /* ISO 4217, three capital letters */
	const char *note;     /* the customer's note, may be NULL */
	int64_t placed_at;    /* ms since the epoch; 0: now */
};

#define ORDER_MAX_ITEMS 100

struct order {
	int64_t id;
	const char *number;
	int64_t customer_id, vendor_id;
	const char *shop_name;	/* the vendor's shop name */
	const char *items_json; /* JSON array of {sku, name, quantity, unit_price} */
	int64_t amount;
	const char *currency;
	const char *note; /* redacted for vendors */
	int64_t placed_at, created_at;
	const char *customer_first_name;
	const char *customer_last_name, *customer_email, *customer_phone,
	    *customer_address; /* NULL unless the viewer is staff */
	enum view view;	       /* the shape this was prepared for */
};

/* Checks and stores a new order.  Integration and admins.  KERR_CONFLICT on
 * a number that exists. */
enum kerr order_create(struct dctx *c, const struct order_in *in, int64_t *id);
/* One order as the principal may see it; KERR_NOT_FOUND when it may not. */
enum kerr order_get(struct dctx *c, int64_t id, struct order *out);
/* Orders the principal may see, newest first, with ids below `before` (0: from the top). */
enum kerr order_list(struct dctx *c, int64_t before, int limit, struct order **out, int *n);

/*
 * The registered contact details of a customer, for redaction, read with the
 * row that needs them: a query selects ORDER_PARTY_COLS, joins
 * ORDER_PARTY_JOIN(its customer id column) and reads the four columns from
 * where they start with order_read_party().
 */
#define ORDER_PARTY_COLS " pc.last_name, pu.email, pc.phone, pc.address"
#define ORDER_PARTY_JOIN(customer_id)                                                              \
	" JOIN customers pc ON pc.id = " customer_id " JOIN users pu ON pu.id = pc.user_id"
void order_read_party(struct dctx *c, struct db_stmt *st, int col, struct screen_party *p);
/* Text as a vendor may see it: the customer's details and any contact details removed. */
const char *order_redact_for_vendor(struct dctx *c, const struct screen_party *p, const char *text);

#endif
