/* measure.h: one URL measured the way OONI's Web Connectivity does it.
 *
 * DNS (A and AAAA, system resolver and each extra resolver), then TCP and,
 * for https, TLS to every resolved address (bounded), a decoy-SNI handshake
 * where the real name's handshake failed after TCP worked, then one GET
 * through a working endpoint, following up to 10 redirects ourselves: each
 * hop resolved by c-ares, loopback never contacted. Everything observed
 * goes into a struct prb_obs; nothing here writes or classifies.
 */
#ifndef PRB_MEASURE_H
#define PRB_MEASURE_H

#include "engine.h"
#include "obs.h"
#include "url.h"

#define PRB_MAX_ENDPOINTS 8
#define PRB_MAX_REDIRECTS 10

enum prb_meas_mode {
  PRB_MEAS_FULL,                /* everything above */
  PRB_MEAS_CANARY               /* system DNS and TCP only: am I online? */
};

struct prb_meas;

/* Called once, from the loop, when the measurement is complete. The
 * callee may free m there. */
typedef void (*prb_meas_done)(void *arg, struct prb_meas *m);

/* Starts measuring url, which prb_url_parse() accepted. NULL when out of
 * memory. done is never called from inside this function. */
struct prb_meas *prb_meas_start(struct prb_engine *e, const struct prb_url *url,
                                enum prb_meas_mode mode, prb_meas_done done,
                                void *arg);

/* The observations so far (complete once done was called). Borrowed. */
const struct prb_obs *prb_meas_obs(const struct prb_meas *m);

/* True when any TCP connect of the measurement succeeded. */
bool prb_meas_reached(const struct prb_meas *m);

/* Stops whatever is in flight and frees m. */
void prb_meas_free(struct prb_meas *m);

#endif
