/* report_input.c: a line to a counted record (report_input.h). */
#include "report/report_input.h"
#include "analysis/reanalyze.h"
#include "common/buf.h"
#include "common/datadir.h"
#include "common/hashtab.h"
#include "lists/inputs.h"

#include <stdlib.h>
#include <string.h>

struct site_cat {
  char site[PRB_SCAN_SITE_MAX];
  char cat[PRB_CATEGORY_MAX];
};

struct prb_rep_input {
  struct prb_rep *rep, *also;
  struct prb_rep_names *names;
  FILE *err;
  struct prb_scan_rec rec;
  struct prb_evidence ev;
  bool ev_loaded;
  struct prb_jtape tape;
  struct prb_recobs *scratch;
  struct site_cat *cats;
  size_t n_cats, cap_cats;
  struct prb_hashtab cat_index;
};

static bool cat_is(const void *ctx, size_t item)
{
  const struct prb_rep_input *in = ((const void *const *)ctx)[0];
  return !strcmp(in->cats[item].site, ((const char *const *)ctx)[1]);
}

static const char *cat_of(const struct prb_rep_input *in, const char *site)
{
  const void *ctx[2] = {in, site};
  size_t i = prb_hashtab_find(&in->cat_index,
                              prb_hash_bytes(site, strlen(site)), cat_is, ctx);
  return i == PRB_HASH_NONE ? NULL : in->cats[i].cat;
}

/* The sites of the shipped lists with their categories; the first list
 * that names a site decides. */
static int load_categories(struct prb_rep_input *in)
{
  static const char *const files[] = {"kz-media.csv", "citizenlab-kz.csv",
                                      "citizenlab-global.csv"};
  struct prb_inputs list;
  char path[4096];
  int rc = 0;
  prb_inputs_init(&list);
  for(size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
    if(prb_datafile(files[f], path, sizeof(path)))
      prb_inputs_add_file(&list, path, NULL);
  for(size_t i = 0; i < list.n && !rc; i++) {
    struct site_cat sc;
    if(!list.items[i].category_code[0] ||
       !prb_scan_site(list.items[i].url, sc.site, sizeof(sc.site)) ||
       cat_of(in, sc.site))
      continue;
    snprintf(sc.cat, sizeof(sc.cat), "%s", list.items[i].category_code);
    if(!prb_array_reserve(&in->cats, &in->cap_cats, in->n_cats + 1,
                          sizeof(*in->cats), SIZE_MAX) ||
       !prb_hashtab_add(&in->cat_index,
                        prb_hash_bytes(sc.site, strlen(sc.site)), in->n_cats))
      rc = -1;
    else
      in->cats[in->n_cats++] = sc;
  }
  prb_inputs_free(&list);
  return rc;
}

struct prb_rep_input *prb_rep_input_new(struct prb_rep *rep, FILE *err)
{
  struct prb_rep_input *in = calloc(1, sizeof(*in));
  if(!in)
    return NULL;
  in->rep = rep;
  in->err = err;
  prb_jtape_init(&in->tape);
  if(load_categories(in)) {
    prb_rep_input_free(in);
    return NULL;
  }
  return in;
}

void prb_rep_input_also(struct prb_rep_input *in, struct prb_rep *also)
{
  in->also = also;
}

void prb_rep_input_names(struct prb_rep_input *in, struct prb_rep_names *names)
{
  in->names = names;
}

void prb_rep_input_free(struct prb_rep_input *in)
{
  if(!in)
    return;
  if(in->ev_loaded)
    prb_evidence_free(&in->ev);
  prb_jtape_free(&in->tape);
  free(in->scratch);
  free(in->cats);
  prb_hashtab_free(&in->cat_index);
  free(in);
}

/* A record without x_analysis, judged as `accessprobe analyze` judges it.
 * 0, 1 when the line cannot be indexed (*why), -1 out of memory. */
static int judge(struct prb_rep_input *in, const char *line, size_t len,
                 const char **why)
{
  struct prb_reanalysis ra;
  if(!in->ev_loaded) {
    prb_evidence_load(&in->ev, in->err);
    in->ev_loaded = true;
  }
  if(!in->scratch && !(in->scratch = malloc(sizeof(*in->scratch))))
    return -1;
  if(prb_jtape_parse(&in->tape, line, len)) {
    *why = in->tape.err;
    return strcmp(in->tape.err, "out of memory") ? 1 : -1;
  }
  if(prb_reanalyze(&in->ev, &in->tape, 0, in->scratch, &ra))
    return -1;
  in->rec.verdict = ra.c.x_analysis.verdict;
  in->rec.method = ra.c.x_analysis.method;
  in->rec.confirmed = in->rec.verdict == PRB_VERDICT_BLOCKED &&
                      ra.c.x_analysis.confirmed;
  return 0;
}

int prb_rep_input_line(struct prb_rep_input *in, const char *line,
                       size_t len, uint32_t file, uint64_t lineno,
                       const char **why)
{
  struct prb_scan_rec *rec = &in->rec;
  enum prb_scan_result st = prb_scan_record(line, len, rec, why);
  if(st != PRB_SCAN_OK)
    return st;
  if(rec->derived) {
    int j = judge(in, line, len, why);
    if(j)
      return j < 0 ? -1 : PRB_SCAN_BAD;
  }
  if(!rec->category[0]) {
    const char *cat = cat_of(in, rec->site);
    if(cat)
      snprintf(rec->category, sizeof(rec->category), "%s", cat);
  }
  if(prb_rep_add(in->rep, rec, file, lineno) ||
     (in->names && prb_rep_names_note(in->names, rec)))
    return -1;
  if(in->also) {
    /* the same file under the other report's own string id */
    uint32_t f = prb_rep_file(in->also, prb_rep_str(in->rep, file));
    if(f == UINT32_MAX || prb_rep_add(in->also, rec, f, lineno))
      return -1;
  }
  return PRB_SCAN_OK;
}
