/* The static report: one self-contained HTML page (no external fonts, scripts or styles). */
#include <string.h>

#include "cambium/cm_file.h"
#include "cambium/cm_report.h"
#include "cm_internal.h"
#include "report_internal.h"
#include "svg_internal.h"

#define MAX_HTML ((size_t)512 << 20)

static const char STYLE[] =
    "body{font-family:sans-serif;max-width:72em;margin:1em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-top:.5em}"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
    "th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".status{font-weight:bold}.absent{color:#8a6d00}.failed{color:#b00}"
    ".figure svg{max-width:100%;height:auto}.note{color:#444}"
    "nav ol{columns:2}";

/* Text escaped for HTML: the SVG writer's XML escaping (&<>"' as entities, control characters
 * that XML forbids dropped) serves HTML5 as well. */
static cm_error_t put_escaped(cm_i_buf_t *b, const char *s)
{
    return cm_i_svg_escape(b, s != NULL ? s : "");
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

static cm_error_t put_table(cm_i_buf_t *b, const json_t *t, const char *id, size_t max_rows,
                            const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char num[32];
    CM_TRY(cm_i_report_check_table(t, id, err));
    const json_t *cols = json_object_get(t, "columns");
    const json_t *rows = json_object_get(t, "rows");
    size_t nrows = json_array_size(rows);
    CM_TRY(cm_i_buf_puts(b, "<div class=\"table\" id=\"table-"));
    CM_TRY(put_escaped(b, id));
    CM_TRY(cm_i_buf_puts(b, "\"><h3>"));
    CM_TRY(put_escaped(b, str(t, "title")));
    CM_TRY(cm_i_buf_puts(b, "</h3>\n"));
    const char *svg = json_string_value(json_object_get(t, "figure_svg"));
    if (svg != NULL) {
        CM_TRY(cm_i_buf_puts(b, "<div class=\"figure\">"));
        CM_TRY(cm_i_buf_puts(b, svg));
        CM_TRY(cm_i_buf_puts(b, "</div>\n"));
    }
    CM_TRY(cm_i_buf_puts(b, "<p class=\"note\">"));
    CM_TRY(put_escaped(b, str(t, "note")));
    CM_TRY(cm_i_buf_puts(b, " <em>Source: "));
    CM_TRY(put_escaped(b, str(t, "source")));
    CM_TRY(cm_i_buf_puts(b, ".</em></p>\n<table><thead><tr>"));
    size_t j;
    const json_t *c;
    json_array_foreach(cols, j, c) {
        CM_TRY(cm_i_buf_puts(b, "<th>"));
        CM_TRY(put_escaped(b, str(c, "name")));
        if (str(c, "unit")[0] != '\0') {
            CM_TRY(cm_i_buf_puts(b, " ("));
            CM_TRY(put_escaped(b, str(c, "unit")));
            CM_TRY(cm_i_buf_puts(b, ")"));
        }
        CM_TRY(cm_i_buf_puts(b, "</th>"));
    }
    CM_TRY(cm_i_buf_puts(b, "</tr></thead>\n<tbody>\n"));
    for (size_t i = 0; i < nrows && i < max_rows; i++) {
        const json_t *r = json_array_get(rows, i);
        CM_TRY(cm_i_buf_puts(b, "<tr>"));
        const json_t *v;
        json_array_foreach(r, j, v) {
            CM_TRY(cm_i_buf_puts(b, json_is_number(v) ? "<td class=\"n\">" : "<td>"));
            CM_TRY(put_escaped(b, cm_i_report_cell_text(v, num)));
            CM_TRY(cm_i_buf_puts(b, "</td>"));
        }
        CM_TRY(cm_i_buf_puts(b, "</tr>\n"));
    }
    CM_TRY(cm_i_buf_puts(b, "</tbody></table>\n<p>"));
    if (nrows > max_rows) {
        CM_TRY(cm_i_buf_printf(b, "First %zu of %zu rows. ", max_rows, nrows));
    } else {
        CM_TRY(cm_i_buf_printf(b, "%zu rows. ", nrows));
    }
    CM_TRY(cm_i_buf_puts(b, "All rows: <a href=\""));
    CM_TRY(put_escaped(b, dir));
    CM_TRY(cm_i_buf_puts(b, "/"));
    CM_TRY(put_escaped(b, id));
    CM_TRY(cm_i_buf_puts(b, ".csv\">"));
    CM_TRY(put_escaped(b, id));
    CM_TRY(cm_i_buf_puts(b, ".csv</a> (JSON: <a href=\""));
    CM_TRY(put_escaped(b, dir));
    CM_TRY(cm_i_buf_puts(b, "/"));
    CM_TRY(put_escaped(b, id));
    CM_TRY(cm_i_buf_puts(b, ".json\">"));
    CM_TRY(put_escaped(b, id));
    CM_TRY(cm_i_buf_puts(b, ".json</a>)</p></div>\n"));
cleanup:
    return rc;
}

static cm_error_t put_section(cm_i_buf_t *b, const json_t *s, const json_t *tables,
                              size_t max_rows, const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char *status = str(s, "status");
    CM_TRY(cm_i_buf_puts(b, "<section id=\""));
    CM_TRY(put_escaped(b, str(s, "id")));
    CM_TRY(cm_i_buf_puts(b, "\">\n<h2>"));
    CM_TRY(put_escaped(b, str(s, "title")));
    CM_TRY(cm_i_buf_puts(b, "</h2>\n<p class=\"status "));
    CM_TRY(put_escaped(b, status));
    CM_TRY(cm_i_buf_puts(b, "\">Status: "));
    CM_TRY(put_escaped(b, status));
    if (str(s, "reason")[0] != '\0') {
        CM_TRY(cm_i_buf_puts(b, " &mdash; "));
        CM_TRY(put_escaped(b, str(s, "reason")));
    }
    CM_TRY(cm_i_buf_puts(b, "</p>\n<p class=\"methods\"><strong>Methods.</strong> "));
    CM_TRY(put_escaped(b, str(s, "methods")));
    CM_TRY(cm_i_buf_puts(b, "</p>\n"));
    const json_t *summary = json_object_get(s, "summary");
    if (json_array_size(summary) > 0) {
        size_t i;
        const json_t *line;
        CM_TRY(cm_i_buf_puts(b, "<ul class=\"summary\">\n"));
        json_array_foreach(summary, i, line) {
            CM_TRY(cm_i_buf_puts(b, "<li>"));
            CM_TRY(put_escaped(b, json_string_value(line)));
            CM_TRY(cm_i_buf_puts(b, "</li>\n"));
        }
        CM_TRY(cm_i_buf_puts(b, "</ul>\n"));
    }
    size_t i;
    const json_t *tid;
    json_array_foreach(json_object_get(s, "tables"), i, tid) {
        const char *id = json_string_value(tid);
        const json_t *t = id != NULL ? json_object_get(tables, id) : NULL;
        if (t == NULL) {
            CM_TRY(cm_i_buf_puts(b, "<p class=\"failed\">Table "));
            CM_TRY(put_escaped(b, id));
            CM_TRY(cm_i_buf_puts(b, " is missing.</p>\n"));
            continue;
        }
        CM_TRY(put_table(b, t, id, max_rows, dir, err));
    }
    CM_TRY(cm_i_buf_puts(b, "</section>\n"));
cleanup:
    return rc;
}

/* The input files that are not store datasets (assessment "files"): path, SHA-256, used by. */
static cm_error_t put_files(cm_i_buf_t *b, const json_t *files)
{
    cm_error_t rc = CM_OK;
    if (json_array_size(files) == 0) {
        goto cleanup;
    }
    CM_TRY(cm_i_buf_puts(b, "<h3 id=\"files\">Files</h3>\n<p>The other files the analyses read "
                            "(models, configuration, input-output table, bundled data), with "
                            "their SHA-256.</p>\n<table><thead><tr><th>path</th><th>sha256</th>"
                            "<th>used by</th></tr></thead>\n<tbody>\n"));
    size_t i;
    const json_t *f;
    json_array_foreach(files, i, f) {
        CM_TRY(cm_i_buf_puts(b, "<tr><td>"));
        CM_TRY(put_escaped(b, str(f, "path")));
        CM_TRY(cm_i_buf_puts(b, "</td><td><code>"));
        CM_TRY(put_escaped(b, str(f, "sha256")));
        CM_TRY(cm_i_buf_puts(b, "</code></td><td>"));
        size_t k;
        const json_t *u;
        json_array_foreach(json_object_get(f, "used_by"), k, u) {
            CM_TRY(cm_i_buf_puts(b, k > 0 ? ", " : ""));
            CM_TRY(put_escaped(b, json_is_string(u) ? json_string_value(u) : ""));
        }
        CM_TRY(cm_i_buf_puts(b, "</td></tr>\n"));
    }
    CM_TRY(cm_i_buf_puts(b, "</tbody></table>\n"));
cleanup:
    return rc;
}

static cm_error_t put_provenance(cm_i_buf_t *b, const json_t *datasets, const json_t *files)
{
    static const char *const keys[] = {"id", "kind", "name", "publisher", "licence",
                                       "version", "file", "sha256"};
    cm_error_t rc = CM_OK;
    char num[32];
    CM_TRY(cm_i_buf_puts(b, "<section id=\"provenance\">\n<h2>Provenance of the data</h2>\n"
                            "<p>Every dataset the assessment drew on, with its publisher, "
                            "licence, edition and the SHA-256 of the file imported.</p>\n"
                            "<table><thead><tr>"));
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        CM_TRY(cm_i_buf_printf(b, "<th>%s</th>", keys[k]));
    }
    CM_TRY(cm_i_buf_puts(b, "</tr></thead>\n<tbody>\n"));
    size_t i;
    const json_t *d;
    json_array_foreach(datasets, i, d) {
        CM_TRY(cm_i_buf_puts(b, "<tr>"));
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            CM_TRY(cm_i_buf_puts(b, k == 7 ? "<td><code>" : "<td>"));
            CM_TRY(put_escaped(b, cm_i_report_cell_text(json_object_get(d, keys[k]), num)));
            CM_TRY(cm_i_buf_puts(b, k == 7 ? "</code></td>" : "</td>"));
        }
        CM_TRY(cm_i_buf_puts(b, "</tr>\n"));
    }
    CM_TRY(cm_i_buf_puts(b, "</tbody></table>\n"));
    CM_TRY(put_files(b, files));
    CM_TRY(cm_i_buf_puts(b, "</section>\n"));
cleanup:
    return rc;
}

