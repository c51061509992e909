/* textclean.c: strict UTF-8, base64, hex and log excerpts for untrusted
 * bytes. */
#include "common/textclean.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (n bytes available), or 0 when
 * the bytes there are not one (RFC 3629 table 3-7 of Unicode: the second
 * byte's range rules out overlongs, surrogates and values over U+10FFFF).
 * NUL counts as invalid: it truncates C strings downstream. */
size_t prb_utf8_seq(const void *s, size_t n)
{
  const unsigned char *p = s;
  unsigned char b;
  size_t need, i;
  unsigned char lo = 0x80, hi = 0xBF;

  if(!n)
    return 0;
  b = p[0];
  if(b == 0)
    return 0;
  if(b < 0x80)
    return 1;
  if(b >= 0xC2 && b <= 0xDF)
    need = 2;
  else if(b >= 0xE0 && b <= 0xEF) {
    need = 3;
    if(b == 0xE0)
      lo = 0xA0;                /* overlong below U+0800 */
    else if(b == 0xED)
      hi = 0x9F;                /* UTF-16 surrogates */
  }
  else if(b >= 0xF0 && b <= 0xF4) {
    need = 4;
    if(b == 0xF0)
      lo = 0x90;                /* overlong below U+10000 */
    else if(b == 0xF4)
      hi = 0x8F;                /* above U+10FFFF */
  }
  else
    return 0;                   /* 0x80-0xC1 (continuation, overlong), 0xF5+ */

  if(n < need)
    return 0;
  if(p[1] < lo || p[1] > hi)
    return 0;
  for(i = 2; i < need; i++)
    if(p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return need;
}

/* Eight bytes at a time through ASCII (no high bit, no NUL), two-byte
 * sequences (Cyrillic) inline: text is checked at memory speed, and only
 * the rest goes through prb_utf8_seq. */
bool prb_utf8_valid(const void *s, size_t len)
{
  const unsigned char *p = s;
  size_t i = 0;

  while(i < len) {
    while(i + 8 <= len) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if((w | ((w - 0x0101010101010101ULL) & ~w)) & 0x8080808080808080ULL)
        break;
      i += 8;
    }
    if(i >= len)
      break;
    unsigned char b = p[i];
    if(b && b < 0x80) {
      i++;
      continue;
    }
    if(b >= 0xC2 && b <= 0xDF && i + 1 < len && (p[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    size_t k = prb_utf8_seq(p + i, len - i);
    if(!k)
      return false;
    i += k;
  }
  return true;
}

size_t prb_utf8_cut(const char *s, size_t len, size_t max)
{
  if(len <= max)
    return len;
  while(max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

char *prb_utf8_sanitize(const void *s, size_t len, size_t *outlen)
{
  static const unsigned char repl[3] = { 0xEF, 0xBF, 0xBD }; /* U+FFFD */
  const unsigned char *p = s;
  unsigned char *out;
  size_t i = 0, o = 0;

  /* Each input byte yields at most 3 output bytes. */
  if(len > (SIZE_MAX - 1) / 3)
    return NULL;
  out = malloc(len * 3 + 1);
  if(!out)
    return NULL;
  while(i < len) {
    size_t k = prb_utf8_seq(p + i, len - i);
    if(k) {
      memcpy(out + o, p + i, k);
      o += k;
      i += k;
    }
    else {
      memcpy(out + o, repl, sizeof(repl));
      o += sizeof(repl);
      i++;
    }
  }
  out[o] = '\0';
  if(outlen)
    *outlen = o;
  return (char *)out;
}

static const char b64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *prb_base64(const void *s, size_t len)
{
  const unsigned char *p = s;
  char *out;
  size_t i, o = 0;

  if(len > (SIZE_MAX / 4 - 1) * 3)
    return NULL;
  out = malloc((len + 2) / 3 * 4 + 1);
  if(!out)
    return NULL;
  for(i = 0; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    out[o++] = b64_alphabet[v >> 18 & 63];
    out[o++] = b64_alphabet[v >> 12 & 63];
    out[o++] = b64_alphabet[v >> 6 & 63];
    out[o++] = b64_alphabet[v & 63];
  }
  if(len - i == 1) {
    uint32_t v = (uint32_t)p[i] << 16;
    out[o++] = b64_alphabet[v >> 18 & 63];
    out[o++] = b64_alphabet[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
  }
  else if(len - i == 2) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
    out[o++] = b64_alphabet[v >> 18 & 63];
    out[o++] = b64_alphabet[v >> 12 & 63];
    out[o++] = b64_alphabet[v >> 6 & 63];
    out[o++] = '=';
  }
  out[o] = '\0';
  return out;
}

static int b64_value(char c)
{
  if(c >= 'A' && c <= 'Z')
    return c - 'A';
  if(c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if(c >= '0' && c <= '9')
    return c - '0' + 52;
  if(c == '+')
    return 62;
  if(c == '/')
    return 63;
  return -1;
}

unsigned char *prb_base64_decode(const char *s, size_t len, size_t *outlen)
{
  unsigned char *out;
  size_t i, o = 0, pad = 0;

  if(len % 4)
    return NULL;
  if(len && s[len - 1] == '=')
    pad++;
  if(len > 1 && s[len - 2] == '=')
    pad++;
  out = malloc(len / 4 * 3 + 1);
  if(!out)
    return NULL;
  for(i = 0; i < len; i += 4) {
    int v[4], k;
    bool last = i + 4 == len;
    for(k = 0; k < 4; k++) {
      if(last && k >= 4 - (int)pad && s[i + k] == '=')
        v[k] = 0;
      else if((v[k] = b64_value(s[i + k])) < 0)
        goto fail;
    }
    /* The bits after the last byte must be zero, or two texts would
     * decode to the same bytes (QR== and QQ==). */
    if(last && ((pad == 2 && (v[1] & 15)) || (pad == 1 && (v[2] & 3))))
      goto fail;
    out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
    if(!last || pad < 2)
      out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
    if(!last || pad < 1)
      out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
  }
  out[o] = '\0';
  *outlen = o;
  return out;
fail:
  free(out);
  return NULL;
}

json_t *prb_json_untrusted(const void *s, size_t len)
{
  json_t *obj;
  char *b64;

  if(!len)
    return json_string("");
  if(prb_utf8_valid(s, len))
    return json_stringn(s, len);

  b64 = prb_base64(s, len);
  if(!b64)
    return NULL;
  obj = json_object();
  if(obj && (json_object_set_new(obj, "format", json_string("base64")) ||
             json_object_set_new(obj, "data", json_string(b64)))) {
    json_decref(obj);
    obj = NULL;
  }
  free(b64);
  return obj;
}

json_t *prb_json_text(const void *s, size_t len)
{
  json_t *str;
  char *clean;
  size_t n;

  if(!len)
    return json_string("");
  if(prb_utf8_valid(s, len))
    return json_stringn(s, len);
  clean = prb_utf8_sanitize(s, len, &n);
  if(!clean)
    return NULL;
  str = json_stringn(clean, n);
  free(clean);
  return str;
}

void prb_log_excerpt(char *out, size_t outlen, const void *s, size_t len)
{
  const unsigned char *p = s;
  size_t i, keep;

  if(!outlen)
    return;
  keep = len;
  if(keep > outlen - 1) {
    /* Leave room for "..." when the buffer can hold it at all. */
    keep = outlen - 1 >= 3 ? outlen - 1 - 3 : outlen - 1;
  }
  for(i = 0; i < keep; i++)
    out[i] = p[i] >= 0x20 && p[i] < 0x7F ? (char)p[i] : '?';
  if(keep < len && outlen - 1 >= 3) {
    memcpy(out + keep, "...", 3);
    keep += 3;
  }
  out[keep] = '\0';
}

bool prb_parse_long(const char *s, long min, long max, long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(end == s || *end || v < min || v > max)
    return false;
  *out = v;
  return true;
}
