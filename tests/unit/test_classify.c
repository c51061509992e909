/* test_classify.c: one row per classification rule. Each row builds an
 * observation by hand, gives the control's reply as JSON (parsed by
 * prb_control_parse, as in the probe), and states OONI's keys and our
 * verdict. The two OONI Kazakhstan cases (TLS timeout after the
 * ClientHello with consistent DNS; an ISCA-issued chain) are rows too. */
#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "check.h"
#include "analysis/analyze.h"
#include "analysis/classify.h"
#include "common/title.h"

static struct prb_obs obs;

/* ---- building observations --------------------------------------------- */

static void oom(void)
{
  fprintf(stderr, "out of memory\n");
  exit(1);
}

static void start(const char *url)
{
  prb_obs_free(&obs);
  snprintf(obs.input, sizeof(obs.input), "%s", url);
}

/* A system-resolver lookup at depth 0 with up to two answers. */
static void query(const char *host, int qtype, const char *failure,
                  const char *a1, const char *a2)
{
  struct prb_dns_query *q = prb_obs_add_query(&obs);
  const char *as[2] = {a1, a2};
  size_t i;

  if(!q)
    oom();
  snprintf(q->hostname, sizeof(q->hostname), "%s", host);
  q->qtype = qtype;
  q->system = true;
  q->failure = failure;
  q->rcode = failure ? 3 : 0;
  for(i = 0; i < 2; i++) {
    if(!as[i])
      continue;
    q->answers[q->n_answers].type = strchr(as[i], ':') ? PRB_RR_AAAA
                                                      : PRB_RR_A;
    snprintf(q->answers[q->n_answers].value, PRB_HOST_MAX, "%s", as[i]);
    q->answers[q->n_answers++].ttl = 300;
  }
}

static void tcp(const char *ip, int port, const char *failure)
{
  struct prb_tcp_connect *t = prb_obs_add_tcp(&obs);

  if(!t)
    oom();
  snprintf(t->ip, sizeof(t->ip), "%s", ip);
  t->port = port;
  t->failure = failure;
  t->t0 = 0.1;
  t->t = failure ? 10.1 : 0.15;
}

static struct prb_tls_handshake *tls(const char *addr, const char *sni,
                                     bool decoy, const char *failure,
                                     const char *verify_error, double secs)
{
  struct prb_tls_handshake *h = prb_obs_add_tls(&obs);

  if(!h)
    oom();
  snprintf(h->address, sizeof(h->address), "%s", addr);
  snprintf(h->server_name, sizeof(h->server_name), "%s", sni);
  h->decoy = decoy;
  h->failure = failure;
  snprintf(h->x_verify_error, sizeof(h->x_verify_error), "%s",
           verify_error ? verify_error : "");
  if(!failure)
    snprintf(h->tls_version, sizeof(h->tls_version), "TLSv1.3");
  h->t0 = 0.2;
  h->t = 0.2 + secs;
  return h;
}

static char *dupn(const char *s, size_t n)
{
  char *p = malloc(n + 1);

  if(!p)
    oom();
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* headers: "Name: value" lines separated by '\n'. body may hold any bytes
 * up to body_len; NULL for none. */
static struct prb_http_request *request(const char *url, const char *failure,
                                        long code, const char *headers,
                                        const char *body, size_t body_len)
{
  struct prb_http_request *r = prb_obs_add_request(&obs);
  const char *p = headers;

  if(!r)
    oom();
  snprintf(r->url, sizeof(r->url), "%s", url);
  r->failure = failure;
  r->code = code;
  while(p && *p && r->n_headers < PRB_MAX_HEADERS) {
    const char *nl = strchr(p, '\n'), *colon = strchr(p, ':');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    struct prb_header *h = &r->headers[r->n_headers++];
    if(!colon || colon > p + len)
      colon = p + len;
    h->name = dupn(p, (size_t)(colon - p));
    h->name_len = (size_t)(colon - p);
    h->value = dupn(colon + 1 < p + len ? colon + 2 : p + len,
                    colon + 1 < p + len ? (size_t)(p + len - colon - 2) : 0);
    h->value_len = strlen(h->value);
    p = nl ? nl + 1 : p + len;
  }
  if(body) {
    r->body = (unsigned char *)dupn(body, body_len);
    r->body_len = body_len;
  }
  r->t0 = 0.3;
  r->t = 0.8;
  return r;
}

/* A page of exactly len bytes titled title. */
static char page[300 * 1024];
static const char *make_page(const char *title, size_t len)
{
  int n = snprintf(page, sizeof(page), "<html><head><TITLE>%s</title>"
                   "</head><body>", title);
  size_t i;

  for(i = (size_t)n; i < len && i < sizeof(page); i++)
    page[i] = 'x';
  return page;
}

/* A certificate whose issuer is O=org, CN=cn, self-signed with a fresh
 * key: enough for issuer and hash evidence. */
static void add_cert(struct prb_tls_handshake *h, const char *org,
                     const char *cn)
{
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  X509_NAME *name = X509_NAME_new();
  unsigned char *der = NULL;
  int len;

  if(!key || !x || !name)
    oom();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
                             (const unsigned char *)"KZ", -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             (const unsigned char *)org, -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_set_subject_name(x, name);
  X509_set_pubkey(x, key);
  if(!X509_sign(x, key, EVP_sha256()))
    oom();
  len = i2d_X509(x, &der);
  if(len <= 0)
    oom();
  /* obs frees with free(): copy out of OpenSSL's allocator */
  h->certs[h->n_certs].der = (unsigned char *)dupn((const char *)der,
                                                   (size_t)len);
  h->certs[h->n_certs++].len = (size_t)len;
  OPENSSL_free(der);
  X509_NAME_free(name);
  X509_free(x);
  EVP_PKEY_free(key);
}

static void leaf_hex(const struct prb_tls_handshake *h, char out[65])
{
  unsigned char md[32];
  unsigned int n = 0;
  size_t i;

  EVP_Digest(h->certs[0].der, h->certs[0].len, md, &n, EVP_sha256(), NULL);
  for(i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- scenarios --------------------------------------------------------- */

#define EX_IP "93.184.215.14"
#define EX_EP EX_IP ":443"
#define EX_HEADERS "Content-Type: text/html\nEtag: \"abc\"\nX-Cache: HIT"

/* The control's reply when everything works for example.com. */
#define CTL_DNS_OK "\"dns\":{\"failure\":null,\"addrs\":[\"" EX_IP "\"]}"
#define CTL_IPINFO "\"ip_info\":{\"" EX_IP "\":{\"asn\":15133,\"flags\":11}}"
#define CTL_HTTP_OK(len) "\"http_request\":{\"body_length\":" #len ","       \
  "\"failure\":null,\"title\":\"Example Domain\",\"status_code\":200,"        \
  "\"headers\":{\"Content-Type\":\"text/html\",\"Etag\":\"x\","             \
  "\"X-Cache\":\"HIT\"}}"
#define CTL_HTTP_FAIL(f) "\"http_request\":{\"body_length\":-1,\"failure\":\"" \
  f "\",\"title\":\"\",\"headers\":{},\"status_code\":-1}"
#define CTL_TCP_OK "\"tcp_connect\":{\"" EX_EP "\":{\"status\":true," \
  "\"failure\":null}}"
#define CTL_TLS_OK "\"tls_handshake\":{\"" EX_EP "\":{\"server_name\":" \
  "\"example.com\",\"status\":true,\"failure\":null}}"

static const char ctl_all_ok[] = "{" CTL_DNS_OK "," CTL_TCP_OK ","
  CTL_TLS_OK "," CTL_HTTP_OK(1000) "," CTL_IPINFO "}";
static const char ctl_all_ok_http[] = "{" CTL_DNS_OK ",\"tcp_connect\":{\""
  EX_IP ":80\":{\"status\":true,\"failure\":null}}," CTL_HTTP_OK(1000) ","
  CTL_IPINFO "}";

static void example_dns(void)
{
  query("example.com", PRB_RR_A, NULL, EX_IP, NULL);
  query("example.com", PRB_RR_AAAA, "dns_no_answer", NULL, NULL);
}

static void b_ok_https(void)
{
  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, NULL);
  tls(EX_EP, "example.com", false, NULL, NULL, 0.1);
  request("https://example.com/", NULL, 200, EX_HEADERS,
          make_page("Example Domain", 1000), 1000);
}

static void b_ok_http(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, 200, EX_HEADERS,
          make_page("Example Domain", 950), 950);
}

/* Status and title match, body length far off: a legitimate variant. */
static void b_legit_different(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, 200, "Server: other\nX-Other: 1",
          make_page("example DOMAIN", 300), 300);
}

