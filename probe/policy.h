/* policy.h: addresses the probe never contacts.
 *
 * Loopback would expose the volunteer's own services (a name resolving to
 * 127.0.0.1 once published a volunteer's local web server); unspecified,
 * link-local, multicast and broadcast addresses are never a website. Other
 * private and bogon ranges stay allowed: that is where blockpages live.
 */
#ifndef PRB_POLICY_H
#define PRB_POLICY_H

#include <stdbool.h>

/* True when ip (text form) may be contacted. Unparsable text is refused. */
bool prb_policy_allows(const char *ip);

/* True for private, shared, reserved and other non-routable (bogon)
 * addresses, which are evidence in a DNS answer (RFC 6890). */
bool prb_policy_is_bogon(const char *ip);

#endif
