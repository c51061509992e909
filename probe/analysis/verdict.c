/* verdict.c: the name tables of verdict.h. */
#include "analysis/verdict.h"

#include <string.h>

static const char *const verdict_names[PRB_VERDICT_COUNT] = {
  [PRB_VERDICT_OK] = "ok",
  [PRB_VERDICT_BLOCKED] = "blocked",
  [PRB_VERDICT_THROTTLED] = "throttled",
  [PRB_VERDICT_DOWN] = "down",
  [PRB_VERDICT_INCONCLUSIVE] = "inconclusive",
  [PRB_VERDICT_PROBE_OFFLINE] = "probe_offline",
};

static const char *const method_names[PRB_METHOD_COUNT] = {
  [PRB_METHOD_NONE] = NULL,
  [PRB_METHOD_DNS] = "dns",
  [PRB_METHOD_TCP] = "tcp",
  [PRB_METHOD_TLS] = "tls",
  [PRB_METHOD_HTTP] = "http",
};

const char *prb_verdict_name(enum prb_verdict v)
{
  return v >= 0 && v < PRB_VERDICT_COUNT ? verdict_names[v] : "inconclusive";
}

bool prb_verdict_parse(const char *s, enum prb_verdict *out)
{
  for(int i = 0; s && i < PRB_VERDICT_COUNT; i++)
    if(!strcmp(s, verdict_names[i])) {
      *out = (enum prb_verdict)i;
      return true;
    }
  return false;
}

const char *prb_method_name(enum prb_method m)
{
  return m > 0 && m < PRB_METHOD_COUNT ? method_names[m] : NULL;
}

bool prb_method_parse(const char *s, enum prb_method *out)
{
  for(int i = 1; s && i < PRB_METHOD_COUNT; i++)
    if(!strcmp(s, method_names[i])) {
      *out = (enum prb_method)i;
      return true;
    }
  return false;
}
