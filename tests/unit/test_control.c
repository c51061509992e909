/* test_control.c: parsing the test helper's reply (real-shaped, legacy,
 * hostile) and building the request. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "ooni/control.h"

/* A reply shaped like oohelperd's, plus our x_ additions. */
static const char real_reply[] =
  "{\"tcp_connect\":{"
  "\"93.184.215.14:443\":{\"status\":true,\"failure\":null},"
  "\"[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443\":"
  "{\"status\":false,\"failure\":\"network_unreachable\"}},"
  "\"tls_handshake\":{\"93.184.215.14:443\":{\"server_name\":\"example.com\","
  "\"status\":true,\"failure\":null,\"x_leaf_sha256\":"
  "\"00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\"}},"
  "\"quic_handshake\":{},"
  "\"http_request\":{\"body_length\":1256,\"discovered_h3_endpoint\":\"\","
  "\"failure\":null,\"title\":\"Example Domain\",\"headers\":{"
  "\"Content-Type\":\"text/html; charset=UTF-8\",\"Etag\":\"\\\"3147526947\\\"\","
  "\"X-Cache\":\"HIT\"},\"status_code\":200},"
  "\"http3_request\":null,"
  "\"dns\":{\"failure\":null,\"addrs\":[\"93.184.215.14\","
  "\"2606:2800:21f:cb07:6820:80da:af6b:8b2c\"]},"
  "\"ip_info\":{\"93.184.215.14\":{\"asn\":15133,\"flags\":11},"
  "\"2606:2800:21f:cb07:6820:80da:af6b:8b2c\":{\"asn\":15133,\"flags\":3}},"
  "\"x_timing\":{\"dns\":0.05,\"tls_handshake\":0.1,\"http_request\":0.4,"
  "\"future_step\":\"ignored\"}}";

static struct prb_control ctl;

