/* plottext.c - lay out and blend a plot's text as libgd does, glyphs cached */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plottext.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_GLYPH_H
#include FT_SIZES_H

#include "errmsg.h"
#include "xalloc.h"

/*
 * libgd's constants (gdft.c): layout and bounding boxes at 300 dpi,
 * bitmaps at the screen's 96 dpi, 8 grey levels in a palette image.
 */
#define METRIC_RES 300
#define SCREEN_RES 96
#define GREYS 8
/* The point sizes a plot uses: a label's and the title's. */
#define MAX_SIZES 4
/* Longest text laid out; labels and titles are far shorter. */
#define MAX_GLYPHS 512

/* One glyph at one point size: what gdImageStringFTEx asks FreeType. */
struct glyph {
	FT_UInt index;
	bool ok;                       /* FreeType loaded its metrics */
	bool drawn;                    /* and a bitmap, maybe empty */
	FT_Pos advance, bearing_x;     /* 26.6 at METRIC_RES, hinted */
	FT_Pos bearing_y, height;      /* the same */
	int left, top;                 /* of the bitmap, at SCREEN_RES */
	int rows, width, pitch, greys; /* an FT_PIXEL_MODE_GRAY bitmap */
	unsigned char *bits;
};

struct size {
	double pt;
	FT_Size metric, screen; /* at METRIC_RES and SCREEN_RES */
	struct glyph **glyph;   /* sorted by index; each stays put */
	size_t n_glyphs;
};

struct plottext {
	FT_Library lib;
	FT_Face face;
	bool kerning;
	struct size size[MAX_SIZES];
	size_t n_sizes;
};

struct plottext *
plottext_open(const char *path, struct errmsg *err)
{
	struct plottext *t;

	/* FreeType says only "cannot open resource": ask the kernel why. */
	if (access(path, R_OK) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	if (FT_Init_FreeType(&t->lib) != 0) {
		ERRMSG_SET(err, ENOMEM, "FT_Init_FreeType failed");
		free(t);
		return NULL;
	}
	if (FT_New_Face(t->lib, path, 0, &t->face) != 0 ||
	    FT_Select_Charmap(t->face, FT_ENCODING_UNICODE) != 0) {
		ERRMSG_SET(err, EINVAL, "%s: not a font FreeType can use",
		    path);
		plottext_close(t);
		return NULL;
	}
	/* As libgd's fallback layout decides (no raqm on Debian 12). */
	t->kerning = FT_HAS_KERNING(t->face) && !FT_IS_FIXED_WIDTH(t->face);
	return t;
}

void
plottext_close(struct plottext *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_sizes; i++) {
		for (j = 0; j < t->size[i].n_glyphs; j++) {
			free(t->size[i].glyph[j]->bits);
			free(t->size[i].glyph[j]);
		}
		free(t->size[i].glyph);
	}
	/* FT_Done_Face frees the sizes, FT_Done_FreeType the face. */
	if (t->face != NULL)
		FT_Done_Face(t->face);
	FT_Done_FreeType(t->lib);
	free(t);
}

/* A size whose char size is set; NULL when FreeType refuses it. */
static struct size *
size_get(struct plottext *t, double pt)
{
	struct size *sz;
	size_t i;

	for (i = 0; i < t->n_sizes; i++)
		if (t->size[i].pt == pt)
			return t->size[i].metric != NULL ? &t->size[i] : NULL;
	if (t->n_sizes == MAX_SIZES)
		return NULL;
	sz = &t->size[t->n_sizes++];
	sz->pt = pt;
	/* As gdImageStringFTEx: (FT_F26Dot6)(ptsize * 64), then the dpi. */
	if (FT_New_Size(t->face, &sz->screen) != 0 ||
	    FT_Activate_Size(sz->screen) != 0 ||
	    FT_Set_Char_Size(t->face, 0, (FT_F26Dot6)(pt * 64), SCREEN_RES,
	        SCREEN_RES) != 0 ||
	    FT_New_Size(t->face, &sz->metric) != 0 ||
	    FT_Activate_Size(sz->metric) != 0 ||
	    FT_Set_Char_Size(t->face, 0, (FT_F26Dot6)(pt * 64), METRIC_RES,
	        METRIC_RES) != 0) {
		sz->metric = NULL;
		return NULL;
	}
	return sz;
}

