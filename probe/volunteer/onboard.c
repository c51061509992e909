/* onboard.c: consent texts (kk, ru, en), the question, the stored answer. */
#include "volunteer/onboard.h"
#include "common/errors.h"
#include "volunteer/lock.h"
#include "volunteer/state.h"
#include "common/files.h"
#include "volunteer/config.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct text {
  const char *lang;
  const char *body;
  const char *question;
  const char *yes_hint;
  const char *agreed;
  const char *declined;
};

/* The three texts say the same things, point by point; keep them so. */
static const struct text texts[] = {
  {"kk",
   "accessprobe осы желіден веб-сайттардың ашылатын-ашылмайтынын, ал\n"
   "ашылмаса, олардың қалай бұғатталатынын өлшейді. Ол өзі кестесі\n"
   "бойынша, әдетте күніне бір рет іске қосылады.\n"
   "\n"
   "Келісім бермес бұрын, тәуекелдерді түсініп алыңыз:\n"
   "\n"
   "1. Желіңізді бақылай алатын кез келген адам (интернет-провайдер,\n"
   "   жұмыс беруші, билік органдары) бұл компьютердің тексерілетін\n"
   "   сайттарға қосылатынын көре алады және сіздің өлшеу құралын іске\n"
   "   қосқаныңызды аңғаруы мүмкін.\n"
   "2. Тізімде Қазақстан билігі бұғаттайтын немесе жағымсыз деп санауы\n"
   "   мүмкін сайттар бар. Сіз тұрған жерде оларға қосылу заңсыз немесе\n"
   "   қауіпті болуы мүмкін.\n"
   "3. Нәтижелер жариялануға арналған. Оларда әр өлшеудің уақыты,\n"
   "   желіңіздің атауы мен нөмірі (ASN) және ел көрсетіледі. IP-мекенжайыңыз\n"
   "   ешқашан жазылмайды: accessprobe оны жазатын барлық деректен өшіреді.\n"
   "4. Бұл компьютерге қолы жететін адам accessprobe орнатылғанын көріп,\n"
   "   оның нәтижелерін оқи алады.\n"
   "\n"
   "Кез келген уақытта тоқтата аласыз: таймерді өшіріңіз\n"
   "(systemctl disable --now accessprobe.timer) және нәтижелер қалтасын\n"
   "жойыңыз.\n",
   "accessprobe-ты осы желіде іске қосуға келісесіз бе?",
   "Келісу үшін «иә» деп жазыңыз: ",
   "Келісіміңіз сақталды. Рақмет!\n",
   "Келісім берілмеді: кесте бойынша өлшеулер басталмайды.\n"},
  {"ru",
   "accessprobe проверяет, открываются ли веб-сайты из этой сети, и как\n"
   "именно они блокируются, если не открываются. Он запускается сам по\n"
   "расписанию, обычно раз в день.\n"
   "\n"
   "Прежде чем согласиться, пожалуйста, учтите риски:\n"
   "\n"
   "1. Любой, кто может наблюдать за вашей сетью (интернет-провайдер,\n"
   "   работодатель, государственные органы), видит, что этот компьютер\n"
   "   подключается к проверяемым сайтам, и может понять, что вы\n"
   "   запускаете инструмент измерений.\n"
   "2. Список содержит сайты, которые власти Казахстана блокируют или\n"
   "   могут считать нежелательными. Подключение к ним может быть\n"
   "   незаконным или рискованным там, где вы находитесь.\n"
   "3. Результаты предназначены для публикации. В них указаны время\n"
   "   каждого измерения, название и номер (ASN) вашей сети и страна.\n"
   "   Ваш IP-адрес не записывается никогда: accessprobe удаляет его из\n"
   "   всего, что записывает.\n"
   "4. Тот, у кого есть доступ к этому компьютеру, может увидеть, что\n"
   "   accessprobe установлен, и прочитать его результаты.\n"
   "\n"
   "Остановиться можно в любой момент: отключите таймер\n"
   "(systemctl disable --now accessprobe.timer) и удалите папку с\n"
   "результатами.\n",
   "Вы согласны запускать accessprobe в этой сети?",
   "Введите «да», чтобы согласиться: ",
   "Согласие сохранено. Спасибо!\n",
   "Согласие не дано: измерения по расписанию не начнутся.\n"},
  {"en",
   "accessprobe measures whether websites can be reached from this network,\n"
   "and how they are blocked when they cannot. It runs by itself on a\n"
   "schedule, usually once a day.\n"
   "\n"
   "Before you agree, please understand the risks:\n"
   "\n"
   "1. Anyone who can watch your network (your internet provider, your\n"
   "   employer, the authorities) can see that this computer connects to\n"
   "   the sites being tested, and may tell that you run a measurement\n"
   "   tool.\n"
   "2. The list contains sites that the authorities of Kazakhstan block or\n"
   "   may consider objectionable. Connecting to them may be unlawful or\n"
   "   risky where you are.\n"
   "3. The results are meant to be published. They include the time of\n"
   "   each measurement, your network's name and number (ASN) and the\n"
   "   country. Your IP address is never written: accessprobe removes it\n"
   "   from everything it writes.\n"
   "4. Anyone with access to this computer can see that accessprobe is\n"
   "   installed and read its results.\n"
   "\n"
   "You can stop at any time: turn the timer off\n"
   "(systemctl disable --now accessprobe.timer) and delete the results\n"
   "folder.\n",
   "Do you agree to run accessprobe on this network?",
   "Type \"yes\" to agree: ",
   "Your consent is stored. Thank you!\n",
   "No consent given: scheduled measurements will not start.\n"},
};

