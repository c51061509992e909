/* upload_http.h: the requests `accessprobe upload` makes to a collector
 * (libcurl multi); what their answers mean is upload_answer.h's.
 *
 * Every request is bounded: a whole-request deadline (a collector that
 * drips its answer is cut off), an answer of at most 64 KiB, redirects
 * never followed (said, with where they point), http and https only, TLS
 * checked against the pristine Mozilla roots (or --ca-file), never the
 * system's store. A request without any HTTP answer (network) is RETRY.
 */
#ifndef PRB_UPLOAD_HTTP_H
#define PRB_UPLOAD_HTTP_H

#include "volunteer/upload_answer.h"

#include <stdbool.h>
#include <stddef.h>

typedef void (*prb_uhttp_done)(void *arg, const struct prb_ures *r);

struct prb_uhttp;

/* ca_file: trust anchors for https collectors; timeout: seconds a whole
 * request may take. NULL when out of memory. */
struct prb_uhttp *prb_uhttp_new(const char *ca_file, double timeout);

/* Aborts what is in flight (no callbacks) and frees h. */
void prb_uhttp_free(struct prb_uhttp *h);

/* POST base/report with the template. */
bool prb_uhttp_open(struct prb_uhttp *h, const char *base,
                    const struct prb_cp_template *t, prb_uhttp_done done,
                    void *arg);

/* POST base/report/rid with {"format":"json","content":record}. */
bool prb_uhttp_submit(struct prb_uhttp *h, const char *base, const char *rid,
                      const char *record, size_t len, prb_uhttp_done done,
                      void *arg);

/* POST base/report/rid/close (its answer matters to no one). */
bool prb_uhttp_close(struct prb_uhttp *h, const char *base, const char *rid);

/* Waits at most max_wait seconds for progress (or for wake_fd to become
 * readable, when it is not -1) and runs the callbacks of the requests
 * that ended. Returns the number still in flight. */
int prb_uhttp_run(struct prb_uhttp *h, double max_wait, int wake_fd);

/* Requests in flight. */
int prb_uhttp_inflight(const struct prb_uhttp *h);

#endif
