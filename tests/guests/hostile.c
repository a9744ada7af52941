/*
 * A guest that attacks the monitor, one way per run: `hostile CASE`.
 * Each case hands a hypercall a bad address, rings the doorbell wrongly,
 * touches memory it may not, or runs an instruction ring 3 may not.  The
 * monitor must end the run with one clear line; a case that returns (the
 * ones that must not end the run) prints "survived" and exits 0, unless
 * what it saw was wrong: then it exits CASE_WRONG, so that kiln test can
 * run those cases (tests/e2e/self_tests.bats).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/abi.h>

/* Past every RAM size (16 MiB to 4 GiB, but 4 GiB is the doorbell) and the
 * last byte a 32-bit argument address can name. */
#define CASE_WRONG      1
#define FAR_GPA         0xfffffff0u
#define DOORBELL_PAGE   (2ull << 20)
#define HUGE_MALLOC     (1ull << 30)
#define MALLOC_STEP     (1u << 20)
#define SELF_LOOP_WORDS 2

static const struct kiln_boot_info *boot_info(void)
{
    return (const struct kiln_boot_info *)(uintptr_t)KILN_BOOT_INFO_GPA;
}

static uint64_t mem_size(void)
{
    return boot_info()->mem_size;
}

static void *at(uint64_t gpa)
{
    return (void *)(uintptr_t)gpa;
}

/* A hypercall whose argument block lies far past RAM. */
static void args_outside_ram(uint32_t nr)
{
    kiln_hypercall(nr, FAR_GPA);
}

static void args_outside_ram_write(void)
{
    args_outside_ram(KILN_HC_WRITE);
}

static void args_outside_ram_read(void)
{
    args_outside_ram(KILN_HC_READ);
}

static void args_outside_ram_walltime(void)
{
    args_outside_ram(KILN_HC_WALLTIME);
}

static void args_outside_ram_sleep(void)
{
    args_outside_ram(KILN_HC_SLEEP);
}

static void args_outside_ram_exit(void)
{
    args_outside_ram(KILN_HC_EXIT);
}

static void args_outside_ram_abort(void)
{
    args_outside_ram(KILN_HC_ABORT);
}

/* The block starts inside RAM and runs off its end. */
static void args_straddle_end(void)
{
    kiln_hypercall(KILN_HC_WRITE, (uint32_t)(mem_size() - sizeof(struct kiln_hc_io) / 2));
}

/* WALLTIME would write the time over the read-only boot info page. */
static void args_in_boot_info(void)
{
    kiln_hypercall(KILN_HC_WALLTIME, KILN_BOOT_INFO_GPA);
}

static void args_at_zero(void)
{
    kiln_hypercall(KILN_HC_SLEEP, 0);
}

/* EXIT's block one byte past where any compiler would put it. */
static void args_misaligned(void)
{
    static struct kiln_hc_exit blocks[2];
    kiln_hypercall(KILN_HC_EXIT, (uint32_t)(uintptr_t)blocks + 1);
}

static void io_call(uint32_t nr, uint32_t fd, uint64_t buf, uint64_t len)
{
    struct kiln_hc_io io = {.fd = fd, .buf = buf, .len = len};
    kiln_hypercall(nr, (uint32_t)(uintptr_t)&io);
}

static void buffer_wraps(void)
{
    io_call(KILN_HC_WRITE, 1, UINT64_MAX - 7, 16);
}

static void buffer_huge(void)
{
    static char byte;
    io_call(KILN_HC_WRITE, 1, (uint64_t)(uintptr_t)&byte, UINT64_MAX);
}

static void buffer_straddle_end(void)
{
    io_call(KILN_HC_WRITE, 1, mem_size() - 8, 16);
}

static void buffer_in_doorbell(void)
{
    io_call(KILN_HC_WRITE, 1, KILN_DOORBELL_GPA, 4);
}

/* READ would let the host write the guest's page tables for it. */
static void read_into_page_tables(void)
{
    io_call(KILN_HC_READ, 0, KILN_PAGE_TABLES_GPA, KILN_PAGE_SIZE);
}

static void read_into_boot_info(void)
{
    io_call(KILN_HC_READ, 0, KILN_BOOT_INFO_GPA, sizeof(struct kiln_boot_info));
}

static void unknown_hypercall(void)
{
    struct kiln_hc_walltime args = {0};
    kiln_hypercall(KILN_HC_COUNT, (uint32_t)(uintptr_t)&args);
}

static void last_doorbell_slot(void)
{
    kiln_hypercall(DOORBELL_PAGE / KILN_DOORBELL_SLOT - 1, 0);
}

