/* engine.c: building and tearing down what measurements share. */
#include "engine/engine.h"
#include "common/caps.h"
#include "common/errors.h"
#include "engine/tlsctx.h"

#include <stdio.h>
#include <string.h>

struct control_lookup {
  struct prb_control_ep *c;
  int pending;
  char v4[PRB_IP_MAX], v6[PRB_IP_MAX];
};

static void on_control_addr(void *arg, struct prb_dns_query *q)
{
  struct control_lookup *lk = arg;
  lk->pending--;
  for(size_t i = 0; i < q->n_answers; i++) {
    char *slot = q->answers[i].type == PRB_RR_A ? lk->v4 :
                 q->answers[i].type == PRB_RR_AAAA ? lk->v6 : NULL;
    if(slot && !slot[0])
      snprintf(slot, PRB_IP_MAX, "%.45s", q->answers[i].value);
  }
}

/* Resolves each control's name once. */
static enum prb_exit add_controls(struct prb_engine *e,
                                  const struct prb_engine_cfg *cfg, char *why,
                                  size_t whylen)
{
  struct control_lookup lk[PRB_MAX_CONTROLS];
  memset(lk, 0, sizeof(lk));
  for(size_t i = 0; i < cfg->n_controls && i < PRB_MAX_CONTROLS; i++) {
    struct prb_control_ep *c = &e->controls[e->n_controls];
    const char *bad = NULL;
    if(prb_url_parse(cfg->controls[i], &c->u, &bad) < 0) {
      snprintf(why, whylen, "--control %s: %s", cfg->controls[i],
               bad ? bad : "not an http(s) URL");
      return PRB_EXIT_USAGE;
    }
    prb_url_format(&c->u, c->url, sizeof(c->url));
    e->n_controls++;
    if(c->u.host_is_ip) {
      size_t n = strnlen(c->u.host, sizeof(c->ip) - 1);
      memcpy(c->ip, c->u.host, n);
      c->ip[n] = 0;
      continue;
    }
    lk[i].c = c;
    static const int qtypes[2] = {PRB_RR_A, PRB_RR_AAAA};
    for(int k = 0; k < 2; k++) {
      lk[i].pending++;
      if(!prb_dns_lookup(e->system, c->u.host, qtypes[k], prb_now(), 0, 0,
                         on_control_addr, &lk[i]))
        lk[i].pending--;
    }
  }
  for(;;) {
    int pending = 0;
    for(size_t i = 0; i < e->n_controls; i++)
      pending += lk[i].pending;
    if(!pending)
      break;
    prb_loop_run_once(e->loop, 1.0);
  }
  /* IPv4 first: many volunteers have no IPv6 route. */
  for(size_t i = 0; i < e->n_controls; i++)
    if(lk[i].c)
      snprintf(lk[i].c->ip, sizeof(lk[i].c->ip), "%s",
               lk[i].v4[0] ? lk[i].v4 : lk[i].v6);
  return PRB_EXIT_OK;
}

enum prb_exit prb_engine_up(struct prb_engine *e,
                            const struct prb_engine_cfg *cfg, char *why,
                            size_t whylen)
{
  char reason[512];
  size_t n = 0;
  const char *ca = cfg->ca_file ? cfg->ca_file : PRB_DEFAULT_CA;
  e->store = prb_tls_store_load(ca, &n, why, whylen);
  if(!e->store)
    return PRB_EXIT_INPUT;
  e->step_deadline = cfg->step_timeout;
  e->dns_deadline = cfg->step_timeout < 4.0 ? cfg->step_timeout : 4.0;
  e->decoy_sni = cfg->decoy_sni;
  /* A control answers after its own DNS, connect and fetch steps. */
  e->control_deadline = 3.0 * e->step_deadline + e->dns_deadline + 5.0;
  /* Our steps are bounded one by one; redirects are not: the whole
   * measurement gets the control's wait (which starts after our DNS) and
   * one more step, so the control's own deadline comes first. */
  e->meas_deadline = e->dns_deadline + e->control_deadline +
                     e->step_deadline;
  if(!(e->loop = prb_loop_new()) || !(e->scrub = prb_scrub_new()) ||
     !(e->tls = prb_tls_ctx_new(e->store))) {
    snprintf(why, whylen, "out of memory");
    return PRB_EXIT_INTERNAL;
  }
  prb_scrub_add_interfaces(e->scrub);
  prb_localnets_load(&e->localnets);
  e->system = prb_resolver_new(e->loop, NULL, e->dns_deadline, reason,
                               sizeof(reason));
  if(!e->system) {
    snprintf(why, whylen, "system resolver: %s", reason);
    return PRB_EXIT_INTERNAL;
  }
  for(size_t i = 0; i < cfg->n_resolvers && i < PRB_MAX_RESOLVERS; i++) {
    e->extra[i] = prb_resolver_new(e->loop, cfg->resolvers[i],
                                   e->dns_deadline, why, whylen);
    if(!e->extra[i])
      return PRB_EXIT_USAGE;
    e->n_extra++;
  }
  e->http = prb_http_new(e->loop, e->store, why, whylen);
  if(!e->http)
    return PRB_EXIT_INTERNAL;
  return add_controls(e, cfg, why, whylen);
}

struct greeting {
  bool done;
  json_t *reply;
};

static void on_greeting(void *arg, struct prb_http_request *req,
                        const char *local_ip)
{
  struct greeting *g = arg;
  g->done = true;
  if(!req->failure && req->code == 200 && !req->body_is_truncated)
    g->reply = json_loadb((const char *)req->body, req->body_len, 0, NULL);
  prb_obs_request_free(req);
}

void prb_engine_control_fetch(const struct prb_control_ep *c, double t_base,
                              double deadline, struct prb_fetch_params *p)
{
  memset(p, 0, sizeof(*p));
  p->url = c->url;
  p->host = c->u.host;
  p->port = c->u.port;
  p->ip = c->ip;
  p->t_base = t_base;
  p->deadline = deadline;
}

json_t *prb_engine_greet(struct prb_engine *e)
{
  for(size_t i = 0; i < e->n_controls; i++) {
    struct prb_control_ep *c = &e->controls[i];
    if(!c->ip[0])
      continue;
    struct greeting g = {false, NULL};
    struct prb_fetch_params p;
    prb_engine_control_fetch(c, prb_now(), e->step_deadline, &p);
    if(!prb_http_fetch(e->http, &p, on_greeting, &g))
      continue;
    while(!g.done)
      prb_loop_run_once(e->loop, 1.0);
    if(!json_is_object(g.reply)) {
      json_decref(g.reply);
      continue;
    }
    const char *me = json_string_value(json_object_get(g.reply,
                                                       "x_probe_address"));
    if(me)
      prb_scrub_add(e->scrub, me);
    json_object_del(g.reply, "x_probe_address");
    return g.reply;
  }
  return NULL;
}

void prb_engine_down(struct prb_engine *e)
{
  prb_http_free(e->http);
  for(size_t i = 0; i < e->n_extra; i++)
    prb_resolver_free(e->extra[i]);
  prb_resolver_free(e->system);
  SSL_CTX_free(e->tls);
  prb_scrub_free(e->scrub);
  prb_loop_free(e->loop);
  X509_STORE_free(e->store);
  memset(e, 0, sizeof(*e));
}
