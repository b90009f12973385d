/*
 * db_int.h - what the generic db layer and its drivers share.
 *
 * A driver is a table of functions.  The generic layer (db.c) owns pools,
 * the SQLite writer thread and migrations; a driver owns connections and
 * statements and the translation of the common dialect to its own.
 */
#ifndef KAPSULE_DB_DB_INT_H
#define KAPSULE_DB_DB_INT_H

#include "db/db.h"

struct db_driver {
	/*
	 * Opens one connection; NULL with a message in e on failure.  Statements
	 * running longer than timeout_ms (0: no limit) are cancelled where the
	 * store can do so.
	 */
	struct db *(*open)(const char *url, int writer, int timeout_ms, struct err *e);
	void (*close)(struct db *db);
	/* Runs a script of statements (migrations, BEGIN/COMMIT). */
	enum kerr (*exec_script)(struct db *db, const char *sql, struct err *e);
	struct db_stmt *(*prep)(struct db *db, const char *sql);
	void (*bind_i64)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t n);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st);
	/* Number of placeholders in the statement. */
	int (*param_count)(struct db_stmt *st);
	int64_t (*col_i64)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col);
	size_t (*col_len)(struct db_stmt *st, int col);
	int (*col_null)(struct db_stmt *st, int col);
	void (*done)(struct db_stmt *st);
	enum kerr (*err)(struct db *db, struct err *e);
	/*
	 * NULL, or: sends the bound statement, which returns no rows, without
	 * waiting for its answer (0, or -1 with the failure kept for err()).
	 * Every later step() reads the answers of what was sent before it, and
	 * fails with the first failure among them.
	 */
	int (*send)(struct db_stmt *st);
	/* NULL, or: reads the answers of what send() sent (0, or -1 as above). */
	int (*flush)(struct db *db);
	/* 1 while the connection is inside a transaction. */
	int (*in_tx)(struct db *db);
	/* 1 when the connection is known to be broken and must be replaced. */
	int (*broken)(struct db *db);
	/* SQL to begin a write transaction, and a read transaction. */
	const char *begin_write, *begin_read;
	/*
	 * Run after begin_write, or NULL: a lock that puts the writers of
	 * several processes one after another (the audit log is one chain).
	 */
	const char *write_lock;
	/* Most writes the writer puts in one transaction; 0: the writer's own most. */
	int batch_max;
	/* 1: db_claim runs on a connection of its own (row locks, SKIP LOCKED);
	 * 0: through the writer. */
	int claim_beside_writer;
	/*
	 * Periodic upkeep on a connection of its own, or NULL: for SQLite,
	 * checkpointing the write-ahead log outside the writer's commits.
	 * Returns the length of the log in pages (0 when not applicable).
	 */
	int (*maintain)(struct db *db); /* returns the pages still in the log */
};

/* Every connection starts with this header so the generic layer finds its driver. */
struct db {
	const struct db_driver *drv;
	void (*on_commit[DB_MAX_ON_COMMIT])(void); /* see db_on_commit() */
	int non_commit;				   /* how many of on_commit are asked for */
	char memo[DB_MEMO_MAX + 1];		   /* see db_memo() */
	int has_memo;				   /* memo holds a text */
};

/* Every statement starts with this header. */
struct db_stmt {
	struct db *db; /* owning connection */
	int nbound;    /* placeholders bound so far by db_bind */
	char *sql;     /* the caller's SQL: the statement cache's key */
	uint64_t hash; /* hash of sql */
};

/* A connection's prepared statements by SQL text (open addressing). */
struct db_cache {
	struct db_stmt **slots; /* NULL = empty */
	size_t n, cap;		/* used and allocated slots */
};
void db_cache_init(struct db_cache *c);
/* The statement cached for sql, or NULL; *hash receives sql's hash. */
struct db_stmt *db_cache_find(struct db_cache *c, const char *sql, uint64_t *hash);
/* Adds st, whose sql and hash are set; the cache keeps it until freed. */
void db_cache_add(struct db_cache *c, struct db_stmt *st);
/* Calls release on every cached statement (which frees it and its sql). */
void db_cache_free(struct db_cache *c, void (*release)(struct db_stmt *st));

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

/* What a store's SQL differs in from the common dialect. */
struct db_dialect {
	char placeholder;      /* $N becomes this character and N */
	const char *id_type;   /* for {{id}}: an auto-assigned integer primary key */
	const char *blob_type; /* for {{blob}} */
	int drop_for_update;   /* 1: " FOR UPDATE" (and " SKIP LOCKED") is removed */
	int fts5;	       /* text search: 1 SQLite's FTS5, 0 PostgreSQL's tsvector */
};
/*
 * The common dialect rewritten for a store; quoted text and -- comments are
 * left as they are.  Text search is written as two templates (db.h):
 *   {{text_index:TABLE:COL,COL}}      a migration's index of those columns
 *   {{text_match:TABLE:COL,COL:$N}}   a condition: the row matches $N, made by
 *                                      db_text_query()
 * The caller frees the result.
 */
char *db_translate(const char *sql, const struct db_dialect *d);
/* Each driver's translation: SQLite ($N -> ?N, FOR UPDATE [SKIP LOCKED] dropped) and
 * PostgreSQL ($N kept, identity columns, BYTEA). */
char *db_sqlite_translate(const char *sql);
char *db_pg_translate(const char *sql);

/* An embedded migration: its number, name and SQL in the common dialect. */
struct db_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
