/* scrub.c: find the probe's own addresses in text and replace them.
 *
 * Addresses are kept in binary and the text is scanned once: every maximal
 * run of hex digits, colons and dots is a candidate, parsed and compared in
 * binary. So "2001:DB8:0:0::1", "[2001:db8::1]:443" and "::ffff:10.0.0.1"
 * match what they mean, while 10.0.0.1 is never found inside 10.0.0.12 or
 * 110.0.0.1. Each run costs a bounded number of parses, so the scan is
 * linear in the text length.
 */
#include "ooni/scrub.h"
#include "common/addr.h"
#include "common/buf.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SCRUBBED "[scrubbed]"
#define SCRUBBED_LEN (sizeof(SCRUBBED) - 1)

struct prb_scrub {
  struct prb_addr *addrs;
  size_t n, cap;
};

struct prb_scrub *prb_scrub_new(void)
{
  return calloc(1, sizeof(struct prb_scrub));
}

void prb_scrub_free(struct prb_scrub *s)
{
  if(!s)
    return;
  free(s->addrs);
  free(s);
}

/* Loopback and unspecified addresses are placeholders, never the
 * volunteer's: 127.0.0.1 is what probe_ip says. */
static bool addr_ignored(const struct prb_addr *a)
{
  static const unsigned char zero16[16];
  size_t n = a->family == AF_INET ? 4 : 16;
  return prb_addr_kind(a) == PRB_ADDR_LOOPBACK || !memcmp(a->bytes, zero16, n);
}

static bool scrub_add_addr(struct prb_scrub *s, struct prb_addr a)
{
  size_t i;

  prb_addr_unmap(&a);
  if(addr_ignored(&a))
    return true;
  for(i = 0; i < s->n; i++)
    if(prb_addr_equal(&s->addrs[i], &a))
      return true;
  if(!prb_array_reserve(&s->addrs, &s->cap, s->n + 1, sizeof(*s->addrs),
                        SIZE_MAX))
    return false;
  s->addrs[s->n++] = a;
  return true;
}

/* Dotted quad with 1-3 decimal digits per part. Unlike inet_pton it
 * accepts leading zeros ("010.000.000.001"), which some software prints
 * and which must not hide the address. */
static bool parse_v4(const char *p, size_t len, unsigned char out[4])
{
  size_t i = 0;
  int part;

  for(part = 0; part < 4; part++) {
    unsigned v = 0, digits = 0;
    if(part) {
      if(i >= len || p[i] != '.')
        return false;
      i++;
    }
    while(i < len && p[i] >= '0' && p[i] <= '9' && digits < 4) {
      v = v * 10 + (unsigned)(p[i] - '0');
      digits++;
      i++;
    }
    if(!digits || digits > 3 || v > 255)
      return false;
    out[part] = (unsigned char)v;
  }
  return i == len;
}

static bool parse_v6(const char *p, size_t len, unsigned char out[16])
{
  char buf[INET6_ADDRSTRLEN];
  if(len == 0 || len >= sizeof(buf))
    return false;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return inet_pton(AF_INET6, buf, out) == 1;
}

bool prb_scrub_add(struct prb_scrub *s, const char *addr)
{
  struct prb_addr a;
  size_t len;

  if(!s || !addr)
    return true;
  len = strlen(addr);
  /* Tolerate "[v6]" as written in endpoints. */
  if(len >= 2 && addr[0] == '[' && addr[len - 1] == ']') {
    addr++;
    len -= 2;
  }
  /* A zone ("fe80::1%eth0") names our interface, not another address. */
  {
    const char *pct = memchr(addr, '%', len);
    if(pct)
      len = (size_t)(pct - addr);
  }
  memset(&a, 0, sizeof(a));
  if(parse_v4(addr, len, a.bytes))
    a.family = AF_INET;
  else if(parse_v6(addr, len, a.bytes))
    a.family = AF_INET6;
  else
    return true;                /* unparsable: nothing to scrub */
  return scrub_add_addr(s, a);
}

