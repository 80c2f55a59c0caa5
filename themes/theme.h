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
#define WF_ROLES(X)                                                                \
	X(TEXT, "text", "default", "default", "")                                  \
	X(DIM, "dim", "default", "default", "dim")                                 \
	X(PANE_BORDER, "pane_border", "blue", "default", "")                       \
	X(PANE_TITLE, "pane_title", "cyan", "default", "bold")                     \
	X(PANE_TITLE_FOCUS, "pane_title_focus", "black", "cyan", "bold")           \
	X(HEADER, "header", "default", "default", "underline")                     \
	X(SELECTED, "selected", "black", "cyan", "")                               \
	X(TAGGED, "tagged", "yellow", "default", "bold")                           \
	X(SEV_PROTOCOL, "severity_protocol", "red", "default", "bold")             \
	X(SEV_CONTENT, "severity_content", "red", "default", "")                   \
	X(SEV_INCIDENT, "severity_incident", "yellow", "default", "")              \
	X(SEV_AWARENESS, "severity_awareness", "cyan", "default", "")              \
	X(SEV_UNKNOWN, "severity_unknown", "default", "default", "")               \
	X(STATE_ACTIVE, "state_active", "red", "default", "bold")                  \
	X(STATE_CONCLUDED, "state_concluded", "default", "default", "dim")         \
	X(OUT_BLOCKED, "outcome_blocked", "green", "default", "")                  \
	X(OUT_REMOVED, "outcome_removed", "cyan", "default", "")                   \
	X(OUT_KEPT, "outcome_kept", "magenta", "default", "")                      \
	X(OUT_PENDING, "outcome_pending", "yellow", "default", "")                 \
	X(CONN_LIVE, "conn_live", "green", "default", "bold")                      \
	X(CONN_RECONNECTING, "conn_reconnecting", "yellow", "default", "bold")     \
	X(CONN_OFFLINE, "conn_offline", "red", "default", "bold")                  \
	X(CONN_AUTH, "conn_auth_failed", "red", "default", "bold,reverse")         \
	X(SPARKLINE, "sparkline", "green", "default", "")                          \
	X(SPARKLINE_ALT, "sparkline_alt", "yellow", "default", "")                 \
	X(TREND_UP, "trend_up", "red", "default", "bold")                          \
	X(TREND_DOWN, "trend_down", "green", "default", "")                        \
	X(DUE_SOON, "due_soon", "yellow", "default", "bold")                       \
	X(OVERDUE, "overdue", "white", "red", "bold")                              \
	X(PRIORITY_HIGH, "priority_high", "red", "default", "bold")                \
	X(STATUS_BAR, "status_bar", "black", "white", "")                          \
	X(STATUS_WARN, "status_warn", "black", "yellow", "bold")                   \
	X(BANNER, "banner", "white", "red", "bold")                                \
	X(BIGNUM, "big_number", "cyan", "default", "bold")                         \
	X(BIGNUM_LABEL, "big_number_label", "default", "default", "")              \
	X(ERROR, "error", "red", "default", "bold")                                \
	X(PROMPT, "prompt", "default", "default", "bold")                          \
	X(HELP_KEY, "help_key", "cyan", "default", "bold")                         \
	X(HELP_DISABLED, "help_disabled", "default", "default", "dim")             \
	X(PLACEHOLDER, "placeholder", "magenta", "default", "reverse")             \
	X(QUIET, "platform_quiet", "yellow", "default", "")

#define WF_ROLE_MEMBER(N, K, FG, BG, AT) WF_ROLE_##N,
enum wf_role { WF_ROLES(WF_ROLE_MEMBER) WF_ROLE__COUNT };

/* A colour as a theme file gives it. */
struct wf_color {
	enum { WF_COLOR_DEFAULT, WF_COLOR_INDEX, WF_COLOR_RGB } kind;
	int index;           /* 0..255 for WF_COLOR_INDEX */
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

/* Curses side: turns the theme into colour pairs fitted to the terminal (direct
 * colour, 256, 16, 8 or none under NO_COLOR) and returns the attributes to use. Call
 * after initscr()/start_color(); again after a theme change. */
void wf_theme_activate(const struct wf_theme *t);
/* The curses attributes (colour pair included) of a role in the active theme. */
int wf_theme_attr(enum wf_role r);

#endif