/* OONI KZ case 1 (2024 report): consistent DNS, TCP works, the ClientHello
 * is dropped and the handshake times out; the control's works. */
static const char ctl_meduza[] = "{\"dns\":{\"failure\":null,\"addrs\":"
  "[\"104.22.4.1\",\"104.22.5.1\"]},\"tcp_connect\":{\"104.22.4.1:443\":"
  "{\"status\":true,\"failure\":null}},\"tls_handshake\":{\"104.22.4.1:443\":"
  "{\"server_name\":\"meduza.io\",\"status\":true,\"failure\":null}},"
  "\"http_request\":{\"body_length\":150000,\"failure\":null,\"title\":"
  "\"Meduza\",\"headers\":{\"Server\":\"cloudflare\"},\"status_code\":200},"
  "\"ip_info\":{\"104.22.4.1\":{\"asn\":13335,\"flags\":11}}}";

static void b_kz_tls_timeout(void)
{
  start("https://meduza.io/");
  query("meduza.io", PRB_RR_A, NULL, "104.22.4.1", "104.22.5.1");
  tcp("104.22.4.1", 443, NULL);
  tls("104.22.4.1:443", "meduza.io", false, "generic_timeout_error", NULL,
      10.0);
  obs.http_experiment_failure = "generic_timeout_error";
}

static void b_sni_filtered(void)
{
  b_kz_tls_timeout();
  /* the decoy's certificate cannot match the decoy name: still completed */
  tls("104.22.4.1:443", "example.org", true, "ssl_invalid_hostname",
      "hostname mismatch", 0.1);
}

static void b_tls_reset(void)
{
  start("https://meduza.io/");
  query("meduza.io", PRB_RR_A, NULL, "104.22.4.1", NULL);
  tcp("104.22.4.1", 443, NULL);
  tls("104.22.4.1:443", "meduza.io", false, "connection_reset", NULL, 0.05);
  request("https://meduza.io/", "connection_reset", 0, NULL, NULL, 0);
}

/* OONI KZ case 2: the handshake completes but with an ISCA-issued chain. */
#define RT_IP "104.21.32.1"
static const char ctl_rutracker_fmt[] = "{\"dns\":{\"failure\":null,"
  "\"addrs\":[\"" RT_IP "\"]},\"tcp_connect\":{\"" RT_IP ":443\":{\"status\":"
  "true,\"failure\":null}},\"tls_handshake\":{\"" RT_IP ":443\":"
  "{\"server_name\":\"rutracker.org\",\"status\":true,\"failure\":null,"
  "\"x_leaf_sha256\":\"%s\"}},\"http_request\":{\"body_length\":90000,"
  "\"failure\":null,\"title\":\"RuTracker.org\",\"headers\":{},"
  "\"status_code\":200}}";
static char ctl_rutracker[2048];
static char ctl_rutracker_same[2048];
/* the same leaf, which the control could not verify either */
static const char ctl_same_broken_fmt[] = "{\"dns\":{\"failure\":null,"
  "\"addrs\":[\"" RT_IP "\"]},\"tcp_connect\":{\"" RT_IP ":443\":{\"status\":"
  "true,\"failure\":null}},\"tls_handshake\":{\"" RT_IP ":443\":"
  "{\"server_name\":\"rutracker.org\",\"status\":false,\"failure\":"
  "\"ssl_unknown_authority\",\"x_leaf_sha256\":\"%s\"}},\"http_request\":"
  "{\"body_length\":-1,\"failure\":\"ssl_unknown_authority\",\"title\":\"\","
  "\"headers\":{},\"status_code\":-1}}";
static char ctl_same_broken[2048];

static void b_kz_isca(void)
{
  struct prb_tls_handshake *h;
  char hex[65];

  start("https://rutracker.org/");
  query("rutracker.org", PRB_RR_A, NULL, RT_IP, NULL);
  tcp(RT_IP, 443, NULL);
  h = tls(RT_IP ":443", "rutracker.org", false, "ssl_unknown_authority",
          "unable to get local issuer certificate", 0.3);
  add_cert(h, "ISCA", "Information Security Certification Authority");
  request("https://rutracker.org/", "ssl_unknown_authority", 0, NULL, NULL,
          0);
  /* the control saw some other leaf; a second reply claims this one */
  snprintf(ctl_rutracker, sizeof(ctl_rutracker), ctl_rutracker_fmt,
           "0000000000000000000000000000000000000000000000000000000000000000");
  leaf_hex(h, hex);
  snprintf(ctl_rutracker_same, sizeof(ctl_rutracker_same), ctl_rutracker_fmt,
           hex);
  snprintf(ctl_same_broken, sizeof(ctl_same_broken), ctl_same_broken_fmt,
           hex);
}

static const char ctl_tls_broken[] = "{" CTL_DNS_OK "," CTL_TCP_OK ","
  "\"tls_handshake\":{\"" EX_EP "\":{\"server_name\":\"example.com\","
  "\"status\":false,\"failure\":\"ssl_invalid_certificate\"}},"
  CTL_HTTP_FAIL("ssl_invalid_certificate") "}";

static void b_cert_expired(void)
{
  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, NULL);
  tls(EX_EP, "example.com", false, "ssl_invalid_certificate",
      "certificate has expired", 0.2);
  request("https://example.com/", "ssl_invalid_certificate", 0, NULL, NULL,
          0);
}

static void b_nxdomain(void)
{
  start("https://example.com/");
  query("example.com", PRB_RR_A, "dns_nxdomain_error", NULL, NULL);
  query("example.com", PRB_RR_AAAA, "dns_nxdomain_error", NULL, NULL);
  obs.dns_experiment_failure = "dns_nxdomain_error";
}

static const char ctl_nxdomain_legacy[] = "{\"dns\":{\"failure\":"
  "\"dns_name_error\",\"addrs\":[]},\"tcp_connect\":{},\"http_request\":"
  "{\"body_length\":-1,\"failure\":\"dns_lookup_error\",\"title\":\"\","
  "\"headers\":{},\"status_code\":-1}}";

/* A lying resolver: a bogon and a blockpage on plain http. */
static void b_dns_bogus(void)
{
  start("http://example.com/");
  query("example.com", PRB_RR_A, NULL, "10.10.34.35", NULL);
  tcp("10.10.34.35", 80, NULL);
  request("http://example.com/", NULL, 200, "Server: nginx",
          make_page("Access denied", 400), 400);
}

/* Another address in the same AS (a CDN), fetched over https. */
static const char ctl_cdn[] = "{\"dns\":{\"failure\":null,\"addrs\":"
  "[\"93.184.215.99\"]},\"tcp_connect\":{},\"http_request\":{\"body_length\":"
  "1000,\"failure\":null,\"title\":\"Example Domain\",\"headers\":{},"
  "\"status_code\":200},\"ip_info\":{\"93.184.215.99\":{\"asn\":15133,"
  "\"flags\":2},\"" EX_IP "\":{\"asn\":15133,\"flags\":1}}}";
static const char ctl_cdn_noasn[] = "{\"dns\":{\"failure\":null,\"addrs\":"
  "[\"93.184.215.99\"]},\"http_request\":{\"body_length\":1000,\"failure\":"
  "null,\"title\":\"Example Domain\",\"headers\":{},\"status_code\":200}}";

/* Other AS, but the control's own handshake on our answer verified. */
static const char ctl_cdn_flag8[] = "{\"dns\":{\"failure\":null,\"addrs\":"
  "[\"151.101.1.1\"]},\"http_request\":{\"body_length\":1000,\"failure\":"
  "null,\"title\":\"Example Domain\",\"headers\":{},\"status_code\":200},"
  "\"ip_info\":{\"151.101.1.1\":{\"asn\":54113,\"flags\":2},\"" EX_IP
  "\":{\"asn\":15133,\"flags\":9}}}";

