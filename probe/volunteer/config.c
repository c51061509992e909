/* config.c: read and check the JSON configuration file. */
#include "volunteer/config.h"
#include "common/caps.h"
#include "common/datadir.h"
#include "common/files.h"
#include "common/errors.h"
#include "common/suggest.h"
#include "common/textclean.h"
#include "common/url.h"
#include "volunteer/state.h"
#include "volunteer/words.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void prb_config_init(struct prb_config *c)
{
  memset(c, 0, sizeof(*c));
  c->retention_days = PRB_CONFIG_RETENTION_DAYS;
  c->retention_max_mb = PRB_CONFIG_RETENTION_MB;
}

void prb_config_free(struct prb_config *c)
{
  if(!c)
    return;
  for(size_t i = 0; i < c->n_lists; i++)
    free(c->lists[i]);
  for(size_t i = 0; i < c->n_controls; i++)
    free(c->controls[i]);
  for(size_t i = 0; i < c->n_collectors; i++)
    free(c->collectors[i]);
  for(size_t i = 0; i < c->n_resolvers; i++)
    free(c->resolvers[i]);
  free(c->state_dir);
  free(c->ca_file);
  free(c->canaries);
  free(c->probe_asn);
  free(c->probe_cc);
  free(c->probe_network_name);
  prb_config_init(c);
}

static bool exists(const char *path)
{
  return access(path, F_OK) == 0;
}

bool prb_config_user_file(char *out, size_t outlen)
{
  const char *xdg = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");
  int n = -1;
  if(xdg && xdg[0] == '/')
    n = snprintf(out, outlen, "%s/accessprobe/config.json", xdg);
  else if(home && home[0] == '/')
    n = snprintf(out, outlen, "%s/.config/accessprobe/config.json", home);
  return n > 0 && (size_t)n < outlen;
}

bool prb_config_find(char *out, size_t outlen)
{
  if(prb_config_user_file(out, outlen) && exists(out))
    return true;
  int n = snprintf(out, outlen, "%s", PRB_CONFIG_SYSTEM_FILE);
  return n > 0 && (size_t)n < outlen && exists(out);
}

bool prb_config_parse_asn(const char *s, char *out, size_t outlen)
{
  const char *d = strncmp(s, "AS", 2) ? s : s + 2;
  if(!*d || strlen(d) > 10)
    return false;
  for(const char *p = d; *p; p++)
    if(*p < '0' || *p > '9')
      return false;
  char *end;
  unsigned long long v = strtoull(d, &end, 10);
  if(*end || v > 4294967295ULL)
    return false;
  int n = snprintf(out, outlen, "AS%llu", v);
  return n > 0 && (size_t)n < outlen;
}

bool prb_config_valid_cc(const char *s)
{
  return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
         s[1] <= 'Z';
}

bool prb_config_valid_endpoint(const char *url, char *why, size_t whylen)
{
  struct prb_url u;
  const char *reason = NULL;
  /* Quoted, cut and printable: the text may be anything. */
  char shown[160];
  prb_log_excerpt(shown, sizeof(shown), url, strlen(url));
  if(prb_url_parse(url, &u, &reason) < 0) {
    snprintf(why, whylen, "\"%s\": %s", shown, reason);
    return false;
  }
  if(strchr(url, '#')) {
    snprintf(why, whylen, "\"%s\": a server address has no #fragment",
             shown);
    return false;
  }
  return true;
}

/* ---- reading -------------------------------------------------------- */

struct ctx {
  const char *file;             /* for messages */
  const char *text;             /* the whole file, NUL-terminated */
  char dir[4096];               /* the file's folder, for relative paths */
  FILE *err;
  bool ok;
  unsigned reported, unshown;   /* problems written, and those past the cap */
};

/* The line of "key" after the line of each enclosing key, so a semantic
 * error points where the volunteer has to look. 0 when not found. */
