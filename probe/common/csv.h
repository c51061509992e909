/* csv.h: a streaming RFC 4180 CSV reader with a bounded record size.
 *
 * Lists come from volunteers and the network, so the reader assumes nothing:
 * every record is at most max_record bytes (fields plus one NUL each); a
 * longer record, one with a NUL byte, or one with a malformed quote is
 * consumed to its end and reported as PRB_CSV_BAD with a reason, and reading
 * goes on with the next record. Memory never grows past max_record.
 *
 * Accepted: quoted fields with "" escapes and embedded CR/LF, CRLF or LF or
 * lone CR line ends, a UTF-8 byte order mark at the start of the input, a
 * missing final newline, an empty input. Entirely blank lines are skipped
 * (they are never records). Field bytes are returned unchanged (no UTF-8
 * check); each field is NUL-terminated, and NUL bytes inside a record make
 * it bad, so a field's strlen() is its length.
 */
#ifndef PRB_CSV_H
#define PRB_CSV_H

#include "common/caps.h"

#include <stddef.h>
#include <stdio.h>

enum prb_csv_status {
  PRB_CSV_RECORD = 0, /* a good record is available */
  PRB_CSV_EOF = 1,    /* no more records */
  PRB_CSV_BAD = 2,    /* a record was skipped; prb_csv_reason() says why */
  PRB_CSV_ERROR = 3   /* read error on the stream (ferror) */
};

struct prb_csv;

/* Returns a reader over fp, which stays the caller's (not closed by the
 * reader). max_record 0 means PRB_CSV_RECORD_MAX; values below 16 are
 * raised to 16. NULL when out of memory. */
struct prb_csv *prb_csv_open(FILE *fp, size_t max_record);

/* Frees the reader; NULL is allowed. */
void prb_csv_close(struct prb_csv *r);

/* Reads the next record. */
enum prb_csv_status prb_csv_read(struct prb_csv *r);

/* Of the last record read (PRB_CSV_RECORD): the number of fields (at least
 * 1) and field i, NUL-terminated, owned by the reader and valid until the
 * next prb_csv_read(). Out-of-range i gives "". */
size_t prb_csv_nfields(const struct prb_csv *r);
const char *prb_csv_field(const struct prb_csv *r, size_t i);
size_t prb_csv_field_len(const struct prb_csv *r, size_t i);

/* Physical line number (1-based) on which the last record, good or bad,
 * started. */
long prb_csv_line(const struct prb_csv *r);

/* Why the last record was PRB_CSV_BAD: a static string, "" otherwise. */
const char *prb_csv_reason(const struct prb_csv *r);

/* Whether a UTF-8 byte order mark was skipped at the start. */
int prb_csv_had_bom(const struct prb_csv *r);

#endif
