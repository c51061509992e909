/* onboard_servers.c: asking for the control and the collector, and
 * writing them to the configuration file. */
#include "volunteer/onboard_servers.h"
#include "common/files.h"
#include "volunteer/config.h"
#include "volunteer/words.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TRIES 3             /* addresses typed wrong before giving up */

/* One URL option's value into list (at most max). */
static int take_url(const char *name, const char *url, const char **list,
                    size_t *n, size_t max)
{
  char why[300];
  if(*n == max) {
    fprintf(stderr, prb_tr("accessprobe onboard: at most %zu %s\n"), max,
            name);
    return -1;
  }
  if(!prb_config_valid_endpoint(url, why, sizeof(why))) {
    fprintf(stderr, prb_tr("accessprobe onboard: %s %s\n"), name, why);
    return -1;
  }
  list[(*n)++] = url;
  return 1;
}

int prb_servers_option(struct prb_servers *s, int argc, char **argv, int *i)
{
  static const struct {
    const char *name;
    bool control;
  } opts[] = {{"--control", true}, {"--collector", false}};
  const char *a = argv[*i];
  if(!strcmp(a, "--no-control")) {
    s->no_control = true;
    return 1;
  }
  for(size_t k = 0; k < 2; k++) {
    size_t len = strlen(opts[k].name);
    const char *url = NULL;
    if(!strcmp(a, opts[k].name)) {
      if(*i + 1 >= argc) {
        fprintf(stderr, prb_tr("accessprobe onboard: %s needs a URL\n"),
                opts[k].name);
        return -1;
      }
      url = argv[++*i];
    } else if(!strncmp(a, opts[k].name, len) && a[len] == '=')
      url = a + len + 1;
    else
      continue;
    return opts[k].control ?
           take_url(opts[k].name, url, s->controls, &s->n_controls,
                    PRB_MAX_CONTROLS) :
           take_url(opts[k].name, url, s->collectors, &s->n_collectors,
                    PRB_MAX_COLLECTORS);
  }
  return 0;
}

/* Asks for one address into buf: "" for none (an empty line, the end of
 * the input, or MAX_TRIES wrong ones). */
static void ask_url(const char *question, FILE *in, FILE *out, char *buf,
                    size_t len)
{
  for(int t = 0; t < MAX_TRIES; t++) {
    fprintf(out, "%s", question);
    fflush(out);
    if(!fgets(buf, (int)len, in)) {
      fputc('\n', out);
      break;
    }
    if(!isatty(fileno(in)))
      fputc('\n', out);        /* a piped answer is not echoed */
    buf[strcspn(buf, "\r\n")] = '\0';
    char *s = buf + strspn(buf, " \t");
    size_t n = strlen(s);
    while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
      s[--n] = '\0';
    memmove(buf, s, n + 1);
    char why[300];
    if(!buf[0] || prb_config_valid_endpoint(buf, why, sizeof(why)))
      return;
    fprintf(out, prb_tr("That is not a server address: %s. Type it as it "
                        "was given, e.g. https://control.example.org/, or "
                        "press Enter to skip.\n"), why);
  }
  buf[0] = '\0';
}

/* Where a new configuration goes when none exists anywhere. */
static bool default_file(char *out, size_t len)
{
  if(geteuid() == 0) {
    snprintf(out, len, "%s", PRB_CONFIG_SYSTEM_FILE);
    return true;
  }
  return prb_config_user_file(out, len);
}