static int key_line(const struct ctx *x, const char *parent, const char *key)
{
  const char *from = x->text;
  char pat[160];
  if(parent) {
    snprintf(pat, sizeof(pat), "\"%s\"", parent);
    const char *p = strstr(from, pat);
    if(p)
      from = p + strlen(pat);
  }
  snprintf(pat, sizeof(pat), "\"%s\"", key);
  const char *k = strstr(from, pat);
  if(!k)
    return 0;
  int line = 1;
  for(const char *p = x->text; p < k; p++)
    if(*p == '\n')
      line++;
  return line;
}

/* A reason may quote the file (keys, jansson's "near '...'"): control
 * characters would break the "FILE:LINE: reason" line or drive the
 * terminal, so they become '?'. */
static void strip_controls(char *s)
{
  for(; *s; s++)
    if((unsigned char)*s < 0x20 || *s == 0x7f)
      *s = '?';
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void bad(struct ctx *x, const char *parent, const char *key,
                const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  x->ok = false;
  /* Past the cap only count: finding each key's line reads the file from
   * its start, and 75,000 bad keys would take seconds. */
  if(x->reported >= PRB_CONFIG_MAX_ERRORS) {
    x->unshown++;
    return;
  }
  x->reported++;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), prb_tr(fmt), ap);
  va_end(ap);
  strip_controls(msg);
  int line = key ? key_line(x, parent, key) : 0;
  if(x->err) {
    if(line)
      fprintf(x->err, "%s:%d: %s\n", x->file, line, msg);
    else
      fprintf(x->err, "%s: %s\n", x->file, msg);
  }
}

/* A path from the file: absolute as is, relative to the file's folder. */
static char *resolve(const struct ctx *x, const char *v)
{
  char buf[4096];
  int n;
  if(v[0] == '/' || !x->dir[0])
    n = snprintf(buf, sizeof(buf), "%s", v);
  else
    n = snprintf(buf, sizeof(buf), "%s/%s", x->dir, v);
  if(n < 0 || (size_t)n >= sizeof(buf))
    return NULL;
  return strdup(buf);
}

static bool get_string(struct ctx *x, const char *parent, const char *key,
                       json_t *v, const char **out)
{
  if(!json_is_string(v) || !json_string_length(v)) {
    bad(x, parent, key, "%s: expected a non-empty string", key);
    return false;
  }
  *out = json_string_value(v);
  return true;
}

static bool get_long(struct ctx *x, const char *parent, const char *key,
                     json_t *v, long min, long max, long *out)
{
  if(!json_is_integer(v) || json_integer_value(v) < min ||
     json_integer_value(v) > max) {
    bad(x, parent, key, "%s: expected a whole number from %ld to %ld", key,
        min, max);
    return false;
  }
  *out = (long)json_integer_value(v);
  return true;
}

/* An array of non-empty strings, at most max. */
static bool get_strings(struct ctx *x, const char *key, json_t *v,
                        size_t max, size_t *n)
{
  if(!json_is_array(v)) {
    bad(x, NULL, key, "%s: expected an array of strings", key);
    return false;
  }
  if(json_array_size(v) > max) {
    bad(x, NULL, key, "%s: at most %zu entries", key, max);
    return false;
  }
  size_t i;
  json_t *e;
  json_array_foreach(v, i, e)
    if(!json_is_string(e) || !json_string_length(e)) {
      bad(x, NULL, key, "%s: entry %zu is not a non-empty string", key,
          i + 1);
      return false;
    }
  *n = json_array_size(v);
  return true;
}

static void read_lists(struct ctx *x, struct prb_config *c, json_t *v)
{
  size_t n;
  if(!get_strings(x, "lists", v, PRB_CONFIG_MAX_LISTS, &n))
    return;
  if(!n) {
    bad(x, NULL, "lists", "lists: empty; remove the key to measure the "
        "default list");
    return;
  }
  for(size_t i = 0; i < n; i++) {
    const char *s = json_string_value(json_array_get(v, i));
    char found[4096];
    char *p;
    if(!strchr(s, '/') && prb_datafile(s, found, sizeof(found)))
      p = strdup(found);
    else
      p = resolve(x, s);
    if(!p) {
      bad(x, NULL, "lists", "lists: entry %zu: path too long or out of "
          "memory", i + 1);
      return;
    }
    c->lists[c->n_lists++] = p;
  }
}

