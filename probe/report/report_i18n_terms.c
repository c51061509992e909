/* report_i18n_terms.c: the report's terms in en, ru, kk: Citizen Lab
 * categories and blocking methods in words, dates and months, and the
 * sentence of a report with nothing to show.
 *
 * The English category names are the "Category Description" of
 * lists/category-codes.csv (Citizen Lab's legend; tests/report checks
 * they agree); the Russian and Kazakh ones are ours, written carefully
 * but not by native speakers, to be confirmed like the rest of
 * report_i18n.c. Kazakh keeps a noun singular after a number. */
#include "report/report_i18n.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *code, *words[PRB_LANG_COUNT];
} categories[] = {
  {"ALDR", {"Alcohol & Drugs", "Алкоголь и наркотики",
            "Алкоголь және есірткі"}},
  {"REL", {"Religion", "Религия", "Дін"}},
  {"PORN", {"Pornography", "Порнография", "Порнография"}},
  {"PROV", {"Provocative Attire", "Откровенная одежда",
            "Ашық-шашық киім"}},
  {"POLR", {"Political Criticism", "Политическая критика", "Саяси сын"}},
  {"HUMR", {"Human Rights Issues", "Права человека", "Адам құқықтары"}},
  {"ENV", {"Environment", "Окружающая среда", "Қоршаған орта"}},
  {"MILX", {"Terrorism and Militants", "Терроризм и боевики",
            "Терроризм және содырлар"}},
  {"HATE", {"Hate Speech", "Язык вражды", "Өшпенділік тілі"}},
  {"NEWS", {"News Media", "Новостные СМИ", "Жаңалықтар БАҚ-ы"}},
  {"XED", {"Sex Education", "Половое просвещение", "Жыныстық ағарту"}},
  {"PUBH", {"Public Health", "Общественное здравоохранение",
            "Қоғамдық денсаулық"}},
  {"GMB", {"Gambling", "Азартные игры", "Құмар ойындар"}},
  {"ANON", {"Anonymization and circumvention tools",
            "Анонимайзеры и средства обхода блокировок",
            "Анонимдеу және бұғаттауды айналып өту құралдары"}},
  {"DATE", {"Online Dating", "Онлайн-знакомства", "Онлайн танысу"}},
  {"GRP", {"Social Networking", "Социальные сети", "Әлеуметтік желілер"}},
  {"LGBT", {"LGBT", "ЛГБТ", "ЛГБТ"}},
  {"FILE", {"File-sharing", "Файлообмен", "Файл алмасу"}},
  {"HACK", {"Hacking Tools", "Хакерские инструменты", "Хакерлік құралдар"}},
  {"COMT", {"Communication Tools", "Средства связи", "Байланыс құралдары"}},
  {"MMED", {"Media sharing", "Обмен медиафайлами", "Медиафайл алмасу"}},
  {"HOST", {"Hosting and Blogging Platforms", "Хостинг и блог-платформы",
            "Хостинг және блог платформалары"}},
  {"SRCH", {"Search Engines", "Поисковые системы", "Іздеу жүйелері"}},
  {"GAME", {"Gaming", "Онлайн-игры", "Онлайн ойындар"}},
  {"CULTR", {"Culture", "Культура", "Мәдениет"}},
  {"ECON", {"Economics", "Экономика", "Экономика"}},
  {"GOVT", {"Government", "Государственные сайты", "Мемлекеттік сайттар"}},
  {"COMM", {"E-commerce", "Электронная коммерция", "Электрондық сауда"}},
  {"CTRL", {"Control content", "Контрольный контент", "Бақылау мазмұны"}},
  {"IGO", {"Intergovernmental Organizations",
           "Межправительственные организации", "Үкіметаралық ұйымдар"}},
  {"MISC", {"Miscellaneous content", "Разное", "Әртүрлі"}},
};

