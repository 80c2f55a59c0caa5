/* actions.h - every user action of the dashboard, once. The X-macro list below
 * yields the enum, the default key bindings, the `?` help screen and the names the
 * `:` command line accepts. Read-only is enforced in one place,
 * wf_action_permitted(), from the MUTATES flag here; wf_ui_dispatch() (keys, the
 * command line) and --batch --resolve both ask it; help greys those rows out. On the
 * wall display (--wall) the same gate lets through only the actions flagged WALL. */
#ifndef WF_TUI_ACTIONS_H
#define WF_TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum {
	WF_ACT_MUTATES = 1 << 0,  /* sends something to the backend: refused read-only */
	WF_ACT_NEEDS_SEL = 1 << 1, /* needs a selected row (or tagged rows with ;) */
	WF_ACT_CONFIRM = 1 << 2,  /* irreversible: asks y/n before queueing */
	WF_ACT_DECISIONS = 1 << 3, /* only on the decisions pane */
	WF_ACT_INCIDENTS = 1 << 4, /* only on the incidents pane */
	WF_ACT_TAGGABLE = 1 << 5, /* may apply to all tagged rows after ; */
	WF_ACT_WALL = 1 << 6,     /* acts on the wall display (--wall); nothing else does */
	WF_ACT_REPORTS = 1 << 7,  /* only on the reports pane */
	WF_ACT_FORM = 1 << 8,     /* opens a form (tui/verbs.h): summary, then the outbox */
};

#define WF_KEY_CTRL(c) ((c) & 0x1f)
#define WF_KEY_ESC 27

/* X(NAME, "name", key1, key2, key3, flags, "help"); key 0 = none. Keys are curses
 * key codes or characters. */
