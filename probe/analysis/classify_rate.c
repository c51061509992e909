/* classify_rate.c: download rates, for the rules that tell throttling from
 * blocking (classify.c's table: 13's throttled, 17 and 18). A page that
 * came whole at under a tenth of the control's rate, or one still
 * arriving when its deadline ended the transfer, is throttled; as slow
 * as the control's, it is slow for everyone; never blocked. */
#include "analysis/classify_ctx.h"

#include <string.h>

/* Rule 13: a page that came whole, at under a tenth of the control's
 * rate (both of 64 KiB or more, or the caller's rates). */
bool prb_cls_throttled(struct ctx *c)
{
  double pr = c->in->probe_rate, cr = c->in->control_rate;
  const struct prb_ctl_http *h = &c->ctl->http;

  if(pr <= 0 && c->final->body_len >= PRB_THROTTLE_MIN_BYTES) {
    double span = c->final->t - c->obs->requests[0].t0;
    if(span > 0)
      pr = (double)c->final->body_len / span;
  }
  if(cr <= 0 && h->body_length >= PRB_THROTTLE_MIN_BYTES &&
     c->ctl->x_timing.http_request > 0)
    cr = (double)h->body_length / c->ctl->x_timing.http_request;
  if(pr <= 0 || cr <= 0 || pr >= PRB_THROTTLE_FRACTION * cr)
    return false;
  prb_cls_ev(c->an, "HTTP: the probe downloaded at %.0f bytes/s, under "
             "%.0f%% of the control's %.0f bytes/s", pr,
             PRB_THROTTLE_FRACTION * 100, cr);
  return true;
}

/* The final request was cut by its deadline while the response was
 * still arriving (x_timeout_progress "flowing"). */
bool prb_cls_cut_while_flowing(const struct ctx *c)
{
  const struct prb_http_request *r = c->final;
  return r && r->failure && prb_cls_fclass(r->failure) == F_TIMEOUT &&
         r->timeout_progress && !strcmp(r->timeout_progress, "flowing") &&
         r->bytes_received > 0 && r->t > r->t0;
}

/* The control's download rate in bytes per second, 0 when unknown: its
 * page over its fetch's time, or, when its deadline cut that fetch while
 * the page was still arriving, the bytes that came in that time. */
static double control_rate(const struct ctx *c, bool *flowing)
{
  const struct prb_ctl_http *h = &c->ctl->http;
  double secs = c->ctl->x_timing.http_request;
  *flowing = false;
  if(secs <= 0)
    return 0;
  if(prb_cls_ctl_http(c->ctl) == CS_OK && h->body_length > 0)
    return (double)h->body_length / secs;
  if(h->x_flowing && h->x_bytes_received > 0) {
    *flowing = true;
    return (double)h->x_bytes_received / secs;
  }
  return 0;
}

/* Rules 17 and 18: a transfer still flowing when its deadline came is
 * slow, not stopped: throttled when the control's ran ten times faster,
 * slow for everyone (ok) when it did not, inconclusive when the control
 * fetched another page or sent no timing (never blocked). Returns false
 * to leave the measurement to rule 11 when the control failed otherwise
 * (down: it could not fetch what flows here). */
bool prb_cls_verdict_flowing(struct ctx *c)
{
  const struct prb_http_request *r = c->final;
  const struct prb_ctl_http *h = &c->ctl->http;
  struct prb_analysis *an = c->an;
  double span = r->t - r->t0, ours = (double)r->bytes_received / span;
  bool ctl_flowing, ctl_ok = prb_cls_ctl_http(c->ctl) == CS_OK;
  double theirs = control_rate(c, &ctl_flowing);

  prb_cls_ev(an, "HTTP: the probe's request to %s ended at its %.1f s "
             "deadline while the page was still arriving: %zu bytes, the "
             "first after %.2f s, %.0f bytes/s", r->url, span,
             r->bytes_received, r->t_first_byte - r->t0, ours);
  if(!ctl_ok && !ctl_flowing)
    return false;
  if(ctl_ok && ((r->code > 0 && r->code != h->status_code) ||
                (h->body_length >= 0 &&
                 r->body_len >= (size_t)h->body_length))) {
    prb_cls_ev(an, "HTTP: the control fetched another page (status %ld, "
               "%lld bytes): slow here, not stopped, and nothing to "
               "compare", h->status_code, h->body_length);
    return true;                /* inconclusive: never blocked */
  }
  if(theirs <= 0) {
    prb_cls_ev(an, "HTTP: the control fetched the page but sent no "
               "timing: slow here, not stopped, and no rate to compare "
               "with");
    return true;                /* inconclusive: never blocked */
  }
  if(ctl_ok)
    prb_cls_ev(an, "HTTP: the control fetched the page (status %ld, %lld "
               "bytes) at %.0f bytes/s", h->status_code, h->body_length,
               theirs);
  else
    prb_cls_ev(an, "HTTP: the control's fetch ended at its deadline too, "
               "the page still arriving (%lld bytes, %.0f bytes/s)",
               h->x_bytes_received, theirs);
  if(ours < PRB_THROTTLE_FRACTION * theirs) {               /* rule 17 */
    prb_cls_ev(an, "HTTP: the probe's transfer ran at %.2g%% of the "
               "control's rate, under %.0f%%: throttled, not blocked",
               100 * ours / theirs, 100 * PRB_THROTTLE_FRACTION);
    prb_cls_set_verdict(c, PRB_VERDICT_THROTTLED, PRB_METHOD_NONE, NULL,
                        false);
    return true;
  }
  /* rule 18 */
  prb_cls_ev(an, "HTTP: the control was no more than %.0fx faster (%.1fx): "
             "the site is slow for everyone, neither throttled nor blocked "
             "here", 1 / PRB_THROTTLE_FRACTION, theirs / ours);
  prb_cls_set_verdict(c, PRB_VERDICT_OK, PRB_METHOD_NONE, NULL, false);
  return true;
}
