#include "embedded_files.h"

#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "common/atomic_file.h"
#include "common/paths.h"
#include "common/report.h"
#include "compiler.h"
#include "file_sources.h"
#include "musl_command.h"
#include "program_libraries.h"

#define BLOB_NAME     "files.blob"
#define ASSEMBLY_NAME "files.s"
#define OBJECT_NAME   "files.o"
#define SCRATCH_MODE  0600

/* .incbin finds the blob through the assembler's -I, so the scratch
 * folder's name (random, and perhaps odd) is nowhere in the text.  The
 * header starts a page, as abi.h promises the runtime; the stack note
 * keeps ld from warning of an executable stack. */
static const char assembly[] = "\t.section .kiln_files,\"a\"\n"
                               "\t.balign 4096\n"
                               "\t.incbin \"" BLOB_NAME "\"\n"
                               "\t.section .note.GNU-stack,\"\",@progbits\n";
_Static_assert(KILN_PAGE_SIZE == 4096, "the assembly's .balign");

int embedded_files_gather(const struct files_source *sources, size_t count,
                          const struct program_elf *program, bool verbose, struct files_blob *blob)
{
    struct file_tree tree;
    *blob = (struct files_blob){0};
    if (count == 0 && (program == NULL || program->interp == NULL))
        return 0;
    file_tree_init(&tree);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = file_sources_read(&tree, &sources[i]);
    if (rc == 0 && program != NULL)
        rc = program_libraries_add(&tree, program, verbose);
    if (rc == 0)
        rc = files_blob_write(&tree, blob);
    file_tree_free(&tree);
    return rc;
}

static int write_file(const char *dir, const char *name, const void *bytes, size_t size)
{
    char path[PATH_MAX];
    struct iovec part = {(void *)bytes, size};
    if (path_join(path, sizeof path, dir, name) != 0)
        return report("build failed: scratch folder name too long: %s", dir);
    return atomic_file_write(path, SCRATCH_MODE, &part, 1);
}

int embedded_files_object(const struct files_blob *blob, const char *dir, bool verbose,
                          char *object, size_t object_size)
{
    char source[PATH_MAX];
    struct musl_command command;
    if (path_join(source, sizeof source, dir, ASSEMBLY_NAME) != 0 ||
        path_join(object, object_size, dir, OBJECT_NAME) != 0)
        return report("build failed: scratch folder name too long: %s", dir);
    if (write_file(dir, BLOB_NAME, blob->bytes, blob->size) != 0 ||
        write_file(dir, ASSEMBLY_NAME, assembly, sizeof assembly - 1) != 0)
        return -1;
    if (musl_command_assemble(&command, dir, source, object) != 0)
        return report("build failed: out of memory");
    int rc = compiler_run(&command, verbose);
    musl_command_free(&command);
    return rc;
}

void embedded_files_remove(const char *dir)
{
    static const char *const names[] = {BLOB_NAME, ASSEMBLY_NAME, OBJECT_NAME};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (path_join(path, sizeof path, dir, names[i]) == 0)
            unlink(path);
}
