#!/usr/bin/env python3
"""Forges a broken image from a good one, for the e2e tests.

    forge_image.py CASE IN.kiln OUT.kiln

Each CASE breaks one thing the monitor checks (the ELF header, a program
header, the KILN note), or replaces the runtime's ring-0 exception stubs
with code a guest that took over ring 0 could run.  The good image is the
runtime's layout: a code segment, then a data segment, then a PT_NOTE.
"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
NHDR = struct.Struct("<III")
NOTE = struct.Struct("<IIQQQQQ")

E_TYPE, E_MACHINE, E_ENTRY, E_PHOFF, E_PHENTSIZE, E_PHNUM = 1, 2, 4, 5, 9, 10
P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_FILESZ, P_MEMSZ = 0, 1, 2, 3, 5, 6
N_ABI, N_MEM, N_SYSCALL, N_EXCEPTIONS, N_EVENTS = 0, 2, 3, 4, 5
EI_CLASS, EI_DATA = 4, 5
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE = 1, 2, 3, 4
PF_X = 1
STUB_SIZE, STUB_COUNT = 16, 32
BOOT_INFO_ZEROS = 0x3048  # the boot info's reserved words: an IDT of limit 0

# Ring-0 code put in every exception stub; the guest then raises #UD.
RING0_CODE = {
    # lidt of a zero-limit table, then ud2: #UD, #GP, #DF all undeliverable
    "ring0-triple-fault": bytes.fromhex("0f011c25") + struct.pack("<I", BOOT_INFO_ZEROS) + b"\x0f\x0b",
    "ring0-hlt": b"\xf4\xeb\xfd",                      # hlt; jmp back
    "ring0-spin": b"\xeb\xfe",                         # jmp .
    "ring0-port-out": b"\xe6\x80\xf4",                 # out %al, $0x80; hlt
    "ring0-port-in": b"\xe4\x4b\xf4",                  # in $0x4b, %al; hlt
    # mov $-16, %rsp; out %al, $0x4b: the frame the monitor reads wraps
    "ring0-frame-outside-ram": b"\x48\xc7\xc4\xf0\xff\xff\xff\xe6\x4b\xf4",
    "ring0-bogus-vector": b"\x6a\x7f\xe6\x4b\xf4",     # push $0x7f; out; hlt
}


class Image:
    def __init__(self, data):
        self.data = bytearray(data)
        self.ehdr = list(EHDR.unpack_from(self.data, 0))
        self.phoff, self.phnum = self.ehdr[E_PHOFF], self.ehdr[E_PHNUM]

    def phdr(self, i):
        return list(PHDR.unpack_from(self.data, self.phoff + i * PHDR.size))

    def set_phdr(self, i, fields):
        PHDR.pack_into(self.data, self.phoff + i * PHDR.size, *fields)

    def index(self, p_type, flags=None):
        for i in range(self.phnum):
            ph = self.phdr(i)
            if ph[P_TYPE] == p_type and (flags is None or bool(ph[P_FLAGS] & PF_X) == flags):
                return i
        raise SystemExit(f"forge_image: no program header of type {p_type}")

    def set_ehdr(self, field, value):
        self.ehdr[field] = value
        EHDR.pack_into(self.data, 0, *self.ehdr)

    def change_phdr(self, i, field, value):
        ph = self.phdr(i)
        ph[field] = value
        self.set_phdr(i, ph)

    def note_offset(self):
        return self.phdr(self.index(PT_NOTE))[P_OFFSET]

    def note(self):
        return list(NOTE.unpack_from(self.data, self.note_offset() + NHDR.size + 8))

    def set_note(self, field, value):
        desc = self.note()
        desc[field] = value
        NOTE.pack_into(self.data, self.note_offset() + NHDR.size + 8, *desc)

    def file_offset(self, vaddr):
        for i in range(self.phnum):
            ph = self.phdr(i)
            if ph[P_TYPE] == PT_LOAD and ph[P_VADDR] <= vaddr < ph[P_VADDR] + ph[P_FILESZ]:
                return ph[P_OFFSET] + vaddr - ph[P_VADDR]
        raise SystemExit(f"forge_image: 0x{vaddr:x} is in no segment")



def set_ident(image, index, value):
    image.data[index] = value


def forge(case, image):
    code, data = image.index(PT_LOAD, True), image.index(PT_LOAD, False)
    data_vaddr = image.phdr(data)[P_VADDR]
    cases = {
        "class-32": lambda: set_ident(image, EI_CLASS, 1),
        "big-endian": lambda: set_ident(image, EI_DATA, 2),
        "machine-arm64": lambda: image.set_ehdr(E_MACHINE, 183),
        "type-dyn": lambda: image.set_ehdr(E_TYPE, 3),
        "type-rel": lambda: image.set_ehdr(E_TYPE, 1),
        "phentsize": lambda: image.set_ehdr(E_PHENTSIZE, 32),
        "phoff-past-end": lambda: image.set_ehdr(E_PHOFF, len(image.data) + 8),
        "no-program-headers": lambda: image.set_ehdr(E_PHNUM, 0),
        "interp": lambda: image.change_phdr(image.index(PT_NOTE), P_TYPE, PT_INTERP),
        "dynamic": lambda: image.change_phdr(image.index(PT_NOTE), P_TYPE, PT_DYNAMIC),
        "segment-in-first-mib": lambda: image.change_phdr(code, P_VADDR, 0x2000),
        "segment-over-doorbell": lambda: image.change_phdr(data, P_VADDR, 0xFFFFF000),
        "segment-past-ram": lambda: image.change_phdr(data, P_VADDR, 0x200000000),
        "segments-overlap": lambda: image.change_phdr(data, P_VADDR, image.phdr(code)[P_VADDR]),
        "huge-filesz": lambda: (image.change_phdr(code, P_FILESZ, 1 << 62),
                                image.change_phdr(code, P_MEMSZ, 1 << 62)),
        "huge-memsz": lambda: image.change_phdr(data, P_MEMSZ, (1 << 64) - 0x10000),
        "filesz-over-memsz": lambda: image.change_phdr(data, P_MEMSZ, 1),
        "big-bss": lambda: image.change_phdr(data, P_MEMSZ, 12 << 20),
        "entry-in-data": lambda: image.set_ehdr(E_ENTRY, data_vaddr),
        "entry-zero": lambda: image.set_ehdr(E_ENTRY, 0),
        "no-note": lambda: image.data.__setitem__(slice(image.note_offset() + NHDR.size,
                                                        image.note_offset() + NHDR.size + 4), b"KILM"),
        "note-abi": lambda: image.set_note(N_ABI, 99),
        "note-size": lambda: NHDR.pack_into(image.data, image.note_offset(), 5, 16, 1),
        "note-mem": lambda: image.set_note(N_MEM, 12345),
        "note-syscall-entry": lambda: image.set_note(N_SYSCALL, 0),
        "note-exceptions-in-data": lambda: image.set_note(N_EXCEPTIONS, data_vaddr),
        "note-events-in-code": lambda: image.set_note(N_EVENTS, image.note()[N_SYSCALL]),
    }
    if case in RING0_CODE:
        stubs = image.file_offset(image.note()[N_EXCEPTIONS])
        for vector in range(STUB_COUNT):
            at = stubs + vector * STUB_SIZE
            image.data[at:at + STUB_SIZE] = RING0_CODE[case].ljust(STUB_SIZE, b"\x90")
    elif case in cases:
        cases[case]()
    else:
        raise SystemExit(f"forge_image: no case {case}")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    case, source, target = sys.argv[1:]
    with open(source, "rb") as f:
        image = Image(f.read())
    forge(case, image)
    with open(target, "wb") as f:
        f.write(image.data)


if __name__ == "__main__":
    main()
