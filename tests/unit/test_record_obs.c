/* test_record_obs.c: JSON text to observations. The tape (jtape) checks
 * and indexes a line; record_obs reads a record's test_keys of any
 * version into a struct prb_obs and the control's reply, within the live
 * probe's caps, skipping what has the wrong type. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/jtape.h"
#include "ooni/record_obs.h"

static struct prb_jtape tp;
static struct prb_recobs r;

static int parse(const char *s)
{
  return prb_jtape_parse(&tp, s, strlen(s));
}

static void test_tape(void)
{
  char buf[16];
  bool cut = false;
  CHECK_INT(parse(" {\"a\":[1,-2.5e3,true,null],\"b\\u00e9\":\"x\\\"y\\u0416\","
                  "\"c\":{}} "), 0);
  CHECK_INT(prb_jt_type(&tp, 0), PRB_JT_OBJECT);
  size_t a = prb_jt_get(&tp, 0, "a");
  CHECK_INT(prb_jt_count(&tp, a), 4);
  double d = 0;
  CHECK(prb_jt_num(&tp, prb_jt_next(&tp, a, prb_jt_child(&tp, a)), &d));
  CHECK(d == -2500);
  size_t b = prb_jt_get(&tp, 0, "b\xc3\xa9");     /* an escaped key */
  CHECK_INT(prb_jt_str(&tp, b, buf, sizeof(buf), &cut), 5);
  CHECK_STR(buf, "x\"y\xd0\x96");
  CHECK_INT(prb_jt_strlen(&tp, b), 5);
  CHECK_INT(prb_jt_str(&tp, b, buf, 4, &cut), 3);  /* cut, whole chars */
  CHECK(cut);
  CHECK(prb_jt_get(&tp, 0, "missing") == PRB_JT_NONE);
  CHECK_INT(prb_jt_type(&tp, PRB_JT_NONE), PRB_JT_NULL);
  CHECK_INT(prb_jt_count(&tp, prb_jt_get(&tp, 0, "c")), 0);
  /* what is not JSON, named */
  static const char *const bad[] = {
    "{\"a\":1,}", "[1 2]", "\"\xff\"", "\"a\\u0000\"", "\"\\ud800\"", "01",
    "{\"a\"}", "\"tab\there\"", "{} x", "nul", ""
  };
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    CHECK_INT(parse(bad[i]), -1);
    CHECK(tp.err != NULL);
  }
  char deep[200];
  memset(deep, '[', 100);
  memset(deep + 100, ']', 100);
  CHECK_INT(prb_jtape_parse(&tp, deep, 200), -1);
  CHECK_STR(tp.err, "JSON nested too deeply");
}

/* An OONI v0.0.1 record (legacy probe): no engine, the headers map with a
 * base64 value, a legacy control. */
static const char legacy[] =
  "{\"input\":\"http://example.com/\",\"probe_cc\":\"AU\",\"software_name\":"
  "\"ooniprobe-android\",\"measurement_start_time\":\"2017-07-25 17:55:45\","
  "\"test_keys\":{\"queries\":[{\"hostname\":\"example.com\",\"query_type\":"
  "\"A\",\"answers\":[{\"ipv4\":\"192.0.2.1\",\"answer_type\":\"A\"},"
  "{\"hostname\":\"cdn.example.net\",\"answer_type\":\"CNAME\"},7],"
  "\"failure\":null,\"resolver_hostname\":null,\"resolver_port\":null}],"
  "\"tcp_connect\":[{\"ip\":\"192.0.2.1\",\"port\":80,\"status\":{\"failure\":"
  "\"connection_refused_error\",\"success\":false}},\"junk\"],"
  "\"requests\":[{\"failure\":\"http_invalid_redirect_url\",\"request\":{"
  "\"url\":\"http://example.com/\"},\"response\":{\"code\":307,\"body\":\"\","
  "\"headers\":{\"Location\":{\"format\":\"base64\",\"data\":"
  "\"aHR0cDovLzEwLjAuMC4xLw==\"},\"Server\":[\"a\",\"b\"],\"X\":5}}}],"
  "\"control_failure\":null,\"control\":{\"dns\":{\"failure\":null,\"addrs\":"
  "[\"example.com\",\"192.0.2.1\"]},\"tcp_connect\":{\"192.0.2.1:80\":{"
  "\"status\":true,\"failure\":null}},\"http_request\":{\"body_length\":10,"
  "\"failure\":null,\"status_code\":200,\"headers\":{}}}}}";

