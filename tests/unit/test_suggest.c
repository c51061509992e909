/* test_suggest.c: "did you mean": the edit distance and when a candidate
 * is close enough to suggest. */
#include "check.h"
#include "common/suggest.h"

int main(void)
{
  CHECK_INT(prb_suggest_distance("parallel", "parallel"), 0);
  CHECK_INT(prb_suggest_distance("paralel", "parallel"), 1);     /* drop */
  CHECK_INT(prb_suggest_distance("parrallel", "parallel"), 1);   /* add */
  CHECK_INT(prb_suggest_distance("prallel", "parallel"), 1);     /* drop */
  CHECK_INT(prb_suggest_distance("aprallel", "parallel"), 1);    /* swap */
  CHECK_INT(prb_suggest_distance("Parallel", "parallel"), 0);    /* case */
  CHECK_INT(prb_suggest_distance("", "run"), 3);
  CHECK_INT(prb_suggest_distance("kitten", "sitting"), 3);
  char big[80];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  CHECK(prb_suggest_distance(big, "a") > 1000);

  static const char *const cmds[] = {"run", "onboard", "results", "lists",
                                     "report", "helper"};
  CHECK_STR(prb_suggest("rn", cmds, 6), "run");
  CHECK_STR(prb_suggest("reslts", cmds, 6), "results");
  CHECK_STR(prb_suggest("onbaord", cmds, 6), "onboard");
  CHECK_STR(prb_suggest("Results", cmds, 6), "results");
  CHECK(prb_suggest("run", cmds, 6) == NULL);        /* not a typo */
  CHECK(prb_suggest("measure", cmds, 6) == NULL);    /* nothing close */
  CHECK(prb_suggest("x", cmds, 6) == NULL);
  /* Ties go to the first: "resuls" is one edit from "results" only. */
  CHECK_STR(prb_suggest("resuls", cmds, 6), "results");

  static const char *const keys[] = {"controls", "collectors", "parallel",
                                     "max_runtime", "state_dir"};
  CHECK_STR(prb_suggest("control", keys, 5), "controls");
  CHECK_STR(prb_suggest("colectors", keys, 5), "collectors");
  CHECK_STR(prb_suggest("maxruntime", keys, 5), "max_runtime");
  CHECK_STR(prb_suggest("statedir", keys, 5), "state_dir");
  CHECK(prb_suggest("network", keys, 5) == NULL);
  CHECK(prb_suggest("a", NULL, 0) == NULL);
  return test_summary();
}
