/* policy.h: addresses the probe never contacts.
 *
 * Loopback would expose the volunteer's own services (a name resolving to
 * 127.0.0.1 once published a volunteer's local web server); unspecified,
 * link-local, multicast and broadcast addresses are never a website. Other
 * private and bogon ranges stay allowed: that is where blockpages live.
 */
#ifndef PRB_POLICY_H
#define PRB_POLICY_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>

/* True when ip (text form) may be contacted. Unparsable text is refused. */
bool prb_policy_allows(const char *ip);

/* True for private, shared, reserved and other non-routable (bogon)
 * addresses, which are evidence in a DNS answer (RFC 6890). */
bool prb_policy_is_bogon(const char *ip);

/* The networks this host sits on (its interfaces' subnets, home-LAN
 * sized: IPv4 prefixes of /24 and longer, IPv6 of /64 and longer): a
 * website never lives there, the volunteer's router and printer do. */
struct prb_localnets {
  size_t n;
  struct {
    int family;
    unsigned char net[16];
    int prefix;
  } nets[PRB_LOCALNETS_MAX];
};

/* Reads the interfaces (getifaddrs); loopback is left out. */
void prb_localnets_load(struct prb_localnets *l);

/* True when ip (text form) is inside one of the subnets. */
bool prb_localnets_contains(const struct prb_localnets *l, const char *ip);

#endif
