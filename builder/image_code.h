/*
 * A linked image opened for rewriting its code in place: the program's
 * functions, by address, and the trampoline area runtime/kiln.ld leaves
 * in the text segment (.kiln_trampolines, int3 until written).  The file
 * is mapped shared, so writing to these bytes writes the file.
 */
#ifndef KILN_IMAGE_CODE_H
#define KILN_IMAGE_CODE_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

/* One function's bytes as linked: an STT_FUNC symbol. */
struct code_function {
    uint64_t addr;
    uint8_t *bytes;
    size_t size;
};

/* The program's code: its functions, and every address a symbol names
 * in code (a function's, or an assembly label's such as musl's
 * __cp_begin), where other code may jump. */
struct program_code {
    struct code_function *functions; /* by address, then longest first */
    size_t function_count;
    uint64_t *labels; /* ascending */
    size_t label_count;
};

/* Room for trampolines, written from the start in order. */
struct trampoline_area {
    uint64_t addr;
    uint8_t *bytes;
    size_t size;
    size_t used;
    uint64_t target; /* kiln_syscall_fast, where every trampoline ends */
};

struct image_code {
    int fd;
    uint8_t *bytes;
    size_t size;
    Elf *elf;
    struct program_code program;
    struct trampoline_area trampolines;
};

/* Opens the image at path for writing and lists its code.  The runtime's
 * own kiln_* functions are left out: they are where the trampolines lead;
 * their labels stay.
 * Returns 0, or -1 (reported). */
int image_code_open(struct image_code *code, const char *path);

void image_code_close(struct image_code *code);

#endif
