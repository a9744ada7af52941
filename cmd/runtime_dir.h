/*
 * Where kiln's own files live, beside the kiln binary: the guest runtime
 * (libkiln.a, ready.o, kiln.ld) in "runtime" (build/kiln -> build/runtime) unless
 * $KILN_RUNTIME_DIR says, and the app templates in "templates"
 * (build/templates) unless $KILN_TEMPLATES_DIR says, and the programs kiln
 * runs: kiln serve's, kiln-serve, and kiln test --vm's QEMU guest with
 * nested KVM, kiln-vm.
 */
#ifndef KILN_RUNTIME_DIR_H
#define KILN_RUNTIME_DIR_H

#include <stddef.h>

/* Write the directory into dir; return 0, or -1 (reported). */
int runtime_dir_find(char *dir, size_t dir_size);
int templates_dir_find(char *dir, size_t dir_size);

/* kiln-serve and kiln-vm beside kiln, unless $KILN_SERVE_PROGRAM or
 * $KILN_VM_PROGRAM says; into path. */
int serve_program_find(char *path, size_t path_size);
int vm_program_find(char *path, size_t path_size);

#endif
