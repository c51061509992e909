/* reanalyze.h: a record read back from a file, judged again.
 *
 * The one path by which `accessprobe analyze` and the report judge a
 * record: its test_keys become observations (ooni/record_obs.h), the
 * evidence lists are matched and the classifier decides (analyze.h),
 * exactly as for a fresh measurement. What the record could not show (no
 * decoy handshake, no verification text, no canary state) is kept with
 * the verdict and written into x_analysis as `not_judged`.
 */
#ifndef PRB_REANALYZE_H
#define PRB_REANALYZE_H

#include <stdbool.h>
#include <jansson.h>

#include "analysis/analyze.h"
#include "common/jtape.h"
#include "ooni/record_obs.h"

struct prb_reanalysis {
  struct prb_classification c;
  unsigned missing;             /* enum prb_recobs_missing bits */
  bool test_keys_null;          /* nothing to judge */
  bool no_control;              /* the record had no usable control */
  /* What OONI calls a failed measurement, when the verdict is
   * inconclusive: nothing measured, the control failed, or the probe's
   * own error (an experiment failure "unknown_failure ..."). */
  bool failed;
};

/* Judges the record at token rec of tp (an object). scratch is working
 * memory the caller keeps between calls (it is large). Returns 0, or -1
 * when out of memory. */
int prb_reanalyze(const struct prb_evidence *ev, const struct prb_jtape *tp,
                  size_t rec, struct prb_recobs *scratch,
                  struct prb_reanalysis *out);

/* The record's new x_analysis: the classifier's, plus `not_judged` (the
 * sentences for what was missing) when anything was. New reference, NULL
 * when out of memory. */
json_t *prb_reanalysis_json(const struct prb_reanalysis *r);

#endif
