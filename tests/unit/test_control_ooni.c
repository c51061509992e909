/* test_control_ooni.c: our client reads OONI's own test helpers' replies.
 *
 * Every record in tests/data/ooni/ (OONI Probe's, from probe-cli's test
 * data, the fastpath's and Explorer's fixtures; see its README.md) holds
 * the reply an OONI test helper sent (test_keys.control): oohelperd's
 * (0.th.ooni.org and the like) and the legacy Python helper's. Each one is
 * parsed with prb_control_parse, as a run parses a control's reply, and
 * every value it keeps is compared with the JSON as OONI recorded it. This
 * is what docs/volunteers.md relies on when it describes OONI's helpers
 * as a control a volunteer may choose. */
#include "check.h"
#include "ooni/control.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static struct prb_control ctl;  /* 40 KiB: not on the stack */
static int replies, modern;

static const char *str_or_empty(json_t *v)
{
  return json_is_string(v) ? json_string_value(v) : "";
}

static size_t capped(size_t n, size_t cap)
{
  return n < cap ? n : cap;
}

/* Compares what was parsed with the reply as recorded in file. */
static void compare(const char *file, json_t *reply)
{
  json_t *dns = json_object_get(reply, "dns");
  json_t *tcp = json_object_get(reply, "tcp_connect");
  json_t *tls = json_object_get(reply, "tls_handshake");
  json_t *http = json_object_get(reply, "http_request");
  json_t *ipinfo = json_object_get(reply, "ip_info");
  int bad = check_failed;

  CHECK_INT(ctl.dns.present, json_is_object(dns));
  if(json_is_object(dns)) {
    /* The legacy helper listed CNAMEs among the addresses: only the
     * addresses are kept, in their order. */
    json_t *addrs = json_object_get(dns, "addrs");
    CHECK_STR(ctl.dns.failure, str_or_empty(json_object_get(dns, "failure")));
    size_t k = 0;
    for(size_t i = 0; i < json_array_size(addrs); i++) {
      const char *a = str_or_empty(json_array_get(addrs, i));
      if(!*a || a[strspn(a, "0123456789abcdefABCDEF.:")])
        continue;
      if(k < ctl.dns.n_addrs)
        CHECK_STR(ctl.dns.addrs[k], a);
      k++;
    }
    CHECK_INT(ctl.dns.n_addrs, capped(k, PRB_CTL_MAX_ADDRS));
  }
  CHECK_INT(ctl.n_tcp, capped(json_object_size(tcp), PRB_CTL_MAX_TCP));
  for(size_t i = 0; i < ctl.n_tcp; i++) {
    json_t *e = json_object_get(tcp, ctl.tcp[i].endpoint);
    CHECK(json_is_object(e));
    CHECK_INT(ctl.tcp[i].status, json_is_true(json_object_get(e, "status")));
    CHECK_STR(ctl.tcp[i].failure, str_or_empty(json_object_get(e,
                                                               "failure")));
  }
  CHECK_INT(ctl.n_tls, capped(json_object_size(tls), PRB_CTL_MAX_TLS));
  for(size_t i = 0; i < ctl.n_tls; i++) {
    json_t *e = json_object_get(tls, ctl.tls[i].endpoint);
    CHECK(json_is_object(e));
    CHECK_STR(ctl.tls[i].server_name,
              str_or_empty(json_object_get(e, "server_name")));
    CHECK_INT(ctl.tls[i].status, json_is_true(json_object_get(e, "status")));
    CHECK_STR(ctl.tls[i].failure, str_or_empty(json_object_get(e,
                                                               "failure")));
  }
  CHECK_INT(ctl.http.present, json_is_object(http));
  if(json_is_object(http)) {
    json_t *code = json_object_get(http, "status_code");
    json_t *len = json_object_get(http, "body_length");
    const char *title = str_or_empty(json_object_get(http, "title"));
    if(json_is_integer(code))
      CHECK_INT(ctl.http.status_code, json_integer_value(code));
    if(json_is_integer(len))
      CHECK_INT(ctl.http.body_length, json_integer_value(len));
    CHECK_STR(ctl.http.failure, str_or_empty(json_object_get(http,
                                                             "failure")));
    /* A title longer than we keep is cut: the start must match. */
    CHECK(!strncmp(ctl.http.title, title, strlen(ctl.http.title)) &&
          (strlen(title) < PRB_CTL_TITLE_MAX ?
           strlen(ctl.http.title) == strlen(title) : true));
    json_t *h = json_object_get(http, "headers");
    CHECK_INT(ctl.http.n_headers, capped(json_object_size(h),
                                         PRB_CTL_MAX_HEADERS));
    for(size_t i = 0; i < ctl.http.n_headers; i++) {
      const char *v = str_or_empty(json_object_get(h,
                                                   ctl.http.headers[i].name));
      CHECK(!strncmp(ctl.http.headers[i].value, v,
                     strlen(ctl.http.headers[i].value)));
    }
  }
  CHECK_INT(ctl.n_ip_info, capped(json_object_size(ipinfo),
                                  PRB_CTL_MAX_IPINFO));
  for(size_t i = 0; i < ctl.n_ip_info; i++) {
    json_t *e = json_object_get(ipinfo, ctl.ip_info[i].ip);
    CHECK(json_is_object(e));
    CHECK_INT(ctl.ip_info[i].asn, json_integer_value(json_object_get(e,
                                                                    "asn")));
    CHECK_INT(ctl.ip_info[i].flags,
              json_integer_value(json_object_get(e, "flags")));
  }
  if(json_is_object(ipinfo) || json_is_object(tls))
    modern++;
  if(check_failed != bad)
    fprintf(stderr, "  ... in the control's reply of %s\n", file);
}

static void one_file(const char *dir, const char *name)
{
  char path[2048];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  json_error_t err;
  json_t *rec = json_load_file(path, JSON_DISABLE_EOF_CHECK, &err);
  CHECK(rec != NULL);
  json_t *reply = json_object_get(json_object_get(rec, "test_keys"),
                                  "control");
  /* Some records say the helper failed (control null): nothing to read.
   * A reply with neither dns nor http_request is one we refuse. */
  if(json_is_object(reply) && (json_object_get(reply, "dns") ||
                               json_object_get(reply, "http_request"))) {
    char why[256];
    int rc = prb_control_parse(reply, &ctl, why, sizeof(why));
    if(rc != 0)
      fprintf(stderr, "%s: %s\n", name, why);
    CHECK_INT(rc, 0);
    if(rc == 0)
      compare(name, reply);
    replies++;
  }
  json_decref(rec);
}

int main(void)
{
  const char *data = getenv("PRB_TEST_DATA");
  char dir[1024];
  snprintf(dir, sizeof(dir), "%s/ooni", data ? data : "tests/data");
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  struct dirent *e;
  while(d && (e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if(n > 6 && !strcmp(e->d_name + n - 6, ".jsonl"))
      one_file(dir, e->d_name);
  }
  if(d)
    closedir(d);
  printf("OONI test-helper replies read and compared: %d (%d from oohelperd "
         "with ip_info or tls_handshake)\n", replies, modern);
  CHECK(replies >= 35);
  CHECK(modern >= 20);
  return test_summary();
}
