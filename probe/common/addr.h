/* addr.h: IP addresses, the one place that parses them and says what kind
 * of address one is.
 *
 * Every part of the probe that judges an address asks here: the engine
 * (which addresses it never contacts), the helper (the bogon flag of
 * ip_info), the classifier (bogon answers as evidence), the scrubber and
 * the control parser (endpoints compared in binary). So the record never
 * says one thing about an address in one key and another in the next.
 *
 * The special ranges are one table (addr.c), IPv4 and IPv6, from IANA's
 * special-purpose registries (RFC 6890 and its updates). Addresses that
 * carry an IPv4 address inside them (IPv4-mapped ::ffff:a.b.c.d,
 * IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:AABB:CCDD::,
 * Teredo 2001:0::/32 with its client's address inverted in the last 32
 * bits) are judged by the address they carry: that is where their packets
 * end up.
 */
#ifndef PRB_ADDR_H
#define PRB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/caps.h"

/* An address in binary, with a port for endpoints, so comparisons do not
 * depend on how an IPv6 address was spelt. */
struct prb_addr {
  int family;                   /* AF_INET or AF_INET6 */
  unsigned char bytes[16];      /* 4 or 16 used */
  int port;                     /* 0 for a bare address */
};

/* What an address is, by the first row of the table it falls in. */
enum prb_addr_kind {
  PRB_ADDR_GLOBAL = 0,          /* none of the below: a website may be there */
  PRB_ADDR_UNSPECIFIED,         /* 0.0.0.0/8 "this network", :: */
  PRB_ADDR_LOOPBACK,            /* 127.0.0.0/8, ::1 */
  PRB_ADDR_PRIVATE,             /* RFC 1918, fc00::/7 (unique local) */
  PRB_ADDR_SHARED,              /* 100.64.0.0/10, carrier-grade NAT */
  PRB_ADDR_LINK_LOCAL,          /* 169.254.0.0/16, fe80::/10 */
  PRB_ADDR_MULTICAST,           /* 224.0.0.0/4, ff00::/8 */
  PRB_ADDR_BROADCAST,           /* 255.255.255.255 */
  PRB_ADDR_DOCUMENTATION,       /* TEST-NET-1..3, 2001:db8::/32, 3fff::/20 */
  PRB_ADDR_BENCHMARK,           /* 198.18.0.0/15, 2001:2::/48 */
  PRB_ADDR_RESERVED,            /* the rest no website may use: protocol
                                   assignments, 240.0.0.0/4, site-local,
                                   discard-only, IPv6 outside 2000::/3 */
  PRB_ADDR_KIND_COUNT
};

/* Parses an address in text form (IPv4 dotted quad or IPv6, no brackets,
 * no port). Returns true and fills *out (port 0). */
bool prb_addr_parse(const char *text, struct prb_addr *out);
/* The same for the len bytes at s (not NUL-terminated). */
bool prb_addr_parse_n(const char *s, size_t len, struct prb_addr *out);

/* Parses "ip:port", "[v6]:port" or, with port_optional, a bare address.
 * Returns 0 or -1 (*out zeroed). */
int prb_addr_parse_endpoint(const char *s, bool port_optional,
                            struct prb_addr *out);

/* True when a and b are the same address (and port, when both have one). */
bool prb_addr_equal(const struct prb_addr *a, const struct prb_addr *b);

/* The address as text (inet_ntop's form) into out; "" when it does not
 * fit or a holds none. */
void prb_addr_format(const struct prb_addr *a, char *out, size_t outlen);

/* "ip:port", or "[ip]:port" for IPv6 (ip in text form), into out. */
void prb_addr_endpoint_text(const char *ip, int port, char *out,
                            size_t outlen);

/* From and to socket addresses (with the port). from fails for families
 * other than AF_INET and AF_INET6; to returns the length used, 0 when a
 * holds no address. */
bool prb_addr_from_sockaddr(const struct sockaddr *sa, struct prb_addr *out);
socklen_t prb_addr_to_sockaddr(const struct prb_addr *a,
                               struct sockaddr_storage *ss);

/* A mapped ::ffff:a.b.c.d becomes the IPv4 address a.b.c.d; anything else
 * is left as it is. */
void prb_addr_unmap(struct prb_addr *a);

/* The kind of a, judged by the IPv4 address inside it when it carries
 * one. */
enum prb_addr_kind prb_addr_kind(const struct prb_addr *a);

/* "global", "loopback", ...: static strings. */
const char *prb_addr_kind_name(enum prb_addr_kind k);

/* The IPv4 address an IPv6 address carries (mapped, compatible, NAT64,
 * 6to4, Teredo's client), into *v4. False when it carries none. */
bool prb_addr_embedded_v4(const struct prb_addr *a, struct prb_addr *v4);

/* Bogon: any kind but global. A DNS answer there is evidence (real sites
 * do publish private addresses, so it only adds evidence). */
bool prb_addr_is_bogon(const struct prb_addr *a);

/* Whether the probe may ever contact a: never unspecified, loopback (it
 * would expose the volunteer's own services), link-local, multicast or
 * broadcast addresses, which are never a website. Private and other
 * bogon ranges stay allowed: that is where blockpages live. */
bool prb_addr_may_contact(const struct prb_addr *a);

/* The same for addresses in text form: unparsable text is a bogon and may
 * not be contacted. */
bool prb_addr_text_is_bogon(const char *ip);
bool prb_addr_text_may_contact(const char *ip);

/* This host and the networks it sits on: its interfaces' addresses, and
 * their subnets when home-LAN sized (IPv4 prefixes of /24 and longer,
 * IPv6 of /64 and longer): a website never lives there, the volunteer's
 * router and printer do. A short prefix (a carrier's /8) would also cover
 * the censor's own blockpage servers, so only the address itself counts
 * then. */
struct prb_localnets {
  size_t n;
  struct {
    struct prb_addr net;
    int prefix;
  } nets[PRB_LOCALNETS_MAX];
};

/* Reads the interfaces (getifaddrs). Loopback addresses are left out
 * (never contacted anyway); other addresses on the loopback device (a
 * server's public or anycast ones) are this host, each alone. */
void prb_localnets_load(struct prb_localnets *l);

/* Adds one network (a host address is its own /32 or /128). False when
 * full. */
bool prb_localnets_add(struct prb_localnets *l, const struct prb_addr *net,
                       int prefix);

/* True when ip (text form) is this host or inside one of its subnets, or
 * carries such an address (an IPv4-mapped one, 6to4, ...). */
bool prb_localnets_contains(const struct prb_localnets *l, const char *ip);

#endif
