/* url.c: absolute http/https URL parsing, canonical form, and RFC 3986
 * section 5 reference resolution for redirects. */
#include "common/url.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URL_LEN_MAX (PRB_URL_MAX - 1)

static const char hexdig[] = "0123456789ABCDEF";

static int is_alpha(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
  return c >= '0' && c <= '9';
}

static int to_lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive comparison of n bytes of a with the lower-case word b
 * (which is exactly n bytes long). */
static int word_eq(const char *a, size_t n, const char *b)
{
  if(strlen(b) != n)
    return 0;
  for(size_t i = 0; i < n; i++)
    if(to_lower((unsigned char)a[i]) != b[i])
      return 0;
  return 1;
}

static int fail(const char **reason, const char *why)
{
  if(reason)
    *reason = why;
  return -1;
}

int prb_url_default_port(const char *scheme)
{
  return strcmp(scheme, "https") == 0 ? 443 : 80;
}

/* Bounded output buffer; overflow is sticky. */
struct out {
  char *buf;
  size_t size, len;
  int over;
};

static void out_byte(struct out *o, char c)
{
  if(o->len + 1 >= o->size) {
    o->over = 1;
    return;
  }
  o->buf[o->len++] = c;
  o->buf[o->len] = '\0';
}

static void out_mem(struct out *o, const char *s, size_t n)
{
  for(size_t i = 0; i < n; i++)
    out_byte(o, s[i]);
}

/* RFC 3986 5.2.4 on a path without query, writing into o. Works on a
 * private copy because the algorithm rewrites the head of its input. */
static void remove_dot_segments(const char *path, size_t n, struct out *o)
{
  char in[PRB_URL_MAX];
  size_t p = 0;
  if(n >= sizeof in) {
    o->over = 1;
    return;
  }
  memcpy(in, path, n);
  in[n] = '\0';
  while(p < n) {
    const char *s = in + p;
    size_t left = n - p;
    if(left >= 3 && memcmp(s, "../", 3) == 0) {
      p += 3;
    } else if(left >= 2 && memcmp(s, "./", 2) == 0) {
      p += 2;
    } else if(left >= 3 && memcmp(s, "/./", 3) == 0) {
      p += 2;
    } else if(left == 2 && memcmp(s, "/.", 2) == 0) {
      p += 1;
      in[p] = '/';
    } else if((left >= 4 && memcmp(s, "/../", 4) == 0) ||
              (left == 3 && memcmp(s, "/..", 3) == 0)) {
      if(left == 3) {
        p += 2;
        in[p] = '/';
      } else {
        p += 3;
      }
      while(o->len > 0 && o->buf[o->len - 1] != '/')
        o->len--;
      if(o->len > 0)
        o->len--;
      o->buf[o->len] = '\0';
    } else if((left == 1 && s[0] == '.') ||
              (left == 2 && memcmp(s, "..", 2) == 0)) {
      p = n;
    } else {
      size_t k = (s[0] == '/') ? 1 : 0;
      while(k < left && s[k] != '/')
        k++;
      out_mem(o, s, k);
      p += k;
    }
  }
}

/* Path and query: dot segments removed from the path, bytes >= 0x80
 * percent-encoded (and, when encode_space, spaces too). */
static void put_path(const char *s, size_t n, int encode_space, struct out *o)
{
  char tmp[PRB_URL_MAX];
  struct out t = { tmp, sizeof tmp, 0, 0 };
  size_t q = 0;
  tmp[0] = '\0';
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c >= 0x80 || (encode_space && c == ' ')) {
      out_byte(&t, '%');
      out_byte(&t, hexdig[c >> 4]);
      out_byte(&t, hexdig[c & 15]);
    } else {
      out_byte(&t, (char)c);
    }
  }
  if(t.over) {
    o->over = 1;
    return;
  }
  while(q < t.len && tmp[q] != '?')
    q++;
  if(q == 0 || tmp[0] != '/')
    out_byte(o, '/');
  remove_dot_segments(tmp, q, o);
  if(o->len == 0)
    out_byte(o, '/');
  out_mem(o, tmp + q, t.len - q);
}

