/* theme.h - semantic colour roles and the themes that give them colours and
 * attributes. Views ask for a role (wf_theme_attr(WF_ROLE_SELECTED)), never for a
 * colour, so a theme file, NO_COLOR or an 8-colour terminal change nothing in them.
 * Colour is never the only signal: views also print a glyph or label. */
#ifndef WF_THEME_H
#define WF_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* X(NAME, "key in theme files", default fg, default bg, default attributes) with
 * colours as names of the 8 basic colours or "default". */
#define WF_ROLES(X)                                                                    \
	X(TEXT, "text", "default", "default", "")                                      \
	X(DIM, "dim", "default", "default", "dim")                                     \
	X(PANE_BORDER, "pane_border", "blue", "default", "")                           \
	X(PANE_TITLE, "pane_title", "cyan", "default", "bold")                         \
	X(PANE_TITLE_FOCUS, "pane_title_focus", "black", "cyan", "bold")               \
	X(HEADER, "header", "default", "default", "underline")                         \
	X(SELECTED, "selected", "black", "cyan", "")                                   \
	X(TAGGED, "tagged", "yellow", "default", "bold")                               \
	X(SEV_PROTOCOL, "severity_protocol", "red", "default", "bold")                 \
	X(SEV_CONTENT, "severity_content", "red", "default", "")                       \
	X(SEV_INCIDENT, "severity_incident", "yellow", "default", "")                  \
	X(SEV_AWARENESS, "severity_awareness", "cyan", "default", "")                  \
	X(SEV_UNKNOWN, "severity_unknown", "default", "default", "")                   \
	X(STATE_ACTIVE, "state_active", "red", "default", "bold")                      \
	X(STATE_CONCLUDED, "state_concluded", "default", "default", "dim")             \
	X(OUT_BLOCKED, "outcome_blocked", "green", "default", "")                      \
	X(OUT_REMOVED, "outcome_removed", "cyan", "default", "")                       \
	X(OUT_KEPT, "outcome_kept", "magenta", "default", "")                          \
	X(OUT_PENDING, "outcome_pending", "yellow", "default", "")                     \
	X(CONN_LIVE, "conn_live", "green", "default", "bold")                          \
	X(CONN_RECONNECTING, "conn_reconnecting", "yellow", "default", "bold")         \
	X(CONN_OFFLINE, "conn_offline", "red", "default", "bold")                      \
	X(CONN_AUTH, "conn_auth_failed", "red", "default", "bold,reverse")             \
	X(SPARKLINE, "sparkline", "green", "default", "")                              \
	X(SPARKLINE_ALT, "sparkline_alt", "yellow", "default", "")                     \
	X(TREND_UP, "trend_up", "red", "default", "bold")                              \
	X(TREND_DOWN, "trend_down", "green", "default", "")                            \
	X(DUE_SOON, "due_soon", "yellow", "default", "bold")                           \
	X(OVERDUE, "overdue", "white", "red", "bold")                                  \
	X(PRIORITY_HIGH, "priority_high", "red", "default", "bold")                    \
	X(STATUS_BAR, "status_bar", "black", "white", "")                              \
	X(STATUS_WARN, "status_warn", "black", "yellow", "bold")                       \
	X(BANNER, "banner", "white", "red", "bold")                                    \
	X(BIGNUM, "big_number", "cyan", "default", "bold")                             \
	X(BIGNUM_LABEL, "big_number_label", "default", "default", "")                  \
	X(ERROR, "error", "red", "default", "bold")                                    \
	X(PROMPT, "prompt", "default", "default", "bold")                              \
	X(HELP_KEY, "help_key", "cyan", "default", "bold")                             \
	X(HELP_DISABLED, "help_disabled", "default", "default", "dim")                 \
	X(PLACEHOLDER, "placeholder", "magenta", "default", "reverse")                 \
	X(QUIET, "platform_quiet", "yellow", "default", "")                         \
	X(WATCH, "watch_highlight", "black", "yellow", "bold")

#define WF_ROLE_MEMBER(N, K, FG, BG, AT) WF_ROLE_##N,
enum wf_role { WF_ROLES(WF_ROLE_MEMBER) WF_ROLE__COUNT };

