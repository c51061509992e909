/* test_config.c: the configuration file: good files, every error with its
 * FILE:LINE, search order, command-line helpers. */
#include "check.h"
#include "volunteer/config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/test_config.XXXXXX";

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if(f) {
    fputs(text, f);
    fclose(f);
  }
}

/* Loads text as DIR/name; the messages land in msg. */
static bool load(const char *text, struct prb_config *c, char *msg,
                 size_t msglen)
{
  char path[256];
  snprintf(path, sizeof(path), "%s/c.json", dir);
  write_file(path, text);
  char *buf = NULL;
  size_t len = 0;
  FILE *err = open_memstream(&buf, &len);
  prb_config_init(c);
  bool ok = prb_config_load(c, path, err);
  fclose(err);
  /* Messages start with the path; keep what follows it. */
  const char *m = buf && !strncmp(buf, path, strlen(path)) ?
                  buf + strlen(path) : (buf ? buf : "");
  snprintf(msg, msglen, "%s", m);
  free(buf);
  return ok;
}

static void test_good(void)
{
  struct prb_config c;
  char msg[512];
  bool ok = load("{\n"
                 "  \"version\": 1,\n"
                 "  \"_comment\": \"notes are fine\",\n"
                 "  \"lists\": [\"mine.txt\", \"/abs/list.csv\"],\n"
                 "  \"controls\": [\"https://th.example.org/\"],\n"
                 "  \"collectors\": [\"https://c1.example.org/\", "
                 "\"http://c2.example.org:8080/in\"],\n"
                 "  \"ooni_upload\": true,\n"
                 "  \"resolvers\": [\"8.8.8.8\"],\n"
                 "  \"parallel\": 16,\n"
                 "  \"max_runtime\": 1800,\n"
                 "  \"step_timeout_ms\": 5000,\n"
                 "  \"state_dir\": \"state\",\n"
                 "  \"network\": {\"asn\": \"9198\", \"cc\": \"KZ\", "
                 "\"name\": \"Kazakhtelecom\"},\n"
                 "  \"retention\": {\"days\": 30, \"max_mb\": 50}\n"
                 "}\n", &c, msg, sizeof(msg));
  CHECK(ok);
  CHECK_STR(msg, "");
  CHECK_INT(c.version, 1);
  CHECK_INT(c.n_lists, 2);
  char want[256];
  snprintf(want, sizeof(want), "%s/mine.txt", dir);
  CHECK_STR(c.lists[0], want);
  CHECK_STR(c.lists[1], "/abs/list.csv");
  CHECK_INT(c.n_controls, 1);
  CHECK(!c.no_control);
  CHECK_INT(c.n_collectors, 2);
  CHECK_STR(c.collectors[1], "http://c2.example.org:8080/in");
  CHECK(c.ooni_upload);
  CHECK_INT(c.n_resolvers, 1);
  CHECK_INT(c.parallel, 16);
  CHECK_INT(c.max_runtime, 1800);
  CHECK_INT(c.step_timeout_ms, 5000);
  snprintf(want, sizeof(want), "%s/state", dir);
  CHECK_STR(c.state_dir, want);
  CHECK_STR(c.probe_asn, "AS9198");
  CHECK_STR(c.probe_cc, "KZ");
  CHECK_STR(c.probe_network_name, "Kazakhtelecom");
  CHECK_INT(c.retention_days, 30);
  CHECK_INT(c.retention_max_mb, 50);
  prb_config_free(&c);

  ok = load("{\"version\": 1, \"controls\": [], \"network\": {\"asn\": 0}}",
            &c, msg, sizeof(msg));
  CHECK(ok);
  CHECK(c.no_control);
  CHECK_INT(c.n_collectors, 0);
  CHECK(!c.ooni_upload);              /* never the default */
  CHECK_STR(c.probe_asn, "AS0");
  CHECK_INT(c.retention_days, PRB_CONFIG_RETENTION_DAYS);
  CHECK_INT(c.retention_max_mb, PRB_CONFIG_RETENTION_MB);
  prb_config_free(&c);
}

