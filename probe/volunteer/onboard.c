/* onboard.c: consent texts (kk, ru, en), the question, the stored answer.
 *
 * The Kazakh and Russian texts follow the English point by point; they
 * were written carefully but not by native speakers, and native speakers
 * should confirm them before they are relied on. */
#include "volunteer/onboard.h"
#include "common/errors.h"
#include "common/files.h"
#include "volunteer/config.h"
#include "volunteer/onboard_servers.h"
#include "volunteer/state.h"
#include "volunteer/words.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_ASKS 5              /* unclear answers before giving up */

struct text {
  const char *lang;
  const char *body;
  const char *question;
  const char *prompt;
};

/* The three texts say the same things, point by point; keep them so, and
 * raise PRB_CONSENT_TEXT_VERSION when one changes in substance. */
static const struct text texts[] = {
  {"kk",
   "accessprobe осы желіден веб-сайттардың ашылатын-ашылмайтынын, ал\n"
   "ашылмаса, олардың қалай бұғатталатынын өлшейді. Ол өзі кесте\n"
   "бойынша, әдетте күніне бір рет, сіз тоқтатқанша іске қосылады.\n"
   "\n"
   "Келісім бермес бұрын, мұны оқып шығыңыз.\n"
   "\n"
   "Басқалар не көре алады\n"
   "1. Желіңізді бақылай алатын кез келген адам (интернет-провайдер,\n"
   "   жұмыс беруші, билік органдары) бұл компьютердің тексерілетін\n"
   "   сайттарға қосылатынын көре алады және сіздің өлшеу құралын іске\n"
   "   қосқаныңызды аңғаруы мүмкін.\n"
   "2. Тізімде Қазақстан билігі бұғаттайтын немесе жағымсыз деп санауы\n"
   "   мүмкін сайттар бар. Сіз тұрған жерде оларға қосылу заңсыз немесе\n"
   "   қауіпті болуы мүмкін.\n"
   "3. Бұғаттауды жай ғана жұмыс істемей тұрған сайттан ажырату үшін\n"
   "   әр өлшеу елден тыс жердегі бақылау серверінен сол сайтты ашуды\n"
   "   сұрайды. Бақылау серверін және нәтижелерді қабылдайтын жинағышты\n"
   "   (коллекторды) олардың мекенжайларын сізге берген мониторинг ұйымы\n"
   "   басқарады; кез келген сервер сияқты, бұл компьютер оларға\n"
   "   қосылғанда олар сіздің IP-мекенжайыңызды көреді.\n"
   "4. Бұл компьютерге қолы жететін адам accessprobe орнатылғанын көріп,\n"
   "   оның нәтижелерін оқи алады.\n"
   "\n"
   "Нәтижелер қайда барады\n"
   "5. Нәтижелер мониторинг ұйымының жинағышына (егер ол бапталса)\n"
   "   жіберіледі, және ұйым оларды жариялайды: қай сайттардың қай\n"
   "   желілерде бұғатталғаны туралы есептерді және зерттеушілерге\n"
   "   арналған өлшеу жазбаларының өзін. Жинағыш болмаса, нәтижелер осы\n"
   "   компьютерде қалады.\n"
   "6. Әр жазбада уақыт, желіңіздің атауы мен нөмірі (ASN) және ел\n"
   "   көрсетіледі. IP-мекенжайыңыз ешқашан жазылмайды: accessprobe оны\n"
   "   жазатын барлық деректен өшіреді. Бірақ шағын желіде (компания,\n"
   "   университет, шағын провайдер) желі атауының өзі сізді нұсқап\n"
   "   қоюы мүмкін.\n"
   "7. Нәтижелер OONI-ге (Open Observatory of Network Interference) тек\n"
   "   сіз мұны өзіңіз қоссаңыз ғана жіберіледі (конфигурацияда\n"
   "   \"ooni_upload\": true); сіз таңдамасаңыз, бұл өшірулі. OONI алған\n"
   "   барлық деректі бәріне ашық жариялайды.\n"
   "\n"
   "Қалай тоқтатуға болады\n"
   "8. Кез келген уақытта: кестені өшіріңіз (sudo systemctl disable --now\n"
   "   accessprobe.timer немесе /etc/cron.d/accessprobe файлын жойыңыз)\n"
   "   және нәтижелер қалтасын (/var/lib/accessprobe) жойыңыз; не\n"
   "   `accessprobe onboard` іске қосып, «жоқ» деп жауап беріңіз.\n"
   "   Жіберіліп қойған нәтижелерді бұл компьютерден қайтару мүмкін емес:\n"
   "   оларды жоюды мониторинг ұйымынан сұраңыз.\n",
   "accessprobe-ты осы желіде іске қосуға келісесіз бе?",
   "Келісу үшін «иә», бас тарту үшін «жоқ» деп жазыңыз: "},
  {"ru",
   "accessprobe проверяет, открываются ли веб-сайты из этой сети, и как\n"
   "именно они блокируются, если не открываются. Он запускается сам по\n"
   "расписанию, обычно раз в день, пока вы его не остановите.\n"
   "\n"
   "Пожалуйста, прочитайте это, прежде чем соглашаться.\n"
   "\n"
   "Что могут увидеть другие\n"
   "1. Любой, кто может наблюдать за вашим подключением (интернет-\n"
   "   провайдер, работодатель, государственные органы), видит, что этот\n"
   "   компьютер подключается к проверяемым сайтам, и может понять, что\n"
   "   вы запускаете инструмент измерений.\n"
   "2. Список содержит сайты, которые власти Казахстана блокируют или\n"
   "   могут считать нежелательными. Подключение к ним может быть\n"
   "   незаконным или рискованным там, где вы находитесь.\n"
   "3. Чтобы отличить блокировку от сайта, который просто не работает,\n"
   "   каждое измерение просит контрольный сервер за пределами страны\n"
   "   открыть тот же сайт. Контрольным сервером и сборщиком (коллектором),\n"
   "   который принимает результаты, управляет организация мониторинга,\n"
   "   давшая вам их адреса; как и любой сервер, они видят ваш IP-адрес,\n"
   "   когда этот компьютер к ним подключается.\n"
   "4. Тот, у кого есть доступ к этому компьютеру, может увидеть, что\n"
   "   accessprobe установлен, и прочитать его результаты.\n"
   "\n"
   "Куда попадают результаты\n"
   "5. Результаты отправляются на сборщик организации мониторинга (если\n"
   "   он настроен), и она их публикует: отчёты о том, какие сайты\n"
   "   заблокированы в каких сетях, и сами записи измерений для\n"
   "   исследователей. Без сборщика результаты остаются на этом\n"
   "   компьютере.\n"
   "6. В каждой записи указаны время, название и номер (ASN) вашей сети\n"
   "   и страна. Ваш IP-адрес не записывается никогда: accessprobe\n"
   "   удаляет его из всего, что записывает. Но в небольшой сети\n"
   "   (компания, университет, небольшой провайдер) уже название сети\n"
   "   может указать на вас.\n"
   "7. Результаты попадают в OONI (Open Observatory of Network\n"
   "   Interference), только если вы сами это включите (\"ooni_upload\":\n"
   "   true в конфигурации); без вашего выбора это выключено. OONI\n"
   "   открыто публикует для всех всё, что получает.\n"
   "\n"
   "Как остановиться\n"
   "8. В любой момент: отключите расписание (sudo systemctl disable --now\n"
   "   accessprobe.timer или удалите /etc/cron.d/accessprobe) и удалите\n"
   "   папку с результатами (/var/lib/accessprobe); или запустите\n"
   "   `accessprobe onboard` и ответьте «нет». Уже отправленные\n"
   "   результаты с этого компьютера вернуть нельзя: попросите\n"
   "   организацию мониторинга удалить их.\n",
   "Вы согласны запускать accessprobe в этой сети?",
   "Введите «да», чтобы согласиться, или «нет», чтобы отказаться: "},
  {"en",
   "accessprobe measures whether websites can be reached from this network,\n"
   "and how they are blocked when they cannot. It runs by itself on a\n"
   "schedule, usually once a day, until you stop it.\n"
   "\n"
   "Please read this before you agree.\n"
   "\n"
   "What others can see\n"
   "1. Anyone who can watch your connection (your internet provider, your\n"
   "   employer, the authorities) can see that this computer connects to\n"
   "   the sites being tested, and may tell that you run a measurement\n"
   "   tool.\n"
   "2. The list contains sites that the authorities of Kazakhstan block or\n"
   "   may consider objectionable. Connecting to them may be unlawful or\n"
   "   risky where you are.\n"
   "3. To tell blocking from a site that is simply down, each measurement\n"
   "   asks a control server outside the country to fetch the same site.\n"
   "   The control, and the collector that receives the results, are run\n"
   "   by the monitoring organisation that gave you their addresses; like\n"
   "   any server, they see your IP address when this computer connects\n"
   "   to them.\n"
   "4. Anyone with access to this computer can see that accessprobe is\n"
   "   installed and read its results.\n"
   "\n"
   "Where the results go\n"
   "5. The results are sent to the monitoring organisation's collector\n"
   "   (when one is set up), and the organisation publishes them: reports\n"
   "   of which sites are blocked on which networks, and the records\n"
   "   themselves for researchers. Without a collector the results stay\n"
   "   on this computer.\n"
   "6. Each record gives the time, your network's name and number (ASN)\n"
   "   and the country. Your IP address is never written: accessprobe\n"
   "   removes it from everything it writes. But on a small network (a\n"
   "   company, a university, a small provider) the network's name alone\n"
   "   may point to you.\n"
   "7. Results go to OONI (the Open Observatory of Network Interference)\n"
   "   only if you turn that on (\"ooni_upload\": true in the\n"
   "   configuration); it is off unless you choose it. OONI publishes\n"
   "   everything it receives, openly, for anyone.\n"
   "\n"
   "How to stop\n"
   "8. At any time: turn the schedule off (sudo systemctl disable --now\n"
   "   accessprobe.timer, or delete /etc/cron.d/accessprobe) and delete\n"
   "   the results folder (/var/lib/accessprobe); or run `accessprobe\n"
   "   onboard` and answer \"no\". Results already sent cannot be taken\n"
   "   back from this computer: ask the monitoring organisation to delete\n"
   "   them.\n",
   "Do you agree to run accessprobe on this network?",
   "Type \"yes\" to agree or \"no\" to decline: "},
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

static bool one_of(const char *s, const char *const *words, size_t n)
{
  for(size_t i = 0; i < n; i++)
    if(!strcmp(s, words[i]))
      return true;
  return false;
}

enum prb_answer prb_onboard_answer(const char *line)
{
  /* The explicit words of all three languages, whichever text was shown:
   * "ия" and "жок" are how иә and жоқ come out of a Russian keyboard. */
  static const char *const yes[] = {
    "yes", "Yes", "YES", "да", "Да", "ДА", "иә", "Иә", "ИӘ", "ия", "Ия",
    "ИЯ"
  };
  static const char *const no[] = {
    "no", "No", "NO", "нет", "Нет", "НЕТ", "жоқ", "Жоқ", "ЖОҚ", "жок",
    "Жок", "ЖОК"
  };
  char buf[64];
  size_t b = strspn(line, " \t"), n = strcspn(line + b, "\r\n");
  while(n && (line[b + n - 1] == ' ' || line[b + n - 1] == '\t'))
    n--;
  if(n >= sizeof(buf))
    return PRB_ANSWER_UNCLEAR;
  memcpy(buf, line + b, n);
  buf[n] = '\0';
  if(one_of(buf, yes, sizeof(yes) / sizeof(yes[0])))
    return PRB_ANSWER_YES;
  if(one_of(buf, no, sizeof(no) / sizeof(no[0])))
    return PRB_ANSWER_NO;
  return PRB_ANSWER_UNCLEAR;
}

static bool consent_path(const char *dir, char *out, size_t len)
{
  return prb_state_path(dir, PRB_CONSENT_FILE, out, len);
}

bool prb_onboard_stored_lang(const char *state_dir, char *out, size_t len)
{
  char path[4096];
  if(!consent_path(state_dir, path, sizeof(path)))
    return false;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
  const char *lang = json_string_value(json_object_get(j, "lang"));
  bool ok = prb_onboard_lang_known(lang);
  if(ok)
    snprintf(out, len, "%s", lang);
  json_decref(j);
  return ok;
}

enum prb_consent prb_onboard_check(const char *state_dir, char *why,
                                   size_t whylen)
{
  char path[4096];
  if(!consent_path(state_dir, path, sizeof(path))) {
    snprintf(why, whylen, prb_tr("%s: name too long"), state_dir);
    return PRB_CONSENT_UNREADABLE;
  }
  if(access(path, F_OK) < 0 && errno == ENOENT) {
    snprintf(why, whylen, prb_tr("no consent recorded (%s is missing): "
                                 "scheduled runs need the volunteer's "
                                 "informed consent; run `accessprobe onboard "
                                 "--state-dir %s` to read about the risks "
                                 "and agree"), path, state_dir);
    return PRB_CONSENT_MISSING;
  }
  json_error_t je;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if(!j) {
    snprintf(why, whylen, prb_tr("%s:%d: %s; the consent cannot be read, so "
                                 "no scheduled run starts: fix the file or "
                                 "run `accessprobe onboard` again"), path,
             je.line > 0 ? je.line : 1, je.text);
    return PRB_CONSENT_UNREADABLE;
  }
  json_t *c = json_object_get(j, "consent");
  json_int_t ver = json_integer_value(json_object_get(j, "text_version"));
  int rc;
  if(!json_is_boolean(c)) {
    snprintf(why, whylen, prb_tr("%s: no \"consent\": true or false; run "
                                 "`accessprobe onboard` again"), path);
    rc = PRB_CONSENT_UNREADABLE;
  } else if(!json_is_true(c)) {
    snprintf(why, whylen, prb_tr("the volunteer declined (%s); run "
                                 "`accessprobe onboard` to change the "
                                 "answer"), path);
    rc = PRB_CONSENT_REFUSED;
  } else if(ver < PRB_CONSENT_TEXT_VERSION) {
    snprintf(why, whylen, prb_tr("consent was given to an older text "
                                 "(version %lld, now %d) about the risks; "
                                 "run `accessprobe onboard` to read it and "
                                 "agree again"), (long long)ver,
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
    fprintf(stderr, prb_tr("accessprobe: cannot create %s: %s\n"),
            state_dir, strerror(errno));
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
    fprintf(stderr, "%s", prb_tr("accessprobe: out of memory\n"));
    return PRB_EXIT_INTERNAL;
  }
  size_t len = strlen(text);
  char *nl = realloc(text, len + 2);
  if(!nl) {
    free(text);
    fprintf(stderr, "%s", prb_tr("accessprobe: out of memory\n"));
    return PRB_EXIT_INTERNAL;
  }
  nl[len] = '\n';
  nl[len + 1] = '\0';
  int rc = prb_write_atomic(path, nl, len + 1, why, sizeof(why));
  free(nl);
  if(rc < 0) {
    fprintf(stderr, prb_tr("accessprobe: cannot store the answer: %s\n"),
            why);
    return PRB_EXIT_OUTPUT;
  }
  if(yes)
    fprintf(out, "%s", prb_tr("Your consent is stored. Thank you!\n"));
  else
    fprintf(out, "%s", prb_tr("No consent given: scheduled measurements "
                              "will not start.\n"));
  fprintf(out, prb_tr("(Your answer is kept in %s; run `accessprobe "
                      "onboard` again to change it.)\n"), path);
  return PRB_EXIT_OK;
}

/* Lines that fit on this terminal, or 0 when in and out are not both one
 * (nothing to page: a file or a pipe reads it all). */
static int screen_lines(FILE *in, FILE *out)
{
  if(!isatty(fileno(in)) || !isatty(fileno(out)))
    return 0;
  struct winsize ws;
  if(ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 8)
    return ws.ws_row;
  const char *l = getenv("LINES");
  int n = l ? atoi(l) : 0;
  return n >= 8 ? n : 24;
}

/* The text, one screen at a time on a small terminal: each screen ends
 * with a line asking for Enter. False when the input ended there. */
static bool show_paged(const char *text, FILE *in, FILE *out)
{
  int rows = screen_lines(in, out);
  /* A screen: the previous prompt line, rows - 2 of text, this prompt. */
  int page = rows - 2, shown = 0;
  for(const char *p = text; *p;) {
    size_t n = strcspn(p, "\n");
    if(rows && shown == page) {
      fprintf(out, "%s", prb_tr("-- Enter: more --"));
      fflush(out);
      char line[64];
      if(!fgets(line, sizeof(line), in)) {
        fputc('\n', out);
        return false;
      }
      shown = 0;
    }
    fprintf(out, "%.*s\n", (int)n, p);
    shown++;
    p += n + (p[n] == '\n');
  }
  return true;
}

/* Asks until a clear yes or no; UNCLEAR when the input ended first or
 * after MAX_ASKS unclear answers. */
static enum prb_answer ask(const struct text *t, FILE *in, FILE *out)
{
  for(int i = 0; i < MAX_ASKS; i++) {
    if(i)
      fprintf(out, "%s", prb_tr("Please answer \"yes\" or \"no\".\n"));
    fprintf(out, "%s", t->prompt);
    fflush(out);
    char line[128];
    if(!fgets(line, sizeof(line), in)) {
      fputc('\n', out);
      return PRB_ANSWER_UNCLEAR;
    }
    if(!isatty(fileno(in)))
      fputc('\n', out);        /* a piped answer is not echoed */
    if(!strchr(line, '\n') && !feof(in)) {
      int c;                    /* a long line: the rest is no answer */
      while((c = fgetc(in)) != EOF && c != '\n')
        ;
    }
    enum prb_answer a = prb_onboard_answer(line);
    if(a != PRB_ANSWER_UNCLEAR)
      return a;
  }
  return PRB_ANSWER_UNCLEAR;
}

enum prb_exit prb_onboard_run(const char *state_dir, const char *lang,
                              bool assume_yes, FILE *in, FILE *out)
{
  const struct text *t = text_for(lang);
  prb_words_use(t->lang);
  char *whole = NULL;
  if(asprintf(&whole, "%s\n%s\n", t->body, t->question) < 0) {
    fprintf(stderr, "%s", prb_tr("accessprobe: out of memory\n"));
    return PRB_EXIT_INTERNAL;
  }
  enum prb_answer a = PRB_ANSWER_YES;
  if(assume_yes) {
    fprintf(out, "%s", whole);
    fprintf(out, "%syes (--yes)\n", t->prompt);
  } else if(!show_paged(whole, in, out))
    a = PRB_ANSWER_UNCLEAR;
  else
    a = ask(t, in, out);
  free(whole);
  if(a == PRB_ANSWER_UNCLEAR) {
    /* Neither a yes nor a no: keep whatever was stored before. */
    fprintf(stderr, "%s", prb_tr("accessprobe: no clear answer (\"yes\" or "
                                 "\"no\"); the stored answer is "
                                 "unchanged\n"));
    return PRB_EXIT_NO_CONSENT;
  }
  int rc = store(state_dir, a == PRB_ANSWER_YES, t->lang, assume_yes, out);
  if(rc != PRB_EXIT_OK)
    return rc;
  return a == PRB_ANSWER_YES ? PRB_EXIT_OK : PRB_EXIT_NO_CONSENT;
}

static int onboard_usage(void)
{
  fprintf(stderr, "%s", prb_tr("Usage: accessprobe onboard [--lang kk|ru|en] "
                               "[--yes] [--control URL]... [--collector "
                               "URL]...\n                           "
                               "[--no-control] [--state-dir DIR] [--config "
                               "FILE]\n"));
  return PRB_EXIT_USAGE;
}

enum prb_exit prb_onboard_main(int argc, char **argv)
{
  prb_words_use(prb_words_env_lang());
  /* The configuration file is the one the servers are written to. */
  const char *config = prb_config_arg(argc, argv);
  char dir[4096];
  int rc = prb_config_state_dir(&argc, argv, dir, sizeof(dir));
  if(rc >= 0)
    return rc;
  const char *lang = NULL;
  bool yes = false;
  struct prb_servers sv;
  memset(&sv, 0, sizeof(sv));
  for(int i = 1; i < argc; i++) {
    int r = prb_servers_option(&sv, argc, argv, &i);
    if(r > 0)
      continue;
    if(r < 0)
      return PRB_EXIT_USAGE;
    if(!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
      yes = true;
    else if(!strcmp(argv[i], "--lang") && i + 1 < argc)
      lang = argv[++i];
    else if(!strncmp(argv[i], "--lang=", 7))
      lang = argv[i] + 7;
    else {
      fprintf(stderr, prb_tr("accessprobe onboard: unknown argument %s\n"),
              argv[i]);
      return onboard_usage();
    }
  }
  if(lang && !prb_onboard_lang_known(lang)) {
    fprintf(stderr, "%s", prb_tr("accessprobe: --lang takes kk, ru or en\n"));
    return PRB_EXIT_USAGE;
  }
  rc = prb_onboard_run(dir, lang ? lang : prb_words_env_lang(), yes, stdin,
                       stdout);
  if(rc != PRB_EXIT_OK)
    return rc;
  return prb_servers_setup(&sv, config, !yes, stdin, stdout);
}
