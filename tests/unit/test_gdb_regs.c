#include <criterion/criterion.h>
#include <string.h>

#include "monitor/gdb_packet.h"
#include "monitor/gdb_regs.h"

/* gdb's amd64 'g' packet: rax..gs, st0-7, the x87 control words, xmm0-15,
 * mxcsr, fs_base, gs_base, in that order. */
#define RIP_OFFSET     (16 * 8)
#define EFLAGS_OFFSET  (17 * 8)
#define FS_BASE_NUMBER 57

Test(gdb_regs, the_g_packet_holds_every_register_in_gdbs_order)
{
    struct gdb_cpu cpu = {0};
    char hex[GDB_REGS_HEX];
    cpu.regs.rax = 0x1122334455667788;
    cpu.regs.rip = 0x100235;
    cpu.regs.rflags = 0x202;
    gdb_regs_encode(&cpu, hex);
    cr_assert_eq(strlen(hex), 2 * GDB_REGS_BYTES);
    cr_assert(strncmp(hex, "8877665544332211", 16) == 0, "%.16s", hex);
    cr_assert(strncmp(hex + 2 * RIP_OFFSET, "3502100000000000", 16) == 0);
    cr_assert(strncmp(hex + 2 * EFLAGS_OFFSET, "02020000", 8) == 0);
}

Test(gdb_regs, a_g_packet_written_back_changes_the_registers_and_keeps_the_selectors)
{
    struct gdb_cpu cpu = {0}, changed;
    char hex[GDB_REGS_HEX];
    cpu.sregs.cs.selector = 0x23;
    gdb_regs_encode(&cpu, hex);
    memcpy(hex, "0100000000000000", 16);            /* rax = 1 */
    memcpy(hex + 2 * (EFLAGS_OFFSET + 4), "2b", 2); /* cs = 0x2b, which stays the guest's */
    changed = cpu;
    cr_assert_eq(gdb_regs_decode(&changed, hex), 0);
    cr_assert_eq(changed.regs.rax, 1);
    cr_assert_eq(changed.sregs.cs.selector, 0x23);
}

Test(gdb_regs, a_g_packet_of_the_wrong_size_or_digits_is_refused)
{
    struct gdb_cpu cpu = {0};
    char hex[GDB_REGS_HEX];
    gdb_regs_encode(&cpu, hex);
    hex[10] = 'z';
    cr_assert_eq(gdb_regs_decode(&cpu, hex), -1);
    cr_assert_eq(gdb_regs_decode(&cpu, "00"), -1);
}

Test(gdb_regs, one_register_by_number_and_none_past_the_last)
{
    struct gdb_cpu cpu = {0};
    char out[33];
    cpu.sregs.fs.base = 0x7fff0000;
    cr_assert_eq(gdb_reg_encode(&cpu, FS_BASE_NUMBER, out), 0);
    cr_assert_str_eq(out, "0000ff7f00000000");
    cr_assert_eq(gdb_reg_decode(&cpu, FS_BASE_NUMBER, "0010000000000000"), 0);
    cr_assert_eq(cpu.sregs.fs.base, 0x1000);
    cr_assert_eq(gdb_reg_encode(&cpu, 59, out), -1);
    cr_assert_eq(gdb_reg_decode(&cpu, 0, "00"), -1);
}

Test(gdb_regs, the_target_description_names_the_features_gdb_checks)
{
    const char *xml = gdb_target_xml();
    cr_assert(strstr(xml, "<architecture>i386:x86-64</architecture>") != NULL);
    cr_assert(strstr(xml, "org.gnu.gdb.i386.core") != NULL);
    cr_assert(strstr(xml, "org.gnu.gdb.i386.sse") != NULL);
    cr_assert(strstr(xml, "name=\"fs_base\"") != NULL);
}

Test(gdb_packet, hex_numbers_end_at_their_stop_characters)
{
    uint64_t value;
    const char *end;
    cr_assert_eq(gdb_hex_number("1f,4", ",", &value, &end), 0);
    cr_assert_eq(value, 0x1f);
    cr_assert_eq(*end, ',');
    cr_assert_eq(gdb_hex_number("", ",", &value, &end), -1);
    cr_assert_eq(gdb_hex_number("12;", ",", &value, &end), -1);
    cr_assert_eq(gdb_hex_number("11112222333344445", "", &value, &end), -1);
}

Test(gdb_packet, hex_bytes_both_ways)
{
    uint8_t bytes[3];
    char hex[7];
    cr_assert_eq(gdb_hex_decode(bytes, "00ffA5", 3), 0);
    cr_assert_eq(bytes[2], 0xa5);
    gdb_hex_encode(hex, bytes, 3);
    cr_assert_str_eq(hex, "00ffa5");
    cr_assert_eq(gdb_hex_decode(bytes, "0g", 1), -1);
}
