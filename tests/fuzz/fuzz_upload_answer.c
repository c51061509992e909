/* fuzz_upload_answer.c: volunteer/upload_answer.c, what `accessprobe
 * upload` makes of a collector's answer (a hostile collector's, a captive
 * portal's or a proxy's bytes). The input reads like the answer itself:
 *
 *   open|submit|close [cut]    (the request it answers, else submit;
 *                               "cut": the answer was over the cap)
 *   HTTP/1.1 NNN reason        (the status: digits after the blank)
 *   Header: value              (each line, CRLF or LF, handed over as
 *   ...                         libcurl would, in a buffer of its size)
 *                              (an empty line)
 *   body...
 *
 * Properties: OK only for HTTP 200 with a report_id prb_cp_rid_parse
 * takes (open), a measurement_uid prb_cp_uid_valid takes (submit), or
 * for a close; the id is the answer's JSON member, as jansson reads it.
 * REFUSED only for 400, 413, 415 or 422 to an open or a submit, or {} to
 * a submit. A cut answer, a redirect or any other status is RETRY. The
 * retry delay is the header's number when it is 1 to 86399, else 0. What
 * goes to the log (reason, location, content type) is terminated
 * printable ASCII within its buffer. */
#include "fuzz.h"

#include <jansson.h>
#include <strings.h>

#include "volunteer/upload_answer.h"

static void printable(const char *s, size_t cap)
{
  const char *end = memchr(s, '\0', cap);
  FUZZ_CHECK(end != NULL);
  for(; s < end; s++)
    FUZZ_CHECK(*s >= 0x20 && *s < 0x7f);
}

/* The header's delay as the header says it: digits only, else 0. */
static unsigned ref_retry_after(const char *line, size_t len)
{
  static const char name[] = "retry-after:";
  size_t i = sizeof(name) - 1;
  if(len < i || strncasecmp(line, name, i))
    return 0;
  while(i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  unsigned long v = 0;
  size_t d = 0;
  for(; i < len && line[i] >= '0' && line[i] <= '9'; i++, d++)
    if(v < 1000000)
      v = v * 10 + (unsigned long)(line[i] - '0');
  return d && v > 0 && v < 86400 ? (unsigned)v : 0;
}

static void check_ok(enum prb_ukind kind, const char *body, size_t len,
                     const struct prb_ures *res)
{
  if(kind == PRB_UK_CLOSE)
    return;
  json_t *j = json_loadb(body, len, 0, NULL);
  const char *id = json_string_value(json_object_get(j,
    kind == PRB_UK_OPEN ? "report_id" : "measurement_uid"));
  FUZZ_CHECK(id && !strcmp(id, res->id));
  struct prb_cp_rid r;
  char why[256];
  if(kind == PRB_UK_OPEN)
    FUZZ_CHECK(prb_cp_rid_parse(res->id, &r, why, sizeof(why)));
  else
    FUZZ_CHECK(prb_cp_uid_valid(res->id));
  json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_in in = {data, data + size};
  const uint8_t *p;
  size_t n = fuzz_take(&in, '\n', &p);
  enum prb_ukind kind = PRB_UK_SUBMIT;
  if(n >= 4 && !memcmp(p, "open", 4))
    kind = PRB_UK_OPEN;
  else if(n >= 5 && !memcmp(p, "close", 5))
    kind = PRB_UK_CLOSE;
  bool too_big = n >= 3 && !memcmp(p + n - 3, "cut", 3);

  long status = 0;                /* the digits after the first blank */
  n = fuzz_take(&in, '\n', &p);
  const uint8_t *sp = memchr(p, ' ', n);
  for(size_t i = sp ? (size_t)(sp - p) + 1 : n, d = 0;
      i < n && d < 3 && p[i] >= '0' && p[i] <= '9'; i++, d++)
    status = status * 10 + (p[i] - '0');

  struct prb_uheaders h;
  memset(&h, 0, sizeof(h));
  unsigned want_retry = 0;
  while(fuzz_more(&in)) {
    const uint8_t *line = in.p;
    n = fuzz_take(&in, '\n', &p);
    if(n == 0 || (n == 1 && p[0] == '\r'))
      break;
    /* the line with its LF, in a buffer of exactly its size */
    size_t len = (size_t)(in.p - line);
    char *copy = malloc(len);
    if(!copy)
      abort();
    memcpy(copy, line, len);
    unsigned before = h.retry_after;
    prb_uanswer_header(copy, len, &h);
    if(len >= 12 && !strncasecmp(copy, "retry-after:", 12))
      want_retry = ref_retry_after(copy, len);
    else
      FUZZ_CHECK(h.retry_after == before);
    FUZZ_CHECK(h.retry_after == want_retry);
    free(copy);
    printable(h.location, sizeof(h.location));
    printable(h.content_type, sizeof(h.content_type));
  }

  /* The body, in a buffer of its size. */
  size_t blen = (size_t)(in.e - in.p);
  char *body = malloc(blen ? blen : 1);
  if(!body)
    abort();
  if(blen)
    memcpy(body, in.p, blen);

  struct prb_ures res;
  prb_uanswer_read(kind, status, body, blen, too_big, &h, &res);
  printable(res.reason, sizeof(res.reason));
  FUZZ_CHECK(memchr(res.id, '\0', sizeof(res.id)) != NULL);
  FUZZ_CHECK(res.status == status && !res.network &&
             res.retry_after == h.retry_after && res.retry_after < 86400);
  if(too_big || (status >= 300 && status < 400))
    FUZZ_CHECK(res.answer == PRB_UA_RETRY);
  switch(res.answer) {
  case PRB_UA_OK:
    FUZZ_CHECK(status == 200 && !too_big);
    check_ok(kind, body, blen, &res);
    break;
  case PRB_UA_REFUSED:
    FUZZ_CHECK(kind != PRB_UK_CLOSE && !too_big && res.reason[0]);
    if(status == 200) {
      json_t *j = json_loadb(body, blen, 0, NULL);
      FUZZ_CHECK(kind == PRB_UK_SUBMIT && json_is_object(j) &&
                 json_object_size(j) == 0);
      json_decref(j);
    } else {
      FUZZ_CHECK(status == 400 || status == 413 || status == 415 ||
                 status == 422);
    }
    break;
  case PRB_UA_RETRY:
    FUZZ_CHECK(res.reason[0] && !res.id[0]);
    FUZZ_CHECK(too_big || status != 200 || kind != PRB_UK_CLOSE);
    break;
  default:
    FUZZ_CHECK(!"an answer is OK, REFUSED or RETRY");
  }
  free(body);
  return 0;
}