/* Host text (no brackets, no port) into u->host. */
static int set_host(struct prb_url *u, const char *h, size_t n,
                    const char **reason)
{
  char raw[PRB_HOST_MAX];
  int non_ascii = 0, all_numeric = 1;
  size_t label = 0;

  if(n > 0 && h[n - 1] == '.')  /* "example.org." is example.org */
    n--;
  if(n == 0)
    return fail(reason, "empty host");
  if(n >= sizeof raw)
    return fail(reason, "host longer than 255 bytes");
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)h[i];
    if(c >= 0x80)
      non_ascii = 1;
    else if(c == '%')
      return fail(reason, "percent-encoded host");
    raw[i] = (char)to_lower(c);
  }
  raw[n] = '\0';

  if(non_ascii) {
    char *ascii = NULL;
    int rc = idn2_to_ascii_8z(raw, &ascii,
                              IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if(rc != IDN2_OK || !ascii) {
      free(ascii);
      return fail(reason, "host is not a valid internationalised name");
    }
    size_t an = strlen(ascii);
    if(an >= sizeof u->host) {
      free(ascii);
      return fail(reason, "host longer than 255 bytes");
    }
    for(size_t i = 0; i <= an; i++)
      u->host[i] = (char)to_lower((unsigned char)ascii[i]);
    free(ascii);
  } else {
    memcpy(u->host, raw, n + 1);
  }

  n = strlen(u->host);
  if(n > 253)
    return fail(reason, "host longer than 253 bytes");
  for(size_t i = 0; i < n; i++) {
    int c = (unsigned char)u->host[i];
    if(c == '.') {
      if(label == 0)
        return fail(reason, "empty label in host");
      label = 0;
      continue;
    }
    if(!(is_alpha(c) || is_digit(c) || c == '-' || c == '_'))
      return fail(reason, "invalid character in host");
    if(!is_digit(c))
      all_numeric = 0;
    if(++label > 63)
      return fail(reason, "host label longer than 63 bytes");
  }
  if(label == 0)
    return fail(reason, "empty label in host");
  if(all_numeric) {
    unsigned char a[4];
    if(inet_pton(AF_INET, u->host, a) != 1)
      return fail(reason, "malformed IPv4 address");
    u->host_is_ip = true;
  }
  return 0;
}

static int set_authority(struct prb_url *u, const char *a, size_t n,
                         const char **reason)
{
  const char *port = NULL;
  size_t host_n = n;

  if(memchr(a, '@', n))
    return fail(reason, "userinfo in URL is not accepted");
  if(n == 0)
    return fail(reason, "empty host");

  if(a[0] == '[') {
    const char *end = memchr(a, ']', n);
    char v6[PRB_HOST_MAX];
    unsigned char bin[16];
    size_t vn;
    if(!end)
      return fail(reason, "unterminated IPv6 literal");
    vn = (size_t)(end - a) - 1;
    if(vn == 0 || vn >= sizeof v6)
      return fail(reason, "malformed IPv6 literal");
    memcpy(v6, a + 1, vn);
    v6[vn] = '\0';
    if(inet_pton(AF_INET6, v6, bin) != 1)
      return fail(reason, "malformed IPv6 literal");
    if(!inet_ntop(AF_INET6, bin, u->host, sizeof u->host))
      return fail(reason, "malformed IPv6 literal");
    u->host_is_ip = true;
    u->host_is_ipv6 = true;
    if((size_t)(end - a) + 1 < n) {
      if(end[1] != ':')
        return fail(reason, "junk after IPv6 literal");
      port = end + 2;
    }
  } else {
    const char *colon = memchr(a, ':', n);
    if(colon) {
      host_n = (size_t)(colon - a);
      port = colon + 1;
    }
    if(set_host(u, a, host_n, reason) < 0)
      return -1;
  }

  u->port = prb_url_default_port(u->scheme);
  if(port) {
    size_t pn = n - (size_t)(port - a);
    long v = 0;
    if(pn > 0) {  /* "host:" means the default port (RFC 3986 3.2.3) */
      if(pn > 5)
        return fail(reason, "bad port");
      for(size_t i = 0; i < pn; i++) {
        if(!is_digit((unsigned char)port[i]))
          return fail(reason, "bad port");
        v = v * 10 + (port[i] - '0');
      }
      if(v < 1 || v > 65535)
        return fail(reason, "port out of range");
      u->port = (int)v;
      u->port_explicit = true;
    }
  }
  return 0;
}

/* The scheme at the start of s: its length if it is followed by ':' and
 * made of scheme characters, else 0. */
static size_t scheme_len(const char *s)
{
  size_t i = 0;
  if(!is_alpha((unsigned char)s[0]))
    return 0;
  while(is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
        s[i] == '+' || s[i] == '-' || s[i] == '.')
    i++;
  return s[i] == ':' ? i : 0;
}

