/* table.h - the model's storage: an id -> index hash map (open addressing with
 * backward-shift deletion) and a dense table of owned entries on top of it.
 * Internal to model/. */
#ifndef WF_TABLE_H
#define WF_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wf_idmap {
	const char **keys; /* borrowed: the entries own their ids */
	uint32_t *vals;
	size_t mask;       /* capacity - 1, capacity a power of two */
};

bool wf_idmap_init(struct wf_idmap *m, size_t max_entries);
void wf_idmap_free(struct wf_idmap *m);
void wf_idmap_clear(struct wf_idmap *m);
/* Returns the value or UINT32_MAX. */
uint32_t wf_idmap_get(const struct wf_idmap *m, const char *key);
/* Inserts or replaces. The map never fills: it is sized for max_entries. */
void wf_idmap_put(struct wf_idmap *m, const char *key, uint32_t val);
void wf_idmap_del(struct wf_idmap *m, const char *key);

/* A dense array of entries, each a heap block whose first member is its id
 * (char *). Removing swaps the last entry into the hole. */
struct wf_table {
	void **items;
	size_t n, cap;
	struct wf_idmap map;
	void (*free_entry)(void *entry);
};

bool wf_table_init(struct wf_table *t, size_t cap, void (*free_entry)(void *));
void wf_table_free(struct wf_table *t);
void wf_table_clear(struct wf_table *t);
void *wf_table_get(const struct wf_table *t, const char *id);
/* Adds entry (taking ownership); false when full. */
bool wf_table_add(struct wf_table *t, void *entry);
/* Removes and frees the entry at index i. */
void wf_table_remove_at(struct wf_table *t, size_t i);

#endif
