/* dns.h: DNS lookups with c-ares, driven by our loop.
 *
 * One resolver is one c-ares channel: the system's (servers from
 * /etc/resolv.conf) or one the user named. Each lookup asks one question
 * (A or AAAA) and reports the rcode, answers with TTLs, the raw response
 * and timings as a struct prb_dns_query. Every name the probe contacts is
 * resolved here: our own connections go to those addresses, and the
 * control's are pinned into libcurl (which would resolve with threads of
 * its own).
 */
#ifndef PRB_DNS_H
#define PRB_DNS_H

#include <stdbool.h>
#include "engine/loop.h"
#include "ooni/obs.h"

struct prb_resolver;

/* Called once per lookup. q is the caller's to copy (q->raw included: set
 * it to NULL in q if you keep it, or it is freed after the call). */
typedef void (*prb_dns_done)(void *arg, struct prb_dns_query *q);

/* Call once at start-up and once at exit. */
bool prb_dns_global_init(void);
void prb_dns_global_cleanup(void);

/* server is NULL for the system resolver, else "IP", "IP:PORT" or
 * "[IPv6]:PORT". deadline is the whole lookup's budget in seconds (tries
 * included). Returns NULL with a reason in why. */
struct prb_resolver *prb_resolver_new(struct prb_loop *loop,
                                      const char *server, double deadline,
                                      char *why, size_t whylen);
/* Frees the channel; lookups still in flight end silently. */
void prb_resolver_free(struct prb_resolver *r);

/* "ip:port" of the first server asked, "" if none. Borrowed. */
const char *prb_resolver_address(const struct prb_resolver *r);
/* The first server's IP alone, "" if none. Borrowed. */
const char *prb_resolver_ip(const struct prb_resolver *r);
bool prb_resolver_is_system(const struct prb_resolver *r);

struct prb_dns_lookup;

/* Starts one lookup. t_base is the measurement's start (prb_now()) that
 * t0/t are relative to. done is always called later, from the loop, never
 * from here. Returns a handle valid until done is called or the lookup is
 * cancelled; NULL when out of memory. */
struct prb_dns_lookup *prb_dns_lookup(struct prb_resolver *r,
                                      const char *name, int qtype,
                                      double t_base, int depth,
                                      int transaction_id, prb_dns_done done,
                                      void *arg);

/* The caller is going away: done will never be called for lk. */
void prb_dns_cancel(struct prb_dns_lookup *lk);

/* Parses a DNS response into q (rcode, answers, failure). Exposed for
 * tests. qtype is PRB_RR_A or PRB_RR_AAAA. */
void prb_dns_parse(struct prb_dns_query *q, int status,
                   const unsigned char *abuf, int alen);

#endif
