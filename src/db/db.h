/*
 * db.h - the storage interface: connections, prepared statements, and
 * transactions run as callbacks.
 *
 * SQL is written once, in one dialect: $1..$n placeholders, integer
 * epoch-millisecond times, INSERT ... RETURNING, ON CONFLICT upserts.  Each
 * driver (SQLite, PostgreSQL) translates what it must; no caller
 * knows which store it runs on.
 *
 * Work is done in transactions: db_read() and db_write() run a callback on a
 * connection inside one, commit when it returns KERR_OK and roll back
 * otherwise.  db_write() returns KERR_OK only once the change is durable.
 * Writes from all threads go to one writer thread that runs waiting
 * callbacks back to back in one transaction (each in a savepoint) and
 * commits them with one fsync: group commit.  Under PostgreSQL each batch
 * first takes a lock that the writers of other processes take too, so
 * batches from several processes commit one after another.  A callback must therefore
 * keep its effects inside the database and its own memory; an effect
 * outside them (forgetting what a cache holds) is asked for with
 * db_on_commit() and happens only once the change is committed.
 *
 * Statements are prepared once per connection and cached by their SQL text;
 * db_prep() returns a statement ready for binding, and db_done() must be
 * called when the caller has finished with its rows.
 */
#ifndef KAPSULE_DB_DB_H
#define KAPSULE_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;	/* one connection, used by one thread at a time */
struct db_stmt; /* a prepared statement of one connection */
struct db_pool; /* the connections of a process */
struct db_arg;	/* a value to bind, below */

enum db_step_result {
	DB_ERROR = -1, /* failed; see db_err() */
	DB_DONE = 0,   /* no more rows */
	DB_ROW = 1,    /* a row is ready for db_col_*() */
};

typedef enum kerr (*db_fn)(struct db *db, void *arg);

/*
 * Opens a store: a file path for SQLite, or a postgres:// (postgresql://)
 * URL.  nread is the number of read connections; statements running longer
 * than timeout_ms (0: no limit) are cancelled on PostgreSQL.  Migrations are
 * not applied; see db_migrate().  On failure returns an error with the
 * reason in e and *out is NULL.  Connections the store drops (a restart)
 * are replaced on their next use; meanwhile calls fail with
 * KERR_UNAVAILABLE.
 */
enum kerr db_pool_open(const char *url, int nread, int timeout_ms, struct db_pool **out,
		       struct err *e);
/* Finishes queued writes, closes every connection and frees p. NULL is fine. */
void db_pool_close(struct db_pool *p);

/* Applies the migrations that are not yet applied, in order. */
enum kerr db_migrate(struct db_pool *p, struct err *e);
/* Highest migration known to the program, and highest applied in the store. */
int db_migration_latest(void);
enum kerr db_migration_current(struct db_pool *p, int *version);

/* Runs fn in a read transaction. Returns fn's result or a database error. */
enum kerr db_read(struct db_pool *p, db_fn fn, void *arg);
/*
 * Runs fn in a write transaction and returns once it is durably committed
 * (KERR_OK) or rolled back (fn's error, or the database's).
 */
enum kerr db_write(struct db_pool *p, db_fn fn, void *arg);
/*
 * Queues fn like db_write and returns at once.  done(done_arg, result) is
 * called once the change is durably committed (KERR_OK) or rolled back, on
 * the writer's thread (or at once, on the caller's, when the pool is
 * closing): it must be quick and must not call back into the pool.  fn's
 * argument must stay valid until then.
 */
typedef void (*db_done_fn)(void *arg, enum kerr rc);
void db_write_async(struct db_pool *p, db_fn fn, void *arg, db_done_fn done, void *done_arg);
/*
 * Asks for fn to run once the transaction open on db is committed, before
 * the callers of db_write are told: never if the callback (or, in a group
 * commit, the whole transaction) is rolled back.  Asking twice for the same
 * fn in one transaction runs it once.  Returns 0, or -1 when a transaction
 * already holds DB_MAX_ON_COMMIT different functions.
 */
#define DB_MAX_ON_COMMIT 4
int db_on_commit(struct db *db, void (*fn)(void));

