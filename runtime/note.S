/* The KILN note the monitor checks before it boots an image.  The builder
 * defines kiln_default_mem and kiln_image_flags at link time. */
#include <kiln/abi.h>

    .section .note.kiln, "a", @note
    .balign 4
    .long 5                     /* namesz: "KILN" and its NUL */
    .long 48                    /* descsz: struct kiln_note */
    .long KILN_NOTE_TYPE
    .asciz KILN_NOTE_NAME
    .balign 4
    .long KILN_ABI_VERSION
    .long kiln_image_flags
    .quad kiln_default_mem
    .quad kiln_syscall_entry
    .quad kiln_exception_entries
    .quad kiln_events
    .quad 0
    .section .note.GNU-stack, "", @progbits
