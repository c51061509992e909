/* obs.c: growing and freeing the observation arrays of one measurement.
 *
 * Arrays grow geometrically up to a fixed cap per kind, so a hostile
 * network cannot make one measurement hold unbounded memory. Growing moves
 * the array: a pointer returned by an appender stays valid only until the
 * next call to the same appender, so long-lived references (an in-flight
 * query, say) should keep the index, not the pointer.
 */
#include "ooni/obs.h"
#include "common/caps.h"
#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REQUESTS PRB_MAX_HOPS

/* Makes room for one more element of size elem in *arr, returns it zeroed
 * or NULL at the cap or out of memory. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t elem,
                  size_t max)
{
  if(!prb_array_reserve(arr, cap, *n + 1, elem, max))
    return NULL;
  unsigned char *base = *arr;
  memset(base + *n * elem, 0, elem);
  return base + (*n)++ * elem;
}

struct prb_dns_query *prb_obs_add_query(struct prb_obs *obs)
{
  void *arr = obs->queries;
  struct prb_dns_query *q = grow(&arr, &obs->n_queries, &obs->cap_queries,
                                 sizeof(*q), PRB_MAX_QUERIES);
  obs->queries = arr;
  if(q)
    q->rcode = -1;              /* no answer until one comes */
  return q;
}

struct prb_tcp_connect *prb_obs_add_tcp(struct prb_obs *obs)
{
  void *arr = obs->tcp;
  struct prb_tcp_connect *c = grow(&arr, &obs->n_tcp, &obs->cap_tcp,
                                   sizeof(*c), PRB_MAX_TCP);
  obs->tcp = arr;
  return c;
}

struct prb_tls_handshake *prb_obs_add_tls(struct prb_obs *obs)
{
  void *arr = obs->tls;
  struct prb_tls_handshake *h = grow(&arr, &obs->n_tls, &obs->cap_tls,
                                     sizeof(*h), PRB_MAX_TLS);
  obs->tls = arr;
  return h;
}

struct prb_http_request *prb_obs_add_request(struct prb_obs *obs)
{
  void *arr = obs->requests;
  struct prb_http_request *r = grow(&arr, &obs->n_requests,
                                    &obs->cap_requests, sizeof(*r),
                                    MAX_REQUESTS);
  obs->requests = arr;
  return r;
}

static char *dup_bytes(const char *s, size_t len)
{
  char *d = malloc(len + 1);
  if(d) {
    if(len)
      memcpy(d, s, len);
    d[len] = 0;
  }
  return d;
}

bool prb_obs_add_header(struct prb_header *list, size_t *n, size_t max,
                        const char *name, size_t nlen, const char *value,
                        size_t vlen)
{
  if(*n >= max)
    return false;
  struct prb_header *hd = &list[*n];
  hd->name = dup_bytes(name, nlen);
  hd->value = dup_bytes(value, vlen);
  if(!hd->name || !hd->value) {
    free(hd->name);
    free(hd->value);
    memset(hd, 0, sizeof(*hd));
    return false;
  }
  hd->name_len = nlen;
  hd->value_len = vlen;
  (*n)++;
  return true;
}

static void free_headers(struct prb_header *h, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++) {
    free(h[i].name);
    free(h[i].value);
  }
}

void prb_obs_request_free(struct prb_http_request *r)
{
  free_headers(r->req_headers, sizeof(r->req_headers) /
               sizeof(r->req_headers[0]));
  free_headers(r->headers, PRB_MAX_HEADERS);
  free(r->body);
  memset(r, 0, sizeof(*r));
}

/* Every slot of an appended element started zeroed, so all of them are
 * freed, not only the first n: a filler that allocated and failed before
 * counting leaks nothing. */
void prb_obs_free(struct prb_obs *obs)
{
  size_t i, k;

  if(!obs)
    return;
  for(i = 0; i < obs->n_queries; i++)
    free(obs->queries[i].raw);
  free(obs->queries);
  free(obs->tcp);
  for(i = 0; i < obs->n_tls; i++)
    for(k = 0; k < PRB_MAX_CERTS; k++)
      free(obs->tls[i].certs[k].der);
  free(obs->tls);
  for(i = 0; i < obs->n_requests; i++) {
    struct prb_http_request *r = &obs->requests[i];
    free_headers(r->req_headers, sizeof(r->req_headers) /
                 sizeof(r->req_headers[0]));
    free_headers(r->headers, PRB_MAX_HEADERS);
    free(r->body);
  }
  free(obs->requests);
  memset(obs, 0, sizeof(*obs));
}
