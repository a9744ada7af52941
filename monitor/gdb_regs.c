#include "gdb_regs.h"

#include <stdint.h>
#include <string.h>

#include "gdb_packet.h"

#define X87_REGISTER_BYTES 10
#define XMM_REGISTERS      16
#define TAG_EMPTY          3

/* How gdb's value of a register maps to KVM's. */
enum reg_kind {
    REG_PLAIN,     /* the same bytes (KVM's may be fewer: the low ones) */
    REG_TAG_WORD,  /* gdb's full x87 tag word; KVM's the abridged FXSAVE byte */
    REG_READ_ONLY, /* shown, but the guest keeps its own: segment selectors */
    REG_ZERO,      /* the x87 pointers' segments, which 64-bit FXSAVE drops */
};

/* Where one register of gdb's lives in struct gdb_cpu, and how wide gdb
 * and KVM have it: gdb's eflags and segment selectors are 4 bytes, KVM's 8
 * and 2 (little-endian, so the low bytes are the value). */
struct reg {
    size_t offset;
    uint8_t gdb_size;
    uint8_t kvm_size;
    enum reg_kind kind;
};

#define GPR(field)                                                                                 \
    {                                                                                              \
        offsetof(struct gdb_cpu, regs.field), 8, 8, REG_PLAIN                                      \
    }
#define SEGMENT(field)                                                                             \
    {                                                                                              \
        offsetof(struct gdb_cpu, sregs.field.selector), 4, 2, REG_READ_ONLY                        \
    }
#define ST(n)                                                                                      \
    {                                                                                              \
        offsetof(struct gdb_cpu, fpu.fpr[n]), X87_REGISTER_BYTES, X87_REGISTER_BYTES, REG_PLAIN    \
    }
#define FPU32(field, kvm)                                                                          \
    {                                                                                              \
        offsetof(struct gdb_cpu, fpu.field), 4, kvm, REG_PLAIN                                     \
    }
#define XMM(n)                                                                                     \
    {                                                                                              \
        offsetof(struct gdb_cpu, fpu.xmm[n]), 16, 16, REG_PLAIN                                    \
    }
#define ZERO32                                                                                     \
    {                                                                                              \
        0, 4, 0, REG_ZERO                                                                          \
    }

/* gdb's amd64 numbering, as target.xml lists them. */
static const struct reg regs[] = {
    GPR(rax),
    GPR(rbx),
    GPR(rcx),
    GPR(rdx),
    GPR(rsi),
    GPR(rdi),
    GPR(rbp),
    GPR(rsp),
    GPR(r8),
    GPR(r9),
    GPR(r10),
    GPR(r11),
    GPR(r12),
    GPR(r13),
    GPR(r14),
    GPR(r15),
    GPR(rip),
    {offsetof(struct gdb_cpu, regs.rflags), 4, 8, REG_PLAIN},
    SEGMENT(cs),
    SEGMENT(ss),
    SEGMENT(ds),
    SEGMENT(es),
    SEGMENT(fs),
    SEGMENT(gs),
    ST(0),
    ST(1),
    ST(2),
    ST(3),
    ST(4),
    ST(5),
    ST(6),
    ST(7),
    FPU32(fcw, 2),
    FPU32(fsw, 2),
    {offsetof(struct gdb_cpu, fpu.ftwx), 4, 1, REG_TAG_WORD},
    ZERO32,
    FPU32(last_ip, 4),
    ZERO32,
    FPU32(last_dp, 4),
    FPU32(last_opcode, 2),
    XMM(0),
    XMM(1),
    XMM(2),
    XMM(3),
    XMM(4),
    XMM(5),
    XMM(6),
    XMM(7),
    XMM(8),
    XMM(9),
    XMM(10),
    XMM(11),
    XMM(12),
    XMM(13),
    XMM(14),
    XMM(15),
    FPU32(mxcsr, 4),
    {offsetof(struct gdb_cpu, sregs.fs.base), 8, 8, REG_PLAIN},
    {offsetof(struct gdb_cpu, sregs.gs.base), 8, 8, REG_PLAIN},
};

#define REG_COUNT (sizeof regs / sizeof regs[0])

_Static_assert(XMM_REGISTERS == 16, "amd64 has 16 xmm registers");

/* gdb's tag word, two bits a register, from FXSAVE's one bit (set: in
 * use); a register in use is called valid, which is what gdb shows. */