static int parse_text(const char *text, char *why, size_t whylen)
{
  json_error_t err;
  json_t *j = json_loads(text, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
  int rc;

  if(!j) {
    fprintf(stderr, "bad test JSON: %s\n", err.text);
    return -2;
  }
  rc = prb_control_parse(j, &ctl, why, whylen);
  json_decref(j);
  return rc;
}

static void test_real_reply(void)
{
  char why[256];
  struct prb_addr a;
  long long flags;

  CHECK_INT(parse_text(real_reply, why, sizeof(why)), 0);
  CHECK_STR(why, "");
  CHECK_INT(ctl.n_tcp, 2);
  CHECK_STR(ctl.tcp[0].endpoint, "93.184.215.14:443");
  CHECK(ctl.tcp[0].status);
  CHECK_STR(ctl.tcp[0].failure, "");
  CHECK_INT(ctl.tcp[0].ep.port, 443);
  CHECK(!ctl.tcp[1].status);
  CHECK_STR(ctl.tcp[1].failure, "network_unreachable");
  CHECK_INT(ctl.tcp[1].ep.family, AF_INET6);
  CHECK_INT(ctl.n_tls, 1);
  CHECK_STR(ctl.tls[0].server_name, "example.com");
  CHECK(ctl.tls[0].status);
  CHECK(ctl.tls[0].has_leaf_sha256);
  CHECK_INT(ctl.tls[0].leaf_sha256[1], 0x11);
  CHECK_INT(ctl.tls[0].leaf_sha256[31], 0xff);
  CHECK(ctl.http.present);
  CHECK_INT(ctl.http.body_length, 1256);
  CHECK_INT(ctl.http.status_code, 200);
  CHECK_STR(ctl.http.failure, "");
  CHECK_STR(ctl.http.title, "Example Domain");
  CHECK_INT(ctl.http.n_headers, 3);
  CHECK_STR(ctl.http.headers[1].name, "Etag");
  CHECK_STR(ctl.http.headers[1].value, "\"3147526947\"");
  CHECK(!ctl.http.has_body_sha256);
  CHECK(ctl.dns.present);
  CHECK_INT(ctl.dns.n_addrs, 2);
  CHECK_STR(ctl.dns.addrs[1], "2606:2800:21f:cb07:6820:80da:af6b:8b2c");
  CHECK_INT(ctl.n_ip_info, 2);
  CHECK(prb_addr_parse_endpoint("93.184.215.14", true, &a) == 0);
  CHECK_INT(prb_control_asn(&ctl, &a, &flags), 15133);
  CHECK_INT(flags, 11);
  /* a differently spelt IPv6 address is the same address */
  CHECK(prb_addr_parse_endpoint("2606:2800:21f:cb07:6820:80da:af6b:8b2c",
                               true, &a) == 0);
  CHECK_INT(prb_control_asn(&ctl, &a, NULL), 15133);
  CHECK(prb_addr_parse_endpoint("1.1.1.1", true, &a) == 0);
  CHECK_INT(prb_control_asn(&ctl, &a, &flags), 0);
  CHECK_INT(flags, 0);
  CHECK(ctl.x_timing.http_request > 0.39 && ctl.x_timing.http_request < 0.41);
  CHECK(ctl.x_timing.tcp_connect < 0);
}

static void test_legacy(void)
{
  char why[256];

  /* the old Python helper: legacy names, no tls_handshake, no ip_info */
  CHECK_INT(parse_text("{\"dns\":{\"failure\":\"dns_name_error\",\"addrs\":[]},"
                       "\"tcp_connect\":{},\"http_request\":{\"body_length\":-1,"
                       "\"failure\":\"dns_lookup_error\",\"title\":\"\","
                       "\"headers\":{},\"status_code\":-1}}", why, sizeof(why)),
            0);
  CHECK_STR(ctl.dns.failure, "dns_name_error");
  CHECK_STR(prb_control_failure_canon(ctl.dns.failure), "dns_nxdomain_error");
  CHECK_INT(ctl.n_tls, 0);
  CHECK_INT(ctl.http.status_code, -1);
  CHECK_INT(ctl.http.body_length, -1);
  CHECK_STR(ctl.http.failure, "dns_lookup_error");

  CHECK_STR(prb_control_failure_canon("connection_refused_error"),
            "connection_refused");
  CHECK_STR(prb_control_failure_canon("tcp_timed_out_error"),
            "generic_timeout_error");
  CHECK_STR(prb_control_failure_canon("dns_server_failure"),
            "dns_servfail_error");
  CHECK_STR(prb_control_failure_canon("connection_lost_error"),
            "connection_reset");
  CHECK_STR(prb_control_failure_canon("unknown_error"), "unknown_failure");
  CHECK_STR(prb_control_failure_canon("generic_timeout_error"),
            "generic_timeout_error");
  CHECK_STR(prb_control_failure_canon("connect_error"), "connect_error");
  CHECK(prb_control_failure_canon(NULL) == NULL);
  CHECK(prb_control_failure_canon("") == NULL);

  /* legacy CNAMEs among addrs are skipped, header value lists tolerated */
  CHECK_INT(parse_text("{\"dns\":{\"failure\":null,\"addrs\":[\"cdn.example.\","
                       "\"10.0.0.1\"]},\"http_request\":{\"headers\":"
                       "{\"Server\":[\"nginx\",\"x\"]}}}", why, sizeof(why)), 0);
  CHECK_INT(ctl.dns.n_addrs, 1);
  CHECK_STR(ctl.dns.addrs[0], "10.0.0.1");
  CHECK_STR(ctl.http.headers[0].value, "nginx");
}

/* Each hostile reply must fail with a reason naming the culprit. */
static void test_hostile_types(void)
{
  static const struct {
    const char *json, *why_has;
  } rows[] = {
    {"[]", "not a JSON object"},
    {"\"hello\"", "not a JSON object"},
    {"{}", "neither dns nor http_request"},
    {"{\"quic_handshake\":{}}", "neither"},
    {"{\"dns\":[]}", "dns: not an object"},
    {"{\"dns\":{\"addrs\":\"1.2.3.4\"}}", "dns.addrs"},
    {"{\"dns\":{\"addrs\":[1,2]}}", "dns.addrs[0]"},
    {"{\"dns\":{\"failure\":7}}", "dns.failure"},
    {"{\"dns\":{},\"tcp_connect\":[\"1.2.3.4:443\"]}", "tcp_connect"},
    {"{\"dns\":{},\"tcp_connect\":{\"1.2.3.4:443\":{\"status\":\"yes\"}}}",
     "status"},
    {"{\"dns\":{},\"tcp_connect\":{\"1.2.3.4:443\":{}}}", "status"},
    {"{\"dns\":{},\"tcp_connect\":{\"1.2.3.4:443\":true}}", "not an object"},
    {"{\"dns\":{},\"tcp_connect\":{\"example.com:443\":{\"status\":true}}}",
     "not an ip:port"},
    {"{\"dns\":{},\"tcp_connect\":{\"1.2.3.4:0\":{\"status\":true}}}",
     "not an ip:port"},
    {"{\"dns\":{},\"tcp_connect\":{\"1.2.3.4\":{\"status\":true}}}",
     "not an ip:port"},
    {"{\"dns\":{},\"tcp_connect\":{\"1.2.3.4:443\":{\"status\":true,"
     "\"failure\":{}}}}", "failure"},
    {"{\"dns\":{},\"tls_handshake\":{\"1.2.3.4:443\":{\"status\":true,"
     "\"server_name\":5}}}", "server_name"},
    {"{\"dns\":{},\"tls_handshake\":{\"1.2.3.4:443\":{\"status\":true,"
     "\"x_leaf_sha256\":\"zz\"}}}", "x_leaf_sha256"},
    {"{\"dns\":{},\"tls_handshake\":{\"1.2.3.4:443\":{\"status\":true,"
     "\"x_leaf_sha256\":\"g0112233445566778899aabbccddeeff0011223344556677"
     "8899aabbccddeeff\"}}}", "x_leaf_sha256"},
    {"{\"http_request\":{\"body_length\":\"1256\"}}", "body_length"},
    {"{\"http_request\":{\"body_length\":-5}}", "out of range"},
    {"{\"http_request\":{\"body_length\":1.5}}", "body_length"},
    {"{\"http_request\":{\"status_code\":1000}}", "status_code"},
    {"{\"http_request\":{\"status_code\":true}}", "status_code"},
    {"{\"http_request\":{\"title\":[]}}", "title"},
    {"{\"http_request\":{\"headers\":[]}}", "headers"},
    {"{\"http_request\":{\"headers\":{\"Server\":5}}}", "headers[Server]"},
    {"{\"http_request\":[]}", "http_request: not an object"},
    {"{\"dns\":{},\"ip_info\":{\"1.2.3.4\":{\"asn\":-1}}}", "asn"},
    {"{\"dns\":{},\"ip_info\":{\"1.2.3.4\":{\"asn\":4294967296}}}", "asn"},
    {"{\"dns\":{},\"ip_info\":{\"1.2.3.4\":{\"flags\":\"x\"}}}", "flags"},
    {"{\"dns\":{},\"ip_info\":{\"nope\":{}}}", "not an address"},
    {"{\"dns\":{},\"ip_info\":{\"1.2.3.4:80\":{}}}", "not an address"},
    {"{\"dns\":{},\"ip_info\":[]}", "ip_info"},
    {"{\"dns\":{},\"x_timing\":{\"http_request\":-1}}", "x_timing"},
    {"{\"dns\":{},\"x_timing\":{\"http_request\":\"fast\"}}", "x_timing"},
    {"{\"dns\":{},\"x_timing\":[]}", "x_timing"},
  };
  size_t i;

  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    char why[256] = "unset";
    int rc = parse_text(rows[i].json, why, sizeof(why));
    CHECK_INT(rc, -1);
    if(!strstr(why, rows[i].why_has)) {
      fprintf(stderr, "row %zu: why \"%s\" lacks \"%s\"\n", i, why,
              rows[i].why_has);
      CHECK(0);
    }
  }
  /* NULL input and a zero-sized why buffer do not crash */
  CHECK_INT(prb_control_parse(NULL, &ctl, NULL, 0), -1);
  {
    char tiny[4];
    CHECK_INT(prb_control_parse(NULL, &ctl, tiny, sizeof(tiny)), -1);
    CHECK(strlen(tiny) < sizeof(tiny));
  }
  /* a reason quoting a hostile key is printable ASCII */
  {
    char why[256];
    CHECK_INT(parse_text("{\"dns\":{},\"tcp_connect\":{\"\\u0007\\n\xd0\x9a\":"
                         "{\"status\":true}}}", why, sizeof(why)), -1);
    CHECK(strstr(why, "???") != NULL);
    CHECK(strchr(why, '\n') == NULL);
  }
}

