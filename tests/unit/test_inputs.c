/* test_inputs.c: building the URL list from arguments, plain lists and
 * Citizen Lab CSV files, with bad lines named and duplicates dropped. */
#include "check.h"
#include "lists/inputs.h"

#include <stdlib.h>

static char datadir[1024];

static const char *fixture(const char *name)
{
  static char path[2048];
  snprintf(path, sizeof path, "%s/lists/%s", datadir, name);
  return path;
}

/* Runs fn's output into a string the caller frees. */
static FILE *capture(char **buf, size_t *len)
{
  *buf = NULL;
  *len = 0;
  return open_memstream(buf, len);
}

static void test_arguments(void)
{
  struct prb_inputs in;
  char *out;
  size_t outlen;
  FILE *err = capture(&out, &outlen);
  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_url(&in, "https://Vlast.KZ", NULL, NULL, err),
            PRB_LOAD_OK);
  CHECK_INT(prb_inputs_add_url(&in, "https://vlast.kz:443/", NULL, NULL, err),
            PRB_LOAD_DUP);
  CHECK_INT(prb_inputs_add_url(&in, "gopher://x/", NULL, NULL, err),
            PRB_LOAD_BAD);
  CHECK_INT(prb_inputs_add_url(&in, "https://orda.kz/", "news", "x", err),
            PRB_LOAD_BAD); /* category codes are upper case */
  /* A URL without scheme is named, so that the volunteer sees which. */
  CHECK_INT(prb_inputs_add_url(&in, "vlast.kz", NULL, NULL, err),
            PRB_LOAD_BAD);
  /* ... made printable: a list may hold anything. */
  CHECK_INT(prb_inputs_add_url(&in, "x\033[2Jy", NULL, "f:9", err),
            PRB_LOAD_BAD);
  fclose(err);
  CHECK_INT(in.n, 1);
  CHECK_INT(in.n_dup, 1);
  CHECK_INT(in.n_bad, 4);
  CHECK_STR(in.items[0].url, "https://vlast.kz/");
  CHECK_STR(in.items[0].origin, "argument");
  CHECK_STR(in.items[0].category_code, "");
  CHECK(strstr(out, "argument: gopher://x/: scheme is not http or "
               "https\n") != NULL);
  CHECK(strstr(out, "already listed at argument") != NULL);
  CHECK(strstr(out, "argument: vlast.kz: missing scheme (http:// or "
               "https://)\n") != NULL);
  CHECK(strstr(out, "f:9: x?[2Jy: ") != NULL && !strchr(out, '\033'));
  free(out);
  prb_inputs_free(&in);
  CHECK_INT(in.n, 0);
}

static void test_plain_file(void)
{
  struct prb_inputs in;
  char *out, want[4400];
  size_t outlen;
  FILE *err = capture(&out, &outlen);
  const char *p = fixture("plain.txt");
  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_file(&in, p, err), PRB_LOAD_OK);
  fclose(err);
  CHECK_INT(in.n, 4);
  CHECK_INT(in.n_bad, 3);
  CHECK_INT(in.n_dup, 1);
  if(in.n == 4) {
    CHECK_STR(in.items[0].url, "https://vlast.kz/"); /* CR stripped */
    CHECK_STR(in.items[1].url, "https://orda.kz/");  /* blanks trimmed */
    CHECK(strncmp(in.items[2].url, "https://xn--", 12) == 0);
    CHECK_STR(in.items[3].url, "https://www.azattyq.org/a/b,c");
    snprintf(want, sizeof want, "%s:4", p);
    CHECK_STR(in.items[1].origin, want);
  }
  snprintf(want, sizeof want, "%s:6: not a url: space in URL\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:7: ftp://files.kz/: scheme is not http or "
           "https\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:10: http://user@evil.kz/: userinfo in URL is "
           "not accepted\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:8: note: https://vlast.kz/ already listed "
           "at %s:3, dropped\n", p, p);
  CHECK(strstr(out, want) != NULL);
  free(out);
  prb_inputs_free(&in);
}