/* An array of strings; with check, each must be a server's URL. */
static void read_urls(struct ctx *x, const char *key, json_t *v, size_t max,
                      bool check, char **out, size_t *n_out)
{
  size_t n;
  if(!get_strings(x, key, v, max, &n))
    return;
  for(size_t i = 0; i < n; i++) {
    char why[300];
    const char *u = json_string_value(json_array_get(v, i));
    if(check && !prb_config_valid_endpoint(u, why, sizeof(why))) {
      bad(x, NULL, key, "%s: entry %zu: %s", key, i + 1, why);
      continue;
    }
    char *s = strdup(u);
    if(!s) {
      bad(x, NULL, key, "out of memory");
      return;
    }
    out[(*n_out)++] = s;
  }
}

/* Base URLs of collectors: http or https, nothing after the path (the
 * protocol's paths are appended to it). */
static void read_collectors(struct ctx *x, struct prb_config *c, json_t *v)
{
  read_urls(x, "collectors", v, PRB_MAX_COLLECTORS, true, c->collectors,
            &c->n_collectors);
  for(size_t i = 0; i < c->n_collectors; i++)
    if(strchr(c->collectors[i], '?'))
      bad(x, NULL, "collectors", "collectors: entry %zu: a collector's base "
          "URL has no ?query", i + 1);
}

static void set_path(struct ctx *x, const char *key, json_t *v, char **out)
{
  const char *s;
  if(!get_string(x, NULL, key, v, &s))
    return;
  free(*out);
  if(!(*out = resolve(x, s)))
    bad(x, NULL, key, "%s: path too long or out of memory", key);
}

static void read_network(struct ctx *x, struct prb_config *c, json_t *v)
{
  if(!json_is_object(v)) {
    bad(x, NULL, "network", "network: expected an object with asn, cc, "
        "name");
    return;
  }
  const char *k;
  json_t *e;
  json_object_foreach(v, k, e) {
    const char *s;
    if(!strcmp(k, "asn")) {
      char asn[16];
      if(json_is_integer(e) && json_integer_value(e) >= 0 &&
         json_integer_value(e) <= 4294967295LL)
        snprintf(asn, sizeof(asn), "AS%lld",
                 (long long)json_integer_value(e));
      else if(!json_is_string(e) ||
              !prb_config_parse_asn(json_string_value(e), asn, sizeof(asn))) {
        bad(x, "network", k, "network.asn: expected \"AS1234\" or 1234");
        continue;
      }
      free(c->probe_asn);
      if(!(c->probe_asn = strdup(asn)))
        bad(x, NULL, NULL, "out of memory");
    } else if(!strcmp(k, "cc")) {
      if(!json_is_string(e) || !prb_config_valid_cc(json_string_value(e))) {
        bad(x, "network", k, "network.cc: expected a two-letter upper-case "
            "country code, e.g. \"KZ\"");
        continue;
      }
      free(c->probe_cc);
      if(!(c->probe_cc = strdup(json_string_value(e))))
        bad(x, NULL, NULL, "out of memory");
    } else if(!strcmp(k, "name")) {
      if(!get_string(x, "network", k, e, &s))
        continue;
      /* Longer names would be cut in records and in the run index. */
      if(strlen(s) > PRB_CONFIG_NETWORK_NAME_MAX) {
        bad(x, "network", k, "network.name: at most %d bytes of UTF-8 (this "
            "one has %zu); use a shorter name", PRB_CONFIG_NETWORK_NAME_MAX,
            strlen(s));
        continue;
      }
      free(c->probe_network_name);
      if(!(c->probe_network_name = strdup(s)))
        bad(x, NULL, NULL, "out of memory");
    } else if(k[0] != '_') {
      bad(x, "network", k, "network: unknown key \"%s\" (known: asn, cc, "
          "name)", k);
    }
  }
}

