#!/usr/bin/env python3
"""Write the provider-schema digest that infra-core compiles in (infra_core::schema).

Input: the JSON of `terraform providers schema -json` (scripts/gen-schema-digest.sh runs it
offline against the provider mirror) and, for the constraints, AWS's API models shipped with
botocore plus infra-core/schema/constraints-map.json. Output: one line-oriented, sorted text
file; its format is described in infra-core/schema/README.md and decoded by
infra-core/src/schema/digest.rs.

Python 3 standard library only, plus botocore for the constraints.

Usage: schema_digest.py --schema schema.json --provider hashicorp/aws --version 5.100.0 \
           [--constraints-map MAP.json] --out DIGEST
"""

import argparse
import json
import sys

FORMAT = "infra-schema-digest 1"

# Block nesting modes, one letter each in the digest.
NESTING = {"single": "1", "group": "g", "list": "l", "set": "s", "map": "m"}


def encode_type(t):
    """A Terraform type constraint (JSON form) as a compact string.

    s string, n number, b bool, d dynamic; L<t> list, S<t> set, M<t> map;
    O{name:t,name:t} object; T[t,t] tuple.
    """
    if isinstance(t, str):
        return {"string": "s", "number": "n", "bool": "b", "dynamic": "d"}[t]
    kind = t[0]
    if kind == "list":
        return "L" + encode_type(t[1])
    if kind == "set":
        return "S" + encode_type(t[1])
    if kind == "map":
        return "M" + encode_type(t[1])
    if kind == "object":
        fields = ",".join(f"{k}:{encode_type(v)}" for k, v in sorted(t[1].items()))
        return "O{" + fields + "}"
    if kind == "tuple":
        return "T[" + ",".join(encode_type(v) for v in t[1]) + "]"
    raise ValueError(f"unknown type {t!r}")


def nested_type_as_type(nt):
    """A nested attribute type (plugin framework) as the equivalent plain type."""
    obj = ["object", {k: attr_type(a) for k, a in nt.get("attributes", {}).items()}]
    mode = nt["nesting_mode"]
    if mode == "single":
        return obj
    return [mode, obj]


def attr_type(a):
    if "type" in a:
        return a["type"]
    return nested_type_as_type(a["nested_type"])


def flags(a):
    out = ""
    for key, letter in (
        ("required", "r"),
        ("optional", "o"),
        ("computed", "c"),
        ("sensitive", "s"),
        ("deprecated", "d"),
        ("write_only", "w"),
    ):
        if a.get(key):
            out += letter
    return out


class Blocks:
    """Hash-consing of blocks: identical nested blocks (the same attributes and blocks, all
    the way down) get one id. A nested block used in two or more places whose text is long
    enough is written once, as a shared section `@b <n>`, and referenced as `=<n>`; the
    quicksight and wafv2 types repeat the same large blocks many times."""

    MIN_SHARED_BYTES = 48

    def __init__(self):
        self.ids = {}  # key -> id
        self.keys = []  # id -> key
        self.uses = []  # id -> number of distinct parents (or top-level types) using it
        self.size = []  # id -> bytes of its text, written inline

    def intern(self, block):
        attrs = tuple(
            f"{name} {encode_type(attr_type(a))} {flags(a)}"
            for name, a in sorted(block.get("attributes", {}).items())
        )
        children = tuple(
            (
                name,
                NESTING[bt["nesting_mode"]],
                bt.get("min_items", 0),
                bt.get("max_items", 0),
                self.intern(bt["block"]),
            )
            for name, bt in sorted(block.get("block_types", {}).items())
        )
        key = (attrs, children)
        if key in self.ids:
            return self.ids[key]
        bid = len(self.keys)
        self.ids[key] = bid
        self.keys.append(key)
        self.uses.append(0)
        size = sum(len(a) + 1 for a in attrs)
        for name, mode, lo, hi, cid in children:
            self.uses[cid] += 1
            size += len(f"+{name} {mode} {lo} {hi}\n") + self.size[cid]
        self.size.append(size)
        return bid

    def shared(self, bid):
        return self.uses[bid] >= 2 and self.size[bid] >= self.MIN_SHARED_BYTES

    def lines(self, bid, depth, out, refs):
        """The block's lines at `depth`; shared children become references (their ids are
        collected in `refs`, in order of first use)."""
        attrs, children = self.keys[bid]
        pad = " " * depth
        for a in attrs:
            out.append(pad + a)
        for name, mode, lo, hi, cid in children:
            head = f"{pad}+{name} {mode} {lo} {hi}"
            if self.shared(cid):
                if cid not in refs:
                    refs[cid] = len(refs)
                out.append(f"{head} ={refs[cid]}")
            else:
                out.append(head)
                self.lines(cid, depth + 1, out, refs)


def build_sections(provider_schema):
    """[(kind letter, name, [lines])], sorted: resources (r), data sources (d), then the
    shared blocks (b), numbered in order of first use."""
    blocks = Blocks()
    tops = []
    for letter, key in (("r", "resource_schemas"), ("d", "data_source_schemas")):
        for name, sch in sorted(provider_schema.get(key, {}).items()):
            tops.append((letter, name, blocks.intern(sch["block"])))
    refs = {}
    sections = []
    for letter, name, bid in tops:
        lines = []
        blocks.lines(bid, 0, lines, refs)
        sections.append((letter, name, lines))
    done = 0
    shared = []
    while done < len(refs):
        # refs grows while shared blocks are written (a shared block may use another).
        pending = sorted(refs.items(), key=lambda kv: kv[1])[done:]
        for cid, n in pending:
            lines = []
            blocks.lines(cid, 0, lines, refs)
            shared.append(("b", str(n), lines))
        done += len(pending)
    return sections + shared


def write_digest(header, sections, out_path):
    """Header lines, the index (`<mode> <name> <offset> <length>`, offsets in bytes from the
    start of the body), a `--` line, then the body: one `@<mode> <name>` line per section
    followed by its lines."""
    body_parts = []
    index = []
    offset = 0
    for letter, name, lines in sections:
        text = f"@{letter} {name}\n" + "".join(line + "\n" for line in lines)
        data = text.encode("utf-8")
        index.append(f"{letter} {name} {offset} {len(data)}")
        body_parts.append(data)
        offset += len(data)
    head = "".join(line + "\n" for line in header)
    head += "".join(line + "\n" for line in index)
    head += "--\n"
    with open(out_path, "wb") as f:
        f.write(head.encode("utf-8"))
        for part in body_parts:
            f.write(part)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", required=True)
    ap.add_argument("--provider", required=True, help="e.g. hashicorp/aws")
    ap.add_argument("--version", required=True, help="provider version, e.g. 5.100.0")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    with open(args.schema, encoding="utf-8") as f:
        doc = json.load(f)
    key = f"registry.terraform.io/{args.provider}"
    if key not in doc.get("provider_schemas", {}):
        sys.exit(f"schema_digest: {key} not in the schema JSON")
    provider_schema = doc["provider_schemas"][key]

    sections = build_sections(provider_schema)
    n_res = sum(1 for s in sections if s[0] == "r")
    n_data = sum(1 for s in sections if s[0] == "d")
    n_shared = sum(1 for s in sections if s[0] == "b")
    header = [
        FORMAT,
        f"provider {args.provider} {args.version}",
        f"counts {n_res} {n_data} {n_shared}",
    ]
    write_digest(header, sections, args.out)
    print(f"schema_digest: {n_res} resource types, {n_data} data sources -> {args.out}")


if __name__ == "__main__":
    main()