/* Loads glyph g's metrics and bitmap, as gdImageStringFTEx loads them. */
static void
glyph_load(struct plottext *t, struct size *sz, struct glyph *g)
{
	FT_GlyphSlot slot = t->face->glyph;
	FT_BitmapGlyph bm;
	FT_Glyph image;
	size_t n;

	if (FT_Activate_Size(sz->metric) != 0 ||
	    FT_Load_Glyph(t->face, g->index, FT_LOAD_DEFAULT) != 0)
		return;
	g->advance = slot->metrics.horiAdvance;
	g->bearing_x = slot->metrics.horiBearingX;
	g->bearing_y = slot->metrics.horiBearingY;
	g->height = slot->metrics.height;
	g->ok = true;
	if (FT_Activate_Size(sz->screen) != 0 ||
	    FT_Load_Glyph(t->face, g->index, FT_LOAD_DEFAULT) != 0 ||
	    FT_Get_Glyph(slot, &image) != 0)
		return;
	if (image->format != FT_GLYPH_FORMAT_BITMAP &&
	    FT_Glyph_To_Bitmap(&image, FT_RENDER_MODE_NORMAL, NULL, 1) != 0) {
		FT_Done_Glyph(image);
		return;
	}
	bm = (FT_BitmapGlyph)image;
	if (bm->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY ||
	    bm->bitmap.num_grays < 2 || bm->bitmap.pitch < 0) {
		FT_Done_Glyph(image);
		return;
	}
	g->left = bm->left;
	g->top = bm->top;
	g->rows = (int)bm->bitmap.rows;
	g->width = (int)bm->bitmap.width;
	g->pitch = bm->bitmap.pitch;
	g->greys = bm->bitmap.num_grays;
	n = (size_t)g->rows * (size_t)g->pitch;
	g->bits = n > 0 ? xmalloc(n) : NULL;
	if (n > 0)
		memcpy(g->bits, bm->bitmap.buffer, n);
	FT_Done_Glyph(image);
	g->drawn = true;
}

/* The glyph for index at sz, loaded on first use. Cannot fail. */
static const struct glyph *
glyph_get(struct plottext *t, struct size *sz, FT_UInt index)
{
	size_t lo = 0, hi = sz->n_glyphs, mid;
	struct glyph *g;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sz->glyph[mid]->index == index)
			return sz->glyph[mid];
		if (sz->glyph[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	sz->glyph =
	    xreallocarray(sz->glyph, sz->n_glyphs + 1, sizeof(*sz->glyph));
	memmove(sz->glyph + lo + 1, sz->glyph + lo,
	    (sz->n_glyphs - lo) * sizeof(*sz->glyph));
	sz->n_glyphs++;
	g = sz->glyph[lo] = xcalloc(1, sizeof(*g));
	g->index = index;
	glyph_load(t, sz, g);
	return g;
}

/* libgd's gd_UTF8_To_Unicode: a bad sequence is its first byte alone. */
static size_t
utf8_next(const unsigned char *s, uint32_t *ch)
{
	if (s[0] < 0xc0) {
		*ch = s[0];
		return 1;
	}
	if (s[0] < 0xe0 && (s[1] & 0xc0) == 0x80) {
		*ch = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] >= 0xe0 && s[0] < 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*ch = ((uint32_t)(s[0] & 0x0f) << 12) |
		      ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] < 0xf8 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*ch = ((uint32_t)(s[0] & 0x07) << 18) |
		      ((uint32_t)(s[1] & 0x3f) << 12) |
		      ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	*ch = s[0];
	return 1;
}

/* A laid out glyph: libgd's glyphInfo. */
struct placed {
	const struct glyph *g;
	FT_Pos advance; /* kerned with the next */
};

/*
 * libgd's fallback textLayout: each glyph's advance at METRIC_RES, plus
 * the kerning of the pair it starts. Returns the number of glyphs, up to
 * MAX_GLYPHS (the rest is left out).
 */
static size_t
layout(struct plottext *t, struct size *sz, const char *s, struct placed *out)
{
	const unsigned char *p = (const unsigned char *)s;
	FT_UInt index, prev = 0;
	FT_Vector delta;
	uint32_t ch;
	size_t n = 0;

	while (*p != '\0' && n < MAX_GLYPHS) {
		p += utf8_next(p, &ch);
		index = FT_Get_Char_Index(t->face, ch);
		if (t->kerning && prev != 0 && index != 0 && n > 0 &&
		    FT_Activate_Size(sz->metric) == 0 &&
		    FT_Get_Kerning(t->face, prev, index, FT_KERNING_DEFAULT,
		        &delta) == 0)
			out[n - 1].advance += delta.x;
		out[n].g = glyph_get(t, sz, index);
		out[n].advance = out[n].g->advance;
		prev = index;
		n++;
	}
	return n;
}

