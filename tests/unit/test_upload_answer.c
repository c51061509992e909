/* test_upload_answer.c: what `accessprobe upload` makes of a collector's
 * answer (volunteer/upload_answer.c): the headers it keeps, read within
 * the line libcurl hands over, and the verdicts. */
#include "check.h"
#include "volunteer/upload_answer.h"

#include <stdlib.h>
#include <string.h>

/* One header line in a buffer of exactly its length (no NUL after it). */
static void header(const char *line, struct prb_uheaders *h)
{
  size_t n = strlen(line);
  char *exact = malloc(n);
  memcpy(exact, line, n);
  prb_uanswer_header(exact, n, h);
  free(exact);
}

static void test_headers(void)
{
  struct prb_uheaders h;
  memset(&h, 0, sizeof(h));
  header("Retry-After: 30\r\n", &h);
  CHECK_INT(h.retry_after, 30);
  header("retry-after:\t7\n", &h);
  CHECK_INT(h.retry_after, 7);
  header("Retry-After: \r\n", &h);            /* nothing: not the next line */
  CHECK_INT(h.retry_after, 0);
  header("Retry-After: 86400\r\n", &h);       /* a day or more: ignored */
  CHECK_INT(h.retry_after, 0);
  header("Retry-After: 99999999999999999999999\r\n", &h);
  CHECK_INT(h.retry_after, 0);
  header("Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n", &h);
  CHECK_INT(h.retry_after, 0);
  header("Retry-After: -5\r\n", &h);
  CHECK_INT(h.retry_after, 0);
  header("Location: http://portal.example/\n", &h);   /* bare LF */
  CHECK_STR(h.location, "http://portal.example/");
  header("location:http://x/\x1b[31m\r\n", &h);
  CHECK_STR(h.location, "http://x/?[31m");
  header("Content-Type: text/html; charset=utf-8\r\n", &h);
  CHECK_STR(h.content_type, "text/html; charset=utf-8");
  header("Content-Typo: x\r\n", &h);
  CHECK_STR(h.content_type, "text/html; charset=utf-8");
}

static struct prb_ures read_answer(enum prb_ukind kind, long status,
                                   const char *body, bool cut,
                                   const struct prb_uheaders *h)
{
  struct prb_ures r;
  prb_uanswer_read(kind, status, body, strlen(body), cut, h, &r);
  return r;
}

static void test_verdicts(void)
{
  struct prb_uheaders h;
  memset(&h, 0, sizeof(h));
  const char *rid = "20261128T101445Z_webconnectivity_KZ_65550_n0_"
                    "qHEJbETtvsgberYc";
  const char *uid = "20261128101445.123456_KZ_webconnectivity_"
                    "0123456789abcdef";
  char body[512];
  snprintf(body, sizeof(body), "{\"report_id\":\"%s\"}", rid);
  struct prb_ures r = read_answer(PRB_UK_OPEN, 200, body, false, &h);
  CHECK_INT(r.answer, PRB_UA_OK);
  CHECK_STR(r.id, rid);
  r = read_answer(PRB_UK_OPEN, 200, body, true, &h);    /* cut: not ours */
  CHECK_INT(r.answer, PRB_UA_RETRY);
  r = read_answer(PRB_UK_OPEN, 200, "{\"report_id\":\"../../x\"}", false, &h);
  CHECK_INT(r.answer, PRB_UA_RETRY);
  CHECK(strstr(r.reason, "valid report_id") != NULL);
  snprintf(body, sizeof(body), "{\"measurement_uid\":\"%s\"}", uid);
  r = read_answer(PRB_UK_SUBMIT, 200, body, false, &h);
  CHECK_INT(r.answer, PRB_UA_OK);
  CHECK_STR(r.id, uid);
  r = read_answer(PRB_UK_SUBMIT, 200, "{}", false, &h);
  CHECK_INT(r.answer, PRB_UA_REFUSED);
  r = read_answer(PRB_UK_SUBMIT, 400, "{\"error\":\"no\\nway\"}", false, &h);
  CHECK_INT(r.answer, PRB_UA_REFUSED);
  CHECK_STR(r.reason, "HTTP 400: no?way");     /* one log line */
  r = read_answer(PRB_UK_CLOSE, 400, "", false, &h);
  CHECK_INT(r.answer, PRB_UA_RETRY);
  header("Retry-After: 30\r\n", &h);
  r = read_answer(PRB_UK_SUBMIT, 503, "{\"error\":\"busy\"}", false, &h);
  CHECK_INT(r.answer, PRB_UA_RETRY);
  CHECK_INT(r.retry_after, 30);
  CHECK_INT(r.status, 503);
  header("Location: http://portal.example/login\r\n", &h);
  r = read_answer(PRB_UK_OPEN, 302, "<html></html>", false, &h);
  CHECK_INT(r.answer, PRB_UA_RETRY);
  CHECK(strstr(r.reason, "redirect to http://portal.example/login") != NULL);
  r = read_answer(PRB_UK_OPEN, 200, "<!DOCTYPE html><p>Accept</p>", false, &h);
  CHECK_INT(r.answer, PRB_UA_RETRY);
  CHECK(strstr(r.reason, "HTML page") != NULL);
  struct prb_ures n;
  prb_uanswer_read(PRB_UK_SUBMIT, 200, NULL, 0, false, &h, &n);
  CHECK_INT(n.answer, PRB_UA_RETRY);
  CHECK(strstr(n.reason, "an empty answer") != NULL);
}

int main(void)
{
  test_headers();
  test_verdicts();
  return test_summary();
}