bool prb_scrub_add_interfaces(struct prb_scrub *s)
{
  struct ifaddrs *ifa, *it;
  bool ok = true;

  if(!s)
    return true;
  if(getifaddrs(&ifa) != 0)
    return true;                /* nothing learnt; not out of memory */
  for(it = ifa; it && ok; it = it->ifa_next) {
    struct prb_addr a;
    if(!prb_addr_from_sockaddr(it->ifa_addr, &a))
      continue;
    a.port = 0;
    ok = scrub_add_addr(s, a);
  }
  freeifaddrs(ifa);
  return ok;
}

/* A global IPv6 address's /64 identifies the subscriber's line (privacy
 * addresses change only the lower half): any address in it is ours. */
static bool same_line(const struct prb_addr *mine, const struct prb_addr *b)
{
  return mine->family == AF_INET6 && b->family == AF_INET6 &&
         (mine->bytes[0] & 0xe0) == 0x20 && !memcmp(mine->bytes, b->bytes, 8);
}

static bool scrub_has(const struct prb_scrub *s, struct prb_addr a)
{
  size_t i;
  prb_addr_unmap(&a);
  for(i = 0; i < s->n; i++)
    if(prb_addr_equal(&s->addrs[i], &a) || same_line(&s->addrs[i], &a))
      return true;
  return false;
}

bool prb_scrub_contains(const struct prb_scrub *s, const char *addr)
{
  struct prb_addr a;
  if(!prb_addr_parse(addr, &a))
    return false;
  return scrub_has(s, a);
}

/* Output under construction; oom sticks once an append failed. */
struct outbuf {
  struct prb_buf b;
  bool oom;
};

/* o NULL: a dry run, which only tells whether anything would change. */
static void out_put(struct outbuf *o, const char *p, size_t n)
{
  if(o && !o->oom && n && prb_buf_add(&o->b, p, n) != PRB_BUF_OK)
    o->oom = true;
}

/* Hex digits, ':' and '.': what an address is written with. A table,
 * since every byte of every record is looked up. */
static const bool runchar[256] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
  ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1,
  ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['A'] = 1, ['B'] = 1,
  ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, [':'] = 1, ['.'] = 1,
};

static bool is_runchar(unsigned char c)
{
  return runchar[c];
}

static bool is_digit(unsigned char c)
{
  return c >= '0' && c <= '9';
}

/* Looks for an IPv6 address of the set in the run r[0..n). On a match sets
 * [*from, *to) to the span within r to replace. Tries the run itself, then
 * the run without stray edge punctuation ("addr:2001:db8::1", "...::1."),
 * then without a trailing ":port" of an unbracketed "v6:port". */
static bool match_v6(const struct prb_scrub *s, const char *r, size_t n,
                     size_t *from, size_t *to)
{
  struct prb_addr a;
  size_t b = 0, e = n, k;

  memset(&a, 0, sizeof(a));
  a.family = AF_INET6;
  if(!memchr(r, ':', n))
    return false;
  if(parse_v6(r, n, a.bytes) && scrub_has(s, a))
    goto hit;
  while(e > b && r[e - 1] == '.')
    e--;
  if(e - b >= 2 && r[b] == ':' && r[b + 1] != ':')
    b++;
  if(e - b >= 2 && r[e - 1] == ':' && r[e - 2] != ':')
    e--;
  if((b || e != n) && parse_v6(r + b, e - b, a.bytes) && scrub_has(s, a))
    goto hit;
  /* Drop a last ":digits" group, as in "2001:db8::1:443". */
  k = e;
  while(k > b && is_digit((unsigned char)r[k - 1]))
    k--;
  if(k < e && k > b + 1 && r[k - 1] == ':' && r[k - 2] != ':' &&
     e - k <= 5 && parse_v6(r + b, k - 1 - b, a.bytes) && scrub_has(s, a)) {
    e = k - 1;
    goto hit;
  }
  return false;
hit:
  *from = b;
  *to = e;
  return true;
}

/* The first IPv4 address of the set in the run r[0..n): sets [*from,
 * *to). Dotted numbers are the maximal runs of digits and dots; a doubled
 * dot separates, and edge dots are punctuation. */
