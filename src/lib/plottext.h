/* plottext.h - a plot's text through FreeType, each glyph loaded once */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_PLOTTEXT_H
#define RESMON_PLOTTEXT_H

#include <gd.h>

struct errmsg;

/*
 * A TrueType font with the glyphs drawn so far. It lays out and blends
 * text into a palette image exactly as libgd's gdImageStringFT does
 * (at 96 dpi, metrics at 300 dpi, hinted, kerned, 8 levels of grey),
 * but libgd makes two new FreeType sizes per call, which runs the
 * font's hinting programs each time: ~0.1 ms a label, 13 ms a plot.
 * Here sizes and glyphs are made once.
 */
struct plottext;

/*
 * Returns the font at path, which the caller closes with
 * plottext_close(), or NULL with err set: ENOENT (or another errno
 * value) when it cannot be read, EINVAL when FreeType cannot use it.
 */
struct plottext *plottext_open(const char *path, struct errmsg *err);

/* Frees t; NULL does nothing. */
void plottext_close(struct plottext *t);

/*
 * The width in pixels of UTF-8 s at pt points: brect[2] - brect[0] of
 * gdImageStringFT(NULL, brect, 0, path, pt, 0, 0, 0, s). Glyphs FreeType
 * cannot load are left out. Cannot fail otherwise.
 */
int plottext_width(struct plottext *t, double pt, const char *s);

/*
 * Draws s at pt points in palette colour fg of im (not truecolor) with
 * the start of its baseline at x, y, as gdImageStringFT(im, NULL, fg,
 * path, pt, 0, x, y, s) does. Cannot fail.
 */
void plottext_draw(struct plottext *t, gdImagePtr im, double pt, int x, int y,
    int fg, const char *s);

#endif
