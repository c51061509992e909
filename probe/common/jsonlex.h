/* jsonlex.h: the pieces of JSON's grammar (RFC 8259) that the two readers
 * of record lines share: the report's scanner (report/report_scan.c),
 * which copies a few keys out, and the tape (common/jtape.c), which
 * indexes everything. A cursor over bytes [p, e); each function advances
 * it, or fails with a static reason in err (the first one is kept).
 */
#ifndef PRB_JSONLEX_H
#define PRB_JSONLEX_H

#include <stddef.h>

struct prb_jlex {
  const unsigned char *p, *e;
  const char *err;
};

/* Sets err (unless already set) and returns -1. */
int prb_jlex_fail(struct prb_jlex *l, const char *why);

/* Skips JSON whitespace. */
void prb_jlex_ws(struct prb_jlex *l);

/* A number at p ('-' or a digit): 0, or -1. */
int prb_jlex_number(struct prb_jlex *l);

/* The literal word (true, false, null) at p: 0, or -1. */
int prb_jlex_literal(struct prb_jlex *l, const char *word);

/* The escape after a backslash (p just past it): its code point in *cp
 * (surrogate pairs joined; \u0000 refused): 0, or -1. */
int prb_jlex_escape(struct prb_jlex *l, unsigned *cp);

/* Code point cp as UTF-8 into out; its length (1 to 4). */
size_t prb_jlex_utf8(unsigned cp, unsigned char out[4]);

#endif
