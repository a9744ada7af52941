/*
 * Reading an embedded files blob (abi.h) that may come from anywhere:
 * kiln inspect reads whatever image it is given.  Every offset, length
 * and index is checked against the blob when it is opened, so that
 * nothing read through it afterwards can leave the blob, and a damaged or
 * hostile blob is refused in one line.
 */
#ifndef KILN_FILES_BLOB_READER_H
#define KILN_FILES_BLOB_READER_H

#include <stddef.h>
#include <stdint.h>

#include <kiln/abi.h>

struct files_reader {
    const uint8_t *bytes;
    uint64_t size; /* the header's: the blob may sit in a longer section */
    uint32_t entry_count;
    uint64_t names_offset;
    uint64_t names_size;
    uint32_t *path_lens; /* bytes of each entry's guest path */
};

/* Checks the size bytes at bytes (any alignment) as a blob; name (the
 * image) is for messages.  Returns 0 with reader set (close it), or -1
 * (reported). */
int files_reader_open(struct files_reader *reader, const uint8_t *bytes, size_t size,
                      const char *name);

void files_reader_close(struct files_reader *reader);

/* Entry index, below entry_count, copied out of the blob. */
struct kiln_files_entry files_reader_entry(const struct files_reader *reader, uint32_t index);

/* The entry's name: entry->name_len bytes. */
const uint8_t *files_reader_name(const struct files_reader *reader,
                                 const struct kiln_files_entry *entry);

/* A file's bytes or a symlink's target: entry->size bytes. */
const uint8_t *files_reader_data(const struct files_reader *reader,
                                 const struct kiln_files_entry *entry);

/* Writes entry index's guest path, "/" or "/a/b", with its NUL. */
void files_reader_path(const struct files_reader *reader, uint32_t index, char path[KILN_PATH_MAX]);

#endif
