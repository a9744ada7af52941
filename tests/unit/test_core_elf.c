#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "monitor/core_elf.h"

#define RAM  (4ull << 20)
#define PAGE KILN_PAGE_SIZE

static struct guest_mem mem;
static struct core_segments segments;

static void setup(void)
{
    cr_assert_eq(guest_mem_map(&mem, RAM), 0);
    segments = (struct core_segments){0};
}

static void teardown(void)
{
    core_segments_free(&segments);
    guest_mem_unmap(&mem);
}

static void put(uint64_t gpa, uint8_t byte)
{
    *(uint8_t *)guest_mem_at(&mem, gpa, 1) = byte;
}

static void assert_segment(size_t i, uint64_t gpa, uint64_t size, bool zero)
{
    cr_assert_lt(i, segments.count);
    cr_assert_eq(segments.list[i].gpa, gpa, "segment %zu at 0x%lx", i, segments.list[i].gpa);
    cr_assert_eq(segments.list[i].size, size, "segment %zu of 0x%lx", i, segments.list[i].size);
    cr_assert_eq(segments.list[i].zero, zero);
}

/* The core written to a memory file, whole. */
static uint8_t *write_core(const struct core_state *state, size_t *size)
{
    int fd = memfd_create("core", 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(core_elf_write(fd, state, &segments, &mem), 0);
    off_t end = lseek(fd, 0, SEEK_END);
    uint8_t *bytes = malloc((size_t)end);
    cr_assert_eq(pread(fd, bytes, (size_t)end, 0), end);
    close(fd);
    *size = (size_t)end;
    return bytes;
}

/* The description of the note of type in the core's PT_NOTE, or NULL. */
static const uint8_t *find_note(const uint8_t *core, uint32_t type, uint32_t *size)
{
    const Elf64_Ehdr *header = (const Elf64_Ehdr *)core;
    const Elf64_Phdr *note = (const Elf64_Phdr *)(core + header->e_phoff);
    cr_assert_eq(note->p_type, PT_NOTE);
    for (uint64_t at = note->p_offset; at < note->p_offset + note->p_filesz;) {
        const Elf64_Nhdr *n = (const Elf64_Nhdr *)(core + at);
        const uint8_t *desc = core + at + sizeof *n + ((n->n_namesz + 3) & ~3u);
        cr_assert_str_eq((const char *)(n + 1), "CORE");
        if (n->n_type == type) {
            *size = n->n_descsz;
            return desc;
        }
        at = (uint64_t)(desc - core) + ((n->n_descsz + 3) & ~3u);
    }
    return NULL;
}

TestSuite(core_elf, .init = setup, .fini = teardown);

Test(core_elf, keeps_pages_with_bytes_and_leaves_long_zero_runs_out_of_the_file)
{
    put(0x1000, 1);
    put(0x1000 + (CORE_ZERO_RUN + 1) * PAGE, 2);
    cr_assert_eq(core_segments_add(&segments, &mem, 0x1000, 0x200000), 0);
    cr_assert_eq(segments.count, 4);
    assert_segment(0, 0x1000, PAGE, false);
    assert_segment(1, 0x2000, CORE_ZERO_RUN * PAGE, true);
    assert_segment(2, 0x2000 + CORE_ZERO_RUN * PAGE, PAGE, false);
    assert_segment(3, 0x3000 + CORE_ZERO_RUN * PAGE, 0x200000 - (0x3000 + CORE_ZERO_RUN * PAGE),
                   true);
}

Test(core_elf, writes_short_zero_runs_as_bytes)
{
    put(0x1000, 1);
    put(0x1000 + 3 * PAGE, 2);
    cr_assert_eq(core_segments_add(&segments, &mem, 0x1000, 0x1000 + 4 * PAGE), 0);
    cr_assert_eq(segments.count, 1);
    assert_segment(0, 0x1000, 4 * PAGE, false);
}

Test(core_elf, refuses_a_range_outside_guest_memory)
{
    cr_assert_eq(core_segments_add(&segments, &mem, RAM - PAGE, RAM + PAGE), -EFAULT);
    cr_assert_eq(segments.count, 0);
}

Test(core_elf, writes_an_x86_64_core_with_a_load_segment_per_stretch)
{
    put(0x1000, 0xab);
    cr_assert_eq(core_segments_add(&segments, &mem, 0x1000, 0x2000), 0);
    cr_assert_eq(core_segments_add(&segments, &mem, RAM - CORE_ZERO_RUN * PAGE, RAM), 0);
    size_t size;
    uint8_t *core = write_core(&(struct core_state){.signal = SIGSEGV}, &size);
    const Elf64_Ehdr *header = (const Elf64_Ehdr *)core;
    cr_assert_eq(memcmp(header->e_ident, ELFMAG, SELFMAG), 0);
    cr_assert_eq(header->e_ident[EI_CLASS], ELFCLASS64);
    cr_assert_eq(header->e_type, ET_CORE);
    cr_assert_eq(header->e_machine, EM_X86_64);
    cr_assert_eq(header->e_phnum, 3);
    const Elf64_Phdr *load = (const Elf64_Phdr *)(core + header->e_phoff) + 1;
    cr_assert_eq(load[0].p_type, PT_LOAD);
    cr_assert_eq(load[0].p_vaddr, 0x1000);
    cr_assert_eq(load[0].p_filesz, PAGE);
    cr_assert_eq(load[0].p_offset % PAGE, 0);
    cr_assert_eq(core[load[0].p_offset], 0xab);
    cr_assert_eq(load[1].p_vaddr, RAM - CORE_ZERO_RUN * PAGE);
    cr_assert_eq(load[1].p_filesz, 0, "zero pages take no room in the file");
    cr_assert_eq(load[1].p_memsz, CORE_ZERO_RUN * PAGE);
    cr_assert_eq(size, load[0].p_offset + PAGE);
    free(core);
}

Test(core_elf, puts_the_registers_in_prstatus_as_gdb_reads_them)
{
    struct core_state state = {.signal = SIGABRT, .has_fpregs = true};
    state.regs.rip = 0x100250;
    state.regs.rsp = 0x7fffd60;
    state.regs.fs_base = 0x11b000;
    state.fpregs.mxcsr = 0x1f80;
    memcpy(state.name, "app.kiln", sizeof "app.kiln");
    memcpy(state.args, "app one", sizeof "app one");
    size_t size;
    uint32_t note_size;
    uint8_t *core = write_core(&state, &size);
    const struct elf_prstatus *status = (const void *)find_note(core, NT_PRSTATUS, &note_size);
    cr_assert_not_null(status);
    cr_assert_eq(note_size, sizeof *status);
    cr_assert_eq(status->pr_cursig, SIGABRT);
    const struct user_regs_struct *regs = (const void *)&status->pr_reg;
    cr_assert_eq(regs->rip, 0x100250);
    cr_assert_eq(regs->rsp, 0x7fffd60);
    cr_assert_eq(regs->fs_base, 0x11b000);
    cr_assert(status->pr_fpvalid);
    const struct elf_prpsinfo *process = (const void *)find_note(core, NT_PRPSINFO, &note_size);
    cr_assert_not_null(process);
    cr_assert_str_eq(process->pr_fname, "app.kiln");
    cr_assert_str_eq(process->pr_psargs, "app one");
    const struct user_fpregs_struct *fp = (const void *)find_note(core, NT_FPREGSET, &note_size);
    cr_assert_not_null(fp);
    cr_assert_eq(note_size, 512);
    cr_assert_eq(fp->mxcsr, 0x1f80);
    free(core);
}

Test(core_elf, leaves_out_the_fp_registers_it_does_not_have)
{
    size_t size;
    uint32_t note_size;
    uint8_t *core = write_core(&(struct core_state){.signal = SIGSEGV}, &size);
    cr_assert_null(find_note(core, NT_FPREGSET, &note_size));
    free(core);
}
