/* http1_parse.h: an HTTP/1.x response, parsed as its bytes arrive.
 *
 * Pure: bytes in, a struct prb_http_request filled; no I/O, no clock, so
 * the unit tests can feed it any hostile response in any slicing.
 *
 * Strict where framing is concerned, since a wrong guess would keep the
 * wrong bytes as the page: the status line ("HTTP/1.0" or "HTTP/1.1", a
 * three-digit code), Content-Length (digits only; several values must
 * agree), Transfer-Encoding (chunked at most once; chunked last, else the
 * body runs to the close), chunk sizes (hex, at most 15 digits) and the
 * line end after each chunk. Lenient where browsers are: bare LF line
 * ends, header lines without a colon skipped, 1xx interim responses
 * skipped. Bounded everywhere: head bytes (PRB_HEAD_MAX, interim responses
 * and trailers included), one line (PRB_LINE_MAX), header bytes and lines
 * kept (PRB_HEADERS_MAX, PRB_MAX_HEADERS: headers_truncated), the body kept
 * (PRB_BODY_MAX, PRB_REDIRECT_BODY_MAX for 3xx: body_is_truncated), and
 * the count past it (PRB_BODY_COUNT_MAX). A body is never decoded.
 */
#ifndef PRB_HTTP1_PARSE_H
#define PRB_HTTP1_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "ooni/obs.h"

enum prb_h1p_status {
  PRB_H1P_MORE,                 /* feed more bytes */
  PRB_H1P_DONE,                 /* the response is complete, or enough of
                                   it is kept: stop reading */
  PRB_H1P_FAILED                /* req->failure says why */
};

/* The parser's state; its fields are its own (in the header only so that
 * callers can embed it). */
struct prb_h1p {
  struct prb_http_request *req;
  int state;
  bool count_body, counting;
  struct prb_buf line;          /* the line being read */
  bool line_long;               /* ... was longer than PRB_LINE_MAX */
  size_t head_bytes;            /* status lines, headers, trailers */
  size_t kept_bytes;            /* header bytes kept */
  int interim;                  /* 1xx responses skipped */
  long code;
  bool have_length, te, te_chunked, last_framing;
  uint64_t length;              /* Content-Length */
  uint64_t left;                /* body or chunk bytes still owed */
  size_t limit;                 /* body bytes kept for this response */
  size_t body_cap;              /* req->body's allocation */
};

/* Starts reading a response into req (already zeroed or holding what was
 * sent; its response fields are the parser's). count_body: past the kept
 * cap, count a page's (not a redirect's) bytes into req->body_counted up
 * to PRB_BODY_COUNT_MAX instead of stopping (the helper's real length). */
void prb_h1p_init(struct prb_h1p *p, struct prb_http_request *req,
                  bool count_body);

/* Frees the parser's own memory (not req's). */
void prb_h1p_free(struct prb_h1p *p);

/* Reads n more bytes of the response. Once DONE or FAILED, more bytes are
 * ignored and the same status is returned. */
enum prb_h1p_status prb_h1p_feed(struct prb_h1p *p, const unsigned char *data,
                                 size_t n);

/* The peer closed the connection: DONE when that ends the response (a
 * body that runs to the close), else FAILED with eof_error (no response,
 * or a head, length or chunk still owed). */
enum prb_h1p_status prb_h1p_eof(struct prb_h1p *p);

/* True while the body is only being counted past the kept cap: running
 * out of time then is no failure of the fetch. */
bool prb_h1p_counting(const struct prb_h1p *p);

#endif
