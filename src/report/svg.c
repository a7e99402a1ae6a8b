/* SVG figure: creation, texts, ranges and the series it copies. Rendering is in
 * svg_render.c. */
#include <math.h>
#include <string.h>

#include "svg_internal.h"

cm_error_t cm_svg_create(double width, double height, cm_svg_t **out, cm_error_info_t *err)
{
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_create: out must not be NULL");
    }
    *out = NULL;
    if (!(width >= 100 && width <= 10000) || !(height >= 100 && height <= 10000)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_create: width and height must be in 100 .. 10000 px, got "
                            "%g x %g",
                            width, height);
    }
    cm_svg_t *fig = cm_calloc(1, sizeof *fig);
    if (fig == NULL) {
        return cm_error_set(err, CM_ENOMEM, "cm_svg_create: out of memory");
    }
    fig->width = width;
    fig->height = height;
    fig->bar_mode = CM_SVG_BARS_GROUPED;
    *out = fig;
    return CM_OK;
}

static void free_series(cm_i_svg_series_t *s)
{
    cm_free(s->name);
    cm_free(s->x);
    cm_free(s->y);
    cm_free(s->y2);
    if (s->labels != NULL) {
        for (size_t i = 0; i < s->n; i++) {
            cm_free(s->labels[i]);
        }
        cm_free(s->labels);
    }
    memset(s, 0, sizeof *s);
}

static void free_strings(char **v, size_t n)
{
    if (v != NULL) {
        for (size_t i = 0; i < n; i++) {
            cm_free(v[i]);
        }
        cm_free(v);
    }
}

void cm_svg_free(cm_svg_t *fig)
{
    if (fig == NULL) {
        return;
    }
    for (size_t i = 0; i < fig->nseries; i++) {
        free_series(&fig->series[i]);
    }
    cm_free(fig->series);
    for (size_t i = 0; i < fig->nrefs; i++) {
        cm_free(fig->refs[i].label);
    }
    cm_free(fig->refs);
    free_strings(fig->cats, fig->ncats);
    cm_free(fig->title);
    cm_free(fig->xlabel);
    cm_free(fig->ylabel);
    cm_free(fig);
}

/* Copy of s, or NULL for NULL/empty s; *ok is cleared when memory ran out. */
static char *dup_opt(const char *s, int *ok)
{
    if (s == NULL || s[0] == '\0') {
        return NULL;
    }
    char *d = cm_strdup(s);
    if (d == NULL) {
        *ok = 0;
    }
    return d;
}

cm_error_t cm_svg_set_labels(cm_svg_t *fig, const char *title, const char *xlabel,
                             const char *ylabel, cm_error_info_t *err)
{
    if (fig == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_set_labels: fig must not be NULL");
    }
    int ok = 1;
    char *t = dup_opt(title, &ok);
    char *x = dup_opt(xlabel, &ok);
    char *y = dup_opt(ylabel, &ok);
    if (!ok) {
        cm_free(t);
        cm_free(x);
        cm_free(y);
        return cm_error_set(err, CM_ENOMEM, "cm_svg_set_labels: out of memory");
    }
    cm_free(fig->title);
    cm_free(fig->xlabel);
    cm_free(fig->ylabel);
    fig->title = t;
    fig->xlabel = x;
    fig->ylabel = y;
    return CM_OK;
}

cm_error_t cm_svg_set_range(cm_svg_t *fig, char axis, double lo, double hi, cm_error_info_t *err)
{
    if (fig == NULL || (axis != 'x' && axis != 'y')) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_set_range: need a figure and axis 'x' or 'y'");
    }
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_set_range: need finite lo < hi, got %g and %g", lo, hi);
    }
    int a = axis == 'x' ? 0 : 1;
    fig->has_range[a] = 1;
    fig->range[a][0] = lo;
    fig->range[a][1] = hi;
    return CM_OK;
}

static cm_error_t grow_series(cm_svg_t *fig, cm_error_info_t *err)
{
    if (fig->nseries < fig->series_cap) {
        return CM_OK;
    }
    size_t cap = fig->series_cap ? 2 * fig->series_cap : 4;
    cm_i_svg_series_t *p = cm_realloc_array(fig->series, cap, sizeof *p);
    if (p == NULL) {
        return cm_error_set(err, CM_ENOMEM, "cm_svg: out of memory adding a series");
    }
    fig->series = p;
    fig->series_cap = cap;
    return CM_OK;
}

static double *dup_doubles(const double *v, size_t n)
{
    double *d = cm_malloc_array(n, sizeof *d);
    if (d != NULL) {
        memcpy(d, v, n * sizeof *d);
    }
    return d;
}