static int parse(const char *text, struct prb_url *u, int encode_space,
                 const char **reason)
{
  size_t len = strnlen(text, PRB_URL_MAX);
  size_t sl, i, auth_end, frag;
  struct out o;

  memset(u, 0, sizeof *u);
  if(len > URL_LEN_MAX)
    return fail(reason, "URL longer than 2047 bytes");
  if(len == 0)
    return fail(reason, "empty URL");
  for(i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if(c < 0x20 || c == 0x7f)
      return fail(reason, "control character in URL");
    if(c == ' ' && !encode_space)
      return fail(reason, "space in URL");
    if(c == '\\')
      return fail(reason, "backslash in URL");
  }

  sl = scheme_len(text);
  if(sl == 0)
    return fail(reason, "missing scheme (http:// or https://)");
  if(word_eq(text, sl, "http"))
    memcpy(u->scheme, "http", 5);
  else if(word_eq(text, sl, "https"))
    memcpy(u->scheme, "https", 6);
  else
    return fail(reason, "scheme is not http or https");
  if(strncmp(text + sl, "://", 3) != 0)
    return fail(reason, "missing // after the scheme");

  i = sl + 3;
  frag = i;
  while(frag < len && text[frag] != '#')
    frag++;
  auth_end = i;
  while(auth_end < frag && text[auth_end] != '/' && text[auth_end] != '?')
    auth_end++;
  if(set_authority(u, text + i, auth_end - i, reason) < 0)
    return -1;

  o.buf = u->path;
  o.size = sizeof u->path;
  o.len = 0;
  o.over = 0;
  u->path[0] = '\0';
  put_path(text + auth_end, frag - auth_end, encode_space, &o);
  if(o.over)
    return fail(reason, "URL longer than 2047 bytes after normalisation");
  {
    char check[PRB_URL_MAX];
    if(prb_url_format(u, check, sizeof check) < 0)
      return fail(reason, "URL longer than 2047 bytes after normalisation");
  }
  return 0;
}

int prb_url_parse(const char *text, struct prb_url *out, const char **reason)
{
  return parse(text, out, 0, reason);
}

int prb_url_format(const struct prb_url *u, char *buf, size_t size)
{
  int n;
  char port[8] = "";
  if(u->port != prb_url_default_port(u->scheme))
    snprintf(port, sizeof port, ":%d", u->port);
  n = snprintf(buf, size, "%s://%s%s%s%s%s", u->scheme,
               u->host_is_ipv6 ? "[" : "", u->host,
               u->host_is_ipv6 ? "]" : "", port, u->path);
  if(n < 0 || (size_t)n >= size) {
    if(size > 0)
      buf[0] = '\0';
    return -1;
  }
  return n;
}

int prb_url_canonical(const char *text, char *buf, size_t size,
                      const char **reason)
{
  struct prb_url u;
  if(prb_url_parse(text, &u, reason) < 0)
    return -1;
  if(prb_url_format(&u, buf, size) < 0)
    return fail(reason, "URL longer than the buffer");
  return 0;
}

int prb_url_resolve(const struct prb_url *base, const char *location,
                    struct prb_url *out, const char **reason)
{
  char joined[2 * PRB_URL_MAX];
  struct out o = { joined, sizeof joined, 0, 0 };
  const char *r = location;
  size_t n, sl, frag;
  struct prb_url tmp;

  if(!location)
    return fail(reason, "no redirect target");
  while(*r == ' ' || *r == '\t')
    r++;
  n = strnlen(r, 2 * PRB_URL_MAX);
  if(n > URL_LEN_MAX)
    return fail(reason, "URL longer than 2047 bytes");
  while(n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\t'))
    n--;
  frag = 0;
  while(frag < n && r[frag] != '#')
    frag++;
  n = frag;  /* the fragment never reaches the server */
  joined[0] = '\0';

  sl = scheme_len(r);
  if(sl > 0 && sl < n) {
    if(!word_eq(r, sl, "http") && !word_eq(r, sl, "https"))
      return fail(reason, "redirect to a scheme other than http or https");
    out_mem(&o, r, n);
  } else if(n >= 2 && r[0] == '/' && r[1] == '/') {
    out_mem(&o, base->scheme, strlen(base->scheme));
    out_byte(&o, ':');
    out_mem(&o, r, n);
  } else {
    /* Same authority as base; build it back from its parts. */
    char auth[PRB_HOST_MAX + 16];
    size_t bq = 0;
    if(base->port != prb_url_default_port(base->scheme))
      snprintf(auth, sizeof auth, "%s%s%s:%d", base->host_is_ipv6 ? "[" : "",
               base->host, base->host_is_ipv6 ? "]" : "", base->port);
    else
      snprintf(auth, sizeof auth, "%s%s%s", base->host_is_ipv6 ? "[" : "",
               base->host, base->host_is_ipv6 ? "]" : "");
    out_mem(&o, base->scheme, strlen(base->scheme));
    out_mem(&o, "://", 3);
    out_mem(&o, auth, strlen(auth));
    while(base->path[bq] && base->path[bq] != '?')
      bq++;
    if(n == 0) {
      out_mem(&o, base->path, strlen(base->path));
    } else if(r[0] == '/') {
      out_mem(&o, r, n);
    } else if(r[0] == '?') {
      out_mem(&o, base->path, bq);
      out_mem(&o, r, n);
    } else {
      size_t dir = bq;
      while(dir > 0 && base->path[dir - 1] != '/')
        dir--;
      out_mem(&o, base->path, dir);
      if(dir == 0)
        out_byte(&o, '/');
      out_mem(&o, r, n);
    }
  }
  if(o.over)
    return fail(reason, "URL longer than 2047 bytes");
  if(parse(joined, &tmp, 1, reason) < 0)
    return -1;
  *out = tmp;
  return 0;
}
