/* http1_parse.c: an HTTP/1.x response as a state machine over its bytes
 * (RFC 9112: status line, fields, message body length, chunked coding). */
#include "engine/http1_parse.h"
#include "common/caps.h"
#include "ooni/failure.h"

#include <string.h>
#include <strings.h>

enum state {
  S_STATUS,                     /* the status line */
  S_HEADER,                     /* header lines, up to the empty one */
  S_BODY_LENGTH,                /* left bytes of a Content-Length body */
  S_BODY_CLOSE,                 /* a body that runs to the close */
  S_CHUNK_SIZE,                 /* a chunk-size line */
  S_CHUNK_DATA,                 /* left bytes of a chunk */
  S_CHUNK_END,                  /* the line end after a chunk */
  S_TRAILER,                    /* trailer lines, up to the empty one */
  S_DONE,
  S_FAILED
};

/* Content-Length and chunk sizes beyond these are refused: no page is
 * that long, and the sums stay far from overflowing. */
#define LENGTH_DIGITS_MAX 18    /* decimal: under 10^18 */
#define CHUNK_DIGITS_MAX 15     /* hex: under 2^60 */

void prb_h1p_init(struct prb_h1p *p, struct prb_http_request *req,
                  bool count_body)
{
  memset(p, 0, sizeof(*p));
  p->req = req;
  p->count_body = count_body;
  p->state = S_STATUS;
  prb_buf_init(&p->line, PRB_LINE_MAX);
}

void prb_h1p_free(struct prb_h1p *p)
{
  prb_buf_free(&p->line);
}

bool prb_h1p_counting(const struct prb_h1p *p)
{
  return p->counting;
}

static enum prb_h1p_status status_of(const struct prb_h1p *p)
{
  return p->state == S_DONE ? PRB_H1P_DONE :
         p->state == S_FAILED ? PRB_H1P_FAILED : PRB_H1P_MORE;
}

/* A response that is not HTTP/1.x as we read it: why, for the record. */
static void fail(struct prb_h1p *p, const char *why)
{
  p->state = S_FAILED;
  p->req->failure = PRB_FAIL_HTTP;
  p->req->protocol_error = why;
}

static bool is_ows(unsigned char c)
{
  return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
  while(*n && is_ows((unsigned char)**s)) {
    (*s)++;
    (*n)--;
  }
  while(*n && is_ows((unsigned char)(*s)[*n - 1]))
    (*n)--;
}

static bool name_is(const char *name, size_t n, const char *want)
{
  return n == strlen(want) && !strncasecmp(name, want, n);
}

/* ---- the head ------------------------------------------------------- */

static void drop_headers(struct prb_http_request *req)
{
  for(size_t i = 0; i < req->n_headers; i++) {
    free(req->headers[i].name);
    free(req->headers[i].value);
  }
  memset(req->headers, 0, req->n_headers * sizeof(req->headers[0]));
  req->n_headers = 0;
  req->headers_truncated = false;
}

/* "HTTP/1.x NNN[ reason]": a new response (a 1xx one drops the last). */
static void status_line(struct prb_h1p *p, const char *s, size_t n)
{
  if(n < 12 || memcmp(s, "HTTP/1.", 7) || (s[7] != '0' && s[7] != '1') ||
     s[8] != ' ' || (n > 12 && s[12] != ' ')) {
    fail(p, "bad_status_line");
    return;
  }
  long code = 0;
  for(int i = 9; i < 12; i++) {
    if(s[i] < '0' || s[i] > '9') {
      fail(p, "bad_status_line");
      return;
    }
    code = code * 10 + (s[i] - '0');
  }
  /* 101 switches protocols, which a GET without Upgrade never asks. */
  if(code < 100 || code == 101) {
    fail(p, "bad_status_code");
    return;
  }
  drop_headers(p->req);
  p->kept_bytes = 0;
  p->have_length = p->te = p->te_chunked = p->last_framing = false;
  p->length = 0;
  p->code = code;
  if(code >= 200)
    p->req->code = code;
  p->state = S_HEADER;
}

