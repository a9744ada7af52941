#include "file_sources.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kiln/abi.h>

#include "common/report.h"

#define READ_BLOCK_SIZE (64 * 1024)

/* archive_read_support_format_all() less two formats.  xar needs
 * libxml2, whose static link brings ICU: 34 MB more of kiln for a format
 * nobody hands us.  An mtree file is no archive but a list of host files
 * that libarchive opens, wherever they are. */
static int (*const archive_formats[])(struct archive *) = {
    archive_read_support_format_ar,      archive_read_support_format_cpio,
    archive_read_support_format_empty,   archive_read_support_format_lha,
    archive_read_support_format_tar,     archive_read_support_format_warc,
    archive_read_support_format_7zip,    archive_read_support_format_cab,
    archive_read_support_format_rar,     archive_read_support_format_rar5,
    archive_read_support_format_iso9660, archive_read_support_format_zip,
};

static int archive_failed(const struct files_source *source, struct archive *archive)
{
    const char *why = archive_error_string(archive);
    return report("%s: %s", source->path, why != NULL ? why : "cannot be read");
}

static const char *kind_of(mode_t type)
{
    switch (type) {
    case AE_IFCHR:
        return "a character device";
    case AE_IFBLK:
        return "a block device";
    case AE_IFIFO:
        return "a fifo";
    case AE_IFSOCK:
        return "a socket";
    default:
        return "of an unknown type";
    }
}

/* libarchive's AE_IF* are Linux's S_IF*, which the tree keeps. */
static int check_type(const struct files_source *source, const char *name,
                      struct archive_entry *from)
{
    mode_t type = archive_entry_filetype(from);
    if (type == AE_IFREG || type == AE_IFDIR || type == AE_IFLNK)
        return 0;
    return report("%s: %s: %s: only files, folders and symlinks can be embedded", source->path,
                  name, kind_of(type));
}

/* Sized as the entry says, plus a byte to meet the end in one read; an
 * archive may not say (a zip written to a pipe) or say wrong. */
static int read_data(struct archive *archive, const struct files_source *source,
                     struct archive_entry *from, struct file_entry *to)
{
    uint64_t said = archive_entry_size_is_set(from) ? (uint64_t)archive_entry_size(from) : 0;
    size_t capacity = 0;
    for (;;) {
        if (to->size == capacity) {
            capacity = capacity == 0 ? (size_t)said + 1 : 2 * capacity;
            capacity = capacity < READ_BLOCK_SIZE ? READ_BLOCK_SIZE : capacity;
            uint8_t *grown = capacity <= KILN_MEM_MAX ? realloc(to->bytes, capacity) : NULL;
            if (grown == NULL)
                return report("%s: %s: too large to embed (over 4G)", source->path, to->name);
            to->bytes = grown;
        }
        la_ssize_t got = archive_read_data(archive, to->bytes + to->size, capacity - to->size);
        if (got < 0)
            return archive_failed(source, archive);
        if (got == 0)
            return 0;
        to->size += (size_t)got;
    }
}

static int read_target(const struct files_source *source, struct archive_entry *from,
                       struct file_entry *to)
{
    const char *target = archive_entry_symlink(from);
    to->bytes = (uint8_t *)strdup(target != NULL ? target : "");
    if (to->bytes == NULL)
        return report("%s: out of memory", source->path);
    to->size = strlen((const char *)to->bytes);
    return 0;
}

/* A hard link reads bytes only where the archive gives it some (cpio's
 * newc format, on the last link); one found on disk has the same bytes
 * as its first link already. */
static int read_bytes(struct archive *archive, const struct files_source *source,
                      struct archive_entry *from, struct file_entry *to)
{
    if (to->hardlink != NULL)
        return archive_entry_size(from) > 0 ? read_data(archive, source, from, to) : 0;
    if (S_ISLNK(to->mode))
        return read_target(source, from, to);
    return S_ISREG(to->mode) ? read_data(archive, source, from, to) : 0;
}

static int add_entry(struct file_tree *tree, const struct files_source *source,
                     struct archive *archive, struct archive_entry *from, const char *name,
                     const char *hardlink)
{
    struct file_entry to = {.source = source->path,
                            .guest_dir = source->guest_dir,
                            .name = name,
                            .mode = archive_entry_mode(from),
                            .hardlink = hardlink};
    if (name == NULL)
        return report("%s: an entry without a name", source->path);
    if ((hardlink == NULL && check_type(source, name, from) != 0) ||
        read_bytes(archive, source, from, &to) != 0) {
        free(to.bytes);
        return -1;
    }
    return file_tree_add(tree, &to);
}

