/* test_http1_parse.c: the HTTP/1.x response parser (engine/http1_parse.c)
 * against a table of well-formed and hostile responses, each fed whole,
 * byte by byte and in pseudo-random slices (the result must not depend on
 * how the network cut the bytes); then a bounded run of mutated inputs
 * that must keep every cap and invariant (a plain-C stand-in for a fuzz
 * harness, replayed in every build, ASan included). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/caps.h"
#include "engine/http1_parse.h"
#include "ooni/failure.h"
#include "ooni/obs.h"

/* What a parse ended with, to compare slicings and check expectations. */
struct outcome {
  enum prb_h1p_status status;
  const char *failure, *perr;
  long code;
  size_t body_len, counted, n_headers;
  bool truncated, headers_truncated;
  uint64_t body_sum, header_sum; /* FNV-1a of the bytes kept */
  char body_head[64];
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for(size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

static uint32_t rnd_state;

static uint32_t rnd(void)
{
  rnd_state = rnd_state * 1664525u + 1013904223u;
  return rnd_state >> 8;
}

/* slicing: 0 whole, 1 byte by byte, else pseudo-random slices (seed). */
static void parse(const unsigned char *in, size_t n, bool eof, bool count,
                  unsigned slicing, struct outcome *o)
{
  struct prb_http_request req;
  struct prb_h1p p;
  memset(&req, 0, sizeof(req));
  prb_h1p_init(&p, &req, count);
  enum prb_h1p_status st = PRB_H1P_MORE;
  rnd_state = slicing;
  for(size_t off = 0; off < n;) {
    size_t take = slicing == 0 ? n - off : slicing == 1 ? 1 :
                  1 + rnd() % 4096;
    if(take > n - off)
      take = n - off;
    st = prb_h1p_feed(&p, in + off, take);
    off += take;
  }
  if(eof)
    st = prb_h1p_eof(&p);
  /* Once over, more bytes change nothing. */
  if(st != PRB_H1P_MORE) {
    size_t before = req.body_len;
    CHECK(prb_h1p_feed(&p, (const unsigned char *)"HTTP/1.1 200 OK\r\n\r\nx",
                       20) == st);
    CHECK(req.body_len == before);
  }
  memset(o, 0, sizeof(*o));
  o->status = st;
  o->failure = req.failure;
  o->perr = req.protocol_error;
  o->code = req.code;
  o->body_len = req.body_len;
  o->counted = req.body_counted;
  o->n_headers = req.n_headers;
  o->truncated = req.body_is_truncated;
  o->headers_truncated = req.headers_truncated;
  o->body_sum = fnv(14695981039346656037ull, req.body, req.body_len);
  o->header_sum = 14695981039346656037ull;
  for(size_t i = 0; i < req.n_headers; i++) {
    o->header_sum = fnv(o->header_sum, req.headers[i].name,
                        req.headers[i].name_len + 1);
    o->header_sum = fnv(o->header_sum, req.headers[i].value,
                        req.headers[i].value_len + 1);
  }
  size_t k = req.body_len < sizeof(o->body_head) - 1 ? req.body_len :
             sizeof(o->body_head) - 1;
  if(k)
    memcpy(o->body_head, req.body, k);
  /* Invariants whatever came in. */
  CHECK(req.body_len <= PRB_BODY_MAX);
  CHECK(req.n_headers <= PRB_MAX_HEADERS);
  CHECK(req.body_counted <= PRB_BODY_COUNT_MAX + 16384 + n);
  CHECK((st == PRB_H1P_FAILED) == (req.failure != NULL));
  CHECK(!req.protocol_error || (req.failure && !strcmp(req.failure,
                                                       PRB_FAIL_HTTP)));
  CHECK(req.code == 0 || (req.code >= 200 && req.code <= 999));
  prb_h1p_free(&p);
  prb_obs_request_free(&req);
}

static bool same(const struct outcome *a, const struct outcome *b)
{
  return a->status == b->status && a->failure == b->failure &&
         a->perr == b->perr && a->code == b->code &&
         a->body_len == b->body_len && a->counted == b->counted &&
         a->n_headers == b->n_headers && a->truncated == b->truncated &&
         a->headers_truncated == b->headers_truncated &&
         a->body_sum == b->body_sum && a->header_sum == b->header_sum;
}

/* Parses in every slicing; they must agree. Returns the whole-feed one. */
static void parse_all(const char *name, const unsigned char *in, size_t n,
                      bool eof, bool count, struct outcome *o)
{
  parse(in, n, eof, count, 0, o);
  static const unsigned slicings[] = {1, 7, 1234567};
  for(size_t i = 0; i < sizeof(slicings) / sizeof(slicings[0]); i++) {
    struct outcome other;
    parse(in, n, eof, count, slicings[i], &other);
    if(!same(o, &other))
      fprintf(stderr, "%s: slicing %u gives another result\n", name,
              slicings[i]);
    CHECK(same(o, &other));
  }
}

/* ---- the table ---------------------------------------------------------- */

enum { MORE = PRB_H1P_MORE, DONE = PRB_H1P_DONE, FAILED = PRB_H1P_FAILED };
#define ANY -1

struct tcase {
  const char *name;
  const char *in;
  bool eof;                     /* the peer closes after these bytes */
  int status;
  const char *failure;          /* NULL: none */
  const char *perr;             /* protocol_error, NULL: none */
  long code;
  const char *body;             /* NULL: not checked */
  int n_headers;                /* ANY: not checked */
};

static const struct tcase cases[] = {
  /* well-formed */
  {"length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false,
   DONE, NULL, NULL, 200, "hello", 1},
  {"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\nX-A: b\n\nhi", false,
   DONE, NULL, NULL, 200, "hi", 2},
  {"no reason", "HTTP/1.0 404\r\nContent-Length: 0\r\n\r\n", false, DONE,
   NULL, NULL, 404, "", 1},
  {"LinkedIn's 999", "HTTP/1.1 999 Request denied\r\nContent-Length: 1\r\n"
   "\r\nx", false, DONE, NULL, NULL, 999, "x", 1},
  {"length, more to come", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhel",
   false, MORE, NULL, NULL, 200, "hel", 1},
  {"bytes after the response", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
   "okHTTP/1.1 500 X\r\n\r\n", false, DONE, NULL, NULL, 200, "ok", 1},
  {"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
   "5\r\nhello\r\n6;name=\"v\"\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
   false, DONE, NULL, NULL, 200, "hello world", 1},
  {"chunked hex case, zeros, BWS", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "Chunked\r\n\r\n000A \r\n0123456789\r\n0\r\n\r\n", false, DONE, NULL,
   NULL, 200, "0123456789", 1},
  {"chunked, bare LF", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n"
   "3\nabc\n0\n\n", false, DONE, NULL, NULL, 200, "abc", 1},
  {"gzip then chunked: chunked framing, raw gzip bytes",
   "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
   "4\r\n\x1f\x8b\x08\x08\r\n0\r\n\r\n", false, DONE, NULL, NULL, 200,
   "\x1f\x8b\x08\x08", 1},
  {"chunked then gzip: read to the close",
   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc",
   true, DONE, NULL, NULL, 200, "3\r\nabc", 1},
  {"Transfer-Encoding beats Content-Length",
   "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n"
   "\r\n2\r\nok\r\n0\r\n\r\n", false, DONE, NULL, NULL, 200, "ok", 2},
  {"to the close", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody", true, DONE,
   NULL, NULL, 200, "body", 1},
  {"to the close, still open", "HTTP/1.0 200 OK\r\n\r\nbody", false, MORE,
   NULL, NULL, 200, "body", 0},
  {"204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n",
   false, DONE, NULL, NULL, 204, "", 1},
  {"304 has no body", "HTTP/1.1 304 Not Modified\r\n\r\n", false, DONE,
   NULL, NULL, 304, "", 0},
  {"100 Continue skipped", "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, DONE, NULL,
   NULL, 200, "ok", 1},
  {"103 Early Hints skipped", "HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n"
   "\r\nHTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
   false, DONE, NULL, NULL, 302, "", 2},
  {"same Content-Length twice", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
   "Content-Length: 2\r\n\r\nok", false, DONE, NULL, NULL, 200, "ok", 2},
  {"Content-Length list of one value", "HTTP/1.1 200 OK\r\nContent-Length: "
   "2 , 2\r\n\r\nok", false, DONE, NULL, NULL, 200, "ok", 1},
  {"header without colon, empty name, fold: skipped",
   "HTTP/1.1 200 OK\r\nnonsense\r\n: v\r\nX-A: 1\r\n  folded\r\n"
   "Content-Length: 1\r\n\r\nz", false, DONE, NULL, NULL, 200, "z", 2},
  {"binary body", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\xff\x00\xfe"
   "\x01", false, DONE, NULL, NULL, 200, NULL, 1},

  /* not HTTP/1.x */
  {"HTTP/2", "HTTP/2 200\r\n\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_status_line", 0, NULL, ANY},
  {"HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_status_line", 0, NULL, ANY},
  {"two-digit code", "HTTP/1.1 20 OK\r\n\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_status_line", 0, NULL, ANY},
  {"four-digit code", "HTTP/1.1 2000 OK\r\n\r\n", false, FAILED,
   PRB_FAIL_HTTP, "bad_status_line", 0, NULL, ANY},
  {"code under 100", "HTTP/1.1 099 Low\r\n\r\n", false, FAILED,
   PRB_FAIL_HTTP, "bad_status_code", 0, NULL, ANY},
  {"101 unasked", "HTTP/1.1 101 Switching Protocols\r\n\r\n", false, FAILED,
   PRB_FAIL_HTTP, "bad_status_code", 0, NULL, ANY},
  {"ICY, no line end yet", "ICY 200 OK", false, FAILED, PRB_FAIL_HTTP,
   "bad_status_line", 0, NULL, ANY},
  {"HTML straight away (HTTP/0.9)", "<html><body>", false, FAILED,
   PRB_FAIL_HTTP, "bad_status_line", 0, NULL, ANY},
  {"blank line first", "\r\nHTTP/1.1 200 OK\r\n\r\n", false, FAILED,
   PRB_FAIL_HTTP, "bad_status_line", 0, NULL, ANY},
  {"TLS bytes on a plain connection", "\x16\x03\x01\x00\x05hello", false,
   FAILED, PRB_FAIL_HTTP, "bad_status_line", 0, NULL, ANY},

  /* framing */
  {"conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
   "Content-Length: 6\r\n\r\nhello!", false, FAILED, PRB_FAIL_HTTP,
   "content_length_conflict", 200, "", ANY},
  {"conflicting Content-Length list", "HTTP/1.1 200 OK\r\nContent-Length: "
   "5, 6\r\n\r\nhello", false, FAILED, PRB_FAIL_HTTP,
   "content_length_conflict", 200, "", ANY},
  {"negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n"
   "\r\n", false, FAILED, PRB_FAIL_HTTP, "bad_content_length", 200, "", ANY},
  {"signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n",
   false, FAILED, PRB_FAIL_HTTP, "bad_content_length", 200, "", ANY},
  {"hex Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
   false, FAILED, PRB_FAIL_HTTP, "bad_content_length", 200, "", ANY},
  {"empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
   false, FAILED, PRB_FAIL_HTTP, "bad_content_length", 200, "", ANY},
  {"Content-Length empty list item", "HTTP/1.1 200 OK\r\nContent-Length: "
   "5,\r\n\r\n", false, FAILED, PRB_FAIL_HTTP, "bad_content_length", 200, "",
   ANY},
  {"Content-Length of 19 digits", "HTTP/1.1 200 OK\r\nContent-Length: "
   "1000000000000000000\r\n\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_content_length", 200, "", ANY},
  {"Content-Length of 2^64", "HTTP/1.1 200 OK\r\nContent-Length: "
   "18446744073709551616\r\n\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_content_length", 200, "", ANY},
  {"chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked"
   "\r\n\r\n", false, FAILED, PRB_FAIL_HTTP, "chunked_twice", 200, "", ANY},
  {"chunked twice, two headers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "chunked\r\nTransfer-Encoding: chunked\r\n\r\n", false, FAILED,
   PRB_FAIL_HTTP, "chunked_twice", 200, "", ANY},
  {"folded Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n 6\r\n"
   "\r\n", false, FAILED, PRB_FAIL_HTTP, "folded_framing_header", 200, "",
   ANY},
  {"chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
   "\r\nzz\r\n", false, FAILED, PRB_FAIL_HTTP, "bad_chunk_size", 200, "",
   ANY},
  {"chunk size empty", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
   "\r\n\r\n", false, FAILED, PRB_FAIL_HTTP, "bad_chunk_size", 200, "", ANY},
  {"chunk size with a leading space", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "chunked\r\n\r\n 5\r\nhello\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_chunk_size", 200, "", ANY},
  {"chunk size negative", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
   "\r\n-1\r\n", false, FAILED, PRB_FAIL_HTTP, "bad_chunk_size", 200, "",
   ANY},
  {"chunk size then junk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
   "\r\n5 x\r\n", false, FAILED, PRB_FAIL_HTTP, "bad_chunk_size", 200, "",
   ANY},
  {"chunk size of 16 hex digits", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "chunked\r\n\r\n1000000000000000\r\n", false, FAILED, PRB_FAIL_HTTP,
   "chunk_size_overflow", 200, "", ANY},
  {"chunk size of 2^64-1", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
   "\r\nffffffffffffffff\r\n", false, FAILED, PRB_FAIL_HTTP,
   "chunk_size_overflow", 200, "", ANY},
  {"huge chunk, then the close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "chunked\r\n\r\nfffffffffffffff\r\nabc", true, FAILED, PRB_FAIL_EOF, NULL,
   200, "abc", ANY},
  {"chunk without its line end", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n", false, FAILED, PRB_FAIL_HTTP,
   "bad_chunk_end", 200, "hello", ANY},

  /* the peer closes early */
  {"nothing at all", "", true, FAILED, PRB_FAIL_EOF, NULL, 0, "", 0},
  {"closed in the status line", "HTTP/1.1 2", true, FAILED, PRB_FAIL_EOF,
   NULL, 0, "", 0},
  {"closed in the headers", "HTTP/1.1 200 OK\r\nServer: x\r\n", true, FAILED,
   PRB_FAIL_EOF, NULL, 200, "", 1},
  {"closed in a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: "
   "10\r\n\r\nabc", true, FAILED, PRB_FAIL_EOF, NULL, 200, "abc", 1},
  {"closed in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
   "\r\n5\r\nhe", true, FAILED, PRB_FAIL_EOF, NULL, 200, "he", 1},
  {"closed before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
   "chunked\r\n\r\n2\r\nhe\r\n", true, FAILED, PRB_FAIL_EOF, NULL, 200, "he",
   1},
  {"closed in an interim response", "HTTP/1.1 100 Continue\r\n\r\n", true,
   FAILED, PRB_FAIL_EOF, NULL, 0, "", 0},
};

static void run_table(void)
{
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct tcase *t = &cases[i];
    struct outcome o;
    /* The binary body holds a NUL: its length is the head's and 4. */
    size_t n = strlen(t->in);
    if(!strcmp(t->name, "binary body"))
      n = strlen("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n") + 4;
    parse_all(t->name, (const unsigned char *)t->in, n, t->eof, false, &o);
    bool ok = (int)o.status == t->status &&
              (t->failure ? o.failure && !strcmp(o.failure, t->failure) :
               !o.failure) &&
              (t->perr ? o.perr && !strcmp(o.perr, t->perr) : !o.perr) &&
              o.code == t->code &&
              (!t->body || (o.body_len == strlen(t->body) &&
                            !memcmp(o.body_head, t->body, o.body_len))) &&
              (t->n_headers == ANY || (int)o.n_headers == t->n_headers);
    if(!ok)
      fprintf(stderr, "case \"%s\": status %d failure %s error %s code %ld "
              "body %zu \"%.*s\" headers %zu\n", t->name, (int)o.status,
              o.failure ? o.failure : "-", o.perr ? o.perr : "-", o.code,
              o.body_len, (int)o.body_len, o.body_head, o.n_headers);
    CHECK(ok);
  }
}

/* ---- generated: caps and floods --------------------------------------- */

struct gen {
  unsigned char *p;
  size_t n, cap;
};

static void put(struct gen *g, const void *s, size_t n)
{
  if(g->n + n > g->cap) {
    g->cap = (g->n + n) * 2;
    g->p = realloc(g->p, g->cap);
    if(!g->p)
      abort();
  }
  memcpy(g->p + g->n, s, n);
  g->n += n;
}

static void puts_(struct gen *g, const char *s)
{
  put(g, s, strlen(s));
}

static void fill(struct gen *g, char c, size_t n)
{
  char block[4096];
  memset(block, c, sizeof(block));
  while(n) {
    size_t k = n < sizeof(block) ? n : sizeof(block);
    put(g, block, k);
    n -= k;
  }
}

static void test_body_caps(void)
{
  struct gen g = {0};
  struct outcome o;
  /* A page longer than the cap: kept to it, truncated, no failure, and
   * reading stops there. */
  puts_(&g, "HTTP/1.1 200 OK\r\nContent-Length: 700000\r\n\r\n");
  fill(&g, 'a', 700000);
  parse_all("page over the cap", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_DONE && !o.failure);
  CHECK_INT(o.body_len, PRB_BODY_MAX);
  CHECK(o.truncated);
  CHECK_INT(o.counted, 0);
  /* The helper counts it all (a page's real length). */
  parse_all("page over the cap, counted", g.p, g.n, false, true, &o);
  CHECK(o.status == PRB_H1P_DONE && !o.failure);
  CHECK_INT(o.body_len, PRB_BODY_MAX);
  CHECK_INT(o.counted, 700000);
  CHECK(o.truncated);
  /* Exactly the cap is not truncated. */
  g.n = 0;
  char head[128];
  snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n",
           PRB_BODY_MAX);
  puts_(&g, head);
  fill(&g, 'b', PRB_BODY_MAX);
  parse_all("page of the cap", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_DONE && !o.truncated);
  CHECK_INT(o.body_len, PRB_BODY_MAX);
  /* A redirect keeps less, counted or not. */
  g.n = 0;
  puts_(&g, "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n");
  fill(&g, 'r', 100000);
  parse_all("long redirect body", g.p, g.n, false, true, &o);
  CHECK(o.status == PRB_H1P_DONE && o.truncated);
  CHECK_INT(o.code, 302);
  CHECK_INT(o.body_len, PRB_REDIRECT_BODY_MAX);
  CHECK_INT(o.counted, 0);
  /* A body that never ends is counted to PRB_BODY_COUNT_MAX, then left. */
  g.n = 0;
  puts_(&g, "HTTP/1.0 200 OK\r\n\r\n");
  fill(&g, 'e', PRB_BODY_COUNT_MAX + 100000);
  parse(g.p, g.n, false, true, 0, &o);
  CHECK(o.status == PRB_H1P_DONE && !o.failure && o.truncated);
  CHECK(o.counted >= PRB_BODY_COUNT_MAX);
  /* Chunked past the cap, in small chunks. */
  g.n = 0;
  puts_(&g, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  for(int i = 0; i < 200; i++) {
    puts_(&g, "1000\r\n");
    fill(&g, 'c', 4096);
    puts_(&g, "\r\n");
  }
  puts_(&g, "0\r\n\r\n");
  parse_all("chunked over the cap", g.p, g.n, false, true, &o);
  CHECK(o.status == PRB_H1P_DONE && !o.failure && o.truncated);
  CHECK_INT(o.counted, 200 * 4096);
  CHECK_INT(o.body_len, PRB_BODY_MAX);
  free(g.p);
}

/* head, then a run of c longer than a line, then tail, parsed. */
static void long_line(struct outcome *o, const char *head, char c,
                      const char *tail)
{
  struct gen g = {0};
  puts_(&g, head);
  fill(&g, c, PRB_LINE_MAX + 10);
  puts_(&g, tail);
  parse_all(head, g.p, g.n, false, false, o);
  free(g.p);
}

static void test_head_caps(void)
{
  struct gen g = {0};
  struct outcome o;
  char line[160];
  /* The lab's header flood: 5,000 headers, ~500 KB: the first 100 kept,
   * then a failure at PRB_HEAD_MAX. */
  puts_(&g, "HTTP/1.1 200 OK\r\n");
  for(int i = 0; i < 5000; i++) {
    snprintf(line, sizeof(line), "X-Flood-%05d: %090d\r\n", i, 0);
    puts_(&g, line);
  }
  puts_(&g, "Content-Length: 3\r\n\r\nok\n");
  parse_all("header flood", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_FAILED);
  CHECK_STR(o.perr, "head_too_large");
  CHECK_INT(o.code, 200);
  CHECK_INT(o.n_headers, PRB_MAX_HEADERS);
  CHECK(o.headers_truncated);
  /* Under the head cap but over the kept bytes: a page, headers cut. */
  g.n = 0;
  puts_(&g, "HTTP/1.1 200 OK\r\n");
  for(int i = 0; i < 60; i++) {
    snprintf(line, sizeof(line), "X-Big-%02d: ", i);
    puts_(&g, line);
    fill(&g, 'v', 1000);
    puts_(&g, "\r\n");
  }
  puts_(&g, "Content-Length: 2\r\n\r\nok");
  parse_all("header bytes over the kept cap", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_DONE && !o.failure);
  CHECK(o.headers_truncated);
  CHECK(o.n_headers < 60);
  CHECK(o.body_len == 2);
  /* One header line longer than a line: skipped and flagged. */
  long_line(&o, "HTTP/1.1 200 OK\r\nX-Long: ", 'l',
            "\r\nContent-Length: 2\r\n\r\nok");
  CHECK(o.status == PRB_H1P_DONE && !o.failure);
  CHECK(o.headers_truncated);
  CHECK_INT(o.n_headers, 1);
  /* ... unless it frames the body. */
  long_line(&o, "HTTP/1.1 200 OK\r\nContent-Length: ", ' ', "2\r\n\r\nok");
  CHECK(o.status == PRB_H1P_FAILED);
  CHECK_STR(o.perr, "framing_header_too_long");
  /* A status line that never ends. */
  long_line(&o, "HTTP/1.1 200 ", 'r', "");
  CHECK(o.status == PRB_H1P_FAILED);
  CHECK_STR(o.perr, "status_line_too_long");
  /* Chunk extensions that never end. */
  long_line(&o, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;", 'x',
            "");
  CHECK(o.status == PRB_H1P_FAILED);
  CHECK_STR(o.perr, "bad_chunk_size");
  /* Trailers count against the head cap. */
  g.n = 0;
  puts_(&g, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\nok\r\n0\r\n");
  for(int i = 0; i < 4000; i++) {
    snprintf(line, sizeof(line), "X-Trailer-%04d: %090d\r\n", i, 0);
    puts_(&g, line);
  }
  parse_all("trailer flood", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_FAILED);
  CHECK_STR(o.perr, "trailers_too_large");
  CHECK_INT(o.body_len, 2);
  /* 1xx responses without end. */
  g.n = 0;
  for(int i = 0; i <= PRB_MAX_INTERIM; i++)
    puts_(&g, "HTTP/1.1 100 Continue\r\n\r\n");
  puts_(&g, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  parse_all("interim flood", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_FAILED);
  CHECK_STR(o.perr, "too_many_interim_responses");
  /* ... but PRB_MAX_INTERIM of them are fine. */
  g.n = 0;
  for(int i = 0; i < PRB_MAX_INTERIM; i++)
    puts_(&g, "HTTP/1.1 100 Continue\r\n\r\n");
  puts_(&g, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  parse_all("interim responses", g.p, g.n, false, false, &o);
  CHECK(o.status == PRB_H1P_DONE && o.code == 200);
  free(g.p);
}

/* ---- mutations ----------------------------------------------------------- */

/* Every table input, bytes flipped, dropped, duplicated or cut at random:
 * whatever the parser makes of them, slicings agree and caps hold. */
static void test_mutations(void)
{
  static const char specials[] = "\r\n:; 0fF-,\t";
  unsigned char buf[1024];
  uint32_t seed = 13;
  for(int round = 0; round < 3000; round++) {
    const struct tcase *t = &cases[round % (sizeof(cases) / sizeof(cases[0]))];
    size_t n = strlen(t->in);
    if(n > sizeof(buf) / 2)
      continue;
    memcpy(buf, t->in, n);
    rnd_state = seed;
    int edits = 1 + (int)(rnd() % 4);
    for(int k = 0; k < edits && n; k++) {
      size_t at = rnd() % n;
      switch(rnd() % 4) {
      case 0:
        buf[at] = (unsigned char)rnd();
        break;
      case 1:
        buf[at] = (unsigned char)specials[rnd() % (sizeof(specials) - 1)];
        break;
      case 2:
        memmove(buf + at, buf + at + 1, n - at - 1);
        n--;
        break;
      default:
        if(n < sizeof(buf) - 1) {
          memmove(buf + at + 1, buf + at, n - at);
          n++;
        }
        break;
      }
    }
    bool eof = rnd() % 2, count = rnd() % 2;
    seed = rnd_state;
    struct outcome o;
    parse_all("mutation", buf, n, eof, count, &o);
  }
}

int main(void)
{
  run_table();
  test_body_caps();
  test_head_caps();
  test_mutations();
  return test_summary();
}
