#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <elf.h>
#include <string.h>

#include <kiln/abi.h>

#include "monitor/image.h"

/* A smallest valid kiln image, made by hand so each test can break one
 * thing: one executable segment at 1 MiB holding the whole file, and the
 * KILN note inside it. */
#define FILE_SIZE   0x1000
#define NOTE_OFFSET 0x200
#define CODE_GPA    KILN_IMAGE_BASE
#define PHDRS       2

struct __attribute__((packed)) elf_note {
    Elf64_Nhdr header;
    char name[8];
    struct kiln_note desc;
};

static uint8_t file[FILE_SIZE];
static Elf64_Ehdr *ehdr = (Elf64_Ehdr *)file;
static Elf64_Phdr *phdr = (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr));
static struct elf_note *note = (struct elf_note *)(file + NOTE_OFFSET);
static struct image image;

static void make_valid_image(void)
{
    memset(file, 0, sizeof file);
    memcpy(ehdr->e_ident, ELFMAG, SELFMAG);
    ehdr->e_ident[EI_CLASS] = ELFCLASS64;
    ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
    ehdr->e_ident[EI_VERSION] = EV_CURRENT;
    ehdr->e_type = ET_EXEC;
    ehdr->e_machine = EM_X86_64;
    ehdr->e_version = EV_CURRENT;
    ehdr->e_entry = CODE_GPA + 0x10;
    ehdr->e_phoff = sizeof(Elf64_Ehdr);
    ehdr->e_ehsize = sizeof(Elf64_Ehdr);
    ehdr->e_phentsize = sizeof(Elf64_Phdr);
    ehdr->e_phnum = PHDRS;
    phdr[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                           .p_flags = PF_R | PF_W | PF_X,
                           .p_offset = 0,
                           .p_vaddr = CODE_GPA,
                           .p_paddr = CODE_GPA,
                           .p_filesz = FILE_SIZE,
                           .p_memsz = FILE_SIZE,
                           .p_align = KILN_PAGE_SIZE};
    phdr[1] = (Elf64_Phdr){.p_type = PT_NOTE,
                           .p_flags = PF_R,
                           .p_offset = NOTE_OFFSET,
                           .p_vaddr = CODE_GPA + NOTE_OFFSET,
                           .p_filesz = sizeof *note,
                           .p_memsz = sizeof *note,
                           .p_align = 4};
    note->header = (Elf64_Nhdr){.n_namesz = sizeof KILN_NOTE_NAME,
                                .n_descsz = sizeof(struct kiln_note),
                                .n_type = KILN_NOTE_TYPE};
    memcpy(note->name, KILN_NOTE_NAME, sizeof KILN_NOTE_NAME);
    note->desc = (struct kiln_note){
        .abi_version = KILN_ABI_VERSION,
        .default_mem = KILN_MEM_DEFAULT,
        .syscall_entry = CODE_GPA + 0x100,
        .exception_entries = CODE_GPA + 0x400,
        .events = CODE_GPA + 0x800,
    };
}

static int parse(size_t size)
{
    return image_parse(&image, "app.kiln", file, size);
}