cm_error_t cm_report_html(const json_t *assessment, const json_t *tables,
                          const cm_report_html_options_t *opt, char **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT(MAX_HTML);
    size_t max_rows = opt != NULL && opt->max_rows > 0 ? opt->max_rows : 25;
    const char *dir = opt != NULL && opt->tables_dir != NULL ? opt->tables_dir : "tables";
    if (out != NULL) {
        *out = NULL;
    }
    if (assessment == NULL || tables == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_html: NULL argument");
    }
    const json_t *sections = json_object_get(assessment, "sections");
    if (!json_is_array(sections) || !json_is_object(tables)) {
        return cm_error_set(err, CM_EINVAL, "cm_report_html: expected an assessment with a "
                            "sections array and an object of tables");
    }
    const char *recipe = str(assessment, "recipe");
    CM_TRY(cm_i_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                             "<title>cambium assessment: "));
    CM_TRY(put_escaped(&b, recipe));
    CM_TRY(cm_i_buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", STYLE));
    CM_TRY(put_escaped(&b, str(assessment, "title")[0] != '\0' ? str(assessment, "title")
                                                               : recipe));
    CM_TRY(cm_i_buf_puts(&b, "</h1>\n<p>Recipe <code>"));
    CM_TRY(put_escaped(&b, recipe));
    CM_TRY(cm_i_buf_puts(&b, "</code> (SHA-256 <code>"));
    CM_TRY(put_escaped(&b, str(assessment, "recipe_sha256")));
    CM_TRY(cm_i_buf_puts(&b, "</code>), cambium "));
    CM_TRY(put_escaped(&b, str(assessment, "cambium_version")));
    CM_TRY(cm_i_buf_puts(&b, ", "));
    CM_TRY(put_escaped(&b, str(assessment, "created")));
    CM_TRY(cm_i_buf_puts(&b, ".</p>\n<nav id=\"toc\"><h2>Contents</h2><ol>\n"));
    size_t i;
    const json_t *s;
    json_array_foreach(sections, i, s) {
        CM_TRY(cm_i_buf_puts(&b, "<li><a href=\"#"));
        CM_TRY(put_escaped(&b, str(s, "id")));
        CM_TRY(cm_i_buf_puts(&b, "\">"));
        CM_TRY(put_escaped(&b, str(s, "title")));
        CM_TRY(cm_i_buf_puts(&b, "</a> ("));
        CM_TRY(put_escaped(&b, str(s, "status")));
        CM_TRY(cm_i_buf_puts(&b, ")</li>\n"));
    }
    CM_TRY(cm_i_buf_puts(&b, "<li><a href=\"#provenance\">Provenance of the data</a></li>\n"
                             "</ol></nav>\n"));
    json_array_foreach(sections, i, s) {
        CM_TRY(put_section(&b, s, tables, max_rows, dir, err));
    }
    CM_TRY(put_provenance(&b, json_object_get(assessment, "datasets"),
                          json_object_get(assessment, "files")));
    CM_TRY(cm_i_buf_puts(&b, "</body>\n</html>\n"));
    CM_TRY(cm_i_buf_steal(&b, out));
cleanup:
    if (rc == CM_ENOMEM || rc == CM_EOVERFLOW) {
        if (err != NULL && err->code != rc) {
            cm_error_set(err, rc, rc == CM_ENOMEM ? "out of memory (HTML report)"
                                                  : "HTML report over 512 MiB");
        }
    }
    cm_i_buf_free(&b);
    return rc;
}

cm_error_t cm_report_write_html(const json_t *assessment, const json_t *tables,
                                const cm_report_html_options_t *opt, const char *path,
                                cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *html = NULL;
    if (path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_write_html: NULL path");
    }
    CM_TRY(cm_report_html(assessment, tables, opt, &html, err));
    CM_TRY(cm_file_write_atomic(path, html, strlen(html), err));
cleanup:
    cm_free(html);
    return rc;
}
