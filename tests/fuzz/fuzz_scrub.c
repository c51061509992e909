/* fuzz_scrub.c: ooni/scrub.c, the volunteer's addresses removed from text.
 * Input: a count byte, then per address a kind byte and 4 or 16 bytes
 * (IPv4, IPv6, or IPv4 written IPv4-mapped), then the text.
 *
 * Properties, against a naive reference that tokenises the output the
 * plain way (runs of hex digits, ':' and '.'; dotted quads inside them):
 * no whole run is one of our addresses (or in the /64 of a global IPv6 of
 * ours), and no dotted quad is one of our IPv4 addresses; with no
 * address the text is unchanged; scrubbing again changes nothing. */
#include "fuzz.h"

#include <arpa/inet.h>

#include "ooni/scrub.h"

static bool runchar(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

static bool digit(unsigned char c)
{
  return c >= '0' && c <= '9';
}

/* a.b.c.d with 1-3 digits each (leading zeros allowed) as text. */
static bool quad(const char *s, size_t n, char *out, size_t outlen)
{
  unsigned v[4];
  size_t i = 0;
  for(int part = 0; part < 4; part++) {
    size_t d = 0;
    if(part && (i >= n || s[i++] != '.'))
      return false;
    for(v[part] = 0; i < n && digit((unsigned char)s[i]) && d < 4; i++, d++)
      v[part] = v[part] * 10 + (unsigned)(s[i] - '0');
    if(!d || d > 3 || v[part] > 255)
      return false;
  }
  snprintf(out, outlen, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
  return i == n;
}

/* The naive reference: is any address of s left in text? */
static bool address_left(const struct prb_scrub *s, const char *t, size_t n)
{
  for(size_t i = 0; i < n;) {
    if(!runchar((unsigned char)t[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while(j < n && runchar((unsigned char)t[j]))
      j++;
    char run[64];
    if(j - i < sizeof(run) && memchr(t + i, ':', j - i)) {
      memcpy(run, t + i, j - i);
      run[j - i] = '\0';
      if(prb_scrub_contains(s, run))
        return true;
    }
    /* dotted quads: digit-and-dot stretches without "..", edge dots cut */
    for(size_t a = i; a < j;) {
      if(!digit((unsigned char)t[a]) && t[a] != '.') {
        a++;
        continue;
      }
      size_t b = a;
      while(b < j && (digit((unsigned char)t[b]) ||
                      (t[b] == '.' && !(b + 1 < j && t[b + 1] == '.'))))
        b++;
      size_t x = a, y = b;
      while(x < y && t[x] == '.')
        x++;
      while(y > x && t[y - 1] == '.')
        y--;
      if(quad(t + x, y - x, run, sizeof(run)) && prb_scrub_contains(s, run))
        return true;
      a = b > a ? b : a + 1;
    }
    i = j;
  }
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_in in = {data, data + size};
  struct prb_scrub *s = prb_scrub_new();
  FUZZ_CHECK(s);
  size_t count = fuzz_byte(&in) % 4, added = 0;
  for(size_t k = 0; k < count; k++) {
    unsigned kind = fuzz_byte(&in) % 3;
    size_t len = kind == 1 ? 16 : 4;
    unsigned char b[16] = {0};
    char text[INET6_ADDRSTRLEN];
    if((size_t)(in.e - in.p) < len)
      break;
    if(kind == 2) {                /* ::ffff:a.b.c.d */
      b[10] = b[11] = 0xff;
      memcpy(b + 12, in.p, 4);
    } else {
      memcpy(b, in.p, len);
    }
    in.p += len;
    FUZZ_CHECK(inet_ntop(kind ? AF_INET6 : AF_INET, b, text, sizeof(text)));
    FUZZ_CHECK(prb_scrub_add(s, text));
    added++;
  }
  const char *text = (const char *)in.p;
  size_t n = (size_t)(in.e - in.p), out_n, again_n;

  char *out = prb_scrub_text(s, text, n, &out_n);
  FUZZ_CHECK(out && strnlen(out, out_n + 1) <= out_n);
  if(!added)
    FUZZ_CHECK(out_n == n && !memcmp(out, text, n));
  FUZZ_CHECK(!address_left(s, out, out_n));
  char *again = prb_scrub_text(s, out, out_n, &again_n);
  FUZZ_CHECK(again && again_n == out_n && !memcmp(again, out, out_n));
  free(again);
  free(out);
  prb_scrub_free(s);
  return 0;
}
