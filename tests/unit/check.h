/* check.h: the few assertions the unit tests need, and a closing line
 * ctest and people can read. Each failed CHECK prints file:line and the
 * expression and counts; main returns test_summary(). */
#ifndef PRB_TEST_CHECK_H
#define PRB_TEST_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(expr) do { \
    if(expr) check_passed++; \
    else { check_failed++; \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); } \
  } while(0)

#define CHECK_STR(got, want) do { \
    const char *g_ = (got), *w_ = (want); \
    if(g_ && w_ && !strcmp(g_, w_)) check_passed++; \
    else { check_failed++; \
      fprintf(stderr, "%s:%d: CHECK_STR failed: %s is \"%s\", want \"%s\"\n", \
              __FILE__, __LINE__, #got, g_ ? g_ : "(null)", \
              w_ ? w_ : "(null)"); } \
  } while(0)

#define CHECK_INT(got, want) do { \
    long long g_ = (long long)(got), w_ = (long long)(want); \
    if(g_ == w_) check_passed++; \
    else { check_failed++; \
      fprintf(stderr, "%s:%d: CHECK_INT failed: %s is %lld, want %lld\n", \
              __FILE__, __LINE__, #got, g_, w_); } \
  } while(0)

static inline int test_summary(void)
{
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}
#endif
