/* main.c: placeholder until the engine lands. */
#include <stdio.h>
int main(void) { puts("accessprobe " PRB_VERSION); return 0; }