/*
 * Claims work shared by several processes, each row exactly once.  sql is an
 * UPDATE in the common dialect that marks rows as taken and returns their
 * ids, choosing them with an inner SELECT that ends in FOR UPDATE SKIP
 * LOCKED, for example:
 *
 *   UPDATE jobs SET claimed_by = $1, claimed_until = $2 WHERE id IN
 *     (SELECT id FROM jobs WHERE due_at <= $3 AND claimed_until < $3
 *      ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id
 *
 * Under PostgreSQL it commits in a short transaction of its own, and rows
 * that another process is claiming are skipped rather than waited for;
 * under SQLite it runs through the writer, which makes it atomic.  Fills
 * ids[0..*n), at most max of them; KERR_OK with *n = 0 when nothing is free.
 */
enum kerr db_claim(struct db_pool *p, const char *sql, const struct db_arg *args, int nargs,
		   int64_t *ids, int max, int *n);

/* 1 when the store answers a trivial query. */
int db_pool_ready(struct db_pool *p);

/*
 * Values to bind, type-checked by the compiler: DB_ARGS(a, b, ...) turns each
 * argument into a struct db_arg by its C type (integers bind as integers,
 * char pointers as text, NULL as SQL NULL).  Wrap values that need more:
 * db_optid(id) binds NULL for 0, db_textn(p, n) text with a length,
 * db_blob(p, n) bytes.  DB_NONE is an empty list.
 */
enum db_arg_type {
	DBA_INT,  /* i */
	DBA_NULL, /* SQL NULL */
	DBA_TEXT, /* p, n */
	DBA_BLOB, /* p, n */
};

struct db_arg {
	enum db_arg_type type;
	int64_t i;
	const void *p;
	size_t n;
};

static inline struct db_arg db_arg_int(long long v)
{
	return (struct db_arg){DBA_INT, (int64_t)v, NULL, 0};
}

static inline struct db_arg db_arg_text(const char *s)
{
	struct db_arg a = {s ? DBA_TEXT : DBA_NULL, 0, s, 0};
	if (s)
		while (s[a.n])
			a.n++;
	return a;
}

static inline struct db_arg db_arg_null(const void *p)
{
	(void)p;
	return (struct db_arg){DBA_NULL, 0, NULL, 0};
}

static inline struct db_arg db_arg_self(struct db_arg a)
{
	return a;
}

/* An optional id: 0 binds NULL. */
static inline struct db_arg db_optid(int64_t v)
{
	return (struct db_arg){v ? DBA_INT : DBA_NULL, v, NULL, 0};
}

/* Text of n bytes (NULL binds NULL). */
static inline struct db_arg db_textn(const char *p, size_t n)
{
	return (struct db_arg){p ? DBA_TEXT : DBA_NULL, 0, p, n};
}

/* Bytes; the caller keeps them alive until the statement is stepped. */
static inline struct db_arg db_blob(const void *p, size_t n)
{
	return (struct db_arg){DBA_BLOB, 0, p, n};
}

#define DB_ARG(x)                                                                                  \
	_Generic((x),                                                                            \
		int: db_arg_int, long: db_arg_int, long long: db_arg_int,                        \
		char *: db_arg_text, const char *: db_arg_text,                                  \
		void *: db_arg_null, struct db_arg: db_arg_self)(x)

