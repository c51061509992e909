/* collector_pg.h: the collector's PostgreSQL writer, asynchronous inside
 * our epoll loop (libpq's non-blocking calls), so that a slow or dead
 * database never stops the collector from answering.
 *
 * One connection, one batch at a time: a multi-row INSERT ... ON CONFLICT
 * DO NOTHING (a record already there is left alone: storing is
 * idempotent), after the month partitions the batch needs. When the
 * connection fails it is dropped and made again after a growing pause
 * (1 s doubling to 30 s); until then the writer is not ready and the
 * collector answers 503. The schema is created or migrated on each new
 * connection (store/pgschema.h) before it is used.
 */
#ifndef PRB_COLLECTOR_PG_H
#define PRB_COLLECTOR_PG_H

#include "engine/loop.h"
#include "store/pgschema.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#define PRB_CPG_DEADLINE 30.0     /* seconds a batch may take */

struct prb_cpg;

/* One row: PRB_PG_COLUMNS texts in prb_pg_insert_sql's order (NULL: SQL
 * NULL), and its measurement_start_time for the partition. The texts must
 * stay valid until the batch is done. */
struct prb_cpg_row {
  const char *v[PRB_PG_COLUMNS];
  time_t start;
};

enum prb_cpg_result {
  PRB_CPG_OK = 0,          /* committed (new rows, or already there) */
  PRB_CPG_UNAVAILABLE,     /* the database failed or was too slow: try
                              again later */
  PRB_CPG_REFUSED          /* the database refused the data itself (only
                              said for a batch of one row) */
};

typedef void (*prb_cpg_done)(void *arg, enum prb_cpg_result r,
                             const char *why);

/* Starts connecting to conninfo in the background. log gets connection
 * changes. NULL when out of memory. */
struct prb_cpg *prb_cpg_new(struct prb_loop *loop, const char *conninfo,
                            FILE *log);
void prb_cpg_free(struct prb_cpg *g);

/* Connected, schema checked, and no batch in flight. */
bool prb_cpg_idle(const struct prb_cpg *g);
/* Connected (a batch may be in flight). */
bool prb_cpg_up(const struct prb_cpg *g);
/* Seconds the batch in flight has taken (0 when none). */
double prb_cpg_busy_for(const struct prb_cpg *g);
/* Seconds until the next connection attempt (1 at least). */
unsigned prb_cpg_retry_in(const struct prb_cpg *g);

/* Sends a batch when idle (false otherwise); done runs once it ends. */
bool prb_cpg_insert(struct prb_cpg *g, const struct prb_cpg_row *rows,
                    size_t n, prb_cpg_done done, void *arg);

/* Rows written (new) since start. */
unsigned long long prb_cpg_inserted(const struct prb_cpg *g);

#endif
