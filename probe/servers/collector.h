/* collector.h: `accessprobe collector`, the monitoring organisation's
 * server that volunteers' probes upload their records to.
 *
 * It speaks OONI's collector protocol (bk-003, and the newer POST
 * /api/v1/submit_measurement), so OONI-compatible clients can submit to
 * it; it assigns report_ids and measurement_uids the way OONI does (a uid
 * derived from the record, so a record sent twice is stored once), checks
 * records like OONI's collector and more (collector_proto.h), stores them
 * in its archive (archive.h) and, with --db, in PostgreSQL (pgschema.h),
 * and acknowledges a record only once it is stored. Single-threaded: the
 * HTTP side (collector_http.c), the batches (collector_ingest.c) and the
 * database (collector_pg.c) all run in one epoll loop.
 */
#ifndef PRB_COLLECTOR_H
#define PRB_COLLECTOR_H

#include "common/errors.h"

/* argv[0] is "collector". Returns an enum prb_exit. */
enum prb_exit prb_collector_main(int argc, char **argv);

#endif
