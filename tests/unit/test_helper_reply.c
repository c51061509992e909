/* test_helper_reply.c: the control's answer built from what it observed. */
#include "check.h"
#include "common/asn.h"
#include "ooni/control.h"
#include "servers/helper_reply.h"

#include <stdlib.h>
#include <unistd.h>

/* A MaxMind DB naming 198.51.100.0/24, made for the test. */
static struct prb_asndb *test_db(char *path)
{
  const char *data = getenv("PRB_TEST_DATA");
  char cmd[1024], why[256];
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  snprintf(cmd, sizeof(cmd), "python3 '%s/make_mmdb.py' '%s' "
           "198.51.100.0/24=64496,NL,'Example Net'",
           data ? data : "tests/data", path);
  CHECK(system(cmd) == 0);
  const char *files[] = {path};
  struct prb_asndb *db = prb_asndb_open(files, 1, why, sizeof(why));
  CHECK(db != NULL);
  return db;
}

static void add_request(struct prb_obs *obs, const char *url, long code,
                        const char *body, double t0, double t)
{
  struct prb_http_request *r = prb_obs_add_request(obs);
  snprintf(r->url, sizeof(r->url), "%s", url);
  r->code = code;
  r->body_len = strlen(body);
  r->body = malloc(r->body_len);
  memcpy(r->body, body, r->body_len);
  r->headers[0].name = strdup("Server");
  r->headers[0].name_len = 6;
  r->headers[0].value = strdup("nginx");
  r->headers[0].value_len = 5;
  r->headers[1].name = strdup("Server");
  r->headers[1].name_len = 6;
  r->headers[1].value = strdup("second");
  r->headers[1].value_len = 6;
  r->n_headers = 2;
  r->t0 = t0;
  r->t = t;
}

