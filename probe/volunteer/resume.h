/* resume.h: carry on an interrupted run without measuring anything twice.
 *
 * After kill -9 or a power cut, the results file of the run may end in a
 * half-written line (or, after a power cut, in lines of garbage or zero
 * bytes). prb_resume_scan() moves that tail aside to FILE.partial, cuts
 * the file back to its last complete record, and collects the inputs
 * already recorded; prb_resume_filter() then drops them from the inputs,
 * and the run appends the rest to the same file.
 */
#ifndef PRB_RESUME_H
#define PRB_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include "lists/inputs.h"

struct prb_resume {
  struct prb_inputs done;       /* inputs with a complete record */
  size_t kept;                  /* complete records in the file */
  size_t bad_lines;             /* complete lines that are not JSON records
                                   (left in place, inputs not counted) */
  size_t moved;                 /* bytes moved to FILE.partial */
  char report_id[96];           /* the first record's, "" if none: a
                                   resumed run keeps writing under it */
};

/* Makes an empty state. */
void prb_resume_init(struct prb_resume *r);

/* Frees what r owns; r may be NULL. */
void prb_resume_free(struct prb_resume *r);

/* Repairs the tail of path and collects its records. A missing file is
 * an empty run (returns 0). Returns 0, or -1 with a reason in why when the
 * file cannot be read or repaired (the file is then left untouched or
 * holds only complete lines). */
int prb_resume_scan(const char *path, struct prb_resume *r, char *why,
                    size_t whylen);

/* Adds to out (an initialised list) every input of in that has no record
 * yet, keeping order, category and origin. Returns how many were skipped,
 * or -1 when out of memory. */
long prb_resume_filter(const struct prb_resume *r,
                       const struct prb_inputs *in, struct prb_inputs *out);

#endif