static void read_retention(struct ctx *x, struct prb_config *c, json_t *v)
{
  if(!json_is_object(v)) {
    bad(x, NULL, "retention", "retention: expected an object with days, "
        "max_mb");
    return;
  }
  const char *k;
  json_t *e;
  json_object_foreach(v, k, e) {
    if(!strcmp(k, "days"))
      get_long(x, "retention", k, e, 1, 36500, &c->retention_days);
    else if(!strcmp(k, "max_mb"))
      get_long(x, "retention", k, e, 1, 1000000, &c->retention_max_mb);
    else if(k[0] != '_')
      bad(x, "retention", k, "retention: unknown key \"%s\" (known: days, "
          "max_mb)", k);
  }
}

static const char *const top_keys[] = {
  "version", "lists", "controls", "collectors", "ooni_upload", "resolvers",
  "parallel", "max_runtime", "step_timeout_ms", "state_dir", "ca_file",
  "canaries", "network", "retention"
};

/* A misspelt key is named with the one it resembles. */
static void unknown_key(struct ctx *x, const char *k)
{
  const char *near = prb_suggest(k, top_keys,
                                 sizeof(top_keys) / sizeof(top_keys[0]));
  if(near)
    bad(x, NULL, k, "unknown key \"%s\": did you mean \"%s\"? (see "
        "docs/config.md)", k, near);
  else
    bad(x, NULL, k, "unknown key \"%s\" (see docs/config.md)", k);
}

static void read_top(struct ctx *x, struct prb_config *c, json_t *root)
{
  json_t *ver = json_object_get(root, "version");
  if(!ver) {
    bad(x, NULL, NULL, "no \"version\": this file needs \"version\": %d",
        PRB_CONFIG_VERSION);
    return;
  }
  if(!json_is_integer(ver) || json_integer_value(ver) < 1) {
    bad(x, NULL, "version", "version: expected %d", PRB_CONFIG_VERSION);
    return;
  }
  if(json_integer_value(ver) > PRB_CONFIG_VERSION) {
    bad(x, NULL, "version", "version %lld is newer than this accessprobe "
        "reads (%d); upgrade accessprobe",
        (long long)json_integer_value(ver), PRB_CONFIG_VERSION);
    return;
  }
  c->version = (int)json_integer_value(ver);
  const char *k;
  json_t *v;
  json_object_foreach(root, k, v) {
    if(!strcmp(k, "version"))
      continue;
    else if(!strcmp(k, "lists"))
      read_lists(x, c, v);
    else if(!strcmp(k, "controls")) {
      read_urls(x, k, v, PRB_MAX_CONTROLS, true, c->controls,
                &c->n_controls);
      c->no_control = json_is_array(v) && !json_array_size(v);
    } else if(!strcmp(k, "collectors"))
      read_collectors(x, c, v);
    else if(!strcmp(k, "ooni_upload")) {
      if(!json_is_boolean(v))
        bad(x, NULL, k, "ooni_upload: expected true or false");
      else
        c->ooni_upload = json_is_true(v);
    } else if(!strcmp(k, "resolvers"))
      read_urls(x, k, v, PRB_MAX_RESOLVERS, false, c->resolvers,
                &c->n_resolvers);
    else if(!strcmp(k, "parallel"))
      get_long(x, NULL, k, v, 1, 1024, &c->parallel);
    else if(!strcmp(k, "max_runtime"))
      c->has_max_runtime = get_long(x, NULL, k, v, 0, 7 * 86400,
                                    &c->max_runtime);
    else if(!strcmp(k, "step_timeout_ms"))
      get_long(x, NULL, k, v, 100, 300000, &c->step_timeout_ms);
    else if(!strcmp(k, "state_dir"))
      set_path(x, k, v, &c->state_dir);
    else if(!strcmp(k, "ca_file"))
      set_path(x, k, v, &c->ca_file);
    else if(!strcmp(k, "canaries"))
      set_path(x, k, v, &c->canaries);
    else if(!strcmp(k, "network"))
      read_network(x, c, v);
    else if(!strcmp(k, "retention"))
      read_retention(x, c, v);
    else if(!strcmp(k, "informed_consent") || !strcmp(k, "consent"))
      bad(x, NULL, k, "%s: consent is not a configuration setting; run "
          "`accessprobe onboard`", k);
    else if(k[0] != '_')       /* "_comment" and such are notes */
      unknown_key(x, k);
  }
}

