/* helper_reply.h: a finished measurement as OONI's test-helper reply.
 *
 * Pure (no I/O): the helper calls it when a measurement ends, and the unit
 * tests call it on observations they build.
 */
#ifndef PRB_HELPER_REPLY_H
#define PRB_HELPER_REPLY_H

#include <stddef.h>
#include <jansson.h>

#include "common/asn.h"
#include "ooni/obs.h"

/* The test-helper reply: OONI's keys (tcp_connect, tls_handshake,
 * http_request, dns, ip_info) and ours (x_timing, x_leaf_sha256,
 * x_body_sha256). probe_eps (n) are the endpoints the probe sent, for
 * ip_info flags. db (may be NULL) gives every address in ip_info its ASN;
 * probe (may be NULL) is the asking probe's own network, sent back as
 * x_probe_asn, x_probe_cc and x_probe_network_name. probe_addr (may be
 * NULL) is the address the request came from, sent back as x_probe_address
 * so that a probe behind NAT can scrub its public address from its records
 * (it removes the key before keeping the reply); the helper keeps it
 * nowhere. Endpoints of probe_eps with no tcp_connect entry (past the
 * number the helper measures) are listed as x_tcp_connect_not_measured.
 * New reference, or NULL when out of memory. */
json_t *prb_helper_reply(const struct prb_obs *obs,
                         const char *const *probe_eps, size_t n,
                         const struct prb_asndb *db,
                         const struct prb_asn_info *probe,
                         const char *probe_addr);

/* Adds the asking probe's network (probe, may be NULL) and address
 * (probe_addr, may be NULL or "") to o as x_probe_* keys: the reply and
 * the GET greeting say it the same way. */
void prb_helper_add_probe(json_t *o, const struct prb_asn_info *probe,
                          const char *probe_addr);

#endif
