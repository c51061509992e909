/* analyze.c: evidence matching, then the classifier, then JSON. */
#include "analysis/analyze.h"
#include "common/datadir.h"

#include <stdio.h>
#include <string.h>

void prb_evidence_load(struct prb_evidence *ev, FILE *err)
{
  static const char *const fp_files[] = {"fingerprints-dns.csv",
                                         "fingerprints-http.csv"};
  char path[4096];
  prb_fp_init(&ev->fingerprints);
  prb_certlist_init(&ev->certs);
  for(size_t i = 0; i < 2; i++)
    if(prb_datafile(fp_files[i], path, sizeof(path)))
      prb_fp_load(&ev->fingerprints, path, err, NULL);
  if(prb_datafile("interception-certs.csv", path, sizeof(path)))
    prb_certlist_load(&ev->certs, path, err, NULL);
}

void prb_evidence_free(struct prb_evidence *ev)
{
  prb_fp_free(&ev->fingerprints);
  prb_certlist_free(&ev->certs);
}

/* A row OONI marks as a known false positive never confirms anything. */
static const char *confirming(const struct prb_fingerprint *fp)
{
  return fp && strcmp(fp->scope, "fp") ? fp->name : NULL;
}

static const char *match_dns(const struct prb_evidence *ev,
                             const struct prb_obs *obs)
{
  for(size_t i = 0; i < obs->n_queries; i++) {
    const struct prb_dns_query *q = &obs->queries[i];
    for(size_t j = 0; j < q->n_answers; j++) {
      const char *name = confirming(prb_fp_match_dns(&ev->fingerprints,
                                                     q->answers[j].value));
      if(name)
        return name;
    }
  }
  return NULL;
}

static const char *match_http(const struct prb_evidence *ev,
                              const struct prb_obs *obs)
{
  for(size_t i = obs->n_requests; i-- > 0;) {
    const struct prb_http_request *r = &obs->requests[i];
    const char *name = confirming(prb_fp_match_http(
      &ev->fingerprints, r->body, r->body_len, r->headers, r->n_headers));
    if(name)
      return name;
  }
  return NULL;
}

/* "<family> (<role>, matched by <how>)" for the first listed certificate
 * in a chain presented for the real name. A chain that verified against
 * the pristine roots is skipped: browsers' root programs never admitted
 * these CAs, and parsing every chain would double our CPU per URL. */
static const char *match_cert(const struct prb_evidence *ev,
                              const struct prb_obs *obs, char *buf,
                              size_t len)
{
  for(size_t i = 0; i < obs->n_tls; i++) {
    const struct prb_tls_handshake *h = &obs->tls[i];
    struct prb_certmatch m;
    bool verified = !h->failure && !h->x_verify_error[0];
    if(h->decoy || verified ||
       !prb_certlist_match(&ev->certs, h->certs, h->n_certs, &m))
      continue;
    snprintf(buf, len, "%s (%s, matched by %s)", m.row->family, m.row->role,
             prb_certlist_how_name(m.how));
    return buf;
  }
  return NULL;
}

json_t *prb_analyze(const struct prb_evidence *ev, const struct prb_obs *obs,
                    const struct prb_control *control,
                    const char *control_failure, enum prb_tri canaries_ok,
                    struct prb_classification *out)
{
  struct prb_classify_in in;
  memset(&in, 0, sizeof(in));
  char certbuf[256];
  in.obs = obs;
  in.control = control;
  in.control_failure = control_failure;
  in.dns_fingerprint = match_dns(ev, obs);
  in.http_fingerprint = match_http(ev, obs);
  in.cert_fingerprint = match_cert(ev, obs, certbuf, sizeof(certbuf));
  in.canaries_ok = canaries_ok;
  struct prb_classification c;
  prb_classify(&in, &c);
  if(out)
    *out = c;
  return prb_classify_to_json(&c);
}
