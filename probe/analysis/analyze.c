/* analyze.c: evidence matching, then the classifier, then JSON. */
#include "analysis/analyze.h"
#include "common/addr.h"
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

/* OONI's fastpath rule (is_confirmed in ooni/backend's fastpath): a row
 * confirms when the probe's country is among its expected countries, or
 * its scope is nat or isp, whatever the country. Rows OONI marks as known
 * false positives (scope fp) never do. */
static bool confirms(const struct prb_fingerprint *f, const void *ctx)
{
  const char *cc = ctx;
  if(!strcmp(f->scope, "fp"))
    return false;
  if(cc && strlen(cc) == 2 && strcmp(cc, "ZZ")) {
    for(const char *p = f->expected_countries; p[0] && p[1]; p += 3) {
      if(p[0] == cc[0] && p[1] == cc[1])
        return true;
      if(!p[2])
        break;
    }
  }
  return !strcmp(f->scope, "nat") || !strcmp(f->scope, "isp");
}

/* An answer the control resolved too is the site's own address. */
static bool control_got(const struct prb_control *ctl, const char *answer)
{
  struct prb_addr a;
  if(!ctl || prb_addr_parse_endpoint(answer, true, &a) || a.port)
    return false;
  for(size_t i = 0; i < ctl->dns.n_addrs; i++)
    if(prb_addr_equal(&a, &ctl->dns.bin[i]))
      return true;
  return false;
}

struct matches {
  const struct prb_fingerprint *dns, *http;    /* confirming */
  const struct prb_fingerprint *http_fp;       /* a known false positive
                                                  on the final response */
  const struct prb_fingerprint *http_final;    /* a non-confirming row the
                                                  final response matched */
  const struct prb_fingerprint *dns_weak, *http_weak; /* matched, no more */
  const char *dns_answer;       /* the answer dns_weak matched */
  bool dns_own;                 /* dns_weak matched the control's answer */
};

static void match_dns(const struct prb_evidence *ev,
                      const struct prb_analyze_in *in, struct matches *m)
{
  const struct prb_obs *obs = in->obs;
  for(size_t i = 0; i < obs->n_queries && !m->dns; i++) {
    const struct prb_dns_query *q = &obs->queries[i];
    for(size_t j = 0; j < q->n_answers && !m->dns; j++) {
      const char *a = q->answers[j].value;
      const struct prb_fingerprint *f =
        prb_fp_match_dns_if(&ev->fingerprints, a, NULL, NULL);
      if(!f)
        continue;
      bool own = control_got(in->control, a);
      if(!own && confirms(f, in->probe_cc))
        m->dns = f;
      else if(!m->dns_weak) {
        m->dns_weak = f;
        m->dns_answer = a;
        m->dns_own = own;
      }
    }
  }
}

static void match_http(const struct prb_evidence *ev,
                       const struct prb_analyze_in *in, struct matches *m)
{
  const struct prb_obs *obs = in->obs;
  for(size_t i = obs->n_requests; i-- > 0 && !m->http;) {
    const struct prb_http_request *r = &obs->requests[i];
    const struct prb_fingerprint *any;
    m->http = prb_fp_match_http_if(&ev->fingerprints, r->body, r->body_len,
                                   r->headers, r->n_headers, confirms,
                                   in->probe_cc, &any);
    if(!m->http && any && strcmp(any->scope, "fp") && !m->http_weak)
      m->http_weak = any;
    if(!m->http && any && i == obs->n_requests - 1) {
      if(!strcmp(any->scope, "fp"))
        m->http_fp = any;
      else
        m->http_final = any;
    }
  }
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

static void add_evidence(struct prb_analysis *an, const char *text)
{
  if(an->n_evidence < PRB_EVIDENCE_MAX)
    snprintf(an->evidence[an->n_evidence++], PRB_EVIDENCE_LEN, "%s", text);
}

/* Says why a matching fingerprint did not count. */
static void note_weak(const struct prb_analyze_in *in,
                      const struct matches *m, struct prb_analysis *an)
{
  char s[PRB_EVIDENCE_LEN];
  const char *cc = in->probe_cc && in->probe_cc[0] ? in->probe_cc : "ZZ";
  if(m->dns_weak && m->dns_own)
    snprintf(s, sizeof(s), "DNS: %s matches the fingerprint %s, but the "
             "control resolved it too: the site's own address, not a lie",
             m->dns_answer, m->dns_weak->name);
  else if(m->dns_weak)
    snprintf(s, sizeof(s), "DNS: %s matches the fingerprint %s (scope %s, "
             "expected in %s), which does not confirm blocking in %s",
             m->dns_answer, m->dns_weak->name, m->dns_weak->scope,
             m->dns_weak->expected_countries[0]
               ? m->dns_weak->expected_countries : "no country", cc);
  else
    s[0] = '\0';
  if(s[0])
    add_evidence(an, s);
  if(m->http_weak) {
    snprintf(s, sizeof(s), "HTTP: the response matches the fingerprint %s "
             "(scope %s, expected in %s), which does not confirm blocking "
             "in %s", m->http_weak->name, m->http_weak->scope,
             m->http_weak->expected_countries[0]
               ? m->http_weak->expected_countries : "no country", cc);
    add_evidence(an, s);
  }
}

void prb_analyze_classify(const struct prb_evidence *ev,
                          const struct prb_analyze_in *in,
                          struct prb_classification *out)
{
  struct prb_classify_in cin;
  struct matches m;
  char certbuf[256];
  memset(&cin, 0, sizeof(cin));
  memset(&m, 0, sizeof(m));
  match_dns(ev, in, &m);
  match_http(ev, in, &m);
  cin.obs = in->obs;
  cin.control = in->control;
  cin.control_failure = in->control_failure;
  cin.dns_fingerprint = m.dns ? m.dns->name : NULL;
  cin.http_fingerprint = m.http ? m.http->name : NULL;
  cin.cert_fingerprint = match_cert(ev, in->obs, certbuf, sizeof(certbuf));
  cin.http_false_positive = m.http_fp ? m.http_fp->name : NULL;
  cin.http_unconfirmed = m.http_final ? m.http_final->name : NULL;
  cin.canaries_ok = in->canaries_ok;
  prb_classify(&cin, out);
  if(!out->x_analysis.confirmed)
    note_weak(in, &m, &out->x_analysis);
}

json_t *prb_analyze(const struct prb_evidence *ev,
                    const struct prb_analyze_in *in,
                    struct prb_classification *out)
{
  struct prb_classification c;
  prb_analyze_classify(ev, in, &c);
  if(out)
    *out = c;
  return prb_classify_to_json(&c);
}