/* Appends into a growing text buffer for the big replies. */
struct sb {
  char *p;
  size_t len, cap;
};

static void sb_add(struct sb *b, const char *s)
{
  size_t n = strlen(s);

  if(b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *np = realloc(b->p, cap);
    if(!np) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n + 1);
  b->len += n;
}

static void test_bounds(void)
{
  struct sb b = {NULL, 0, 0};
  char item[128], why[256];
  int i;

  sb_add(&b, "{\"dns\":{\"failure\":null,\"addrs\":[");
  for(i = 0; i < 1000; i++) {
    snprintf(item, sizeof(item), "%s\"10.%d.%d.1\"", i ? "," : "", i / 256,
             i % 256);
    sb_add(&b, item);
  }
  sb_add(&b, "]},\"tcp_connect\":{");
  for(i = 0; i < 100; i++) {
    snprintf(item, sizeof(item), "%s\"10.0.%d.1:443\":{\"status\":true}",
             i ? "," : "", i);
    sb_add(&b, item);
  }
  sb_add(&b, "},\"tls_handshake\":{");
  for(i = 0; i < 100; i++) {
    snprintf(item, sizeof(item), "%s\"10.0.%d.1:443\":{\"status\":false,"
             "\"failure\":\"generic_timeout_error\"}", i ? "," : "", i);
    sb_add(&b, item);
  }
  sb_add(&b, "},\"ip_info\":{");
  for(i = 0; i < 200; i++) {
    snprintf(item, sizeof(item), "%s\"10.1.%d.1\":{\"asn\":%d,\"flags\":1}",
             i ? "," : "", i, i + 1);
    sb_add(&b, item);
  }
  sb_add(&b, "},\"http_request\":{\"status_code\":200,\"body_length\":5,"
         "\"headers\":{");
  for(i = 0; i < 200; i++) {
    snprintf(item, sizeof(item), "%s\"X-H%d\":\"v\"", i ? "," : "", i);
    sb_add(&b, item);
  }
  /* a 10,000-byte title of two-byte letters, a long failure, a long
   * header value */
  sb_add(&b, ",\"X-Long\":\"");
  for(i = 0; i < 1000; i++)
    sb_add(&b, "vvvvvvvvvv");
  sb_add(&b, "\"},\"title\":\"");
  for(i = 0; i < 5000; i++)
    sb_add(&b, "\xd0\x96");
  sb_add(&b, "\",\"failure\":\"");
  for(i = 0; i < 300; i++)
    sb_add(&b, "x");
  sb_add(&b, "\"}}");

  CHECK_INT(parse_text(b.p, why, sizeof(why)), 0);
  CHECK_INT(ctl.dns.n_addrs, PRB_CTL_MAX_ADDRS);
  CHECK(ctl.dns.addrs_truncated);
  CHECK_INT(ctl.n_tcp, PRB_CTL_MAX_TCP);
  CHECK(ctl.tcp_truncated);
  CHECK_INT(ctl.n_tls, PRB_CTL_MAX_TLS);
  CHECK(ctl.tls_truncated);
  CHECK_INT(ctl.n_ip_info, PRB_CTL_MAX_IPINFO);
  CHECK(ctl.ip_info_truncated);
  CHECK_INT(ctl.http.n_headers, PRB_CTL_MAX_HEADERS);
  CHECK(ctl.http.headers_truncated);
  /* cut on a character boundary: 510 bytes of 2-byte letters */
  CHECK_INT(strlen(ctl.http.title), PRB_CTL_TITLE_MAX - 2);
  CHECK_INT(strlen(ctl.http.failure), PRB_CTL_FAILURE_MAX - 1);
  free(b.p);

  /* a NUL inside a JSON string ends the copy */
  CHECK_INT(parse_text("{\"http_request\":{\"title\":\"ab\\u0000cd\"}}", why,
                       sizeof(why)), 0);
  CHECK_STR(ctl.http.title, "ab");
  /* an empty failure string is still a failure */
  CHECK_INT(parse_text("{\"http_request\":{\"failure\":\"\"}}", why,
                       sizeof(why)), 0);
  CHECK_STR(ctl.http.failure, "unknown_failure");
}

