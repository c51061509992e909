/* upload_answer.h: what a collector's answer means to `accessprobe
 * upload`, read from its bytes alone (a hostile or broken collector, a
 * captive portal or a proxy may have sent them). upload_http.c gets the
 * answer over the network and hands it here. An answer is
 *   OK       the collector took it (a report_id, or a measurement_uid);
 *   REFUSED  the collector refused this record (400, 413, 415, 422, or
 *            OONI's {} for a record it discards): not sent again;
 *   RETRY    anything else: 5xx, 429, a redirect, an HTML page or
 *            malformed JSON where the collector's JSON should be: the
 *            record is kept for later.
 * with a reason for the log (printable ASCII only, whatever was sent).
 */
#ifndef PRB_UPLOAD_ANSWER_H
#define PRB_UPLOAD_ANSWER_H

#include "ooni/collector_proto.h"

#include <stdbool.h>
#include <stddef.h>

#define PRB_UHTTP_ANSWER_MAX (64 * 1024)

enum prb_uanswer { PRB_UA_OK, PRB_UA_REFUSED, PRB_UA_RETRY };

/* Which request an answer is to. */
enum prb_ukind { PRB_UK_OPEN, PRB_UK_SUBMIT, PRB_UK_CLOSE };

struct prb_ures {
  enum prb_uanswer answer;
  bool network;                 /* no HTTP answer at all */
  long status;                  /* HTTP status, 0 when none */
  unsigned retry_after;         /* seconds the collector asked for, or 0 */
  char reason[512];             /* for the log, when not OK */
  char id[PRB_CP_RID_MAX];      /* the report_id or measurement_uid */
};

/* The few headers of an answer whose meaning we use. */
struct prb_uheaders {
  char location[256];           /* log excerpts */
  char content_type[64];
  unsigned retry_after;         /* 1 to 86399 seconds, else 0 */
};

/* One header line as libcurl hands it over (not NUL-terminated, CRLF or
 * LF at its end, or neither): kept in *h when it is one of ours. */
void prb_uanswer_header(const char *line, size_t len, struct prb_uheaders *h);

/* The answer with HTTP status to a request of kind: body[0..len) (too_big:
 * it was cut at PRB_UHTTP_ANSWER_MAX) and the headers h, into *res. */
void prb_uanswer_read(enum prb_ukind kind, long status, const char *body,
                      size_t len, bool too_big, const struct prb_uheaders *h,
                      struct prb_ures *res);

#endif
