/* fuzz_httpd_head.c: servers/httpd_head.c, what our public servers demand
 * of a request's head and who the client is behind our proxy.
 *
 * The input is a request head as lines: the method, the version, then
 * "Name: value" headers (Host, Content-Length, Transfer-Encoding and
 * X-Forwarded-For are counted, names in any case).
 *
 * Properties: prb_head_check() agrees with a slow reference written from
 * the rules in httpd_head.h (digits compared as strings, so no overflow in
 * the reference either), and an accepted length is the announced one, at
 * most the cap; prb_forwarded_last() agrees with a reference built on
 * inet_pton over the last comma-separated entry, both on the last
 * X-Forwarded-For header and on the whole input; the client key is
 * idempotent and keeps no port nor an IPv6 interface half. */
#include "fuzz.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <strings.h>

#include "servers/httpd_head.h"

/* 1*DIGIT, at most max: compared as decimal strings. */
static int ref_length(const char *s, size_t max, size_t *value)
{
  if(!s || !*s)
    return -1;                          /* malformed */
  for(const char *p = s; *p; p++)
    if(!isdigit((unsigned char)*p))
      return -1;
  while(s[0] == '0' && s[1])
    s++;
  char cap[32];
  snprintf(cap, sizeof(cap), "%zu", max);
  size_t n = strlen(s), m = strlen(cap);
  if(n > m || (n == m && strcmp(s, cap) > 0))
    return 1;                           /* over */
  *value = (size_t)strtoull(s, NULL, 10);
  return 0;
}

static unsigned ref_check(const struct prb_head_facts *f, size_t max,
                          size_t *len)
{
  *len = 0;
  const char *m = f->method ? f->method : "";
  if(strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "POST"))
    return 405;
  bool v10 = f->version && !strcmp(f->version, "HTTP/1.0");
  if(!v10 && f->n_host != 1)
    return 400;
  if(f->n_length > 1 || (f->n_length && f->n_transfer_encoding))
    return 400;
  if(f->n_transfer_encoding)
    return 411;
  if(!f->n_length)
    return 0;
  switch(ref_length(f->length, max, len)) {
  case -1:
    return 400;
  case 1:
    *len = 0;
    return 413;
  }
  return 0;
}

static bool ref_port(const char *s)
{
  size_t n = strlen(s);
  if(n < 1 || n > 5)
    return false;
  for(size_t i = 0; i < n; i++)
    if(!isdigit((unsigned char)s[i]))
      return false;
  long v = strtol(s, NULL, 10);
  return v >= 1 && v <= 65535;
}

static bool ref_forwarded(const char *v, size_t len, int *family,
                          unsigned char bytes[16])
{
  size_t start = 0;
  for(size_t i = 0; i < len; i++)
    if(v[i] == ',')
      start = i + 1;
  const char *seg = v + start;
  size_t n = len - start;
  while(n && (*seg == ' ' || *seg == '\t')) {
    seg++;
    n--;
  }
  while(n && (seg[n - 1] == ' ' || seg[n - 1] == '\t'))
    n--;
  char s[64];
  if(!n || n >= sizeof(s) || memchr(seg, '\0', n))
    return false;
  memcpy(s, seg, n);
  s[n] = '\0';
  if(inet_pton(AF_INET, s, bytes) == 1) {
    *family = AF_INET;
    return true;
  }
  if(inet_pton(AF_INET6, s, bytes) == 1) {
    *family = AF_INET6;
    return true;
  }
  *family = AF_INET6;
  if(s[0] == '[') {
    char *close = strchr(s, ']');
    if(!close)
      return false;
    *close = '\0';
    if(inet_pton(AF_INET6, s + 1, bytes) != 1)
      return false;
    return !close[1] || (close[1] == ':' && ref_port(close + 2));
  }
  char *colon = strrchr(s, ':');
  if(!colon)
    return false;
  *colon = '\0';
  *family = AF_INET;
  return inet_pton(AF_INET, s, bytes) == 1 && ref_port(colon + 1);
}

static void check_forwarded(const char *v, size_t len)
{
  struct prb_addr a;
  unsigned char bytes[16];
  int family = 0;
  bool got = prb_forwarded_last(v, len, &a);
  bool want = ref_forwarded(v, len, &family, bytes);
  FUZZ_CHECK(got == want);
  if(!got)
    return;
  FUZZ_CHECK(a.family == family && a.port == 0);
  FUZZ_CHECK(!memcmp(a.bytes, bytes, family == AF_INET ? 4 : 16));

  struct prb_addr k1, k2;
  prb_client_key(&a, &k1);
  prb_client_key(&k1, &k2);
  FUZZ_CHECK(!memcmp(&k1, &k2, sizeof(k1)) && k1.port == 0);
  static const unsigned char zero[12];
  FUZZ_CHECK(!memcmp(k1.bytes + (k1.family == AF_INET ? 4 : 8), zero,
                     k1.family == AF_INET ? 12 : 8));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_in in = {data, data + size};
  const uint8_t *p;
  size_t n;
  char *lines[3] = {NULL, NULL, NULL};  /* method, version, length */
  char *xff = NULL;
  size_t xff_len = 0;
  struct prb_head_facts f;
  memset(&f, 0, sizeof(f));
  n = fuzz_take(&in, '\n', &p);
  f.method = lines[0] = fuzz_strndup(p, n);
  n = fuzz_take(&in, '\n', &p);
  f.version = lines[1] = fuzz_strndup(p, n);
  while(fuzz_more(&in)) {
    n = fuzz_take(&in, '\n', &p);
    const uint8_t *colon = memchr(p, ':', n);
    if(!colon)
      continue;
    size_t name_len = (size_t)(colon - p);
    const uint8_t *val = colon + 1;
    size_t val_len = n - name_len - 1;
    while(val_len && *val == ' ') {
      val++;
      val_len--;
    }
    char *name = fuzz_strndup(p, name_len);
    if(!strcasecmp(name, "Host"))
      f.n_host++;
    else if(!strcasecmp(name, "Content-Length")) {
      if(!f.n_length++)
        f.length = lines[2] = fuzz_strndup(val, val_len);
    }
    else if(!strcasecmp(name, "Transfer-Encoding"))
      f.n_transfer_encoding++;
    else if(!strcasecmp(name, "X-Forwarded-For")) {
      free(xff);
      xff = fuzz_strndup(val, val_len);
      xff_len = val_len;
    }
    free(name);
  }

  size_t max = size % 7 == 0 ? SIZE_MAX : (size * 977u) % 100000u;
  size_t len, ref_len;
  const char *why = NULL;
  unsigned got = prb_head_check(&f, max, &len, &why);
  unsigned want = ref_check(&f, max, &ref_len);
  FUZZ_CHECK(got == want);
  FUZZ_CHECK(got ? why && why[0] : why == NULL);
  FUZZ_CHECK(len == ref_len && len <= max);

  if(xff)
    check_forwarded(xff, xff_len);
  check_forwarded((const char *)data, size);
  free(xff);
  for(int i = 0; i < 3; i++)
    free(lines[i]);
  return 0;
}