static void b_cdn_http(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, 200, EX_HEADERS,
          make_page("Example Domain", 1000), 1000);
}

/* Different address and AS, but a verified handshake for the name. */
static void b_tls_vouches(void)
{
  start("https://example.com/");
  query("example.com", PRB_RR_A, NULL, "151.101.1.1", NULL);
  tcp("151.101.1.1", 443, NULL);
  tls("151.101.1.1:443", "example.com", false, NULL, NULL, 0.1);
  request("https://example.com/", NULL, 200, EX_HEADERS,
          make_page("Example Domain", 1000), 1000);
}

static void b_tcp_timeout(void)
{
  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, "generic_timeout_error");
  obs.http_experiment_failure = "generic_timeout_error";
}

static void b_tcp_reset(void)
{
  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, "connection_reset");
  /* no IPv6 route here: ignored, not counted as blocking */
  tcp("2606:2800:21f:cb07:6820:80da:af6b:8b2c", 443, "network_unreachable");
}

static const char ctl_tcp_down[] = "{" CTL_DNS_OK ",\"tcp_connect\":{\""
  EX_EP "\":{\"status\":false,\"failure\":\"generic_timeout_error\"}},"
  CTL_HTTP_FAIL("generic_timeout_error") "}";

static void b_http_reset(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", "connection_reset", 0, NULL, NULL, 0);
}

static void b_http_timeout(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", "generic_timeout_error", 0, NULL, NULL, 0);
}

static const char ctl_http_down[] = "{" CTL_DNS_OK ",\"tcp_connect\":{\""
  EX_IP ":80\":{\"status\":true,\"failure\":null}},"
  CTL_HTTP_FAIL("generic_timeout_error") "}";

static void b_blockpage(void)
{
  static const char body[] = "<html><head><title>\xd0\x91\xd0\xbb\xd0\xbe"
    "\xd0\xba</title></head><body>\xd0\xa1\xd1\x82\xd1\x80\xd0\xb0\xd0\xbd"
    "\xd0\xb8\xd1\x86\xd0\xb0 \xd0\xb7\xd0\xb0\xd0\xb1\xd0\xbb\xd0\xbe\xd0\xba"
    "\xd0\xb8\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xb0</body></html>";
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, 200, "Server: nginx", body,
          sizeof(body) - 1);
}

/* The ISP resolver sends the name to its blockpage server. */
static void b_dns_to_blockpage(void)
{
  static const char body[] = "<html><body>\xd0\xa1\xd1\x82\xd1\x80\xd0\xb0"
    "\xd0\xbd\xd0\xb8\xd1\x86\xd0\xb0 \xd0\xb7\xd0\xb0\xd0\xb1\xd0\xbb"
    "\xd0\xbe\xd0\xba\xd0\xb8\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd"
    "\xd0\xb0</body></html>";
  start("http://example.com/");
  query("example.com", PRB_RR_A, NULL, "10.10.34.35", NULL);
  query("example.com", PRB_RR_AAAA, "dns_no_answer", NULL, NULL);
  tcp("10.10.34.35", 80, NULL);
  request("http://example.com/", NULL, 200, "Server: nginx", body,
          sizeof(body) - 1);
}

static void b_http_diff(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, 403, "Server: squid",
          make_page("Forbidden", 200), 200);
}

/* A site that serves a different page over https (geo page, 451). */
static void b_https_geo(void)
{
  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, NULL);
  tls(EX_EP, "example.com", false, NULL, NULL, 0.1);
  request("https://example.com/", NULL, 451, "Server: x",
          make_page("Not available in your country", 200), 200);
}

static void b_probe_dns_timeout(void)
{
  start("https://example.com/");
  query("example.com", PRB_RR_A, "generic_timeout_error", NULL, NULL);
  obs.dns_experiment_failure = "generic_timeout_error";
}

/* 200 KiB in 20 s against the control's 200 KiB in 0.5 s. */
static const char ctl_fast[] = "{" CTL_DNS_OK "," CTL_TCP_OK "," CTL_TLS_OK
  "," CTL_HTTP_OK(204800) "," CTL_IPINFO ",\"x_timing\":{\"http_request\":"
  "0.5}}";

static void b_slow(void)
{
  struct prb_http_request *r;

  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, NULL);
  tls(EX_EP, "example.com", false, NULL, NULL, 0.1);
  r = request("https://example.com/", NULL, 200, EX_HEADERS,
              make_page("Example Domain", 204800), 204800);
  r->t = 20.3;
}

/* Slow too, but a small page: latency, not bandwidth. */
static const char ctl_fast_small[] = "{" CTL_DNS_OK "," CTL_TCP_OK ","
  CTL_TLS_OK "," CTL_HTTP_OK(1000) "," CTL_IPINFO ",\"x_timing\":"
  "{\"http_request\":0.01}}";

static void b_slow_small(void)
{
  b_ok_https();
  obs.requests[0].t = 5.0;
}

static void b_ip_literal(void)
{
  start("http://" EX_IP "/");
  tcp(EX_IP, 80, NULL);
  request("http://" EX_IP "/", NULL, 200, EX_HEADERS,
          make_page("Example Domain", 1000), 1000);
}

/* The control failed on our endpoints but fetched the page elsewhere. */
static const char ctl_tcp_mixed[] = "{" CTL_DNS_OK ",\"tcp_connect\":{\""
  EX_EP "\":{\"status\":false,\"failure\":\"connection_refused_error\"}},"
  CTL_HTTP_OK(1000) "," CTL_IPINFO "}";

/* The control answered 503: status_code_match is null (OONI v0.4). */
static const char ctl_503[] = "{" CTL_DNS_OK ",\"http_request\":"
  "{\"body_length\":100,\"failure\":null,\"title\":\"Service Unavailable\","
  "\"headers\":{},\"status_code\":503}," CTL_IPINFO "}";

/* ---- records read back: redirects, odd failures ------------------------- */

/* example.com redirects to www.example.com, whose handshake ends in EOF
 * (OONI v0.5 records only the experiment failure for that hop). */
static void b_redirect_then_eof(void)
{
  start("https://example.com/");
  example_dns();
  tcp(EX_IP, 443, NULL);
  tls(EX_EP, "example.com", false, NULL, NULL, 0.1);
  request("https://example.com/", NULL, 301,
          "Location: https://www.example.com/", NULL, 0);
  tcp("93.184.215.20", 443, NULL);
  tls("93.184.215.20:443", "www.example.com", false, "eof_error", NULL, 0.3);
  obs.http_experiment_failure = "eof_error";
}

static void b_unknown_failure(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", "unknown_failure 'ascii' codec can't "
          "decode byte 0xd9", 0, NULL, NULL, 0);
  obs.http_experiment_failure = "unknown_failure 'ascii' codec can't decode";
}

/* The ISP resolver answers a name that does not exist (NXDOMAIN
 * hijacking to a search page). */
static void b_dead_name(void)
{
  start("http://example.com/");
  query("example.com", PRB_RR_A, NULL, "198.51.100.7", NULL);
  tcp("198.51.100.7", 80, NULL);
  request("http://example.com/", NULL, 302,
          "Location: http://search.example.net/?q=example.com", NULL, 0);
}

/* The site's own redirect has a Location no client can follow. */
static void broken_redirect(const char *url)
{
  start(url);
  example_dns();
  tcp(EX_IP, !strncmp(url, "https", 5) ? 443 : 80, NULL);
  if(!strncmp(url, "https", 5))
    tls(EX_EP, "example.com", false, NULL, NULL, 0.1);
  request(url, "http_invalid_redirect_location_host", 302,
          "Location: https://", NULL, 0);
  obs.http_experiment_failure = "http_invalid_redirect_location_host";
}

static void b_broken_redirect_https(void)
{
  broken_redirect("https://example.com/");
}

static void b_broken_redirect_http(void)
{
  broken_redirect("http://example.com/");
}

/* The system resolver lies (loopback), yet the page came: from an
 * address another resolver gave (OONI v0.5 fetches from every one). */
static void b_fetched_elsewhere(void)
{
  start("https://example.com/");
  query("example.com", PRB_RR_A, NULL, "127.0.0.1", NULL);
  tcp(EX_IP, 443, NULL);
  tls(EX_EP, "example.com", false, NULL, NULL, 0.1);
  struct prb_http_request *r = request("https://example.com/", NULL, 200,
                                       EX_HEADERS,
                                       make_page("Example Domain", 1000),
                                       1000);
  snprintf(r->address, sizeof(r->address), "%s", EX_EP);
}

