/* helper_reply.c: a finished measurement as a test-helper reply. */
#include "servers/helper_reply.h"
#include "common/title.h"
#include "common/addr.h"
#include "common/textclean.h"
#include "common/digest.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static json_t *failure_json(const char *f)
{
  return f ? json_string(f) : json_null();
}

static json_t *tcp_section(const struct prb_obs *obs, double *longest)
{
  json_t *o = json_object();
  for(size_t i = 0; o && i < obs->n_tcp; i++) {
    const struct prb_tcp_connect *t = &obs->tcp[i];
    char ep[PRB_ENDPOINT_MAX];
    prb_addr_endpoint_text(t->ip, t->port, ep, sizeof(ep));
    json_object_set_new(o, ep, json_pack("{s:b,s:o}", "status", !t->failure,
                                         "failure", failure_json(t->failure)));
    if(t->t - t->t0 > *longest)
      *longest = t->t - t->t0;
  }
  return o;
}

static json_t *tls_section(const struct prb_obs *obs, double *longest)
{
  json_t *o = json_object();
  for(size_t i = 0; o && i < obs->n_tls; i++) {
    const struct prb_tls_handshake *h = &obs->tls[i];
    if(h->decoy)
      continue;
    json_t *e = json_pack("{s:o,s:b,s:o}", "server_name",
                          prb_json_text(h->server_name,
                                        strlen(h->server_name)),
                          "status", !h->failure, "failure",
                          failure_json(h->failure));
    if(e && h->n_certs) {
      char digest[65];
      prb_sha256_hex(h->certs[0].der, h->certs[0].len, digest);
      json_object_set_new(e, "x_leaf_sha256", json_string(digest));
    }
    json_object_set_new(o, h->address, e);
    if(h->t - h->t0 > *longest)
      *longest = h->t - h->t0;
  }
  return o;
}

static json_t *http_section(const struct prb_obs *obs, double *span)
{
  /* No request made: why not is the HTTP step's failure, or, when the
   * name did not resolve, the DNS failure (as OONI's helper, whose GET
   * fails on the same lookup). */
  if(!obs->n_requests)
    return json_pack("{s:i,s:o,s:s,s:{},s:i}", "body_length", -1, "failure",
                     failure_json(obs->http_experiment_failure ?
                                  obs->http_experiment_failure :
                                  obs->dns_experiment_failure ?
                                  obs->dns_experiment_failure :
                                  "unknown_failure"),
                     "title", "", "headers", "status_code", -1);
  const struct prb_http_request *last = &obs->requests[obs->n_requests - 1];
  *span = last->t - obs->requests[0].t0;
  const char *failure = obs->http_experiment_failure;
  json_t *headers = json_object();
  for(size_t i = 0; headers && i < last->n_headers; i++) {
    const struct prb_header *h = &last->headers[i];
    if(!prb_utf8_valid(h->name, h->name_len) ||
       json_object_get(headers, h->name))
      continue;                 /* the first value of each name, as OONI */
    json_object_set_new(headers, h->name,
                        prb_json_text(h->value, h->value_len));
  }
  char title[PRB_CTL_TITLE_MAX];
  prb_title_ooni(last->body, last->body_len, title, sizeof(title));
  bool ok = !failure && last->code > 0;
  /* The page's length, not the part kept: OONI clients compare it with
   * their own whole body. */
  size_t length = last->body_counted > last->body_len ? last->body_counted :
                  last->body_len;
  json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:I}", "body_length",
                        (json_int_t)(ok ? (long long)length : -1),
                        "failure", failure_json(failure), "title",
                        prb_json_text(title, strlen(title)), "headers",
                        headers ? headers : json_object(), "status_code",
                        (json_int_t)(ok ? last->code : -1));
  /* A fetch the deadline ended: how much came, and whether it was still
   * coming (ours: a page slow for everyone is not throttled here). */
  if(o && !ok && last->bytes_received) {
    json_object_set_new(o, "x_bytes_received",
                        json_integer((json_int_t)last->bytes_received));
    if(last->timeout_progress)
      json_object_set_new(o, "x_timeout_progress",
                          json_string(last->timeout_progress));
  }
  if(o && ok) {
    char digest[65];
    prb_sha256_hex(last->body, last->body_len, digest);
    json_object_set_new(o, "x_body_sha256", json_string(digest));
    json_object_set_new(o, "x_body_is_truncated",
                        json_boolean(last->body_is_truncated));
  }
  return o;
}

/* What the helper's own system resolver said about the first host. */
static json_t *dns_section(const struct prb_obs *obs, json_t *addrs,
                           double *longest)
{
  const char *host = obs->n_queries ? obs->queries[0].hostname : "";
  for(size_t i = 0; i < obs->n_queries; i++) {
    const struct prb_dns_query *q = &obs->queries[i];
    if(q->depth != 0 || strcasecmp(q->hostname, host))
      continue;
    if(q->t > *longest)
      *longest = q->t;
    for(size_t j = 0; j < q->n_answers; j++)
      if(q->answers[j].type != PRB_RR_CNAME)
        json_array_append_new(addrs, json_string(q->answers[j].value));
  }
  return json_pack("{s:o,s:O}", "failure",
                   failure_json(obs->dns_experiment_failure), "addrs", addrs);
}

