/*
 * import.c - CSV order import.  See import.h.
 *
 * Columns (header names; * = required on every row):
 *   order_number*, customer_ref*, customer_email, customer_first_name,
 *   customer_last_name, customer_phone, customer_address, vendor_ref*,
 *   vendor_shop_name, item_sku, item_name*, quantity*, unit_price*,
 *   currency*, note, placed_at
 * placed_at is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); empty means now.
 * customer_email, first and last name create or update the customer when
 * all three are given; vendor_shop_name creates or updates the vendor.
 */
#include "domain/import.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/utf8.h"
#include "domain/order.h"
#include "domain/party.h"

#define IMPORT_MAX_FILE	  ((size_t)256 << 20)
#define IMPORT_MAX_ERRORS 100

enum col {
	C_NUMBER,
	C_CREF,
	C_CEMAIL,
	C_CFIRST,
	C_CLAST,
	C_CPHONE,
	C_CADDR,
	C_VREF,
	C_VSHOP,
	C_SKU,
	C_ITEM,
	C_QTY,
	C_PRICE,
	C_CURRENCY,
	C_NOTE,
	C_PLACED,
	C__COUNT
};

static const struct {
	const char *name;
	int required;
} columns[C__COUNT] = {
    {"order_number", 1},
    {"customer_ref", 1},
    {"customer_email", 0},
    {"customer_first_name", 0},
    {"customer_last_name", 0},
    {"customer_phone", 0},
    {"customer_address", 0},
    {"vendor_ref", 1},
    {"vendor_shop_name", 0},
    {"item_sku", 0},
    {"item_name", 1},
    {"quantity", 1},
    {"unit_price", 1},
    {"currency", 1},
    {"note", 0},
    {"placed_at", 0},
};

struct row {
	int line;
	const char *v[C__COUNT]; /* NULL for an absent column, else the text */
	int64_t qty, price, placed;
};

struct orderset {
	int first; /* index of the order's first row */
	int count; /* rows of the order, consecutive in `byorder` */
};

struct importer {
	const char *path;
	const struct config *cfg;
	FILE *errs, *progress;
	struct import_report *rep;
	struct arena a;
	struct row *rows;
	int nrows;
	int *byorder; /* row indexes grouped by order, in first-seen order */
	struct orderset *orders;
	int norders;
	struct err e;
};