const char *prb_i18n_category(enum prb_lang lang, const char *code)
{
  static const char *const none[PRB_LANG_COUNT] = {
    "no category", "без категории", "санатсыз"
  };
  if((unsigned)lang >= PRB_LANG_COUNT)
    lang = PRB_LANG_EN;
  if(!code || !code[0])
    return none[lang];
  for(size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
    if(!strcmp(categories[i].code, code))
      return categories[i].words[lang];
  return code;
}

const char *prb_i18n_method(enum prb_lang lang, enum prb_method m)
{
  static const char *const words[PRB_METHOD_COUNT][PRB_LANG_COUNT] = {
    [PRB_METHOD_NONE] = {"unknown", "не определён", "анықталмаған"},
    [PRB_METHOD_DNS] = {"DNS", "DNS", "DNS"},
    [PRB_METHOD_TCP] = {"TCP connection", "TCP-соединение",
                        "TCP қосылымы"},
    [PRB_METHOD_TLS] = {"TLS handshake", "TLS-рукопожатие",
                        "TLS қол алысуы"},
    [PRB_METHOD_HTTP] = {"HTTP response", "HTTP-ответ", "HTTP жауабы"},
  };
  if((unsigned)lang >= PRB_LANG_COUNT)
    lang = PRB_LANG_EN;
  if((unsigned)m >= PRB_METHOD_COUNT || !words[m][lang])
    m = PRB_METHOD_NONE;
  return words[m][lang];
}

/* "YYYY-MM-DD" of day into y, m, d. */
static void civil(int32_t day, int *y, int *m, int *d)
{
  char iso[16];
  prb_scan_day_str(day, iso, sizeof(iso));
  if(sscanf(iso, "%d-%d-%d", y, m, d) != 3)
    *y = *m = *d = 0;
}

void prb_i18n_date(enum prb_lang lang, int32_t day, char *out, size_t outlen)
{
  int y, m, d;
  civil(day, &y, &m, &d);
  if(lang == PRB_LANG_RU || lang == PRB_LANG_KK)
    snprintf(out, outlen, "%02d.%02d.%04d", d, m, y);
  else
    snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
}

void prb_i18n_month(enum prb_lang lang, int32_t day, char *out,
                    size_t outlen)
{
  static const char *const months[PRB_LANG_COUNT][12] = {
    {"January", "February", "March", "April", "May", "June", "July",
     "August", "September", "October", "November", "December"},
    {"январь", "февраль", "март", "апрель", "май", "июнь", "июль",
     "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
    {"қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде",
     "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"},
  };
  int y, m, d;
  civil(day, &y, &m, &d);
  if((unsigned)lang >= PRB_LANG_COUNT)
    lang = PRB_LANG_EN;
  if(m < 1 || m > 12)
    m = 1;
  if(lang == PRB_LANG_KK)
    snprintf(out, outlen, "%d ж. %s", y, months[lang][m - 1]);
  else
    snprintf(out, outlen, "%s %d", months[lang][m - 1], y);
}

void prb_i18n_no_data(enum prb_lang lang, const struct prb_rep_totals *t,
                      char *out, size_t outlen)
{
  char a[16], b[16], month[16];
  if(t->records && t->offline == t->records) {
    snprintf(out, outlen,
      lang == PRB_LANG_RU ? "Все измерения этого периода (%llu) сделаны, "
        "когда сеть самого зонда не работала: о сайтах они ничего не "
        "говорят." :
      lang == PRB_LANG_KK ? "Бұл кезеңнің барлық өлшеуі (%llu) зондтың өз "
        "желісі жұмыс істемей тұрғанда жасалған: олар сайттар туралы "
        "ештеңе айтпайды." :
      "Every measurement of this period (%llu) was made while the probe's "
      "own network was down: none says anything about the websites.",
      (unsigned long long)t->records);
    return;
  }
  if(t->data_first > t->data_last) {
    snprintf(out, outlen, "%s",
      lang == PRB_LANG_RU ? "В прочитанных файлах нет ни одного измерения." :
      lang == PRB_LANG_KK ? "Оқылған файлдарда бірде-бір өлшеу жоқ." :
      "The files read hold no measurement.");
    return;
  }
  /* records were read: the filters, or the period, left them all out */
  if(t->last_day < t->first_day ||
     (t->data_first <= t->last_day && t->data_last >= t->first_day)) {
    snprintf(out, outlen, "%s",
      lang == PRB_LANG_RU ? "Ни одно измерение этого периода не подходит "
        "под фильтры (--cc, --asn, --category)." :
      lang == PRB_LANG_KK ? "Бұл кезеңнің бірде-бір өлшеуі сүзгілерге "
        "(--cc, --asn, --category) сәйкес келмейді." :
      "No measurement of this period passes the filters (--cc, --asn, "
      "--category).");
    return;
  }
  prb_i18n_date(lang, t->data_first, a, sizeof(a));
  prb_i18n_date(lang, t->data_last, b, sizeof(b));
  prb_scan_day_str(t->data_last, month, sizeof(month));
  month[7] = '\0';                                       /* "YYYY-MM" */
  snprintf(out, outlen,
    lang == PRB_LANG_RU ? "В этом периоде измерений нет: в файлах есть "
      "измерения с %s по %s (UTC); последний месяц с данными — --month %s." :
    lang == PRB_LANG_KK ? "Бұл кезеңде өлшеу жоқ: файлдарда %s – %s (UTC) "
      "аралығындағы өлшеулер бар; деректері бар соңғы ай — --month %s." :
    "No measurement falls in this period: the files hold measurements "
    "from %s to %s (UTC); their last month is --month %s.", a, b, month);
}
