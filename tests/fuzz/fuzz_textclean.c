/* fuzz_textclean.c: common/textclean.c over any bytes.
 *
 * Properties: the UTF-8 check agrees with jansson's (the slow reference:
 * it is what refuses our strings if we are wrong); cleaning gives valid
 * UTF-8, keeps valid text as it is and is idempotent; base64 decodes what
 * it encodes and accepts only canonical text (decode then encode gives the
 * input back); hex likewise; an untrusted value stands for the input
 * bytes exactly; log excerpts are bounded and printable. */
#include "fuzz.h"

#include <ctype.h>
#include <jansson.h>

#include "common/digest.h"
#include "common/textclean.h"

static void check_utf8(const uint8_t *data, size_t size)
{
  bool valid = prb_utf8_valid(data, size);
  json_t *ref = json_stringn((const char *)data, size);
  FUZZ_CHECK(valid == (ref != NULL && !memchr(data, '\0', size)));
  json_decref(ref);

  size_t n, n2;
  char *clean = prb_utf8_sanitize(data, size, &n);
  FUZZ_CHECK(clean && prb_utf8_valid(clean, n) && strlen(clean) == n);
  if(valid)
    FUZZ_CHECK(n == size && !memcmp(clean, data, size));
  char *again = prb_utf8_sanitize(clean, n, &n2);
  FUZZ_CHECK(again && n2 == n && !memcmp(again, clean, n));
  free(again);

  json_t *text = prb_json_text(data, size);
  FUZZ_CHECK(json_is_string(text) && json_string_length(text) == n &&
             !memcmp(json_string_value(text), clean, n));
  json_decref(text);
  free(clean);
}

static void check_base64(const uint8_t *data, size_t size)
{
  size_t n;
  char *enc = prb_base64(data, size);
  FUZZ_CHECK(enc && strlen(enc) == (size + 2) / 3 * 4);
  unsigned char *dec = prb_base64_decode(enc, strlen(enc), &n);
  FUZZ_CHECK(dec && n == size && !memcmp(dec, data, size));
  free(dec);
  free(enc);

  /* The input read as base64: accepted only when canonical. */
  dec = prb_base64_decode((const char *)data, size, &n);
  if(dec) {
    char *back = prb_base64(dec, n);
    FUZZ_CHECK(back && strlen(back) == size && !memcmp(back, data, size));
    free(back);
  }
  free(dec);

  json_t *u = prb_json_untrusted(data, size);
  FUZZ_CHECK(u);
  if(json_is_string(u)) {
    FUZZ_CHECK(prb_utf8_valid(data, size));
    FUZZ_CHECK(json_string_length(u) == size &&
               !memcmp(json_string_value(u), data, size));
  } else {
    const char *b64 = json_string_value(json_object_get(u, "data"));
    FUZZ_CHECK(!prb_utf8_valid(data, size));
    FUZZ_CHECK(!strcmp(json_string_value(json_object_get(u, "format")),
                       "base64") && b64);
    dec = prb_base64_decode(b64, strlen(b64), &n);
    FUZZ_CHECK(dec && n == size && !memcmp(dec, data, size));
    free(dec);
  }
  json_decref(u);
}

static void check_hex(const uint8_t *data, size_t size)
{
  static const char digits[] = "0123456789abcdef";
  size_t n = size / 2;
  unsigned char *out = malloc(n + 1);
  FUZZ_CHECK(out);
  int rc = prb_hex_decode((const char *)data, size, out, n);
  bool all_hex = size % 2 == 0;
  for(size_t i = 0; i < size && all_hex; i++)
    all_hex = isxdigit(data[i]) != 0;
  FUZZ_CHECK((rc == 0) == all_hex);
  for(size_t i = 0; rc == 0 && i < n; i++) {
    FUZZ_CHECK(digits[out[i] >> 4] == tolower(data[2 * i]));
    FUZZ_CHECK(digits[out[i] & 15] == tolower(data[2 * i + 1]));
  }
  free(out);
}

static void check_excerpt(const uint8_t *data, size_t size)
{
  char out[72];
  size_t outlen = size ? 1 + data[0] % sizeof(out) : sizeof(out);
  memset(out, 'x', sizeof(out));
  prb_log_excerpt(out, outlen, data, size);
  size_t len = strnlen(out, outlen);
  FUZZ_CHECK(len < outlen);
  for(size_t i = 0; i < len; i++)
    FUZZ_CHECK(out[i] >= 0x20 && out[i] < 0x7f);
  if(size < outlen)
    FUZZ_CHECK(len == size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(!size)
    data = (const uint8_t *)"";
  check_utf8(data, size);
  check_base64(data, size);
  check_hex(data, size);
  check_excerpt(data, size);
  return 0;
}
