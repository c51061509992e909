/* addr.c: parsing addresses, and the table of special ranges. */
#include "common/addr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Where an IPv6 address carries an IPv4 one. */
enum embed {
  EMBED_NONE = 0,
  EMBED_LOW32,                  /* the last 32 bits (mapped, compatible,
                                   NAT64) */
  EMBED_6TO4,                   /* bits 16-47 */
  EMBED_TEREDO                  /* the last 32 bits, inverted: the client */
};

struct range {
  int family;
  const char *net;              /* text, parsed where it is used */
  int prefix;
  enum prb_addr_kind kind;
  enum embed embed;
};

/* First match wins, so a longer prefix comes before the range holding it.
 * IANA IPv4 and IPv6 Special-Purpose Address Registries. */
static const struct range ranges[] = {
  {AF_INET, "0.0.0.0", 8, PRB_ADDR_UNSPECIFIED, EMBED_NONE},
  {AF_INET, "10.0.0.0", 8, PRB_ADDR_PRIVATE, EMBED_NONE},
  {AF_INET, "100.64.0.0", 10, PRB_ADDR_SHARED, EMBED_NONE},
  {AF_INET, "127.0.0.0", 8, PRB_ADDR_LOOPBACK, EMBED_NONE},
  {AF_INET, "169.254.0.0", 16, PRB_ADDR_LINK_LOCAL, EMBED_NONE},
  {AF_INET, "172.16.0.0", 12, PRB_ADDR_PRIVATE, EMBED_NONE},
  {AF_INET, "192.0.0.0", 24, PRB_ADDR_RESERVED, EMBED_NONE},
  {AF_INET, "192.0.2.0", 24, PRB_ADDR_DOCUMENTATION, EMBED_NONE},
  {AF_INET, "192.168.0.0", 16, PRB_ADDR_PRIVATE, EMBED_NONE},
  {AF_INET, "198.18.0.0", 15, PRB_ADDR_BENCHMARK, EMBED_NONE},
  {AF_INET, "198.51.100.0", 24, PRB_ADDR_DOCUMENTATION, EMBED_NONE},
  {AF_INET, "203.0.113.0", 24, PRB_ADDR_DOCUMENTATION, EMBED_NONE},
  {AF_INET, "224.0.0.0", 4, PRB_ADDR_MULTICAST, EMBED_NONE},
  {AF_INET, "255.255.255.255", 32, PRB_ADDR_BROADCAST, EMBED_NONE},
  {AF_INET, "240.0.0.0", 4, PRB_ADDR_RESERVED, EMBED_NONE},

  {AF_INET6, "::", 128, PRB_ADDR_UNSPECIFIED, EMBED_NONE},
  {AF_INET6, "::1", 128, PRB_ADDR_LOOPBACK, EMBED_NONE},
  {AF_INET6, "::ffff:0.0.0.0", 96, PRB_ADDR_GLOBAL, EMBED_LOW32},
  {AF_INET6, "::", 96, PRB_ADDR_GLOBAL, EMBED_LOW32},     /* compatible */
  {AF_INET6, "64:ff9b::", 96, PRB_ADDR_GLOBAL, EMBED_LOW32}, /* NAT64 */
  {AF_INET6, "64:ff9b:1::", 48, PRB_ADDR_RESERVED, EMBED_NONE}, /* local
                                                                   NAT64 */
  {AF_INET6, "100::", 64, PRB_ADDR_RESERVED, EMBED_NONE},  /* discard-only */
  {AF_INET6, "2001::", 32, PRB_ADDR_GLOBAL, EMBED_TEREDO},
  {AF_INET6, "2001:2::", 48, PRB_ADDR_BENCHMARK, EMBED_NONE},
  {AF_INET6, "2001:10::", 28, PRB_ADDR_RESERVED, EMBED_NONE}, /* ORCHID */
  {AF_INET6, "2001:db8::", 32, PRB_ADDR_DOCUMENTATION, EMBED_NONE},
  {AF_INET6, "2002::", 16, PRB_ADDR_GLOBAL, EMBED_6TO4},
  {AF_INET6, "3fff::", 20, PRB_ADDR_DOCUMENTATION, EMBED_NONE},
  {AF_INET6, "fc00::", 7, PRB_ADDR_PRIVATE, EMBED_NONE},
  {AF_INET6, "fe80::", 10, PRB_ADDR_LINK_LOCAL, EMBED_NONE},
  {AF_INET6, "fec0::", 10, PRB_ADDR_RESERVED, EMBED_NONE}, /* site-local */
  {AF_INET6, "ff00::", 8, PRB_ADDR_MULTICAST, EMBED_NONE},
  /* Only 2000::/3 is global unicast: the rest is not allocated. */
  {AF_INET6, "::", 3, PRB_ADDR_RESERVED, EMBED_NONE},
  {AF_INET6, "4000::", 2, PRB_ADDR_RESERVED, EMBED_NONE},
  {AF_INET6, "8000::", 1, PRB_ADDR_RESERVED, EMBED_NONE},
};

