/* record.h - the incident's record for the debrief (GET /v1/incidents/{id}/record):
 * one walk over the event log in seq order gives the whole timeline (opening,
 * tier and state changes with who and when, reports and notes, decisions with
 * every vote, signals, first sightings and blocks, and any other event about the
 * incident) and the figures (opening -> activation -> conclusion, per platform
 * first sighting, time to first block, attempts, blocked share and peak rate per
 * minute, variants over time, totals). docs/protocol.md has the shape. Reads the
 * store through store_fetch_events and store_get_resource only. */
#ifndef WFD_RECORD_H
#define WFD_RECORD_H

#include <jansson.h>

#include "store.h"

/* The record (new reference), or NULL with *status 404 (no such incident) or 503
 * (the store failed). */
json_t *record_build(struct store *st, const char *incident_id, int *status);

#endif
