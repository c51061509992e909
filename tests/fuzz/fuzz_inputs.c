/* fuzz_inputs.c: lists/inputs.c loading a list file (plain, one URL a
 * line, or a Citizen Lab CSV when the first line is its header), and
 * volunteer/resume.c's filter over the list.
 *
 * Properties: every URL kept is canonical and found by prb_inputs_find, no
 * two are the same, category codes are short capitals and digits, every
 * origin names the file and a line of it; kept, bad and duplicate lines
 * together are no more than the lines; the resume filter drops exactly
 * the inputs already done and keeps the order of the rest. */
#include "fuzz.h"

#include "common/url.h"
#include "lists/inputs.h"
#include "volunteer/resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof(path));
  struct prb_inputs in;
  prb_inputs_init(&in);
  int rc = prb_inputs_add_file(&in, path, fuzz_devnull());
  close(fd);
  FUZZ_CHECK(rc == PRB_LOAD_OK);

  size_t lines = 1;
  for(size_t i = 0; i < size; i++)
    lines += data[i] == '\n' || data[i] == '\r';
  FUZZ_CHECK(in.n + in.n_bad + in.n_dup <= lines);
  for(size_t i = 0; i < in.n; i++) {
    const struct prb_input *it = &in.items[i];
    char canon[PRB_URL_MAX];
    const char *why;
    FUZZ_CHECK(prb_url_canonical(it->url, canon, sizeof(canon), &why) == 0);
    FUZZ_CHECK(!strcmp(canon, it->url));
    FUZZ_CHECK(prb_inputs_find(&in, it->url) == it);
    FUZZ_CHECK(!strncmp(it->origin, path, strlen(path)) &&
               it->origin[strlen(path)] == ':' &&
               atol(it->origin + strlen(path) + 1) >= 1);
    FUZZ_CHECK(strspn(it->category_code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789") == strlen(it->category_code));
  }

  /* Every other input already has a record: the rest is measured. */
  struct prb_resume r;
  struct prb_inputs rest;
  prb_resume_init(&r);
  prb_inputs_init(&rest);
  for(size_t i = 0; i < in.n; i += 2)
    FUZZ_CHECK(prb_inputs_add_url(&r.done, in.items[i].url, NULL, "resumed",
                                  NULL) == PRB_LOAD_OK);
  long skipped = prb_resume_filter(&r, &in, &rest);
  FUZZ_CHECK(skipped == (long)((in.n + 1) / 2));
  FUZZ_CHECK(rest.n == in.n / 2);
  for(size_t i = 0; i < rest.n; i++) {
    FUZZ_CHECK(!strcmp(rest.items[i].url, in.items[2 * i + 1].url));
    FUZZ_CHECK(!strcmp(rest.items[i].category_code,
                       in.items[2 * i + 1].category_code));
  }
  prb_inputs_free(&rest);
  prb_resume_free(&r);
  prb_inputs_free(&in);
  return 0;
}
