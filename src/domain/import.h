/*
 * import.h - importing orders from a CSV file exported by the marketplace.
 *
 * One row per order line; rows with the same order_number form one order,
 * and their order-level columns must agree.  The header row names the
 * columns (any order; see import.c for the list).  The whole file is
 * checked first and every bad row reported by line number; only a clean
 * file is imported, in one transaction, so a file is imported whole or not
 * at all.
 */
#ifndef KAPSULE_DOMAIN_IMPORT_H
#define KAPSULE_DOMAIN_IMPORT_H

#include <stdio.h>

#include "base/config.h"
#include "db/db.h"

struct import_report {
	int64_t rows;	   /* data rows read */
	int64_t orders;	   /* orders imported */
	int64_t customers; /* customers created or updated */
	int64_t vendors;   /* vendors created or updated */
	int errors;	   /* bad rows found */
};

/*
 * Imports path.  Problems are written to errs, one line each
 * ("FILE:LINE: message"); progress to progress when not NULL.  Returns
 * KERR_OK, or an error with nothing imported.
 */
enum kerr import_orders(struct db_pool *pool, const struct config *cfg, const char *path,
			FILE *errs, FILE *progress, struct import_report *rep);

#endif