static void problem(struct importer *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports one problem as FILE:LINE: message. */
static void problem(struct importer *im, int line, const char *fmt, ...)
{
	im->rep->errors++;
	if (im->rep->errors > IMPORT_MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(im->errs, "%s:%d: ", im->path, line);
	vfprintf(im->errs, fmt, ap);
	fputc('\n', im->errs);
	va_end(ap);
}

/* Parses placed_at: "" (0), YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ. */
static int parse_time(const char *s, int64_t *out)
{
	*out = 0;
	if (!*s)
		return 0;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *rest = strptime(s, "%Y-%m-%d", &tm);
	if (!rest)
		return -1;
	if (*rest == 'T' || *rest == ' ') {
		rest = strptime(rest + 1, "%H:%M:%S", &tm);
		if (!rest || (*rest && strcmp(rest, "Z") != 0))
			return -1;
	} else if (*rest) {
		return -1;
	}
	time_t t = timegm(&tm);
	if (t < 0)
		return -1;
	*out = (int64_t)t * 1000;
	return 0;
}

static int read_file(struct importer *im, struct buf *b)
{
	FILE *f = fopen(im->path, "rb");
	if (!f) {
		fprintf(im->errs, "%s: cannot open the file\n", im->path);
		return -1;
	}
	buf_init(b, IMPORT_MAX_FILE);
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(b, chunk, n)) {
			fprintf(im->errs, "%s: the file is larger than %zu MiB\n", im->path,
				IMPORT_MAX_FILE >> 20);
			rc = -1;
			break;
		}
	}
	if (ferror(f)) {
		fprintf(im->errs, "%s: cannot read the file\n", im->path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* Reads the header and every row, checking each row's own shape. */
static int parse(struct importer *im, const char *text, size_t n)
{
	struct csv csv;
	csv_init(&csv, text, n);
	char *fields[CSV_MAX_FIELDS];
	int nf, line;
	if (!utf8_valid(text, n)) {
		fprintf(im->errs, "%s: the file is not UTF-8 text\n", im->path);
		return -1;
	}
	int r = csv_next(&csv, &im->a, fields, &nf, &line);
	if (r != 1) {
		fprintf(im->errs, "%s:1: the file needs a header row naming its columns\n",
			im->path);
		return -1;
	}
	int map[CSV_MAX_FIELDS];
	int seen[C__COUNT] = {0};
	for (int i = 0; i < nf; i++) {
		map[i] = -1;
		for (int k = 0; k < C__COUNT; k++)
			if (strcmp(fields[i], columns[k].name) == 0)
				map[i] = k;
		if (map[i] < 0) {
			problem(im, 1, "unknown column '%s'", fields[i]);
			continue;
		}
		if (seen[map[i]]++)
			problem(im, 1, "column '%s' appears twice", fields[i]);
	}
	for (int k = 0; k < C__COUNT; k++)
		if (columns[k].required && !seen[k])
			problem(im, 1, "the required column '%s' is missing", columns[k].name);
	if (im->rep->errors)
		return -1;
	int cap = 1024;
	im->rows = xmalloc((size_t)cap * sizeof(*im->rows));
	while ((r = csv_next(&csv, &im->a, fields, &nf, &line)) != 0) {
		if (r < 0) {
			problem(im, line, "%s", "the row is not valid CSV (check its quotes)");
			break;
		}
		if (nf == 1 && fields[0][0] == '\0')
			continue; /* a blank line */
		im->rep->rows++;
		if (im->nrows == cap) {
			cap *= 2;
			im->rows = xrealloc(im->rows, (size_t)cap * sizeof(*im->rows));
		}
		struct row *row = &im->rows[im->nrows];
		memset(row, 0, sizeof(*row));
		row->line = line;
		int headers = 0;
		for (int k = 0; k < C__COUNT; k++)
			headers += seen[k];
		if (nf != headers) {
			problem(im, line, "the row has %d fields; the header has %d", nf, headers);
			continue;
		}
		for (int i = 0; i < nf; i++)
			row->v[map[i]] = fields[i];
		int ok = 1;
		for (int k = 0; k < C__COUNT; k++) {
			if (columns[k].required && (!row->v[k] || !row->v[k][0])) {
				problem(im, line, "'%s' is empty", columns[k].name);
				ok = 0;
			}
		}
		if (!ok)
			continue;
		if (parse_i64(slice_from(row->v[C_QTY]), 1, 100000, &row->qty)) {
			problem(im, line, "quantity '%s' is not a whole number from 1 to 100000",
				row->v[C_QTY]);
			continue;
		}
		if (parse_i64(slice_from(row->v[C_PRICE]), 0, 1000000000000LL, &row->price)) {
			problem(im, line, "unit_price '%s' is not a whole number of minor units",
				row->v[C_PRICE]);
			continue;
		}
		if (row->v[C_PLACED] && parse_time(row->v[C_PLACED], &row->placed)) {
			problem(im, line,
				"placed_at '%s' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ",
				row->v[C_PLACED]);
			continue;
		}
		im->nrows++;
	}
	return im->rep->errors ? -1 : 0;
}

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

struct keyed {
	const char *number;
	int idx;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->number, y->number);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Groups rows by order number and checks that order-level columns agree. */
static int group(struct importer *im)
{
	static const enum col order_cols[] = {C_CREF,	  C_CEMAIL, C_CFIRST, C_CLAST,
					      C_CPHONE,	  C_CADDR,  C_VREF,   C_VSHOP,
					      C_CURRENCY, C_NOTE,   C_PLACED};
	im->byorder = xmalloc(((size_t)im->nrows + 1) * sizeof(int));
	im->orders = xmalloc(((size_t)im->nrows + 1) * sizeof(*im->orders));
	/* Sort row indexes by order number, keeping file order within an order. */
	struct keyed *k = xmalloc(((size_t)im->nrows + 1) * sizeof(*k));
	for (int i = 0; i < im->nrows; i++)
		k[i] = (struct keyed){im->rows[i].v[C_NUMBER], i};
	qsort(k, (size_t)im->nrows, sizeof(*k), cmp_keyed);
	int *idx = im->byorder;
	for (int i = 0; i < im->nrows; i++)
		idx[i] = k[i].idx;
	free(k);
	for (int i = 0; i < im->nrows;) {
		int j = i + 1;
		const struct row *first = &im->rows[idx[i]];
		while (j < im->nrows &&
		       strcmp(im->rows[idx[j]].v[C_NUMBER], first->v[C_NUMBER]) == 0) {
			const struct row *r = &im->rows[idx[j]];
			for (size_t c = 0; c < sizeof(order_cols) / sizeof(order_cols[0]); c++) {
				if (!same(r->v[order_cols[c]], first->v[order_cols[c]])) {
					problem(im, r->line,
						"%s differs from line %d of order %.60s",
						columns[order_cols[c]].name, first->line,
						first->v[C_NUMBER]);
					break;
				}
			}
			j++;
		}
		if (j - i > ORDER_MAX_ITEMS)
			problem(im, first->line, "the order has more than %d lines",
				ORDER_MAX_ITEMS);
		im->orders[im->norders++] = (struct orderset){i, j - i};
		i = j;
	}
	return im->rep->errors ? -1 : 0;
}

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

static enum kerr import_fn(struct db *db, void *arg)
{
	struct importer *im = arg;
	struct principal sys = {.role = ROLE_SYSTEM, .name = "import"};
	struct arena a;
	arena_init(&a);
	struct dctx c = {db, &sys, &a, &im->e, clock_now_ms(), im->cfg};
	enum kerr rc = KERR_OK;
	im->rep->orders = im->rep->customers = im->rep->vendors = 0;
	for (int o = 0; o < im->norders && !rc; o++) {
		const struct orderset *os = &im->orders[o];
		const struct row *first = &im->rows[im->byorder[os->first]];
		int64_t id;
		int created;
		if (opt(first->v[C_CEMAIL]) && opt(first->v[C_CFIRST]) && opt(first->v[C_CLAST])) {
			struct customer_in ci = {first->v[C_CREF],
						 first->v[C_CEMAIL],
						 first->v[C_CFIRST],
						 first->v[C_CLAST],
						 opt(first->v[C_CPHONE]),
						 opt(first->v[C_CADDR]),
						 NULL};
			if ((rc = customer_upsert(&c, &ci, &id, &created)))
				break;
			im->rep->customers++;
		}
		if (opt(first->v[C_VSHOP])) {
			struct vendor_in vi = {
			    first->v[C_VREF], first->v[C_VSHOP], NULL, NULL, NULL, NULL};
			if ((rc = vendor_upsert(&c, &vi, &id, &created)))
				break;
			im->rep->vendors++;
		}
		struct order_item *items = arena_calloc(&a, (size_t)os->count, sizeof(*items));
		int64_t amount = 0;
		for (int k = 0; k < os->count; k++) {
			const struct row *r = &im->rows[im->byorder[os->first + k]];
			items[k] =
			    (struct order_item){opt(r->v[C_SKU]), r->v[C_ITEM], r->qty, r->price};
			amount += r->qty * r->price;
		}
		struct order_in oi = {first->v[C_NUMBER],
				      first->v[C_CREF],
				      first->v[C_VREF],
				      items,
				      os->count,
				      amount,
				      first->v[C_CURRENCY],
				      opt(first->v[C_NOTE]),
				      first->placed};
		if ((rc = order_create(&c, &oi, &id)))
			break;
		im->rep->orders++;
		if (im->progress && (im->rep->orders % 1000 == 0 || o + 1 == im->norders))
			fprintf(im->progress, "\rimported %lld of %d orders",
				(long long)im->rep->orders, im->norders);
		arena_free(&a);
		arena_init(&a);
	}
	if (im->progress && im->norders)
		fputc('\n', im->progress);
	if (rc) {
		const struct row *first = &im->rows[im->byorder[im->orders[im->rep->orders].first]];
		char msg[400];
		snprintf(msg, sizeof(msg), "%s%s%s", im->e.field[0] ? im->e.field : "",
			 im->e.field[0] ? ": " : "", err_text(&im->e));
		problem(im, first->line, "%s (nothing was imported)", msg);
	}
	arena_free(&a);
	return rc;
}

enum kerr import_orders(struct db_pool *pool, const struct config *cfg, const char *path,
			FILE *errs, FILE *progress, struct import_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	struct importer im = {path, cfg, errs, progress, rep, {0}, NULL, 0, NULL, NULL, 0, {0}};
	arena_init(&im.a);
	struct buf b;
	buf_init(&b, IMPORT_MAX_FILE);
	enum kerr rc = KERR_BAD_VALUE;
	if (read_file(&im, &b)) {
		rc = KERR_IO;
		goto out;
	}
	/* Report every problem at once: grouping runs on the rows that parsed. */
	int bad = parse(&im, buf_cstr(&b), b.len);
	if (im.rows && group(&im))
		bad = 1;
	if (bad)
		goto out;
	if (im.norders == 0) {
		fprintf(errs, "%s: no orders to import\n", path);
		goto out;
	}
	rc = db_write(pool, import_fn, &im);
	if (rc)
		rep->orders = rep->customers = rep->vendors = 0;
out:
	if (rep->errors > IMPORT_MAX_ERRORS)
		fprintf(errs, "%s: %d more problems not shown\n", path,
			rep->errors - IMPORT_MAX_ERRORS);
	buf_free(&b);
	free(im.rows);
	free(im.byorder);
	free(im.orders);
	arena_free(&im.a);
	return rc;
}
