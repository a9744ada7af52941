#include "core_elf.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>

#include <kiln/abi.h>

#include "common/bits.h"
#include "common/file_io.h"

/* Linux's name for the notes of a core, and the alignment of their parts. */
#define NOTE_NAME  "CORE"
#define NOTE_ALIGN 4
#define NOTES_MAX  3
/* The guest's one process, as its getpid() answers. */
#define GUEST_PID 1
/* gdb reads NT_FPREGSET as the 512 bytes FXSAVE writes. */
#define FXSAVE_SIZE 512

_Static_assert(sizeof(((struct elf_prstatus *)0)->pr_reg) == sizeof(struct user_regs_struct),
               "pr_reg holds a struct user_regs_struct");
_Static_assert(sizeof(struct user_fpregs_struct) == FXSAVE_SIZE, "NT_FPREGSET is FXSAVE's layout");

static bool page_is_zero(const uint8_t *page)
{
    return page[0] == 0 && memcmp(page, page + 1, KILN_PAGE_SIZE - 1) == 0;
}

/* Bytes of the zero pages from host on, at most len. */
static uint64_t zero_pages(const uint8_t *host, uint64_t len)
{
    uint64_t run = 0;
    while (run < len && page_is_zero(host + run))
        run += KILN_PAGE_SIZE;
    return run;
}

static int push(struct core_segments *segments, uint64_t gpa, uint64_t size, bool zero)
{
    if (size == 0)
        return 0;
    if (segments->count == segments->capacity) {
        size_t capacity = segments->capacity ? 2 * segments->capacity : 16;
        struct core_segment *list = realloc(segments->list, capacity * sizeof *list);
        if (list == NULL)
            return -ENOMEM;
        segments->list = list;
        segments->capacity = capacity;
    }
    segments->list[segments->count++] = (struct core_segment){gpa, size, zero};
    return 0;
}

/* A zero run at the range's end costs no extra segment, whatever its
 * length. */
int core_segments_add(struct core_segments *segments, const struct guest_mem *mem, uint64_t start,
                      uint64_t end)
{
    if (start >= end)
        return 0;
    const uint8_t *host = guest_mem_at(mem, start, end - start);
    if (host == NULL || start % KILN_PAGE_SIZE != 0 || end % KILN_PAGE_SIZE != 0)
        return -EFAULT;
    uint64_t bytes_from = start; /* the first byte not yet in a segment */
    int rc = 0;
    for (uint64_t at = start; at < end && rc == 0;) {
        uint64_t run = zero_pages(host + (at - start), end - at);
        if (run >= (uint64_t)CORE_ZERO_RUN * KILN_PAGE_SIZE || (run > 0 && at + run == end)) {
            rc = push(segments, bytes_from, at - bytes_from, false);
            if (rc == 0)
                rc = push(segments, at, run, true);
            bytes_from = at + run;
        }
        at += run > 0 ? run : KILN_PAGE_SIZE;
    }
    return rc == 0 ? push(segments, bytes_from, end - bytes_from, false) : rc;
}

void core_segments_free(struct core_segments *segments)
{
    free(segments->list);
    *segments = (struct core_segments){0};
}

/* The notes, built whole: a header, the name, the description, each
 * padded to NOTE_ALIGN. */
struct notes {
    uint8_t bytes[NOTES_MAX * (sizeof(Elf64_Nhdr) + 8) + sizeof(struct elf_prstatus) +
                  sizeof(struct elf_prpsinfo) + FXSAVE_SIZE];
    size_t len;
};

static void add_note(struct notes *notes, uint32_t type, const void *desc, size_t size)
{
    const Elf64_Nhdr header = {
        .n_namesz = sizeof NOTE_NAME, .n_descsz = (Elf64_Word)size, .n_type = type};
    memcpy(notes->bytes + notes->len, &header, sizeof header);
    notes->len += sizeof header;
    memcpy(notes->bytes + notes->len, NOTE_NAME, sizeof NOTE_NAME);
    notes->len += ALIGN_UP(sizeof NOTE_NAME, NOTE_ALIGN);
    memcpy(notes->bytes + notes->len, desc, size);
    notes->len += ALIGN_UP(size, NOTE_ALIGN);
}

