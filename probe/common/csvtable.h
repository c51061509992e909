/* csvtable.h: loading a CSV table file (a fixed header line, then one row
 * per record) into the caller's growing array of parsed rows: the loop the
 * fingerprint and interception-certificate lists share.
 *
 * Problems go to an error stream (never when it is NULL) as
 * "FILE:LINE: reason", or "FILE: reason" when no line applies. A bad record
 * is reported, counted and left out, and loading goes on; a wrong header or
 * an empty file makes the whole file unusable. What makes a row good is the
 * caller's parse function.
 */
#ifndef PRB_CSVTABLE_H
#define PRB_CSVTABLE_H

#include <stddef.h>
#include <stdio.h>

#include "common/load.h"

#include "common/csv.h"

/* The caller's rows, row_size bytes each. items is malloc'd (NULL while
 * cap is 0) and stays the caller's, as does what each row points to. */
struct prb_csvtable_rows {
  void *items;
  size_t n, cap;
};

/* What one kind of table file looks like. */
struct prb_csvtable {
  const char *const *columns;   /* the header, field by field, exactly */
  size_t n_columns;
  const char *kind;             /* "a blocking-fingerprints file": named in
                                   the wrong-header message */
  size_t row_size;              /* bytes of one parsed row */
  /* Validates the good record c (line is where it starts) into row, which
   * is row_size uninitialised bytes. Returns 0 when good (the row, and what
   * it owns, is then appended), 1 when bad (already reported on err, e.g.
   * with prb_csvtable_say; row owns nothing), -1 out of memory (row owns
   * nothing). kept holds the rows appended so far, from this file and
   * earlier ones, to find duplicates. */
  int (*parse)(const struct prb_csvtable_rows *kept, const struct prb_csv *c,
               const char *path, long line, FILE *err, void *row);
  /* Frees what a good row owns (not the row itself). */
  void (*free_row)(void *row);
};

/* Appends the good rows of the file at path to rows. Problems go to err
 * unless NULL; *n_bad (may be NULL) receives the number of bad rows of this
 * file. On any return rows is consistent (the rows appended before an error
 * stay). Returns an enum prb_load. */
enum prb_load
prb_csvtable_load(const struct prb_csvtable *t,
                  struct prb_csvtable_rows *rows, const char *path,
                  FILE *err, size_t *n_bad);

/* Whether the record just read is exactly the n fields of cols. */
int prb_csvtable_header_is(const struct prb_csv *c, const char *const *cols,
                           size_t n);

/* Writes "PATH:LINE: " and the formatted reason, then a newline, to err;
 * nothing when err is NULL. */
__attribute__((format(printf, 4, 5)))
void prb_csvtable_say(FILE *err, const char *path, long line,
                      const char *fmt, ...);

#endif