/* Every value of a Content-Length list ("42" or "42, 42"), which must be
 * digits and agree with each other and with any earlier one. */
static void content_length(struct prb_h1p *p, const char *v, size_t n)
{
  for(;;) {
    const char *comma = memchr(v, ',', n);
    const char *item = v;
    size_t len = comma ? (size_t)(comma - v) : n, ilen = len;
    uint64_t value = 0;
    trim(&item, &ilen);
    if(!ilen || ilen > LENGTH_DIGITS_MAX) {
      fail(p, "bad_content_length");
      return;
    }
    for(size_t i = 0; i < ilen; i++) {
      if(item[i] < '0' || item[i] > '9') {
        fail(p, "bad_content_length");
        return;
      }
      value = value * 10 + (uint64_t)(item[i] - '0');
    }
    if(p->have_length && value != p->length) {
      fail(p, "content_length_conflict");
      return;
    }
    p->have_length = true;
    p->length = value;
    if(!comma)
      return;
    v = comma + 1;
    n -= len + 1;
  }
}

/* Transfer codings in order: chunked at most once, and the body is
 * chunked only when it is the last one (else it runs to the close).
 * Empty list items are ignored. */
static void transfer_encoding(struct prb_h1p *p, const char *v, size_t n)
{
  p->te = true;
  for(;;) {
    const char *comma = memchr(v, ',', n);
    size_t len = comma ? (size_t)(comma - v) : n;
    const char *semi = memchr(v, ';', len);
    const char *item = v;
    size_t ilen = semi ? (size_t)(semi - v) : len;
    trim(&item, &ilen);
    if(ilen) {
      bool chunked = name_is(item, ilen, "chunked");
      if(chunked && p->te_chunked) {
        fail(p, "chunked_twice");
        return;
      }
      p->te_chunked = chunked;
    }
    if(!comma)
      return;
    v = comma + 1;
    n -= len + 1;
  }
}

static void keep_header(struct prb_h1p *p, const char *name, size_t nlen,
                        const char *value, size_t vlen, size_t line_bytes)
{
  struct prb_http_request *req = p->req;
  p->kept_bytes += line_bytes;
  if(p->kept_bytes > PRB_HEADERS_MAX ||
     !prb_obs_add_header(req->headers, &req->n_headers, PRB_MAX_HEADERS,
                         name, nlen, value, vlen))
    req->headers_truncated = true;
}

static void header_line(struct prb_h1p *p, const char *s, size_t n,
                        size_t line_bytes)
{
  if(is_ows((unsigned char)s[0])) {
    /* obs-fold: a continuation of the header before; not kept (as
     * libcurl did not), but never of one that frames the body. */
    if(p->last_framing)
      fail(p, "folded_framing_header");
    return;
  }
  const char *colon = memchr(s, ':', n);
  size_t nlen = colon ? (size_t)(colon - s) : 0;
  bool is_length = name_is(s, nlen, "content-length");
  bool is_te = name_is(s, nlen, "transfer-encoding");
  p->last_framing = false;
  if(p->line_long) {
    /* Only its start was read: never guess a framing header's value. */
    if(is_length || is_te)
      fail(p, "framing_header_too_long");
    p->req->headers_truncated = true;
    return;
  }
  if(!nlen)
    return;                     /* not a header: skipped */
  const char *v = colon + 1;
  size_t vlen = n - nlen - 1;
  while(vlen && is_ows((unsigned char)*v)) {
    v++;
    vlen--;
  }
  p->last_framing = is_length || is_te;
  if(is_length)
    content_length(p, v, vlen);
  else if(is_te)
    transfer_encoding(p, v, vlen);
  if(p->state != S_FAILED)
    keep_header(p, s, nlen, v, vlen, line_bytes);
}

