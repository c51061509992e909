/* test_onboard.c: the answer parser, unclear answers asked again and
 * never stored, what each text says, the stored answer, and the gate
 * scheduled runs apply. */
#include "check.h"
#include "common/errors.h"
#include "volunteer/onboard.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_onboard.XXXXXX";

static int answer(const char *text, const char *lang, char **shown)
{
  static char buf[1024];
  snprintf(buf, sizeof(buf), "%s", text);
  FILE *in = fmemopen(buf, strlen(buf), "r");
  size_t len;
  FILE *out = open_memstream(shown, &len);
  int rc = prb_onboard_run(dir, lang, false, in, out);
  fclose(in);
  fclose(out);
  return rc;
}

static void write_consent(const char *text)
{
  char p[256];
  snprintf(p, sizeof(p), "%s/%s", dir, PRB_CONSENT_FILE);
  FILE *f = fopen(p, "w");
  if(f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_parser(void)
{
  static const char *const yes[] = {"yes", "YES", "Yes", "да", "Да", "ДА",
                                    "иә", "Иә", "ИӘ", "ия", "  yes \n",
                                    "\tда\r\n"};
  static const char *const no[] = {"no", "No", "NO", "нет", "Нет", "НЕТ",
                                   "жоқ", "Жоқ", "ЖОҚ", "жок", " no\n"};
  static const char *const unclear[] = {"y", "n", "иа", "Да.", "да!", "", "\n",
                                        "yes please", "ye", "нет.", "ok",
                                        "1", "true", "жо"};
  for(size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
    CHECK_INT(prb_onboard_answer(yes[i]), PRB_ANSWER_YES);
  for(size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
    CHECK_INT(prb_onboard_answer(no[i]), PRB_ANSWER_NO);
  for(size_t i = 0; i < sizeof(unclear) / sizeof(unclear[0]); i++)
    CHECK_INT(prb_onboard_answer(unclear[i]), PRB_ANSWER_UNCLEAR);
}

/* Each text says the same things: where the results go, who sees the
 * address, small networks, OONI, how to stop. */
static void test_texts(void)
{
  static const struct {
    const char *lang;
    const char *must[6];
  } says[] = {
    {"en", {"collector", "they see your IP address", "small network",
            "OONI publishes everything", "disable --now", "answer \"no\""}},
    {"ru", {"сборщик", "видят ваш IP-адрес", "небольшой сети",
            "OONI", "disable --now", "ответьте «нет»"}},
    {"kk", {"жинағыш", "IP-мекенжайыңызды көреді", "шағын желіде",
            "OONI", "disable --now", "«жоқ» деп жауап"}},
  };
  for(size_t i = 0; i < 3; i++) {
    char *shown = NULL;
    CHECK_INT(answer("no\n", says[i].lang, &shown), PRB_EXIT_NO_CONSENT);
    /* Lines are wrapped: compare with single spaces. */
    size_t o = 0;
    for(size_t k = 0; shown && shown[k]; k++)
      if(!(shown[k] == '\n' || shown[k] == ' ') || (o && shown[o - 1] != ' '))
        shown[o++] = shown[k] == '\n' ? ' ' : shown[k];
    if(shown)
      shown[o] = '\0';
    for(size_t k = 0; k < 6; k++)
      if(!shown || !strstr(shown, says[i].must[k])) {
        fprintf(stderr, "%s text lacks \"%s\"\n", says[i].lang,
                says[i].must[k]);
        CHECK(false);
      }
    /* The stored file is named with what to do with it. */
    const char *at = shown ? strstr(shown, "consent.json") : NULL;
    CHECK(at != NULL && strstr(at, "`accessprobe onboard`") != NULL &&
          strstr(at, "`accessprobe onboard`") - at < 120);
    free(shown);
  }
}

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  CHECK(prb_onboard_lang_known("kk"));
  CHECK(!prb_onboard_lang_known("de"));
  test_parser();

  char why[512];
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_MISSING);
  CHECK(strstr(why, "accessprobe onboard") != NULL);

  /* Unclear answers are asked again; the explicit yes after them counts. */
  char *shown = NULL;
  CHECK_INT(answer("y\nДа.\nиә\n", "kk", &shown), PRB_EXIT_OK);
  CHECK(shown && strstr(shown, "IP-мекенжайыңыз") != NULL);
  /* Asked three times: two reminders. */
  const char *again = "«иә» немесе «жоқ» деп жауап беріңіз.";
  const char *seen = shown ? strstr(shown, again) : NULL;
  CHECK(seen != NULL && (seen = strstr(seen + 1, again)) != NULL &&
        strstr(seen + 1, again) == NULL);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  char lang[8];
  CHECK(prb_onboard_stored_lang(dir, lang, sizeof(lang)));
  CHECK_STR(lang, "kk");

  /* Only unclear answers, then the input ends: the yes stays. */
  CHECK_INT(answer("y\nиа\nДа.\n", "ru", &shown), PRB_EXIT_NO_CONSENT);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  CHECK(prb_onboard_stored_lang(dir, lang, sizeof(lang)));
  CHECK_STR(lang, "kk");
  /* Five unclear answers: given up, the yes stays. */
  CHECK_INT(answer("a\nb\nc\nd\ne\nno\n", "en", &shown), PRB_EXIT_NO_CONSENT);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  /* No answer at all keeps the stored one. */
  CHECK_INT(answer("", "en", &shown), PRB_EXIT_NO_CONSENT);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  /* An explicit no is stored, and withdraws the yes. */
  CHECK_INT(answer("нет\n", "ru", &shown), PRB_EXIT_NO_CONSENT);
  CHECK(shown && strstr(shown, "Согласие не дано") != NULL);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_REFUSED);
  CHECK(strstr(why, "onboard") != NULL);
  CHECK_INT(answer("  да \n", "ru", &shown), PRB_EXIT_OK);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  test_texts();

  /* --yes for scripted installs. */
  size_t len;
  FILE *out = open_memstream(&shown, &len);
  CHECK_INT(prb_onboard_run(dir, "en", true, stdin, out), PRB_EXIT_OK);
  fclose(out);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);

  /* A damaged file is neither a yes nor silently a no. */
  write_consent("{\"consent\": tr");
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_UNREADABLE);
  CHECK(strstr(why, "consent.json:1:") != NULL);
  CHECK(!prb_onboard_stored_lang(dir, lang, sizeof(lang)));
  write_consent("{\"consent\": \"yes\"}");
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_UNREADABLE);
  write_consent("{\"consent\": true, \"text_version\": 0}");
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_OUTDATED);
  /* A yes to the first text (before results, control and collector were
   * explained) no longer counts. */
  write_consent("{\"consent\": true, \"text_version\": 1}");
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_OUTDATED);

  /* `sudo accessprobe onboard --state-dir FOLDER` where FOLDER is the
   * service user's: the answer must stay readable by that user. */
  if(geteuid() == 0) {
    char p[256];
    CHECK(chown(dir, 65534, 65534) == 0);
    out = open_memstream(&shown, &len);
    CHECK_INT(prb_onboard_run(dir, "en", true, stdin, out), PRB_EXIT_OK);
    fclose(out);
    free(shown);
    snprintf(p, sizeof(p), "%s/%s", dir, PRB_CONSENT_FILE);
    struct stat st;
    CHECK(stat(p, &st) == 0);
    CHECK_INT(st.st_uid, 65534);
    CHECK_INT(st.st_gid, 65534);
  } else
    printf("consent owner: skipped (not root)\n");

  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return test_summary();
}