bool prb_addr_parse_n(const char *s, size_t len, struct prb_addr *out)
{
  char buf[PRB_IP_MAX];
  memset(out, 0, sizeof(*out));
  if(!s || len == 0 || len >= sizeof(buf))
    return false;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if(inet_pton(AF_INET, buf, out->bytes) == 1)
    out->family = AF_INET;
  else if(inet_pton(AF_INET6, buf, out->bytes) == 1)
    out->family = AF_INET6;
  return out->family != 0;
}

bool prb_addr_parse(const char *text, struct prb_addr *out)
{
  return prb_addr_parse_n(text, text ? strnlen(text, PRB_IP_MAX) : 0, out);
}

/* 1 to 65535 in decimal, at most 5 digits, nothing else. */
static int parse_port(const char *s, int *port)
{
  int v = 0;
  size_t i;
  if(!s[0])
    return -1;
  for(i = 0; s[i]; i++) {
    if(s[i] < '0' || s[i] > '9' || i >= 5)
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if(v < 1 || v > 65535)
    return -1;
  *port = v;
  return 0;
}

int prb_addr_parse_endpoint(const char *s, bool port_optional,
                            struct prb_addr *out)
{
  const char *colon;
  size_t len;

  memset(out, 0, sizeof(*out));
  if(!s)
    return -1;
  len = strnlen(s, PRB_ENDPOINT_MAX);
  if(len >= PRB_ENDPOINT_MAX)
    return -1;
  if(port_optional && prb_addr_parse_n(s, len, out))
    return 0;
  if(s[0] == '[') {
    const char *close = memchr(s, ']', len);
    if(!close || close[1] != ':' ||
       !prb_addr_parse_n(s + 1, (size_t)(close - s - 1), out) ||
       out->family != AF_INET6 || parse_port(close + 2, &out->port)) {
      memset(out, 0, sizeof(*out));
      return -1;
    }
    return 0;
  }
  colon = strrchr(s, ':');
  if(!colon || !prb_addr_parse_n(s, (size_t)(colon - s), out) ||
     out->family != AF_INET || parse_port(colon + 1, &out->port)) {
    memset(out, 0, sizeof(*out));
    return -1;
  }
  return 0;
}

bool prb_addr_equal(const struct prb_addr *a, const struct prb_addr *b)
{
  size_t n = a->family == AF_INET ? 4 : 16;
  if(a->family != b->family || memcmp(a->bytes, b->bytes, n))
    return false;
  return !a->port || !b->port || a->port == b->port;
}

void prb_addr_format(const struct prb_addr *a, char *out, size_t outlen)
{
  if(!outlen)
    return;
  if((a->family != AF_INET && a->family != AF_INET6) ||
     !inet_ntop(a->family, a->bytes, out, (socklen_t)outlen))
    out[0] = '\0';
}

void prb_addr_endpoint_text(const char *ip, int port, char *out,
                            size_t outlen)
{
  snprintf(out, outlen, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
}

bool prb_addr_from_sockaddr(const struct sockaddr *sa, struct prb_addr *out)
{
  memset(out, 0, sizeof(*out));
  if(!sa)
    return false;
  if(sa->sa_family == AF_INET) {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    out->family = AF_INET;
    memcpy(out->bytes, &s4->sin_addr, 4);
    out->port = ntohs(s4->sin_port);
    return true;
  }
  if(sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    out->family = AF_INET6;
    memcpy(out->bytes, &s6->sin6_addr, 16);
    out->port = ntohs(s6->sin6_port);
    return true;
  }
  return false;
}

socklen_t prb_addr_to_sockaddr(const struct prb_addr *a,
                               struct sockaddr_storage *ss)
{
  memset(ss, 0, sizeof(*ss));
  if(a->family == AF_INET) {
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    memcpy(&s4->sin_addr, a->bytes, 4);
    s4->sin_port = htons((uint16_t)a->port);
    return sizeof(*s4);
  }
  if(a->family == AF_INET6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    memcpy(&s6->sin6_addr, a->bytes, 16);
    s6->sin6_port = htons((uint16_t)a->port);
    return sizeof(*s6);
  }
  return 0;
}

void prb_addr_unmap(struct prb_addr *a)
{
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                           0xff, 0xff};
  if(a->family == AF_INET6 && !memcmp(a->bytes, mapped, 12)) {
    memmove(a->bytes, a->bytes + 12, 4);
    memset(a->bytes + 4, 0, 12);
    a->family = AF_INET;
  }
}

static bool in_prefix(const unsigned char *a, const unsigned char *net,
                      int prefix)
{
  size_t full = (size_t)prefix / 8;
  int rest = prefix % 8;
  if(memcmp(a, net, full))
    return false;
  if(!rest)
    return true;
  unsigned char mask = (unsigned char)(0xff << (8 - rest));
  return (a[full] & mask) == (net[full] & mask);
}

/* The table row a falls in, or NULL for a global address. */
static const struct range *find_range(const struct prb_addr *a)
{
  for(size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
    struct prb_addr net;
    if(ranges[i].family != a->family ||
       !prb_addr_parse(ranges[i].net, &net))
      continue;
    if(in_prefix(a->bytes, net.bytes, ranges[i].prefix))
      return &ranges[i];
  }
  return NULL;
}

bool prb_addr_embedded_v4(const struct prb_addr *a, struct prb_addr *v4)
{
  const struct range *r = a->family == AF_INET6 ? find_range(a) : NULL;
  if(!r || r->embed == EMBED_NONE)
    return false;
  memset(v4, 0, sizeof(*v4));
  v4->family = AF_INET;
  switch(r->embed) {
  case EMBED_6TO4:
    memcpy(v4->bytes, a->bytes + 2, 4);
    break;
  case EMBED_TEREDO:
    for(int i = 0; i < 4; i++)
      v4->bytes[i] = (unsigned char)~a->bytes[12 + i];
    break;
  default:
    memcpy(v4->bytes, a->bytes + 12, 4);
  }
  return true;
}

enum prb_addr_kind prb_addr_kind(const struct prb_addr *a)
{
  struct prb_addr v4;
  if(prb_addr_embedded_v4(a, &v4))
    return prb_addr_kind(&v4);
  const struct range *r = find_range(a);
  return r ? r->kind : PRB_ADDR_GLOBAL;
}

const char *prb_addr_kind_name(enum prb_addr_kind k)
{
  static const char *const names[PRB_ADDR_KIND_COUNT] = {
    "global", "unspecified", "loopback", "private", "shared", "link-local",
    "multicast", "broadcast", "documentation", "benchmark", "reserved"
  };
  return k >= 0 && k < PRB_ADDR_KIND_COUNT ? names[k] : "reserved";
}

bool prb_addr_is_bogon(const struct prb_addr *a)
{
  return prb_addr_kind(a) != PRB_ADDR_GLOBAL;
}

bool prb_addr_may_contact(const struct prb_addr *a)
{
  switch(prb_addr_kind(a)) {
  case PRB_ADDR_UNSPECIFIED:
  case PRB_ADDR_LOOPBACK:
  case PRB_ADDR_LINK_LOCAL:
  case PRB_ADDR_MULTICAST:
  case PRB_ADDR_BROADCAST:
    return false;
  default:
    return true;
  }
}

bool prb_addr_text_is_bogon(const char *ip)
{
  struct prb_addr a;
  return !prb_addr_parse(ip, &a) || prb_addr_is_bogon(&a);
}

bool prb_addr_text_may_contact(const char *ip)
{
  struct prb_addr a;
  return prb_addr_parse(ip, &a) && prb_addr_may_contact(&a);
}

/* ---- this host and its LAN ---------------------------------------------- */

static int prefix_len(const unsigned char *mask, size_t n)
{
  int bits = 0;
  for(size_t i = 0; i < n; i++)
    for(int b = 7; b >= 0 && (mask[i] >> b) & 1; b--)
      bits++;
  return bits;
}

bool prb_localnets_add(struct prb_localnets *l, const struct prb_addr *net,
                       int prefix)
{
  if(l->n >= PRB_LOCALNETS_MAX)
    return false;
  l->nets[l->n].net = *net;
  l->nets[l->n].net.port = 0;
  l->nets[l->n].prefix = prefix;
  l->n++;
  return true;
}

void prb_localnets_load(struct prb_localnets *l)
{
  struct ifaddrs *ifs = NULL, *i;
  memset(l, 0, sizeof(*l));
  if(getifaddrs(&ifs) < 0)
    return;
  for(i = ifs; i; i = i->ifa_next) {
    struct prb_addr a, m;
    if(!i->ifa_addr || !i->ifa_netmask ||
       !prb_addr_from_sockaddr(i->ifa_addr, &a) ||
       !prb_addr_from_sockaddr(i->ifa_netmask, &m))
      continue;
    if(prb_addr_kind(&a) == PRB_ADDR_LINK_LOCAL ||
       prb_addr_kind(&a) == PRB_ADDR_LOOPBACK)
      continue;                 /* never contacted anyway */
    int bits = a.family == AF_INET ? 32 : 128;
    int prefix = prefix_len(m.bytes, (size_t)bits / 8);
    /* Too wide for a LAN, or on the loopback device (a server's public or
     * anycast address often lives there): the host alone. */
    if(prefix < (a.family == AF_INET ? 24 : 64) ||
       (i->ifa_flags & IFF_LOOPBACK))
      prefix = bits;
    prb_localnets_add(l, &a, prefix);
  }
  freeifaddrs(ifs);
}

static bool in_localnets(const struct prb_localnets *l,
                         const struct prb_addr *a)
{
  for(size_t i = 0; i < l->n; i++)
    if(l->nets[i].net.family == a->family &&
       in_prefix(a->bytes, l->nets[i].net.bytes, l->nets[i].prefix))
      return true;
  return false;
}

bool prb_localnets_contains(const struct prb_localnets *l, const char *ip)
{
  struct prb_addr a, v4;
  if(!prb_addr_parse(ip, &a))
    return false;
  /* ::ffff:a.b.c.d and its kin reach a.b.c.d: judged by it too */
  return in_localnets(l, &a) ||
         (prb_addr_embedded_v4(&a, &v4) && in_localnets(l, &v4));
}
