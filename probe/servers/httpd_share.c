/* httpd_share.c: connections, slots and the slot queue per client
 * (httpd_share.h). Linear scans: the table holds one entry per client
 * with something open, at most the server's connection cap. */
#include "servers/httpd_share.h"
#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void prb_share_init(struct prb_share *s, unsigned slots, unsigned per_client,
                    unsigned per_peer_conns)
{
  memset(s, 0, sizeof(*s));
  s->slots = slots;
  s->per_client = per_client ? per_client : slots * 3 / 4;
  if(!s->per_client)
    s->per_client = 1;
  s->per_peer_conns = per_peer_conns;
}

void prb_share_free(struct prb_share *s)
{
  free(s->clients);
  memset(s, 0, sizeof(*s));
}

static struct prb_share_client *find(const struct prb_share *s,
                                     const struct prb_addr *key)
{
  for(size_t i = 0; i < s->n_clients; i++)
    if(prb_addr_equal(&s->clients[i].key, key))
      return &s->clients[i];
  return NULL;
}

static struct prb_share_client *get(struct prb_share *s,
                                    const struct prb_addr *key)
{
  struct prb_share_client *c = find(s, key);
  if(c)
    return c;
  if(!prb_array_reserve(&s->clients, &s->cap_clients, s->n_clients + 1,
                        sizeof(*s->clients), SIZE_MAX))
    return NULL;
  c = &s->clients[s->n_clients++];
  memset(c, 0, sizeof(*c));
  c->key = *key;
  return c;
}

/* Forgets c once it holds and waits for nothing. */
static void tidy(struct prb_share *s, struct prb_share_client *c)
{
  if(!c || c->conns || c->slots || c->waiting)
    return;
  *c = s->clients[--s->n_clients];
}

bool prb_share_conn_open(struct prb_share *s, const struct prb_addr *key)
{
  struct prb_share_client *c = get(s, key);
  if(!c)
    return false;
  if(s->per_peer_conns && c->conns >= s->per_peer_conns) {
    tidy(s, c);
    return false;
  }
  c->conns++;
  return true;
}

void prb_share_conn_close(struct prb_share *s, const struct prb_addr *key)
{
  struct prb_share_client *c = find(s, key);
  if(c && c->conns) {
    c->conns--;
    tidy(s, c);
  }
}

enum prb_share_rc prb_share_ask(struct prb_share *s,
                                struct prb_share_waiter *w)
{
  struct prb_share_client *c = get(s, &w->key);
  if(!c)
    return PRB_SHARE_FULL;
  /* A free slot with waiters queued means they are at their share:
   * taking it is fair. */
  if(s->used < s->slots && c->slots < s->per_client) {
    s->used++;
    c->slots++;
    return PRB_SHARE_GRANTED;
  }
  if(s->n_waiting >= s->slots || c->waiting >= s->per_client) {
    tidy(s, c);
    return PRB_SHARE_FULL;
  }
  c->waiting++;
  s->n_waiting++;
  w->queued = true;
  w->next = NULL;
  w->prev = s->tail;
  if(s->tail)
    s->tail->next = w;
  else
    s->head = w;
  s->tail = w;
  return PRB_SHARE_QUEUED;
}

static void unqueue(struct prb_share *s, struct prb_share_waiter *w)
{
  if(w->prev)
    w->prev->next = w->next;
  else
    s->head = w->next;
  if(w->next)
    w->next->prev = w->prev;
  else
    s->tail = w->prev;
  w->prev = w->next = NULL;
  w->queued = false;
  s->n_waiting--;
}

void prb_share_leave(struct prb_share *s, struct prb_share_waiter *w)
{
  if(!w->queued)
    return;
  unqueue(s, w);
  struct prb_share_client *c = find(s, &w->key);
  if(c && c->waiting) {
    c->waiting--;
    tidy(s, c);
  }
}

void prb_share_release(struct prb_share *s, const struct prb_addr *key)
{
  struct prb_share_client *c = find(s, key);
  if(s->used)
    s->used--;
  if(c && c->slots) {
    c->slots--;
    tidy(s, c);
  }
}

struct prb_share_waiter *prb_share_next(struct prb_share *s)
{
  if(s->used >= s->slots)
    return NULL;
  struct prb_share_waiter *best = NULL;
  struct prb_share_client *best_c = NULL;
  for(struct prb_share_waiter *w = s->head; w; w = w->next) {
    struct prb_share_client *c = find(s, &w->key);
    if(!c || c->slots >= s->per_client)
      continue;
    if(!best || c->slots < best_c->slots) {
      best = w;
      best_c = c;
    }
  }
  if(!best)
    return NULL;
  unqueue(s, best);
  best_c->waiting--;
  best_c->slots++;
  s->used++;
  return best;
}

unsigned prb_share_held(const struct prb_share *s, const struct prb_addr *key)
{
  const struct prb_share_client *c = find(s, key);
  return c ? c->slots : 0;
}
