/* digest.c: hex both ways, and SHA-256 through OpenSSL's EVP. */
#include "common/digest.h"

#include <stdint.h>
#include <openssl/evp.h>

void prb_hex_encode(const void *b, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  const unsigned char *p = b;
  for(size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

int prb_hex_value(int c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if(c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int prb_hex_decode(const char *s, size_t len, unsigned char *out, size_t n)
{
  if(n > SIZE_MAX / 2 || len != 2 * n)
    return -1;
  for(size_t i = 0; i < n; i++) {
    int hi = prb_hex_value((unsigned char)s[2 * i]);
    int lo = prb_hex_value((unsigned char)s[2 * i + 1]);
    if(hi < 0 || lo < 0)
      return -1;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return 0;
}

bool prb_sha256(const void *data, size_t len, unsigned char md[32])
{
  unsigned int mdlen = 0;
  return EVP_Digest(data ? data : "", len, md, &mdlen, EVP_sha256(),
                    NULL) == 1 && mdlen == 32;
}

bool prb_sha256_hex(const void *data, size_t len, char out[65])
{
  unsigned char md[32];
  if(!prb_sha256(data, len, md)) {
    out[0] = '\0';
    return false;
  }
  prb_hex_encode(md, sizeof(md), out);
  return true;
}
