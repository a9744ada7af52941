#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <kiln/abi.h>

#include "monitor/strace_format.h"

/* kiln run --strace's lines, as strace prints them, from calls whose
 * strings and buffers lie in a small guest RAM. */
#define RAM      (2ull << 20)
#define DATA_GPA KILN_IMAGE_BASE

static struct guest_mem mem;

static void setup(void)
{
    cr_assert_eq(guest_mem_map(&mem, RAM), 0);
}

static void teardown(void)
{
    guest_mem_unmap(&mem);
}

TestSuite(strace_format, .init = setup, .fini = teardown);

/* len bytes copied to guest RAM at gpa; returns gpa. */
static uint64_t put(uint64_t gpa, const void *bytes, size_t len)
{
    memcpy(guest_mem_at(&mem, gpa, len), bytes, len);
    return gpa;
}

static uint64_t put_string(const char *s)
{
    return put(DATA_GPA, s, strlen(s) + 1);
}

static void assert_line(struct kiln_hc_syscall call, const char *expected)
{
    struct report_text text;
    report_text_start_plain(&text);
    strace_format(&text, &mem, &call);
    text.bytes[text.len] = '\0';
    cr_assert_str_eq(text.bytes, expected);
}

Test(strace_format, openat_names_at_fdcwd_and_its_flags)
{
    uint64_t path = put_string("/etc/passwd");
    assert_line((struct kiln_hc_syscall){.nr = SYS_openat,
                                         .args = {(uint64_t)AT_FDCWD, path, O_RDONLY | O_CLOEXEC},
                                         .result = 3},
                "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
}

Test(strace_format, open_shows_the_mode_only_when_it_creates)
{
    uint64_t path = put_string("f");
    assert_line((struct kiln_hc_syscall){.nr = SYS_open,
                                         .args = {path, O_WRONLY | O_CREAT | O_TRUNC, 0644},
                                         .result = 3},
                "open(\"f\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3");
    assert_line((struct kiln_hc_syscall){.nr = SYS_open, .args = {path, O_RDWR, 0644}, .result = 3},
                "open(\"f\", O_RDWR) = 3");
}

Test(strace_format, flag_bits_without_a_name_print_in_hex)
{
    uint64_t path = put_string("f");
    assert_line((struct kiln_hc_syscall){.nr = SYS_open,
                                         .args = {path, O_RDONLY | O_APPEND | 0x40000000},
                                         .result = 3},
                "open(\"f\", O_RDONLY|O_APPEND|0x40000000) = 3");
}

Test(strace_format, mmap_names_prot_and_flags_and_answers_an_address)
{
    assert_line(
        (struct kiln_hc_syscall){
            .nr = SYS_mmap,
            .args = {0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0},
            .result = 0x200000},
        "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x200000");
}

Test(strace_format, no_protection_is_prot_none)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_mprotect,
                                         .args = {0x200000, 4096, PROT_NONE},
                                         .result = 0},
                "mprotect(0x200000, 4096, PROT_NONE) = 0");
}

Test(strace_format, an_error_is_minus_one_with_its_name_and_text)
{
    uint64_t path = put_string("/no/such/file");
    assert_line((struct kiln_hc_syscall){.nr = SYS_openat,
                                         .args = {(uint64_t)AT_FDCWD, path, O_RDONLY},
                                         .result = -ENOENT},
                "openat(AT_FDCWD, \"/no/such/file\", O_RDONLY) = -1 ENOENT (No such file or "
                "directory)");
}

Test(strace_format, an_error_without_a_name_prints_its_number)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_close, .args = {3}, .result = -530},
                "close(3) = -1 ERRNO_530 (Unknown error 530)");
}

Test(strace_format, a_number_linux_does_not_use_is_named_in_hex_with_six_arguments)
{
    assert_line(
        (struct kiln_hc_syscall){.nr = 999, .args = {1, 0, 0x7fff0000}, .result = -ENOSYS},
        "syscall_0x3e7(0x1, 0, 0x7fff0000, 0, 0, 0) = -1 ENOSYS (Function not implemented)");
}

Test(strace_format, a_call_the_table_does_not_describe_shows_six_arguments_in_hex)
{
    assert_line(
        (struct kiln_hc_syscall){.nr = SYS_io_setup, .args = {8, 0x7fff0000}, .result = -ENOSYS},
        "io_setup(0x8, 0x7fff0000, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)");
}

Test(strace_format, a_call_without_arguments_shows_none)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_fork, .result = -ENOSYS},
                "fork() = -1 ENOSYS (Function not implemented)");
}

Test(strace_format, strings_escape_quotes_controls_and_other_bytes_in_octal)
{
    static const uint8_t bytes[] = {'a', '"', '\\', '\n', '\t', 0x01, 'x', 0x00, '7', 0xff};
    uint64_t buf = put(DATA_GPA, bytes, sizeof bytes);
    assert_line((struct kiln_hc_syscall){.nr = SYS_write,
                                         .args = {1, buf, sizeof bytes},
                                         .result = sizeof bytes},
                "write(1, \"a\\\"\\\\\\n\\t\\1x\\0007\\377\", 10) = 10");
}

