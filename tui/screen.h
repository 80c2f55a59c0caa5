/* screen.h - what the event loop (tui/app.c) and the test harness know of a screen:
 * the four-pane dashboard (tui/ui.h) and the wall kiosk (tui/wall/wall.h) each fill
 * one struct wf_screen_ops, the way panes fill struct wf_pane_ops. The loop resizes,
 * sets the clock, feeds keys and asks for a frame; actions that passed the gate
 * (tui/actions.h, wf_action_permitted) reach the screen's own action handler. */
#ifndef WF_TUI_SCREEN_H
#define WF_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "tui/actions.h"

/* Reaction flags of keys and actions: the loop decides when to draw. */
enum {
	WF_REACT_NONE = 0,
	WF_REACT_DRAW = 1 << 0,	 /* something visible changed */
	WF_REACT_CLEAR = 1 << 1, /* repaint the whole terminal (Ctrl-L, resize) */
	WF_REACT_QUIT = 1 << 2,
};

/* Optional hooks the loop gives a screen (themes, ...). Return 0 or -1 with msg. */
struct wf_screen_hooks {
	void *arg;
	/* name NULL: the next theme. */
	int (*theme)(void *arg, const char *name, char *msg, size_t size);
	/* :export: start writing the record of incident_id in format ("md", "json",
	 * "stix") to path (NULL: a name of its own in the current folder); the result
	 * comes later as a message. */
	int (*export)(void *arg, const char *incident_id, const char *format,
		      const char *path, char *msg, size_t size);
	/* Reads the config file again (keys, mouse); what to show in msg. Returns the
	 * number of bad lines (0: all good). */
	int (*reload)(void *arg, char *msg, size_t size);
};

struct wf_screen_ops {
	const char *name; /* "dashboard", "wall" */
	/* The terminal's size changed (LINES x COLS): remake the windows. */
	void (*resize)(void *self);
	/* The time (Unix ms); marks a frame due when the clock second, the message
	 * line or the model changed. */
	void (*set_now)(void *self, int64_t now_ms);
	/* True when a frame is due. */
	bool (*dirty)(const void *self);
	/* Draws a frame when one is due (force: always): wnoutrefresh per window, one
	 * doupdate. */
	void (*render)(void *self, bool force);
	/* One key from wget_wch (is_key: a KEY_* code). Returns WF_REACT_*. */
	unsigned (*key)(void *self, wint_t ch, bool is_key);
	/* One action through the screen's gate. Returns WF_REACT_*. */
	unsigned (*action)(void *self, enum wf_action a);
	/* A message for a few seconds (role: WF_ROLE_*; text trusted or sanitized). */
	void (*message)(void *self, int role, const char *text);
};

/* A screen: its ops and the object they act on (borrowed). */
struct wf_screen {
	const struct wf_screen_ops *ops;
	void *self;
};

static inline void wf_screen_resize(const struct wf_screen *s)
{
	s->ops->resize(s->self);
}
static inline void wf_screen_set_now(const struct wf_screen *s, int64_t now_ms)
{
	s->ops->set_now(s->self, now_ms);
}
static inline bool wf_screen_dirty(const struct wf_screen *s)
{
	return s->ops->dirty(s->self);
}
static inline void wf_screen_render(const struct wf_screen *s, bool force)
{
	s->ops->render(s->self, force);
}
static inline unsigned wf_screen_key(const struct wf_screen *s, wint_t ch, bool is_key)
{
	return s->ops->key(s->self, ch, is_key);
}
static inline unsigned wf_screen_action(const struct wf_screen *s, enum wf_action a)
{
	return s->ops->action(s->self, a);
}
/* A printf-style message through the screen's message op. */
void wf_screen_message(const struct wf_screen *s, int role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* For screens: runs the theme hook (name NULL: the next theme). Returns 0 with what
 * to show in msg, or -1 with the error ("themes are not available" without a hook,
 * else "theme: ..."). */
int wf_screen_theme(const struct wf_screen_hooks *h, const char *name, char *msg,
		    size_t size);
/* Calls the export hook; -1 with msg when there is none. */
int wf_screen_export(const struct wf_screen_hooks *h, const char *incident_id,
		     const char *format, const char *path, char *msg, size_t size);
/* For screens: runs the reload hook (:reload); -1 with a message without one. */
int wf_screen_reload(const struct wf_screen_hooks *h, char *msg, size_t size);
/* For screens: the next frame repaints the whole terminal (stdscr erased and
 * curscr invalidated, wnoutrefresh'ed; the caller draws and calls doupdate). */
void wf_screen_clear(void);

#endif
