/* report_names.h: the monitor's names for networks (--network-names FILE),
 * over those the records give: a CSV file with the header "asn,name" and
 * one network a row ("AS9198" or "9198", a name of at most 127 bytes of
 * UTF-8), e.g. the names a monitoring organisation uses in its reports.
 * Bad rows are named on err as FILE:LINE: reason and left out. */
#ifndef PRB_REPORT_NAMES_H
#define PRB_REPORT_NAMES_H

#include <stddef.h>
#include <stdio.h>

#include "report/report_count.h"

struct prb_rep_names;

/* Loads path. NULL with *why a static reason ("cannot be read", "not an
 * asn,name file", "out of memory") when unusable; bad rows are named on
 * err and skipped. */
struct prb_rep_names *prb_rep_names_load(const char *path, FILE *err,
                                         const char **why);
void prb_rep_names_free(struct prb_rep_names *n);

/* Names r's networks (after prb_rep_finish); 0, or -1 out of memory. */
int prb_rep_names_apply(const struct prb_rep_names *n, struct prb_rep *r);

#endif