#define DB__N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, N, ...) N
#define DB__COUNT(...)									     DB__N(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define DB__M1(x)									     DB_ARG(x)
#define DB__M2(x, ...)									     DB_ARG(x), DB__M1(__VA_ARGS__)
#define DB__M3(x, ...)									     DB_ARG(x), DB__M2(__VA_ARGS__)
#define DB__M4(x, ...)									     DB_ARG(x), DB__M3(__VA_ARGS__)
#define DB__M5(x, ...)									     DB_ARG(x), DB__M4(__VA_ARGS__)
#define DB__M6(x, ...)									     DB_ARG(x), DB__M5(__VA_ARGS__)
#define DB__M7(x, ...)									     DB_ARG(x), DB__M6(__VA_ARGS__)
#define DB__M8(x, ...)									     DB_ARG(x), DB__M7(__VA_ARGS__)
#define DB__M9(x, ...)									     DB_ARG(x), DB__M8(__VA_ARGS__)
#define DB__M10(x, ...)									     DB_ARG(x), DB__M9(__VA_ARGS__)
#define DB__M11(x, ...)									     DB_ARG(x), DB__M10(__VA_ARGS__)
#define DB__M12(x, ...)									     DB_ARG(x), DB__M11(__VA_ARGS__)
#define DB__M13(x, ...)									     DB_ARG(x), DB__M12(__VA_ARGS__)
#define DB__M14(x, ...)									     DB_ARG(x), DB__M13(__VA_ARGS__)
#define DB__M15(x, ...)									     DB_ARG(x), DB__M14(__VA_ARGS__)
#define DB__M16(x, ...)									     DB_ARG(x), DB__M15(__VA_ARGS__)
#define DB__CAT(a, b)									     a##b
#define DB__XCAT(a, b)									     DB__CAT(a, b)
#define DB_ARGS(...)                                                                               \
	(const struct db_arg[]){DB__XCAT(DB__M, DB__COUNT(__VA_ARGS__))(__VA_ARGS__)},             \
	    DB__COUNT(__VA_ARGS__)
#define DB_NONE NULL, 0

/* A cached statement for sql, reset and ready to bind; NULL on error. */
struct db_stmt *db_prep(struct db *db, const char *sql);
/* Binds args[0..n) to the next placeholders, $1 first: use DB_ARGS(...). */
void db_bind(struct db_stmt *st, const struct db_arg *args, int n);
/* Steps to the next row. */
int db_step(struct db_stmt *st);
/* Column values of the current row, numbered from 0. Text and blobs stay
 * valid until the next db_step() or db_done(). */
int64_t db_col_i64(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
const void *db_col_blob(struct db_stmt *st, int col); /* bytes; NULL when empty or NULL */
size_t db_col_len(struct db_stmt *st, int col);
int db_col_null(struct db_stmt *st, int col);
/* Resets the statement for its next use. Always call it. */
void db_done(struct db_stmt *st);

/* Maps the last failure of the connection to an error code, filling e. */
enum kerr db_err(struct db *db, struct err *e);

/*
 * Convenience: prepare, bind, step once.  db_exec expects no row and returns
 * KERR_OK or the error.  db_one_i64 reads the first column of the first row
 * into *out (KERR_NOT_FOUND when there is no row).
 */
enum kerr db_exec(struct db *db, struct err *e, const char *sql, const struct db_arg *args, int n);
enum kerr db_one_i64(struct db *db, struct err *e, int64_t *out, const char *sql,
		     const struct db_arg *args, int n);
/*
 * Like db_exec, for a statement whose failure fails the whole write anyway:
 * inside a transaction, a store that can (PostgreSQL, in pipeline mode)
 * sends it without waiting for its answer.  A failure then shows as the
 * failure of the next statement that waits for an answer, or as the result
 * of the write (db_write); every later statement sees its changes.
 */
enum kerr db_exec_later(struct db *db, struct err *e, const char *sql, const struct db_arg *args,
			int n);

/*
 * A short text (at most DB_MEMO_MAX bytes) kept with the connection's write
 * transaction: forgotten when the transaction ends and whenever a write in it
 * is rolled back, so that it never outlives the rows it was read from (the
 * audit log's last hash).  db_memo() is NULL when nothing is kept.
 */
#define DB_MEMO_MAX 72
/*
 * Text search.  Migrations index a table's text columns with
 * {{text_index:TABLE:COL,COL}} (a table with an integer id) and queries
 * match them with {{text_match:TABLE:COL,COL:$N}}, SQLite through FTS5 and
 * PostgreSQL through a tsvector index; $N takes db_text_query()'s text.
 * The words the person typed as a query of the store: each run of letters
 * and digits a term (at most DB_TEXT_TERMS), all of them required, in a;
 * NULL when there is none.
 */
#define DB_TEXT_TERMS 16
struct arena;
const char *db_text_query(struct db *db, struct arena *a, const char *words);

const char *db_memo(struct db *db);
void db_set_memo(struct db *db, const char *text);

/* Number of writes committed and write batches, for metrics. */
void db_pool_stats(struct db_pool *p, uint64_t *writes, uint64_t *batches);

#endif
