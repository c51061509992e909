/* test_foundation.c: the small shared pieces of common/ that every room
 * uses: the capped buffer and array, the hash index, hex and SHA-256, the
 * folder of a path, mkdir -p and atomic replacement, UTF-8 cuts, the
 * clocks. */
#include "check.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/digest.h"
#include "common/files.h"
#include "common/hashtab.h"
#include "common/textclean.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_buf(void)
{
  struct prb_buf b;
  size_t len;
  prb_buf_init(&b, 10);
  CHECK_INT(prb_buf_add(&b, "hello", 5), PRB_BUF_OK);
  CHECK_INT(prb_buf_add(&b, ", world", 7), PRB_BUF_TOOBIG); /* all or nothing */
  CHECK_INT(b.len, 5);
  CHECK_STR(b.p, "hello");
  CHECK_INT(prb_buf_add(&b, "12345", 5), PRB_BUF_OK);      /* exactly the cap */
  CHECK_INT(prb_buf_add(&b, "x", 1), PRB_BUF_TOOBIG);
  CHECK_INT(prb_buf_add(&b, NULL, 0), PRB_BUF_OK);
  char *s = prb_buf_take(&b, &len);
  CHECK_STR(s, "hello12345");
  CHECK_INT(len, 10);
  CHECK(b.p == NULL && b.len == 0);
  free(s);
  s = prb_buf_take(&b, &len);                  /* empty: "" */
  CHECK_STR(s, "");
  CHECK_INT(len, 0);
  free(s);
  prb_buf_free(&b);
}

static void test_array(void)
{
  int *a = NULL;
  size_t cap = 0;
  for(int i = 0; i < 100; i++) {
    bool ok = prb_array_reserve(&a, &cap, (size_t)i + 1, sizeof(*a), 100);
    CHECK(ok);
    if(!ok)
      break;
    a[i] = i;
  }
  CHECK(cap >= 100 && cap <= 100);
  CHECK_INT(a[99], 99);
  size_t before = cap;
  int *was = a;
  CHECK(!prb_array_reserve(&a, &cap, 101, sizeof(*a), 100)); /* the cap */
  CHECK_INT(cap, before);                      /* unchanged on failure */
  CHECK(a == was);
  CHECK(!prb_array_reserve(&a, &cap, SIZE_MAX, sizeof(*a), SIZE_MAX));
  CHECK(prb_array_reserve(&a, &cap, 50, sizeof(*a), 100) && a == was);
  free(a);
}

static const char *const words[] = {"ok", "blocked", "throttled", "down",
                                    "inconclusive", "probe_offline"};

static bool word_is(const void *ctx, size_t item)
{
  return !strcmp(words[item], ctx);
}

static void test_hashtab(void)
{
  struct prb_hashtab t;
  prb_hashtab_init(&t);
  CHECK(prb_hashtab_find(&t, 1, NULL, NULL) == PRB_HASH_NONE);
  /* 64-bit keys are their own key */
  for(size_t i = 0; i < 1000; i++)
    CHECK(prb_hashtab_add(&t, (uint64_t)i << 32 | 7, i));
  CHECK_INT(t.n, 1000);
  CHECK(t.n_slots >= 2000);                    /* at most half full */
  CHECK_INT(prb_hashtab_find(&t, (uint64_t)999 << 32 | 7, NULL, NULL), 999);
  CHECK(prb_hashtab_find(&t, 999, NULL, NULL) == PRB_HASH_NONE);
  prb_hashtab_free(&t);
  /* strings: hashed, told apart by eq, even under one key */
  for(size_t i = 0; i < 6; i++)
    CHECK(prb_hashtab_add(&t, prb_hash_bytes(words[i], strlen(words[i])), i));
  CHECK(prb_hashtab_add(&t, 42, 0));
  CHECK(prb_hashtab_add(&t, 42, 3));
  CHECK_INT(prb_hashtab_find(&t, prb_hash_bytes("down", 4), word_is, "down"),
            3);
  CHECK_INT(prb_hashtab_find(&t, 42, word_is, "down"), 3);
  CHECK_INT(prb_hashtab_find(&t, 42, word_is, "ok"), 0);
  CHECK(prb_hashtab_find(&t, 42, word_is, "blocked") == PRB_HASH_NONE);
  CHECK(prb_hash_bytes("a", 1) != prb_hash_bytes("b", 1));
  prb_hashtab_free(&t);
}

