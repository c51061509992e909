/* pgschema.h: the measurements table in PostgreSQL, in one place for the
 * collector (which writes it) and `report --db` (which reads it).
 *
 *   measurements        one row per record, primary key measurement_uid
 *                       (with measurement_start_time, the partition key;
 *                       the uid contains that time, so it alone is unique)
 *     measurement_start_time, report_id, input, domain, probe_cc,
 *     probe_asn, test_name, verdict, method, detail, confirmed: indexed
 *     columns (verdict, method, detail, confirmed from x_analysis)
 *     received          when the collector stored it
 *     raw               the record as the archive keeps it (jsonb)
 *     scan              raw cut down to the keys the report's scanner
 *                       reads (accessprobe_scan(raw), below), kept as
 *                       JSON text so that reading it back costs no
 *                       conversion
 *   measurements_YYYY_MM  one range partition per month, made when the
 *                       first record of that month arrives
 *   accessprobe_schema  the schema's version, and the version of the scan
 *                       projection the rows were made with
 *
 * Why `scan`: `report --db` counts exactly as `report` does by feeding
 * rows through the same scanner. Sending it every raw record (4 to 700 KB
 * each) would take minutes for a month; the projection keeps each key the
 * scanner reads, absent when the record lacks it, so the scanner sees the
 * same values (a record without x_analysis, OONI Probe's, is kept whole).
 * When the scanner reads a new key, PRB_PG_PROJECTION goes up with the
 * function, and the next `collector --init-db` (or start) recomputes every
 * row's scan from raw.
 */
#ifndef PRB_PGSCHEMA_H
#define PRB_PGSCHEMA_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define PRB_PG_SCHEMA_VERSION 1
#define PRB_PG_PROJECTION 3
#define PRB_PG_COLUMNS 13       /* values per row of prb_pg_insert_sql */

/* The connection string as it may be shown: a URI without its password
 * (or "a PostgreSQL key=value string" kept whole when it has none). */
void prb_pg_display(const char *conninfo, char *out, size_t outlen);

/* Connects (blocking; connect_timeout 10 s unless conninfo says), as
 * application app. NULL with why on failure. */
PGconn *prb_pg_connect(const char *conninfo, const char *app, char *why,
                       size_t whylen);

/* Creates the schema, or migrates it to PRB_PG_SCHEMA_VERSION and
 * PRB_PG_PROJECTION, in one transaction under an advisory lock (several
 * collectors may start at once). Refuses a newer schema. 0, or -1 with
 * why. *changed (may be NULL) says whether anything was done. */
int prb_pg_migrate(PGconn *c, bool *changed, char *why, size_t whylen);

/* For readers: the schema exists, is this version, and its rows' scan is
 * this projection. 0, or -1 with why (saying to run --init-db). */
int prb_pg_check(PGconn *c, char *why, size_t whylen);

/* The month partition holding time t: its name ("measurements_2024_02")
 * and the statement creating it when missing. */
bool prb_pg_partition(time_t t, char *name, size_t namelen, char *sql,
                      size_t sqllen);

/* The INSERT of n rows of PRB_PG_COLUMNS text parameters each (uid,
 * measurement_start_time, report_id, input, domain, probe_cc, probe_asn,
 * test_name, verdict, method, detail, confirmed "t"/"f", raw JSON; NULL
 * for SQL NULL), rows already there left alone. malloc'd, NULL when out
 * of memory. */
char *prb_pg_insert_sql(size_t n);

/* The statement a reader streams every row's scan text with (COPY, binary:
 * the text as it is, no escaping). */
extern const char prb_pg_copy_scan[];

#endif
