/* scrub.h: the volunteer's own addresses, removed from everything we write.
 *
 * A scrub set holds the probe's addresses (configured, learnt from the
 * local end of our connections, or from the interfaces). prb_scrub_text()
 * replaces each occurrence, as a whole address and not inside a longer
 * number, with "[scrubbed]", as OONI's ScrubMeasurement does. IPv6 matches
 * any textual form of the same address (case, zero compression).
 */
#ifndef PRB_SCRUB_H
#define PRB_SCRUB_H

#include <stddef.h>
#include <stdbool.h>

struct prb_scrub;

struct prb_scrub *prb_scrub_new(void);
void prb_scrub_free(struct prb_scrub *s);

/* Adds an address in text form. Loopback, unspecified and unparsable
 * addresses are ignored (127.0.0.1 is the placeholder probe_ip). Returns
 * false only when out of memory. Adding the same address twice is fine. */
bool prb_scrub_add(struct prb_scrub *s, const char *addr);

/* True when addr (text form) is one of ours, or for IPv6 in the /64 of a
 * global address of ours. */
bool prb_scrub_contains(const struct prb_scrub *s, const char *addr);

/* Adds every non-loopback address of this host's interfaces. */
bool prb_scrub_add_interfaces(struct prb_scrub *s);

/* True when prb_scrub_text() would change the len bytes at text (s may be
 * NULL: false). Cheaper than scrubbing: most text holds no address. */
bool prb_scrub_finds(const struct prb_scrub *s, const char *text, size_t len);

/* Scrubs the len bytes at text.
 * Returns a malloc'd scrubbed copy of the len bytes at text, NUL-terminated,
 * with its length in *outlen; NULL when out of memory. */
char *prb_scrub_text(const struct prb_scrub *s, const char *text, size_t len,
                     size_t *outlen);

#endif
