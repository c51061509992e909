/* fuzz_jtape.c: common/jtape.c, the one-pass JSON index that `analyze`
 * and the report read records with, against jansson as the slow
 * reference; then ooni/record_obs.c on whatever it indexed.
 *
 * Properties: a NUL byte is never JSON (jansson takes it for the end);
 * otherwise the two accept the same texts, except numbers jansson
 * cannot hold (a too big integer, a real that overflows) and duplicate
 * keys, which jansson is asked to refuse; where both accept, the tape is
 * jansson's tree value for value (types, array lengths, member counts,
 * each decoded string byte for byte, numbers equal). Reading the record
 * back into observations keeps every cap (record_obs.h). */
#include "fuzz.h"

#include <jansson.h>

#include "common/caps.h"
#include "common/jtape.h"
#include "ooni/record_obs.h"

/* Only what jansson refuses and the tape need not. */
static bool jansson_only(const json_error_t *err)
{
  return strstr(err->text, "too big") || strstr(err->text, "overflow") ||
         strstr(err->text, "duplicate object key");
}

static void same(const struct prb_jtape *tp, size_t i, json_t *j);

static void same_string(const struct prb_jtape *tp, size_t i, const char *s,
                        size_t n)
{
  char *out = malloc(n + 1);
  bool cut = false;
  if(!out)
    abort();
  FUZZ_CHECK(prb_jt_strlen(tp, i) == n);
  FUZZ_CHECK(prb_jt_str(tp, i, out, n + 1, &cut) == n);
  FUZZ_CHECK(!cut && !memcmp(out, s, n));
  free(out);
}

static void same_object(const struct prb_jtape *tp, size_t i, json_t *j)
{
  size_t members = 0;
  for(size_t k = prb_jt_child(tp, i); k != PRB_JT_NONE;
      k = prb_jt_next(tp, i, k + 1)) {
    size_t n = prb_jt_strlen(tp, k);
    char *key = malloc(n + 1);
    if(!key)
      abort();
    prb_jt_str(tp, k, key, n + 1, NULL);
    json_t *v = json_object_getn(j, key, n);
    FUZZ_CHECK(v != NULL);
    FUZZ_CHECK(prb_jt_get(tp, i, key) == k + 1);  /* no duplicates here */
    same(tp, k + 1, v);
    free(key);
    members++;
  }
  FUZZ_CHECK(members == json_object_size(j));
}

static void same(const struct prb_jtape *tp, size_t i, json_t *j)
{
  double d;
  size_t n = 0;
  switch(prb_jt_type(tp, i)) {
  case PRB_JT_NULL: FUZZ_CHECK(json_is_null(j)); break;
  case PRB_JT_TRUE: FUZZ_CHECK(json_is_true(j)); break;
  case PRB_JT_FALSE: FUZZ_CHECK(json_is_false(j)); break;
  case PRB_JT_NUMBER:
    FUZZ_CHECK(json_is_number(j));
    if(prb_jt_num(tp, i, &d))   /* short enough to convert */
      FUZZ_CHECK(d == json_number_value(j));
    break;
  case PRB_JT_STRING:
    FUZZ_CHECK(json_is_string(j));
    same_string(tp, i, json_string_value(j), json_string_length(j));
    break;
  case PRB_JT_ARRAY:
    FUZZ_CHECK(json_is_array(j));
    for(size_t k = prb_jt_child(tp, i); k != PRB_JT_NONE;
        k = prb_jt_next(tp, i, k))
      same(tp, k, json_array_get(j, n++));
    FUZZ_CHECK(n == json_array_size(j) && n == prb_jt_count(tp, i));
    break;
  case PRB_JT_OBJECT:
    FUZZ_CHECK(json_is_object(j));
    same_object(tp, i, j);
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct prb_jtape tp;
  json_error_t err;
  prb_jtape_init(&tp);
  int r = prb_jtape_parse(&tp, (const char *)data, size);
  json_t *j = json_loadb((const char *)data, size,
                         JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
  if(memchr(data, 0, size))
    FUZZ_CHECK(r != 0);         /* jansson stops at a NUL: no reference */
  else if(j)
    FUZZ_CHECK(r == 0);
  else if(r == 0)
    FUZZ_CHECK(jansson_only(&err));
  if(j && r == 0)
    same(&tp, 0, j);
  json_decref(j);

  if(r == 0 && prb_jt_type(&tp, 0) == PRB_JT_OBJECT) {
    struct prb_recobs *ro = calloc(1, sizeof(*ro));
    if(!ro)
      abort();
    if(prb_record_obs(&tp, 0, ro) == 0) {
      FUZZ_CHECK(ro->n_strs <= PRB_RECOBS_STRS);
      FUZZ_CHECK(ro->canaries >= -1 && ro->canaries <= 1);
      FUZZ_CHECK(ro->obs.n_queries <= PRB_MAX_QUERIES &&
                 ro->obs.n_tcp <= PRB_MAX_TCP && ro->obs.n_tls <= PRB_MAX_TLS &&
                 ro->obs.n_requests <= PRB_MAX_HOPS);
      for(size_t k = 0; k < ro->obs.n_requests; k++)
        FUZZ_CHECK(ro->obs.requests[k].body_len <= PRB_BODY_MAX &&
                   ro->obs.requests[k].n_headers <= PRB_MAX_HEADERS);
      prb_recobs_free(ro);
    }
    free(ro);
  }
  prb_jtape_free(&tp);
  return 0;
}
