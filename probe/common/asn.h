/* asn.h: which network an address belongs to, from MaxMind DB files.
 *
 * The control helper uses it to tell a probe its own network (AS number,
 * country, AS name) without ever writing the probe's address, and to give
 * every address it reports an ASN, which lets a probe see that a CDN's
 * different answer is still the same network. Any MMDB with the
 * GeoLite2-ASN keys (autonomous_system_number, autonomous_system_
 * organization) and/or the GeoLite2-Country key (country.iso_code) works;
 * several files are consulted in order.
 */
#ifndef PRB_ASN_H
#define PRB_ASN_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct prb_asn_info {
  uint32_t asn;                 /* 0 when unknown */
  char cc[3];                   /* ISO alpha-2, "" when unknown */
  char org[128];                /* AS organisation, "" when unknown */
};

struct prb_asndb;

/* Opens up to PRB_ASNDB_MAX files. NULL with a reason naming the file. */
struct prb_asndb *prb_asndb_open(const char *const *files, size_t n,
                                 char *why, size_t whylen);
void prb_asndb_close(struct prb_asndb *db);

/* Fills *out for an address in text form or as a sockaddr; returns true
 * when anything was found. */
bool prb_asndb_lookup(const struct prb_asndb *db, const char *ip,
                      struct prb_asn_info *out);
bool prb_asndb_lookup_sa(const struct prb_asndb *db,
                         const struct sockaddr *sa,
                         struct prb_asn_info *out);

#endif
