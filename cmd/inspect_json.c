/*
 * kiln inspect --json: the facts the text shows, as one JSON object, made
 * with jansson, which escapes what JSON needs escaped.  JSON strings are
 * UTF-8: a name that is not stops the output with one line instead.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>

#include "common/report.h"
#include "inspect.h"

#define PERMISSION_BITS 07777
#define MODE_TEXT_SIZE  8
#define JSON_FLAGS      JSON_INDENT(2)

static const char *type_of(uint32_t mode)
{
    if (S_ISDIR(mode))
        return "folder";
    return S_ISLNK(mode) ? "symlink" : "file";
}

static json_t *entry_json(const struct inspected *inspected, uint32_t index, const char *path)
{
    struct kiln_files_entry entry = files_reader_entry(inspected->files, index);
    char mode[MODE_TEXT_SIZE];
    snprintf(mode, sizeof mode, "%04" PRIo32, entry.mode & PERMISSION_BITS);
    json_t *object = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "path", path, "type",
                               type_of(entry.mode), "mode", mode, "size", (json_int_t)entry.size,
                               "nlink", (json_int_t)entry.nlink, "ino", (json_int_t)entry.ino);
    if (object == NULL || !S_ISLNK(entry.mode))
        return object;
    const char *target = (const char *)files_reader_data(inspected->files, &entry);
    if (json_object_set_new(object, "target", json_stringn(target, entry.size)) != 0) {
        json_decref(object);
        return NULL;
    }
    return object;
}

static int add_entry(const struct inspected *inspected, uint32_t index, const char *path,
                     void *context)
{
    json_t *files = context;
    if (json_array_append_new(files, entry_json(inspected, index, path)) != 0)
        return report("%s: %s: a name or symlink target that is not UTF-8, which JSON cannot "
                      "carry",
                      inspected->name, path);
    return 0;
}

static json_t *image_json(const struct inspected *inspected)
{
    json_t *image = json_pack(
        "{s:s, s:s, s:I, s:I, s:I}", "image", inspected->name, "hash", inspected->hash,
        "abi_version", (json_int_t)inspected->note.abi_version, "default_mem",
        (json_int_t)inspected->note.default_mem, "flags", (json_int_t)inspected->note.flags);
    if (image == NULL) {
        report("%s: an image name that is not UTF-8, which JSON cannot carry", inspected->name);
        return NULL;
    }
    const struct kiln_program_note *program = inspected->program;
    json_object_set_new(image, "program",
                        program == NULL
                            ? json_null()
                            : json_pack("{s:I, s:I}", "entry", (json_int_t)program->entry,
                                        "interp_base", (json_int_t)program->interp_base));
    return image;
}

int inspect_print_json(const struct inspected *inspected)
{
    json_t *image = image_json(inspected);
    if (image == NULL)
        return -1;
    json_t *files = json_array();
    if (json_object_set_new(image, "files", files) != 0) {
        json_decref(image);
        return report("inspect: out of memory");
    }
    int rc = inspect_walk(inspected, add_entry, files);
    if (rc == 0 && (json_dumpf(image, stdout, JSON_FLAGS) != 0 || putchar('\n') == EOF))
        rc = report("inspect: cannot write the JSON");
    json_decref(image);
    return rc;
}
