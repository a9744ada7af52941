#include "cc_args.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_flags.h"

#define COUNT(array) (sizeof(array) / sizeof(array)[0])

/* gcc's options whose value is the next argument when not joined to them. */
// clang-format off
static const char *const separate_value[] = {
    "-o", "-x", "-I", "-D", "-U", "-L", "-l", "-T", "-u", "-e", "-z", "-B", "-A",
    "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-iprefix", "-iwithprefix",
    "-iwithprefixbefore", "-isysroot", "-imultilib", "--sysroot",
    "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor",
    "-aux-info", "-dumpbase", "-dumpbase-ext", "-dumpdir", "--param",
};
// clang-format on

/* Each makes gcc stop before linking, or link no executable. */
static const char *const no_executable[] = {
    "-c", "-S", "-E", "-M", "-MM", "-r", "-fsyntax-only", "-###",
};

static bool is_one_of(const char *arg, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(arg, list[i]) == 0)
            return true;
    return false;
}

/* What gcc reads as something to link: a file ("-" is stdin), or -lNAME. */
static bool is_input(const char *arg)
{
    return arg[0] != '-' || arg[1] == '\0' || strncmp(arg, "-l", 2) == 0;
}

/* kiln build's refusals (compiler_flags.h), which hold for any link. */
static void note_refusal(struct cc_args *parsed, const char *arg)
{
    const char *why = parsed->refused == NULL ? compiler_flags_refusal(arg) : NULL;
    if (why != NULL) {
        parsed->refused = arg;
        parsed->refused_why = why;
    }
}

/* One argument, and its value when it takes the next one; returns how
 * many arguments it used. */
static int read_arg(struct cc_args *parsed, int left, char *const *args, bool *has_input,
                    bool *links)
{
    const char *arg = args[0];
    bool takes_value = is_one_of(arg, separate_value, COUNT(separate_value)) && left > 1;
    if (strcmp(arg, "-o") == 0 && takes_value) {
        parsed->output = args[1];
        return 2;
    }
    if (strncmp(arg, "-o", 2) == 0 && arg[2] != '\0') {
        parsed->output = arg + 2;
        return 1;
    }
    *has_input |= is_input(arg);
    *links &= !is_one_of(arg, no_executable, COUNT(no_executable));
    note_refusal(parsed, arg);
    parsed->link_args[parsed->link_arg_count++] = arg;
    if (takes_value)
        parsed->link_args[parsed->link_arg_count++] = args[1];
    return takes_value ? 2 : 1;
}

int cc_args_parse(int count, char *const *args, struct cc_args *parsed)
{
    *parsed = (struct cc_args){.output = CC_DEFAULT_OUTPUT};
    parsed->link_args = calloc((size_t)count + 1, sizeof *parsed->link_args);
    if (parsed->link_args == NULL)
        return -1;
    bool has_input = false, links = true;
    for (int i = 0; i < count;)
        i += read_arg(parsed, count - i, args + i, &has_input, &links);
    parsed->mode = has_input && links ? CC_LINK : CC_PASS_THROUGH;
    if (parsed->mode != CC_LINK)
        parsed->refused = parsed->refused_why = NULL;
    return 0;
}

void cc_args_free(struct cc_args *parsed)
{
    free(parsed->link_args);
    parsed->link_args = NULL;
}
