/* lists_check_driver.c: runs `lists check` without the main program, for
 * testing before (or apart from) main.c's dispatch. Usage is the same as
 * `accessprobe lists check FILE...` with "lists" left out. */
#include "lists/lists_check.h"

int main(int argc, char **argv)
{
  return prb_lists_main(argc - 1, argv + 1);
}
