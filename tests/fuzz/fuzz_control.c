/* fuzz_control.c: ooni/control.c, the control's test-helper reply as it
 * comes off the network (loaded as measure.c loads it).
 *
 * Properties: the parser answers 0 or -1 with a terminated reason; what it
 * accepts, kept as it enters the record (prb_control_reply_kept), makes a
 * record the report still reads; and the record's copy parses to the view
 * the classifier used (up to the order of members: records sort keys). The endpoint parser is run on the input's
 * first line, and must give back an address that formats the same. */
#include "fuzz_rec.h"

#include <arpa/inet.h>
#include <math.h>
#include <sys/socket.h>

#include "ooni/control.h"

static struct prb_control ctl, again;

/* Whether each of the n items of a (size bytes each) is in b. */
static bool all_in(const void *a, const void *b, size_t n, size_t size)
{
  for(size_t i = 0; i < n; i++) {
    bool found = false;
    for(size_t j = 0; j < n && !found; j++)
      found = !memcmp((const char *)a + i * size, (const char *)b + j * size,
                      size);
    if(!found)
      return false;
  }
  return true;
}

static bool close_to(double a, double b)
{
  return fabs(a - b) <= 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
}

/* The same view of the control, up to the order of object members (a
 * record's keys are sorted). When a list was cut at its bound, which
 * members made it depends on that order: only the counts must agree. */
static void same_view(const struct prb_control *a, const struct prb_control *b)
{
  FUZZ_CHECK(a->n_tcp == b->n_tcp && a->n_tls == b->n_tls &&
             a->n_ip_info == b->n_ip_info &&
             a->http.n_headers == b->http.n_headers);
  FUZZ_CHECK(!memcmp(&a->dns, &b->dns, sizeof(a->dns)));
  /* records keep 10 significant digits of a real */
  FUZZ_CHECK(close_to(a->x_timing.dns, b->x_timing.dns) &&
             close_to(a->x_timing.tcp_connect, b->x_timing.tcp_connect) &&
             close_to(a->x_timing.tls_handshake, b->x_timing.tls_handshake) &&
             close_to(a->x_timing.http_request, b->x_timing.http_request));
  FUZZ_CHECK(a->http.status_code == b->http.status_code &&
             a->http.body_length == b->http.body_length &&
             !strcmp(a->http.title, b->http.title) &&
             !strcmp(a->http.failure, b->http.failure));
  if(!a->tcp_truncated)
    FUZZ_CHECK(all_in(a->tcp, b->tcp, a->n_tcp, sizeof(a->tcp[0])));
  if(!a->tls_truncated)
    FUZZ_CHECK(all_in(a->tls, b->tls, a->n_tls, sizeof(a->tls[0])));
  if(!a->ip_info_truncated)
    FUZZ_CHECK(all_in(a->ip_info, b->ip_info, a->n_ip_info,
                      sizeof(a->ip_info[0])));
  if(!a->http.headers_truncated)
    FUZZ_CHECK(all_in(a->http.headers, b->http.headers, a->http.n_headers,
                      sizeof(a->http.headers[0])));
}

static void check_endpoint(const uint8_t *data, size_t size)
{
  const uint8_t *nl = memchr(data, '\n', size);
  char *s = fuzz_strndup(data, nl ? (size_t)(nl - data) : size);
  struct prb_addr a, b;
  for(int port_optional = 0; port_optional < 2; port_optional++) {
    if(prb_addr_parse_endpoint(s, port_optional, &a))
      continue;
    FUZZ_CHECK(a.family == AF_INET || a.family == AF_INET6);
    FUZZ_CHECK(port_optional || (a.port >= 1 && a.port <= 65535));
    char ip[PRB_IP_MAX], ep[PRB_ENDPOINT_MAX];
    FUZZ_CHECK(inet_ntop(a.family, a.bytes, ip, sizeof(ip)));
    if(a.port)
      snprintf(ep, sizeof(ep), a.family == AF_INET6 ? "[%s]:%d" : "%s:%d",
               ip, a.port);
    else
      snprintf(ep, sizeof(ep), "%s", ip);
    FUZZ_CHECK(prb_addr_parse_endpoint(ep, port_optional, &b) == 0);
    FUZZ_CHECK(prb_addr_equal(&a, &b) && a.port == b.port);
  }
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  check_endpoint(data, size);

  json_error_t err;
  json_t *reply = json_loadb((const char *)data, size,
                             JSON_REJECT_DUPLICATES, &err);
  if(!reply)
    return 0;
  char why[128];
  memset(why, 'Z', sizeof(why));
  int rc = prb_control_parse(reply, &ctl, why, sizeof(why));
  FUZZ_CHECK(rc == 0 || rc == -1);
  FUZZ_CHECK(memchr(why, '\0', sizeof(why)));
  FUZZ_CHECK(rc == 0 || why[0]);
  if(rc == 0) {
    for(size_t i = 0; i < ctl.n_tcp; i++)
      prb_control_failure_canon(ctl.tcp[i].failure);
    json_t *kept = prb_control_reply_kept(reply);
    FUZZ_CHECK(kept);
    FUZZ_CHECK(prb_control_parse(kept, &again, why, sizeof(why)) == 0);
    FUZZ_CHECK(!memcmp(&ctl, &again, sizeof(ctl)));    /* same order */

    /* Into a record, as analyze.c puts it, and back. */
    struct prb_runinfo run;
    struct prb_obs obs;
    fuzz_runinfo(&run);
    memset(&obs, 0, sizeof(obs));
    memcpy(obs.input, "https://www.azattyq.org/", 25);
    memcpy(obs.measurement_start_time, "2025-02-01 02:00:01", 20);
    json_t *extra = json_object();
    FUZZ_CHECK(extra && !json_object_set_new(extra, "control", kept));
    size_t len;
    char *line = fuzz_record_roundtrip(&run, &obs, &ctl, extra, NULL, &len);
    json_decref(extra);

    json_t *back = json_loadb(line, len - 1, 0, &err);
    json_t *ctl_back = json_object_get(json_object_get(back, "test_keys"),
                                       "control");
    FUZZ_CHECK(prb_control_parse(ctl_back, &again, why, sizeof(why)) == 0);
    same_view(&ctl, &again);
    json_decref(back);
    free(line);
  }
  json_decref(reply);
  return 0;
}
