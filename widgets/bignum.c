/* bignum.c - big glyphs (see bignum.h). */
#include "bignum.h"

#include <string.h>

#include "text.h"

struct glyph {
	char c;
	const char *rows[WF_BIGNUM_ROWS];
};

static const struct glyph glyphs[] = {
	{'0', {"###", "# #", "# #", "# #", "###"}},
	{'1', {" # ", "## ", " # ", " # ", "###"}},
	{'2', {"###", "  #", "###", "#  ", "###"}},
	{'3', {"###", "  #", " ##", "  #", "###"}},
	{'4', {"# #", "# #", "###", "  #", "  #"}},
	{'5', {"###", "#  ", "###", "  #", "###"}},
	{'6', {"###", "#  ", "###", "# #", "###"}},
	{'7', {"###", "  #", "  #", " # ", " # "}},
	{'8', {"###", "# #", "###", "# #", "###"}},
	{'9', {"###", "# #", "###", "  #", "###"}},
	{'.', {"   ", "   ", "   ", "   ", " # "}},
	{',', {"   ", "   ", "   ", " # ", "#  "}},
	{':', {"   ", " # ", "   ", " # ", "   "}},
	{'%', {"# #", "  #", " # ", "#  ", "# #"}},
	{'-', {"   ", "   ", "###", "   ", "   "}},
	{'+', {"   ", " # ", "###", " # ", "   "}},
	{'/', {"  #", "  #", " # ", "#  ", "#  "}},
	{' ', {"   ", "   ", "   ", "   ", "   "}},
};

const char *wf_bignum_mask(char c, int row)
{
	if (row < 0 || row >= WF_BIGNUM_ROWS)
		return NULL;
	for (size_t i = 0; i < sizeof(glyphs) / sizeof(glyphs[0]); i++)
		if (glyphs[i].c == c)
			return glyphs[i].rows[row];
	return NULL;
}

int wf_bignum_width(const char *text)
{
	size_t n = strlen(text);
	return n ? (int)n * (WF_BIGNUM_COLS + 1) - 1 : 0;
}

int wf_bignum_draw(WINDOW *w, int y, int x, const char *text, int attr)
{
	bool ascii = wf_text_ascii_locale();
	int width = wf_bignum_width(text);
	for (int r = 0; r < WF_BIGNUM_ROWS; r++) {
		int col = x;
		for (const char *p = text; *p; p++) {
			const char *m = wf_bignum_mask(*p, r);
			for (int k = 0; k < WF_BIGNUM_COLS; k++, col++) {
				bool on = m && m[k] == '#';
				wf_text_draw(w, y + r, col, on ? (ascii ? "#" : "█") : " ", 1,
					     attr);
			}
			col++;
		}
	}
	return width;
}
