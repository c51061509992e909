/* httpd_share.h: each client's share of a public server: connections per
 * address, work slots per client, and the queue for a slot.
 *
 * Private to servers/httpd.c; pure bookkeeping, so it is unit-tested on
 * its own. Clients are told apart by prb_client_key() (httpd_head.h); an
 * entry lives only while its client holds or waits for something, so the
 * table never holds more clients than there are connections, and nothing
 * about a client outlives its requests.
 *
 * Slots are the server's costly work at once (the helper's measurements).
 * The policy:
 * - a client holds at most per_client slots, so a quarter of them (by
 *   default) is always left for the others, however many one client asks
 *   for;
 * - a request that finds no slot it may take waits in one queue, at most
 *   `slots` waiters in all and per_client per client (more: refused at
 *   once);
 * - a freed slot goes to the waiting client that holds the fewest slots,
 *   the longest waiting among equals: a lone busy client still gets every
 *   slot it may hold, and a newcomer is served before a client that
 *   already holds many.
 */
#ifndef PRB_HTTPD_SHARE_H
#define PRB_HTTPD_SHARE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/addr.h"

/* Lives inside the caller's request. */
struct prb_share_waiter {
  struct prb_addr key;          /* the client (set before asking) */
  bool queued;
  struct prb_share_waiter *prev, *next;
};

struct prb_share_client {
  struct prb_addr key;
  unsigned conns, slots, waiting;
};

struct prb_share {
  unsigned slots, per_client, per_peer_conns;
  unsigned used;                /* slots held */
  struct prb_share_client *clients;
  size_t n_clients, cap_clients;
  struct prb_share_waiter *head, *tail; /* oldest first */
  unsigned n_waiting;
};

/* per_client 0: three quarters of slots (at least 1); per_peer_conns 0:
 * no cap on connections per address. */
void prb_share_init(struct prb_share *s, unsigned slots, unsigned per_client,
                    unsigned per_peer_conns);
void prb_share_free(struct prb_share *s);

/* A connection from key opens: false when that address has
 * per_peer_conns open already (or out of memory): refuse it. */
bool prb_share_conn_open(struct prb_share *s, const struct prb_addr *key);
void prb_share_conn_close(struct prb_share *s, const struct prb_addr *key);

enum prb_share_rc {
  PRB_SHARE_GRANTED,            /* w's client holds one more slot */
  PRB_SHARE_QUEUED,             /* w waits: prb_share_next() hands it one */
  PRB_SHARE_FULL                /* no slot, and no room to wait */
};

/* w asks for a slot for its client (w->key). */
enum prb_share_rc prb_share_ask(struct prb_share *s,
                                struct prb_share_waiter *w);
/* w stops waiting (its client went away, its time ran out). */
void prb_share_leave(struct prb_share *s, struct prb_share_waiter *w);
/* key's client gives a slot back. */
void prb_share_release(struct prb_share *s, const struct prb_addr *key);
/* The waiter that gets a free slot now (out of the queue, its slot
 * counted), or NULL. Call it until NULL after each release. */
struct prb_share_waiter *prb_share_next(struct prb_share *s);

/* What key's client holds (0 when unknown): for tests. */
unsigned prb_share_held(const struct prb_share *s, const struct prb_addr *key);

#endif