int main(void)
{
  struct prb_obs obs;
  memset(&obs, 0, sizeof(obs));
  struct prb_dns_query *q = prb_obs_add_query(&obs);
  strcpy(q->hostname, "example.test");
  q->qtype = PRB_RR_A;
  q->n_answers = 1;
  q->answers[0].type = PRB_RR_A;
  strcpy(q->answers[0].value, "198.51.100.7");
  q->t = 0.01;
  struct prb_tcp_connect *t = prb_obs_add_tcp(&obs);
  strcpy(t->ip, "198.51.100.7");
  t->port = 443;
  t->t = 0.02;
  t = prb_obs_add_tcp(&obs);
  strcpy(t->ip, "203.0.113.9");
  t->port = 443;
  t->failure = "connection_refused";
  struct prb_tls_handshake *h = prb_obs_add_tls(&obs);
  strcpy(h->address, "198.51.100.7:443");
  strcpy(h->server_name, "example.test");
  h->n_certs = 1;
  h->certs[0].der = malloc(3);
  memcpy(h->certs[0].der, "abc", 3);
  h->certs[0].len = 3;
  add_request(&obs, "https://example.test/", 200,
              "<html><title>Hello page</title></html>", 0.1, 0.3);

  /* A page longer than what was kept: its length is the counted one. */
  obs.requests[0].body_is_truncated = true;
  obs.requests[0].body_counted = 900000;

  char dbpath[] = "/tmp/prb-helper-asn-XXXXXX";
  struct prb_asndb *db = test_db(dbpath);
  const char *eps[] = {"203.0.113.9:443"};
  json_t *reply = prb_helper_reply(&obs, eps, 1, db, NULL, "192.0.2.33");
  CHECK(reply != NULL);

  /* It parses as an OONI test-helper reply, with our additions. */
  struct prb_control ctl;
  char why[128] = "";
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
  if(why[0])
    fprintf(stderr, "parse: %s\n", why);
  CHECK_INT(ctl.dns.n_addrs, 1);
  CHECK_STR(ctl.dns.addrs[0], "198.51.100.7");
  CHECK_INT(ctl.n_tcp, 2);
  CHECK_INT(ctl.http.status_code, 200);
  CHECK_INT(ctl.http.body_length, 900000);
  CHECK(json_is_true(json_object_get(json_object_get(reply, "http_request"),
                                     "x_body_is_truncated")));
  CHECK_STR(ctl.http.title, "Hello page");
  CHECK(ctl.http.has_body_sha256);
  CHECK_INT(ctl.n_tls, 1);
  CHECK(ctl.tls[0].status);
  /* SHA-256("abc") */
  CHECK(ctl.tls[0].has_leaf_sha256 && ctl.tls[0].leaf_sha256[0] == 0xba &&
        ctl.tls[0].leaf_sha256[31] == 0xad);

  /* The asking probe's address comes back only for it to scrub. */
  CHECK_STR(json_string_value(json_object_get(reply, "x_probe_address")),
            "192.0.2.33");
  json_t *tcp = json_object_get(reply, "tcp_connect");
  json_t *refused = json_object_get(tcp, "203.0.113.9:443");
  CHECK_STR(json_string_value(json_object_get(refused, "failure")),
            "connection_refused");
  CHECK(json_is_false(json_object_get(refused, "status")));
  /* Headers keep the first value of each name, as OONI's helper does. */
  json_t *headers = json_object_get(json_object_get(reply, "http_request"),
                                    "headers");
  CHECK_STR(json_string_value(json_object_get(headers, "Server")), "nginx");
  /* ip_info: flag 2 for our own answer, 1 for the probe's endpoint, 4 for
   * documentation space (a bogon), 8 where TLS verified for the name. */
  json_t *info = json_object_get(reply, "ip_info");
  CHECK_INT(json_integer_value(json_object_get(
    json_object_get(info, "198.51.100.7"), "flags")), 2 | 4 | 8);
  CHECK_INT(json_integer_value(json_object_get(
    json_object_get(info, "203.0.113.9"), "flags")), 1 | 4);
  /* The network of each address, named where the database knows it, so
   * that records can give their DNS answers an asn and as_org_name. */
  CHECK_INT(json_integer_value(json_object_get(
    json_object_get(info, "198.51.100.7"), "asn")), 64496);
  CHECK_STR(json_string_value(json_object_get(
    json_object_get(info, "198.51.100.7"), "x_as_org_name")), "Example Net");
  CHECK(json_object_get(json_object_get(info, "203.0.113.9"),
                        "x_as_org_name") == NULL);
  struct prb_addr a;
  CHECK_INT(prb_addr_parse_endpoint("198.51.100.7", true, &a), 0);
  const struct prb_ctl_ipinfo *ii = prb_control_ipinfo(&ctl, &a);
  CHECK(ii != NULL && ii->asn == 64496);
  if(ii)
    CHECK_STR(ii->as_org_name, "Example Net");
  /* every endpoint the probe sent was measured: nothing listed */
  CHECK(json_object_get(reply, "x_tcp_connect_not_measured") == NULL);
  json_decref(reply);

  /* Endpoints past what the helper measures are named, not dropped: a
   * differently spelt IPv6 endpoint that was measured is not among them. */
  t = prb_obs_add_tcp(&obs);
  strcpy(t->ip, "2001:db8::1");
  t->port = 443;
  const char *more[] = {"203.0.113.9:443", "[2001:DB8:0::1]:443",
                        "203.0.113.10:443", "203.0.113.9:80"};
  reply = prb_helper_reply(&obs, more, 4, NULL, NULL, NULL);
  json_t *skipped = json_object_get(reply, "x_tcp_connect_not_measured");
  CHECK_INT(json_array_size(skipped), 2);
  CHECK_STR(json_string_value(json_array_get(skipped, 0)),
            "203.0.113.10:443");
  CHECK_STR(json_string_value(json_array_get(skipped, 1)), "203.0.113.9:80");
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
  json_decref(reply);
  prb_asndb_close(db);
  unlink(dbpath);

  /* Nothing fetched: body_length and status_code are -1 with a failure. */
  struct prb_obs empty;
  memset(&empty, 0, sizeof(empty));
  empty.dns_experiment_failure = "dns_nxdomain_error";
  empty.http_experiment_failure = "dns_nxdomain_error";
  reply = prb_helper_reply(&empty, NULL, 0, NULL, NULL, NULL);
  json_t *http = json_object_get(reply, "http_request");
  CHECK_INT(json_integer_value(json_object_get(http, "status_code")), -1);
  CHECK_INT(json_integer_value(json_object_get(http, "body_length")), -1);
  CHECK_STR(json_string_value(json_object_get(
    json_object_get(reply, "dns"), "failure")), "dns_nxdomain_error");
  json_decref(reply);

  /* The name did not resolve, so no GET was made: the HTTP step failed
   * for that reason, not an unknown one. */
  empty.http_experiment_failure = NULL;
  reply = prb_helper_reply(&empty, NULL, 0, NULL, NULL, NULL);
  http = json_object_get(reply, "http_request");
  CHECK_STR(json_string_value(json_object_get(http, "failure")),
            "dns_nxdomain_error");
  json_decref(reply);
  empty.dns_experiment_failure = NULL;
  reply = prb_helper_reply(&empty, NULL, 0, NULL, NULL, NULL);
  CHECK_STR(json_string_value(json_object_get(
    json_object_get(reply, "http_request"), "failure")), "unknown_failure");
  json_decref(reply);

  /* The deadline cut the page while it was still arriving: the reply
   * says how much came and that it was flowing (a page slow for the
   * control too, which the probe must not call throttled). */
  obs.requests[0].failure = "generic_timeout_error";
  obs.http_experiment_failure = "generic_timeout_error";
  obs.requests[0].bytes_received = 150000;
  obs.requests[0].timeout_progress = "flowing";
  obs.requests[0].t = 10.1;
  reply = prb_helper_reply(&obs, NULL, 0, NULL, NULL, NULL);
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
  CHECK_STR(ctl.http.failure, "generic_timeout_error");
  CHECK_INT(ctl.http.body_length, -1);
  CHECK_INT((int)ctl.http.x_bytes_received, 150000);
  CHECK(ctl.http.x_flowing);
  CHECK(ctl.x_timing.http_request > 9.9 && ctl.x_timing.http_request < 10.1);
  json_decref(reply);
  /* nothing came: no such keys */
  obs.requests[0].bytes_received = 0;
  obs.requests[0].timeout_progress = "no_bytes";
  reply = prb_helper_reply(&obs, NULL, 0, NULL, NULL, NULL);
  CHECK(!json_object_get(json_object_get(reply, "http_request"),
                         "x_bytes_received"));
  CHECK_INT(prb_control_parse(reply, &ctl, why, sizeof(why)), 0);
  CHECK_INT((int)ctl.http.x_bytes_received, -1);
  CHECK(!ctl.http.x_flowing);
  json_decref(reply);

  prb_obs_free(&obs);
  return test_summary();
}