static void doorbell_read(void)
{
    volatile uint32_t *slot = at(KILN_DOORBELL_GPA);
    (void)*slot;
}

static void doorbell_misaligned(void)
{
    volatile uint32_t *slot = at(KILN_DOORBELL_GPA + 2);
    *slot = 0;
}

static void doorbell_wide(void)
{
    volatile uint64_t *slot = at(KILN_DOORBELL_GPA);
    *slot = 0;
}

static void doorbell_byte(void)
{
    volatile uint8_t *slot = at(KILN_DOORBELL_GPA);
    *slot = 0;
}

static void past_doorbell_page(void)
{
    volatile uint32_t *slot = at(KILN_DOORBELL_GPA + DOORBELL_PAGE);
    *slot = 0;
}

/* Eight bytes, the low four in RAM's last word, the high four in the
 * doorbell's first slot (only with --mem 4G). */
static void store_straddles_ram_and_doorbell(void)
{
    volatile uint64_t *word = at(mem_size() - 4);
    *word = (uint64_t)FAR_GPA << 32;
}

static void exec_doorbell(void)
{
    void (*code)(void) = at(KILN_DOORBELL_GPA);
    code();
}

static void exec_stack(void)
{
    volatile uint8_t ret[16] = {0xc3};
    void (*code)(void) = (void (*)(void))(uintptr_t)ret;
    code();
}

static void call_null(void)
{
    void (*volatile code)(void) = NULL;
    code();
}

static void write_boot_info(void)
{
    volatile uint64_t *word = at(KILN_BOOT_INFO_GPA);
    *word = 0;
}

static void write_first_mib(void)
{
    volatile uint64_t *word = at(KILN_IDT_GPA);
    *word = 0;
}

static void read_page_tables(void)
{
    volatile uint64_t *word = at(KILN_PAGE_TABLES_GPA);
    (void)*word;
}

static void read_past_ram(void)
{
    volatile uint64_t *word = at(mem_size());
    (void)*word;
}

static void hlt(void)
{
    __asm__ volatile("hlt");
}

static void cli(void)
{
    __asm__ volatile("cli");
}

static void port_out(void)
{
    __asm__ volatile("outb %%al, $0x80" : : "a"(0));
}

static void port_in(void)
{
    uint8_t value;
    __asm__ volatile("inb $0x4b, %0" : "=a"(value));
}

static void int3(void)
{
    __asm__ volatile("int3");
}

static void ud2(void)
{
    __asm__ volatile("ud2");
}

static void int80(void)
{
    __asm__ volatile("int $0x80");
}

static void divide_by_zero(void)
{
    __asm__ volatile("divl %0" : : "r"(0), "a"(1), "d"(0));
}

static void rdmsr(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
}

static void write_cr3(void)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(0ul));
}

/* SYSCALL at ring 3 with a stack pointer the ring-0 entry cannot push to:
 * a fault at ring 0. */
static void syscall_without_stack(void)
{
    __asm__ volatile("mov $0x10, %%rsp\n\tsyscall" : : "a"(39) : "rcx", "r11", "memory");
}

static void huge_malloc(void)
{
    void *block = malloc(HUGE_MALLOC);
    printf("malloc 1 GiB: %s\n", block == NULL ? "NULL" : "granted");
    if (block != NULL)
        exit(CASE_WRONG);
}

/* Takes memory a MiB at a time, touching all of it, until malloc says no. */
static void malloc_until_null(void)
{
    uint64_t total = 0;
    void *block;
    while ((block = malloc(MALLOC_STEP)) != NULL) {
        memset(block, 1, MALLOC_STEP);
        total += MALLOC_STEP;
    }
    printf("malloc until NULL: %s\n", total < mem_size() ? "within --mem" : "past --mem");
    if (total >= mem_size())
        exit(CASE_WRONG);
}

static void walltime_forever(void)
{
    struct kiln_hc_walltime args;
    for (;;)
        kiln_hypercall(KILN_HC_WALLTIME, (uint32_t)(uintptr_t)&args);
}

static void sleep_forever(void)
{
    struct kiln_hc_sleep args = {.ns = UINT64_MAX};
    for (;;)
        kiln_hypercall(KILN_HC_SLEEP, (uint32_t)(uintptr_t)&args);
}

static void read_forever(void)
{
    char byte;
    for (;;)
        io_call(KILN_HC_READ, 0, (uint64_t)(uintptr_t)&byte, 1);
}

static void exit_status_garbage(void)
{
    struct kiln_hc_exit args = {.status = 0x7fffff2a};
    kiln_hypercall(KILN_HC_EXIT, (uint32_t)(uintptr_t)&args);
}