static json_t *url_array(const char *const *urls, size_t n)
{
  json_t *a = json_array();
  for(size_t i = 0; a && i < n; i++)
    if(json_array_append_new(a, json_string(urls[i])) < 0) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* Replaces "controls" (when controls is not NULL) and "collectors" (when
 * collectors is not NULL) in the file at path, or makes a new file. */
static int write_config(const char *path, const char *const *controls,
                        size_t nc, const char *const *collectors, size_t ncol,
                        char *why, size_t whylen)
{
  json_error_t je;
  json_t *root = access(path, F_OK) == 0 ?
                 json_load_file(path, JSON_REJECT_DUPLICATES, &je) :
                 json_pack("{s:i}", "version", PRB_CONFIG_VERSION);
  if(!json_is_object(root)) {
    snprintf(why, whylen, "%s: %s", path, root ? "not a JSON object" :
             je.text);
    json_decref(root);
    return -1;
  }
  if((controls && json_object_set_new(root, "controls",
                                      url_array(controls, nc)) < 0) ||
     (collectors && json_object_set_new(root, "collectors",
                                        url_array(collectors, ncol)) < 0)) {
    snprintf(why, whylen, "out of memory");
    json_decref(root);
    return -1;
  }
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  char dir[4096], *whole = NULL;
  if(!text || asprintf(&whole, "%s\n", text) < 0) {
    free(text);
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  free(text);
  int rc = -1;
  if(!prb_dir_of(path, dir, sizeof(dir)) || prb_mkdirs(dir, 0755, false) < 0)
    snprintf(why, whylen, "cannot create the folder of %s: %s", path,
             strerror(errno));
  else
    /* The scheduled runs' user reads it. */
    rc = prb_write_atomic_mode(path, whole, strlen(whole), 0644, why,
                               whylen);
  free(whole);
  return rc;
}

/* What the volunteer should know once the servers are set. */
static void tell(const struct prb_config *cf, const char *path, FILE *out)
{
  for(size_t i = 0; i < cf->n_controls; i++)
    fprintf(out, prb_tr("Control: %s\n"), cf->controls[i]);
  if(!cf->n_controls)
    fprintf(out, prb_tr("No control is set: runs measure without one, so "
                        "most sites that do not open will be "
                        "\"inconclusive\" (blocking cannot be told from an "
                        "outage). When your monitoring organisation gives "
                        "you a control address, run: accessprobe onboard "
                        "--control URL (docs/volunteers.md)\n"));
  for(size_t i = 0; i < cf->n_collectors; i++)
    fprintf(out, prb_tr("Collector: %s (the results are sent there)\n"),
            cf->collectors[i]);
  if(!cf->n_collectors)
    fprintf(out, "%s", prb_tr("No collector is set: the results stay on "
                              "this computer (accessprobe results shows "
                              "them).\n"));
  if(cf->ooni_upload)
    fprintf(out, "%s", prb_tr("Sending to OONI: on (\"ooni_upload\": true); "
                              "OONI publishes everything it receives, "
                              "openly.\n"));
  else
    fprintf(out, prb_tr("Sending to OONI: off (\"ooni_upload\": true in %s "
                        "turns it on).\n"), path[0] ? path :
            PRB_CONFIG_SYSTEM_FILE);
}

enum prb_exit prb_servers_setup(const struct prb_servers *given,
                                const char *config, bool ask, FILE *in,
                                FILE *out)
{
  char path[4096] = "";
  if(config)
    snprintf(path, sizeof(path), "%s", config);
  else if(!prb_config_find(path, sizeof(path)) &&
          !default_file(path, sizeof(path)))
    path[0] = '\0';
  struct prb_config cf;
  prb_config_init(&cf);
  if(access(path, F_OK) == 0 && !prb_config_load(&cf, path, stderr)) {
    fprintf(stderr, prb_tr("accessprobe: %s cannot be used, so the control "
                           "was not set; fix it (see docs/config.md) and "
                           "run `accessprobe onboard` again\n"), path);
    prb_config_free(&cf);
    return PRB_EXIT_CONFIG;
  }
  const char *controls[PRB_MAX_CONTROLS], *collectors[PRB_MAX_COLLECTORS];
  size_t nc = given->n_controls, ncol = given->n_collectors;
  memcpy(controls, given->controls, sizeof(controls));
  memcpy(collectors, given->collectors, sizeof(collectors));
  char typed_control[PRB_URL_MAX], typed_collector[PRB_URL_MAX];
  if(ask && !nc && !given->no_control && !cf.n_controls && !cf.no_control) {
    ask_url(prb_tr("The address of the control your monitoring organisation "
                   "gave you (Enter: none): "), in, out, typed_control,
            sizeof(typed_control));
    if(typed_control[0])
      controls[nc++] = typed_control;
  }
  if(ask && !ncol && !cf.n_collectors) {
    ask_url(prb_tr("The address of its collector, where results are sent "
                   "(Enter: none): "), in, out, typed_collector,
            sizeof(typed_collector));
    if(typed_collector[0])
      collectors[ncol++] = typed_collector;
  }
  bool set_controls = nc || given->no_control, set_collectors = ncol > 0;
  if(set_controls || set_collectors) {
    char why[512];
    if(!path[0]) {
      fprintf(stderr, "%s", prb_tr("accessprobe: no configuration file to "
                                   "write to: give --config FILE\n"));
      prb_config_free(&cf);
      return PRB_EXIT_USAGE;
    }
    if(write_config(path, set_controls ? controls : NULL, nc,
                    set_collectors ? collectors : NULL, ncol, why,
                    sizeof(why)) < 0) {
      fprintf(stderr, prb_tr("accessprobe: cannot write %s: %s\n"), path,
              why);
      prb_config_free(&cf);
      return PRB_EXIT_OUTPUT;
    }
    fprintf(out, prb_tr("Written to %s.\n"), path);
    /* Read back: what runs will use. */
    prb_config_free(&cf);
    prb_config_init(&cf);
    if(!prb_config_load(&cf, path, stderr)) {
      prb_config_free(&cf);
      return PRB_EXIT_CONFIG;
    }
  }
  tell(&cf, path, out);
  prb_config_free(&cf);
  return PRB_EXIT_OK;
}