Test(strace_format, a_long_path_is_shown_whole)
{
    uint64_t path = put_string("/a/path/that/is/longer/than/thirty-two/bytes");
    assert_line((struct kiln_hc_syscall){.nr = SYS_unlink, .args = {path}, .result = 0},
                "unlink(\"/a/path/that/is/longer/than/thirty-two/bytes\") = 0");
}

Test(strace_format, a_long_write_shows_its_first_32_bytes)
{
    char text[40];
    memset(text, 'x', sizeof text);
    uint64_t buf = put(DATA_GPA, text, sizeof text);
    assert_line((struct kiln_hc_syscall){.nr = SYS_write,
                                         .args = {2, buf, sizeof text},
                                         .result = sizeof text},
                "write(2, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., 40) = 40");
}

Test(strace_format, read_shows_the_bytes_it_answered)
{
    uint64_t buf = put(DATA_GPA, "hello\nrest", 10);
    assert_line((struct kiln_hc_syscall){.nr = SYS_read, .args = {0, buf, 1024}, .result = 6},
                "read(0, \"hello\\n\", 1024) = 6");
}

Test(strace_format, a_failed_read_shows_its_buffer_address)
{
    assert_line(
        (struct kiln_hc_syscall){.nr = SYS_read, .args = {9, DATA_GPA, 16}, .result = -EBADF},
        "read(9, 0x100000, 16) = -1 EBADF (Bad file descriptor)");
}

Test(strace_format, a_pointer_outside_guest_ram_prints_as_its_address)
{
    assert_line(
        (struct kiln_hc_syscall){.nr = SYS_open, .args = {0xdead0000, O_RDONLY}, .result = -EFAULT},
        "open(0xdead0000, O_RDONLY) = -1 EFAULT (Bad address)");
}

Test(strace_format, a_pointer_into_the_first_mib_prints_as_its_address)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_write,
                                         .args = {1, KILN_BOOT_INFO_GPA, 8},
                                         .result = -EFAULT},
                "write(1, 0x3000, 8) = -1 EFAULT (Bad address)");
}

Test(strace_format, a_null_pointer_is_null)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_open, .args = {0, O_RDONLY}, .result = -EFAULT},
                "open(NULL, O_RDONLY) = -1 EFAULT (Bad address)");
}

Test(strace_format, a_string_that_runs_off_ram_prints_as_its_address)
{
    uint64_t end = RAM - 4;
    put(end, "abcd", 4);
    assert_line((struct kiln_hc_syscall){.nr = SYS_unlink, .args = {end}, .result = -EFAULT},
                "unlink(0x1ffffc) = -1 EFAULT (Bad address)");
}

Test(strace_format, writev_shows_each_buffer)
{
    uint64_t hello = put(DATA_GPA + 0x100, "Hello\n", 6);
    struct iovec iov[] = {{(void *)(uintptr_t)hello, 6}, {NULL, 0}};
    uint64_t vec = put(DATA_GPA, iov, sizeof iov);
    assert_line(
        (struct kiln_hc_syscall){.nr = SYS_writev, .args = {1, vec, 2}, .result = 6},
        "writev(1, [{iov_base=\"Hello\\n\", iov_len=6}, {iov_base=NULL, iov_len=0}], 2) = 6");
}

Test(strace_format, readv_shows_only_the_bytes_it_answered)
{
    uint64_t first = put(DATA_GPA + 0x100, "abc", 3);
    uint64_t second = put(DATA_GPA + 0x200, "defgh", 5);
    struct iovec iov[] = {{(void *)(uintptr_t)first, 3}, {(void *)(uintptr_t)second, 5}};
    uint64_t vec = put(DATA_GPA, iov, sizeof iov);
    assert_line((struct kiln_hc_syscall){.nr = SYS_readv, .args = {0, vec, 2}, .result = 4},
                "readv(0, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"d\", iov_len=5}], 2) = 4");
}

Test(strace_format, signals_are_named)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_kill, .args = {1, SIGTERM}, .result = 0},
                "kill(1, SIGTERM) = 0");
    assert_line((struct kiln_hc_syscall){.nr = SYS_kill, .args = {1, 34}, .result = 0},
                "kill(1, SIGRT_2) = 0");
}

Test(strace_format, calls_that_do_not_return_answer_a_question_mark)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_exit_group, .args = {3}}, "exit_group(3) = ?");
}

Test(strace_format, a_thread_among_others_is_named)
{
    assert_line((struct kiln_hc_syscall){.nr = SYS_gettid, .result = 7, .tid = 7, .threads = 2},
                "[pid 7] gettid() = 7");
}

Test(strace_format, getcwd_shows_the_path_it_wrote)
{
    uint64_t buf = put_string("/tmp");
    assert_line((struct kiln_hc_syscall){.nr = SYS_getcwd, .args = {buf, 4096}, .result = 5},
                "getcwd(\"/tmp\", 4096) = 5");
}
