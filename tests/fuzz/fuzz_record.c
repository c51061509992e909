/* fuzz_record.c: ooni/record.c writing hostile network bytes: DNS names
 * and raw answers, TLS names and certificates, HTTP headers, bodies and
 * titles, each taken from the input (pieces separated by 0xFF bytes).
 *
 * Properties: the record is one JSON line, the report's scanner counts it
 * and jansson reads it (what we write, we read back); and the
 * volunteer's address, put into the bytes, appears nowhere in it as an
 * address once scrubbed (prb_scrub_text's promise, through the record). */
#include "fuzz_rec.h"

#include "common/url.h"
#include "ooni/scrub.h"

#define SEP 0xFF

/* The next piece into a fixed char field (cut, NUL-terminated). */
static void field(struct fuzz_in *in, char *dst, size_t cap)
{
  const uint8_t *p;
  size_t n = fuzz_take(in, SEP, &p);
  if(n >= cap)
    n = cap - 1;
  memcpy(dst, p, n);
  dst[n] = '\0';
}

/* The next piece as owned bytes. */
static unsigned char *bytes(struct fuzz_in *in, size_t *len)
{
  const uint8_t *p;
  *len = fuzz_take(in, SEP, &p);
  return (unsigned char *)fuzz_strndup(p, *len);
}

/* Whether addr occurs in s as a whole dotted number (not inside a longer
 * one): what a reader would take for the address. */
static bool has_address(const char *s, size_t len, const char *addr)
{
  size_t n = strlen(addr);
  for(const char *p = s; (p = memmem(p, len - (size_t)(p - s), addr, n));
      p++) {
    bool before = p > s && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.');
    bool after = p + n < s + len &&
                 ((p[n] >= '0' && p[n] <= '9') ||
                  (p[n] == '.' && p + n + 1 < s + len && p[n + 1] >= '0' &&
                   p[n + 1] <= '9'));
    if(!before && !after)
      return true;
  }
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_in in = {data, data + size};
  struct prb_runinfo run;
  struct prb_obs obs;
  char url[PRB_URL_MAX];
  const char *why;

  fuzz_runinfo(&run);
  field(&in, run.probe_network_name, sizeof(run.probe_network_name));
  memset(&obs, 0, sizeof(obs));
  field(&in, url, sizeof(url));
  if(prb_url_canonical(url, obs.input, sizeof(obs.input), &why))
    memcpy(obs.input, "http://10.1.2.3/", 17);
  memcpy(obs.measurement_start_time, "2025-02-01 02:00:01", 20);
  field(&in, obs.client_resolver, sizeof(obs.client_resolver));

  struct prb_dns_query *q = prb_obs_add_query(&obs);
  FUZZ_CHECK(q);
  field(&in, q->hostname, sizeof(q->hostname));
  q->qtype = PRB_RR_A;
  q->rcode = 0;
  q->n_answers = 2;
  q->answers[0].type = PRB_RR_CNAME;
  field(&in, q->answers[0].value, sizeof(q->answers[0].value));
  q->answers[1].type = PRB_RR_A;
  field(&in, q->answers[1].value, sizeof(q->answers[1].value));
  q->raw = bytes(&in, &q->raw_len);

  struct prb_tls_handshake *h = prb_obs_add_tls(&obs);
  FUZZ_CHECK(h);
  field(&in, h->address, sizeof(h->address));
  field(&in, h->server_name, sizeof(h->server_name));
  field(&in, h->tls_version, sizeof(h->tls_version));
  field(&in, h->x_verify_error, sizeof(h->x_verify_error));
  h->n_certs = 1;
  h->certs[0].der = bytes(&in, &h->certs[0].len);

  struct prb_http_request *r = prb_obs_add_request(&obs);
  FUZZ_CHECK(r);
  field(&in, r->url, sizeof(r->url));
  r->code = (long)fuzz_byte(&in) * 3;
  for(size_t i = 0; i < 4 && fuzz_more(&in); i++) {
    struct prb_header *hd = &r->headers[r->n_headers++];
    hd->name = (char *)bytes(&in, &hd->name_len);
    hd->value = (char *)bytes(&in, &hd->value_len);
  }
  r->body = bytes(&in, &r->body_len);

  /* The volunteer's address, and the bytes again with it inside: the
   * record must not keep it anywhere (as text, or in a base64 body). */
  struct prb_scrub *scrub = prb_scrub_new();
  FUZZ_CHECK(scrub && prb_scrub_add(scrub, "10.1.2.3"));
  size_t len;
  char *line = fuzz_record_roundtrip(&run, &obs, NULL, NULL, scrub, &len);
  FUZZ_CHECK(!has_address(line, len, "10.1.2.3"));
  free(line);
  line = fuzz_record_roundtrip(&run, &obs, NULL, NULL, NULL, &len);
  free(line);
  prb_scrub_free(scrub);
  prb_obs_free(&obs);
  return 0;
}