static const cm_i_svg_series_t *first_area(const cm_svg_t *fig)
{
    for (size_t i = 0; i < fig->nseries; i++) {
        if (fig->series[i].kind == CM_I_SVG_AREA) {
            return &fig->series[i];
        }
    }
    return NULL;
}

static cm_error_t add_xy(cm_svg_t *fig, cm_i_svg_kind_t kind, const char *fn, const char *name,
                         const double *x, size_t nx, const double *y, size_t ny,
                         const char *const *labels, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_svg_series_t s;
    memset(&s, 0, sizeof s);
    if (fig == NULL || x == NULL || y == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: fig, x and y must not be NULL", fn);
    }
    if (nx == 0 || ny == 0) {
        return cm_error_set(err, CM_EINVAL, "%s: empty series '%s'", fn, name ? name : "");
    }
    if (nx != ny) {
        return cm_error_set(err, CM_EINVAL, "%s: series '%s' has %zu x values but %zu y values",
                            fn, name ? name : "", nx, ny);
    }
    if (fig->cats != NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: the figure is a bar chart (categories set)", fn);
    }
    if (kind == CM_I_SVG_AREA) {
        for (size_t i = 0; i < nx; i++) {
            if (!isfinite(x[i]) || (i > 0 && !(x[i] > x[i - 1]))) {
                return cm_error_set(err, CM_EINVAL,
                                    "%s: area x must be finite and strictly increasing "
                                    "(index %zu)",
                                    fn, i);
            }
        }
        const cm_i_svg_series_t *a0 = first_area(fig);
        if (a0 != NULL && (a0->n != nx || memcmp(a0->x, x, nx * sizeof *x) != 0)) {
            return cm_error_set(err, CM_EINVAL,
                                "%s: stacked area '%s' must share the x values of the first "
                                "area (%zu values)",
                                fn, name ? name : "", a0->n);
        }
    }
    CM_TRY(grow_series(fig, err));
    s.kind = kind;
    s.n = nx;
    int ok = 1;
    s.name = dup_opt(name, &ok);
    s.x = dup_doubles(x, nx);
    s.y = dup_doubles(y, ny);
    if (!ok || s.x == NULL || s.y == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "%s: out of memory", fn));
    }
    if (labels != NULL) {
        s.labels = cm_calloc(nx, sizeof *s.labels);
        CM_NOMEM(s.labels, err);
        for (size_t i = 0; i < nx; i++) {
            s.labels[i] = dup_opt(labels[i], &ok);
            if (!ok) {
                CM_FAIL(cm_error_set(err, CM_ENOMEM, "%s: out of memory", fn));
            }
        }
    }
    fig->series[fig->nseries++] = s;
    memset(&s, 0, sizeof s);
cleanup:
    free_series(&s);
    return rc;
}

cm_error_t cm_svg_add_scatter(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                              const double *y, size_t ny, const char *const *labels,
                              cm_error_info_t *err)
{
    return add_xy(fig, CM_I_SVG_SCATTER, "cm_svg_add_scatter", name, x, nx, y, ny, labels, err);
}

cm_error_t cm_svg_add_line(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                           const double *y, size_t ny, cm_error_info_t *err)
{
    return add_xy(fig, CM_I_SVG_LINE, "cm_svg_add_line", name, x, nx, y, ny, NULL, err);
}

cm_error_t cm_svg_add_area(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                           const double *y, size_t ny, cm_error_info_t *err)
{
    return add_xy(fig, CM_I_SVG_AREA, "cm_svg_add_area", name, x, nx, y, ny, NULL, err);
}

cm_error_t cm_svg_add_band(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                           const double *lo, const double *hi, size_t ny, cm_error_info_t *err)
{
    if (fig == NULL || hi == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_add_band: fig and hi must not be NULL");
    }
    if (fig->nseries == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_add_band: add the series the band belongs to first");
    }
    cm_error_t rc = add_xy(fig, CM_I_SVG_BAND, "cm_svg_add_band", name, x, nx, lo, ny, NULL,
                           err);
    if (rc != CM_OK) {
        return rc;
    }
    cm_i_svg_series_t *s = &fig->series[fig->nseries - 1];
    s->y2 = dup_doubles(hi, ny);
    if (s->y2 == NULL) {
        fig->nseries--;
        free_series(s);
        return cm_error_set(err, CM_ENOMEM, "cm_svg_add_band: out of memory");
    }
    return CM_OK;
}

void cm_i_svg_stack(const double *base, const double *y, size_t n, double *top)
{
    for (size_t j = 0; j < n; j++) {
        top[j] = base[j] + (isfinite(y[j]) ? y[j] : 0.0);
    }
}

