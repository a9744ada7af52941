/* Dies as asked, with a global and a local set, for kiln run --dumpcore:
 * `core_dump null` writes through a null pointer in poke(), called by
 * crash_in_poke(); `core_dump abort` calls abort() from give_up(),
 * called by abort_in_give_up(), `core_dump abort_in_main` from main();
 * `core_dump spin` runs until --timeout. */
#include <stdlib.h>
#include <string.h>

/* What gdb prints of the core: set before each death.  volatile, lest
 * the compiler drop a store that nothing reads. */
volatile int crash_counter = 1;
volatile double crash_ratio;
/* NULL, where the compiler cannot see it. */
int *volatile nowhere;

__attribute__((noinline)) static void poke(int value)
{
    *nowhere = value;
}

__attribute__((noinline)) static void crash_in_poke(void)
{
    crash_counter = 42;
    /* An SSE register the core must hold: nothing on the way uses xmm7. */
    __asm__ volatile("movsd %0, %%xmm7" : : "m"(crash_ratio) : "xmm7");
    poke(crash_counter);
}

__attribute__((noinline)) static void give_up(int why)
{
    crash_counter = why;
    abort();
}

__attribute__((noinline)) static void abort_in_give_up(void)
{
    give_up(7);
}

__attribute__((noinline)) static void spin(void)
{
    crash_counter = 99;
    for (volatile unsigned long turns = 0;; turns++)
        continue;
}

int main(int argc, char **argv)
{
    crash_ratio = 2.5;
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "null") == 0)
        crash_in_poke();
    else if (strcmp(mode, "abort") == 0)
        abort_in_give_up();
    else if (strcmp(mode, "abort_in_main") == 0)
        abort();
    else if (strcmp(mode, "spin") == 0)
        spin();
    return 0;
}