static void test_citizenlab_file(void)
{
  struct prb_inputs in;
  char *out, want[4400];
  size_t outlen;
  FILE *err = capture(&out, &outlen);
  const char *p = fixture("citizenlab-small.csv");
  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_file(&in, p, err), PRB_LOAD_OK);
  fclose(err);
  CHECK_INT(in.n, 4);
  CHECK_INT(in.n_bad, 2);
  CHECK_INT(in.n_dup, 1);
  if(in.n == 4) {
    CHECK_STR(in.items[0].url, "https://www.azattyq.org/");
    CHECK_STR(in.items[0].category_code, "NEWS");
    CHECK_STR(in.items[2].url, "https://holanews.kz/");
    CHECK_STR(in.items[3].category_code, "HUMR");
    snprintf(want, sizeof want, "%s:9", p); /* after a two-line record */
    CHECK_STR(in.items[3].origin, want);
  }
  snprintf(want, sizeof want, "%s:4: https://bad row/: space in URL\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:5: expected 6 fields, got 5\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:8: note:", p);
  CHECK(strstr(out, want) != NULL);
  free(out);
  prb_inputs_free(&in);
}

static void test_hostile_files(void)
{
  struct prb_inputs in;
  char path[] = "/tmp/prb-inputs-XXXXXX";
  int fd = mkstemp(path);
  FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
  CHECK(fp != NULL);
  if(!fp)
    return;
  /* BOM + Citizen Lab header, a NUL row, a 1 MB row, then a good row. */
  fputs("\xEF\xBB\xBFurl,category_code,category_description,date_added,"
        "source,notes\r\n", fp);
  fwrite("https://a.kz/\0,NEWS,News Media,2020-01-01,x,\r\n", 1, 46, fp);
  fputs("https://b.kz/,NEWS,News Media,2020-01-01,x,", fp);
  for(int i = 0; i < 1024 * 1024; i++)
    putc('y', fp);
  fputs("\r\nhttps://c.kz/,NEWS,News Media,2020-01-01,x,\r\n", fp);
  fclose(fp);

  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_file(&in, path, NULL), PRB_LOAD_OK);
  CHECK_INT(in.n, 1);
  CHECK_INT(in.n_bad, 2);
  if(in.n == 1)
    CHECK_STR(in.items[0].url, "https://c.kz/");
  prb_inputs_free(&in);

  /* The same hostility in a plain list. */
  fp = fopen(path, "wb");
  fwrite("https://a.kz/\0x\n", 1, 16, fp);
  for(int i = 0; i < 1024 * 1024; i++)
    putc('y', fp);
  fputs("\nhttps://c.kz/", fp); /* no final newline */
  fclose(fp);
  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_file(&in, path, NULL), PRB_LOAD_OK);
  CHECK_INT(in.n, 1);
  CHECK_INT(in.n_bad, 2);
  prb_inputs_free(&in);

  /* Empty file: nothing, and not an error. */
  fp = fopen(path, "wb");
  fclose(fp);
  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_file(&in, path, NULL), PRB_LOAD_OK);
  CHECK_INT(in.n, 0);
  CHECK_INT(in.n_bad, 0);
  prb_inputs_free(&in);
  remove(path);

  /* Unreadable: missing file, and a directory. */
  char *out;
  size_t outlen;
  FILE *err = capture(&out, &outlen);
  prb_inputs_init(&in);
  CHECK_INT(prb_inputs_add_file(&in, "/nonexistent/list.txt", err),
            PRB_LOAD_EREAD);
  CHECK_INT(prb_inputs_add_file(&in, "/", err), PRB_LOAD_EREAD);
  fclose(err);
  CHECK(strstr(out, "/nonexistent/list.txt: cannot open:") != NULL);
  free(out);
  prb_inputs_free(&in);
}

static void test_cap(void)
{
  struct prb_inputs in;
  char url[64];
  int rc = PRB_LOAD_OK;
  size_t i;
  prb_inputs_init(&in);
  for(i = 0; i <= PRB_INPUTS_MAX && rc == PRB_LOAD_OK; i++) {
    snprintf(url, sizeof url, "https://h%zu.kz/", i);
    rc = prb_inputs_add_url(&in, url, "NEWS", NULL, NULL);
  }
  CHECK_INT(rc, PRB_LOAD_EFULL);
  CHECK_INT(in.n, PRB_INPUTS_MAX);
  /* The index still finds everything after many rehashes. */
  CHECK_INT(prb_inputs_add_url(&in, "https://h77777.kz/", NULL, NULL, NULL),
            PRB_LOAD_DUP);
  prb_inputs_free(&in);
}

int main(void)
{
  const char *d = getenv("PRB_TEST_DATA");
  snprintf(datadir, sizeof datadir, "%s", d ? d : "tests/data");
  test_arguments();
  test_plain_file();
  test_citizenlab_file();
  test_hostile_files();
  test_cap();
  return test_summary();
}