static void test_missing(void)
{
  char why[256];

  /* sections present but empty: unknown defaults, not errors */
  CHECK_INT(parse_text("{\"dns\":{}}", why, sizeof(why)), 0);
  CHECK(ctl.dns.present);
  CHECK_STR(ctl.dns.failure, "");
  CHECK_INT(ctl.dns.n_addrs, 0);
  CHECK(!ctl.http.present);
  CHECK_INT(ctl.http.status_code, -1);
  CHECK_INT(parse_text("{\"http_request\":{},\"dns\":null,\"tcp_connect\":null,"
                       "\"ip_info\":null}", why, sizeof(why)), 0);
  CHECK(ctl.http.present);
  CHECK(!ctl.dns.present);
  CHECK_INT(ctl.http.body_length, -1);
  CHECK_INT(ctl.http.status_code, -1);
  CHECK_INT(ctl.n_tcp, 0);
}

static void test_addr(void)
{
  struct prb_addr a, b;

  CHECK_INT(prb_addr_parse_endpoint("1.2.3.4:80", false, &a), 0);
  CHECK_INT(a.port, 80);
  CHECK_INT(prb_addr_parse_endpoint("[2001:db8::1]:443", false, &a), 0);
  CHECK_INT(prb_addr_parse_endpoint("[2001:0db8:0:0::1]:443", false, &b), 0);
  CHECK(prb_addr_equal(&a, &b));
  CHECK_INT(prb_addr_parse_endpoint("[2001:db8::1]:80", false, &b), 0);
  CHECK(!prb_addr_equal(&a, &b));
  CHECK_INT(prb_addr_parse_endpoint("2001:db8::1", true, &b), 0);
  CHECK(prb_addr_equal(&a, &b));   /* no port: address only */
  CHECK_INT(prb_addr_parse_endpoint("1.2.3.4", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("1.2.3.4:65536", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("1.2.3.4:+80", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("1.2.3.4:080808", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("[1.2.3.4]:80", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("2001:db8::1:443", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("[2001:db8::1]443", false, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint("", true, &a), -1);
  CHECK_INT(prb_addr_parse_endpoint(NULL, true, &a), -1);
}

static void test_request(void)
{
  const char *eps[] = {"93.184.215.14:443",
                       "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443"};
  const char *bad[] = {"1.2.3.4:443", "\xff\xfe"};
  json_t *req = prb_control_request_new("https://example.com/", eps, 2);
  json_t *h, *tcp;

  CHECK(req != NULL);
  if(req) {
    CHECK_STR(json_string_value(json_object_get(req, "http_request")),
              "https://example.com/");
    h = json_object_get(req, "http_request_headers");
    CHECK(json_is_object(h));
    CHECK(json_is_array(json_object_get(h, "User-Agent")));
    CHECK(json_string_length(json_array_get(json_object_get(h, "User-Agent"),
                                            0)) > 10);
    CHECK(json_is_array(json_object_get(h, "Accept")));
    CHECK(json_is_array(json_object_get(h, "Accept-Language")));
    tcp = json_object_get(req, "tcp_connect");
    CHECK_INT(json_array_size(tcp), 2);
    CHECK_STR(json_string_value(json_array_get(tcp, 1)), eps[1]);
    CHECK(json_is_false(json_object_get(req, "x_quic_enabled")));
    json_decref(req);
  }
  req = prb_control_request_new("http://example.com/", NULL, 0);
  CHECK(req != NULL);
  CHECK_INT(json_array_size(json_object_get(req, "tcp_connect")), 0);
  json_decref(req);
  CHECK(prb_control_request_new(NULL, eps, 2) == NULL);
  CHECK(prb_control_request_new("http://x/", NULL, 1) == NULL);
  CHECK(prb_control_request_new("http://x/", bad, 2) == NULL);
  CHECK(prb_control_request_new("http://x/", eps,
                                PRB_CTL_MAX_REQ_ENDPOINTS + 1) == NULL);
}

/* A control that sends "[[[...]]]" values: the reply becomes part of the
 * record, so what enters it must be bounded, and nothing we do not read
 * may enter at all (a 62-deep unknown key once made the record too deep
 * for the report). */
static void test_depth(void)
{
  char why[128];
  char text[512];
  json_t *j, *kept;

  snprintf(text, sizeof(text), "{\"dns\":{},\"x\":%.62s%.62s,"
           "\"x_probe_address\":\"198.18.2.1\",\"x_probe_asn\":\"AS65550\","
           "\"x_probe_cc\":{\"deep\":[[]]},\"quic_handshake\":{}}",
           "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
           "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
  j = json_loads(text, 0, NULL);
  CHECK(j != NULL);
  CHECK_INT(prb_control_parse(j, &ctl, why, sizeof(why)), 0);
  kept = prb_control_reply_kept(j);
  CHECK(kept && json_object_get(kept, "dns"));
  CHECK(!json_object_get(kept, "x"));
  CHECK(!json_object_get(kept, "quic_handshake"));
  CHECK(!json_object_get(kept, "x_probe_address"));
  CHECK(!json_object_get(kept, "x_probe_cc"));      /* not a string */
  CHECK_STR(json_string_value(json_object_get(kept, "x_probe_asn")),
            "AS65550");
  CHECK_INT(json_object_size(kept), 2);
  json_decref(kept);
  json_decref(j);

  /* Inside a section we read, depth is bounded: 8 levels, reply included,
   * twice what a real helper sends. */
  CHECK_INT(parse_text("{\"dns\":{\"junk\":[[[[[[1]]]]]]}}", why,
                       sizeof(why)), 0);
  CHECK_INT(parse_text("{\"dns\":{\"junk\":[[[[[[[1]]]]]]]}}", why,
                       sizeof(why)), -1);
  CHECK_STR(why, "dns: nested deeper than 8 levels");
  CHECK_INT(parse_text("{\"http_request\":{\"headers\":{\"A\":[\"v\","
                       "[[[[[1]]]]]]}}}", why, sizeof(why)), -1);
  CHECK_STR(why, "http_request: nested deeper than 8 levels");
  CHECK_INT(parse_text("{\"dns\":null,\"http_request\":{},\"x_timing\":"
                       "{\"x\":[[[[[[[[[]]]]]]]]]}}", why, sizeof(why)), -1);
  CHECK_STR(why, "x_timing: nested deeper than 8 levels");

  /* A real reply keeps every section we read, nothing else. */
  j = json_loads(real_reply, 0, NULL);
  kept = prb_control_reply_kept(j);
  CHECK(kept && json_object_size(kept) == 6);
  CHECK(!json_object_get(kept, "http3_request"));
  CHECK(json_object_get(kept, "tcp_connect") ==
        json_object_get(j, "tcp_connect"));
  json_decref(kept);
  json_decref(j);
}

/* Entries past a list's bound are not kept but still checked: the reply
 * goes into the record whole, and must read back (found by fuzzing: an
 * invalid 33rd tcp_connect endpoint was accepted unseen, and the record,
 * keys sorted, then put it first). */
static void test_checked_past_bounds(void)
{
  static const struct {
    const char *section, *sub;  /* sub: the object inside section, or NULL */
    size_t bound;
  } lists[] = {
    {"tcp_connect", NULL, PRB_CTL_MAX_TCP},
    {"tls_handshake", NULL, PRB_CTL_MAX_TLS},
    {"ip_info", NULL, PRB_CTL_MAX_IPINFO},
    {"http_request", "headers", PRB_CTL_MAX_HEADERS},
  };
  char why[128];
  for(size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
    json_t *reply = json_pack("{s:{}}", "dns");
    json_t *list = json_object();
    for(size_t i = 0; i < lists[k].bound; i++) {
      char key[32];
      if(lists[k].sub) {
        snprintf(key, sizeof(key), "H%zu", i);
        json_object_set_new(list, key, json_string("v"));
      } else {
        snprintf(key, sizeof(key), k == 2 ? "10.0.0.%zu" : "10.0.0.%zu:443",
                 i);
        json_object_set_new(list, key, k == 2 ? json_pack("{s:i}", "asn", 1)
                            : json_pack("{s:b}", "status", 1));
      }
    }
    if(lists[k].sub)
      json_object_set_new(reply, lists[k].section,
                          json_pack("{s:O}", lists[k].sub, list));
    else
      json_object_set(reply, lists[k].section, list);
    CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
    /* one more, and a bad one: past the bound, still refused */
    json_object_set_new(list, "08.0.0.1:443", lists[k].sub ? json_integer(7)
                        : json_pack("{s:b}", "status", 1));
    CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), -1);
    json_decref(list);
    json_decref(reply);
  }
  json_t *addrs = json_array();
  for(int i = 0; i < PRB_CTL_MAX_ADDRS + 1; i++)
    json_array_append_new(addrs, json_string("1.1.1.1"));
  json_array_append_new(addrs, json_integer(7));
  json_t *reply = json_pack("{s:{s:o}}", "dns", "addrs", addrs);
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), -1);
  CHECK_STR(why, "dns.addrs[33]: not a string");
  json_decref(reply);
}

/* Deterministic byte mutations of a real reply: whatever parses as JSON
 * must give 0 or -1 with a terminated reason, never a crash (run under
 * PRB_SANITIZE to catch memory errors). */
static void test_mutations(void)
{
  char buf[sizeof(real_reply)];
  unsigned long seed = 12345;
  int i, k, parsed = 0;

  for(i = 0; i < 3000; i++) {
    json_t *j;
    char why[64];
    int rc;
    memcpy(buf, real_reply, sizeof(buf));
    for(k = 0; k < 3; k++) {
      size_t at;
      seed = seed * 6364136223846793005UL + 1442695040888963407UL;
      at = (size_t)(seed >> 33) % (sizeof(buf) - 1);
      buf[at] = "0123456789:[]{}\",.-tnfx\\"[(seed >> 20) % 24];
    }
    j = json_loads(buf, JSON_DECODE_ANY, NULL);
    if(!j)
      continue;
    parsed++;
    memset(why, 'Z', sizeof(why));
    rc = prb_control_parse(j, &ctl, why, sizeof(why));
    CHECK(rc == 0 || rc == -1);
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    json_decref(j);
  }
  CHECK(parsed > 100);
}

int main(void)
{
  test_real_reply();
  test_legacy();
  test_hostile_types();
  test_bounds();
  test_missing();
  test_addr();
  test_request();
  test_depth();
  test_checked_past_bounds();
  test_mutations();
  return test_summary();
}
