/*
 * kiln inspect IMAGE [--json]: the image's hash, ABI version, default
 * memory, flags and embedded files.  The image may come from anywhere:
 * image_parse() checks it as the monitor would, and the files reader
 * checks its blob, before anything is printed.
 */
#include "inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common/mapped_file.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "monitor/image.h"
#include "option_parser.h"
#include "option_values.h"
#include "options.h"

#define MODE_TEXT_SIZE   11 /* "drwxr-xr-x" and its NUL */
#define PERMISSION_CHARS 9
#define SIZE_TEXT        32
#define UNSHOWN          '?'

enum {
    OPT_JSON = OPT_COMMAND_FIRST,
};

static const struct option_spec json_option = {OPT_JSON, "json", NULL};
static const struct option_spec *const inspect_options[OPTIONS_MAX] = {&help_option, &json_option};

struct inspect_args {
    const char *image;
    bool json;
    bool help;
};

static int take_option(struct parser *parser, int code, const char *value, void *taken)
{
    struct inspect_args *args = taken;
    if (code == OPT_JSON) {
        args->json = true;
        return 0;
    }
    if (args->image != NULL)
        return refuse(parser, "unexpected argument \"%s\" (one image at a time)", value);
    args->image = value;
    return 0;
}

static int parse_args(int argc, char **argv, struct inspect_args *args, char *error,
                      size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .command = "inspect",
                            .specs = &inspect_options,
                            .error = error,
                            .error_size = error_size};
    parser_start(&parser);
    *args = (struct inspect_args){0};
    if (read_options(&parser, take_option, args, &args->help) < 0)
        return -1;
    if (args->help)
        return 0;
    if (read_operands_after_options(&parser, take_option, args) < 0)
        return -1;
    if (args->image == NULL)
        return refuse(&parser, "no image given (see kiln inspect --help)");
    return 0;
}

struct walk {
    const struct inspected *inspected;
    inspect_visit *visit;
    void *context;
    char path[KILN_PATH_MAX];
};

/* As deep as the reader let paths be: a level takes two of 4095 bytes. */
static int walk_from(struct walk *walk, uint32_t index)
{
    struct kiln_files_entry entry = files_reader_entry(walk->inspected->files, index);
    files_reader_path(walk->inspected->files, index, walk->path);
    if (walk->visit(walk->inspected, index, walk->path, walk->context) != 0)
        return -1;
    for (uint32_t i = 0; S_ISDIR(entry.mode) && i < entry.child_count; i++)
        if (walk_from(walk, entry.first_child + i) != 0)
            return -1;
    return 0;
}

int inspect_walk(const struct inspected *inspected, inspect_visit *visit, void *context)
{
    struct walk walk = {inspected, visit, context, {0}};
    return inspected->files != NULL ? walk_from(&walk, 0) : 0;
}

/* As ls -l shows it. */
static void mode_text(uint32_t mode, char text[MODE_TEXT_SIZE])
{
    static const char letters[] = "rwxrwxrwx";
    text[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '-';
    for (int i = 0; i < PERMISSION_CHARS; i++)
        text[1 + i] = (mode & (S_IRUSR >> i)) != 0 ? letters[i] : '-';
    if (mode & S_ISUID)
        text[3] = text[3] == 'x' ? 's' : 'S';
    if (mode & S_ISGID)
        text[6] = text[6] == 'x' ? 's' : 'S';
    if (mode & S_ISVTX)
        text[9] = text[9] == 'x' ? 't' : 'T';
    text[MODE_TEXT_SIZE - 1] = '\0';
}

/* Names are any bytes: control characters must not move the terminal. */
static void print_shown(const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        putchar(bytes[i] < ' ' || bytes[i] == 0x7f ? UNSHOWN : bytes[i]);
}

static int print_entry(const struct inspected *inspected, uint32_t index, const char *path,
                       void *context)
{
    const int *size_width = context;
    struct kiln_files_entry entry = files_reader_entry(inspected->files, index);
    char mode[MODE_TEXT_SIZE];
    mode_text(entry.mode, mode);
    printf("  %s %*" PRIu64 " ", mode, *size_width, entry.size);
    print_shown((const uint8_t *)path, strlen(path));
    if (S_ISLNK(entry.mode)) {
        fputs(" -> ", stdout);
        print_shown(files_reader_data(inspected->files, &entry), entry.size);
    }
    putchar('\n');
    return 0;
}

static int size_width(const struct files_reader *files)
{
    uint64_t largest = 0;
    for (uint32_t i = 0; i < files->entry_count; i++) {
        struct kiln_files_entry entry = files_reader_entry(files, i);
        largest = entry.size > largest ? entry.size : largest;
    }
    return snprintf(NULL, 0, "%" PRIu64, largest);
}

static int print_text(const struct inspected *inspected)
{
    char memory[SIZE_TEXT];
    format_size(inspected->note.default_mem, memory, sizeof memory);
    fputs("image:   ", stdout);
    print_shown((const uint8_t *)inspected->name, strlen(inspected->name));
    printf("\nhash:    %s\nabi:     %" PRIu32 "\nmemory:  %s\nflags:   0x%" PRIx32 "\n",
           inspected->hash, inspected->note.abi_version, memory, inspected->note.flags);
    const struct kiln_program_note *program = inspected->program;
    if (program != NULL && program->interp_base != 0)
        printf("program: a Linux program (kiln build --elf), entry 0x%" PRIx64
               ", its interpreter at 0x%" PRIx64 "\n",
               program->entry, program->interp_base);
    else if (program != NULL)
        printf("program: a static Linux program (kiln build --elf), entry 0x%" PRIx64 "\n",
               program->entry);
    if (inspected->files == NULL) {
        puts("files:   none");
        return 0;
    }
    int width = size_width(inspected->files);
    printf("files:   %" PRIu32 " entries\n", inspected->files->entry_count);
    return inspect_walk(inspected, print_entry, &width);
}

static int print_image(const struct inspect_args *args, const struct image *image,
                       const struct mapped_file *file)
{
    struct files_reader files;
    struct inspected inspected = {
        .name = args->image,
        .note = image->note,
        .program = image->has_program ? &image->program : NULL,
    };
    struct content_hash hash = content_hash_of(file->bytes, file->size);
    content_hash_hex(&hash, inspected.hash);
    if (image->files.size > 0) {
        if (files_reader_open(&files, file->bytes + image->files.file_offset, image->files.size,
                              args->image) != 0)
            return -1;
        inspected.files = &files;
    }
    int rc = args->json ? inspect_print_json(&inspected) : print_text(&inspected);
    if (inspected.files != NULL)
        files_reader_close(&files);
    return rc;
}

static int inspect_image(const struct inspect_args *args)
{
    struct mapped_file file;
    struct image image;
    int fd;
    int rc = image_map(&file, &fd, args->image, args->image);
    if (fd >= 0)
        close(fd);
    if (rc == 0) {
        rc = image_parse(&image, args->image, file.bytes, file.size);
        if (rc == 0)
            rc = print_image(args, &image, &file);
        mapped_file_close(&file);
    }
    /* A reader that stopped early (| head) wanted no more: no message. */
    if (fflush(stdout) != 0)
        rc = errno == EPIPE ? -1 : report("inspect: cannot write: %s", strerror(errno));
    return rc == 0 ? 0 : EXIT_INSPECT_FAILED;
}

int cmd_inspect(int argc, char **argv)
{
    struct inspect_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (parse_args(argc, argv, &args, error, sizeof error) < 0) {
        report("inspect: %s", error);
        return EXIT_USAGE;
    }
    return args.help ? help_print("inspect", stdout) : inspect_image(&args);
}
