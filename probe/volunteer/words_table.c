/* words_table.c: the volunteer's sentences in Russian and Kazakh.
 *
 * T(English, Russian, Kazakh) for a sentence; N(English one, English
 * other, Russian one, few, many, Kazakh) for one with a count (Kazakh
 * keeps the noun singular after a number). Each translation keeps the
 * printf conversions of its English, in order (tests/unit/test_words.c);
 * every prb_tr() text has an entry (tests/structure/words.py).
 *
 * Written carefully, but not by native speakers: native speakers should
 * confirm the Russian and Kazakh. Words follow the consent and the
 * report: measurement = измерение / өлшеу, control = контрольный сервер
 * / бақылау сервері, collector = сборщик / жинағыш, run = запуск /
 * сеанс, down = не работает / жұмыс істемейді.
 */
#include "volunteer/words_table.h"

#define T(en, ru, kk) {en, NULL, ru, NULL, NULL, kk}
#define N(en1, en2, ru1, ru2, ru5, kk) {en1, en2, ru1, ru2, ru5, kk}

const struct prb_words_entry prb_words_table[] = {
  /* ---- verdicts, statuses, column heads -------------------------------- */
  T("ok", "доступно", "қолжетімді"),
  T("blocked", "заблокировано", "бұғатталған"),
  T("throttled", "замедлено", "баяулатылған"),
  T("down", "не работает", "жұмыс істемейді"),
  T("probe_offline", "зонд без сети", "зонд желісіз"),
  T("inconclusive", "нет заключения", "қорытынды жоқ"),
  T("unclassified", "без оценки", "бағаланбаған"),
  T("other", "прочее", "басқа"),
  T("ETA", "осталось", "қалды"),
  T("running", "идёт", "жүріп жатыр"),
  T("complete", "завершён", "аяқталды"),
  T("budget", "лимит времени", "уақыт шегі"),
  T("interrupted", "прерван", "үзілді"),
  T("disk_full", "диск заполнен", "диск толы"),
  T("failed", "ошибка", "қате"),
  T("offline", "нет сети", "желі жоқ"),
  T("recovered", "восстановлен", "қалпына келтірілді"),
  T("started (UTC)", "начат (UTC)", "басталды (UTC)"),
  T("network", "сеть", "желі"),
  T("status", "статус", "күйі"),
  T("control", "контроль", "бақылау"),
  T("sites", "сайтов", "сайттар"),
  T("yes", "да", "иә"),
  T("no", "нет", "жоқ"),
  T("none", "нет", "жоқ"),
  T("never", "никогда", "ешқашан"),

  /* ---- a run: progress and summary (progress.c) ----------------------- */
  T("%ldh%02ldm", "%ld ч %02ld мин", "%ld сағ %02ld мин"),
  T("%ldm%02lds", "%ld мин %02ld с", "%ld мин %02ld с"),
  T("%lds", "%ld с", "%ld с"),
  N("%zu site measured in %s", "%zu sites measured in %s",
    "%zu сайт измерен за %s", "%zu сайта измерено за %s",
    "%zu сайтов измерено за %s",
    "%zu сайт %s ішінде өлшенді"),
  N(" and %zu looked at again (second look)",
    " and %zu looked at again (second looks)",
    " и %zu измерен повторно", " и %zu измерено повторно",
    " и %zu измерено повторно", " және %zu қайта өлшенді"),
  T(" (%zu recorded before the run was resumed)",
    " (%zu записано до продолжения запуска)",
    " (сеанс жалғастырылғанға дейін %zu жазылған)"),
  N("; %zu input left", "; %zu inputs left",
    "; остался %zu адрес", "; осталось %zu адреса", "; осталось %zu адресов",
    "; %zu мекенжай қалды"),
  T("; records in %s", "; записи в %s", "; жазбалар: %s"),
  T("measured without a control: \"inconclusive\" means that this probe "
    "alone cannot tell blocking from an outage (docs/volunteers.md, \"The "
    "control\")",
    "измерено без контрольного сервера: «нет заключения» значит, что один "
    "этот зонд не может отличить блокировку от сбоя (docs/volunteers.md, "
    "«The control»)",
    "бақылау серверінсіз өлшенді: «қорытынды жоқ» бұл зонд жалғыз өзі "
    "бұғаттауды іркілістен ажырата алмайтынын білдіреді "
    "(docs/volunteers.md, «The control»)"),
  T("accessprobe: the control answered for %zu of %zu sites; the others "
    "cannot be told from an outage\n",
    "accessprobe: контрольный сервер ответил по %zu из %zu сайтов; "
    "остальные нельзя отличить от сбоя\n",
    "accessprobe: бақылау сервері %zu сайттың (барлығы %zu) бойынша жауап "
    "берді; қалғандарын іркілістен ажырату мүмкін емес\n"),
  T("this run measures without a control (a server outside the country "
    "that fetches each site too): a site that fails here cannot be told "
    "from a site that is down everywhere, so most sites that do not open "
    "will be \"inconclusive\", and blocking is named only when it leaves a "
    "signature (a block page, a forged DNS answer, an interception "
    "certificate). Ask your monitoring organisation for a control address: "
    "docs/volunteers.md, \"The control\".",
    "этот запуск измеряет без контрольного сервера (сервера за пределами "
    "страны, который тоже открывает каждый сайт): сайт, который не "
    "открывается здесь, нельзя отличить от сайта, который не работает "
    "нигде, поэтому у большинства неоткрывающихся сайтов будет «нет "
    "заключения», а блокировка называется, только если оставляет "
    "сигнатуру (страница блокировки, поддельный ответ DNS, сертификат "
    "перехвата). Попросите у организации мониторинга адрес контрольного "
    "сервера: docs/volunteers.md, «The control».",
    "бұл сеанс бақылау серверінсіз өлшейді (әр сайтты өзі де ашатын, елден "
    "тыс жердегі сервер): мұнда ашылмаған сайтты еш жерде жұмыс істемейтін "
    "сайттан ажырату мүмкін емес, сондықтан ашылмайтын сайттардың "
    "көбінде «қорытынды жоқ» болады, ал бұғаттау тек сигнатура қалдырса "
    "ғана аталады (бұғаттау беті, жалған DNS жауабы, ұстап алу "
    "сертификаты). Мониторинг ұйымынан бақылау серверінің мекенжайын "
    "сұраңыз: docs/volunteers.md, «The control»."),

  /* ---- the run's own messages (engine/run.c, through the hook) -------- */
  T("at most %zu measurements in flight: the open-file limit is %llu "
    "(raise it with ulimit -n for more)",
    "одновременно не больше %zu измерений: лимит открытых файлов %llu "
    "(увеличьте его командой ulimit -n)",
    "бір уақытта %zu өлшеуден аспайды: ашық файлдар шегі %llu (көбейту "
    "үшін ulimit -n)"),
  T("out of memory writing the record of %s",
    "не хватает памяти для записи результата %s",
    "%s жазбасын жазуға жады жетпеді"),
  T("the probe's own network went down during the run (no canary host "
    "answers); stopping",
    "сеть самого зонда пропала во время запуска (ни один хост-канарейка не "
    "отвечает); остановка",
    "сеанс кезінде зондтың өз желісі үзілді (бірде-бір canary хост жауап "
    "бермейді); тоқтатылды"),
  T("out of memory", "не хватает памяти", "жады жетпеді"),
  T("cannot write %s: %s; stopped with %zu complete records kept, %zu "
    "inputs not measured",
    "не удаётся записать %s: %s; остановлено, сохранено полных записей: "
    "%zu, не измерено адресов: %zu",
    "%s жазу мүмкін емес: %s; тоқтатылды, %zu толық жазба сақталды, %zu "
    "мекенжай өлшенбеді"),
  T("stopped by signal %d: %zu complete records kept in %s; %zu "
    "measurements in flight discarded, %zu not started",
    "остановлено сигналом %d: полных записей сохранено: %zu в %s; "
    "незавершённых измерений отброшено: %zu, не начато: %zu",
    "%d сигналымен тоқтатылды: %zu толық жазба %s ішінде сақталды; "
    "аяқталмаған %zu өлшеу тасталды, %zu басталмады"),
  T("%zu complete records kept in %s (those measured while offline say "
    "probe_offline); %zu inputs not measured",
    "полных записей сохранено: %zu в %s (измеренные без сети помечены "
    "probe_offline); не измерено адресов: %zu",
    "%zu толық жазба %s ішінде сақталды (желісіз өлшенгендерінде "
    "probe_offline деп тұр); %zu мекенжай өлшенбеді"),
  T("time budget of %.0f s reached: %zu complete records kept in %s; %zu "
    "inputs left for the next run",
    "лимит времени %.0f с исчерпан: полных записей сохранено: %zu в %s; "
    "адресов оставлено на следующий запуск: %zu",
    "%.0f с уақыт шегіне жетті: %zu толық жазба %s ішінде сақталды; %zu "
    "мекенжай келесі сеансқа қалды"),
  T("records written: %zu, in %.1f s (%.1f/s), to %s",
    "записей сделано: %zu, за %.1f с (%.1f/с), в %s",
    "жазылған жазбалар: %zu, %.1f с ішінде (%.1f/с), %s ішіне"),
  T("the control %s could not be reached for %zu of %zu measurements (%s: "
    "%s): without it no site was called blocked or down unless a "
    "fingerprint or the SNI test confirmed it, and pages fetched over valid "
    "https say ok, unconfirmed. A blocked control is itself a finding: "
    "please report it.",
    "контрольный сервер %s был недоступен для %zu из %zu измерений (%s: "
    "%s): без него ни один сайт не назван заблокированным или неработающим, "
    "если это не подтвердил отпечаток или тест SNI, а страницы, полученные "
    "по действительному https, доступны без подтверждения. Заблокированный "
    "контрольный сервер сам по себе находка: сообщите о нём, пожалуйста.",
    "бақылау сервері %s %zu / %zu өлшеу үшін қолжетімсіз болды (%s: %s): "
    "онсыз ешбір сайт бұғатталған не жұмыс істемейді деп аталмады, егер "
    "мұны белгі немесе SNI сынағы растамаса, ал жарамды https арқылы "
    "алынған беттер расталмаған түрде қолжетімді. Бұғатталған бақылау "
    "серверінің өзі маңызды дерек: ол туралы хабарлаңыз."),
  T("second looks at %zu unconfirmed blocked or down verdicts: %zu agree "
    "with the first",
    "повторные измерения %zu неподтверждённых вердиктов «заблокировано» "
    "или «не работает»: %zu совпадают с первым",
    "расталмаған «бұғатталған» не «жұмыс істемейді» %zu қорытындысы қайта "
    "өлшенді: %zu біріншісімен сәйкес"),
  T("%zu second looks not taken (time budget or stop): their first "
    "verdicts stand alone",
    "повторные измерения не сделаны: %zu (лимит времени или остановка): "
    "их первые вердикты остаются без подтверждения",
    "%zu қайта өлшеу жасалмады (уақыт шегі не тоқтату): олардың алғашқы "
    "қорытындылары расталмаған күйде қалады"),
  T("of them second looks: %zu", "из них повторных измерений: %zu",
    "оның ішінде қайта өлшеулер: %zu"),
  T("the probe's own network is unavailable: none of the %zu canary hosts "
    "in %s could be reached. Nothing was measured, and no site is reported "
    "as blocked. Check the connection and run again.",
    "сеть самого зонда недоступна: ни один из %zu хостов-канареек из %s не "
    "ответил. Ничего не измерено, и ни один сайт не назван "
    "заблокированным. Проверьте подключение и запустите снова.",
    "зондтың өз желісі қолжетімсіз: %zu canary хосттың (%s) бірде-біріне "
    "қосылу мүмкін болмады. Ештеңе өлшенбеді, ешбір сайт бұғатталған деп "
    "аталмады. Қосылымды тексеріп, қайта іске қосыңыз."),
  T("cannot write the results: %s", "не удаётся записать результаты: %s",
    "нәтижелерді жазу мүмкін емес: %s"),

  /* ---- run: options and errors (run_cmd.c, run_state.c) -------------- */
  T("accessprobe run: %s needs a value (accessprobe run --help)\n",
    "accessprobe run: %s требует значения (accessprobe run --help)\n",
    "accessprobe run: %s мәнді қажет етеді (accessprobe run --help)\n"),
  T("accessprobe run: unknown option %s; did you mean --%s? (accessprobe "
    "run --help)\n",
    "accessprobe run: неизвестный параметр %s; может быть, --%s? "
    "(accessprobe run --help)\n",
    "accessprobe run: белгісіз параметр %s; --%s деп жазбақ болдыңыз ба? "
    "(accessprobe run --help)\n"),
  T("accessprobe run: unknown option %s (accessprobe run --help)\n",
    "accessprobe run: неизвестный параметр %s (accessprobe run --help)\n",
    "accessprobe run: белгісіз параметр %s (accessprobe run --help)\n"),
  T("accessprobe: too many -i; use -f FILE\n",
    "accessprobe: слишком много -i; используйте -f ФАЙЛ\n",
    "accessprobe: -i тым көп; -f ФАЙЛ қолданыңыз\n"),
  T("accessprobe: too many -f\n", "accessprobe: слишком много -f\n",
    "accessprobe: -f тым көп\n"),
  T("accessprobe: --parallel takes 1 to %d\n",
    "accessprobe: --parallel принимает число от 1 до %d\n",
    "accessprobe: --parallel 1-ден %d-ге дейінгі санды қабылдайды\n"),
  T("accessprobe: at most %d --resolver\n",
    "accessprobe: не больше %d --resolver\n",
    "accessprobe: --resolver %d-ден аспауы керек\n"),
  T("accessprobe: --probe-asn takes AS1234 or 1234\n",
    "accessprobe: --probe-asn принимает AS1234 или 1234\n",
    "accessprobe: --probe-asn AS1234 не 1234 түрінде беріледі\n"),
  T("accessprobe: --probe-cc takes a two-letter upper-case country code, "
    "e.g. KZ\n",
    "accessprobe: --probe-cc принимает двухбуквенный код страны заглавными "
    "буквами, например KZ\n",
    "accessprobe: --probe-cc бас әріппен жазылған екі әріпті ел кодын "
    "қабылдайды, мысалы KZ\n"),
  T("accessprobe: --probe-network-name takes UTF-8 text of at most %d bytes "
    "(this one has %zu%s)\n",
    "accessprobe: --probe-network-name принимает текст UTF-8 не длиннее %d "
    "байт (здесь %zu%s)\n",
    "accessprobe: --probe-network-name ұзындығы %d байттан аспайтын UTF-8 "
    "мәтінін қабылдайды (мұнда %zu%s)\n"),
  T("accessprobe: --step-timeout takes 100 to 300000 milliseconds\n",
    "accessprobe: --step-timeout принимает от 100 до 300000 миллисекунд\n",
    "accessprobe: --step-timeout 100-ден 300000 миллисекундқа дейін\n"),
  T("accessprobe: at most %d --control\n",
    "accessprobe: не больше %d --control\n",
    "accessprobe: --control %d-ден аспауы керек\n"),
  T("accessprobe: --control %s\n", "accessprobe: --control %s\n",
    "accessprobe: --control %s\n"),
  T("accessprobe: --max-runtime takes 1 to 604800 seconds\n",
    "accessprobe: --max-runtime принимает от 1 до 604800 секунд\n",
    "accessprobe: --max-runtime 1-ден 604800 секундқа дейін\n"),
  T("accessprobe: --second-look-pause takes 0 to 86400 seconds\n",
    "accessprobe: --second-look-pause принимает от 0 до 86400 секунд\n",
    "accessprobe: --second-look-pause 0-ден 86400 секундқа дейін\n"),
  T("accessprobe: --log-format takes text or json\n",
    "accessprobe: --log-format принимает text или json\n",
    "accessprobe: --log-format text не json қабылдайды\n"),
  T("accessprobe: too many URLs; use -f FILE\n",
    "accessprobe: слишком много адресов; используйте -f ФАЙЛ\n",
    "accessprobe: URL тым көп; -f ФАЙЛ қолданыңыз\n"),
  T("accessprobe: -o cannot be combined with --scheduled or --state-dir: "
    "the state folder names its own files\n",
    "accessprobe: -o нельзя сочетать с --scheduled или --state-dir: папка "
    "состояния сама называет свои файлы\n",
    "accessprobe: -o параметрін --scheduled не --state-dir параметрімен "
    "бірге қолдануға болмайды: күй қалтасы өз файлдарын өзі атайды\n"),
  T("  second look", "  повторное измерение", "  қайта өлшеу"),
  N("%zu site found blocked without confirmation, or down, was measured a "
    "second time (\"second look\"); the counts are of first "
    "measurements.\n",
    "%zu sites found blocked without confirmation, or down, were measured "
    "a second time (\"second look\"); the counts are of first "
    "measurements.\n",
    "%zu сайт, заблокированный без подтверждения или не работавший, "
    "измерен повторно («повторное измерение»); счёт идёт по первым "
    "измерениям.\n",
    "%zu сайта, заблокированные без подтверждения или не работавшие, "
    "измерены повторно («повторное измерение»); счёт идёт по первым "
    "измерениям.\n",
    "%zu сайтов, заблокированных без подтверждения или не работавших, "
    "измерены повторно («повторное измерение»); счёт идёт по первым "
    "измерениям.\n",
    "расталмай бұғатталған не жұмыс істемеген %zu сайт қайта өлшенді "
    "(«қайта өлшеу»); есеп алғашқы өлшеулер бойынша.\n"),
  N("The control could not be reached for %zu measurement (%s): a blocked "
    "control is itself a finding. Without it, only a fingerprint or the SNI "
    "test says blocked.\n",
    "The control could not be reached for %zu measurements (%s): a blocked "
    "control is itself a finding. Without it, only a fingerprint or the SNI "
    "test says blocked.\n",
    "Контрольный сервер был недоступен для %zu измерения (%s): "
    "заблокированный контрольный сервер сам по себе находка. Без него "
    "блокировку называет только отпечаток или тест SNI.\n",
    "Контрольный сервер был недоступен для %zu измерений (%s): "
    "заблокированный контрольный сервер сам по себе находка. Без него "
    "блокировку называет только отпечаток или тест SNI.\n",
    "Контрольный сервер был недоступен для %zu измерений (%s): "
    "заблокированный контрольный сервер сам по себе находка. Без него "
    "блокировку называет только отпечаток или тест SNI.\n",
    "Бақылау сервері %zu өлшеу үшін қолжетімсіз болды (%s): бұғатталған "
    "бақылау серверінің өзі маңызды дерек. Онсыз бұғаттауды тек белгі не "
    "SNI сынағы айтады.\n"),
  N("     (the control was unreachable for %zu measurement: %s)\n",
    "     (the control was unreachable for %zu measurements: %s)\n",
    "     (контрольный сервер был недоступен для %zu измерения: %s)\n",
    "     (контрольный сервер был недоступен для %zu измерений: %s)\n",
    "     (контрольный сервер был недоступен для %zu измерений: %s)\n",
    "     (бақылау сервері %zu өлшеу үшін қолжетімсіз болды: %s)\n"),
  T("accessprobe: --resume needs a file, not standard output\n",
    "accessprobe: для --resume нужен файл, а не стандартный вывод\n",
    "accessprobe: --resume үшін стандартты шығыс емес, файл керек\n"),
  T("accessprobe: no input given and the default list lists/kz-media.csv "
    "was not found\n",
    "accessprobe: адреса не заданы, а список по умолчанию "
    "lists/kz-media.csv не найден\n",
    "accessprobe: мекенжайлар берілмеген, ал әдепкі lists/kz-media.csv "
    "тізімі табылмады\n"),
  T("accessprobe: no valid URL to measure\n",
    "accessprobe: нет ни одного правильного адреса для измерения\n",
    "accessprobe: өлшеуге жарамды бірде-бір URL жоқ\n"),
  T("accessprobe: the disk holding %s is full: measuring stopped; every "
    "complete record is kept and the unfinished one was removed. Free some "
    "space (or lower the retention limits) and run again: the run resumes "
    "where it stopped.\n",
    "accessprobe: диск с %s заполнен: измерение остановлено; все полные "
    "записи сохранены, незавершённая удалена. Освободите место (или "
    "уменьшите лимиты хранения) и запустите снова: запуск продолжится с "
    "того места, где остановился.\n",
    "accessprobe: %s орналасқан диск толы: өлшеу тоқтатылды; барлық толық "
    "жазба сақталды, аяқталмағаны жойылды. Орын босатыңыз (не сақтау "
    "шектерін азайтыңыз) да, қайта іске қосыңыз: сеанс тоқтаған жерінен "
    "жалғасады.\n"),
  T("accessprobe: another accessprobe run (process %ld) is already writing "
    "to %s; only one run at a time may use a folder. Exiting.\n",
    "accessprobe: другой запуск accessprobe (процесс %ld) уже пишет в %s; "
    "одной папкой может пользоваться только один запуск. Выход.\n",
    "accessprobe: басқа accessprobe сеансы (%ld процесі) %s ішіне жазып "
    "жатыр; бір қалтаны бір уақытта тек бір сеанс қолдана алады. "
    "Шығу.\n"),
  T("accessprobe: another accessprobe run is already writing to %s; only "
    "one run at a time may use a folder. Exiting.\n",
    "accessprobe: другой запуск accessprobe уже пишет в %s; одной папкой "
    "может пользоваться только один запуск. Выход.\n",
    "accessprobe: басқа accessprobe сеансы %s ішіне жазып жатыр; бір "
    "қалтаны бір уақытта тек бір сеанс қолдана алады. Шығу.\n"),
  T("accessprobe: cannot resume: %s\n",
    "accessprobe: не удаётся продолжить: %s\n",
    "accessprobe: жалғастыру мүмкін емес: %s\n"),
  T("accessprobe: %s ended in an unfinished record (%zu bytes): moved aside "
    "to %s.partial\n",
    "accessprobe: %s заканчивался незавершённой записью (%zu байт): она "
    "перенесена в %s.partial\n",
    "accessprobe: %s аяқталмаған жазбамен бітті (%zu байт): ол %s.partial "
    "файлына көшірілді\n"),
  T("accessprobe: %s: %zu lines are not records; left in place, their "
    "inputs are measured again\n",
    "accessprobe: %s: строк, не являющихся записями: %zu; они оставлены на "
    "месте, их адреса будут измерены снова\n",
    "accessprobe: %s: %zu жол жазба емес; олар орнында қалды, "
    "мекенжайлары қайта өлшенеді\n"),
  T("accessprobe: resuming %s: %zu records kept, %ld inputs already "
    "measured, %zu to go\n",
    "accessprobe: продолжение %s: записей сохранено: %zu, адресов уже "
    "измерено: %ld, осталось: %zu\n",
    "accessprobe: %s жалғастырылуда: %zu жазба сақталды, %ld мекенжай "
    "өлшеніп қойған, %zu қалды\n"),
  N("accessprobe: and %zu second look owed by the interrupted run\n",
    "accessprobe: and %zu second looks owed by the interrupted run\n",
    "accessprobe: и %zu повторное измерение, которое прерванный запуск "
    "не успел\n",
    "accessprobe: и %zu повторных измерения, которые прерванный запуск "
    "не успел\n",
    "accessprobe: и %zu повторных измерений, которые прерванный запуск "
    "не успел\n",
    "accessprobe: және үзілген сеанс үлгермеген %zu қайта өлшеу\n"),
  T("accessprobe: --resume needs -o FILE or a state folder (--state-dir)\n",
    "accessprobe: для --resume нужен -o ФАЙЛ или папка состояния "
    "(--state-dir)\n",
    "accessprobe: --resume үшін -o ФАЙЛ не күй қалтасы (--state-dir) "
    "керек\n"),
  T("accessprobe: every input already has a record in %s\n",
    "accessprobe: для всех адресов уже есть записи в %s\n",
    "accessprobe: барлық мекенжайдың жазбасы %s ішінде бар\n"),
  T("accessprobe: the configuration is not usable; fix it (see "
    "docs/config.md): nothing was measured\n",
    "accessprobe: конфигурацию нельзя использовать; исправьте её (см. "
    "docs/config.md): ничего не измерено\n",
    "accessprobe: конфигурацияны қолдану мүмкін емес; оны түзетіңіз "
    "(docs/config.md қараңыз): ештеңе өлшенбеді\n"),
  T("accessprobe: cannot initialise libcurl or c-ares\n",
    "accessprobe: не удаётся инициализировать libcurl или c-ares\n",
    "accessprobe: libcurl не c-ares іске қосылмады\n"),
  T("accessprobe: WARNING: %zu runs in a row measured nothing (offline); the "
    "last run that measured was %s\n",
    "accessprobe: ВНИМАНИЕ: запусков подряд без измерений (нет сети): %zu; "
    "последний запуск с измерениями: %s\n",
    "accessprobe: НАЗАР АУДАРЫҢЫЗ: қатарынан %zu сеанс ештеңе өлшемеді "
    "(желі жоқ); соңғы өлшеген сеанс: %s\n"),
  T("accessprobe: this machine's resolver is %s (in /etc/resolv.conf), on "
    "this machine: the scheduled service may not reach it unless "
    "scripts/install-schedule allowed it; run `sudo "
    "scripts/install-schedule` again (see docs/volunteers.md)\n",
    "accessprobe: DNS-резолвер этой машины — %s (в /etc/resolv.conf), на "
    "ней же: служба по расписанию не может к нему обращаться, если "
    "scripts/install-schedule этого не разрешил; запустите `sudo "
    "scripts/install-schedule` снова (см. docs/volunteers.md)\n",
    "accessprobe: бұл машинаның DNS резолвері %s (/etc/resolv.conf ішінде), "
    "осы машинаның өзінде: scripts/install-schedule рұқсат бермесе, кесте "
    "қызметі оған жете алмайды; `sudo scripts/install-schedule` қайта іске "
    "қосыңыз (docs/volunteers.md қараңыз)\n"),
  T("accessprobe: cannot update the run index: %s\n",
    "accessprobe: не удаётся обновить список запусков: %s\n",
    "accessprobe: сеанстар тізімін жаңарту мүмкін емес: %s\n"),
  T("accessprobe: no state folder: give --state-dir DIR\n",
    "accessprobe: нет папки состояния: укажите --state-dir ПАПКА\n",
    "accessprobe: күй қалтасы жоқ: --state-dir ҚАЛТА беріңіз\n"),
  T("accessprobe: not measuring: %s\n", "accessprobe: измерения нет: %s\n",
    "accessprobe: өлшенбейді: %s\n"),
  T("accessprobe: not measuring: this computer's clock is wrong (it says "
    "before 2025), so every TLS check would fail; wait for the time to be "
    "synchronised (NTP) and run again\n",
    "accessprobe: измерения нет: часы этого компьютера неверны (показывают "
    "время до 2025 года), и все проверки TLS провалились бы; дождитесь "
    "синхронизации времени (NTP) и запустите снова\n",
    "accessprobe: өлшенбейді: бұл компьютердің сағаты қате (2025 жылдан "
    "бұрынғы уақытты көрсетеді), сондықтан TLS тексерулерінің бәрі сәтсіз "
    "болар еді; уақыт синхрондалғанын (NTP) күтіп, қайта іске қосыңыз\n"),
  T("accessprobe: run %s was already complete\n",
    "accessprobe: запуск %s уже был завершён\n",
    "accessprobe: %s сеансы аяқталып қойған\n"),
  T("accessprobe: nothing to resume in %s; starting a new run\n",
    "accessprobe: в %s нечего продолжать; начинается новый запуск\n",
    "accessprobe: %s ішінде жалғастыратын ештеңе жоқ; жаңа сеанс "
    "басталды\n"),
  T("accessprobe: the disk holding %s is full (less than 1 MiB free): not "
    "measuring. Free some space or lower the retention limits in the "
    "configuration.\n",
    "accessprobe: диск с %s заполнен (свободно меньше 1 МиБ): измерения "
    "нет. Освободите место или уменьшите лимиты хранения в конфигурации.\n",
    "accessprobe: %s орналасқан диск толы (1 МиБ-тан аз бос орын): "
    "өлшенбейді. Орын босатыңыз не конфигурацияда сақтау шектерін "
    "азайтыңыз.\n"),

  /* ---- results (results_cmd.c) ------------------------------------------ */
  T("accessprobe: cannot read %s: %s\n",
    "accessprobe: не удаётся прочитать %s: %s\n",
    "accessprobe: %s оқу мүмкін емес: %s\n"),
  T("accessprobe: the scheduled runs' results belong to the accessprobe "
    "group; add yourself with `sudo adduser $USER accessprobe`, then log in "
    "again\n",
    "accessprobe: результаты запусков по расписанию принадлежат группе "
    "accessprobe; добавьте себя в неё командой `sudo adduser $USER "
    "accessprobe` и войдите в систему заново\n",
    "accessprobe: кесте бойынша сеанстардың нәтижелері accessprobe тобына "
    "тиесілі; өзіңізді `sudo adduser $USER accessprobe` арқылы қосып, "
    "жүйеге қайта кіріңіз\n"),
  N("!! OFFLINE: the last %zu run measured nothing: no canary host "
    "answered\n",
    "!! OFFLINE: the last %zu runs measured nothing: no canary host "
    "answered\n",
    "!! НЕТ СЕТИ: последний %zu запуск ничего не измерил: ни один "
    "хост-канарейка не ответил\n",
    "!! НЕТ СЕТИ: последние %zu запуска ничего не измерили: ни один "
    "хост-канарейка не ответил\n",
    "!! НЕТ СЕТИ: последние %zu запусков ничего не измерили: ни один "
    "хост-канарейка не ответил\n",
    "!! ЖЕЛІ ЖОҚ: соңғы %zu сеанс ештеңе өлшемеді: бірде-бір canary хост "
    "жауап бермеді\n"),
  T("!! (last run that measured: %s).\n!! If this computer is online, its "
    "resolver may be blocked for the service: a resolver on\n!! 127.0.0.1 "
    "or ::1 (dnsmasq, unbound, Pi-hole) needs `sudo "
    "scripts/install-schedule`\n!! again; see `journalctl -u accessprobe` "
    "and docs/volunteers.md.\n\n",
    "!! (последний запуск с измерениями: %s).\n!! Если компьютер в сети, "
    "службе может быть закрыт доступ к DNS-резолверу: резолверу\n!! на "
    "127.0.0.1 или ::1 (dnsmasq, unbound, Pi-hole) нужен повторный `sudo "
    "scripts/install-schedule`;\n!! см. `journalctl -u accessprobe` и "
    "docs/volunteers.md.\n\n",
    "!! (соңғы өлшеген сеанс: %s).\n!! Компьютер желіде болса, қызметке "
    "DNS резолверіне жол жабық болуы мүмкін: 127.0.0.1\n!! не ::1 "
    "мекенжайындағы резолверге (dnsmasq, unbound, Pi-hole) `sudo "
    "scripts/install-schedule`\n!! қайта керек; `journalctl -u "
    "accessprobe` және docs/volunteers.md қараңыз.\n\n"),
  N("     (%zu input was left unmeasured)\n",
    "     (%zu inputs were left unmeasured)\n",
    "     (не измерен %zu адрес)\n", "     (не измерено %zu адреса)\n",
    "     (не измерено %zu адресов)\n",
    "     (%zu мекенжай өлшенбей қалды)\n"),
  T("Runs without a control (\"no\" above) cannot tell blocking from an "
    "outage: most sites that did not open are \"other\" (inconclusive). Ask "
    "your monitoring organisation for a control: docs/volunteers.md.\n",
    "Запуски без контрольного сервера («нет» выше) не могут отличить "
    "блокировку от сбоя: большинство неоткрывшихся сайтов попадают в "
    "«прочее» (нет заключения). Попросите у организации мониторинга "
    "контрольный сервер: docs/volunteers.md.\n",
    "Бақылау серверінсіз сеанстар (жоғарыда «жоқ») бұғаттауды іркілістен "
    "ажырата алмайды: ашылмаған сайттардың көбі «басқа» бағанында "
    "(қорытынды жоқ). Мониторинг ұйымынан бақылау серверін сұраңыз: "
    "docs/volunteers.md.\n"),
  T("`accessprobe results show N` prints the verdict for each site of run "
    "N.\n",
    "`accessprobe results show N` показывает заключение по каждому сайту "
    "запуска N.\n",
    "`accessprobe results show N` N сеансындағы әр сайттың қорытындысын "
    "көрсетеді.\n"),
  T("No runs yet in %s.\n", "В %s пока нет запусков.\n",
    "%s ішінде әзірге сеанс жоқ.\n"),
  N("accessprobe: there is no run %s in %s: it holds %zu run (`accessprobe "
    "results` lists it)\n",
    "accessprobe: there is no run %s in %s: it holds %zu runs (`accessprobe "
    "results` lists them)\n",
    "accessprobe: запуска %s в %s нет: там %zu запуск (`accessprobe "
    "results` покажет его)\n",
    "accessprobe: запуска %s в %s нет: там %zu запуска (`accessprobe "
    "results` покажет их)\n",
    "accessprobe: запуска %s в %s нет: там %zu запусков (`accessprobe "
    "results` покажет их)\n",
    "accessprobe: %s сеансы %s ішінде жоқ: онда %zu сеанс бар "
    "(`accessprobe results` оларды көрсетеді)\n"),
  T("accessprobe: no run %s in %s; `accessprobe results` lists them\n",
    "accessprobe: запуска %s в %s нет; `accessprobe results` покажет "
    "все запуски\n",
    "accessprobe: %s сеансы %s ішінде жоқ; `accessprobe results` барлық "
    "сеанстарды көрсетеді\n"),
  T("accessprobe: run %s has no results file\n",
    "accessprobe: у запуска %s нет файла результатов\n",
    "accessprobe: %s сеансының нәтижелер файлы жоқ\n"),
  T("Run %s (%s): no records (%s).\n", "Запуск %s (%s): записей нет (%s).\n",
    "%s сеансы (%s): жазба жоқ (%s).\n"),
  T("Run %s\nstarted %s, network %s, %s\n\n",
    "Запуск %s\nначат %s, сеть %s, %s\n\n",
    "%s сеансы\nбасталды: %s, желі: %s, %s\n\n"),
  N("%zu input was left unmeasured.\n", "%zu inputs were left unmeasured.\n",
    "Не измерен %zu адрес.\n", "Не измерено %zu адреса.\n",
    "Не измерено %zu адресов.\n", "%zu мекенжай өлшенбей қалды.\n"),
  T("This run measured without a control: a site that failed here cannot "
    "be told from a site that is down everywhere, so those are "
    "\"inconclusive\"; blocking is named only when it leaves a signature (a "
    "block page, a forged DNS answer, an interception certificate). See "
    "docs/volunteers.md, \"The control\".\n",
    "Этот запуск измерял без контрольного сервера: сайт, не открывшийся "
    "здесь, нельзя отличить от сайта, который не работает нигде, поэтому "
    "у таких «нет заключения»; блокировка называется, только если "
    "оставляет сигнатуру (страница блокировки, поддельный ответ DNS, "
    "сертификат перехвата). См. docs/volunteers.md, «The control».\n",
    "Бұл сеанс бақылау серверінсіз өлшеді: мұнда ашылмаған сайтты еш "
    "жерде жұмыс істемейтін сайттан ажырату мүмкін емес, сондықтан "
    "оларда «қорытынды жоқ»; бұғаттау тек сигнатура қалдырса ғана аталады "
    "(бұғаттау беті, жалған DNS жауабы, ұстап алу сертификаты). "
    "docs/volunteers.md, «The control» қараңыз.\n"),
  T("The control answered for %zu of %zu sites; the others cannot be told "
    "from an outage.\n",
    "Контрольный сервер ответил по %zu из %zu сайтов; остальные нельзя "
    "отличить от сбоя.\n",
    "Бақылау сервері %zu сайттың (барлығы %zu) бойынша жауап берді; "
    "қалғандарын іркілістен ажырату мүмкін емес.\n"),
  T("accessprobe results: unknown argument %s; did you mean %s?\n",
    "accessprobe results: неизвестный аргумент %s; может быть, %s?\n",
    "accessprobe results: белгісіз аргумент %s; %s деп жазбақ "
    "болдыңыз ба?\n"),
  T("accessprobe results: unknown argument %s\n",
    "accessprobe results: неизвестный аргумент %s\n",
    "accessprobe results: белгісіз аргумент %s\n"),
  T("accessprobe results: show needs a run: N, latest or a run id\n",
    "accessprobe results: после show укажите запуск: N, latest или "
    "идентификатор запуска\n",
    "accessprobe results: show кейін сеансты көрсетіңіз: N, latest не "
    "сеанс идентификаторы\n"),
  T("Usage: accessprobe results [--json]\n       accessprobe results show "
    "RUN   (N, latest, or a run id)\n",
    "Использование: accessprobe results [--json]\n       accessprobe "
    "results show ЗАПУСК   (N, latest или идентификатор запуска)\n",
    "Қолданылуы: accessprobe results [--json]\n       accessprobe results "
    "show СЕАНС   (N, latest не сеанс идентификаторы)\n"),
  T("No runs yet: %s does not exist.\n",
    "Запусков пока нет: %s не существует.\n",
    "Әзірге сеанс жоқ: %s жоқ.\n"),

  /* ---- onboard: consent (onboard.c) ----------------------------------- */
  T("%s: name too long", "%s: слишком длинное имя", "%s: атауы тым ұзын"),
  T("no consent recorded (%s is missing): scheduled runs need the "
    "volunteer's informed consent; run `accessprobe onboard --state-dir %s` "
    "to read about the risks and agree",
    "согласие не записано (нет %s): запускам по расписанию нужно "
    "информированное согласие волонтёра; запустите `accessprobe onboard "
    "--state-dir %s`, чтобы прочитать о рисках и согласиться",
    "келісім жазылмаған (%s жоқ): кесте бойынша сеанстарға еріктінің "
    "ақпараттандырылған келісімі керек; тәуекелдер туралы оқып, келісу "
    "үшін `accessprobe onboard --state-dir %s` іске қосыңыз"),
  T("%s:%d: %s; the consent cannot be read, so no scheduled run starts: fix "
    "the file or run `accessprobe onboard` again",
    "%s:%d: %s; согласие не читается, поэтому запуски по расписанию не "
    "начнутся: исправьте файл или снова запустите `accessprobe onboard`",
    "%s:%d: %s; келісім оқылмайды, сондықтан кесте бойынша сеанстар "
    "басталмайды: файлды түзетіңіз не `accessprobe onboard` қайта іске "
    "қосыңыз"),
  T("%s: no \"consent\": true or false; run `accessprobe onboard` again",
    "%s: нет \"consent\": true или false; снова запустите `accessprobe "
    "onboard`",
    "%s: \"consent\": true не false жоқ; `accessprobe onboard` қайта іске "
    "қосыңыз"),
  T("the volunteer declined (%s); run `accessprobe onboard` to change the "
    "answer",
    "волонтёр отказался (%s); чтобы изменить ответ, запустите "
    "`accessprobe onboard`",
    "ерікті бас тартты (%s); жауапты өзгерту үшін `accessprobe onboard` "
    "іске қосыңыз"),
  T("consent was given to an older text (version %lld, now %d) about the "
    "risks; run `accessprobe onboard` to read it and agree again",
    "согласие было дано на более старый текст о рисках (версия %lld, "
    "сейчас %d); запустите `accessprobe onboard`, чтобы прочитать его и "
    "согласиться снова",
    "келісім тәуекелдер туралы ескі мәтінге берілген (%lld нұсқасы, қазір "
    "%d); оны оқып, қайта келісу үшін `accessprobe onboard` іске қосыңыз"),
  T("accessprobe: cannot create %s: %s\n",
    "accessprobe: не удаётся создать %s: %s\n",
    "accessprobe: %s жасау мүмкін емес: %s\n"),
  T("accessprobe: out of memory\n", "accessprobe: не хватает памяти\n",
    "accessprobe: жады жетпеді\n"),
  T("accessprobe: cannot store the answer: %s\n",
    "accessprobe: не удаётся сохранить ответ: %s\n",
    "accessprobe: жауапты сақтау мүмкін емес: %s\n"),
  T("Your consent is stored. Thank you!\n",
    "Согласие сохранено. Спасибо!\n",
    "Келісіміңіз сақталды. Рақмет!\n"),
  T("No consent given: scheduled measurements will not start.\n",
    "Согласие не дано: измерения по расписанию не начнутся.\n",
    "Келісім берілмеді: кесте бойынша өлшеулер басталмайды.\n"),
  T("(Your answer is kept in %s; run `accessprobe onboard` again to change "
    "it.)\n",
    "(Ответ хранится в %s; чтобы изменить его, снова запустите "
    "`accessprobe onboard`.)\n",
    "(Жауабыңыз %s ішінде сақталады; оны өзгерту үшін `accessprobe "
    "onboard` қайта іске қосыңыз.)\n"),
  T("-- Enter: more --", "-- Enter: дальше --", "-- Enter: әрі қарай --"),
  T("Please answer \"yes\" or \"no\".\n",
    "Пожалуйста, ответьте «да» или «нет».\n",
    "«иә» немесе «жоқ» деп жауап беріңіз.\n"),
  T("accessprobe: no clear answer (\"yes\" or \"no\"); the stored answer is "
    "unchanged\n",
    "accessprobe: нет ясного ответа («да» или «нет»); сохранённый ответ не "
    "изменён\n",
    "accessprobe: анық жауап жоқ («иә» не «жоқ»); сақталған жауап "
    "өзгермеді\n"),
  T("Usage: accessprobe onboard [--lang kk|ru|en] [--yes] [--control "
    "URL]... [--collector URL]...\n                           "
    "[--no-control] [--state-dir DIR] [--config FILE]\n",
    "Использование: accessprobe onboard [--lang kk|ru|en] [--yes] "
    "[--control URL]... [--collector URL]...\n                           "
    "[--no-control] [--state-dir ПАПКА] [--config ФАЙЛ]\n",
    "Қолданылуы: accessprobe onboard [--lang kk|ru|en] [--yes] [--control "
    "URL]... [--collector URL]...\n                           "
    "[--no-control] [--state-dir ҚАЛТА] [--config ФАЙЛ]\n"),
  T("accessprobe onboard: unknown argument %s\n",
    "accessprobe onboard: неизвестный аргумент %s\n",
    "accessprobe onboard: белгісіз аргумент %s\n"),
  T("accessprobe: --lang takes kk, ru or en\n",
    "accessprobe: --lang принимает kk, ru или en\n",
    "accessprobe: --lang kk, ru не en қабылдайды\n"),

  /* ---- onboard: the control and the collector (onboard_servers.c) ---- */
  T("accessprobe onboard: at most %zu %s\n",
    "accessprobe onboard: не больше %zu %s\n",
    "accessprobe onboard: %zu %s-тен аспауы керек\n"),
  T("accessprobe onboard: %s %s\n", "accessprobe onboard: %s %s\n",
    "accessprobe onboard: %s %s\n"),
  T("accessprobe onboard: %s needs a URL\n",
    "accessprobe onboard: %s требует URL\n",
    "accessprobe onboard: %s URL қажет етеді\n"),
  T("That is not a server address: %s. Type it as it was given, e.g. "
    "https://control.example.org/, or press Enter to skip.\n",
    "Это не адрес сервера: %s. Введите его так, как его дали, например "
    "https://control.example.org/, или нажмите Enter, чтобы пропустить.\n",
    "Бұл сервер мекенжайы емес: %s. Оны берілген түрінде жазыңыз, мысалы "
    "https://control.example.org/, не өткізіп жіберу үшін Enter "
    "басыңыз.\n"),
  T("Control: %s\n", "Контрольный сервер: %s\n", "Бақылау сервері: %s\n"),
  T("No control is set: runs measure without one, so most sites that do "
    "not open will be \"inconclusive\" (blocking cannot be told from an "
    "outage). When your monitoring organisation gives you a control "
    "address, run: accessprobe onboard --control URL (docs/volunteers.md)\n",
    "Контрольный сервер не задан: запуски измеряют без него, поэтому у "
    "большинства неоткрывающихся сайтов будет «нет заключения» (блокировку "
    "нельзя отличить от сбоя). Когда организация мониторинга даст вам "
    "адрес контрольного сервера, запустите: accessprobe onboard --control "
    "URL (docs/volunteers.md)\n",
    "Бақылау сервері берілмеген: сеанстар онсыз өлшейді, сондықтан "
    "ашылмайтын сайттардың көбінде «қорытынды жоқ» болады (бұғаттауды "
    "іркілістен ажырату мүмкін емес). Мониторинг ұйымы бақылау серверінің "
    "мекенжайын бергенде, іске қосыңыз: accessprobe onboard --control URL "
    "(docs/volunteers.md)\n"),
  T("Collector: %s (the results are sent there)\n",
    "Сборщик: %s (результаты отправляются туда)\n",
    "Жинағыш: %s (нәтижелер соған жіберіледі)\n"),
  T("No collector is set: the results stay on this computer (accessprobe "
    "results shows them).\n",
    "Сборщик не задан: результаты остаются на этом компьютере "
    "(accessprobe results показывает их).\n",
    "Жинағыш берілмеген: нәтижелер осы компьютерде қалады (accessprobe "
    "results оларды көрсетеді).\n"),
  /* results: what each collector took of a run */
  T("upload:", "отправка:", "жіберу:"),
  T("%llu stored", "сохранено: %llu", "сақталды: %llu"),
  T(", %llu refused", ", отклонено: %llu", ", қабылданбады: %llu"),
  T(", %llu waiting", ", ждут отправки: %llu", ", жіберуді күтуде: %llu"),
  T("Sending to OONI: on (\"ooni_upload\": true); OONI publishes everything "
    "it receives, openly.\n",
    "Отправка в OONI: включена (\"ooni_upload\": true); OONI открыто "
    "публикует всё, что получает.\n",
    "OONI-ге жіберу: қосулы (\"ooni_upload\": true); OONI алған барлық "
    "деректі ашық жариялайды.\n"),
  T("Sending to OONI: off (\"ooni_upload\": true in %s turns it on).\n",
    "Отправка в OONI: выключена (включает \"ooni_upload\": true в %s).\n",
    "OONI-ге жіберу: өшірулі (%s ішіндегі \"ooni_upload\": true оны "
    "қосады).\n"),
  T("accessprobe: %s cannot be used, so the control was not set; fix it "
    "(see docs/config.md) and run `accessprobe onboard` again\n",
    "accessprobe: %s нельзя использовать, поэтому контрольный сервер не "
    "задан; исправьте файл (см. docs/config.md) и снова запустите "
    "`accessprobe onboard`\n",
    "accessprobe: %s қолдану мүмкін емес, сондықтан бақылау сервері "
    "берілмеді; файлды түзетіп (docs/config.md қараңыз), `accessprobe "
    "onboard` қайта іске қосыңыз\n"),
  T("The address of the control your monitoring organisation gave you "
    "(Enter: none): ",
    "Адрес контрольного сервера, который дала вам организация мониторинга "
    "(Enter: нет): ",
    "Мониторинг ұйымы берген бақылау серверінің мекенжайы (Enter: жоқ): "),
  T("The address of its collector, where results are sent (Enter: none): ",
    "Адрес её сборщика, куда отправляются результаты (Enter: нет): ",
    "Нәтижелер жіберілетін жинағышының мекенжайы (Enter: жоқ): "),
  T("accessprobe: no configuration file to write to: give --config FILE\n",
    "accessprobe: некуда записать конфигурацию: укажите --config ФАЙЛ\n",
    "accessprobe: конфигурацияны жазатын файл жоқ: --config ФАЙЛ "
    "беріңіз\n"),
  T("accessprobe: cannot write %s: %s\n",
    "accessprobe: не удаётся записать %s: %s\n",
    "accessprobe: %s жазу мүмкін емес: %s\n"),
  T("Written to %s.\n", "Записано в %s.\n", "%s ішіне жазылды.\n"),

  /* ---- the configuration file (config.c) ------------------------------ */
  T("%s: expected a non-empty string", "%s: ожидается непустая строка",
    "%s: бос емес жол күтілді"),
  T("%s: expected a whole number from %ld to %ld",
    "%s: ожидается целое число от %ld до %ld",
    "%s: %ld мен %ld аралығындағы бүтін сан күтілді"),
  T("%s: expected an array of strings", "%s: ожидается массив строк",
    "%s: жолдар массиві күтілді"),
  T("%s: at most %zu entries", "%s: не больше %zu элементов",
    "%s: %zu элементтен аспауы керек"),
  T("%s: entry %zu is not a non-empty string",
    "%s: элемент %zu не является непустой строкой",
    "%s: %zu-элемент бос емес жол емес"),
  T("lists: empty; remove the key to measure the default list",
    "lists: пусто; удалите ключ, чтобы измерять список по умолчанию",
    "lists: бос; әдепкі тізімді өлшеу үшін кілтті алып тастаңыз"),
  T("lists: entry %zu: path too long or out of memory",
    "lists: элемент %zu: путь слишком длинный или не хватает памяти",
    "lists: %zu-элемент: жол тым ұзын не жады жетпеді"),
  T("%s: entry %zu: %s", "%s: элемент %zu: %s", "%s: %zu-элемент: %s"),
  T("collectors: entry %zu: a collector's base URL has no ?query",
    "collectors: элемент %zu: в базовом адресе сборщика не бывает ?запроса",
    "collectors: %zu-элемент: жинағыштың негізгі мекенжайында ?сұраныс "
    "болмайды"),
  T("%s: path too long or out of memory",
    "%s: путь слишком длинный или не хватает памяти",
    "%s: жол тым ұзын не жады жетпеді"),
  T("network: expected an object with asn, cc, name",
    "network: ожидается объект с asn, cc, name",
    "network: asn, cc, name бар объект күтілді"),
  T("network.asn: expected \"AS1234\" or 1234",
    "network.asn: ожидается \"AS1234\" или 1234",
    "network.asn: \"AS1234\" не 1234 күтілді"),
  T("network.cc: expected a two-letter upper-case country code, e.g. "
    "\"KZ\"",
    "network.cc: ожидается двухбуквенный код страны заглавными буквами, "
    "например \"KZ\"",
    "network.cc: бас әріппен жазылған екі әріпті ел коды күтілді, мысалы "
    "\"KZ\""),
  T("network.name: at most %d bytes of UTF-8 (this one has %zu); use a "
    "shorter name",
    "network.name: не больше %d байт UTF-8 (здесь %zu); сократите название",
    "network.name: UTF-8 бойынша %d байттан аспауы керек (мұнда %zu); "
    "қысқарақ атау беріңіз"),
  T("network: unknown key \"%s\" (known: asn, cc, name)",
    "network: неизвестный ключ \"%s\" (известные: asn, cc, name)",
    "network: белгісіз кілт \"%s\" (белгілілері: asn, cc, name)"),
  T("retention: expected an object with days, max_mb",
    "retention: ожидается объект с days, max_mb",
    "retention: days, max_mb бар объект күтілді"),
  T("retention: unknown key \"%s\" (known: days, max_mb)",
    "retention: неизвестный ключ \"%s\" (известные: days, max_mb)",
    "retention: белгісіз кілт \"%s\" (белгілілері: days, max_mb)"),
  T("unknown key \"%s\": did you mean \"%s\"? (see docs/config.md)",
    "неизвестный ключ \"%s\": может быть, \"%s\"? (см. docs/config.md)",
    "белгісіз кілт \"%s\": \"%s\" деп жазбақ болдыңыз ба? (docs/config.md "
    "қараңыз)"),
  T("unknown key \"%s\" (see docs/config.md)",
    "неизвестный ключ \"%s\" (см. docs/config.md)",
    "белгісіз кілт \"%s\" (docs/config.md қараңыз)"),
  T("no \"version\": this file needs \"version\": %d",
    "нет \"version\": в этом файле нужен \"version\": %d",
    "\"version\" жоқ: бұл файлға \"version\": %d керек"),
  T("version: expected %d", "version: ожидается %d", "version: %d күтілді"),
  T("version %lld is newer than this accessprobe reads (%d); upgrade "
    "accessprobe",
    "версия %lld новее той, что читает этот accessprobe (%d); обновите "
    "accessprobe",
    "%lld нұсқасы бұл accessprobe оқитын нұсқадан (%d) жаңа; accessprobe "
    "жаңартыңыз"),
  T("ooni_upload: expected true or false",
    "ooni_upload: ожидается true или false",
    "ooni_upload: true не false күтілді"),
  T("%s: consent is not a configuration setting; run `accessprobe onboard`",
    "%s: согласие не задаётся в конфигурации; запустите `accessprobe "
    "onboard`",
    "%s: келісім конфигурацияда берілмейді; `accessprobe onboard` іске "
    "қосыңыз"),
  T("expected a JSON object { \"version\": %d, ... }",
    "ожидается объект JSON { \"version\": %d, ... }",
    "JSON объектісі күтілді { \"version\": %d, ... }"),
  T("%s:%d: JSON has no comments (// or /* */); write a note as a key "
    "instead, e.g. \"_comment\": \"my note\" (%s)\n",
    "%s:%d: в JSON нет комментариев (// или /* */); запишите заметку "
    "ключом, например \"_comment\": \"моя заметка\" (%s)\n",
    "%s:%d: JSON-да түсініктеме жоқ (// не /* */); жазбаны кілт ретінде "
    "жазыңыз, мысалы \"_comment\": \"менің жазбам\" (%s)\n"),
  T("%s:%d: a comma after the last entry, before '%c' on line %d: JSON "
    "allows none; remove it (%s)\n",
    "%s:%d: запятая после последнего элемента, перед '%c' в строке %d: "
    "JSON её не допускает; удалите её (%s)\n",
    "%s:%d: соңғы элементтен кейін, %c алдында (%d-жол) үтір тұр: JSON "
    "оған жол бермейді; оны алып тастаңыз (%s)\n"),
  T("%s:%d: a comma is missing at the end of this line, before line %d "
    "(%s)\n",
    "%s:%d: в конце этой строки, перед строкой %d, не хватает запятой "
    "(%s)\n",
    "%s:%d: осы жолдың соңында, %d-жолдың алдында үтір жетіспейді (%s)\n"),
  T("%s: cannot read the configuration: %s\n",
    "%s: не удаётся прочитать конфигурацию: %s\n",
    "%s: конфигурацияны оқу мүмкін емес: %s\n"),
  T("%s: contains a NUL byte: not a JSON text file\n",
    "%s: содержит байт NUL: это не текстовый файл JSON\n",
    "%s: NUL байты бар: бұл JSON мәтіндік файлы емес\n"),
  T("accessprobe: %s needs a value\n", "accessprobe: %s требует значения\n",
    "accessprobe: %s мәнді қажет етеді\n"),
};

const size_t prb_words_table_n =
  sizeof(prb_words_table) / sizeof(prb_words_table[0]);
