#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>

#include "monitor/unwind_table.h"

/* This test program itself, built by gcc with unwind tables, non-PIE or
 * not: its own functions are what an image's are to the core writer. */
static const uint8_t *self;
static size_t self_size;

static void map_self(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    cr_assert(fd >= 0 && fstat(fd, &st) == 0);
    self_size = (size_t)st.st_size;
    self = mmap(NULL, self_size, PROT_READ, MAP_PRIVATE, fd, 0);
    cr_assert(self != MAP_FAILED);
    close(fd);
}

static void unmap_self(void)
{
    munmap((void *)self, self_size);
}

__attribute__((noinline)) static int described(int x)
{
    return x * 3 + 1;
}

/* Where described() lies in the file's own addresses: the running
 * program may be loaded elsewhere (PIE). */
static uint64_t link_address_of(const void *function)
{
    extern char __executable_start[];
    Elf *elf = elf_memory((char *)self, self_size);
    GElf_Ehdr header;
    cr_assert(elf != NULL && gelf_getehdr(elf, &header) != NULL);
    uint64_t base = header.e_type == ET_DYN ? (uint64_t)(uintptr_t)__executable_start : 0;
    elf_end(elf);
    return (uint64_t)(uintptr_t)function - base;
}

TestSuite(unwind_table, .init = map_self, .fini = unmap_self);

Test(unwind_table, a_function_gcc_compiled_is_covered)
{
    struct unwind_table table;
    uint64_t function = link_address_of((const void *)described);
    cr_assert_eq(described(1), 4);
    cr_assert_eq(unwind_table_read(&table, self, self_size), 0);
    cr_assert(unwind_table_covers(&table, function));
    cr_assert(unwind_table_covers(&table, function + 2));
    unwind_table_free(&table);
}

Test(unwind_table, an_address_outside_every_function_is_not)
{
    struct unwind_table table;
    cr_assert_eq(unwind_table_read(&table, self, self_size), 0);
    cr_assert_not(unwind_table_covers(&table, 0x10));
    unwind_table_free(&table);
}

Test(unwind_table, bytes_that_are_no_elf_give_an_empty_table)
{
    static const uint8_t junk[64] = {1, 2, 3};
    struct unwind_table table;
    if (unwind_table_read(&table, junk, sizeof junk) == 0) {
        cr_assert_not(unwind_table_covers(&table, 0x100000));
        unwind_table_free(&table);
    }
}