static void expect_rejected(const char *message)
{
    cr_assert_eq(parse(sizeof file), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(message);
}

TestSuite(image, .init = make_valid_image);
TestSuite(image_rejects, .init = make_valid_image);

Test(image, accepts_a_valid_image_and_reads_its_note)
{
    cr_assert_eq(parse(sizeof file), 0);
    cr_assert_eq(image.entry, CODE_GPA + 0x10);
    cr_assert_eq(image.segment_count, 1);
    cr_assert_eq(image.end, CODE_GPA + FILE_SIZE);
    cr_assert_eq(image.phdr_count, PHDRS);
    cr_assert_eq(image.note.default_mem, KILN_MEM_DEFAULT);
    cr_assert_eq(image.note.syscall_entry, CODE_GPA + 0x100);
}

Test(image, loads_its_segments_into_guest_memory)
{
    static uint8_t ram[4 << 20];
    struct guest_mem mem = {.host = ram, .size = sizeof ram};
    file[0x800] = 0xf4;
    cr_assert_eq(parse(sizeof file), 0);
    cr_assert_eq(image_load(&image, &mem), 0);
    cr_assert_eq(ram[CODE_GPA + 0x800], 0xf4);
}

Test(image_rejects, random_bytes, .init = cr_redirect_stderr)
{
    make_valid_image();
    memset(file, 0x5a, sizeof file);
    expect_rejected("kiln: app.kiln: not an ELF file\n");
}

Test(image_rejects, a_file_shorter_than_an_elf_header, .init = cr_redirect_stderr)
{
    make_valid_image();
    cr_assert_eq(parse(8), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str("kiln: app.kiln: not an ELF file\n");
}

Test(image_rejects, a_truncated_file, .init = cr_redirect_stderr)
{
    make_valid_image();
    cr_assert_eq(parse(FILE_SIZE / 2), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "kiln: app.kiln: segment 0: file bytes lie past the end of the file (truncated?)\n");
}

Test(image_rejects, a_32_bit_elf, .init = cr_redirect_stderr)
{
    make_valid_image();
    ehdr->e_ident[EI_CLASS] = ELFCLASS32;
    expect_rejected("kiln: app.kiln: not a 64-bit ELF file (class 1)\n");
}

Test(image_rejects, another_machine, .init = cr_redirect_stderr)
{
    make_valid_image();
    ehdr->e_machine = EM_AARCH64;
    expect_rejected("kiln: app.kiln: built for ELF machine 183, not x86-64\n");
}

Test(image_rejects, a_position_independent_executable, .init = cr_redirect_stderr)
{
    make_valid_image();
    ehdr->e_type = ET_DYN;
    expect_rejected("kiln: app.kiln: a position-independent or shared object, not a kiln image\n");
}

Test(image_rejects, a_dynamically_linked_executable, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[1].p_type = PT_INTERP;
    expect_rejected("kiln: app.kiln: dynamically linked; kiln images are static\n");
}

Test(image_rejects, a_segment_in_the_reserved_first_mib, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[0].p_vaddr = KILN_IDT_GPA;
    expect_rejected("kiln: app.kiln: segment 0: starts at 0x2000, inside the first MiB kiln "
                    "reserves\n");
}

Test(image_rejects, a_segment_past_guest_memory, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[0].p_memsz = KILN_MEM_MAX;
    expect_rejected("kiln: app.kiln: segment 0: 0x100000000 bytes at 0x100000 end past guest "
                    "memory\n");
}

Test(image_rejects, a_memory_size_that_wraps, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[0].p_memsz = UINT64_MAX - 0x1000;
    expect_rejected("kiln: app.kiln: segment 0: 0xffffffffffffefff bytes at 0x100000 end past "
                    "guest memory\n");
}

Test(image_rejects, a_file_size_beyond_the_memory_size, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[0].p_memsz = 0x10;
    expect_rejected("kiln: app.kiln: segment 0: file size 0x1000 exceeds memory size 0x10\n");
}

Test(image_rejects, overlapping_segments, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[1] = phdr[0];
    phdr[1].p_vaddr += 0x800;
    expect_rejected("kiln: app.kiln: segment 1 overlaps an earlier segment\n");
}

Test(image_rejects, an_entry_outside_executable_segments, .init = cr_redirect_stderr)
{
    make_valid_image();
    ehdr->e_entry = 0x200000;
    expect_rejected("kiln: app.kiln: entry point 0x200000 is not in an executable segment\n");
}

Test(image_rejects, an_entry_in_a_segment_that_is_not_executable, .init = cr_redirect_stderr)
{
    make_valid_image();
    phdr[0].p_flags = PF_R | PF_W;
    expect_rejected("kiln: app.kiln: entry point 0x100010 is not in an executable segment\n");
}

Test(image_rejects, a_missing_kiln_note, .init = cr_redirect_stderr)
{
    make_valid_image();
    note->header.n_type = 3;
    expect_rejected("kiln: app.kiln: no KILN note: not built by kiln build\n");
}

Test(image_rejects, another_abi_version, .init = cr_redirect_stderr)
{
    make_valid_image();
    note->desc.abi_version = KILN_ABI_VERSION + 1;
    expect_rejected("kiln: app.kiln: built for kiln ABI 6; this kiln runs ABI 5 (rebuild the "
                    "image)\n");
}

Test(image_rejects, exception_entries_running_off_the_code, .init = cr_redirect_stderr)
{
    make_valid_image();
    note->desc.exception_entries = CODE_GPA + FILE_SIZE - 16;
    expect_rejected("kiln: app.kiln: exception entries 0x100ff0 are not in an executable "
                    "segment\n");
}

Test(image_rejects, an_image_larger_than_the_ram_below_the_stack, .init = cr_redirect_stderr)
{
    make_valid_image();
    cr_assert_eq(parse(sizeof file), 0);
    cr_assert_eq(image_check_fits(&image, KILN_IMAGE_BASE), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "kiln: app.kiln: needs memory up to 0x101000, past the stack's guard page at "
        "0x100000 (give it more with --mem)\n");
}

/* The embedded files' pages, as the boot cache gives them: they must lie
 * in one segment's file bytes, page-aligned, and hold no ring-0 entry. */
static int check_with_files(uint64_t gpa, uint64_t size)
{
    cr_assert_eq(parse(sizeof file), 0);
    image.files = (struct image_files){.gpa = gpa, .file_offset = gpa - CODE_GPA, .size = size};
    return image_check(&image);
}

Test(image, accepts_embedded_files_inside_a_segment)
{
    make_valid_image();
    phdr[0].p_filesz = phdr[0].p_memsz = FILE_SIZE; /* one page: the files need their own */
    cr_assert_eq(parse(sizeof file), 0);
    image.segments[0].file_size = image.segments[0].mem_size = 2 * KILN_PAGE_SIZE;
    image.files = (struct image_files){
        .gpa = CODE_GPA + KILN_PAGE_SIZE, .file_offset = KILN_PAGE_SIZE, .size = KILN_PAGE_SIZE};
    cr_assert_eq(image_check(&image), 0);
}

Test(image_rejects, embedded_files_outside_every_segment, .init = cr_redirect_stderr)
{
    make_valid_image();
    cr_assert_eq(check_with_files(CODE_GPA + KILN_PAGE_SIZE, KILN_PAGE_SIZE), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str("kiln: app.kiln: the embedded files (.kiln_files, 0x1000 bytes at "
                            "0x101000) lie outside every segment\n");
}

Test(image_rejects, embedded_files_that_hold_the_syscall_entry, .init = cr_redirect_stderr)
{
    make_valid_image();
    cr_assert_eq(check_with_files(CODE_GPA, KILN_PAGE_SIZE), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str("kiln: app.kiln: syscall entry 0x100100 lies in the embedded files\n");
}

Test(image_rejects, embedded_files_not_page_aligned, .init = cr_redirect_stderr)
{
    make_valid_image();
    cr_assert_eq(check_with_files(CODE_GPA + 0x800, KILN_PAGE_SIZE), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str("kiln: app.kiln: the embedded files' pages are not page-aligned\n");
}

Test(image, an_image_without_a_files_section_maps_none)
{
    struct image_files files = image_files_locate(file, sizeof file);
    cr_assert_eq(files.size, 0);
}
