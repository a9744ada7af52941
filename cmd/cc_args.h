/*
 * kiln cc's reading of gcc's command line: whether it links an executable
 * (kiln's part) or does anything else, which musl-gcc does alone; and, to
 * link, the output's name apart from the other arguments, which keep
 * their order (a library must follow the objects that use it).  Only the
 * options that take their value as the next argument need knowing, so
 * that a value is never taken for an input.
 */
#ifndef KILN_CC_ARGS_H
#define KILN_CC_ARGS_H

#include <stddef.h>

#define CC_DEFAULT_OUTPUT "a.out" /* gcc's */

enum cc_mode {
    CC_PASS_THROUGH, /* -c, -S, -E, -M, -MM, -r, -fsyntax-only, -###, or no inputs */
    CC_LINK,         /* inputs to link into an executable: an image */
};

struct cc_args {
    enum cc_mode mode;
    const char *output;     /* CC_LINK: -o's name, else CC_DEFAULT_OUTPUT */
    const char **link_args; /* CC_LINK: the arguments less -o NAME, in order */
    size_t link_arg_count;
    const char *refused;     /* CC_LINK: the first argument an image cannot honour */
    const char *refused_why; /* and why, as words that follow "cannot link an image: " */
};

/* Reads args (argv less kiln cc's own name).  Returns 0, or -1 with errno
 * set when memory runs out. */
int cc_args_parse(int count, char *const *args, struct cc_args *parsed);

void cc_args_free(struct cc_args *parsed);

#endif