/* A colour as a theme file gives it. */
struct wf_color {
	enum { WF_COLOR_DEFAULT, WF_COLOR_INDEX, WF_COLOR_RGB } kind;
	int index;	       /* 0..255 for WF_COLOR_INDEX */
	unsigned char r, g, b; /* for WF_COLOR_RGB */
};

enum {
	WF_ATTR_BOLD = 1 << 0,
	WF_ATTR_DIM = 1 << 1,
	WF_ATTR_REVERSE = 1 << 2,
	WF_ATTR_UNDERLINE = 1 << 3,
};

struct wf_role_style {
	struct wf_color fg, bg;
	unsigned attrs; /* WF_ATTR_* */
};

struct wf_theme {
	char name[64];
	struct wf_role_style roles[WF_ROLE__COUNT];
};

const char *wf_role_key(enum wf_role r);

/* The built-in default theme (dark), always available. */
void wf_theme_default(struct wf_theme *t);

/* Pure parsing (no curses): fills *t from theme-file text, starting from the
 * built-in default. Returns 0, or -1 with "FILE:LINE: message" in err. */
int wf_theme_parse(const char *text, size_t len, const char *file, struct wf_theme *t,
		   char *err, size_t errsize);

/* Parses one colour word: a basic name (black red green yellow blue magenta cyan
 * white), bright_NAME (also grey/gray for bright_black), 0-255, #rrggbb or
 * "default". Returns 0 or -1. Pure. */
int wf_color_parse(const char *word, struct wf_color *out);

/* Finds and loads a theme. name_or_path is a path when it contains '/' or ends in
 * ".theme"; otherwise a NAME ([A-Za-z0-9_-]) looked up as NAME.theme in, in order:
 * ./themes, the binary's ../themes, $XDG_CONFIG_HOME/watchfloor/themes (or
 * ~/.config/...), /usr/local/share/watchfloor/themes. "default" falls back to the
 * built-in theme when no file is found. Returns 0; or -1 with a message in err
 * ("FILE:LINE: message" for a mistake in the file) and *out set to the built-in
 * default, so the caller can show err and go on. */
int wf_theme_load(const char *name_or_path, struct wf_theme *out, char *err,
		  size_t errsize);

/* The shipped theme names in the order `T` cycles through them, NULL-terminated. */
const char *const *wf_theme_names(void);
/* The shipped name after `current` (wrapping); the first one for an unknown name. */
const char *wf_theme_next(const char *current);

/* How colours reach the terminal. */
enum wf_color_mode {
	WF_COLOR_MODE_NONE, /* NO_COLOR or no colour support: attributes only */
	WF_COLOR_MODE_8,
	WF_COLOR_MODE_16,
	WF_COLOR_MODE_256,
	WF_COLOR_MODE_DIRECT, /* 24-bit colour through ncurses' extended colours */
};
const char *wf_color_mode_name(enum wf_color_mode m);
/* Pure: the mode for a terminal with `colors` colours (0 without colour support),
 * the values of $COLORTERM and $NO_COLOR (NULL when unset). */
enum wf_color_mode wf_color_mode_pick(int colors, const char *colorterm,
				      const char *no_color);
/* Pure: the terminal colour number for c in mode m (-1 is the terminal's default;
 * a 24-bit value 0xRRGGBB in direct mode). *bold is set when a bright colour on
 * an 8-colour terminal is approximated by bold. */
int wf_color_fit(const struct wf_color *c, enum wf_color_mode m, bool *bold);

/* Curses side: turns the theme into colour pairs fitted to the terminal (direct
 * colour, 256, 16, 8 or none under NO_COLOR) and returns the attributes to use. Call
 * after initscr()/start_color(); again after a theme change. */
void wf_theme_activate(const struct wf_theme *t);
/* The curses attributes (colour pair included) of a role in the active theme. */
int wf_theme_attr(enum wf_role r);
/* The mode the last wf_theme_activate() chose. */
enum wf_color_mode wf_theme_color_mode(void);

#endif