/* The empty line: what comes next. */
static void head_over(struct prb_h1p *p)
{
  if(p->code < 200) {
    if(++p->interim > PRB_MAX_INTERIM) {
      fail(p, "too_many_interim_responses");
      return;
    }
    p->state = S_STATUS;        /* the real response follows */
    return;
  }
  bool redirect = p->code >= 300 && p->code < 400;
  p->limit = redirect ? PRB_REDIRECT_BODY_MAX : PRB_BODY_MAX;
  if(p->code == 204 || p->code == 304)
    p->state = S_DONE;
  else if(p->te)
    p->state = p->te_chunked ? S_CHUNK_SIZE : S_BODY_CLOSE;
  else if(p->have_length) {
    p->left = p->length;
    p->state = p->length ? S_BODY_LENGTH : S_DONE;
    /* One allocation for a body whose length we know. */
    size_t want = p->length < p->limit ? (size_t)p->length : p->limit;
    if(want)
      prb_array_reserve(&p->req->body, &p->body_cap, want, 1, PRB_BODY_MAX);
  }
  else
    p->state = S_BODY_CLOSE;
}

/* ---- the body ------------------------------------------------------- */

/* Keeps body bytes up to the limit; past it, stops (DONE, truncated) or,
 * when counting a page, counts them. */
static void body_bytes(struct prb_h1p *p, const unsigned char *d, size_t n)
{
  struct prb_http_request *req = p->req;
  if(p->counting) {
    req->body_counted += n;
    if(req->body_counted >= PRB_BODY_COUNT_MAX)
      p->state = S_DONE;
    return;
  }
  size_t room = p->limit > req->body_len ? p->limit - req->body_len : 0;
  size_t take = n < room ? n : room;
  if(take) {
    if(!prb_array_reserve(&req->body, &p->body_cap, req->body_len + take, 1,
                          PRB_BODY_MAX)) {
      p->state = S_FAILED;
      req->failure = PRB_FAIL_UNKNOWN;  /* out of memory: ours, not theirs */
      return;
    }
    memcpy(req->body + req->body_len, d, take);
    req->body_len += take;
  }
  bool page = p->limit == PRB_BODY_MAX;
  if(p->count_body && page)
    req->body_counted = req->body_len;
  if(take == n)
    return;
  req->body_is_truncated = true;
  if(p->count_body && page) {
    p->counting = true;         /* the rest is only counted */
    body_bytes(p, d + take, n - take);
    return;
  }
  p->state = S_DONE;            /* we have enough */
}

/* "1*HEXDIG [BWS] [; extensions]" */
static void chunk_size(struct prb_h1p *p, const char *s, size_t n)
{
  uint64_t size = 0;
  size_t i = 0;
  for(; i < n; i++) {
    char c = s[i];
    int v = c >= '0' && c <= '9' ? c - '0' :
            c >= 'a' && c <= 'f' ? c - 'a' + 10 :
            c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if(v < 0)
      break;
    if(i == CHUNK_DIGITS_MAX) {
      fail(p, "chunk_size_overflow");
      return;
    }
    size = size * 16 + (uint64_t)v;
  }
  size_t digits = i;
  while(i < n && is_ows((unsigned char)s[i]))
    i++;
  if(!digits || (i < n && s[i] != ';')) {
    fail(p, "bad_chunk_size");
    return;
  }
  p->left = size;
  p->state = size ? S_CHUNK_DATA : S_TRAILER;
}

/* ---- lines ---------------------------------------------------------- */

/* Whether a line in the current state counts against the head cap. */
static bool in_head(const struct prb_h1p *p)
{
  return p->state == S_STATUS || p->state == S_HEADER ||
         p->state == S_TRAILER;
}