int
plottext_width(struct plottext *t, double pt, const char *s)
{
	struct placed *gl = xreallocarray(NULL, MAX_GLYPHS, sizeof(*gl));
	struct size *sz = size_get(t, pt);
	FT_Pos pen = 0, min_x = 0, max_x = 0, x0, x1;
	const double scale = (double)SCREEN_RES / (64 * METRIC_RES);
	size_t n, i, k = 0;
	int left, right;

	n = sz != NULL ? layout(t, sz, s, gl) : 0;
	/* The union of each glyph's box, as gdImageStringFTEx's brect. */
	for (i = 0; i < n; i++) {
		if (gl[i].g->ok) {
			x0 = pen + gl[i].g->bearing_x;
			x1 = pen + gl[i].advance;
			if (k++ == 0 || x0 < min_x)
				min_x = x0;
			if (k == 1 || x1 > max_x)
				max_x = x1;
		}
		pen += gl[i].advance;
	}
	free(gl);
	/* brect[0] and brect[2]: doubles truncated into ints. */
	left = (int)((double)min_x * scale);
	right = (int)((double)max_x * scale);
	return right - left;
}

/* gdft_draw_bitmap for a palette image. */
static void
blend(gdImagePtr im, const struct glyph *g, int fg, int px, int py,
    int tween[GREYS][gdMaxColors])
{
	int row, col, x, y, level, bg, c;

	for (row = 0; row < g->rows; row++) {
		y = py + row;
		if (y < 0 || y >= gdImageSY(im))
			continue;
		for (col = 0; col < g->width; col++) {
			level = (g->bits[row * g->pitch + col] * GREYS +
			            g->greys / 2) /
			        (g->greys - 1);
			if (level == 0)
				continue;
			x = px + col;
			if (x < 0 || x >= gdImageSX(im))
				continue;
			if (level >= GREYS) {
				gdImageSetPixel(im, x, y, fg);
				continue;
			}
			bg = gdImageGetPixel(im, x, y);
			c = tween[level][bg];
			if (c < 0) {
				c = gdImageColorResolve(im,
				    (level * gdImageRed(im, fg) +
				        (GREYS - level) * gdImageRed(im, bg)) /
				        GREYS,
				    (level * gdImageGreen(im, fg) +
				        (GREYS - level) *
				            gdImageGreen(im, bg)) /
				        GREYS,
				    (level * gdImageBlue(im, fg) +
				        (GREYS - level) * gdImageBlue(im, bg)) /
				        GREYS);
				tween[level][bg] = c;
			}
			gdImageSetPixel(im, x, y, c);
		}
	}
}

void
plottext_draw(struct plottext *t, gdImagePtr im, double pt, int x, int y,
    int fg, const char *s)
{
	struct placed *gl = xreallocarray(NULL, MAX_GLYPHS, sizeof(*gl));
	/* A blend's colour per grey level and colour under it, this call's
	 * as libgd's tween cache is: the palette may grow in between. */
	int(*tween)[gdMaxColors] = xreallocarray(NULL, GREYS, sizeof(*tween));
	struct size *sz = size_get(t, pt);
	FT_Pos pen = 0;
	size_t n, i;
	int px, py;

	memset(tween, 0xff, GREYS * sizeof(*tween));
	n = sz != NULL ? layout(t, sz, s, gl) : 0;
	for (i = 0; i < n; i++) {
		if (gl[i].g->drawn) {
			/* gdImageStringFTEx's sums, in its order, at angle 0.
			 */
			px = (int)(x +
			           ((double)pen * 1.0 + 0 * 0.0) * SCREEN_RES /
			               (METRIC_RES * 64) +
			           gl[i].g->left);
			py = (int)(y -
			           ((double)pen * 0.0 - 0 * 1.0) * SCREEN_RES /
			               (METRIC_RES * 64) -
			           gl[i].g->top);
			blend(im, gl[i].g, fg, px, py, tween);
		}
		pen += gl[i].advance;
	}
	free(tween);
	free(gl);
}
