/* httpd_head.c: the head checks and the forwarded client (httpd_head.h). */
#include "servers/httpd_head.h"

#include <string.h>

static unsigned refuse(const char **why, const char *reason, unsigned status)
{
  *why = reason;
  return status;
}

/* 1*DIGIT, its value in *n; false for anything else or a value over max
 * (so no overflow is possible). */
static bool parse_length(const char *s, size_t max, size_t *n, bool *over)
{
  *n = 0;
  *over = false;
  if(!s || !*s)
    return false;
  for(; *s; s++) {
    if(*s < '0' || *s > '9')
      return false;
    if(*over)
      continue;
    size_t d = (size_t)(*s - '0');
    if(*n > (max - d) / 10) {
      *over = true;             /* still check the rest are digits */
      continue;
    }
    *n = *n * 10 + d;
  }
  return true;
}

unsigned prb_head_check(const struct prb_head_facts *f, size_t body_max,
                        size_t *body_len, const char **why)
{
  *body_len = 0;
  *why = NULL;
  const char *m = f->method ? f->method : "";
  if(strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "POST"))
    return refuse(why, "method not allowed: use GET, HEAD or POST", 405);
  bool http10 = f->version && !strcmp(f->version, "HTTP/1.0");
  if(!http10 && f->n_host != 1)
    return refuse(why, f->n_host ? "more than one Host header" :
                  "an HTTP/1.1 request needs a Host header", 400);
  if(f->n_length > 1)
    return refuse(why, "more than one Content-Length", 400);
  if(f->n_transfer_encoding)
    return f->n_length ?
      refuse(why, "Content-Length and Transfer-Encoding together", 400) :
      refuse(why, "send the body with a Content-Length", 411);
  if(!f->n_length)
    return 0;
  bool over;
  if(!parse_length(f->length, body_max, body_len, &over))
    return refuse(why, "Content-Length is not a number", 400);
  if(over) {
    *body_len = 0;
    return refuse(why, "request body too large", 413);
  }
  return 0;
}

static bool blank(char c)
{
  return c == ' ' || c == '\t';
}

bool prb_forwarded_last(const char *value, size_t len, struct prb_addr *out)
{
  memset(out, 0, sizeof(*out));
  if(!value)
    return false;
  size_t start = len;
  while(start > 0 && value[start - 1] != ',')
    start--;
  const char *s = value + start;
  size_t n = len - start;
  while(n && blank(*s)) {
    s++;
    n--;
  }
  while(n && blank(s[n - 1]))
    n--;
  char entry[PRB_ENDPOINT_MAX];
  if(!n || n >= sizeof(entry) || memchr(s, '\0', n))
    return false;
  memcpy(entry, s, n);
  entry[n] = '\0';
  /* an address, "[v6]", or "ip:port" / "[v6]:port" */
  if(prb_addr_parse(entry, out) ||
     (entry[0] == '[' && entry[n - 1] == ']' &&
      prb_addr_parse_n(entry + 1, n - 2, out) && out->family == AF_INET6) ||
     prb_addr_parse_endpoint(entry, false, out) == 0) {
    out->port = 0;
    return true;
  }
  memset(out, 0, sizeof(*out));
  return false;
}

void prb_client_key(const struct prb_addr *a, struct prb_addr *key)
{
  *key = *a;
  key->port = 0;
  prb_addr_unmap(key);
  if(key->family == AF_INET6)
    memset(key->bytes + 8, 0, 8);
  else
    memset(key->bytes + 4, 0, 12);
}
