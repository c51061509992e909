/* test_textclean.c: strict UTF-8, base64, untrusted JSON values, excerpts. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/textclean.h"

struct utf8_case {
  const char *bytes;
  size_t len;
  int valid;
  const char *what;
};

#define U(s, v, w) { s, sizeof(s) - 1, v, w }

static const struct utf8_case utf8_cases[] = {
  U("", 1, "empty"),
  U("hello", 1, "ascii"),
  U("\xD0\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B", 1, "Kazakh 2-byte"),
  U("\xE2\x82\xAC", 1, "euro 3-byte"),
  U("\xF0\x9F\x98\x80", 1, "emoji 4-byte"),
  U("\xF4\x8F\xBF\xBF", 1, "U+10FFFF"),
  U("\xED\x9F\xBF", 1, "U+D7FF"),
  U("\xEE\x80\x80", 1, "U+E000"),
  U("\xC2\x80", 1, "U+0080"),
  U("\xE0\xA0\x80", 1, "U+0800"),
  U("\xF0\x90\x80\x80", 1, "U+10000"),
  U("a\0b", 0, "NUL"),
  U("\xC0\xAF", 0, "overlong slash 2-byte"),
  U("\xC1\xBF", 0, "overlong 2-byte C1"),
  U("\xE0\x80\xAF", 0, "overlong slash 3-byte"),
  U("\xE0\x9F\xBF", 0, "overlong U+07FF 3-byte"),
  U("\xF0\x80\x80\xAF", 0, "overlong slash 4-byte"),
  U("\xF0\x8F\xBF\xBF", 0, "overlong U+FFFF 4-byte"),
  U("\xC0\x80", 0, "overlong NUL"),
  U("\xED\xA0\x80", 0, "surrogate D800"),
  U("\xED\xBF\xBF", 0, "surrogate DFFF"),
  U("\xF4\x90\x80\x80", 0, "U+110000"),
  U("\xF5\x80\x80\x80", 0, "F5 lead"),
  U("\xFF", 0, "FF"),
  U("\x80", 0, "lone continuation"),
  U("\xD0", 0, "truncated 2-byte"),
  U("\xE2\x82", 0, "truncated 3-byte"),
  U("\xF0\x9F\x98", 0, "truncated 4-byte"),
  U("ok\xE2\x82", 0, "truncated at end"),
  U("\xE2\x28\xA1", 0, "bad continuation"),
  U("\xCF\xF0", 0, "cp1251 bytes"),
};

static void test_utf8(void)
{
  size_t i;
  for(i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
    const struct utf8_case *c = &utf8_cases[i];
    if(prb_utf8_valid(c->bytes, c->len) != (c->valid != 0)) {
      fprintf(stderr, "utf8 case \"%s\"\n", c->what);
      CHECK(0);
    }
    else
      CHECK(1);
  }
  CHECK(prb_utf8_valid(NULL, 0));
}

static void test_sanitize(void)
{
  size_t n;
  char *s = prb_utf8_sanitize("a\xFF" "b\0c\xE2\x82\xAC", 8, &n);
  CHECK(s != NULL);
  if(s) {
    CHECK_STR(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xE2\x82\xAC");
    CHECK_INT(n, strlen(s));
    CHECK(prb_utf8_valid(s, n));
  }
  free(s);
}

static void test_base64(void)
{
  /* RFC 4648 section 10. */
  static const char *const vec[][2] = {
    { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
    { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
    { "foobar", "Zm9vYmFy" },
  };
  size_t i, n;
  char *e;
  unsigned char *d;

  for(i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
    e = prb_base64(vec[i][0], strlen(vec[i][0]));
    CHECK_STR(e, vec[i][1]);
    free(e);
    d = prb_base64_decode(vec[i][1], strlen(vec[i][1]), &n);
    CHECK(d != NULL);
    if(d) {
      CHECK_INT(n, strlen(vec[i][0]));
      CHECK(!memcmp(d, vec[i][0], n));
    }
    free(d);
  }
  e = prb_base64("\xFF\xFE\x00\x01", 4);
  CHECK_STR(e, "//4AAQ==");
  free(e);
  CHECK(prb_base64_decode("Zm9", 3, &n) == NULL);
  CHECK(prb_base64_decode("Zm=v", 4, &n) == NULL);
  CHECK(prb_base64_decode("Zm9v!A==", 8, &n) == NULL);
  CHECK(prb_base64_decode("Zg==Zg==", 8, &n) == NULL);
  /* Unused bits of the last group must be zero: QR== would decode like
   * QQ== ("A"), so two texts would stand for the same bytes. */
  CHECK(prb_base64_decode("QR==", 4, &n) == NULL);
  CHECK(prb_base64_decode("QUJ=", 4, &n) == NULL);
  d = prb_base64_decode("QQ==", 4, &n);
  CHECK(d && n == 1 && d[0] == 'A');
  free(d);
  d = prb_base64_decode("QUI=", 4, &n);
  CHECK(d && n == 2 && !memcmp(d, "AB", 2));
  free(d);
}

static void test_untrusted(void)
{
  json_t *v = prb_json_untrusted("\xD0\x9A", 2);
  CHECK(json_is_string(v));
  json_decref(v);

  v = prb_json_untrusted("\xFF\xFE\x00\x01", 4);
  CHECK(json_is_object(v));
  CHECK_STR(json_string_value(json_object_get(v, "format")), "base64");
  CHECK_STR(json_string_value(json_object_get(v, "data")), "//4AAQ==");
  json_decref(v);

  /* A NUL would cut C strings downstream: binary, not a string. */
  v = prb_json_untrusted("a\0b", 3);
  CHECK(json_is_object(v));
  json_decref(v);

  v = prb_json_untrusted(NULL, 0);
  CHECK_STR(json_string_value(v), "");
  json_decref(v);

  v = prb_json_text("x\xC0\xAFy", 4);
  CHECK_STR(json_string_value(v), "x\xEF\xBF\xBD\xEF\xBF\xBDy");
  json_decref(v);
}

static void test_excerpt(void)
{
  char buf[8];
  prb_log_excerpt(buf, sizeof(buf), "ab\ncd", 5);
  CHECK_STR(buf, "ab?cd");
  prb_log_excerpt(buf, sizeof(buf), "abcdefghijk", 11);
  CHECK_STR(buf, "abcd...");
  prb_log_excerpt(buf, 3, "abcdef", 6);
  CHECK_STR(buf, "ab");
  prb_log_excerpt(buf, sizeof(buf), "\xD0\x9A", 2);
  CHECK_STR(buf, "??");
}

int main(void)
{
  test_utf8();
  test_sanitize();
  test_base64();
  test_untrusted();
  test_excerpt();
  return test_summary();
}
