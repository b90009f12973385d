/*
 * db_sqlite.c - the SQLite driver.
 *
 * Connections run in WAL mode with foreign keys on and synchronous=FULL, so
 * a committed transaction survives power loss.  The common dialect's $N
 * placeholders become ?N; migration scripts' {{id}} and {{blob}} become
 * SQLite's rowid primary key and BLOB.  Statements are cached per
 * connection by SQL text (db_cache).  Row locks
 * (FOR UPDATE) are dropped: a write transaction holds the database's one
 * write lock from its start (BEGIN IMMEDIATE).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "db/db_int.h"

struct sq_stmt {
	struct db_stmt base; /* must be first */
	sqlite3_stmt *h;     /* the prepared statement */
};

struct sq_conn {
	struct db base;	       /* must be first */
	sqlite3 *h;	       /* the connection */
	struct db_cache cache; /* its prepared statements */
};

static const struct db_dialect sq_dialect = {
    .placeholder = '?',
    .id_type = "INTEGER PRIMARY KEY",
    .blob_type = "BLOB",
    .drop_for_update = 1, /* SQLite has one writer: every write locks everything */
    .fts5 = 1,
};

char *db_sqlite_translate(const char *sql)
{
	return db_translate(sql, &sq_dialect);
}

static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

/* Process-wide settings, before SQLite initialises. */
static void sq_setup(void)
{
	/* No allocation statistics: they take a global mutex on every malloc. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static struct db *sq_open(const char *path, int writer, int timeout_ms, struct err *e)
{
	(void)timeout_ms; /* one writer, local reads: nothing to cancel */
	sqlite3 *h = NULL;
	pthread_once(&sq_once, sq_setup);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
		err_set(e, KERR_DB, "db", "cannot open SQLite database %s: %s", path,
			h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, 5000);
	/*
	 * Checkpoints are upkeep's work (sq_maintain on another connection,
	 * with the writer pausing only for the last short copy: see db.c).
	 * Should upkeep be missing, the writer checkpoints itself once the log
	 * holds 64000 pages (256 MB).
	 */
	const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				       "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
				       "PRAGMA wal_autocheckpoint=64000;"
				     : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
				       "PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, KERR_DB, "db", "cannot set up SQLite database %s: %s", path,
			msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	struct sq_conn *c = xcalloc(1, sizeof(*c));
	c->base.drv = &db_sqlite_driver;
	c->h = h;
	db_cache_init(&c->cache);
	return &c->base;
}

static void stmt_free(struct db_stmt *st)
{
	sqlite3_finalize(((struct sq_stmt *)st)->h);
	free(st->sql);
	free(st);
}

static void sq_close(struct db *db)
{
	struct sq_conn *c = (struct sq_conn *)db;
	db_cache_free(&c->cache, stmt_free);
	sqlite3_close(c->h);
	free(c);
}

static enum kerr sq_err(struct db *db, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)db;
	int code = sqlite3_extended_errcode(c->h);
	const char *msg = sqlite3_errmsg(c->h);
	switch (code) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return err_set(e, KERR_CONFLICT, NULL, NULL);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return err_set(e, KERR_BAD_VALUE, NULL, "a referenced object does not exist");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_BUSY_SNAPSHOT:
		log_msg(LOG_WARN, "database busy", "error", msg);
		return err_set(e, KERR_UNAVAILABLE, NULL, "the database is busy; try again");
	default:
		log_msg(LOG_ERROR, "database error", "error", msg);
		return err_set(e, KERR_DB, NULL, NULL);
	}
}

static enum kerr sq_exec_script(struct db *db, const char *sql, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)db;
	char *t = db_sqlite_translate(sql);
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, t, NULL, NULL, &msg);
	free(t);
	if (rc != SQLITE_OK) {
		if (msg)
			log_msg(LOG_ERROR, "sql script failed", "error", msg);
		sqlite3_free(msg);
		return sq_err(db, e);
	}
	return KERR_OK;
}

static struct db_stmt *sq_prep(struct db *db, const char *sql)
{
	struct sq_conn *c = (struct sq_conn *)db;
	uint64_t h;
	struct db_stmt *cached = db_cache_find(&c->cache, sql, &h);
	if (cached)
		return cached;
	char *t = db_sqlite_translate(sql);
	sqlite3_stmt *hs = NULL;
	int rc = sqlite3_prepare_v3(c->h, t, -1, SQLITE_PREPARE_PERSISTENT, &hs, NULL);
	free(t);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERROR, "sql prepare failed", "error", sqlite3_errmsg(c->h));
		return NULL;
	}
	struct sq_stmt *s = xcalloc(1, sizeof(*s));
	s->base.db = db;
	s->h = hs;
	s->base.sql = xstrdup(sql);
	s->base.hash = h;
	db_cache_add(&c->cache, &s->base);
	return &s->base;
}

static void sq_bind_i64(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(((struct sq_stmt *)st)->h, idx, v);
}

static void sq_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
	sqlite3_bind_text64(((struct sq_stmt *)st)->h, idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void sq_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(((struct sq_stmt *)st)->h, idx, p, n, SQLITE_STATIC);
}

static void sq_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(((struct sq_stmt *)st)->h, idx);
}

static int sq_step(struct db_stmt *st)
{
	int rc = sqlite3_step(((struct sq_stmt *)st)->h);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return DB_ERROR;
}

static int sq_param_count(struct db_stmt *st)
{
	return sqlite3_bind_parameter_count(((struct sq_stmt *)st)->h);
}

static int64_t sq_col_i64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(((struct sq_stmt *)st)->h, col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
	/* NULL for SQL NULL; text (every text column we store) as is. */
	return (const char *)sqlite3_column_text(((struct sq_stmt *)st)->h, col);
}

static const void *sq_col_blob(struct db_stmt *st, int col)
{
	return sqlite3_column_blob(((struct sq_stmt *)st)->h, col);
}

static size_t sq_col_len(struct db_stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(((struct sq_stmt *)st)->h, col);
}

static int sq_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(((struct sq_stmt *)st)->h, col) == SQLITE_NULL;
}

static void sq_done(struct db_stmt *st)
{
	sqlite3_stmt *h = ((struct sq_stmt *)st)->h;
	sqlite3_reset(h);
	sqlite3_clear_bindings(h);
}

static int sq_in_tx(struct db *db)
{
	return !sqlite3_get_autocommit(((struct sq_conn *)db)->h);
}

static int sq_broken(struct db *db)
{
	(void)db;
	return 0;
}

/*
 * Copies committed log pages into the database file, off the writer's
 * thread: a passive checkpoint blocks nobody.  Returns the log's length in
 * pages; db.c pauses the writer for a last pass once it is long, after
 * which the writer's next transaction restarts the log.
 */
static int sq_maintain(struct db *db)
{
	sqlite3 *h = ((struct sq_conn *)db)->h;
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_msg(LOG_WARN, "checkpoint failed", "error", sqlite3_errmsg(h));
	return rc == SQLITE_OK ? log : 0;
}

const struct db_driver db_sqlite_driver = {
    .open = sq_open,
    .close = sq_close,
    .exec_script = sq_exec_script,
    .prep = sq_prep,
    .bind_i64 = sq_bind_i64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .param_count = sq_param_count,
    .col_i64 = sq_col_i64,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_len = sq_col_len,
    .col_null = sq_col_null,
    .done = sq_done,
    .err = sq_err,
    .in_tx = sq_in_tx,
    .broken = sq_broken,
    .begin_write = "BEGIN IMMEDIATE",
    .begin_read = "BEGIN",
    .maintain = sq_maintain,
};