struct bad {
  const char *text, *msg;
};

static void test_bad(void)
{
  static const struct bad cases[] = {
    {"{\"version\": 1,\n \"lists\": [\"a\",]\n}\n",
     ":2: a comma after the last entry, before ']' on line 2: JSON allows "
     "none; remove it (unexpected token near ']')\n"},
    /* The comma is on the line before the one jansson names. */
    {"{\"version\": 1,\n \"parallel\": 8,\n\n}\n",
     ":2: a comma after the last entry, before '}' on line 4: JSON allows "
     "none; remove it (string or '}' expected near '}')\n"},
    {"{\"version\": 1,\n \"lists\": [\n  \"a\",\n  ]\n}\n",
     ":3: a comma after the last entry, before ']' on line 4: JSON allows "
     "none; remove it (unexpected token near ']')\n"},
    {"{\"version\": 1,\n // my network\n \"parallel\": 8\n}\n",
     ":2: JSON has no comments (// or /* */); write a note as a key "
     "instead, e.g. \"_comment\": \"my note\" (string or '}' expected near "
     "'/')\n"},
    {"{\"version\": 1,\n \"parallel\": 8 /* eight */\n}\n",
     ":2: JSON has no comments (// or /* */); write a note as a key "
     "instead, e.g. \"_comment\": \"my note\" ('}' expected near '/')\n"},
    {"{\"version\": 1,\n \"parallel\": 8\n \"max_runtime\": 60\n}\n",
     ":2: a comma is missing at the end of this line, before line 3 ('}' "
     "expected near '\"max_runtime\"')\n"},
    {"{\"version\": 1,\n\n \"paralel\": 3\n}\n",
     ":3: unknown key \"paralel\": did you mean \"parallel\"? (see "
     "docs/config.md)\n"},
    {"{\"version\": 1,\n \"network\": {}, \"nothing_like_it\": 3\n}\n",
     ":2: unknown key \"nothing_like_it\" (see docs/config.md)\n"},
    {"{\"version\": 1,\n \"controls\": [\"th.example.org\"]}\n",
     ":2: controls: entry 1: \"th.example.org\": missing scheme (http:// or "
     "https://)\n"},
    {"{\"version\": 1,\n \"collectors\": [\"https://c.example.org/\",\n"
     "  \"ftp://c.example.org/\"]}\n",
     ":2: collectors: entry 2: \"ftp://c.example.org/\": scheme is not http "
     "or https\n"},
    {"{\"version\": 1,\n \"collectors\": [\"https://c.example.org/#x\"]}\n",
     ":2: collectors: entry 1: \"https://c.example.org/#x\": a server "
     "address has no #fragment\n"},
    {"{\"version\": 1,\n \"collectors\": [\"http://a/\", \"http://b/\", "
     "\"http://c/\", \"http://d/\", \"http://e/\"]}\n",
     ":2: collectors: at most 4 entries\n"},
    {"{\"version\": 1,\n \"collectors\": \"https://c.example.org/\"}\n",
     ":2: collectors: expected an array of strings\n"},
    {"{\"version\": 1,\n \"ooni_upload\": \"yes\"}\n",
     ":2: ooni_upload: expected true or false\n"},
    {"{\"version\": 1,\n \"parallel\": 0\n}\n",
     ":2: parallel: expected a whole number from 1 to 1024\n"},
    {"{\"version\": 1,\n \"parallel\": \"8\"\n}\n",
     ":2: parallel: expected a whole number from 1 to 1024\n"},
    {"{\"version\": 1,\n \"network\": {\n  \"cc\": \"kz\"}\n}\n",
     ":3: network.cc: expected a two-letter upper-case country code, "
     "e.g. \"KZ\"\n"},
    {"{\"version\": 1,\n \"network\": {\"asn\": \"AS-1\"}}\n",
     ":2: network.asn: expected \"AS1234\" or 1234\n"},
    {"{\"version\": 1,\n \"network\": {\"city\": \"Almaty\"}}\n",
     ":2: network: unknown key \"city\" (known: asn, cc, name)\n"},
    {"{\"version\": 2}\n",
     ":1: version 2 is newer than this accessprobe reads (1); upgrade "
     "accessprobe\n"},
    {"{\"parallel\": 3}\n",
     ": no \"version\": this file needs \"version\": 1\n"},
    {"[1, 2]\n", ": expected a JSON object { \"version\": 1, ... }\n"},
    {"{\"version\": 1, \"version\": 1}\n",
     ":1: duplicate object key near '\"version\"'\n"},
    {"{\"version\": 1,\n\"informed_consent\": true}\n",
     ":2: informed_consent: consent is not a configuration setting; run "
     "`accessprobe onboard`\n"},
    {"{\"version\": 1,\n \"lists\": []}\n",
     ":2: lists: empty; remove the key to measure the default list\n"},
    {"{\"version\": 1,\n \"controls\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}\n",
     ":2: controls: at most 4 entries\n"},
    {"{\"version\": 1,\n \"retention\": {\"days\": 0}}\n",
     ":2: days: expected a whole number from 1 to 36500\n"},
    {"{\"version\": 1,\n \"state_dir\": \"\"}\n",
     ":2: state_dir: expected a non-empty string\n"},
    {"", ":1: '[' or '{' expected near end of file\n"},
    /* A key quoted in a reason cannot break the line or drive the
     * terminal (found by fuzzing). */
    {"{\"version\": 1,\n \"rete\\ntion\\u001b[2J\": 1}\n",
     ": unknown key \"rete?tion?[2J\" (see docs/config.md)\n"},
  };
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct prb_config c;
    char msg[512];
    bool ok = load(cases[i].text, &c, msg, sizeof(msg));
    CHECK(!ok);
    CHECK_STR(msg, cases[i].msg);
    prb_config_free(&c);
  }
  /* A file that does not exist, named by --config, is an error. */
  struct prb_config c;
  prb_config_init(&c);
  CHECK(!prb_config_load(&c, "/nonexistent/accessprobe.json", NULL));
  prb_config_free(&c);
}

