/* report_names.h: names for networks beyond the records' own
 * probe_network_name (report_count.h), so reports name networks rather
 * than print bare AS numbers:
 *  - the control's MaxMind database: its word on the probe's network (a
 *    record's test_keys.control.x_probe_network_name when its x_probe_asn
 *    is the record's probe_asn), else the name a DNS answer (as_org_name)
 *    or an ip_info entry (x_as_org_name) of any record gives the AS
 *    number; these name only networks the records leave unnamed;
 *  - the monitor's list (--network-names FILE): a CSV file with the
 *    header "asn,name" and one network a row ("AS9198" or "9198", a name
 *    of 1 to 127 bytes of UTF-8), over every other name. Bad rows are
 *    named as FILE:LINE: reason and left out.
 */
#ifndef PRB_REPORT_NAMES_H
#define PRB_REPORT_NAMES_H

#include <stddef.h>
#include <stdio.h>

#include "report/report_count.h"

struct prb_rep_names;

/* An empty set of names; NULL when out of memory. */
struct prb_rep_names *prb_rep_names_new(void);
void prb_rep_names_free(struct prb_rep_names *n);

/* Adds the monitor's list at path. 0; -1 with *why a static reason
 * ("cannot be read", "not an asn,name file", "out of memory") when it is
 * unusable (its problems named on err). */
int prb_rep_names_load(struct prb_rep_names *n, const char *path, FILE *err,
                       const char **why);

/* Notes what one counted record says of networks' names. 0, -1 when out
 * of memory. */
int prb_rep_names_note(struct prb_rep_names *n, const struct prb_scan_rec *rec);

/* Names r's networks (after prb_rep_finish); 0, or -1 out of memory. */
int prb_rep_names_apply(const struct prb_rep_names *n, struct prb_rep *r);

#endif