static void test_digest(void)
{
  char hex[65];
  unsigned char b[4];
  CHECK(prb_sha256_hex("abc", 3, hex));
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(prb_sha256_hex(NULL, 0, hex));
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  prb_hex_encode("\x00\x7f\xff", 3, hex);
  CHECK_STR(hex, "007fff");
  CHECK_INT(prb_hex_decode("00aBcD7f", 8, b, 4), 0);
  CHECK(b[0] == 0 && b[1] == 0xab && b[2] == 0xcd && b[3] == 0x7f);
  CHECK_INT(prb_hex_decode("00ab", 4, b, 4), -1);
  CHECK_INT(prb_hex_decode("0g", 2, b, 1), -1);
}

static void test_files(void)
{
  char out[64];
  CHECK(prb_dir_of("a/b/c.jsonl", out, sizeof(out)));
  CHECK_STR(out, "a/b");
  CHECK(prb_dir_of("c.jsonl", out, sizeof(out)));
  CHECK_STR(out, ".");
  CHECK(prb_dir_of("/c.jsonl", out, sizeof(out)));
  CHECK_STR(out, "/");
  CHECK(!prb_dir_of("a/b/c", out, 3));         /* too small */

  char tmpl[] = "/tmp/prb-foundation-XXXXXX";
  char *root = mkdtemp(tmpl);
  CHECK(root != NULL);
  if(!root)
    return;
  char deep[256], file[300], why[256];
  snprintf(deep, sizeof(deep), "%s/x/y/z", root);
  CHECK_INT(prb_mkdirs(deep, 0750, false), 0);
  CHECK_INT(prb_mkdirs(deep, 0750, false), 0); /* again: fine */
  struct stat st;
  CHECK(stat(deep, &st) == 0 && S_ISDIR(st.st_mode));
  snprintf(file, sizeof(file), "%s/f", deep);
  CHECK_INT(prb_write_atomic(file, "one\n", 4, why, sizeof(why)), 0);
  CHECK_INT(prb_write_atomic(file, "two\n", 4, why, sizeof(why)), 0);
  FILE *f = fopen(file, "r");
  char line[16] = "";
  CHECK(f && fgets(line, sizeof(line), f));
  CHECK_STR(line, "two\n");
  if(f)
    fclose(f);
  CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0640);
  CHECK_INT(prb_mkdirs(file, 0750, false), -1); /* a file is no folder */
  char tmp[320];
  snprintf(tmp, sizeof(tmp), "%s.tmp", file);
  CHECK(access(tmp, F_OK) < 0);                 /* nothing left behind */
  unlink(file);
  for(int i = 0; i < 3; i++) {
    rmdir(deep);
    *strrchr(deep, '/') = '\0';
  }
  rmdir(root);
}

static void test_utf8_and_clock(void)
{
  const char *s = "ab\xd0\x96\xd0\x96";    /* "abЖЖ": 6 bytes */
  CHECK_INT(prb_utf8_cut(s, 6, 10), 6);
  CHECK_INT(prb_utf8_cut(s, 6, 4), 4);
  CHECK_INT(prb_utf8_cut(s, 6, 5), 4);      /* never inside Ж */
  CHECK_INT(prb_utf8_cut(s, 6, 3), 2);
  CHECK_INT(prb_utf8_seq("\xd0\x96", 2), 2);
  CHECK_INT(prb_utf8_seq("\xd0", 1), 0);
  CHECK_INT(prb_utf8_seq("", 1), 0);         /* NUL */
  CHECK_INT(prb_utf8_seq("\xed\xa0\x80", 3), 0); /* a surrogate */
  double a = prb_now(), b = prb_now();
  CHECK(b >= a);
  CHECK(prb_wall() > 1.7e9);
}

int main(void)
{
  test_buf();
  test_array();
  test_hashtab();
  test_digest();
  test_files();
  test_utf8_and_clock();
  return test_summary();
}
