/* measure_control.c: asking the control vantage point (OONI's test-helper
 * protocol) about a measurement, in parallel with our own steps; the next
 * control when one cannot be reached, and a control that could not be
 * reached is left alone for a while (PRB_CONTROL_RETRY). */
#include "engine/measure_int.h"
#include "common/addr.h"
#include "ooni/failure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct prb_control *prb_meas_control(const struct prb_meas *m)
{
  return m->ctl;
}

const char *prb_meas_control_url(const struct prb_meas *m)
{
  return m->ctl ? m->e->controls[m->control_idx].url : NULL;
}

const char *prb_meas_control_failure(const struct prb_meas *m)
{
  return m->ctl_failure[0] ? m->ctl_failure : NULL;
}

bool prb_meas_control_unreachable(const struct prb_meas *m)
{
  return m->ctl_unreachable;
}

json_t *prb_meas_control_request(const struct prb_meas *m)
{
  return m->ctl_request;
}

json_t *prb_meas_control_reply(const struct prb_meas *m)
{
  return m->ctl_reply;
}

#define PRB_CTL_FAIL_JSON "json_parse_error"
#define PRB_CTL_FAIL_STATUS "http_unexpected_status_code"

static void ask_control(struct prb_meas *m);

/* The control's failures are static strings already, except parse
 * reasons; keep a static one for the breaker. */
static const char *failure_static(const char *f)
{
  static const char *const known[] = {
    PRB_FAIL_TIMEOUT, PRB_FAIL_REFUSED, PRB_FAIL_RESET, PRB_FAIL_EOF,
    PRB_FAIL_NXDOMAIN, PRB_FAIL_SSL_AUTHORITY, PRB_FAIL_SSL_HOSTNAME,
    PRB_FAIL_SSL_CERT, PRB_FAIL_SSL_HANDSHAKE
  };
  for(size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
    if(!strcmp(f, known[i]))
      return known[i];
  return PRB_FAIL_UNKNOWN;
}

static void control_failed(struct prb_meas *m, const char *failure,
                           bool unreachable)
{
  snprintf(m->ctl_failure, sizeof(m->ctl_failure), "%s", failure);
  m->ctl_unreachable = unreachable;
  if(unreachable && m->control_idx < m->e->n_controls &&
     !m->expired) {
    struct prb_control_ep *c = &m->e->controls[m->control_idx];
    c->down_until = prb_now() + PRB_CONTROL_RETRY;
    c->down_failure = failure_static(failure);
  }
  if(!m->expired && ++m->control_idx < m->e->n_controls) {
    ask_control(m);             /* the next control, from the start */
    return;
  }
  m->ctl_done = true;
  prb_meas_maybe_complete(m);
}

static void on_control(void *arg, struct prb_http_request *req,
                       const char *local_ip)
{
  struct prb_meas *m = arg;
  m->ctl_fetch = NULL;
  if(local_ip[0])
    prb_scrub_add(m->e->scrub, local_ip);
  const char *failure = NULL;
  bool unreachable = false;
  json_t *reply = NULL;
  if(req->failure) {
    failure = req->failure;
    unreachable = true;
  }
  else if(req->code != 200)
    failure = PRB_CTL_FAIL_STATUS;
  else {
    json_error_t err;
    reply = json_loadb((const char *)req->body, req->body_len,
                       JSON_REJECT_DUPLICATES, &err);
    if(!reply || req->body_is_truncated)
      failure = PRB_CTL_FAIL_JSON;
  }
  if(!failure) {
    struct prb_control *ctl = calloc(1, sizeof(*ctl));
    char why[128];
    if(!ctl)
      failure = PRB_FAIL_UNKNOWN;
    else if(prb_control_parse(reply, ctl, why, sizeof(why)) < 0) {
      failure = PRB_CTL_FAIL_JSON;
      free(ctl);
    }
    else {
      /* Our public address as the control saw it (behind NAT we cannot
       * know it otherwise): scrubbed from everything, kept nowhere. */
      const char *me = json_string_value(json_object_get(reply,
                                                         "x_probe_address"));
      if(me)
        prb_scrub_add(m->e->scrub, me);
      /* Only what we read enters the record (not x_probe_address, nor
       * anything a hostile control adds). */
      m->ctl_reply = prb_control_reply_kept(reply);
      if(!m->ctl_reply) {
        failure = PRB_FAIL_UNKNOWN;
        free(ctl);
      } else {
        m->ctl = ctl;
        m->ctl_failure[0] = 0;
        m->ctl_unreachable = false;
      }
    }
  }
  json_decref(reply);
  prb_obs_request_free(req);
  if(failure) {
    control_failed(m, failure, unreachable);
    return;
  }
  m->e->controls[m->control_idx].down_until = 0;
  m->ctl_done = true;
  prb_meas_maybe_complete(m);
}

static void ask_control(struct prb_meas *m)
{
  struct prb_control_ep *c = &m->e->controls[m->control_idx];
  if(c->down_until > prb_now()) {
    control_failed(m, c->down_failure ? c->down_failure : PRB_FAIL_TIMEOUT,
                   true);
    return;
  }
  struct prb_fetch_params p;
  prb_engine_control_fetch(c, m->t_base, m->e->control_deadline <
                           prb_meas_remaining(m) ? m->e->control_deadline :
                           prb_meas_remaining(m), &p);
  p.post = m->ctl_body;
  p.post_len = strlen(m->ctl_body);
  if(!c->ip[0]) {
    control_failed(m, PRB_FAIL_NXDOMAIN, true);
    return;
  }
  m->ctl_fetch = prb_http_fetch(m->e->http, &p, on_control, m);
  if(!m->ctl_fetch)
    control_failed(m, PRB_FAIL_UNKNOWN, false);
}

/* Asks the control about the URL and the endpoints we resolved, as OONI's
 * probe does: in parallel with our own steps. */
void prb_meas_control_start(struct prb_meas *m)
{
  const char *eps[PRB_MAX_ENDPOINTS];
  char text[PRB_MAX_ENDPOINTS][PRB_ENDPOINT_MAX];
  size_t n = 0;
  for(size_t i = 0; i < m->n_hop_addrs && n < PRB_MAX_ENDPOINTS; i++) {
    if(!prb_meas_allowed(m, m->hop_addrs[i]))
      continue;
    prb_addr_endpoint_text(m->hop_addrs[i], m->url.port, text[n],
                           sizeof(text[n]));
    eps[n] = text[n];
    n++;
  }
  m->ctl_request = prb_control_request_new(m->obs.input, eps, n);
  m->ctl_body = m->ctl_request ? json_dumps(m->ctl_request, JSON_COMPACT) :
                NULL;
  if(!m->ctl_body) {
    m->control_idx = m->e->n_controls;
    control_failed(m, PRB_FAIL_UNKNOWN, false);
    return;
  }
  ask_control(m);
}

/* The measurement's deadline: a control still asked has not answered. */
void prb_meas_control_expire(struct prb_meas *m)
{
  if(m->ctl_fetch) {
    prb_fetch_cancel(m->ctl_fetch);
    m->ctl_fetch = NULL;
    control_failed(m, PRB_FAIL_TIMEOUT, true);  /* no answer came */
  }
}

void prb_meas_control_free(struct prb_meas *m)
{
  prb_fetch_cancel(m->ctl_fetch);
  m->ctl_fetch = NULL;
  free(m->ctl);
  json_decref(m->ctl_request);
  json_decref(m->ctl_reply);
  free(m->ctl_body);
}