/* A file with 75,000 unknown keys (975 KB) once took 9.7 s to refuse: each
 * reason searched the file from its start for its line. Reasons are now
 * capped: the first PRB_CONFIG_MAX_ERRORS, with their lines, then one line
 * counting the rest. The time is printed as a benchmark figure only. */
static void test_many_errors(void)
{
  enum { KEYS = 75000 };
  char path[256];
  snprintf(path, sizeof(path), "%s/many.json", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if(!f)
    return;
  fputs("{\"version\": 1,\n", f);
  for(int i = 0; i < KEYS; i++)
    fprintf(f, "\"u%05d\": 0%s\n", i, i + 1 < KEYS ? "," : "");
  fputs("}\n", f);
  long size = ftell(f);
  fclose(f);
  CHECK(size > 970 * 1000 && size < 1024 * 1024);

  char *buf = NULL;
  size_t len = 0;
  FILE *err = open_memstream(&buf, &len);
  struct prb_config c;
  prb_config_init(&c);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK(!prb_config_load(&c, path, err));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fclose(err);
  prb_config_free(&c);

  size_t lines = 0;
  for(char *p = buf; p && (p = strchr(p, '\n')); p++)
    lines++;
  CHECK_INT(lines, PRB_CONFIG_MAX_ERRORS + 1);
  char want[512];
  snprintf(want, sizeof(want), "%s:2: unknown key \"u00000\" (see "
           "docs/config.md)\n", path);
  CHECK(buf && !strncmp(buf, want, strlen(want)));
  snprintf(want, sizeof(want), "%s:%d: unknown key \"u%05d\"", path,
           PRB_CONFIG_MAX_ERRORS + 1, PRB_CONFIG_MAX_ERRORS - 1);
  CHECK(buf && strstr(buf, want));
  snprintf(want, sizeof(want), "%s: %d more problems not shown\n", path,
           KEYS - PRB_CONFIG_MAX_ERRORS);
  CHECK(buf && len >= strlen(want) &&
        !strcmp(buf + len - strlen(want), want));
  printf("benchmark: refused a %ld-byte configuration with %d unknown keys "
         "in %.3f s\n", size, KEYS, (double)(t1.tv_sec - t0.tv_sec) +
         (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  free(buf);
}

/* "max_runtime": 0 means no budget, which is not the same as no key. */
static void test_max_runtime_zero(void)
{
  struct prb_config c;
  char msg[512];
  CHECK(load("{\"version\": 1, \"max_runtime\": 0}\n", &c, msg,
             sizeof(msg)));
  CHECK(c.has_max_runtime);
  CHECK_INT(c.max_runtime, 0);
  prb_config_free(&c);
  CHECK(load("{\"version\": 1}\n", &c, msg, sizeof(msg)));
  CHECK(!c.has_max_runtime);
  prb_config_free(&c);
}

/* network.name: 127 bytes of UTF-8 at most, said clearly. */
static void test_network_name(void)
{
  char text[512], name[256];
  /* 63 two-byte letters: 126 bytes, fine. */
  name[0] = '\0';
  for(int i = 0; i < 63; i++)
    strcat(name, "\xd0\x96");
  snprintf(text, sizeof(text), "{\"version\": 1,\n \"network\": {\"name\": "
           "\"%s\"}}\n", name);
  struct prb_config c;
  char msg[512];
  CHECK(load(text, &c, msg, sizeof(msg)));
  CHECK_STR(c.probe_network_name, name);
  prb_config_free(&c);
  /* One more: 128 bytes. */
  strcat(name, "\xd0\x96");
  snprintf(text, sizeof(text), "{\"version\": 1,\n \"network\": {\"name\": "
           "\"%s\"}}\n", name);
  CHECK(!load(text, &c, msg, sizeof(msg)));
  CHECK_STR(msg, ":2: network.name: at most 127 bytes of UTF-8 (this one "
            "has 128); use a shorter name\n");
  prb_config_free(&c);
}

static void test_search(void)
{
  char xdg[256], path[256], found[4096];
  snprintf(xdg, sizeof(xdg), "%s/xdg", dir);
  snprintf(path, sizeof(path), "%s/xdg/accessprobe", dir);
  CHECK(mkdir(xdg, 0700) == 0);
  CHECK(mkdir(path, 0700) == 0);
  snprintf(path, sizeof(path), "%s/xdg/accessprobe/config.json", dir);
  write_file(path, "{\"version\": 1, \"parallel\": 7}\n");
  setenv("XDG_CONFIG_HOME", xdg, 1);
  CHECK(prb_config_find(found, sizeof(found)));
  CHECK_STR(found, path);
  struct prb_config c;
  prb_config_init(&c);
  CHECK(prb_config_load(&c, NULL, stderr));
  CHECK_INT(c.parallel, 7);
  CHECK_STR(c.path, path);
  prb_config_free(&c);
  unlink(path);
}

static void test_helpers(void)
{
  char asn[16];
  CHECK(prb_config_parse_asn("AS9198", asn, sizeof(asn)));
  CHECK_STR(asn, "AS9198");
  CHECK(prb_config_parse_asn("48503", asn, sizeof(asn)));
  CHECK_STR(asn, "AS48503");
  CHECK(prb_config_parse_asn("4294967295", asn, sizeof(asn)));
  CHECK(!prb_config_parse_asn("4294967296", asn, sizeof(asn)));
  CHECK(!prb_config_parse_asn("AS", asn, sizeof(asn)));
  CHECK(!prb_config_parse_asn("AS-5", asn, sizeof(asn)));
  CHECK(!prb_config_parse_asn("12a", asn, sizeof(asn)));
  CHECK(prb_config_valid_cc("KZ"));
  CHECK(!prb_config_valid_cc("kz"));
  CHECK(!prb_config_valid_cc("KAZ"));
}

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_good();
  test_bad();
  test_many_errors();
  test_max_runtime_zero();
  test_network_name();
  test_search();
  test_helpers();
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return test_summary();
}
