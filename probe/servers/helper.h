/* helper.h: `accessprobe helper`, the control vantage point.
 *
 * An HTTP server, run outside the censored network, that measures the URL
 * a probe asks about with the same engine the probe uses and answers in
 * OONI's Web Connectivity test-helper protocol, so a probe can use this or
 * an OONI-compatible helper. Single-threaded: libmicrohttpd runs inside
 * our epoll loop, and each request's connection is suspended while its
 * measurement runs.
 */
#ifndef PRB_HELPER_H
#define PRB_HELPER_H

#include <jansson.h>
#include "ooni/obs.h"

/* argv[0] is "helper". Returns an enum prb_exit. */
int prb_helper_main(int argc, char **argv);

/* The test-helper reply for a finished measurement: OONI's keys
 * (tcp_connect, tls_handshake, http_request, dns, ip_info) and ours
 * (x_timing, x_leaf_sha256, x_body_sha256). probe_eps (n) are the
 * endpoints the probe sent, for ip_info flags. New reference, or NULL when
 * out of memory. Pure: exposed for tests. */
struct prb_asndb;
struct prb_asn_info;

/* db (may be NULL) gives every address in ip_info its ASN; probe (may be
 * NULL) is the asking probe's own network, sent back as x_probe_asn,
 * x_probe_cc and x_probe_network_name. probe_addr (may be NULL) is the
 * address the request came from, sent back as x_probe_address so that a
 * probe behind NAT can scrub its public address from its records (it
 * removes the key before keeping the reply); the helper keeps it nowhere. */
json_t *prb_helper_reply(const struct prb_obs *obs, const char *const *probe_eps,
                         size_t n, const struct prb_asndb *db,
                         const struct prb_asn_info *probe,
                         const char *probe_addr);

/* Adds the asking probe's network (probe, may be NULL) and address
 * (probe_addr, may be NULL or "") to o as x_probe_* keys: the reply and
 * the GET greeting say it the same way. */
void prb_helper_add_probe(json_t *o, const struct prb_asn_info *probe,
                          const char *probe_addr);

#endif