static void dispatch_line(struct prb_h1p *p, const char *s, size_t n,
                          size_t line_bytes)
{
  if(n && s[n - 1] == '\r')
    n--;
  switch(p->state) {
  case S_STATUS:
    status_line(p, s, n);
    break;
  case S_HEADER:
    if(n)
      header_line(p, s, n, line_bytes);
    else
      head_over(p);
    break;
  case S_CHUNK_SIZE:
    chunk_size(p, s, n);
    break;
  case S_CHUNK_END:
    if(n)
      fail(p, "bad_chunk_end");
    else
      p->state = S_CHUNK_SIZE;
    break;
  case S_TRAILER:
    if(!n)
      p->state = S_DONE;        /* trailers are skipped, never kept */
    break;
  default:
    break;
  }
}

/* Reads up to one line end from data; a whole line is handled in place
 * when nothing of it was buffered. Returns the bytes consumed. */
static size_t line_step(struct prb_h1p *p, const unsigned char *data,
                        size_t n)
{
  const unsigned char *nl = memchr(data, '\n', n);
  size_t take = nl ? (size_t)(nl - data) + 1 : n;
  if(in_head(p)) {
    p->head_bytes += take;
    if(p->head_bytes > PRB_HEAD_MAX) {
      fail(p, p->state == S_TRAILER ? "trailers_too_large" :
              "head_too_large");
      return take;
    }
  }
  /* An early look: a response that does not start as HTTP/1.x never
   * will, however long we wait for its line to end. */
  if(p->state == S_STATUS && p->line.len < 5) {
    size_t have = p->line.len;
    size_t cmp = 5 - have < take ? 5 - have : take;
    if(memcmp(data, "HTTP/" + have, cmp)) {
      fail(p, "bad_status_line");
      return take;
    }
  }
  if(nl && !p->line.len && !p->line_long && take - 1 <= p->line.max) {
    dispatch_line(p, (const char *)data, take - 1, take);
    return take;
  }
  size_t body = nl ? take - 1 : take;
  size_t room = p->line.max - p->line.len;
  size_t keep = body < room ? body : room;
  if(keep && prb_buf_add(&p->line, data, keep) != PRB_BUF_OK) {
    p->state = S_FAILED;
    p->req->failure = PRB_FAIL_UNKNOWN;
    return take;
  }
  if(keep < body) {
    p->line_long = true;
    /* A status or chunk line this long is no HTTP: no need to wait for
     * its end. */
    if(p->state == S_STATUS) {
      fail(p, "status_line_too_long");
      return take;
    }
    if(p->state == S_CHUNK_SIZE || p->state == S_CHUNK_END) {
      fail(p, p->state == S_CHUNK_SIZE ? "bad_chunk_size" : "bad_chunk_end");
      return take;
    }
  }
  if(nl) {
    size_t line_bytes = p->line.len + 1;
    dispatch_line(p, p->line.p ? p->line.p : "", p->line.len, line_bytes);
    p->line.len = 0;
    p->line_long = false;
  }
  return take;
}

enum prb_h1p_status prb_h1p_feed(struct prb_h1p *p, const unsigned char *data,
                                 size_t n)
{
  while(n && p->state != S_DONE && p->state != S_FAILED) {
    size_t used;
    switch(p->state) {
    case S_BODY_CLOSE:
      body_bytes(p, data, n);
      used = n;
      break;
    case S_BODY_LENGTH:
    case S_CHUNK_DATA:
      used = p->left < n ? (size_t)p->left : n;
      body_bytes(p, data, used);
      p->left -= used;
      if(!p->left && p->state == S_BODY_LENGTH)
        p->state = S_DONE;
      else if(!p->left && p->state == S_CHUNK_DATA)
        p->state = S_CHUNK_END;
      break;
    default:
      used = line_step(p, data, n);
      break;
    }
    data += used;
    n -= used;
  }
  return status_of(p);
}

enum prb_h1p_status prb_h1p_eof(struct prb_h1p *p)
{
  if(p->state == S_BODY_CLOSE)
    p->state = S_DONE;
  else if(p->state != S_DONE && p->state != S_FAILED) {
    p->state = S_FAILED;
    p->req->failure = PRB_FAIL_EOF;
  }
  return status_of(p);
}
