/* reanalyze.c: a record's observations through the evidence lists and
 * the classifier (reanalyze.h). */
#include "analysis/reanalyze.h"

#include <string.h>

int prb_reanalyze(const struct prb_evidence *ev, const struct prb_jtape *tp,
                  size_t rec, struct prb_recobs *r, struct prb_reanalysis *out)
{
  char cc[4];
  memset(out, 0, sizeof(*out));
  if(prb_record_obs(tp, rec, r))
    return -1;
  prb_jt_str(tp, prb_jt_get(tp, rec, "probe_cc"), cc, sizeof(cc), NULL);
  struct prb_analyze_in in = {
    .obs = r->test_keys_null ? NULL : &r->obs,
    .control = r->has_control ? &r->control : NULL,
    .control_failure = !r->has_control && r->control_failure[0]
                       ? r->control_failure : NULL,
    .canaries_ok = r->canaries < 0 ? PRB_TRI_NULL
                 : r->canaries ? PRB_TRI_TRUE : PRB_TRI_FALSE,
    .probe_cc = cc,
  };
  out->missing = r->missing;
  out->test_keys_null = r->test_keys_null;
  out->no_control = !r->has_control;
  if(in.obs) {
    prb_analyze_classify(ev, &in, &out->c);
  } else {
    struct prb_classify_in none;
    memset(&none, 0, sizeof(none));
    prb_classify(&none, &out->c);   /* inconclusive: no observations */
  }
  const char *hf = r->obs.http_experiment_failure;
  const char *df = r->obs.dns_experiment_failure;
  out->failed = out->c.x_analysis.verdict == PRB_VERDICT_INCONCLUSIVE &&
    (r->test_keys_null || r->control_failed ||
     (hf && !strncmp(hf, "unknown_failure", 15)) ||
     (df && !strncmp(df, "unknown_failure", 15)));
  prb_recobs_free(r);
  return 0;
}

json_t *prb_reanalysis_json(const struct prb_reanalysis *r)
{
  static const struct {
    unsigned bit;
    const char *text;
  } what[] = {
    {PRB_RECOBS_NO_DECOY, "no decoy-SNI handshake in the record: SNI "
     "filtering cannot be confirmed, only a TLS failure seen"},
    {PRB_RECOBS_NO_VERIFY, "no certificate verification text in the "
     "record: a chain's failure is known only by its failure string"},
    {PRB_RECOBS_NO_CANARIES, "no canary state in the record: whether the "
     "probe's own network was healthy is unknown"},
  };
  json_t *a = prb_analysis_to_json(&r->c.x_analysis);
  if(!a || !r->missing)
    return a;
  json_t *list = json_array();
  for(size_t i = 0; list && i < sizeof(what) / sizeof(what[0]); i++)
    if((r->missing & what[i].bit) &&
       json_array_append_new(list, json_string(what[i].text))) {
      json_decref(list);
      list = NULL;
    }
  if(!list || json_object_set_new(a, "not_judged", list)) {
    json_decref(a);
    return NULL;
  }
  return a;
}
