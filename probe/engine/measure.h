/* measure.h: one URL measured the way OONI's Web Connectivity does it.
 *
 * DNS (A and AAAA, system resolver and each extra resolver), then TCP and,
 * for https, TLS to every resolved address (bounded), a decoy-SNI handshake
 * where the real name's handshake failed after TCP worked, then one GET
 * over the first of those connections that is usable (one handshake per
 * endpoint), following up to 10 redirects ourselves: each hop resolved by
 * c-ares and fetched over a connection of its own, loopback never
 * contacted. In parallel, the control vantage point is asked to do the
 * same from outside. Everything observed goes into a struct prb_obs;
 * nothing here writes or classifies.
 */
#ifndef PRB_MEASURE_H
#define PRB_MEASURE_H

#include <jansson.h>
#include "ooni/control.h"
#include "engine/engine.h"
#include "ooni/obs.h"
#include "common/url.h"

enum prb_meas_mode {
  PRB_MEAS_FULL,                /* everything above */
  PRB_MEAS_CANARY,              /* system DNS and TCP only: am I online? */
  PRB_MEAS_CONTROL              /* the helper's side: no control, no decoy,
                                   the probe's endpoints measured too */
};

struct prb_meas;

/* Called once, from the loop, when the measurement is complete. The
 * callee may free m there. */
typedef void (*prb_meas_done)(void *arg, struct prb_meas *m);

/* Starts measuring url, which prb_url_parse() accepted. extra (n_extra,
 * may be NULL) are endpoints to measure beside the resolved ones (the
 * probe's, in PRB_MEAS_CONTROL). NULL when out of memory. done is never
 * called from inside this function. */
struct prb_meas *prb_meas_start(struct prb_engine *e, const struct prb_url *url,
                                enum prb_meas_mode mode,
                                const struct prb_addr *extra,
                                size_t n_extra, prb_meas_done done,
                                void *arg);

/* The helper's side (PRB_MEAS_CONTROL): as prb_meas_start, and never
 * contacts never (when not NULL: the asking probe's own address, or an
 * address carrying it), whatever the URL resolves to or the probe lists. */
struct prb_meas *prb_meas_start_control(struct prb_engine *e,
                                        const struct prb_url *url,
                                        const struct prb_addr *extra,
                                        size_t n_extra,
                                        const struct prb_addr *never,
                                        prb_meas_done done, void *arg);

/* The observations so far (complete once done was called). Borrowed. */
const struct prb_obs *prb_meas_obs(const struct prb_meas *m);

/* When the measurement started (prb_now() seconds). */
double prb_meas_started(const struct prb_meas *m);

/* True when any TCP connect of the measurement succeeded. */
bool prb_meas_reached(const struct prb_meas *m);

/* The control's parsed answer, or NULL (none asked, or it failed: then
 * prb_meas_control_failure says why, else it returns NULL). */
const struct prb_control *prb_meas_control(const struct prb_meas *m);
/* The URL of the control that gave that answer, or NULL. Borrowed. */
const char *prb_meas_control_url(const struct prb_meas *m);
const char *prb_meas_control_failure(const struct prb_meas *m);
/* True when the control could not be reached at all (no HTTP answer). */
bool prb_meas_control_unreachable(const struct prb_meas *m);
/* The request sent and the reply received (JSON), borrowed; NULL if none. */
json_t *prb_meas_control_request(const struct prb_meas *m);
json_t *prb_meas_control_reply(const struct prb_meas *m);

/* Stops whatever is in flight and frees m. */
void prb_meas_free(struct prb_meas *m);

#endif
