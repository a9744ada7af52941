/*
 * The build's step for --files: every source gathered into one blob
 * (files_blob.h), which the build cache hashes, then an object that holds
 * the blob in the .kiln_files section that runtime/kiln.ld places, for
 * the link.  A build without --files links no such object, so its image
 * is what it was before kiln knew of files.
 */
#ifndef KILN_EMBEDDED_FILES_H
#define KILN_EMBEDDED_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "builder.h"
#include "files_blob.h"
#include "program_elf.h"

/* Reads the sources, in order, into blob, then what a dynamic program
 * needs (program_libraries.h; program NULL for a C build); an empty blob
 * when there is nothing.  Returns 0, or -1 (reported). */
int embedded_files_gather(const struct files_source *sources, size_t count,
                          const struct program_elf *program, bool verbose, struct files_blob *blob);

/* Writes blob and its assembly into the folder dir, and assembles them
 * into an object whose path goes to object.  Returns 0, or -1
 * (reported). */
int embedded_files_object(const struct files_blob *blob, const char *dir, bool verbose,
                          char *object, size_t object_size);

/* Removes from dir what embedded_files_object wrote there. */
void embedded_files_remove(const char *dir);

#endif