static uint32_t full_tag_word(uint8_t abridged)
{
    uint32_t word = 0;
    for (unsigned i = 0; i < 8; i++)
        if (!(abridged & 1u << i))
            word |= (uint32_t)TAG_EMPTY << (2 * i);
    return word;
}

static uint8_t abridged_tag(uint32_t word)
{
    uint8_t abridged = 0;
    for (unsigned i = 0; i < 8; i++)
        if ((word >> (2 * i) & TAG_EMPTY) != TAG_EMPTY)
            abridged |= (uint8_t)(1u << i);
    return abridged;
}

static void value_of(const struct gdb_cpu *cpu, const struct reg *reg, uint8_t *value)
{
    memset(value, 0, reg->gdb_size);
    if (reg->kind == REG_TAG_WORD) {
        uint32_t word = full_tag_word(cpu->fpu.ftwx);
        memcpy(value, &word, sizeof word);
        return;
    }
    memcpy(value, (const uint8_t *)cpu + reg->offset, reg->kvm_size);
}

static void set_value(struct gdb_cpu *cpu, const struct reg *reg, const uint8_t *value)
{
    uint32_t word;
    switch (reg->kind) {
    case REG_PLAIN:
        memcpy((uint8_t *)cpu + reg->offset, value, reg->kvm_size);
        break;
    case REG_TAG_WORD:
        memcpy(&word, value, sizeof word);
        cpu->fpu.ftwx = abridged_tag(word);
        break;
    case REG_READ_ONLY:
    case REG_ZERO:
        break;
    }
}

void gdb_regs_encode(const struct gdb_cpu *cpu, char out[GDB_REGS_HEX])
{
    uint8_t value[16];
    char *at = out;
    for (size_t i = 0; i < REG_COUNT; i++) {
        value_of(cpu, &regs[i], value);
        gdb_hex_encode(at, value, regs[i].gdb_size);
        at += 2 * regs[i].gdb_size;
    }
}

int gdb_regs_decode(struct gdb_cpu *cpu, const char *hex)
{
    uint8_t value[16];
    if (strlen(hex) != 2 * GDB_REGS_BYTES)
        return -1;
    struct gdb_cpu changed = *cpu;
    for (size_t i = 0; i < REG_COUNT; i++) {
        if (gdb_hex_decode(value, hex, regs[i].gdb_size) != 0)
            return -1;
        set_value(&changed, &regs[i], value);
        hex += 2 * regs[i].gdb_size;
    }
    *cpu = changed;
    return 0;
}

int gdb_reg_encode(const struct gdb_cpu *cpu, unsigned number, char *out)
{
    uint8_t value[16];
    if (number >= REG_COUNT)
        return -1;
    value_of(cpu, &regs[number], value);
    gdb_hex_encode(out, value, regs[number].gdb_size);
    return 0;
}

int gdb_reg_decode(struct gdb_cpu *cpu, unsigned number, const char *hex)
{
    uint8_t value[16];
    if (number >= REG_COUNT || strlen(hex) != 2u * regs[number].gdb_size ||
        gdb_hex_decode(value, hex, regs[number].gdb_size) != 0)
        return -1;
    set_value(cpu, &regs[number], value);
    return 0;
}

/* Written for kiln from the register names and types gdb's amd64 target
 * checks for; the order is regs[]'s. */
const char *gdb_target_xml(void)
{
    return "<?xml version=\"1.0\"?>\n"
           "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
           "<target version=\"1.0\">\n"
           "<architecture>i386:x86-64</architecture>\n"
           "<feature name=\"org.gnu.gdb.i386.core\">\n"
           "<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
           "<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
           "<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
           "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
           "<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
           "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
           "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
           "</feature>\n"
           "<feature name=\"org.gnu.gdb.i386.sse\">\n"
           "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
           "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
           "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
           "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
           "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
           "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
           "<union id=\"vec128\">\n"
           "<field name=\"v4_float\" type=\"v4f\"/>\n"
           "<field name=\"v2_double\" type=\"v2d\"/>\n"
           "<field name=\"v16_int8\" type=\"v16i8\"/>\n"
           "<field name=\"v8_int16\" type=\"v8i16\"/>\n"
           "<field name=\"v4_int32\" type=\"v4i32\"/>\n"
           "<field name=\"v2_int64\" type=\"v2i64\"/>\n"
           "<field name=\"uint128\" type=\"uint128\"/>\n"
           "</union>\n"
           "<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
           "<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
           "</feature>\n"
           "<feature name=\"org.gnu.gdb.i386.segments\">\n"
           "<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>\n"
           "<reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>\n"
           "</feature>\n"
           "</target>\n";
}
