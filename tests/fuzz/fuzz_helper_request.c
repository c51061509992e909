/* fuzz_helper_request.c: servers/helper_request.c, the body anyone may
 * POST to `accessprobe helper`.
 *
 * Properties: a refusal has a reason; an accepted request names a
 * canonical http(s) URL and at most PRB_CTL_MAX_REQ_ENDPOINTS endpoints,
 * each the address it was read as; and what the probe writes for it
 * (prb_control_request_new, the probe's own request builder) the helper
 * reads back as the same request. */
#include "fuzz.h"

#include "ooni/control.h"
#include "servers/helper_request.h"

static struct prb_helper_req req, again;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *why = NULL;
  if(prb_helper_request_parse((const char *)data, size, &req, &why) < 0) {
    FUZZ_CHECK(why && why[0]);
    return 0;
  }
  FUZZ_CHECK(!why && req.n_eps <= PRB_CTL_MAX_REQ_ENDPOINTS);
  char url[PRB_URL_MAX];
  FUZZ_CHECK(prb_url_format(&req.url, url, sizeof(url)) > 0);
  const char *eps[PRB_CTL_MAX_REQ_ENDPOINTS];
  for(size_t i = 0; i < req.n_eps; i++) {
    struct prb_addr a;
    FUZZ_CHECK(prb_addr_parse_endpoint(req.eps[i], false, &a) == 0);
    FUZZ_CHECK(prb_addr_equal(&a, &req.addrs[i]) &&
               a.port == req.addrs[i].port);
    eps[i] = req.eps[i];
  }

  json_t *body = prb_control_request_new(url, eps, req.n_eps);
  FUZZ_CHECK(body);
  char *text = json_dumps(body, JSON_COMPACT);
  FUZZ_CHECK(text);
  FUZZ_CHECK(prb_helper_request_parse(text, strlen(text), &again, &why) == 0);
  char url2[PRB_URL_MAX];
  FUZZ_CHECK(prb_url_format(&again.url, url2, sizeof(url2)) > 0);
  FUZZ_CHECK(!strcmp(url, url2) && again.n_eps == req.n_eps);
  FUZZ_CHECK(!memcmp(again.eps, req.eps, sizeof(req.eps)) &&
             !memcmp(again.addrs, req.addrs, sizeof(req.addrs)));
  free(text);
  json_decref(body);
  return 0;
}
