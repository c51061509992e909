/* fuzz_http1_parse.c: engine/http1_parse.c, the HTTP/1.x response parser
 * the probe and the helper read every site's bytes with.
 *
 * The first input byte chooses: bit 0 count the body past the cap (the
 * helper's way), bit 1 the peer closes after the bytes, the rest seeds how
 * the bytes are cut. Properties: the result does not depend on how the
 * network cut the bytes (whole, byte by byte, pseudo-random slices give
 * the same status, failure, code, headers and body, byte for byte); every
 * cap holds (obs.h, caps.h); a failure is set exactly when the parse
 * failed; once over, more bytes change nothing. */
#include "fuzz.h"

#include "common/caps.h"
#include "engine/http1_parse.h"
#include "ooni/failure.h"
#include "ooni/obs.h"

struct parsed {
  struct prb_http_request req;
  enum prb_h1p_status st;
};

/* cut 0: whole; 1: byte by byte; else slices of 1 to 4096 bytes drawn
 * from cut. */
static void parse(const uint8_t *in, size_t n, bool count, bool eof,
                  uint32_t cut, struct parsed *out)
{
  struct prb_h1p p;
  memset(out, 0, sizeof(*out));
  prb_h1p_init(&p, &out->req, count);
  out->st = PRB_H1P_MORE;
  for(size_t off = 0; off < n && out->st == PRB_H1P_MORE;) {
    size_t take = n - off;
    if(cut == 1)
      take = 1;
    else if(cut > 1) {
      cut = cut * 1103515245u + 12345u;
      take = 1 + (cut >> 8) % 4096;
    }
    if(take > n - off)
      take = n - off;
    out->st = prb_h1p_feed(&p, in + off, take);
    off += take;
  }
  if(eof && out->st == PRB_H1P_MORE)
    out->st = prb_h1p_eof(&p);
  if(out->st != PRB_H1P_MORE) {
    size_t kept = out->req.body_len, heads = out->req.n_headers;
    FUZZ_CHECK(prb_h1p_feed(&p, (const unsigned char *)"HTTP/1.1 200 OK\r\n"
                            "Content-Length: 1\r\n\r\nx", 39) == out->st);
    FUZZ_CHECK(out->req.body_len == kept && out->req.n_headers == heads);
  }
  prb_h1p_free(&p);

  const struct prb_http_request *r = &out->req;
  FUZZ_CHECK(r->body_len <= PRB_BODY_MAX);
  FUZZ_CHECK(r->n_headers <= PRB_MAX_HEADERS);
  FUZZ_CHECK(r->body_counted <= PRB_BODY_COUNT_MAX + n);
  FUZZ_CHECK((out->st == PRB_H1P_FAILED) == (r->failure != NULL));
  FUZZ_CHECK(!r->protocol_error ||
             (r->failure && !strcmp(r->failure, PRB_FAIL_HTTP)));
  FUZZ_CHECK(r->code == 0 || (r->code >= 200 && r->code <= 999));
  for(size_t i = 0; i < r->n_headers; i++)
    FUZZ_CHECK(strlen(r->headers[i].name) <= r->headers[i].name_len);
}

static bool same_bytes(const void *a, size_t an, const void *b, size_t bn)
{
  return an == bn && (!an || !memcmp(a, b, an));
}

static void same(const struct parsed *a, const struct parsed *b)
{
  const struct prb_http_request *x = &a->req, *y = &b->req;
  FUZZ_CHECK(a->st == b->st);
  FUZZ_CHECK(x->failure == y->failure);
  FUZZ_CHECK(x->protocol_error == y->protocol_error);
  FUZZ_CHECK(x->code == y->code);
  FUZZ_CHECK(x->body_is_truncated == y->body_is_truncated);
  FUZZ_CHECK(x->headers_truncated == y->headers_truncated);
  FUZZ_CHECK(x->body_counted == y->body_counted);
  FUZZ_CHECK(same_bytes(x->body, x->body_len, y->body, y->body_len));
  FUZZ_CHECK(x->n_headers == y->n_headers);
  for(size_t i = 0; i < x->n_headers; i++) {
    FUZZ_CHECK(same_bytes(x->headers[i].name, x->headers[i].name_len,
                          y->headers[i].name, y->headers[i].name_len));
    FUZZ_CHECK(same_bytes(x->headers[i].value, x->headers[i].value_len,
                          y->headers[i].value, y->headers[i].value_len));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct parsed whole, bytes, slices;
  if(!size)
    return 0;
  unsigned flags = data[0];
  bool count = flags & 1, eof = flags & 2;
  uint32_t seed = 2 + (flags >> 2);
  data++;
  size--;
  parse(data, size, count, eof, 0, &whole);
  parse(data, size, count, eof, 1, &bytes);
  parse(data, size, count, eof, seed, &slices);
  same(&whole, &bytes);
  same(&whole, &slices);
  prb_obs_request_free(&whole.req);
  prb_obs_request_free(&bytes.req);
  prb_obs_request_free(&slices.req);
  return 0;
}
