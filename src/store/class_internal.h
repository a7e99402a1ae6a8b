/* Internals of the classifications (src/store/class_*.c): the in-memory classification with a
 * sorted alias index, the name normalisation and the CSV layout of code lists. */
#ifndef CAMBIUM_CLASS_INTERNAL_H
#define CAMBIUM_CLASS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cambium/cm_class.h"

/* Longest normalised key (bytes incl. NUL); longer texts are not names and do not resolve. */
#define CM_I_CLASS_KEY_MAX 512

typedef struct cm_i_class_item_t {
    char *code;
    char *label;
    char *parent;
    int aggregate;
} cm_i_class_item_t;

typedef struct cm_i_class_alias_t {
    char *key;     /* normalised */
    size_t item;   /* index into items */
    char *source;  /* where the alias came from (column name or file), may be NULL */
    int weak;      /* a label: dropped when it collides with another code's key */
} cm_i_class_alias_t;

struct cm_class_t {
    char *name;
    size_t n, cap;
    cm_i_class_item_t *items;
    size_t nalias, acap;
    cm_i_class_alias_t *aliases; /* sorted by key after cm_i_class_finish */
    size_t *by_code;             /* item indexes sorted by code */
    int finished;
};

/* Normalise \p text into \p out (size \p outsz): lowercase ASCII, Latin-1 accents folded,
 * '&' -> "and", punctuation and blanks collapsed to single spaces, trimmed. Returns the length,
 * or (size_t)-1 when the result does not fit. */
size_t cm_i_class_norm(const char *text, size_t len, char *out, size_t outsz);

cm_error_t cm_i_class_create(const char *name, cm_class_t **out, cm_error_info_t *err);
/* Append an item (code must be new: CM_EINVAL otherwise). \p index receives its position. */
cm_error_t cm_i_class_add_item(cm_class_t *c, const char *code, const char *label,
                               const char *parent, int aggregate, size_t *index,
                               cm_error_info_t *err);
/* Add an alias text (normalised here) for item \p item. Empty texts are ignored. */
cm_error_t cm_i_class_add_alias(cm_class_t *c, size_t item, const char *text, const char *source,
                                cm_error_info_t *err);
/* Add an already normalised key. */
cm_error_t cm_i_class_add_key(cm_class_t *c, size_t item, const char *key, const char *source,
                              cm_error_info_t *err);
/* Index: codes and labels become aliases too; sort; duplicate keys for the same code merge;
 * a code or alias naming two codes is CM_EINVAL ("alias 'x' names both A and B"); a label
 * shared by several codes (HS headings and subheadings often share one) is left out. */
cm_error_t cm_i_class_finish(cm_class_t *c, cm_error_info_t *err);
/* Index of a canonical code, or (size_t)-1. */
size_t cm_i_class_find_code(const cm_class_t *c, const char *code);

/* One record of a code-list CSV: code,label[,parent][,aggregate][,aliases][,<alias columns>]. */
typedef struct cm_i_class_layout_t {
    int code, label, parent, aggregate, aliases; /* column indexes, -1 = absent */
    size_t ncols;
    unsigned char *alias_col; /* ncols flags: 1 = the column holds aliases */
    char **names;             /* ncols header names (for alias sources) */
} cm_i_class_layout_t;

/* Interpret a header record. CM_EPARSE (file, line 1) when code or label is missing. */
cm_error_t cm_i_class_layout_init(cm_i_class_layout_t *lay, size_t n, const char *const *fields,
                                  const char *file, cm_error_info_t *err);
void cm_i_class_layout_destroy(cm_i_class_layout_t *lay);
/* Add one data record to \p c following \p lay; errors name file:line:column. */
cm_error_t cm_i_class_add_record(cm_class_t *c, const cm_i_class_layout_t *lay, size_t n,
                                 const char *const *fields, const char *file, int64_t line,
                                 cm_error_info_t *err);

/* Add every record of a code-list CSV text to \p c and finish it. */
cm_error_t cm_i_class_build(cm_class_t *c, const char *data, size_t len, const char *file,
                            cm_error_info_t *err);
/* The same for a file (encoding detected, separator detected); errors name file:line:column. */
cm_error_t cm_i_class_build_file(cm_class_t *c, const char *path, cm_error_info_t *err);
/* The embedded text of a built-in classification (CM_ENOTFOUND when there is none). */
cm_error_t cm_i_class_builtin_text(const char *name, const char **data, size_t *len);

/* Parse a built-in CSV text (embedded in the library) into a finished classification. */
cm_error_t cm_i_class_from_csv_text(const char *name, const char *data, size_t len,
                                    cm_class_t **out, cm_error_info_t *err);

#endif
