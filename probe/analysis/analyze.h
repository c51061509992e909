/* analyze.h: a finished measurement's evidence and verdict.
 *
 * Matches what was observed against the evidence lists (OONI blocking
 * fingerprints for DNS answers and blockpages, known interception
 * certificates for TLS chains), hands everything to the pure classifier
 * with the control's answer, and returns the keys the record gains:
 * OONI's verdict keys and x_analysis.
 *
 * It reads only observations and the control's parsed reply, never a
 * measurement in progress, so records read back from files (their
 * test_keys and `control`) can be classified again through the same code.
 */
#ifndef PRB_ANALYZE_H
#define PRB_ANALYZE_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "analysis/certlist.h"
#include "analysis/classify.h"
#include "analysis/fingerprints.h"
#include "ooni/control.h"
#include "ooni/obs.h"

struct prb_evidence {
  struct prb_fpset fingerprints; /* DNS and HTTP rows together */
  struct prb_certlist certs;
};

/* Loads lists/fingerprints-dns.csv, fingerprints-http.csv and
 * interception-certs.csv (whichever are found; problems named on err).
 * Never fails: a missing list only means fewer confirmations. */
void prb_evidence_load(struct prb_evidence *ev, FILE *err);
void prb_evidence_free(struct prb_evidence *ev);

/* The test_keys additions for what obs observed (new reference, NULL when
 * out of memory); out (may be NULL) receives the classification. control
 * is the control's parsed reply, or NULL with control_failure saying why
 * (NULL too when no control was asked). canaries_ok says whether this
 * probe's canaries answered around the time of the measurement. */
json_t *prb_analyze(const struct prb_evidence *ev, const struct prb_obs *obs,
                    const struct prb_control *control,
                    const char *control_failure, enum prb_tri canaries_ok,
                    struct prb_classification *out);

#endif
