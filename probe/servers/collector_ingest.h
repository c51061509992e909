/* collector_ingest.h: what the collector does with each request: opening
 * and closing reports, checking a submitted record, and storing it in
 * batches, first in the archive (synced), then in PostgreSQL when one is
 * configured, before a single byte of acknowledgement goes out.
 *
 * Backpressure: the collector never accepts what it cannot store. When
 * PostgreSQL is down, or a batch has been in flight for more than
 * PRB_CINGEST_SLOW seconds, or PRB_CINGEST_QUEUE_MAX records already wait,
 * a submission gets 503 with Retry-After at once; when the archive's disk
 * is full, or the database fails a batch, the records of that batch get
 * 503 (the client sends them again; being idempotent, the archive and the
 * table keep one copy). A record the database itself refuses (one bad row
 * among many is found by storing them one by one) gets 400 with the
 * database's reason.
 */
#ifndef PRB_COLLECTOR_INGEST_H
#define PRB_COLLECTOR_INGEST_H

#include "engine/loop.h"
#include "servers/collector_pg.h"
#include "store/archive.h"

#include <stdio.h>

#define PRB_CINGEST_BATCH_MAX 256     /* records per batch */
#define PRB_CINGEST_QUEUE_MAX 1024    /* records in the collector at once:
                                         the HTTP layer's work slots */
#define PRB_CINGEST_SLOW 5.0          /* seconds: the database is slow */

struct prb_cingest;

/* pg may be NULL (the archive alone). log gets rejections (never a
 * client's address) and a summary each minute. */
struct prb_cingest *prb_cingest_new(struct prb_loop *loop,
                                    struct prb_archive *archive,
                                    struct prb_cpg *pg, unsigned collector,
                                    FILE *log);

/* Answers every record still waiting (503) and frees ing. */
void prb_cingest_free(struct prb_cingest *ing);

struct prb_hreq;

/* The HTTP layer's calls (servers/httpd.h; arg: the prb_cingest): the
 * routes and their body caps from the head, the requests, and a client
 * gone before its answer (its record is stored all the same). */
unsigned prb_cingest_head(void *arg, struct prb_hreq *rq, size_t *body_max,
                          const char **why);
void prb_cingest_request(void *arg, struct prb_hreq *rq);
void prb_cingest_cancel(void *arg, struct prb_hreq *rq);

/* Starts the next batch when there is one and storage is free; the
 * collector runs it before the loop sleeps. */
void prb_cingest_flush(void *arg);

struct prb_cingest_stats {
  unsigned long long reports, stored, duplicates, refused, unavailable;
};
void prb_cingest_stats(const struct prb_cingest *ing,
                       struct prb_cingest_stats *out);

#endif