static void abort_unknown_signal(void)
{
    struct kiln_hc_abort args = {.reason = KILN_ABORT_SIGNAL, .detail = 9999};
    kiln_hypercall(KILN_HC_ABORT, (uint32_t)(uintptr_t)&args);
}

/* READY belongs to kiln serve's snapshot; kiln run refuses it. */
static void ready_outside_serve(void)
{
    struct kiln_hc_ready args = {0};
    kiln_hypercall(KILN_HC_READY, (uint32_t)(uintptr_t)&args);
}

/* A frame-pointer chain that points at itself, then one that wraps. */
static void abort_looping_frames(void)
{
    static uint64_t frame[SELF_LOOP_WORDS];
    frame[0] = (uint64_t)(uintptr_t)frame;
    frame[1] = (uint64_t)(uintptr_t)abort_looping_frames;
    struct kiln_hc_abort args = {.reason = 77,
                                 .detail = 1,
                                 .rip = UINT64_MAX,
                                 .rsp = UINT64_MAX,
                                 .rbp = (uint64_t)(uintptr_t)frame};
    kiln_hypercall(KILN_HC_ABORT, (uint32_t)(uintptr_t)&args);
}

static void abort_wrapping_frames(void)
{
    struct kiln_hc_abort args = {
        .reason = KILN_ABORT_SIGNAL, .detail = 6, .rip = 0, .rsp = 0, .rbp = UINT64_MAX - 7};
    kiln_hypercall(KILN_HC_ABORT, (uint32_t)(uintptr_t)&args);
}

static const struct attack {
    const char *name;
    void (*run)(void);
} attacks[] = {
    {"args-outside-ram-write", args_outside_ram_write},
    {"args-outside-ram-read", args_outside_ram_read},
    {"args-outside-ram-walltime", args_outside_ram_walltime},
    {"args-outside-ram-sleep", args_outside_ram_sleep},
    {"args-outside-ram-exit", args_outside_ram_exit},
    {"args-outside-ram-abort", args_outside_ram_abort},
    {"args-straddle-end", args_straddle_end},
    {"args-in-boot-info", args_in_boot_info},
    {"args-at-zero", args_at_zero},
    {"args-misaligned", args_misaligned},
    {"buffer-wraps", buffer_wraps},
    {"buffer-huge", buffer_huge},
    {"buffer-straddle-end", buffer_straddle_end},
    {"buffer-in-doorbell", buffer_in_doorbell},
    {"read-into-page-tables", read_into_page_tables},
    {"read-into-boot-info", read_into_boot_info},
    {"unknown-hypercall", unknown_hypercall},
    {"last-doorbell-slot", last_doorbell_slot},
    {"doorbell-read", doorbell_read},
    {"doorbell-misaligned", doorbell_misaligned},
    {"doorbell-wide", doorbell_wide},
    {"doorbell-byte", doorbell_byte},
    {"past-doorbell-page", past_doorbell_page},
    {"store-straddles-ram-and-doorbell", store_straddles_ram_and_doorbell},
    {"exec-doorbell", exec_doorbell},
    {"exec-stack", exec_stack},
    {"call-null", call_null},
    {"write-boot-info", write_boot_info},
    {"write-first-mib", write_first_mib},
    {"read-page-tables", read_page_tables},
    {"read-past-ram", read_past_ram},
    {"hlt", hlt},
    {"cli", cli},
    {"port-out", port_out},
    {"port-in", port_in},
    {"int3", int3},
    {"ud2", ud2},
    {"int80", int80},
    {"divide-by-zero", divide_by_zero},
    {"rdmsr", rdmsr},
    {"write-cr3", write_cr3},
    {"syscall-without-stack", syscall_without_stack},
    {"huge-malloc", huge_malloc},
    {"malloc-until-null", malloc_until_null},
    {"walltime-forever", walltime_forever},
    {"sleep-forever", sleep_forever},
    {"read-forever", read_forever},
    {"exit-status-garbage", exit_status_garbage},
    {"abort-unknown-signal", abort_unknown_signal},
    {"abort-looping-frames", abort_looping_frames},
    {"abort-wrapping-frames", abort_wrapping_frames},
    {"ready-outside-serve", ready_outside_serve},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: hostile CASE\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
        if (strcmp(argv[1], attacks[i].name) == 0) {
            attacks[i].run();
            printf("survived\n");
            return 0;
        }
    }
    fprintf(stderr, "hostile: no case %s\n", argv[1]);
    return 2;
}
