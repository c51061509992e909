/* verdict.h: the words of x_analysis, one list each: the verdict and the
 * blocking method.
 *
 * The classifier decides them, the record writes their names, and the
 * report, the run index and `accessprobe results` read them back from
 * records: all through this one enum and this one name table. The order
 * is the report's column order (ok, blocked, throttled, down,
 * inconclusive, probe_offline). To add a verdict, see probe/README.md.
 */
#ifndef PRB_VERDICT_H
#define PRB_VERDICT_H

#include <stdbool.h>

enum prb_verdict {
  PRB_VERDICT_OK = 0,
  PRB_VERDICT_BLOCKED,
  PRB_VERDICT_THROTTLED,
  PRB_VERDICT_DOWN,             /* fails from the control too: an outage */
  PRB_VERDICT_INCONCLUSIVE,
  PRB_VERDICT_PROBE_OFFLINE,    /* the probe's own network was down */
  PRB_VERDICT_COUNT
};

/* How a blocked site was blocked; NONE for the other verdicts, and for a
 * blocked verdict whose method is unknown (a record from elsewhere). */
enum prb_method {
  PRB_METHOD_NONE = 0,
  PRB_METHOD_DNS,
  PRB_METHOD_TCP,
  PRB_METHOD_TLS,
  PRB_METHOD_HTTP,
  PRB_METHOD_COUNT
};

/* "ok", "blocked", ...: static strings as the record writes them; an
 * out-of-range value gives "inconclusive". */
const char *prb_verdict_name(enum prb_verdict v);

/* The verdict named s; false when s names none. */
bool prb_verdict_parse(const char *s, enum prb_verdict *out);

/* "dns", "tcp", "tls", "http"; NULL for PRB_METHOD_NONE (JSON null). */
const char *prb_method_name(enum prb_method m);

/* The method named s ("dns", ...); false when s names none. */
bool prb_method_parse(const char *s, enum prb_method *out);

#endif
