/* helper_request.c: checking the body a probe POSTs to the helper. */
#include "servers/helper_request.h"

#include <jansson.h>
#include <string.h>

static int fail(const char **why, const char *reason)
{
  *why = reason;
  return -1;
}

int prb_helper_request_parse(const char *body, size_t len,
                             struct prb_helper_req *out, const char **why)
{
  json_error_t err;
  json_t *req = json_loadb(body ? body : "", body ? len : 0,
                           JSON_REJECT_DUPLICATES, &err);
  json_t *url = json_object_get(req, "http_request");
  json_t *tcp = json_object_get(req, "tcp_connect");
  int rc = 0;

  memset(out, 0, sizeof(*out));
  *why = NULL;
  if(!json_is_object(req))
    rc = fail(why, "the body is not a JSON object");
  else if(!json_is_string(url))
    rc = fail(why, "http_request must be a URL string");
  else if(prb_url_parse(json_string_value(url), &out->url, why) < 0)
    rc = -1;
  else if(tcp && !json_is_array(tcp) && !json_is_null(tcp))
    rc = fail(why, "tcp_connect must be a list of \"ip:port\" strings");
  else if(json_array_size(tcp) > PRB_CTL_MAX_REQ_ENDPOINTS)
    rc = fail(why, "tcp_connect has too many endpoints");
  for(size_t i = 0; !rc && i < json_array_size(tcp); i++) {
    const char *s = json_string_value(json_array_get(tcp, i));
    if(!s || prb_addr_parse_endpoint(s, false, &out->addrs[i]) < 0)
      rc = fail(why, "tcp_connect has an entry that is not \"ip:port\"");
    else {
      /* addr_parse refused anything of PRB_ENDPOINT_MAX bytes or more */
      memcpy(out->eps[i], s, strlen(s) + 1);
      out->n_eps++;
    }
  }
  json_decref(req);
  return rc;
}