static bool tls_valid(const struct prb_obs *obs, const char *ip)
{
  for(size_t i = 0; i < obs->n_tls; i++) {
    const struct prb_tls_handshake *h = &obs->tls[i];
    size_t n = strlen(ip);
    const char *a = h->address[0] == '[' ? h->address + 1 : h->address;
    if(!h->decoy && !h->failure && !strncmp(a, ip, n) &&
       (a[n] == ':' || a[n] == ']'))
      return true;
  }
  return false;
}

static void add_ip_info(json_t *info, const struct prb_obs *obs,
                        const struct prb_asndb *db, const char *ip,
                        long long flag)
{
  json_t *e = json_object_get(info, ip);
  if(!e) {
    long long flags = flag | (prb_addr_text_is_bogon(ip) ? 4 : 0) |
                      (tls_valid(obs, ip) ? 8 : 0);
    struct prb_asn_info a;
    if(!prb_asndb_lookup(db, ip, &a)) {
      a.asn = 0;
      a.org[0] = 0;
    }
    e = json_pack("{s:I,s:I}", "asn", (json_int_t)a.asn, "flags",
                  (json_int_t)flags);
    if(e && a.asn && a.org[0])    /* ours: lets records name the network */
      json_object_set_new(e, "x_as_org_name",
                          prb_json_text(a.org, strlen(a.org)));
    json_object_set_new(info, ip, e);
    return;
  }
  json_int_t flags = json_integer_value(json_object_get(e, "flags"));
  json_object_set_new(e, "flags", json_integer(flags | flag));
}

/* ip of "ip:port" or "[v6]:port" into out. */
static void endpoint_ip(const char *ep, char *out, size_t len)
{
  const char *start = ep[0] == '[' ? ep + 1 : ep;
  const char *end = ep[0] == '[' ? strchr(start, ']') : strrchr(start, ':');
  size_t n = end ? (size_t)(end - start) : strlen(start);
  if(n >= len)
    n = len - 1;
  memcpy(out, start, n);
  out[n] = 0;
}

/* The probe's endpoints the helper did not measure (it connects to at
 * most 3 * PRB_MAX_ENDPOINTS addresses per URL, its own first): named, so
 * a probe knows the control said nothing about them rather than that it
 * forgot. */
static json_t *not_measured(const struct prb_obs *obs,
                            const char *const *eps, size_t n)
{
  json_t *list = json_array();
  for(size_t i = 0; list && i < n; i++) {
    struct prb_addr want, got;
    bool seen = false;
    if(prb_addr_parse_endpoint(eps[i], false, &want) < 0)
      continue;
    for(size_t j = 0; !seen && j < obs->n_tcp; j++)
      seen = prb_addr_parse(obs->tcp[j].ip, &got) &&
             obs->tcp[j].port == want.port && prb_addr_equal(&got, &want);
    if(!seen)
      json_array_append_new(list, json_string(eps[i]));
  }
  return list;
}

void prb_helper_add_probe(json_t *o, const struct prb_asn_info *probe,
                          const char *probe_addr)
{
  if(probe) {
    char asn[16];
    snprintf(asn, sizeof(asn), "AS%u", (unsigned)probe->asn);
    json_object_set_new(o, "x_probe_asn", json_string(asn));
    json_object_set_new(o, "x_probe_cc",
                        json_string(probe->cc[0] ? probe->cc : "ZZ"));
    json_object_set_new(o, "x_probe_network_name",
                        prb_json_text(probe->org, strlen(probe->org)));
  }
  if(probe_addr && probe_addr[0])
    json_object_set_new(o, "x_probe_address", json_string(probe_addr));
}

json_t *prb_helper_reply(const struct prb_obs *obs, const char *const *probe_eps,
                         size_t n, const struct prb_asndb *db,
                         const struct prb_asn_info *probe,
                         const char *probe_addr)
{
  double t_dns = 0, t_tcp = 0, t_tls = 0, t_http = 0;
  json_t *addrs = json_array();
  json_t *reply = json_object();
  json_t *info = json_object();
  if(!addrs || !reply || !info)
    goto fail;
  json_object_set_new(reply, "dns", dns_section(obs, addrs, &t_dns));
  json_object_set_new(reply, "tcp_connect", tcp_section(obs, &t_tcp));
  json_object_set_new(reply, "tls_handshake", tls_section(obs, &t_tls));
  json_object_set_new(reply, "http_request", http_section(obs, &t_http));
  json_object_set_new(reply, "quic_handshake", json_object());
  json_object_set_new(reply, "http3_request", json_null());
  for(size_t i = 0; i < json_array_size(addrs); i++)
    add_ip_info(info, obs, db, json_string_value(json_array_get(addrs, i)),
                2);
  for(size_t i = 0; i < n; i++) {
    char ip[PRB_IP_MAX];
    endpoint_ip(probe_eps[i], ip, sizeof(ip));
    add_ip_info(info, obs, db, ip, 1);
  }
  json_object_set_new(reply, "ip_info", info);
  info = NULL;
  json_t *skipped = not_measured(obs, probe_eps, n);
  if(json_array_size(skipped))
    json_object_set_new(reply, "x_tcp_connect_not_measured", skipped);
  else
    json_decref(skipped);
  json_object_set_new(reply, "x_timing",
                      json_pack("{s:f,s:f,s:f,s:f}", "dns", t_dns,
                                "tcp_connect", t_tcp, "tls_handshake", t_tls,
                                "http_request", t_http));
  prb_helper_add_probe(reply, probe, probe_addr);
  json_decref(addrs);
  return reply;
fail:
  json_decref(addrs);
  json_decref(reply);
  json_decref(info);
  return NULL;
}
