/* test_words.c: the volunteer's sentences in three languages: every
 * translation takes the arguments its English takes, plural forms, the
 * language chosen from the consent or the locale, and table cells. */
#include "check.h"
#include "volunteer/words.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The arguments a printf format takes, as one string: for each conversion
 * its '*'s, length modifier and conversion letter ("%-5s %02ld" gives
 * "s;ld;"). "%%" takes none. NULL for a malformed format. */
static const char *conversions(const char *f, char *out, size_t len)
{
  size_t o = 0;
  out[0] = '\0';
  for(const char *p = f; *p; p++) {
    if(*p != '%')
      continue;
    p++;
    if(*p == '%')
      continue;
    p += strspn(p, "-+ #0'");
    char spec[16];
    size_t n = 0;
    for(; *p == '*' || (*p >= '0' && *p <= '9') || *p == '.'; p++)
      if(*p == '*' && n < 8)
        spec[n++] = '*';
    size_t l = strspn(p, "hlLqjzt");
    if(l > 2)
      return NULL;
    memcpy(spec + n, p, l);
    n += l;
    p += l;
    if(!*p || !strchr("diouxXeEfFgGaAcspn", *p))
      return NULL;
    spec[n++] = *p;
    spec[n++] = ';';
    if(o + n + 1 > len)
      return NULL;
    memcpy(out + o, spec, n);
    o += n;
    out[o] = '\0';
  }
  return out;
}

static void test_table(void)
{
  const char *en, *en2, *forms[4];
  size_t i, bad = 0;
  for(i = 0; prb_words_entry(i, &en, &en2, forms); i++) {
    char want[256], got[256];
    const char *w = conversions(en, want, sizeof(want));
    CHECK(w != NULL);
    if(!w)
      continue;
    const char *all[6] = {en2, forms[0], forms[1], forms[2], forms[3]};
    for(int k = 0; k < 5; k++) {
      if(!all[k]) {
        /* Only a counted text has a second English and Russian forms. */
        if(en2 || k == 1 || k == 4) {
          fprintf(stderr, "entry %zu (%s): form %d missing\n", i, en, k);
          bad++;
        }
        continue;
      }
      const char *g = conversions(all[k], got, sizeof(got));
      if(!g || strcmp(g, w)) {
        fprintf(stderr, "entry %zu: \"%s\" takes %s, \"%s\" takes %s\n", i,
                en, w, all[k], g ? g : "(malformed)");
        bad++;
      }
      /* A sentence that ends a line ends it in every language. */
      size_t le = strlen(en), lk = strlen(all[k]);
      if((le && en[le - 1] == '\n') != (lk && all[k][lk - 1] == '\n')) {
        fprintf(stderr, "entry %zu: \"%s\": line ends differ\n", i, all[k]);
        bad++;
      }
    }
  }
  CHECK(i > 100);
  CHECK_INT(bad, 0);
  char tmp[64];
  CHECK_STR(conversions("%-5s, %02ld%% %.*s %zu", tmp, sizeof(tmp)),
            "s;ld;*s;zu;");
  CHECK(conversions("done: 100%", tmp, sizeof(tmp)) == NULL);
}

static void test_lookup(void)
{
  prb_words_use("en");
  CHECK_STR(prb_tr("blocked"), "blocked");
  CHECK_STR(prb_tr("not in the table"), "not in the table");
  prb_words_use("ru");
  CHECK_STR(prb_words_lang(), "ru");
  CHECK_STR(prb_tr("blocked"), "заблокировано");
  CHECK_STR(prb_tr("not in the table"), "not in the table");
  CHECK_STR(prb_words_verdict(PRB_VERDICT_DOWN), "не работает");
  CHECK_STR(prb_words_verdict(PRB_VERDICT_UNCLASSIFIED), "без оценки");
  CHECK_STR(prb_words_status("complete"), "завершён");
  CHECK_STR(prb_words_status("someday"), "someday");
  /* Russian: one, few, many. */
  const char *one = "%zu site measured in %s", *other = "%zu sites measured in %s";
  CHECK(strstr(prb_trn(one, other, 1), "сайт измерен") != NULL);
  CHECK(strstr(prb_trn(one, other, 21), "сайт измерен") != NULL);
  CHECK(strstr(prb_trn(one, other, 3), "сайта") != NULL);
  CHECK(strstr(prb_trn(one, other, 24), "сайта") != NULL);
  CHECK(strstr(prb_trn(one, other, 11), "сайтов") != NULL);
  CHECK(strstr(prb_trn(one, other, 14), "сайтов") != NULL);
  CHECK(strstr(prb_trn(one, other, 5), "сайтов") != NULL);
  CHECK(strstr(prb_trn(one, other, 0), "сайтов") != NULL);
  /* Kazakh: the noun stays singular. */
  prb_words_use("kk");
  CHECK_STR(prb_trn(one, other, 1), prb_trn(one, other, 7));
  CHECK_STR(prb_words_verdict(PRB_VERDICT_DOWN), "жұмыс істемейді");
  /* English: "1 site", "2 sites", never "1 sites". */
  prb_words_use("en");
  CHECK_STR(prb_trn(one, other, 1), one);
  CHECK_STR(prb_trn(one, other, 2), other);
  prb_words_use("de");
  CHECK_STR(prb_words_lang(), "en");
}

static void test_choice(void)
{
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  setenv("LANG", "kk_KZ.UTF-8", 1);
  CHECK_STR(prb_words_env_lang(), "kk");
  setenv("LC_MESSAGES", "ru_RU.UTF-8", 1);
  CHECK_STR(prb_words_env_lang(), "ru");
  setenv("LC_ALL", "C.UTF-8", 1);
  CHECK_STR(prb_words_env_lang(), "en");
  /* The consent's language wins over the locale's. */
  char dir[] = "/tmp/test_words.XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  setenv("LC_ALL", "ru_RU.UTF-8", 1);
  prb_words_use_for(dir);                  /* no consent: the locale */
  CHECK_STR(prb_words_lang(), "ru");
  char p[256];
  snprintf(p, sizeof(p), "%s/consent.json", dir);
  FILE *f = fopen(p, "w");
  CHECK(f != NULL);
  if(f) {
    fputs("{\"consent\": false, \"lang\": \"kk\"}\n", f);
    fclose(f);
  }
  prb_words_use_for(dir);
  CHECK_STR(prb_words_lang(), "kk");
  f = fopen(p, "w");
  if(f) {
    fputs("{\"consent\": tr", f);          /* unreadable: the locale */
    fclose(f);
  }
  prb_words_use_for(dir);
  CHECK_STR(prb_words_lang(), "ru");
  prb_words_use_for(NULL);
  CHECK_STR(prb_words_lang(), "ru");
  unlink(p);
  rmdir(dir);
}

static void test_cells(void)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  CHECK_INT(prb_words_width("Kazakhtelecom"), 13);
  CHECK_INT(prb_words_width("Қазақтелеком"), 12);
  prb_words_cell(out, "Қазақ", 7, false);
  fputc('|', out);
  prb_words_cell(out, "42", 5, true);
  fputc('|', out);
  prb_words_cell(out, "Қазақтелеком", 6, false);
  fputc('|', out);
  fclose(out);
  CHECK_STR(buf, "Қазақ  |   42|Қазақ…|");
  free(buf);
}

int main(void)
{
  test_table();
  test_lookup();
  test_choice();
  test_cells();
  return test_summary();
}
