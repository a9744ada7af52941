/*
 * kiln pack IMAGE.kiln -t NAME[:TAG] -o FILE.tar: an OCI image archive of
 * a kiln image, for podman load and ctr image import (builder/oci_image.h).
 * The image is checked as kiln run checks it first: only what boots is
 * packed.
 */
#include <stdbool.h>
#include <unistd.h>

#include "builder/oci_image.h"
#include "commands.h"
#include "common/mapped_file.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "monitor/image.h"
#include "option_parser.h"
#include "options.h"

static const struct option_spec tag_option = {'t', "tag", "an image name (NAME[:TAG])"};
static const struct option_spec output_option = {'o', "output", "a file name"};
static const struct option_spec *const pack_options[OPTIONS_MAX] = {&help_option, &tag_option,
                                                                    &output_option};

struct pack_args {
    const char *image;
    const char *output;
    struct oci_reference ref;
    bool tagged;
    bool help;
};

static int take_tag(struct parser *parser, const char *value, struct pack_args *args)
{
    char why[OPTIONS_ERROR_SIZE];
    if (oci_reference_parse(&args->ref, value, why, sizeof why) != 0)
        return refuse(parser, "-t: %s", why);
    args->tagged = true;
    return 0;
}

static int take_option(struct parser *parser, int code, const char *value, void *taken)
{
    struct pack_args *args = taken;
    switch (code) {
    case 't':
        return take_tag(parser, value, args);
    case 'o':
        return path_value(parser, "-o", "a file name", value, &args->output);
    default:
        break;
    }
    if (args->image != NULL)
        return refuse(parser, "unexpected argument \"%s\" (one image at a time)", value);
    args->image = value;
    return 0;
}

static int parse_args(int argc, char **argv, struct pack_args *args, char *error, size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .command = "pack",
                            .specs = &pack_options,
                            .error = error,
                            .error_size = error_size};
    parser_start(&parser);
    *args = (struct pack_args){0};
    if (read_options(&parser, take_option, args, &args->help) < 0)
        return -1;
    if (args->help)
        return 0;
    if (read_operands_after_options(&parser, take_option, args) < 0)
        return -1;
    if (args->image == NULL)
        return refuse(&parser, "no image given (see kiln pack --help)");
    if (!args->tagged)
        return refuse(&parser, "no name given: -t NAME[:TAG] (see kiln pack --help)");
    if (args->output == NULL)
        return refuse(&parser, "no output given: -o FILE.tar (see kiln pack --help)");
    return 0;
}

static int pack_image(const struct pack_args *args)
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
            rc = oci_image_write(args->output, &args->ref, args->image, file.bytes, file.size);
        mapped_file_close(&file);
    }
    return rc == 0 ? 0 : EXIT_PACK_FAILED;
}

int cmd_pack(int argc, char **argv)
{
    struct pack_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (parse_args(argc, argv, &args, error, sizeof error) < 0) {
        report("pack: %s", error);
        return EXIT_USAGE;
    }
    return args.help ? help_print("pack", stdout) : pack_image(&args);
}