/* ---- fingerprints under OONI's scope/country rule ------------------------ */

static void bogus_answer(const char *ip)
{
  start("http://example.com/");
  query("example.com", PRB_RR_A, NULL, ip, NULL);
  tcp(ip, 80, NULL);
  request("http://example.com/", NULL, 200, "Server: nginx",
          make_page("Access denied", 400), 400);
}

static void b_bogus_nat_ir(void)
{
  bogus_answer("10.10.34.35");
}

static void b_bogus_vbw_kz(void)
{
  bogus_answer("10.10.34.36");
}

static void b_bogus_vbw_ru(void)
{
  bogus_answer("10.10.34.37");
}

/* The site itself resolves to loopback, for the control too. */
static void b_localhost_everywhere(void)
{
  start("https://example.com/");
  query("example.com", PRB_RR_A, NULL, "127.0.0.1", NULL);
}

static const char ctl_localhost[] = "{\"dns\":{\"failure\":null,\"addrs\":"
  "[\"127.0.0.1\"]},\"tcp_connect\":{}," CTL_HTTP_FAIL("unknown_error") "}";

static void page_with(const char *url, long code, const char *text)
{
  char body[256];
  int n = snprintf(body, sizeof(body), "<html><head><title>Just a moment"
                   "</title></head><body>%s</body></html>", text);
  start(url);
  example_dns();
  tcp(EX_IP, 80, NULL);
  request(url, NULL, code, "Server: cloudflare", body, (size_t)n);
}

static void b_cdn_check_page(void)
{
  page_with("http://example.com/", 503, "Checking your browser before "
            "accessing example.com");
}

/* Same status and header names as the site (v0.4 would call it the
 * expected page), but a corporate filter's page. */
static void b_inst_blockpage(void)
{
  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, 200, EX_HEADERS,
          "<html><body>Page blocked by policy</body></html>", 48);
}

static void b_isp_blockpage(void)
{
  page_with("http://example.com/", 200, "Forbidden by your ISP");
}

/* The rows' evidence list (ooni/blocking-fingerprints' columns). */
static const char test_fingerprints[] =
  "name,scope,other_names,location_found,pattern_type,pattern,"
  "confidence_no_fp,expected_countries,source,exp_url,notes\n"
  "t.nat_ir,nat,,dns,full,10.10.34.35,10,IR,,,\n"
  "t.vbw_kz,vbw,,dns,full,10.10.34.36,10,\"RU,KZ\",,,\n"
  "t.vbw_ru,vbw,,dns,full,10.10.34.37,10,RU,,,\n"
  "t.localhost,nat,,dns,full,127.0.0.1,10,,,,\n"
  "t.fp_check,fp,,body,contains,Checking your browser,10,,,,\n"
  "t.isp_page,isp,,body,contains,Forbidden by your ISP,10,,,,\n"
  "t.inst_page,inst,,body,contains,Page blocked by policy,10,,,,\n";

static struct prb_evidence test_ev;

/* ---- the table ---------------------------------------------------------- */

#define N_ "null"
/* One case: how the observations are built (build), what the control
 * said, what the caller matched, and what the classifier must conclude.
 * Fields left out are NULL or false. The comment on each row names the
 * rules of classify.c's table (our verdict) and of classify_ooni.c's
 * (OONI's blocking/accessible) it exercises: the same numbers stand at
 * the branches that implement them. */
struct row {
  const char *name;
  void (*build)(void);
  const char *control;          /* reply JSON, NULL: no control */
  const char *control_failure;
  const char *dns_fp, *http_fp, *cert_fp;
  /* Through analyze.c instead, with test_fingerprints matched for a probe
   * in this country (the rule of which rows confirm). */
  const char *cc;
  enum prb_tri canaries;
  bool asn_cb;                  /* give the ASN lookup callback */
  /* expected OONI keys; "null" for JSON null */
  const char *dns_consistency;
  const char *blocking;         /* "false", "dns", ..., "null" */
  const char *accessible;       /* "true", "false", "null" */
  /* expected x_analysis; method/detail NULL unless blocked */
  const char *verdict, *method, *detail;
  bool confirmed;
  const char *evidence_has;     /* a phrase some evidence sentence holds */
};

static const char *const ctl_rutracker_p = ctl_rutracker;
static const char *const ctl_rutracker_same_p = ctl_rutracker_same;
static const char *const ctl_same_broken_p = ctl_same_broken;