static char *slurp(const char *path, size_t *len, char *why, size_t whylen)
{
  FILE *f = fopen(path, "rb");
  if(!f) {
    snprintf(why, whylen, "%s", strerror(errno));
    return NULL;
  }
  char *buf = malloc(PRB_CONFIG_BYTES_MAX + 1);
  if(!buf) {
    fclose(f);
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  size_t n = fread(buf, 1, PRB_CONFIG_BYTES_MAX + 1, f);
  bool failed = ferror(f);
  fclose(f);
  if(failed || n > PRB_CONFIG_BYTES_MAX) {
    snprintf(why, whylen, "%s", failed ? "read error" : "larger than 1 MiB");
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* ---- syntax errors: where the volunteer has to look ------------------ */

static int line_at(const char *text, size_t pos)
{
  int line = 1;
  for(size_t i = 0; i < pos; i++)
    if(text[i] == '\n')
      line++;
  return line;
}

static bool blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where the token jansson stopped at begins: it ends just before pos (a
 * string at its closing quote, a word or number at its last byte). */
static size_t token_start(const char *text, size_t pos)
{
  size_t i = pos - 1;
  if(text[i] == '"') {
    while(i > 0 && !(text[i - 1] == '"' && (i < 2 || text[i - 2] != '\\')))
      i--;
    return i > 0 ? i - 1 : 0;
  }
  while(i > 0 && !blank(text[i - 1]) && !strchr(",:[]{}", text[i - 1]))
    i--;
  return i;
}

/* jansson names the token after a mistake. A comment, a trailing comma
 * and a missing comma are named where they are, with what to do. */
static void syntax_error(const char *path, const char *text, size_t len,
                         const json_error_t *je, FILE *err)
{
  size_t pos = je->position > 0 ? (size_t)je->position : 0;
  const char *near = strstr(je->text, "near '");
  char tok = near ? near[6] : '\0';
  if(pos > len)
    pos = len;
  if(pos >= 1 && tok == '/' && text[pos - 1] == '/') {
    fprintf(err, prb_tr("%s:%d: JSON has no comments (// or /* */); write a "
                        "note as a key instead, e.g. \"_comment\": \"my "
                        "note\" (%s)\n"),
            path, line_at(text, pos - 1), je->text);
    return;
  }
  if(pos >= 1 && (tok == '}' || tok == ']') && text[pos - 1] == tok) {
    size_t i = pos - 1;
    while(i > 0 && blank(text[i - 1]))
      i--;
    if(i > 0 && text[i - 1] == ',') {
      fprintf(err, prb_tr("%s:%d: a comma after the last entry, before '%c' "
                          "on line %d: JSON allows none; remove it (%s)\n"),
              path, line_at(text, i - 1), tok, line_at(text, pos - 1),
              je->text);
      return;
    }
  }
  if(pos >= 1 && (!strncmp(je->text, "'}' expected", 12) ||
                  !strncmp(je->text, "']' expected", 12))) {
    size_t i = token_start(text, pos);
    int tok_line = line_at(text, i);
    while(i > 0 && blank(text[i - 1]))
      i--;
    if(i > 0 && !strchr(",:[{", text[i - 1]) &&
       line_at(text, i - 1) < tok_line) {
      fprintf(err, prb_tr("%s:%d: a comma is missing at the end of this line, "
                          "before line %d (%s)\n"),
              path, line_at(text, i - 1), tok_line, je->text);
      return;
    }
  }
  fprintf(err, "%s:%d: %s\n", path, je->line > 0 ? je->line : 1, je->text);
}

bool prb_config_load(struct prb_config *c, const char *path, FILE *err)
{
  char found[4096];
  if(!path) {
    if(!prb_config_find(found, sizeof(found)))
      return true;              /* no file anywhere: the defaults */
    path = found;
  }
  struct ctx x;
  memset(&x, 0, sizeof(x));
  x.file = path;
  x.err = err;
  x.ok = true;
  if(strchr(path, '/'))
    prb_dir_of(path, x.dir, sizeof(x.dir));
  else if(!getcwd(x.dir, sizeof(x.dir)))
    x.dir[0] = '\0';
  size_t len = 0;
  char why[256];
  char *text = slurp(path, &len, why, sizeof(why));
  if(!text) {
    if(err)
      fprintf(err, prb_tr("%s: cannot read the configuration: %s\n"),
              path, why);
    return false;
  }
  if(memchr(text, '\0', len)) {
    if(err)
      fprintf(err, prb_tr("%s: contains a NUL byte: not a JSON text file\n"),
              path);
    free(text);
    return false;
  }
  x.text = text;
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if(!root) {
    strip_controls(je.text);
    if(err)
      syntax_error(path, text, len, &je, err);
    free(text);
    return false;
  }
  snprintf(c->path, sizeof(c->path), "%s", path);
  if(!json_is_object(root))
    bad(&x, NULL, NULL, "expected a JSON object { \"version\": %d, ... }",
        PRB_CONFIG_VERSION);
  else
    read_top(&x, c, root);
  if(x.unshown && err)
    fprintf(err, "%s: %u more problems not shown\n", path, x.unshown);
  json_decref(root);
  free(text);
  return x.ok;
}

const char *prb_config_arg(int argc, char **argv)
{
  const char *config = NULL;
  for(int i = 1; i < argc; i++)
    if(!strcmp(argv[i], "--config") && i + 1 < argc)
      config = argv[i + 1];
    else if(!strncmp(argv[i], "--config=", 9))
      config = argv[i] + 9;
  return config;
}

int prb_config_state_dir(int *argc, char **argv, char *dir, size_t dirlen)
{
  const char *config = NULL, *state = NULL;
  int n = 1;
  for(int i = 1; i < *argc; i++) {
    const char **slot = !strcmp(argv[i], "--config") ? &config :
                        !strcmp(argv[i], "--state-dir") ? &state : NULL;
    if(slot) {
      if(i + 1 >= *argc) {
        fprintf(stderr, prb_tr("accessprobe: %s needs a value\n"), argv[i]);
        return PRB_EXIT_USAGE;
      }
      *slot = argv[++i];
    } else if(!strncmp(argv[i], "--config=", 9))
      config = argv[i] + 9;
    else if(!strncmp(argv[i], "--state-dir=", 12))
      state = argv[i] + 12;
    else
      argv[n++] = argv[i];
  }
  *argc = n;
  if(state) {
    snprintf(dir, dirlen, "%s", state);
    return -1;
  }
  struct prb_config cf;
  prb_config_init(&cf);
  if(!prb_config_load(&cf, config, stderr)) {
    prb_config_free(&cf);
    return PRB_EXIT_CONFIG;
  }
  bool ok = true;
  if(cf.state_dir)
    snprintf(dir, dirlen, "%s", cf.state_dir);
  else
    ok = prb_state_default_dir(dir, dirlen);
  prb_config_free(&cf);
  if(!ok) {
    fprintf(stderr, prb_tr("accessprobe: no state folder: give --state-dir "
                           "DIR\n"));
    return PRB_EXIT_USAGE;
  }
  return -1;
}
