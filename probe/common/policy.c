/* policy.c: which addresses the probe refuses, and which are bogons. */
#include "common/policy.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>

struct range4 {
  uint32_t net;
  int bits;
};

static bool in4(uint32_t a, const struct range4 *r)
{
  uint32_t mask = r->bits ? ~0u << (32 - r->bits) : 0;
  return (a & mask) == (r->net & mask);
}

static bool in_list4(uint32_t a, const struct range4 *list, size_t n)
{
  for(size_t i = 0; i < n; i++)
    if(in4(a, &list[i]))
      return true;
  return false;
}

static const struct range4 refused4[] = {
  {0x00000000u, 8},             /* 0.0.0.0/8 "this network" */
  {0x7f000000u, 8},             /* 127.0.0.0/8 loopback */
  {0xa9fe0000u, 16},            /* 169.254.0.0/16 link-local */
  {0xe0000000u, 4},             /* 224.0.0.0/4 multicast */
  {0xffffffffu, 32},            /* broadcast */
};

static const struct range4 bogon4[] = {
  {0x00000000u, 8}, {0x0a000000u, 8}, {0x64400000u, 10}, {0x7f000000u, 8},
  {0xa9fe0000u, 16}, {0xac100000u, 12}, {0xc0000000u, 24},
  {0xc0000200u, 24}, {0xc0a80000u, 16}, {0xc6120000u, 15},
  {0xc6336400u, 24}, {0xcb007100u, 24}, {0xe0000000u, 3},
};

/* Reads ip as IPv4, or as an IPv4-mapped IPv6 address. */
static bool as_v4(const unsigned char *b6, uint32_t *out)
{
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                           0xff, 0xff};
  if(memcmp(b6, mapped, 12))
    return false;
  *out = (uint32_t)b6[12] << 24 | (uint32_t)b6[13] << 16 |
         (uint32_t)b6[14] << 8 | b6[15];
  return true;
}

static int parse(const char *ip, uint32_t *v4, unsigned char v6[16])
{
  struct in_addr a4;
  if(inet_pton(AF_INET, ip, &a4) == 1) {
    *v4 = ntohl(a4.s_addr);
    return 4;
  }
  if(inet_pton(AF_INET6, ip, v6) == 1)
    return as_v4(v6, v4) ? 4 : 6;
  return 0;
}

bool prb_policy_allows(const char *ip)
{
  uint32_t v4;
  unsigned char v6[16];
  switch(parse(ip, &v4, v6)) {
  case 4:
    return !in_list4(v4, refused4, sizeof(refused4) / sizeof(refused4[0]));
  case 6: {
    static const unsigned char zero[16];
    if(!memcmp(v6, zero, 15) && (v6[15] == 0 || v6[15] == 1))
      return false;             /* :: and ::1 */
    if(v6[0] == 0xff)
      return false;             /* multicast */
    if(v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80)
      return false;             /* fe80::/10 link-local */
    return true;
  }
  default:
    return false;
  }
}

bool prb_policy_is_bogon(const char *ip)
{
  uint32_t v4;
  unsigned char v6[16];
  switch(parse(ip, &v4, v6)) {
  case 4:
    return in_list4(v4, bogon4, sizeof(bogon4) / sizeof(bogon4[0]));
  case 6:
    /* Only 2000::/3 is global unicast; 2001:db8::/32 is documentation. */
    if((v6[0] & 0xe0) != 0x20)
      return true;
    return v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8;
  default:
    return true;
  }
}

static int prefix_len(const unsigned char *mask, size_t n)
{
  int bits = 0;
  for(size_t i = 0; i < n; i++)
    for(int b = 7; b >= 0 && (mask[i] >> b) & 1; b--)
      bits++;
  return bits;
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

void prb_localnets_load(struct prb_localnets *l)
{
  struct ifaddrs *ifs = NULL, *i;
  memset(l, 0, sizeof(*l));
  if(getifaddrs(&ifs) < 0)
    return;
  for(i = ifs; i && l->n < PRB_LOCALNETS_MAX; i = i->ifa_next) {
    if(!i->ifa_addr || !i->ifa_netmask || (i->ifa_flags & IFF_LOOPBACK))
      continue;
    int fam = i->ifa_addr->sa_family;
    const unsigned char *a, *m;
    size_t n;
    if(fam == AF_INET) {
      a = (const unsigned char *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr;
      m = (const unsigned char *)
          &((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
      n = 4;
    }
    else if(fam == AF_INET6) {
      a = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr;
      m = ((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr;
      n = 16;
      if(a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        continue;               /* link-local is refused anyway */
    }
    else
      continue;
    int prefix = prefix_len(m, n);
    /* A short prefix (a carrier's /8) would also cover the censor's own
     * blockpage servers: only LAN-sized subnets count. */
    if((fam == AF_INET && prefix < 24) || (fam == AF_INET6 && prefix < 64))
      continue;
    l->nets[l->n].family = fam;
    memcpy(l->nets[l->n].net, a, n);
    l->nets[l->n].prefix = prefix;
    l->n++;
  }
  freeifaddrs(ifs);
}

bool prb_localnets_contains(const struct prb_localnets *l, const char *ip)
{
  unsigned char b[16];
  int fam;
  if(inet_pton(AF_INET, ip, b) == 1)
    fam = AF_INET;
  else if(inet_pton(AF_INET6, ip, b) == 1)
    fam = AF_INET6;
  else
    return false;
  for(size_t i = 0; i < l->n; i++)
    if(l->nets[i].family == fam && in_prefix(b, l->nets[i].net,
                                             l->nets[i].prefix))
      return true;
  return false;
}
