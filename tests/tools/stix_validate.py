#!/usr/bin/python3
# stix_validate.py - validates STIX 2.1 JSON (a bundle, a TAXII envelope or a list of
# objects, one file each) against the OASIS STIX 2.1 JSON schemas with Debian's
# python3-jsonschema (Draft202012Validator; the schemas' relative $refs resolved from
# a store of every schema file by its $id). Exit 0: all valid; 1: an object is
# invalid (each error printed); 77: the schemas folder is absent (the caller skips).
# Usage: stix_validate.py SCHEMAS_DIR FILE...
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator

SCHEMA_OF = {
    "identity": "sdos/identity.json",
    "incident": "sdos/incident.json",
    "indicator": "sdos/indicator.json",
    "note": "sdos/note.json",
    "relationship": "sros/relationship.json",
    "sighting": "sros/sighting.json",
    "marking-definition": "common/marking-definition.json",
    "bundle": "common/bundle.json",
}


def load_store(root):
    store, by_path = {}, {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".json"):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
            by_path[os.path.relpath(path, root)] = schema
    return store, by_path


def validator(store, schema):
    # jsonschema 4.10 (Debian 12): RefResolver with a store; newer releases moved to
    # the referencing library, so use it when RefResolver is gone.
    if hasattr(jsonschema, "RefResolver"):
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
        return Draft202012Validator(schema, resolver=resolver)
    from referencing import Registry, Resource  # pragma: no cover

    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for uri, s in store.items())
    return Draft202012Validator(schema, registry=registry)


def objects_of(doc):
    if isinstance(doc, list):
        return doc, None
    if doc.get("type") == "bundle":
        return doc.get("objects", []), doc
    return doc.get("objects", []), None  # a TAXII envelope


def main():
    if len(sys.argv) < 3:
        print("usage: stix_validate.py SCHEMAS_DIR FILE...", file=sys.stderr)
        return 2
    root = os.path.join(sys.argv[1], "schemas") if os.path.isdir(
        os.path.join(sys.argv[1], "schemas")) else sys.argv[1]
    if not os.path.isfile(os.path.join(root, "common", "core.json")):
        print(f"SKIPPED: no STIX 2.1 schemas at {sys.argv[1]}")
        return 77
    store, by_path = load_store(root)
    validators = {t: validator(store, by_path[p]) for t, p in SCHEMA_OF.items()}
    # The bundle schema's list of object schemas omits incident and note (both STIX
    # 2.1 SDOs), which then match core and cyber-observable-core at once and fail
    # its oneOf. So the bundle's own fields are checked against bundle.json without
    # that list, and every object against the schema of its type (below).
    envelope = json.loads(json.dumps(by_path[SCHEMA_OF["bundle"]]))
    envelope["properties"]["objects"].pop("items", None)
    validators["bundle"] = validator(store, envelope)
    bad = checked = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        objs, bundle = objects_of(doc)
        if bundle is not None:
            for err in validators["bundle"].iter_errors(bundle):
                print(f"{path}: bundle: {err.message[:300]}")
                bad += 1
        for obj in objs:
            checked += 1
            v = validators.get(obj.get("type"))
            if v is None:
                print(f"{path}: {obj.get('id')}: no schema for type {obj.get('type')}")
                bad += 1
                continue
            for err in v.iter_errors(obj):
                print(f"{path}: {obj.get('id')}: {err.message[:300]}")
                bad += 1
    print(f"{checked} objects checked, {bad} errors")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