static const struct row rows[] = {
  {/* verdict rule 13, OONI blocking rule 1 */
   .name = "site works over https", .build = b_ok_https, .control = ctl_all_ok,
   .canaries = PRB_TRI_TRUE, .dns_consistency = "consistent",
   .blocking = "false", .accessible = "true", .verdict = "ok",
   .evidence_has = "the page matches"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "site works over http, same page", .build = b_ok_http,
   .control = ctl_all_ok_http, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok", .evidence_has = "the page matches"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "legitimate different page: status and title match",
   .build = b_legit_different, .control = ctl_all_ok_http,
   .canaries = PRB_TRI_TRUE, .dns_consistency = "consistent",
   .blocking = "false", .accessible = "true", .verdict = "ok",
   .evidence_has = "title \"Example Domain\""},
  {/* verdict rule 10, OONI blocking rule 7 */
   .name = "OONI KZ: TLS timeout after ClientHello, consistent DNS",
   .build = b_kz_tls_timeout, .control = ctl_meduza, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "tls",
   .detail = "tls.timeout_after_clienthello",
   .evidence_has = "generic_timeout_error after 10.0"},
  {/* verdict rule 5, OONI blocking rule 7 */
   .name = "decoy SNI completes where the real one times out",
   .build = b_sni_filtered, .control = ctl_meduza, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "tls",
   .detail = "tls.sni_filtered", .confirmed = true,
   .evidence_has = "decoy SNI example.org"},
  {/* verdict rule 5, OONI blocking rule 2 */
   .name = "decoy SNI test needs no control", .build = b_sni_filtered,
   .control_failure = "generic_timeout_error", .canaries = PRB_TRI_TRUE,
   .dns_consistency = N_, .blocking = N_, .accessible = N_,
   .verdict = "blocked", .method = "tls", .detail = "tls.sni_filtered",
   .confirmed = true, .evidence_has = "the name is filtered"},
  {/* verdict rule 10, OONI blocking rule 7 */
   .name = "TLS reset, control's handshake works", .build = b_tls_reset,
   .control = ctl_meduza, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "tls",
   .detail = "tls.reset", .evidence_has = "connection_reset"},
  {/* verdict rule 3, OONI blocking rule 7 */
   .name = "OONI KZ: ISCA-issued chain, known interception certificate",
   .build = b_kz_isca, .control = ctl_rutracker_p,
   .cert_fp = "ISCA 2021 intermediate", .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "tls",
   .detail = "tls.interception", .confirmed = true,
   .evidence_has = "O=ISCA/CN=Information Security"},
  {/* verdict rule 10, OONI blocking rule 7 */
   .name = "unverifiable chain, other leaf than the control's",
   .build = b_kz_isca, .control = ctl_rutracker_p, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "tls",
   .detail = "tls.interception", .evidence_has = "different leaf"},
  {/* verdict rule 10, OONI blocking rule 7 */
   .name = "unverifiable chain, same leaf as the control's",
   .build = b_kz_isca, .control = ctl_rutracker_same_p,
   .canaries = PRB_TRI_TRUE, .dns_consistency = "consistent",
   .blocking = "http-failure", .accessible = "false",
   .verdict = "inconclusive", .evidence_has = "same leaf"},
  {/* verdict rule 10, OONI blocking rule 6 */
   .name = "same unverifiable leaf at the control: broken everywhere",
   .build = b_kz_isca, .control = ctl_same_broken_p, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = N_, .accessible = N_,
   .verdict = "down", .evidence_has = "could not verify it either"},
  {/* verdict rule 10, OONI blocking rule 6 */
   .name = "certificate broken everywhere", .build = b_cert_expired,
   .control = ctl_tls_broken, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = N_, .accessible = N_,
   .verdict = "down", .evidence_has = "failed too"},
  {/* verdict rule 7, OONI blocking rule 4 */
   .name = "NXDOMAIN where the control resolves", .build = b_nxdomain,
   .control = ctl_all_ok, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "inconsistent", .blocking = "dns", .accessible = "false",
   .verdict = "blocked", .method = "dns", .detail = "dns.nxdomain",
   .evidence_has = "resolved it to " EX_IP},
  {/* verdict rule 7, OONI blocking rule 3 */
   .name = "dead domain: NXDOMAIN everywhere (legacy helper)",
   .build = b_nxdomain, .control = ctl_nxdomain_legacy,
   .canaries = PRB_TRI_TRUE, .dns_consistency = "consistent",
   .blocking = "false", .accessible = "false", .verdict = "down",
   .evidence_has = "does not resolve anywhere"},
  {/* verdict rule 8, OONI blocking rule 8 */
   .name = "bogon answer and a different page", .build = b_dns_bogus,
   .control = ctl_all_ok_http, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "inconsistent", .blocking = "dns", .accessible = "false",
   .verdict = "blocked", .method = "dns", .detail = "dns.bogus_answer",
   .evidence_has = "10.10.34.35 is a private"},
  {/* verdict rule 2, OONI blocking rule 8 */
   .name = "bogon answer matching a DNS fingerprint", .build = b_dns_bogus,
   .control = ctl_all_ok_http, .dns_fp = "ooni.xx_1", .canaries = PRB_TRI_TRUE,
   .dns_consistency = "inconsistent", .blocking = "dns", .accessible = "false",
   .verdict = "blocked", .method = "dns", .detail = "dns.bogus_answer",
   .confirmed = true, .evidence_has = "ooni.xx_1"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "CDN: other address, same AS (control ip_info)",
   .build = b_cdn_http, .control = ctl_cdn, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "CDN: other address, same AS (caller's lookup)",
   .build = b_cdn_http, .control = ctl_cdn_noasn, .canaries = PRB_TRI_TRUE,
   .asn_cb = true, .dns_consistency = "consistent", .blocking = "false",
   .accessible = "true", .verdict = "ok"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "CDN without ASN data: inconsistent, page still expected",
   .build = b_cdn_http, .control = ctl_cdn_noasn, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "inconsistent", .blocking = "false",
   .accessible = "true", .verdict = "ok"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "other AS, the control's handshake on our answer verified",
   .build = b_cdn_http, .control = ctl_cdn_flag8, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok", .evidence_has = "the control completed"},
  {/* verdict rule 13, OONI blocking rule 1 */
   .name = "other AS, but a verified handshake for the name",
   .build = b_tls_vouches, .control = ctl_cdn_noasn, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok"},
  {/* verdict rule 9, OONI blocking rule 5 */
   .name = "TCP timeout, control connects", .build = b_tcp_timeout,
   .control = ctl_all_ok, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "tcp_ip",
   .accessible = "false", .verdict = "blocked", .method = "tcp",
   .detail = "tcp.timeout", .evidence_has = "control connected"},
  {/* verdict rule 9, OONI blocking rule 5 */
   .name = "TCP reset, IPv6 unreachable ignored", .build = b_tcp_reset,
   .control = ctl_all_ok, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "tcp_ip",
   .accessible = "false", .verdict = "blocked", .method = "tcp",
   .detail = "tcp.reset", .evidence_has = "none of 1 connects"},
  {/* verdict rule 9, OONI blocking rule 5 */
   .name = "TCP fails here and at the control: down", .build = b_tcp_timeout,
   .control = ctl_tcp_down, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "false",
   .verdict = "down", .evidence_has = "could not connect either"},
  {/* verdict rule 9, OONI blocking rule 5 */
   .name = "TCP fails on our addresses only, control fetched elsewhere",
   .build = b_tcp_timeout, .control = ctl_tcp_mixed, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "false",
   .verdict = "inconclusive", .evidence_has = "elsewhere"},
  {/* verdict rule 11, OONI blocking rule 7 */
   .name = "HTTP reset, control fetches", .build = b_http_reset,
   .control = ctl_all_ok_http, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "http",
   .detail = "http.reset", .evidence_has = "control fetched the page"},
  {/* verdict rule 11, OONI blocking rule 6 */
   .name = "HTTP timeout here and at the control: down",
   .build = b_http_timeout, .control = ctl_http_down, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = N_, .accessible = N_,
   .verdict = "down", .evidence_has = "the site is down"},
  {/* verdict rule 4, OONI blocking rule 8 */
   .name = "blockpage fingerprint", .build = b_blockpage,
   .control = ctl_all_ok_http, .http_fp = "cp.d_corp_kz_ps",
   .canaries = PRB_TRI_TRUE, .dns_consistency = "consistent",
   .blocking = "http-diff", .accessible = "false", .verdict = "blocked",
   .method = "http", .detail = "http.blockpage", .confirmed = true,
   .evidence_has = "cp.d_corp_kz_ps"},
  {/* verdict rule 4, OONI blocking rule 8 */
   .name = "lying resolver leads to a blockpage: DNS, confirmed",
   .build = b_dns_to_blockpage, .control = ctl_all_ok_http,
   .http_fp = "cp.d_corp_kz_ps", .canaries = PRB_TRI_TRUE,
   .dns_consistency = "inconsistent", .blocking = "dns", .accessible = "false",
   .verdict = "blocked", .method = "dns", .detail = "dns.bogus_answer",
   .confirmed = true, .evidence_has = "led to the blockpage"},
  {/* verdict rule 4, OONI blocking rule 2 */
   .name = "blockpage fingerprint without a control", .build = b_blockpage,
   .control_failure = "generic_timeout_error", .http_fp = "cp.d_corp_kz_ps",
   .canaries = PRB_TRI_TRUE, .dns_consistency = N_, .blocking = "http-diff",
   .accessible = "false", .verdict = "blocked", .method = "http",
   .detail = "http.blockpage", .confirmed = true},
  {/* verdict rule 14, OONI blocking rule 8 */
   .name = "http-diff: another status and page", .build = b_http_diff,
   .control = ctl_all_ok_http, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-diff",
   .accessible = "false", .verdict = "blocked", .method = "http",
   .detail = "http.diff", .evidence_has = "status 403 vs 200"},
  {/* verdict rule 14, OONI blocking rule 8 */
   .name = "control answered 503: status match unknown", .build = b_http_diff,
   .control = ctl_503, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "http-diff",
   .accessible = "false", .verdict = "blocked", .method = "http",
   .detail = "http.diff"},
  {/* verdict rule 13, OONI blocking rule 1 */
   .name = "different page over https: the site's own doing",
   .build = b_https_geo, .control = ctl_all_ok, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok", .evidence_has = "site's own doing"},
  {/* verdict rule 6, OONI blocking rule 2 */
   .name = "control unreachable, TLS timeout", .build = b_kz_tls_timeout,
   .control_failure = "generic_timeout_error", .canaries = PRB_TRI_TRUE,
   .dns_consistency = N_, .blocking = N_, .accessible = N_,
   .verdict = "inconclusive", .evidence_has = "no control measurement"},
  {/* verdict rule 6, OONI blocking rule 1 */
   .name = "control unreachable, https works", .build = b_ok_https,
   .control_failure = "connection_refused", .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "inconclusive", .evidence_has = "status 200"},
  {/* verdict rule 1, OONI blocking rule 2 */
   .name = "probe offline: canaries and control unreachable",
   .build = b_probe_dns_timeout, .control_failure = "generic_timeout_error",
   .canaries = PRB_TRI_FALSE, .dns_consistency = N_, .blocking = N_,
   .accessible = N_, .verdict = "probe_offline",
   .evidence_has = "canary hosts unreachable"},
  {/* verdict rule 6, OONI blocking rule 2 */
   .name = "canaries unknown: not offline, inconclusive",
   .build = b_probe_dns_timeout, .control_failure = "generic_timeout_error",
   .canaries = PRB_TRI_NULL, .dns_consistency = N_, .blocking = N_,
   .accessible = N_, .verdict = "inconclusive"},
  {/* verdict rule 7, OONI blocking rule 7 */
   .name = "DNS timeout here, control resolves", .build = b_probe_dns_timeout,
   .control = ctl_all_ok, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "inconsistent", .blocking = "dns", .accessible = "false",
   .verdict = "blocked", .method = "dns", .detail = "dns.timeout"},
  {/* verdict rule 15, OONI blocking rule 7 */
   .name = "DNS timeout, canaries unreachable but control reached",
   .build = b_probe_dns_timeout, .control = ctl_all_ok,
   .canaries = PRB_TRI_FALSE, .dns_consistency = "inconsistent",
   .blocking = "dns", .accessible = "false", .verdict = "inconclusive",
   .evidence_has = "own network is unhealthy"},
  {/* verdict rule 15, OONI blocking rule 7 */
   .name = "TLS timeout, canaries unreachable but control reached",
   .build = b_kz_tls_timeout, .control = ctl_meduza, .canaries = PRB_TRI_FALSE,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "inconclusive"},
  {/* verdict rule 7, OONI blocking rule 4 */
   .name = "NXDOMAIN is a lie even with canaries unreachable",
   .build = b_nxdomain, .control = ctl_all_ok, .canaries = PRB_TRI_FALSE,
   .dns_consistency = "inconsistent", .blocking = "dns", .accessible = "false",
   .verdict = "blocked", .method = "dns", .detail = "dns.nxdomain"},
  {/* verdict rule 13, OONI blocking rule 1 */
   .name = "throttled: under a tenth of the control's rate", .build = b_slow,
   .control = ctl_fast, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "throttled", .evidence_has = "bytes/s"},
  {/* verdict rule 13, OONI blocking rule 1 */
   .name = "slow small page is not throttling", .build = b_slow_small,
   .control = ctl_fast_small, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok"},
  {/* verdict rule 13, OONI blocking rule 8 */
   .name = "IP-literal host", .build = b_ip_literal,
   .control = ctl_all_ok_http, .canaries = PRB_TRI_TRUE,
   .dns_consistency = "consistent", .blocking = "false", .accessible = "true",
   .verdict = "ok"},
  /* records read back (OONI's of any version) */
  {/* verdict rule 10, OONI blocking rule 7 */
   .name = "redirect followed, next hop's handshake ends in EOF",
   .canaries = PRB_TRI_TRUE, .build = b_redirect_then_eof, .control = ctl_all_ok,
   .dns_consistency = "consistent", .blocking = "http-failure",
   .accessible = "false", .verdict = "blocked", .method = "tls",
   .detail = "tls.eof", .evidence_has = "the next hop failed with eof_error"},
  {/* verdict rule 11, OONI blocking rule 7 */
   .name = "unknown_failure: the probe's own error", .canaries = PRB_TRI_TRUE, .build = b_unknown_failure,
   .control = ctl_all_ok_http, .dns_consistency = "consistent",
   .blocking = N_, .accessible = N_, .verdict = "inconclusive",
   .evidence_has = "the probe's own error"},
  {/* verdict rule 7, OONI blocking rule 6 */
   .name = "a name dead for the control, hijacked here: down",
   .canaries = PRB_TRI_TRUE, .build = b_dead_name, .control = ctl_nxdomain_legacy,
   .dns_consistency = "inconsistent", .blocking = N_, .accessible = N_,
   .verdict = "down", .evidence_has = "no site to block"},
  {/* verdict rule 13, OONI blocking rule 7 */
   .name = "the site's unfollowable redirect over verified TLS: ok",
   .canaries = PRB_TRI_TRUE, .build = b_broken_redirect_https, .control = ctl_all_ok,
   .dns_consistency = "consistent", .blocking = "http-diff",
   .accessible = "false", .verdict = "ok", .evidence_has = "valid certificate"},
  {/* verdict rule 14, OONI blocking rule 8 */
   .name = "an unfollowable redirect over plain http",
   .canaries = PRB_TRI_TRUE, .build = b_broken_redirect_http, .control = ctl_all_ok_http,
   .dns_consistency = "consistent", .blocking = "http-diff",
   .accessible = "false", .verdict = "blocked", .method = "http",
   .detail = "http.failure", .evidence_has = "could not follow"},
  {/* verdict rule 8, OONI blocking rule 1 */
   .name = "resolver lies; the page came from another resolver's address",
   .canaries = PRB_TRI_TRUE, .build = b_fetched_elsewhere, .control = ctl_all_ok,
   .dns_consistency = "inconsistent", .blocking = "false",
   .accessible = "true", .verdict = "blocked", .method = "dns",
   .detail = "dns.bogus_answer", .evidence_has = "private or reserved"},
  /* fingerprints judged by OONI's scope/country rule (analyze.c) */
  {/* verdict rule 2: scope nat confirms in any country */
   .name = "nat-scope DNS fingerprint of Iran, probe in KZ: confirmed",
   .canaries = PRB_TRI_TRUE, .build = b_bogus_nat_ir, .control = ctl_all_ok_http, .cc = "KZ",
   .dns_consistency = "inconsistent", .blocking = "dns",
   .accessible = "false", .verdict = "blocked", .method = "dns",
   .detail = "dns.bogus_answer", .confirmed = true,
   .evidence_has = "t.nat_ir"},
  {/* verdict rule 2: a vbw row confirms where it is expected */
   .name = "vbw-scope DNS fingerprint expected in KZ, probe in KZ",
   .canaries = PRB_TRI_TRUE, .build = b_bogus_vbw_kz, .control = ctl_all_ok_http, .cc = "KZ",
   .dns_consistency = "inconsistent", .blocking = "dns",
   .accessible = "false", .verdict = "blocked", .method = "dns",
   .detail = "dns.bogus_answer", .confirmed = true,
   .evidence_has = "t.vbw_kz"},
  {/* verdict rule 8: ... and nowhere else */
   .name = "vbw-scope DNS fingerprint expected in RU, probe in KZ",
   .canaries = PRB_TRI_TRUE, .build = b_bogus_vbw_ru, .control = ctl_all_ok_http, .cc = "KZ",
   .dns_consistency = "inconsistent", .blocking = "dns",
   .accessible = "false", .verdict = "blocked", .method = "dns",
   .detail = "dns.bogus_answer",
   .evidence_has = "does not confirm blocking in KZ"},
  {/* verdict rule 2 refused: the control's own answer; rule 11 */
   .name = "loopback for the control too: the site's own, down",
   .canaries = PRB_TRI_TRUE, .build = b_localhost_everywhere, .control = ctl_localhost, .cc = "KZ",
   .dns_consistency = "consistent", .blocking = N_, .accessible = N_,
   .verdict = "down", .evidence_has = "the control resolved it too"},
  {/* verdict rule 14: OONI's known false positive */
   .name = "a CDN's browser check page (scope fp): inconclusive",
   .canaries = PRB_TRI_TRUE, .build = b_cdn_check_page, .control = ctl_all_ok_http, .cc = "KZ",
   .dns_consistency = "consistent", .blocking = "http-diff",
   .accessible = "false", .verdict = "inconclusive",
   .evidence_has = "t.fp_check"},
  {/* verdict rule 14: a blockpage row that does not confirm (scope inst)
      still makes the page no longer the expected one */
   .name = "inst-scope blockpage on a page v0.4 would pass: unconfirmed",
   .canaries = PRB_TRI_TRUE, .build = b_inst_blockpage,
   .control = ctl_all_ok_http, .cc = "KZ", .dns_consistency = "consistent",
   .blocking = "http-diff", .accessible = "false", .verdict = "blocked",
   .method = "http", .detail = "http.diff",
   .evidence_has = "t.inst_page (scope inst"},
  {/* verdict rule 4: scope isp confirms */
   .name = "isp-scope blockpage fingerprint: confirmed",
   .canaries = PRB_TRI_TRUE, .build = b_isp_blockpage, .control = ctl_all_ok_http, .cc = "KZ",
   .dns_consistency = "consistent", .blocking = "http-diff",
   .accessible = "false", .verdict = "blocked", .method = "http",
   .detail = "http.blockpage", .confirmed = true,
   .evidence_has = "t.isp_page"},
};

static uint32_t fake_asn(void *ctx, const char *ip)
{
  (void)ctx;
  return !strncmp(ip, "93.184.215.", 11) ? 15133 : 0;
}

static const char *json_kind(const json_t *v)
{
  static char buf[32];

  if(!v || json_is_null(v))
    return "null";
  if(json_is_true(v))
    return "true";
  if(json_is_false(v))
    return "false";
  if(json_is_string(v)) {
    snprintf(buf, sizeof(buf), "%s", json_string_value(v));
    return buf;
  }
  return "?";
}

static bool evidence_has(const struct prb_analysis *a, const char *phrase)
{
  size_t i;

  for(i = 0; i < a->n_evidence; i++)
    if(strstr(a->evidence[i], phrase))
      return true;
  return false;
}

static void dump(const struct prb_classification *c)
{
  size_t i;

  for(i = 0; i < c->x_analysis.n_evidence; i++)
    fprintf(stderr, "    evidence: %s\n", c->x_analysis.evidence[i]);
}

static struct prb_control ctl;

static const char *nz_or_null(const char *s)
{
  return s ? s : "null";
}

static void run_row(const struct row *r)
{
  struct prb_classify_in in;
  struct prb_classification out, again;
  json_t *j, *x;
  int before = check_failed;

  memset(&in, 0, sizeof(in));
  r->build();
  in.obs = &obs;
  if(r->control) {
    json_error_t err;
    json_t *reply = json_loads(r->control, 0, &err);
    char why[256];
    if(!reply)
      fprintf(stderr, "%s: bad JSON: %s\n", r->name, err.text);
    CHECK(reply != NULL);
    CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
    json_decref(reply);
    in.control = &ctl;
  }
  in.control_failure = r->control_failure;
  in.dns_fingerprint = r->dns_fp;
  in.http_fingerprint = r->http_fp;
  in.cert_fingerprint = r->cert_fp;
  in.canaries_ok = r->canaries;
  if(r->asn_cb)
    in.asn_lookup = fake_asn;
  struct prb_analyze_in ain = {&obs, in.control, in.control_failure,
                               in.canaries_ok, r->cc};
  if(r->cc)
    prb_analyze_classify(&test_ev, &ain, &out);
  else
    prb_classify(&in, &out);
  j = prb_classify_to_json(&out);
  CHECK(j != NULL);
  if(!j)
    return;
  CHECK_STR(json_kind(json_object_get(j, "dns_consistency")),
            r->dns_consistency);
  CHECK_STR(json_kind(json_object_get(j, "blocking")), r->blocking);
  CHECK_STR(json_kind(json_object_get(j, "accessible")), r->accessible);
  x = json_object_get(j, "x_analysis");
  CHECK_STR(json_kind(json_object_get(x, "verdict")), r->verdict);
  CHECK_STR(json_kind(json_object_get(x, "method")),
            r->method ? r->method : "null");
  CHECK_STR(json_kind(json_object_get(x, "detail")),
            r->detail ? r->detail : "null");
  CHECK_STR(json_kind(json_object_get(x, "confirmed")),
            r->confirmed ? "true" : "false");
  CHECK(json_array_size(json_object_get(x, "evidence")) >= 1);
  CHECK_STR(json_kind(json_object_get(j, "control_failure")),
            r->control ? "null" : nz_or_null(r->control_failure));
  if(r->evidence_has)
    CHECK(evidence_has(&out.x_analysis, r->evidence_has));
  /* pure: the same input gives the same output */
  if(r->cc)
    prb_analyze_classify(&test_ev, &ain, &again);
  else
    prb_classify(&in, &again);
  CHECK(!memcmp(&out, &again, sizeof(out)));
  if(check_failed != before || getenv("PRB_TEST_VERBOSE")) {
    fprintf(stderr, "  in row \"%s\"\n", r->name);
    dump(&out);
  }
  json_decref(j);
}

/* ---- the comparisons, one at a time -------------------------------------- */

static void test_title_extraction(void)
{
  char t[PRB_CTL_TITLE_MAX];
  static const char a[] = "<html><TiTlE>Hello  World</tItLe>";
  static const char b[] = "<title></title><title>Second</title>";
  static const char c[] = "<title>never closed";
  static const char d[] = "<title attr=1>x</title>";
  static const char e[] = "<title>ab<b>c</b></title><title>ok</title>";

  prb_title_ooni((const unsigned char *)a, sizeof(a) - 1, t, sizeof(t));
  CHECK_STR(t, "Hello  World");
  /* an empty title does not match OONI's pattern; the next one does */
  prb_title_ooni((const unsigned char *)b, sizeof(b) - 1, t, sizeof(t));
  CHECK_STR(t, "Second");
  prb_title_ooni((const unsigned char *)c, sizeof(c) - 1, t, sizeof(t));
  CHECK_STR(t, "");
  prb_title_ooni((const unsigned char *)d, sizeof(d) - 1, t, sizeof(t));
  CHECK_STR(t, "");
  prb_title_ooni((const unsigned char *)e, sizeof(e) - 1, t, sizeof(t));
  CHECK_STR(t, "ok");
  /* the scan stops at len: the closing tag lies beyond it */
  prb_title_ooni((const unsigned char *)a, 20, t, sizeof(t));
  CHECK_STR(t, "");
  /* small output buffers cut the title */
  prb_title_ooni((const unsigned char *)a, sizeof(a) - 1, t, 6);
  CHECK_STR(t, "Hello");
  prb_title_ooni(NULL, 0, t, sizeof(t));
  CHECK_STR(t, "");
}

/* Runs one http:// comparison against a control with the given title,
 * headers JSON and body length; returns the classification. */
static void compare(const char *our_title, const char *our_headers,
                    size_t our_len, long our_code, const char *ctl_title,
                    const char *ctl_headers, long ctl_len, long ctl_code,
                    struct prb_classification *out)
{
  char reply[2048];
  struct prb_classify_in in;
  json_t *j;
  char why[128];

  start("http://example.com/");
  example_dns();
  tcp(EX_IP, 80, NULL);
  request("http://example.com/", NULL, our_code, our_headers,
          make_page(our_title, our_len), our_len);
  snprintf(reply, sizeof(reply), "{" CTL_DNS_OK ",\"http_request\":"
           "{\"body_length\":%ld,\"failure\":null,\"title\":\"%s\","
           "\"headers\":%s,\"status_code\":%ld}}", ctl_len, ctl_title,
           ctl_headers, ctl_code);
  j = json_loads(reply, 0, NULL);
  CHECK(j != NULL);
  CHECK_INT(prb_control_parse(j, &ctl, why, sizeof(why)), 0);
  json_decref(j);
  memset(&in, 0, sizeof(in));
  in.obs = &obs;
  in.control = &ctl;
  in.canaries_ok = PRB_TRI_TRUE;
  prb_classify(&in, out);
}

static void test_comparisons(void)
{
  struct prb_classification c;

  /* body proportion: 700/1000 is not > 0.7; 701/1000 is */
  compare("A", "X-A: 1", 700, 200, "B", "{}", 1000, 200, &c);
  CHECK(fabs(c.body_proportion - 0.7) < 1e-9);
  CHECK_INT(c.body_length_match, PRB_TRI_FALSE);
  CHECK_INT(c.headers_match, PRB_TRI_NULL);   /* control sent none */
  compare("A", "X-A: 1", 1000, 200, "B", "{}", 701, 200, &c);
  CHECK_INT(c.body_length_match, PRB_TRI_TRUE);
  CHECK(fabs(c.body_proportion - 0.701) < 1e-9);
  CHECK_INT(c.status_code_match, PRB_TRI_TRUE);

  /* headers: only common names shared -> false; an uncommon one -> true;
   * identical sets -> true even when all are common */
  compare("A", "Date: x\nServer: y\nX-Ours: 1", 100, 200, "A",
          "{\"date\":\"x\",\"server\":\"y\",\"X-Theirs\":\"2\"}", 5000,
          200, &c);
  CHECK_INT(c.headers_match, PRB_TRI_FALSE);
  CHECK_INT(c.title_match, PRB_TRI_TRUE);     /* no word of 5+ bytes */
  compare("A", "Date: x\nX-Drupal-Cache: MISS", 100, 200, "A",
          "{\"date\":\"x\",\"x-drupal-cache\":\"HIT\"}", 5000, 200, &c);
  CHECK_INT(c.headers_match, PRB_TRI_TRUE);
  compare("A", "Date: x\nServer: y", 100, 200, "A",
          "{\"SERVER\":\"y\",\"Date\":\"x\"}", 5000, 200, &c);
  CHECK_INT(c.headers_match, PRB_TRI_TRUE);

  /* titles: every 5+ byte word on both sides, case folded (Cyrillic and
   * Kazakh letters too); short words ignored */
  compare("\xd0\x9d\xd0\x9e\xd0\x92\xd0\x9e\xd0\xa1\xd0\xa2\xd0\x98 of "
          "\xd2\x9a\xd0\x90\xd0\x97\xd0\x90\xd2\x9a\xd0\xa1\xd0\xa2\xd0\x90"
          "\xd0\x9d", "X-A: 1", 100, 200,
          "\u043d\u043e\u0432\u043e\u0441\u0442\u0438 to "
          "\u049b\u0430\u0437\u0430\u049b\u0441\u0442\u0430\u043d",
          "{}", 5000, 200, &c);
  CHECK_INT(c.title_match, PRB_TRI_TRUE);
  compare("Breaking news today", "X-A: 1", 100, 200, "Breaking news",
          "{}", 5000, 200, &c);
  CHECK_INT(c.title_match, PRB_TRI_FALSE);    /* "today" only on our side */
  CHECK_INT(c.blocking, PRB_BLOCKING_HTTP_DIFF);

  /* status: different and the control's is not 5xx -> false */
  compare("A", "X-A: 1", 100, 302, "A", "{}", 5000, 200, &c);
  CHECK_INT(c.status_code_match, PRB_TRI_FALSE);
  compare("A", "X-A: 1", 100, 200, "A", "{}", 5000, 502, &c);
  CHECK_INT(c.status_code_match, PRB_TRI_NULL);
}

/* Bytes that are not UTF-8 (a windows-1251 title) still give valid JSON. */
static void test_hostile_text(void)
{
  struct prb_classification c;
  json_t *j;
  char *s;

  compare("\xcd\xee\xe2\xee\xf1\xf2\xe8\x01\xff", "X-A: 1", 100, 403,
          "Example Domain", "{}", 5000, 200, &c);
  CHECK_INT(c.x_analysis.verdict, PRB_VERDICT_BLOCKED);
  CHECK_STR(c.x_analysis.detail, "http.diff");
  j = prb_classify_to_json(&c);
  CHECK(j != NULL);
  s = json_dumps(j, JSON_COMPACT);
  CHECK(s != NULL);
  if(s)
    CHECK(strstr(s, "??????") != NULL);
  free(s);
  json_decref(j);
}

static void test_json_shape(void)
{
  struct prb_classification c;
  struct prb_classify_in in;
  json_t *j, *x;

  memset(&in, 0, sizeof(in));
  b_ok_https();
  in.obs = &obs;
  in.control_failure = "json_parse_error";
  in.canaries_ok = PRB_TRI_TRUE;
  prb_classify(&in, &c);
  j = prb_classify_to_json(&c);
  CHECK(j != NULL);
  if(!j)
    return;
  CHECK_INT(json_object_size(j), 10);
  CHECK(json_is_real(json_object_get(j, "body_proportion")));
  CHECK(json_is_null(json_object_get(j, "body_length_match")));
  CHECK(json_is_null(json_object_get(j, "headers_match")));
  CHECK(json_is_null(json_object_get(j, "status_code_match")));
  CHECK(json_is_null(json_object_get(j, "title_match")));
  CHECK(json_is_false(json_object_get(j, "blocking")));
  CHECK(json_is_true(json_object_get(j, "accessible")));
  CHECK_STR(json_string_value(json_object_get(j, "control_failure")),
            "json_parse_error");
  x = json_object_get(j, "x_analysis");
  CHECK_INT(json_object_size(x), 5);
  CHECK(json_is_null(json_object_get(x, "method")));
  CHECK(json_is_null(json_object_get(x, "detail")));
  CHECK(json_is_false(json_object_get(x, "confirmed")));
  CHECK(json_is_array(json_object_get(x, "evidence")));
  json_decref(j);

  /* no observations at all */
  in.obs = NULL;
  prb_classify(&in, &c);
  CHECK_INT(c.x_analysis.verdict, PRB_VERDICT_INCONCLUSIVE);
  CHECK_INT(c.blocking, PRB_BLOCKING_NULL);

  CHECK_STR(prb_verdict_name(PRB_VERDICT_PROBE_OFFLINE),
            "probe_offline");
  CHECK_STR(prb_classify_blocking_name(PRB_BLOCKING_TCP_IP), "tcp_ip");
  CHECK(prb_classify_blocking_name(PRB_BLOCKING_FALSE) == NULL);
  CHECK(prb_method_name(PRB_METHOD_NONE) == NULL);
}

/* Explicit rates from the caller (a same-network baseline) win. */
static void test_throttle_override(void)
{
  struct prb_classification c;
  struct prb_classify_in in;
  json_t *reply = json_loads(ctl_all_ok, 0, NULL);
  char why[128];

  CHECK(reply != NULL);
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
  json_decref(reply);
  b_ok_https();
  memset(&in, 0, sizeof(in));
  in.obs = &obs;
  in.control = &ctl;
  in.canaries_ok = PRB_TRI_TRUE;
  in.probe_rate = 1000;
  in.control_rate = 50000;
  prb_classify(&in, &c);
  CHECK_INT(c.x_analysis.verdict, PRB_VERDICT_THROTTLED);
  in.probe_rate = 6000;
  prb_classify(&in, &c);
  CHECK_INT(c.x_analysis.verdict, PRB_VERDICT_OK);
}

/* Observations no sane engine makes still classify without harm. */
static void test_odd_observations(void)
{
  struct prb_classification c;
  struct prb_classify_in in;
  struct prb_dns_query *q;
  struct prb_tls_handshake *h;
  json_t *reply = json_loads(ctl_all_ok, 0, NULL), *j;
  char why[128];

  CHECK(reply != NULL);
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
  json_decref(reply);
  start("not a url");
  q = prb_obs_add_query(&obs);
  if(!q)
    oom();
  q->answers[0].type = PRB_RR_A;
  snprintf(q->answers[0].value, PRB_HOST_MAX, "not-an-address");
  q->n_answers = 1;
  tcp("garbage", 443, NULL);
  h = tls("nonsense", "", false, NULL, "self-signed", 0);
  h->n_certs = 1;               /* a chain of one empty certificate */
  h->certs[0].der = (unsigned char *)dupn("\x30\x03\x02\x01", 4);
  h->certs[0].len = 4;
  tls("nonsense", "", true, NULL, NULL, 0);
  request("", NULL, 0, NULL, NULL, 0);  /* no failure, no response */
  memset(&in, 0, sizeof(in));
  in.obs = &obs;
  in.control = &ctl;
  in.canaries_ok = PRB_TRI_TRUE;
  prb_classify(&in, &c);
  j = prb_classify_to_json(&c);
  CHECK(j != NULL);
  json_decref(j);
  CHECK(c.x_analysis.n_evidence >= 1);
  /* the same without a control, and with every fingerprint given */
  in.control = NULL;
  in.dns_fingerprint = "a";
  prb_classify(&in, &c);
  CHECK_INT(c.x_analysis.verdict, PRB_VERDICT_BLOCKED);
  j = prb_classify_to_json(&c);
  CHECK(j != NULL);
  json_decref(j);
}

/* The rows' fingerprints, through a file as the probe loads them. */
static void load_test_fingerprints(void)
{
  char path[] = "/tmp/test_classify_fp_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  CHECK(f != NULL);
  if(!f)
    return;
  fputs(test_fingerprints, f);
  fclose(f);
  prb_fp_init(&test_ev.fingerprints);
  prb_certlist_init(&test_ev.certs);
  CHECK_INT(prb_fp_load(&test_ev.fingerprints, path, stderr, NULL),
            PRB_LOAD_OK);
  CHECK_INT((int)test_ev.fingerprints.n, 7);
  unlink(path);
}

int main(void)
{
  size_t i;

  load_test_fingerprints();
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    run_row(&rows[i]);
  test_title_extraction();
  test_comparisons();
  test_hostile_text();
  test_json_shape();
  test_throttle_override();
  test_odd_observations();
  prb_evidence_free(&test_ev);
  prb_obs_free(&obs);
  return test_summary();
}