static const struct text *text_for(const char *lang)
{
  for(size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
    if(!strcmp(texts[i].lang, lang))
      return &texts[i];
  return &texts[2];
}

bool prb_onboard_lang_known(const char *lang)
{
  return lang && (!strcmp(lang, "kk") || !strcmp(lang, "ru") ||
                  !strcmp(lang, "en"));
}

const char *prb_onboard_lang_from_env(void)
{
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for(size_t i = 0; i < 3; i++) {
    const char *v = getenv(vars[i]);
    if(!v || !*v)
      continue;
    if(!strncmp(v, "kk", 2))
      return "kk";
    if(!strncmp(v, "ru", 2))
      return "ru";
    return "en";
  }
  return "en";
}

/* Explicit words only: "y" or an empty line is not informed consent. */
static bool is_yes(const char *s)
{
  static const char *const yes[] = {
    "yes", "YES", "Yes", "да", "Да", "ДА", "иә", "Иә", "ИӘ", "ия", "Ия", "ИЯ"
  };
  for(size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
    if(!strcmp(s, yes[i]))
      return true;
  return false;
}

static bool consent_path(const char *dir, char *out, size_t len)
{
  return prb_state_path(dir, PRB_CONSENT_FILE, out, len);
}

enum prb_consent prb_onboard_check(const char *state_dir, char *why, size_t whylen)
{
  char path[4096];
  if(!consent_path(state_dir, path, sizeof(path))) {
    snprintf(why, whylen, "%s: name too long", state_dir);
    return PRB_CONSENT_UNREADABLE;
  }
  if(access(path, F_OK) < 0 && errno == ENOENT) {
    snprintf(why, whylen, "no consent recorded (%s is missing): scheduled "
             "runs need the volunteer's informed consent; run `accessprobe "
             "onboard --state-dir %s` to read about the risks and agree",
             path, state_dir);
    return PRB_CONSENT_MISSING;
  }
  json_error_t je;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if(!j) {
    snprintf(why, whylen, "%s:%d: %s; the consent cannot be read, so no "
             "scheduled run starts: fix the file or run `accessprobe "
             "onboard` again", path, je.line > 0 ? je.line : 1, je.text);
    return PRB_CONSENT_UNREADABLE;
  }
  json_t *c = json_object_get(j, "consent");
  json_int_t ver = json_integer_value(json_object_get(j, "text_version"));
  int rc;
  if(!json_is_boolean(c)) {
    snprintf(why, whylen, "%s: no \"consent\": true or false; run "
             "`accessprobe onboard` again", path);
    rc = PRB_CONSENT_UNREADABLE;
  } else if(!json_is_true(c)) {
    snprintf(why, whylen, "the volunteer declined (%s); run `accessprobe "
             "onboard` to change the answer", path);
    rc = PRB_CONSENT_REFUSED;
  } else if(ver < PRB_CONSENT_TEXT_VERSION) {
    snprintf(why, whylen, "consent was given to an older text (version "
             "%lld, now %d) about the risks; run `accessprobe onboard` to "
             "read it and agree again", (long long)ver,
             PRB_CONSENT_TEXT_VERSION);
    rc = PRB_CONSENT_OUTDATED;
  } else {
    rc = PRB_CONSENT_YES;
    if(whylen)
      why[0] = '\0';
  }
  json_decref(j);
  return rc;
}

static int store(const char *state_dir, bool yes, const char *lang,
                 bool scripted, FILE *out)
{
  char path[4096], why[512], date[24];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if(prb_mkdirs(state_dir, 0750, true) < 0 ||
     !consent_path(state_dir, path, sizeof(path))) {
    fprintf(stderr, "accessprobe: cannot create %s: %s\n", state_dir,
            strerror(errno));
    return PRB_EXIT_OUTPUT;
  }
  json_t *j = json_pack("{s:i, s:b, s:i, s:s, s:s, s:s}", "version", 1,
                        "consent", yes, "text_version",
                        PRB_CONSENT_TEXT_VERSION, "lang", lang, "date", date,
                        "how", scripted ? "onboard --yes" : "onboard");
  char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
               NULL;
  json_decref(j);
  if(!text) {
    fprintf(stderr, "accessprobe: out of memory\n");
    return PRB_EXIT_INTERNAL;
  }
  size_t len = strlen(text);
  char *nl = realloc(text, len + 2);
  if(!nl) {
    free(text);
    fprintf(stderr, "accessprobe: out of memory\n");
    return PRB_EXIT_INTERNAL;
  }
  nl[len] = '\n';
  nl[len + 1] = '\0';
  int rc = prb_write_atomic(path, nl, len + 1, why, sizeof(why));
  free(nl);
  if(rc < 0) {
    fprintf(stderr, "accessprobe: cannot store the answer: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  fprintf(out, "(%s)\n", path);
  return PRB_EXIT_OK;
}

enum prb_exit prb_onboard_run(const char *state_dir, const char *lang,
                              bool assume_yes, FILE *in, FILE *out)
{
  const struct text *t = text_for(lang);
  fprintf(out, "%s\n%s\n", t->body, t->question);
  bool yes = assume_yes;
  if(assume_yes)
    fprintf(out, "%syes (--yes)\n", t->yes_hint);
  else {
    fprintf(out, "%s", t->yes_hint);
    fflush(out);
    char line[128];
    if(fgets(line, sizeof(line), in)) {
      if(!isatty(fileno(in)))
        fputc('\n', out);        /* a piped answer is not echoed */
      line[strcspn(line, "\r\n")] = '\0';
      /* Trim blanks around the word. */
      char *s = line;
      while(*s == ' ' || *s == '\t')
        s++;
      size_t n = strlen(s);
      while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
      yes = is_yes(s);
    } else {
      /* No answer at all (closed input) is not a "no": keep what was
       * stored before. */
      fprintf(out, "\n");
      fprintf(stderr, "accessprobe: no answer read; the stored consent "
              "is unchanged\n");
      return PRB_EXIT_NO_CONSENT;
    }
  }
  int rc = store(state_dir, yes, t->lang, assume_yes, out);
  if(rc != PRB_EXIT_OK)
    return rc;
  fprintf(out, "%s", yes ? t->agreed : t->declined);
  return yes ? PRB_EXIT_OK : PRB_EXIT_NO_CONSENT;
}

enum prb_exit prb_onboard_main(int argc, char **argv)
{
  char dir[4096];
  int rc = prb_config_state_dir(&argc, argv, dir, sizeof(dir));
  if(rc >= 0)
    return rc;
  const char *lang = NULL;
  bool yes = false;
  for(int i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
      yes = true;
    else if(!strcmp(argv[i], "--lang") && i + 1 < argc)
      lang = argv[++i];
    else if(!strncmp(argv[i], "--lang=", 7))
      lang = argv[i] + 7;
    else {
      fprintf(stderr, "Usage: accessprobe onboard [--lang kk|ru|en] [--yes] "
              "[--state-dir DIR] [--config FILE]\n");
      return PRB_EXIT_USAGE;
    }
  }
  if(lang && !prb_onboard_lang_known(lang)) {
    fprintf(stderr, "accessprobe: --lang takes kk, ru or en\n");
    return PRB_EXIT_USAGE;
  }
  return prb_onboard_run(dir, lang ? lang : prb_onboard_lang_from_env(), yes,
                         stdin, stdout);
}