static void build_notes(struct notes *notes, const struct core_state *state)
{
    struct elf_prstatus status = {
        .pr_info = {.si_signo = state->signal},
        .pr_cursig = (short)state->signal,
        .pr_pid = GUEST_PID,
        .pr_fpvalid = state->has_fpregs,
    };
    memcpy(&status.pr_reg, &state->regs, sizeof status.pr_reg);
    struct elf_prpsinfo process = {.pr_sname = 'R', .pr_pid = GUEST_PID};
    memcpy(process.pr_fname, state->name, sizeof process.pr_fname);
    memcpy(process.pr_psargs, state->args, sizeof process.pr_psargs);
    _Static_assert(sizeof state->name == sizeof process.pr_fname, "pr_fname's size");
    _Static_assert(sizeof state->args == sizeof process.pr_psargs, "pr_psargs's size");
    memset(notes, 0, sizeof *notes);
    add_note(notes, NT_PRSTATUS, &status, sizeof status);
    add_note(notes, NT_PRPSINFO, &process, sizeof process);
    if (state->has_fpregs)
        add_note(notes, NT_FPREGSET, &state->fpregs, sizeof state->fpregs);
}

static Elf64_Ehdr elf_header(size_t phnum)
{
    Elf64_Ehdr header = {
        .e_type = ET_CORE,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (Elf64_Half)phnum,
    };
    memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_ident[EI_OSABI] = ELFOSABI_NONE;
    return header;
}

/* Everything before the first segment's bytes: the ELF header, the
 * program headers, the notes, and zeros to the next page.  NULL when
 * memory runs out. */
static uint8_t *build_head(const struct core_state *state, const struct core_segments *segments,
                           size_t *head_size)
{
    struct notes notes;
    build_notes(&notes, state);
    size_t phnum = 1 + segments->count;
    size_t notes_at = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    *head_size = ALIGN_UP(notes_at + notes.len, KILN_PAGE_SIZE);
    uint8_t *head = calloc(1, *head_size);
    if (head == NULL)
        return NULL;
    Elf64_Ehdr header = elf_header(phnum);
    memcpy(head, &header, sizeof header);
    Elf64_Phdr *phdrs = (Elf64_Phdr *)(head + sizeof header);
    phdrs[0] = (Elf64_Phdr){
        .p_type = PT_NOTE, .p_offset = notes_at, .p_filesz = notes.len, .p_align = NOTE_ALIGN};
    uint64_t offset = *head_size;
    for (size_t i = 0; i < segments->count; i++) {
        const struct core_segment *segment = &segments->list[i];
        uint64_t in_file = segment->zero ? 0 : segment->size;
        phdrs[1 + i] = (Elf64_Phdr){
            .p_type = PT_LOAD,
            .p_flags = PF_R | PF_W | PF_X,
            .p_offset = offset,
            .p_vaddr = segment->gpa,
            .p_paddr = segment->gpa,
            .p_filesz = in_file,
            .p_memsz = segment->size,
            .p_align = KILN_PAGE_SIZE,
        };
        offset += in_file;
    }
    memcpy(head + notes_at, notes.bytes, notes.len);
    return head;
}

static int write_whole(int fd, const void *bytes, size_t len)
{
    errno = 0;
    if (write_all(fd, bytes, len) == (ssize_t)len)
        return 0;
    return errno != 0 ? -errno : -EIO;
}

int core_elf_write(int fd, const struct core_state *state, const struct core_segments *segments,
                   const struct guest_mem *mem)
{
    if (segments->count + 1 >= PN_XNUM)
        return -E2BIG;
    size_t head_size;
    uint8_t *head = build_head(state, segments, &head_size);
    if (head == NULL)
        return -ENOMEM;
    int rc = write_whole(fd, head, head_size);
    free(head);
    for (size_t i = 0; i < segments->count && rc == 0; i++) {
        const struct core_segment *segment = &segments->list[i];
        const void *bytes = guest_mem_at(mem, segment->gpa, segment->size);
        if (segment->zero)
            continue;
        rc = bytes != NULL ? write_whole(fd, bytes, segment->size) : -EFAULT;
    }
    return rc;
}
