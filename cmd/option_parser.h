/*
 * What every command line parser of kiln's shares: getopt_long, fed from
 * one table of each command's options, with its refusals written into the
 * caller's error buffer instead of printed.
 */
#ifndef KILN_OPTION_PARSER_H
#define KILN_OPTION_PARSER_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most options one command takes. */
#define OPTIONS_MAX 24

/* What next_option() returns for an argument that is not an option:
 * getopt_long's code for one when "-" leads the letters. */
#define OPT_OPERAND 1

/* Codes of the options without a letter, past any letter's. */
enum {
    OPT_NO_LETTER = 256,
    OPT_MEM = OPT_NO_LETTER,
    OPT_TIMEOUT,
    OPT_COMMAND_FIRST, /* the first code free for one command's own options */
};

struct option_spec {
    int code;          /* the letter of "-c", or an OPT_* code for "--name" alone */
    const char *name;  /* "--name" without the dashes, or NULL */
    const char *value; /* what the value is ("a directory"), or NULL: takes none */
};

/* The options that several commands take. */
extern const struct option_spec help_option, mem_option, timeout_option;

struct parser;

/* Takes the arguments at argv[parser->at] that no table can describe
 * (gcc's flags on kiln build's line: "-std=c99", "-include FILE"), before
 * getopt_long sees them.  Returns how many it took, 0 for none, or -1
 * with the reason in the parser's error. */
typedef int argument_claimer(struct parser *parser, void *args);

struct parser {
    int argc;
    char **argv;
    const char *program; /* "kiln-oci", for "see kiln-oci create --help"; NULL: "kiln" */
    const char *command; /* "build", for "see kiln build --help"; NULL: the program's own */
    /* Sized, so that one option too many does not compile; NULL past the
     * last option. */
    const struct option_spec *const (*specs)[OPTIONS_MAX];
    char *error;
    size_t error_size;
    argument_claimer *claim; /* or NULL: getopt_long reads every argument */
    int at;                  /* the index of the argument being read */
    int base;                /* getopt_long reads argv from here: past what claim took */
    char letters[2 + 2 * OPTIONS_MAX + 1];
    struct option names[OPTIONS_MAX + 1];
};

/* Readies a parser, its fields up to error_size set, to read argv[1] on. */
void parser_start(struct parser *parser);

/* Reads the next argument: returns an option's code with its value (NULL
 * when it takes none), OPT_OPERAND with an argument that is not an option
 * as value, 0 when the options end (parser->at is then the index of the
 * "--" that ended them, or argc), or -1 with the reason in the parser's
 * error. */
int next_option(struct parser *parser, const char **value);

/* What one command does with an option or an operand (next_option()'s
 * code and value) for its args: 0, or -1 refused. */
typedef int option_taker(struct parser *parser, int code, const char *value, void *args);

/* Reads the options until they end, each through the parser's claim, else
 * through take; stops at -h or --help, setting *help.  Returns 0, or -1
 * with the reason in the parser's error. */
int read_options(struct parser *parser, option_taker *take, void *args, bool *help);

/* Gives take each argument after the "--" that ended the options, as an
 * operand (OPT_OPERAND), for a command whose operands may start with '-'.
 * Returns 0, or -1 with the reason in the parser's error. */
int read_operands_after_options(struct parser *parser, option_taker *take, void *args);

/* Writes the reason into the parser's error; returns -1. */
int refuse(struct parser *parser, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int unknown_option(struct parser *parser, const char *arg);

/* Read --mem's and --timeout's values; 0, or -1 refused. */
int mem_value(struct parser *parser, const char *value, uint64_t *bytes);
int timeout_value(struct parser *parser, const char *value, uint64_t *ms);

/* Takes a value that names a file or a folder (what: "a folder"): any but
 * the empty one; 0, or -1 refused. */
int path_value(struct parser *parser, const char *name, const char *what, const char *value,
               const char **path);

/* Reads a whole number in [min, max] for the option called name
 * ("--workers"); 0, or -1 refused. */
int count_value(struct parser *parser, const char *name, const char *value, uint64_t min,
                uint64_t max, uint64_t *count);

#endif