static bool match_v4(const struct prb_scrub *s, const char *r, size_t n,
                     size_t *from, size_t *to)
{
  size_t i = 0;

  while(i < n) {
    size_t j, b, e;
    if(!is_digit((unsigned char)r[i]) && r[i] != '.') {
      i++;
      continue;
    }
    j = i;
    while(j < n && (is_digit((unsigned char)r[j]) ||
                    (r[j] == '.' && !(j + 1 < n && r[j + 1] == '.'))))
      j++;
    /* r[i..j) has no ".." inside; a ".." run stops at its first dot. */
    b = i;
    e = j;
    while(b < e && r[b] == '.')
      b++;
    while(e > b && r[e - 1] == '.')
      e--;
    if(e - b >= 7) {
      struct prb_addr a;
      memset(&a, 0, sizeof(a));
      a.family = AF_INET;
      if(parse_v4(r + b, e - b, a.bytes) && scrub_has(s, a)) {
        *from = b;
        *to = e;
        return true;
      }
    }
    i = j > i ? j : i + 1;
  }
  return false;
}

/* The longest stretch before trailing dots in which match_v6 can find an
 * address: a stray colon, the address and ":65535". */
#define V6_SPAN (1 + (INET6_ADDRSTRLEN - 1) + 6)

/* Writes the run r[0..n) to o with every address of the set replaced;
 * true when there was one (with o NULL, only tells: a dry run). A
 * run may hold addresses glued together ("10.1.2.3::ffff:a01:203"): what
 * is left beside a replaced one is a run of its own in the output, so it
 * is scrubbed again as one. Linear: each piece is looked at once, and
 * match_v6 only where an address fits. */
static bool scrub_run(const struct prb_scrub *s, const char *r, size_t n,
                      struct outbuf *o)
{
  size_t dots = 0, from, to;
  bool found = false;

  while(dots < n && r[n - 1 - dots] == '.')
    dots++;
  while(n > 0) {
    bool v6 = n <= dots + V6_SPAN && match_v6(s, r, n, &from, &to);
    if(!v6 && !match_v4(s, r, n, &from, &to)) {
      out_put(o, r, n);
      return found;
    }
    if(!o)
      return true;
    scrub_run(s, r, from, o);
    out_put(o, SCRUBBED, SCRUBBED_LEN);
    found = true;
    r += to;
    n -= to;
  }
  return found;
}

/* One pass over text: every run of address characters that could hold an
 * address is a candidate: three dots (IPv4) or two colons (IPv6); base64,
 * words and JSON's numbers go as they are. Writes the scrubbed text to o,
 * or with o NULL returns at the first address of the set (a dry run). */
static bool scan(const struct prb_scrub *s, const char *text, size_t len,
                 struct outbuf *o)
{
  size_t i = 0, done = 0;
  bool found = false;

  while(i < len) {
    size_t j = i, dots = 0, colons = 0;
    if(!is_runchar((unsigned char)text[i])) {
      i++;
      continue;
    }
    for(; j < len && is_runchar((unsigned char)text[j]); j++) {
      dots += text[j] == '.';
      colons += text[j] == ':';
    }
    if(colons >= 2 || dots >= 3) {
      if(!o && scrub_run(s, text + i, j - i, NULL))
        return true;
      if(o) {
        out_put(o, text + done, i - done);
        found |= scrub_run(s, text + i, j - i, o);
        done = j;
      }
    }
    i = j;
  }
  out_put(o, text + done, len - done);
  return found;
}

bool prb_scrub_finds(const struct prb_scrub *s, const char *text, size_t len)
{
  return s && s->n && scan(s, text, len, NULL);
}

char *prb_scrub_text(const struct prb_scrub *s, const char *text, size_t len,
                     size_t *outlen)
{
  struct outbuf o;

  prb_buf_init(&o.b, SIZE_MAX);
  o.oom = false;
  /* Most text holds none of our addresses: one dry pass, one copy. */
  if(!prb_scrub_finds(s, text, len))
    out_put(&o, text, len);
  else
    scan(s, text, len, &o);
  if(o.oom) {
    prb_buf_free(&o.b);
    return NULL;
  }
  return prb_buf_take(&o.b, outlen);
}
