/* test_record.c: a hand-built measurement (two redirects, a cp1251 body,
 * the probe's address in headers and body) becomes one scrubbed OONI
 * line that parses back with the expected keys. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "ooni/control.h"
#include "ooni/obs.h"
#include "ooni/record.h"
#include "ooni/scrub.h"
#include "common/textclean.h"

static void *dupmem(const void *p, size_t n)
{
  char *d = malloc(n + 1);
  if(!d)
    abort();
  memcpy(d, p, n);
  d[n] = '\0';
  return d;
}

static void add_header(struct prb_header *h, size_t *n, const char *name,
                       const char *value, size_t vlen)
{
  h[*n].name = dupmem(name, strlen(name));
  h[*n].name_len = strlen(name);
  h[*n].value = dupmem(value, vlen);
  h[*n].value_len = vlen;
  (*n)++;
}

#define HDR(r, name, value) \
  add_header((r)->headers, &(r)->n_headers, name, value, sizeof(value) - 1)

static void copy(char *dst, size_t cap, const char *src)
{
  size_t n = strlen(src);
  if(n >= cap)
    abort();
  memcpy(dst, src, n + 1);
}

#define COPY(dst, src) copy((dst), sizeof(dst), (src))

/* "Blocked page" in cp1251 with the client's address: not UTF-8. */
static const char body_final[] =
  "<html><head><TITLE>\n  Blocked \t page  \xCF\xF0\xEE\xE5\xEA\xF2 </title>"
  "</head><body>\xC2\xE0\xF8 IP: 10.0.0.1</body></html>";

static void add_tcp(struct prb_obs *obs, const char *ip, int port,
                    const char *failure, int txid)
{
  struct prb_tcp_connect *c = prb_obs_add_tcp(obs);

  if(!c)
    abort();
  COPY(c->ip, ip);
  c->port = port;
  c->failure = failure;
  c->transaction_id = txid;
}

static void fill(struct prb_obs *obs)
{
  static const unsigned char raw[] = { 0x12, 0x34, 0x81, 0x80, 0, 1 };
  static const unsigned char der[] = { 0x30, 0x82, 0x01, 0x0a, 0xff };
  struct prb_dns_query *q;
  struct prb_tls_handshake *h;
  struct prb_http_request *r;
  int i;

  COPY(obs->input, "http://example.kz/");
  COPY(obs->measurement_start_time, "2024-05-01 10:00:00");
  obs->test_runtime = 1.25;
  COPY(obs->client_resolver, "198.18.0.53");

  q = prb_obs_add_query(obs);
  COPY(q->hostname, "example.kz");
  q->qtype = PRB_RR_A;
  COPY(q->resolver, "198.18.0.53:53");
  q->system = true;
  q->rcode = 0;
  q->n_answers = 2;
  q->answers[0].type = PRB_RR_CNAME;
  COPY(q->answers[0].value, "cdn.example.kz");
  q->answers[0].ttl = 60;
  q->answers[1].type = PRB_RR_A;
  COPY(q->answers[1].value, "198.18.0.10");
  q->answers[1].ttl = 300;
  q->raw = dupmem(raw, sizeof(raw));
  q->raw_len = sizeof(raw);
  q->t0 = 0.001;
  q->t = 0.02;
  q->transaction_id = 1;

  q = prb_obs_add_query(obs);
  COPY(q->hostname, "example.kz");
  q->qtype = PRB_RR_AAAA;
  COPY(q->resolver, "198.18.0.53:53");
  q->failure = "generic_timeout_error";
  q->transaction_id = 2;
  CHECK_INT(q->rcode, -1);

  add_tcp(obs, "198.18.0.10", 443, NULL, 3);
  add_tcp(obs, "198.18.0.11", 443, "connection_refused", 4);
  add_tcp(obs, "198.18.0.12", 80, NULL, 5);
  add_tcp(obs, "127.0.0.1", 443, "address_refused_by_policy", 6);

  h = prb_obs_add_tls(obs);
  COPY(h->address, "198.18.0.10:443");
  COPY(h->server_name, "decoy.example");
  h->decoy = true;
  COPY(h->tls_version, "TLSv1.3");
  COPY(h->cipher_suite, "TLS_AES_128_GCM_SHA256");
  COPY(h->x_verify_error, "unable to get local issuer certificate");
  h->failure = "ssl_unknown_authority";
  h->n_certs = 1;
  h->certs[0].der = dupmem(der, sizeof(der));
  h->certs[0].len = sizeof(der);
  h->transaction_id = 3;
  h = prb_obs_add_tls(obs);
  COPY(h->address, "198.18.0.10:443");
  COPY(h->server_name, "example.kz");
  h->failure = "generic_timeout_error";
  h->transaction_id = 3;

  for(i = 0; i < 3; i++) {
    r = prb_obs_add_request(obs);
    r->depth = i;
    r->transaction_id = 10 + i;
    r->t0 = i;
    r->t = i + 0.5;
    add_header(r->req_headers, &r->n_req_headers, "Host", "example.kz", 10);
    add_header(r->req_headers, &r->n_req_headers, "User-Agent", "x", 1);
  }
  r = &obs->requests[0];
  COPY(r->url, "http://example.kz/");
  COPY(r->address, "198.18.0.10:80");
  r->code = 301;
  HDR(r, "Location", "http://example.kz/a");
  r = &obs->requests[1];
  COPY(r->url, "http://example.kz/a");
  COPY(r->address, "198.18.0.10:80");
  r->code = 302;
  HDR(r, "Location", "http://blocked.example.kz/\xFF");
  r = &obs->requests[2];
  COPY(r->url, "http://blocked.example.kz/\xFF");
  COPY(r->address, "198.18.0.12:80");
  r->code = 200;
  HDR(r, "Content-Type", "text/html; charset=windows-1251");
  HDR(r, "X-Client-IP", "10.0.0.1");
  HDR(r, "x-client-ip", "second value");
  HDR(r, "X-Forwarded-For", "[2001:DB8:0::5]:5353, 198.18.0.1");
  HDR(r, "X-Raw", "\xC0\xAF");
  r->body = dupmem(body_final, sizeof(body_final) - 1);
  r->body_len = sizeof(body_final) - 1;
  obs->http_experiment_failure = NULL;
  obs->dns_experiment_failure = NULL;
}