#define WF_ACTIONS(X)                                                                \
	X(HELP, "help", '?', KEY_F(1), 0, 0, "Show this help")                       \
	X(QUIT, "quit", 'q', 0, 0, 0, "Quit (asks first when the outbox holds actions)") \
	X(COMMAND, "command", ':', 0, 0, 0, "Command line: an action by name, filter RE, drop") \
	X(NEXT_PANE, "next-pane", '\t', 0, 0, WF_ACT_WALL, "Focus the next pane")              \
	X(PREV_PANE, "prev-pane", KEY_BTAB, 0, 0, WF_ACT_WALL, "Focus the previous pane")      \
	X(PANE1, "incidents", '1', 0, 0, 0, "Focus the incidents pane")              \
	X(PANE2, "sightings", '2', 0, 0, 0, "Focus the sightings pane")              \
	X(PANE3, "propagation", '3', 0, 0, 0, "Focus the propagation pane")          \
	X(PANE4, "decisions", '4', 0, 0, 0, "Focus the decisions pane")              \
	X(PANE5, "reports", '5', 0, 0, 0, "Focus the reports pane (a tab beside decisions)") \
	X(ZOOM, "zoom", 'z', 0, 0, 0, "One pane / all panes (when the terminal is big enough)") \
	X(DOWN, "down", 'j', KEY_DOWN, 0, WF_ACT_WALL, "Next row")                             \
	X(UP, "up", 'k', KEY_UP, 0, WF_ACT_WALL, "Previous row")                               \
	X(PAGE_DOWN, "page-down", KEY_NPAGE, WF_KEY_CTRL('f'), 0, 0, "Next page")    \
	X(PAGE_UP, "page-up", KEY_PPAGE, WF_KEY_CTRL('b'), 0, 0, "Previous page")    \
	X(TOP, "top", 'g', KEY_HOME, 0, WF_ACT_WALL, "First row")                              \
	X(BOTTOM, "bottom", 'G', KEY_END, 0, 0, "Last row")                          \
	X(OPEN, "open", '\n', '\r', KEY_ENTER, WF_ACT_NEEDS_SEL, "Detail view of the selected row") \
	X(BACK, "back", WF_KEY_ESC, KEY_LEFT, 0, 0, "Leave the detail view, prompt or help") \
	X(FILTER, "filter", '/', 0, 0, 0, "Filter the focused pane (PCRE2, empty clears)") \
	X(SORT, "sort", 's', 0, 0, 0, "Cycle the sort order of the focused pane")    \
	X(CONTEXT, "context", 'i', 0, 0, WF_ACT_NEEDS_SEL | WF_ACT_INCIDENTS, "Make the selected incident the context of the other panes (again: all)") \
	X(APPROVE, "approve", 'a', 0, 0, WF_ACT_MUTATES | WF_ACT_NEEDS_SEL | WF_ACT_CONFIRM | WF_ACT_DECISIONS | WF_ACT_TAGGABLE, "Approve the decision (reason, confirm)") \
	X(REJECT, "reject", 'r', 0, 0, WF_ACT_MUTATES | WF_ACT_NEEDS_SEL | WF_ACT_CONFIRM | WF_ACT_DECISIONS | WF_ACT_TAGGABLE, "Reject the decision (reason, confirm)") \
	X(ESCALATE, "escalate", 'e', 0, 0, WF_ACT_MUTATES | WF_ACT_NEEDS_SEL | WF_ACT_DECISIONS | WF_ACT_TAGGABLE, "Escalate the decision (reason)") \
	X(NOTE, "note", 'c', 0, 0, WF_ACT_MUTATES | WF_ACT_NEEDS_SEL | WF_ACT_DECISIONS | WF_ACT_TAGGABLE, "Add a note to the decision") \
	X(TRIAGE, "triage", 't', 0, 0, WF_ACT_MUTATES | WF_ACT_NEEDS_SEL | WF_ACT_REPORTS | WF_ACT_TAGGABLE, "Mark the report triaged (reason optional)") \
	X(DISMISS, "dismiss", 'x', 0, 0, WF_ACT_MUTATES | WF_ACT_NEEDS_SEL | WF_ACT_REPORTS | WF_ACT_TAGGABLE, "Dismiss the report (reason)") \
	X(DECLARE, "declare", 'I', 0, 0, WF_ACT_MUTATES | WF_ACT_FORM, "Declare an incident (form)") \
	X(UPDATE_INCIDENT, "update", 'E', 0, 0, WF_ACT_MUTATES | WF_ACT_FORM, "Update the selected incident's summary or location (form)") \
	X(FILE_NOTE, "file-note", 'n', 0, 0, WF_ACT_MUTATES | WF_ACT_FORM, "File a situation note on the selected incident (form)") \
	X(FILE_REPORT, "file-report", 'R', 0, 0, WF_ACT_MUTATES | WF_ACT_FORM, "File a report of any kind on the selected incident (form)") \
	X(PROPOSE, "propose", 'P', 0, 0, WF_ACT_MUTATES | WF_ACT_FORM, "Propose a decision on the selected incident or report (form)") \
	X(NOTES, "notes", 'N', 0, 0, 0, "The situation notes of the selected incident, as a conversation") \
	X(EXPORT, "export", 0, 0, 0, 0, "Write the selected incident's record from the backend to a file: :export [md|json|stix] [FILE]") \
	X(TAG, "tag", ' ', 0, 0, WF_ACT_NEEDS_SEL, "Tag / untag the selected row")   \
	X(TAG_APPLY, "tag-apply", ';', 0, 0, 0, "Apply the next action to all tagged rows") \
	X(UNTAG, "untag", 0, 0, 0, 0, "Clear every tag of the focused pane")         \
	X(UNDO, "undo", 'u', 0, 0, 0, "Undo the last queued action while it is held") \
	X(OUTBOX, "outbox", 'o', 0, 0, 0, "Show the outbox: queued, held, refused and conflicting actions") \
	X(RESEND, "resend", 'S', 0, 0, WF_ACT_MUTATES | WF_ACT_CONFIRM, "Resend your votes that met a conflict, with the decisions' current versions (confirm)") \
	X(DROP, "drop", 'D', 0, 0, WF_ACT_CONFIRM, "Drop outbox records refused or in conflict, for good (confirm)") \
	X(THEME, "theme", 'T', 0, 0, WF_ACT_WALL, "Cycle the colour theme (:theme NAME picks one)") \
	X(PAUSE, "pause", 'p', 0, 0, 0, "Pause / resume the display (data keeps arriving)") \
	X(RELOAD, "reload", 0, 0, 0, WF_ACT_WALL, "Read the config file again: keys, mouse (also on SIGHUP)") \
	X(REDRAW, "redraw", WF_KEY_CTRL('l'), 0, 0, WF_ACT_WALL, "Redraw the whole screen")

#define WF_ACTION_MEMBER(N, S, K1, K2, K3, F, H) WF_ACTION_##N,
enum wf_action { WF_ACTIONS(WF_ACTION_MEMBER) WF_ACTION__COUNT, WF_ACTION_NONE = -1 };

struct wf_action_def {
	enum wf_action action;
	const char *name;
	int keys[3];
	unsigned flags;
	const char *help;
};

const struct wf_action_def *wf_action_def(enum wf_action a);
/* The action bound to a key in the keymap in force (tui/keymap.h: the defaults
 * below changed by the config's bind/unbind lines), or WF_ACTION_NONE. */
enum wf_action wf_action_for_key(int key);
/* The action with that name (as on the command line), or WF_ACTION_NONE. */
enum wf_action wf_action_by_name(const char *name);
/* The one permission gate: false when def may not act, read-only (a MUTATES
 * action) or on the wall display (anything not flagged WALL). */
bool wf_action_permitted(const struct wf_action_def *def, bool read_only, bool wall);
/* The key as shown in help and written in the config: "a", "<Tab>", "<PageDown>",
 * "C-l", "F1" (tui/keymap.h). */
void wf_action_key_name(int key, char *out, size_t size);

#endif
