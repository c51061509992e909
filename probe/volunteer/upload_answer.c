/* upload_answer.c: a collector's answer read from its bytes (see
 * upload_answer.h). */
#include "volunteer/upload_answer.h"
#include "common/textclean.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Whether line starts with "name:"; *value then gets the value's bytes
 * (blanks around it and the line end left out). */
static bool header_is(const char *line, size_t len, const char *name,
                      const char **value, size_t *vlen)
{
  size_t n = strlen(name);
  if(len <= n || line[n] != ':' || strncasecmp(line, name, n))
    return false;
  size_t s = n + 1, e = len;
  while(s < e && (line[s] == ' ' || line[s] == '\t'))
    s++;
  while(e > s && (line[e - 1] == '\r' || line[e - 1] == '\n' ||
                  line[e - 1] == ' ' || line[e - 1] == '\t'))
    e--;
  *value = line + s;
  *vlen = e - s;
  return true;
}

void prb_uanswer_header(const char *line, size_t len, struct prb_uheaders *h)
{
  const char *v;
  size_t n;
  if(header_is(line, len, "location", &v, &n))
    prb_log_excerpt(h->location, sizeof(h->location), v, n);
  else if(header_is(line, len, "content-type", &v, &n))
    prb_log_excerpt(h->content_type, sizeof(h->content_type), v, n);
  else if(header_is(line, len, "retry-after", &v, &n)) {
    /* delay-seconds; an HTTP-date (or anything else) asks for nothing */
    unsigned long s = 0;
    size_t i = 0;
    for(; i < n && v[i] >= '0' && v[i] <= '9' && s < 86400; i++)
      s = s * 10 + (unsigned long)(v[i] - '0');
    h->retry_after = i > 0 && s > 0 && s < 86400 ? (unsigned)s : 0;
  }
}

/* What the answer's body looks like, for a log line. */
static void describe(const char *body, size_t len, const char *ct,
                     char *out, size_t outlen)
{
  char excerpt[160];
  prb_log_excerpt(excerpt, sizeof(excerpt), body, len);
  json_t *j = json_loadb(body, len, 0, NULL);
  const char *err = json_string_value(json_object_get(j, "error"));
  if(err)
    prb_log_excerpt(out, outlen, err, strlen(err));
  else if(!len)
    snprintf(out, outlen, "an empty answer");
  else if(strstr(ct, "html") || strstr(excerpt, "<html") ||
          strstr(excerpt, "<!DOCTYPE") || strstr(excerpt, "<!doctype"))
    snprintf(out, outlen, "an HTML page, not the collector's JSON (a "
             "captive portal or a proxy?): %s", excerpt);
  else if(!j)
    snprintf(out, outlen, "malformed JSON: %s", excerpt);
  else
    snprintf(out, outlen, "%s", excerpt);
  json_decref(j);
}

void prb_uanswer_read(enum prb_ukind kind, long status, const char *body,
                      size_t len, bool too_big, const struct prb_uheaders *h,
                      struct prb_ures *res)
{
  memset(res, 0, sizeof(*res));
  res->answer = PRB_UA_RETRY;
  res->retry_after = h->retry_after;
  res->status = status;
  if(!body)
    body = "", len = 0;
  char what[400];
  long st = status;
  if(too_big) {
    snprintf(res->reason, sizeof(res->reason), "HTTP %ld with an answer "
             "over %d bytes: not the collector's", st, PRB_UHTTP_ANSWER_MAX);
    return;
  }
  describe(body, len, h->content_type, what, sizeof(what));
  if(st >= 300 && st < 400) {
    snprintf(res->reason, sizeof(res->reason), "HTTP %ld redirect to %s, not "
             "followed: configure the collector's own URL", st,
             h->location[0] ? h->location : "(no Location)");
    return;
  }
  if(st != 200) {
    bool record = kind != PRB_UK_CLOSE && (st == 400 || st == 413 ||
                                           st == 415 || st == 422);
    res->answer = record ? PRB_UA_REFUSED : PRB_UA_RETRY;
    snprintf(res->reason, sizeof(res->reason), "HTTP %ld: %s", st, what);
    return;
  }
  json_t *j = json_loadb(body, len, 0, NULL);
  const char *id = json_string_value(json_object_get(j,
    kind == PRB_UK_OPEN ? "report_id" : "measurement_uid"));
  struct prb_cp_rid rid;
  char why[128];
  if(kind == PRB_UK_CLOSE) {
    res->answer = PRB_UA_OK;
  } else if(id && (kind == PRB_UK_OPEN ?
                   prb_cp_rid_parse(id, &rid, why, sizeof(why)) :
                   prb_cp_uid_valid(id))) {
    res->answer = PRB_UA_OK;
    snprintf(res->id, sizeof(res->id), "%s", id);
  } else if(kind == PRB_UK_SUBMIT && json_is_object(j) &&
            !json_object_size(j)) {
    res->answer = PRB_UA_REFUSED;
    snprintf(res->reason, sizeof(res->reason), "the collector discarded it "
             "(answered {}, as OONI's does for a network it does not "
             "collect)");
  } else {
    snprintf(res->reason, sizeof(res->reason), "HTTP 200 without a %s: %s",
             kind == PRB_UK_OPEN ? "valid report_id" : "valid measurement_uid",
             what);
  }
  json_decref(j);
}