static int walk_archive(struct file_tree *tree, const struct files_source *source,
                        struct archive *archive)
{
    struct archive_entry *entry;
    int got;
    /* A warning leaves the entry whole: pax names in UTF-8, say, that the
     * C locale cannot show, which kiln keeps as bytes anyway. */
    while ((got = archive_read_next_header(archive, &entry)) == ARCHIVE_OK || got == ARCHIVE_WARN)
        if (add_entry(tree, source, archive, entry, archive_entry_pathname(entry),
                      archive_entry_hardlink(entry)) != 0)
            return -1;
    return got == ARCHIVE_EOF ? 0 : archive_failed(source, archive);
}

static int read_archive(struct file_tree *tree, const struct files_source *source)
{
    struct archive *archive = archive_read_new();
    if (archive == NULL)
        return report("%s: out of memory", source->path);
    for (size_t i = 0; i < sizeof archive_formats / sizeof archive_formats[0]; i++)
        archive_formats[i](archive);
    archive_read_support_filter_all(archive);
    int rc = archive_read_open_filename(archive, source->path, READ_BLOCK_SIZE) == ARCHIVE_OK
                 ? walk_archive(tree, source, archive)
                 : archive_failed(source, archive);
    archive_read_free(archive);
    return rc;
}

/* What a folder's entry is called below the folder: libarchive names it
 * as the folder was opened ("top", or "top/a/b"), without trailing '/'. */
static const char *below(const char *top, size_t top_len, const char *path)
{
    if (path == NULL || strncmp(path, top, top_len) != 0)
        return NULL;
    path += top_len;
    while (*path == '/')
        path++;
    return path;
}

static size_t top_len(const char *top)
{
    size_t len = strlen(top);
    while (len > 1 && top[len - 1] == '/')
        len--;
    return len;
}

/* The linkresolver gives every later link of a file its first link's name,
 * as tar would store it. */
static int walk_folder(struct file_tree *tree, const struct files_source *source,
                       struct archive *disk, struct archive_entry *entry,
                       struct archive_entry_linkresolver *links)
{
    size_t len = top_len(source->path);
    int got;
    while ((got = archive_read_next_header2(disk, entry)) == ARCHIVE_OK) {
        struct archive_entry *linked = entry, *spare = NULL;
        archive_entry_linkify(links, &linked, &spare);
        const char *hardlink = archive_entry_hardlink(linked);
        if (add_entry(tree, source, disk, linked,
                      below(source->path, len, archive_entry_pathname(linked)),
                      hardlink != NULL ? below(source->path, len, hardlink) : NULL) != 0)
            return -1;
        if (archive_read_disk_descend(disk) != ARCHIVE_OK)
            return archive_failed(source, disk);
    }
    return got == ARCHIVE_EOF ? 0 : archive_failed(source, disk);
}

/* Symlinks are followed only at the top (the hybrid mode): the folder
 * may be given through one; those inside are embedded as symlinks. */
static int read_folder(struct file_tree *tree, const struct files_source *source)
{
    struct archive *disk = archive_read_disk_new();
    struct archive_entry *entry = archive_entry_new();
    struct archive_entry_linkresolver *links = archive_entry_linkresolver_new();
    int rc = disk != NULL && entry != NULL && links != NULL
                 ? 0
                 : report("%s: out of memory", source->path);
    if (rc == 0) {
        archive_read_disk_set_symlink_hybrid(disk);
        archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
                                                 ARCHIVE_READDISK_NO_FFLAGS);
        archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
        rc = archive_read_disk_open(disk, source->path) == ARCHIVE_OK
                 ? walk_folder(tree, source, disk, entry, links)
                 : archive_failed(source, disk);
    }
    if (links != NULL)
        archive_entry_linkresolver_free(links);
    if (entry != NULL)
        archive_entry_free(entry);
    if (disk != NULL)
        archive_read_free(disk);
    return rc;
}

int file_sources_read(struct file_tree *tree, const struct files_source *source)
{
    struct stat st;
    if (stat(source->path, &st) != 0)
        return report("%s: cannot read: %s", source->path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return read_folder(tree, source);
    if (S_ISREG(st.st_mode))
        return read_archive(tree, source);
    return report("%s: neither a folder nor an archive file", source->path);
}