static void test_legacy(void)
{
  CHECK_INT(parse(legacy), 0);
  CHECK_INT(prb_record_obs(&tp, 0, &r), 0);
  const struct prb_obs *o = &r.obs;
  CHECK_STR(o->input, "http://example.com/");
  CHECK_INT(o->n_queries, 1);
  CHECK(o->queries[0].system);            /* no engine: the system's */
  CHECK_INT(o->queries[0].n_answers, 2);  /* the number is skipped */
  CHECK_INT(o->queries[0].answers[1].type, PRB_RR_CNAME);
  CHECK_STR(o->queries[0].resolver, "");
  CHECK_INT(o->n_tcp, 1);                 /* the string is skipped */
  CHECK_STR(o->tcp[0].failure, "connection_refused_error");
  CHECK_INT(o->n_requests, 1);
  const struct prb_http_request *q = &o->requests[0];
  CHECK_INT(q->code, 307);
  CHECK_INT(q->n_headers, 2);             /* Location, Server (first) */
  CHECK_STR(q->headers[0].value, "http://10.0.0.1/");
  CHECK_STR(q->headers[1].value, "a");
  CHECK(r.has_control);
  CHECK_INT(r.control.dns.n_addrs, 1);    /* the name is no address */
  CHECK(r.missing & PRB_RECOBS_NO_DECOY);
  CHECK(r.missing & PRB_RECOBS_NO_CANARIES);
  CHECK_INT(r.canaries, -1);
  prb_recobs_free(&r);
}

/* Bounds: requests beyond the hop cap (the newest are kept, in order), a
 * body past the cap (cut and flagged), our keys (decoys, canaries). */
static void test_bounds(void)
{
  size_t big = 600 * 1024, cap = big + 64 * 1024;
  char *body = malloc(big + 1);
  CHECK(body != NULL);
  if(!body)
    return;
  memset(body, 'a', big);
  body[big] = '\0';
  char *rec = malloc(cap + 8192);
  CHECK(rec != NULL);
  if(!rec) {
    free(body);
    return;
  }
  size_t n = (size_t)sprintf(
    rec, "{\"input\":\"https://a.kz/\",\"software_name\":\"accessprobe\","
    "\"test_keys\":{\"x_canaries\":false,\"x_decoy_tls_handshakes\":[{"
    "\"address\":\"192.0.2.9:443\",\"server_name\":\"example.org\","
    "\"failure\":null}],\"requests\":[{\"request\":{\"url\":"
    "\"https://a.kz/13\"},\"response\":{\"code\":200,\"body\":\"%s\"}}",
    body);
  for(int i = 12; i >= 0; i--)
    n += (size_t)sprintf(rec + n, ",{\"request\":{\"url\":\"https://a.kz/%d\"},"
                         "\"response\":null}", i);
  sprintf(rec + n, "],\"control\":null}}");
  CHECK_INT(parse(rec), 0);
  CHECK_INT(prb_record_obs(&tp, 0, &r), 0);
  CHECK_INT(r.obs.n_requests, PRB_MAX_HOPS);
  const struct prb_http_request *last = &r.obs.requests[PRB_MAX_HOPS - 1];
  CHECK_STR(last->url, "https://a.kz/13");       /* newest last */
  CHECK_STR(r.obs.requests[0].url, "https://a.kz/3");
  CHECK_INT(last->body_len, PRB_BODY_MAX);
  CHECK(last->body_is_truncated);
  CHECK_INT(r.obs.n_tls, 1);
  CHECK(r.obs.tls[0].decoy);
  CHECK_INT(r.canaries, 0);
  CHECK_INT(r.missing, 0);                       /* our own record */
  CHECK(!r.has_control);
  CHECK_STR(r.control_failure, "");              /* none was asked */
  prb_recobs_free(&r);
  free(rec);
  free(body);
  /* test_keys null: nothing measured */
  CHECK_INT(parse("{\"input\":\"http://a.kz/\",\"test_keys\":null}"), 0);
  CHECK_INT(prb_record_obs(&tp, 0, &r), 0);
  CHECK(r.test_keys_null);
  prb_recobs_free(&r);
  /* a control that cannot be read is no control, with the reason */
  CHECK_INT(parse("{\"test_keys\":{\"control\":{\"dns\":5}}}"), 0);
  CHECK_INT(prb_record_obs(&tp, 0, &r), 0);
  CHECK(!r.has_control);
  CHECK(strstr(r.control_failure, "unreadable") != NULL);
  prb_recobs_free(&r);
}

int main(void)
{
  prb_jtape_init(&tp);
  test_tape();
  test_legacy();
  test_bounds();
  prb_jtape_free(&tp);
  return test_summary();
}
