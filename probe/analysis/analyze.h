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

/* One measurement to judge: all pointers borrowed. */
struct prb_analyze_in {
  const struct prb_obs *obs;
  /* The control's parsed reply, or NULL with control_failure saying why
   * (NULL too when no control was asked). */
  const struct prb_control *control;
  const char *control_failure;
  /* Whether this probe's canaries answered around the measurement. */
  enum prb_tri canaries_ok;
  /* The probe's country ("KZ"); NULL or "ZZ" when unknown. A fingerprint
   * confirms as OONI's pipeline has it: its scope is nat or isp, or its
   * expected countries name this one. Known false positives (scope fp)
   * never confirm, nor does a DNS answer the control got too: that is the
   * site's own address, whatever a broad fingerprint says. */
  const char *probe_cc;
};

/* Classifies in into *out (evidence lists matched first); a fingerprint
 * that matched without confirming is named in the evidence. */
void prb_analyze_classify(const struct prb_evidence *ev,
                          const struct prb_analyze_in *in,
                          struct prb_classification *out);

/* The test_keys additions for a measurement (new reference, NULL when out
 * of memory); out (may be NULL) receives the classification. */
json_t *prb_analyze(const struct prb_evidence *ev,
                    const struct prb_analyze_in *in,
                    struct prb_classification *out);

#endif
