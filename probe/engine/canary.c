/* canary.c: one asynchronous "am I online?" check at a time. */
#include "engine/canary.h"
#include "common/datadir.h"
#include "lists/inputs.h"
#include "engine/measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
  struct prb_canaries *c;
  struct prb_meas *m;
};

struct prb_canaries {
  char file[4096];
  struct prb_url *urls;
  size_t n;
  struct slot *slots;           /* one per URL during a check */
  size_t pending;
  bool busy;
  struct prb_engine *e;
  struct prb_timer deadline;
  struct prb_timer kick;
  bool reached;
  prb_canary_done done;
  void *arg;
};

struct prb_canaries *prb_canaries_load(const char *file, FILE *err,
                                       char *why, size_t whylen)
{
  struct prb_canaries *c = calloc(1, sizeof(*c));
  if(!c) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  if(file)
    snprintf(c->file, sizeof(c->file), "%s", file);
  else if(!prb_datafile("canaries.csv", c->file, sizeof(c->file))) {
    snprintf(why, whylen, "lists/canaries.csv not found; name a file with "
             "--canaries, or skip the check with --no-preflight");
    free(c);
    return NULL;
  }
  struct prb_inputs in;
  prb_inputs_init(&in);
  int rc = prb_inputs_add_file(&in, c->file, err);
  c->urls = in.n ? calloc(in.n, sizeof(*c->urls)) : NULL;
  c->slots = in.n ? calloc(in.n, sizeof(*c->slots)) : NULL;
  for(size_t i = 0; c->urls && c->slots && i < in.n; i++)
    if(prb_url_parse(in.items[i].url, &c->urls[c->n], NULL) == 0)
      c->n++;
  prb_inputs_free(&in);
  if(rc != PRB_LOAD_OK || !c->n) {
    snprintf(why, whylen, "%s: no usable canary URL", c->file);
    prb_canaries_free(c);
    return NULL;
  }
  prb_timer_init(&c->deadline);
  prb_timer_init(&c->kick);
  return c;
}

/* Ends the check: the canaries still running are stopped. */
static void conclude(struct prb_canaries *c)
{
  for(size_t i = 0; i < c->n; i++) {
    prb_meas_free(c->slots[i].m);
    c->slots[i].m = NULL;
  }
  c->pending = 0;
  c->busy = false;
  prb_timer_stop(c->e->loop, &c->deadline);
  prb_timer_stop(c->e->loop, &c->kick);
  c->done(c->arg, c->reached);
}

static void on_kick(void *arg)
{
  conclude(arg);
}

static void on_canary(void *arg, struct prb_meas *m)
{
  struct slot *s = arg;
  struct prb_canaries *c = s->c;
  if(prb_meas_reached(m))
    c->reached = true;
  prb_meas_free(m);
  s->m = NULL;
  c->pending--;
  if(c->reached || !c->pending)
    prb_timer_start(c->e->loop, &c->kick, 0, on_kick, c);
}

static void on_deadline(void *arg)
{
  conclude(arg);
}

bool prb_canaries_check(struct prb_canaries *c, struct prb_engine *e,
                        double max_secs, prb_canary_done done, void *arg)
{
  if(c->busy)
    return false;
  c->e = e;
  c->done = done;
  c->arg = arg;
  c->reached = false;
  c->busy = true;
  c->pending = 0;
  for(size_t i = 0; i < c->n; i++) {
    c->slots[i].c = c;
    c->slots[i].m = prb_meas_start(e, &c->urls[i], PRB_MEAS_CANARY, NULL, 0,
                                   on_canary, &c->slots[i]);
    if(c->slots[i].m)
      c->pending++;
  }
  if(!c->pending)
    prb_timer_start(e->loop, &c->kick, 0, on_kick, c);
  prb_timer_start(e->loop, &c->deadline, max_secs, on_deadline, c);
  return true;
}

bool prb_canaries_busy(const struct prb_canaries *c)
{
  return c->busy;
}

size_t prb_canaries_count(const struct prb_canaries *c)
{
  return c->n;
}

const char *prb_canaries_file(const struct prb_canaries *c)
{
  return c->file;
}

void prb_canaries_free(struct prb_canaries *c)
{
  if(!c)
    return;
  if(c->busy) {
    for(size_t i = 0; i < c->n; i++)
      prb_meas_free(c->slots[i].m);
    prb_timer_stop(c->e->loop, &c->deadline);
    prb_timer_stop(c->e->loop, &c->kick);
  }
  free(c->urls);
  free(c->slots);
  free(c);
}