static const char *sget(json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

static void check_built(json_t *rec)
{
  json_t *tk = json_object_get(rec, "test_keys");
  json_t *reqs = json_object_get(tk, "requests");
  json_t *r0 = json_array_get(reqs, 0);
  json_t *resp0 = json_object_get(r0, "response");
  json_t *body = json_object_get(resp0, "body");

  CHECK_INT(json_array_size(reqs), 3);
  CHECK(json_is_object(body));
  CHECK_STR(sget(body, "format"), "base64");
  CHECK_INT(json_integer_value(json_object_get(resp0, "x_body_length")),
            sizeof(body_final) - 1);
}

static void check_line(const char *line, size_t len)
{
  json_error_t err;
  json_t *rec, *tk, *reqs, *r0, *resp0, *hdrs, *list, *q0, *q1, *tls0, *tcp1,
         *body, *a;
  unsigned char *dec;
  size_t declen;
  char hex[65];
  unsigned char md[32];
  unsigned int mdlen = 0, i;

  CHECK(len > 0 && line[len - 1] == '\n');
  CHECK(strchr(line, '\n') == line + len - 1);
  CHECK(strstr(line, "10.0.0.1\"") == NULL);
  CHECK(strstr(line, "10.0.0.1,") == NULL);
  CHECK(strstr(line, "2001:DB8:0::5") == NULL);
  CHECK(strstr(line, "[scrubbed]") != NULL);

  rec = json_loads(line, 0, &err);
  CHECK(rec != NULL);
  if(!rec) {
    fprintf(stderr, "json_loads: %s\n", err.text);
    return;
  }
  /* df-000 base keys */
  CHECK_STR(sget(rec, "data_format_version"), "0.2.0");
  CHECK_STR(sget(rec, "probe_ip"), "127.0.0.1");
  CHECK_STR(sget(rec, "probe_asn"), "AS9198");
  CHECK_STR(sget(rec, "probe_cc"), "KZ");
  CHECK_STR(sget(rec, "test_name"), "web_connectivity");
  CHECK_STR(sget(rec, "test_version"), "0.4.3");
  CHECK_STR(sget(rec, "resolver_asn"), "AS0");
  CHECK_STR(sget(rec, "resolver_network_name"), "");
  CHECK_STR(sget(rec, "software_name"), "accessprobe");
  CHECK(sget(rec, "software_version") != NULL);
  CHECK_STR(sget(rec, "input"), "http://example.kz/");
  CHECK_STR(sget(rec, "measurement_start_time"), "2024-05-01 10:00:00");
  CHECK_STR(sget(rec, "test_start_time"), "2024-05-01 09:59:00");
  CHECK(json_is_real(json_object_get(rec, "test_runtime")));
  CHECK_STR(sget(json_object_get(rec, "annotations"), "engine_name"),
            "accessprobe");
  CHECK_STR(sget(json_object_get(rec, "annotations"), "platform"), "linux");
  CHECK(sget(json_object_get(rec, "annotations"), "architecture") != NULL);
  CHECK_INT(json_object_size(json_object_get(rec, "extensions")), 5);
  CHECK(json_integer_value(json_object_get(json_object_get(rec, "extensions"),
                                           "tlshandshake")) == 0);
  /* the control that answered, in OONI's shape */
  a = json_object_get(json_object_get(rec, "test_helpers"), "backend");
  CHECK_STR(sget(a, "address"), "https://th.example.org/");
  CHECK_STR(sget(a, "type"), "https");
  CHECK_INT(json_object_size(json_object_get(rec, "test_helpers")), 1);

  tk = json_object_get(rec, "test_keys");
  CHECK_STR(sget(tk, "agent"), "redirect");
  CHECK_STR(sget(tk, "client_resolver"), "198.18.0.53");
  CHECK(json_is_null(json_object_get(tk, "retries")));
  CHECK(json_is_null(json_object_get(tk, "socksproxy")));
  CHECK(json_is_null(json_object_get(tk, "http_experiment_failure")));
  CHECK(json_is_false(json_object_get(tk, "blocking")));  /* from extra */
  CHECK_STR(sget(tk, "x_title"), "Blocked page \xEF\xBF\xBD\xEF\xBF\xBD"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");

  /* queries, df-002 */
  q0 = json_array_get(json_object_get(tk, "queries"), 0);
  q1 = json_array_get(json_object_get(tk, "queries"), 1);
  CHECK_STR(sget(q0, "engine"), "udp");
  CHECK_STR(sget(q0, "query_type"), "A");
  CHECK_STR(sget(q0, "raw_response"), "EjSBgAAB");
  CHECK_STR(sget(q0, "resolver_address"), "198.18.0.53:53");
  CHECK_INT(json_integer_value(json_object_get(q0, "rcode")), 0);
  CHECK(json_is_null(json_object_get(q0, "failure")));
  a = json_array_get(json_object_get(q0, "answers"), 0);
  CHECK_STR(sget(a, "answer_type"), "CNAME");
  CHECK_STR(sget(a, "hostname"), "cdn.example.kz");
  a = json_array_get(json_object_get(q0, "answers"), 1);
  CHECK_STR(sget(a, "answer_type"), "A");
  CHECK_STR(sget(a, "ipv4"), "198.18.0.10");
  CHECK_INT(json_integer_value(json_object_get(a, "ttl")), 300);
  /* the network the control's ip_info names for it */
  CHECK_INT(json_integer_value(json_object_get(a, "asn")), 9198);
  CHECK_STR(sget(a, "as_org_name"), "JSC Kazakhtelecom");
  /* a CNAME has no network */
  CHECK(json_object_get(json_array_get(json_object_get(q0, "answers"), 0),
                        "asn") == NULL);
  CHECK_STR(json_string_value(json_array_get(json_object_get(q0, "tags"), 0)),
            "depth=0");
  CHECK_STR(json_string_value(json_array_get(json_object_get(q0, "tags"), 1)),
            "system");
  CHECK_STR(sget(q1, "query_type"), "AAAA");
  CHECK_STR(sget(q1, "failure"), "generic_timeout_error");
  CHECK(json_is_null(json_object_get(q1, "rcode")));
  CHECK_INT(json_array_size(json_object_get(q1, "tags")), 1);

  /* tcp_connect: blocked where the control connected and we did not,
   * false where both connected, absent where the control never tried */
  a = json_object_get(json_array_get(json_object_get(tk, "tcp_connect"), 0),
                      "status");
  CHECK(json_is_false(json_object_get(a, "blocked")));
  tcp1 = json_array_get(json_object_get(tk, "tcp_connect"), 1);
  CHECK(json_is_true(json_object_get(json_object_get(tcp1, "status"),
                                     "blocked")));
  a = json_object_get(json_array_get(json_object_get(tk, "tcp_connect"), 2),
                      "status");
  CHECK(a != NULL && json_object_get(a, "blocked") == NULL);
  a = json_object_get(json_array_get(json_object_get(tk, "tcp_connect"), 3),
                      "status");
  CHECK_STR(sget(a, "failure"), "address_refused_by_policy");
  CHECK(a != NULL && json_object_get(a, "blocked") == NULL);
  CHECK_STR(sget(tcp1, "ip"), "198.18.0.11");
  CHECK_INT(json_integer_value(json_object_get(tcp1, "port")), 443);
  CHECK(json_is_false(json_object_get(json_object_get(tcp1, "status"),
                                      "success")));
  CHECK_STR(sget(json_object_get(tcp1, "status"), "failure"),
            "connection_refused");
  /* the real handshake alone among tls_handshakes, the decoy apart */
  CHECK_INT(json_array_size(json_object_get(tk, "tls_handshakes")), 1);
  tls0 = json_array_get(json_object_get(tk, "tls_handshakes"), 0);
  CHECK_STR(sget(tls0, "server_name"), "example.kz");
  CHECK_STR(sget(tls0, "failure"), "generic_timeout_error");
  CHECK(json_object_get(tls0, "tags") && json_array_size(
          json_object_get(tls0, "tags")) == 0);
  CHECK_INT(json_array_size(json_object_get(tk, "x_decoy_tls_handshakes")),
            1);
  tls0 = json_array_get(json_object_get(tk, "x_decoy_tls_handshakes"), 0);
  CHECK_STR(sget(tls0, "server_name"), "decoy.example");
  CHECK_STR(sget(tls0, "network"), "tcp");
  CHECK_STR(sget(tls0, "failure"), "ssl_unknown_authority");
  CHECK(json_is_false(json_object_get(tls0, "no_tls_verify")));
  CHECK_STR(sget(tls0, "x_verify_error"),
            "unable to get local issuer certificate");
  CHECK_STR(json_string_value(json_array_get(json_object_get(tls0, "tags"),
                                             0)), "decoy_sni");
  a = json_array_get(json_object_get(tls0, "peer_certificates"), 0);
  CHECK_STR(sget(a, "format"), "base64");
  CHECK_STR(sget(a, "data"), "MIIBCv8=");

  /* requests: newest first */
  reqs = json_object_get(tk, "requests");
  CHECK_INT(json_array_size(reqs), 3);
  r0 = json_array_get(reqs, 0);
  CHECK_STR(sget(json_object_get(r0, "request"), "url"),
            "http://blocked.example.kz/\xEF\xBF\xBD");
  CHECK_STR(json_string_value(json_array_get(json_object_get(r0, "tags"), 0)),
            "depth=2");
  CHECK_STR(sget(json_object_get(json_array_get(reqs, 1), "request"), "url"),
            "http://example.kz/a");
  CHECK_STR(sget(json_object_get(json_array_get(reqs, 2), "request"), "url"),
            "http://example.kz/");
  CHECK_INT(json_integer_value(json_object_get(
              json_object_get(json_array_get(reqs, 2), "response"), "code")),
            301);
  CHECK_STR(sget(json_object_get(json_object_get(r0, "request"), "headers"),
                 "Host"), "example.kz");
  CHECK_STR(sget(json_object_get(r0, "request"), "x_transport"), "tcp");
  CHECK(json_is_false(json_object_get(json_object_get(
          json_object_get(r0, "request"), "tor"), "is_tor")));
  CHECK_STR(sget(json_object_get(r0, "request"), "method"), "GET");

  resp0 = json_object_get(r0, "response");
  CHECK_INT(json_integer_value(json_object_get(resp0, "code")), 200);
  hdrs = json_object_get(resp0, "headers");
  CHECK_STR(sget(hdrs, "X-Client-IP"), "[scrubbed]");
  CHECK(json_object_get(hdrs, "x-client-ip") == NULL);  /* first value only */
  CHECK_STR(sget(hdrs, "X-Forwarded-For"), "[[scrubbed]]:5353, 198.18.0.1");
  CHECK_STR(sget(json_object_get(hdrs, "X-Raw"), "format"), "base64");
  list = json_object_get(resp0, "headers_list");
  CHECK_INT(json_array_size(list), 5);
  CHECK_STR(json_string_value(json_array_get(json_array_get(list, 2), 1)),
            "second value");

  /* the body stays binary, scrubbed inside, and its hash follows */
  body = json_object_get(resp0, "body");
  CHECK_STR(sget(body, "format"), "base64");
  dec = prb_base64_decode(sget(body, "data"), strlen(sget(body, "data")),
                          &declen);
  CHECK(dec != NULL);
  if(dec) {
    CHECK(memmem(dec, declen, "IP: [scrubbed]</body>", 21) != NULL);
    CHECK(memmem(dec, declen, "10.0.0.1", 8) == NULL);
    CHECK(EVP_Digest(dec, declen, md, &mdlen, EVP_sha256(), NULL));
    for(i = 0; i < 32; i++) {
      hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
      hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
    }
    hex[64] = '\0';
    CHECK_STR(sget(resp0, "x_body_sha256"), hex);
  }
  free(dec);
  CHECK(json_is_false(json_object_get(resp0, "body_is_truncated")));
  CHECK(json_is_false(json_object_get(resp0, "x_headers_truncated")));
  json_decref(rec);
}

/* What the control said: it connected to both probe endpoints (and to
 * 127.0.0.1, which we refused to try), and named 198.18.0.10's network. */
static const char control_reply[] =
  "{\"tcp_connect\": {\"198.18.0.10:443\": {\"status\": true, "
  "\"failure\": null}, \"198.18.0.11:443\": {\"status\": true, "
  "\"failure\": null}, \"127.0.0.1:443\": {\"status\": true, "
  "\"failure\": null}}, \"http_request\": {\"body_length\": 10, "
  "\"status_code\": 200, \"failure\": null, \"title\": \"\", "
  "\"headers\": {}}, \"dns\": {\"failure\": null, \"addrs\": "
  "[\"198.18.0.10\"]}, \"ip_info\": {\"198.18.0.10\": {\"asn\": 9198, "
  "\"flags\": 3, \"x_as_org_name\": \"JSC Kazakhtelecom\"}}}";

static void test_record(void)
{
  struct prb_obs obs;
  struct prb_runinfo run;
  struct prb_scrub *scrub = prb_scrub_new();
  struct prb_control *ctl = calloc(1, sizeof(*ctl));
  json_t *reply = json_loads(control_reply, 0, NULL);
  char why[128] = "";
  json_t *rec, *extra = json_object();
  char *line;
  size_t len = 0;

  memset(&obs, 0, sizeof(obs));
  memset(&run, 0, sizeof(run));
  fill(&obs);
  COPY(run.test_start_time, "2024-05-01 09:59:00");
  COPY(run.probe_asn, "AS9198");
  COPY(run.probe_cc, "KZ");
  COPY(run.probe_network_name, "JSC Kazakhtelecom");
  COPY(run.resolver_ip, "198.18.0.53");
  prb_record_make_report_id(run.report_id, sizeof(run.report_id), "KZ",
                            "AS9198");
  json_object_set_new(extra, "blocking", json_false());

  CHECK(scrub && prb_scrub_add(scrub, "10.0.0.1"));
  CHECK(prb_scrub_add(scrub, "2001:db8::5"));

  CHECK(ctl && reply);
  if(!ctl || !reply)
    abort();
  CHECK_INT(prb_control_parse(reply, ctl, why, sizeof(why)), 0);
  CHECK_STR(why, "");
  rec = prb_record_build(&run, &obs, ctl, "https://th.example.org/", extra);
  CHECK(rec != NULL);
  if(rec) {
    check_built(rec);
    line = prb_record_dump(rec, scrub, &len);
    CHECK(line != NULL);
    if(line && getenv("PRB_TEST_VERBOSE"))
      fputs(line, stdout);
    if(line)
      check_line(line, len);
    free(line);
  }
  json_decref(rec);
  json_decref(extra);
  json_decref(reply);
  free(ctl);
  prb_scrub_free(scrub);
  prb_obs_free(&obs);
  CHECK(obs.requests == NULL && obs.n_requests == 0);
}

static void test_empty(void)
{
  struct prb_obs obs;
  struct prb_runinfo run;
  json_t *rec, *tk;
  char *line;
  size_t len = 0;

  memset(&obs, 0, sizeof(obs));
  memset(&run, 0, sizeof(run));
  obs.dns_experiment_failure = "dns_nxdomain_error";
  /* no control answered: no helper named, whatever was asked */
  rec = prb_record_build(&run, &obs, NULL, "https://th.example.org/", NULL);
  CHECK(rec != NULL);
  CHECK_INT(json_object_size(json_object_get(rec, "test_helpers")), 0);
  tk = json_object_get(rec, "test_keys");
  CHECK_INT(json_array_size(json_object_get(tk, "x_decoy_tls_handshakes")),
            0);
  CHECK(json_is_null(json_object_get(tk, "x_title")));
  CHECK_INT(json_array_size(json_object_get(tk, "requests")), 0);
  CHECK_STR(sget(tk, "dns_experiment_failure"), "dns_nxdomain_error");
  line = prb_record_dump(rec, NULL, &len);
  CHECK(line && len == strlen(line) && line[len - 1] == '\n');
  free(line);
  json_decref(rec);
}

static void test_caps(void)
{
  struct prb_obs obs;
  int i, n = 0;

  memset(&obs, 0, sizeof(obs));
  for(i = 0; i < 100; i++)
    if(prb_obs_add_query(&obs))
      n++;
  CHECK_INT(n, 64);
  for(n = 0, i = 0; i < 100; i++)
    if(prb_obs_add_tcp(&obs))
      n++;
  CHECK_INT(n, 32);
  for(n = 0, i = 0; i < 100; i++)
    if(prb_obs_add_tls(&obs))
      n++;
  CHECK_INT(n, 32);
  for(n = 0, i = 0; i < 100; i++)
    if(prb_obs_add_request(&obs))
      n++;
  CHECK_INT(n, PRB_MAX_HOPS);
  prb_obs_free(&obs);
  CHECK(obs.queries == NULL && obs.n_queries == 0 && obs.cap_queries == 0);
}

static void test_ids_and_time(void)
{
  char id[96], id2[96], t[20];
  size_t i;

  prb_record_make_report_id(id, sizeof(id), "kz", "AS9198");
  CHECK_INT(strlen(id), 16 + strlen("_webconnectivity_KZ_9198_n0_") + 16);
  CHECK(strstr(id, "_webconnectivity_KZ_9198_n0_") == id + 16);
  CHECK(id[8] == 'T' && id[15] == 'Z');
  for(i = strlen(id) - 16; i < strlen(id); i++)
    CHECK((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= 'a' && id[i] <= 'z') ||
          (id[i] >= '0' && id[i] <= '9'));
  prb_record_make_report_id(id2, sizeof(id2), "KZ", "AS9198");
  CHECK(strcmp(id + 16, id2 + 16) != 0 || strcmp(id, id2) != 0);
  prb_record_make_report_id(id, sizeof(id), "\"x", "AS9198\"");
  CHECK(strstr(id, "_webconnectivity_ZZ_0_n0_") != NULL);

  prb_record_time(t, 0);
  CHECK_STR(t, "1970-01-01 00:00:00");
  prb_record_time(t, 1700000000.75);
  CHECK_STR(t, "2023-11-14 22:13:20");
  prb_record_time(t, -5);
  CHECK_STR(t, "1970-01-01 00:00:00");
}

int main(void)
{
  test_record();
  test_empty();
  test_caps();
  test_ids_and_time();
  return test_summary();
}
