/* test_onboard.c: language choice, the explicit yes, the stored answer,
 * and the gate scheduled runs apply. */
#include "check.h"
#include "common/errors.h"
#include "volunteer/onboard.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_onboard.XXXXXX";

static int answer(const char *text, const char *lang, char **shown)
{
  static char buf[256];
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

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  setenv("LANG", "kk_KZ.UTF-8", 1);
  CHECK_STR(prb_onboard_lang_from_env(), "kk");
  setenv("LC_MESSAGES", "ru_RU.UTF-8", 1);
  CHECK_STR(prb_onboard_lang_from_env(), "ru");
  setenv("LC_ALL", "C.UTF-8", 1);
  CHECK_STR(prb_onboard_lang_from_env(), "en");
  CHECK(prb_onboard_lang_known("kk"));
  CHECK(!prb_onboard_lang_known("de"));

  char why[512];
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_MISSING);
  CHECK(strstr(why, "accessprobe onboard") != NULL);

  /* Each text names the risks; "y" and blank lines are not consent. */
  char *shown = NULL;
  CHECK_INT(answer("y\n", "ru", &shown), PRB_EXIT_NO_CONSENT);
  CHECK(shown && strstr(shown, "опубликов") == NULL &&
        strstr(shown, "публикации") != NULL);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_REFUSED);
  CHECK_INT(answer("  иә \n", "kk", &shown), PRB_EXIT_OK);
  CHECK(shown && strstr(shown, "IP-мекенжайыңыз") != NULL);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  /* No answer at all keeps the stored one. */
  CHECK_INT(answer("", "en", &shown), PRB_EXIT_NO_CONSENT);
  CHECK(shown && strstr(shown, "IP address is never written") != NULL);
  free(shown);
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_YES);
  CHECK_INT(answer("да\n", "ru", &shown), PRB_EXIT_OK);
  free(shown);

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
  write_consent("{\"consent\": \"yes\"}");
  CHECK_INT(prb_onboard_check(dir, why, sizeof(why)), PRB_CONSENT_UNREADABLE);
  write_consent("{\"consent\": true, \"text_version\": 0}");
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
