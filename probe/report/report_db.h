/* report_db.h: `report --db`: the collector's PostgreSQL table as a source
 * of record lines, beside report_read's files.
 *
 * Each row's scan text (the record cut down to the keys the scanner reads,
 * store/pgschema.h) comes out as one line and goes through the same
 * scanner and counting as a line of a file, so the counts are exactly
 * those of `report` over the same records as files. Rows are streamed
 * by one COPY statement (one consistent snapshot while the collector keeps
 * writing), one row in memory at a time.
 */
#ifndef PRB_REPORT_DB_H
#define PRB_REPORT_DB_H

#include "report/report_read.h"

#include <stddef.h>
#include <stdint.h>

struct prb_dbrows;

/* Connects to conninfo (a postgresql:// URI or key=value string) and
 * opens the cursor. NULL with why (the connection, or a missing or other
 * version of the schema). */
struct prb_dbrows *prb_dbrows_open(const char *conninfo, char *why,
                                   size_t whylen);

/* Like prb_lines_next: PRB_LINES_LINE with the row's text (valid until
 * the next call) and its number from 1, PRB_LINES_EOF, or PRB_LINES_ERROR
 * (prb_dbrows_error says why). */
enum prb_lines_status prb_dbrows_next(struct prb_dbrows *r, const char **line,
                                      size_t *len, uint64_t *rowno);

const char *prb_dbrows_error(const struct prb_dbrows *r);

/* The database as it may be shown (no password), standing for the file
 * name in messages and references. */
const char *prb_dbrows_name(const struct prb_dbrows *r);

/* Text bytes fetched so far. */
uint64_t prb_dbrows_bytes(const struct prb_dbrows *r);

void prb_dbrows_close(struct prb_dbrows *r);

#endif
