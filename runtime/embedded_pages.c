#include "embedded_pages.h"
#include "hypercall.h"
#include <stdbool.h>

#define PIECE      (2ull << 20)
#define PIECES_MAX (KILN_MEM_MAX / PIECE)

/* One bit per 2 MiB piece of guest RAM already asked for: one exit each. */
struct pieces {
    uint64_t asked[PIECES_MAX / 64];
};

static struct pieces *pieces_get(void)
{
    static struct pieces pieces;
    return &pieces;
}

static bool asked(uint64_t piece)
{
    struct pieces *p = pieces_get();
    bool was = p->asked[piece / 64] & (1ull << (piece % 64));
    p->asked[piece / 64] |= 1ull << (piece % 64);
    return was;
}

void embedded_pages_want(const char *bytes, uint64_t len, uint64_t file_size)
{
    uint64_t start = (uint64_t)(uintptr_t)bytes;
    if (file_size < EMBEDDED_PAGES_BIG_FILE || len == 0 || start + len > KILN_MEM_MAX)
        return;
    for (uint64_t piece = start / PIECE; piece <= (start + len - 1) / PIECE; piece++)
        if (!asked(piece))
            hypercall_memory(piece * PIECE, (piece + 1) * PIECE);
}