cm_error_t cm_svg_area_top(const cm_svg_t *fig, size_t k, double *tops, size_t n,
                           cm_error_info_t *err)
{
    if (fig == NULL || tops == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_area_top: fig and tops must not be NULL");
    }
    size_t seen = 0;
    int found = 0;
    for (size_t i = 0; i < fig->nseries && !found; i++) {
        const cm_i_svg_series_t *s = &fig->series[i];
        if (s->kind != CM_I_SVG_AREA) {
            continue;
        }
        if (s->n != n) {
            return cm_error_set(err, CM_EINVAL, "cm_svg_area_top: areas have %zu values, n = %zu",
                                s->n, n);
        }
        if (seen == 0) {
            memset(tops, 0, n * sizeof *tops);
        }
        cm_i_svg_stack(tops, s->y, n, tops);
        found = seen == k;
        seen++;
    }
    if (!found) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_area_top: no area %zu (the figure has %zu)",
                            k, seen);
    }
    return CM_OK;
}

cm_error_t cm_svg_set_categories(cm_svg_t *fig, const char *const *categories, size_t n,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **cats = NULL;
    if (fig == NULL || categories == NULL || n == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_set_categories: need a figure and at least one category");
    }
    if (fig->cats != NULL || fig->nseries > 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_set_categories: categories must be set once, before any "
                            "series");
    }
    for (size_t i = 0; i < n; i++) {
        if (categories[i] == NULL) {
            return cm_error_set(err, CM_EINVAL, "cm_svg_set_categories: category %zu is NULL",
                                i);
        }
    }
    cats = cm_calloc(n, sizeof *cats);
    CM_NOMEM(cats, err);
    for (size_t i = 0; i < n; i++) {
        cats[i] = cm_strdup(categories[i]);
        CM_NOMEM(cats[i], err);
    }
    fig->cats = cats;
    fig->ncats = n;
    cats = NULL;
cleanup:
    free_strings(cats, n);
    return rc;
}

cm_error_t cm_svg_set_bar_mode(cm_svg_t *fig, cm_svg_bar_mode_t mode, cm_error_info_t *err)
{
    if (fig == NULL || (mode != CM_SVG_BARS_GROUPED && mode != CM_SVG_BARS_STACKED)) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_set_bar_mode: unknown mode %d", (int)mode);
    }
    fig->bar_mode = mode;
    return CM_OK;
}

cm_error_t cm_svg_add_bars(cm_svg_t *fig, const char *name, const double *values, size_t n,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_svg_series_t s;
    memset(&s, 0, sizeof s);
    if (fig == NULL || values == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_add_bars: fig and values must not be NULL");
    }
    if (fig->cats == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_add_bars: set the categories first");
    }
    if (n != fig->ncats) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_add_bars: series '%s' has %zu values for %zu categories",
                            name ? name : "", n, fig->ncats);
    }
    CM_TRY(grow_series(fig, err));
    int ok = 1;
    s.kind = CM_I_SVG_BARS;
    s.n = n;
    s.name = dup_opt(name, &ok);
    s.y = dup_doubles(values, n);
    if (!ok || s.y == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "cm_svg_add_bars: out of memory"));
    }
    fig->series[fig->nseries++] = s;
    memset(&s, 0, sizeof s);
cleanup:
    free_series(&s);
    return rc;
}

cm_error_t cm_svg_add_refline(cm_svg_t *fig, char axis, double value, const char *label,
                              cm_error_info_t *err)
{
    if (fig == NULL || (axis != 'x' && axis != 'y') || !isfinite(value)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_add_refline: need a figure, axis 'x' or 'y' and a finite "
                            "value");
    }
    if (axis == 'x' && fig->cats != NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_add_refline: no vertical line on a categorical x axis");
    }
    if (fig->nrefs == fig->refs_cap) {
        size_t cap = fig->refs_cap ? 2 * fig->refs_cap : 4;
        cm_i_svg_ref_t *p = cm_realloc_array(fig->refs, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "cm_svg_add_refline: out of memory");
        }
        fig->refs = p;
        fig->refs_cap = cap;
    }
    int ok = 1;
    char *l = dup_opt(label, &ok);
    if (!ok) {
        return cm_error_set(err, CM_ENOMEM, "cm_svg_add_refline: out of memory");
    }
    cm_i_svg_ref_t *r = &fig->refs[fig->nrefs++];
    r->vertical = axis == 'x';
    r->value = value;
    r->label = l;
    return CM_OK;
}
