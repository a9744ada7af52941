#include "initial_stack.h"

#include <cpuid.h>
#include <elf.h>
#include <string.h>

#include <kiln/abi.h>

#define AUXV_PAIRS 19
#define PLATFORM   "x86_64"
/* Linux's: the FSGSBASE instructions work at ring 3, as the runtime's
 * thread switch needs them to. */
#define HWCAP2_FSGSBASE  (1u << 1)
#define CLOCK_TICKS      100
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))

struct stack_writer {
    uint8_t *host; /* host address of guest-physical `base` */
    uint64_t base;
    uint64_t top; /* grows down from stack_top */
};

static uint64_t push_bytes(struct stack_writer *w, const void *bytes, uint64_t len)
{
    w->top -= len;
    memcpy(w->host + (w->top - w->base), bytes, len);
    return w->top;
}

static uint64_t strings_size(char *const *strings, int count)
{
    uint64_t size = 0;
    for (int i = 0; i < count; i++)
        size += strlen(strings[i]) + 1;
    return size;
}

static int count_strings(char *const *strings)
{
    int count = 0;
    while (strings[count])
        count++;
    return count;
}

static void push_strings(struct stack_writer *w, char *const *strings, int count, uint64_t *gpas)
{
    for (int i = count - 1; i >= 0; i--)
        gpas[i] = push_bytes(w, strings[i], strlen(strings[i]) + 1);
    gpas[count] = 0;
}

/* What Linux puts in AT_HWCAP on x86-64: CPUID leaf 1's EDX. */
static uint64_t hwcap(void)
{
    unsigned eax, ebx, ecx, edx;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) ? edx : 0;
}

uint64_t initial_stack_build(const struct guest_mem *mem, uint64_t stack_top,
                             const struct initial_stack *in, uint64_t *execfn)
{
    int envc = count_strings(in->envp);
    uint64_t phdr_bytes = in->phdr_gpa != 0 ? 0 : (uint64_t)in->phdr_count * in->phdr_size;
    uint64_t string_bytes = strings_size(in->argv, in->argc) + strings_size(in->envp, envc);
    uint64_t vector_bytes = 8 * (1 + (uint64_t)in->argc + 1 + (uint64_t)envc + 1 + 2 * AUXV_PAIRS);
    uint64_t need =
        sizeof in->random + sizeof PLATFORM + phdr_bytes + 8 + string_bytes + vector_bytes + 16;
    if (need > INITIAL_STACK_MAX || stack_top < INITIAL_STACK_MAX || in->argc < 1)
        return 0;
    uint64_t base = stack_top - INITIAL_STACK_MAX;
    struct stack_writer w = {guest_mem_at(mem, base, INITIAL_STACK_MAX), base, stack_top};
    if (w.host == NULL)
        return 0;

    uint64_t random_gpa = push_bytes(&w, in->random, sizeof in->random);
    uint64_t platform_gpa = push_bytes(&w, PLATFORM, sizeof PLATFORM);
    w.top = ALIGN_DOWN(w.top - phdr_bytes, 8) + phdr_bytes;
    uint64_t phdr_gpa = in->phdr_gpa != 0 ? in->phdr_gpa : push_bytes(&w, in->phdrs, phdr_bytes);
    /* The System V ABI wants RSP 16-byte aligned at _start, pointing at argc. */
    uint64_t rsp = ALIGN_DOWN(w.top - string_bytes - vector_bytes, 16);
    uint64_t *words = (uint64_t *)(w.host + (rsp - base));
    uint64_t *argv = words + 1, *envp = argv + in->argc + 1, *auxv = envp + envc + 1;
    push_strings(&w, in->envp, envc, envp);
    push_strings(&w, in->argv, in->argc, argv);
    words[0] = (uint64_t)in->argc;
    const uint64_t aux[2 * AUXV_PAIRS] = {
        AT_PHDR,     phdr_gpa,
        AT_PHENT,    in->phdr_size,
        AT_PHNUM,    in->phdr_count,
        AT_PAGESZ,   KILN_PAGE_SIZE,
        AT_BASE,     in->interp_base,
        AT_FLAGS,    0,
        AT_ENTRY,    in->entry,
        AT_RANDOM,   random_gpa,
        AT_HWCAP,    hwcap(),
        AT_HWCAP2,   HWCAP2_FSGSBASE,
        AT_PLATFORM, platform_gpa,
        AT_EXECFN,   argv[0],
        AT_CLKTCK,   CLOCK_TICKS,
        AT_UID,      0,
        AT_EUID,     0,
        AT_GID,      0,
        AT_EGID,     0,
        AT_SECURE,   0,
        AT_NULL,     0,
    };
    memcpy(auxv, aux, sizeof aux);
    *execfn = argv[0];
    return rsp;
}
