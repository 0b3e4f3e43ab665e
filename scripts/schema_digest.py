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
import re
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


def normalize(name):
    """`health_check_interval` and `HealthCheckInterval` (and `healthCheckInterval`) meet
    here: lower case, no underscores."""
    return name.replace("_", "").lower()


# Unsupported by regex-lite (the decoder's regex engine) or by the whole-value anchoring:
# Unicode classes, look-around, back-references, Java's \A \z \Q..\E, UTF-16 surrogates.
UNSUPPORTED_PATTERN = re.compile(
    r"\\[pPAzZQEGhH]|\(\?<?[=!]|\\[1-9]|\\u[dD][89a-fA-F]|[+*?}]\+(?![^\[]*\])"
)


def anchored(pattern):
    """AWS means a pattern to match the whole value; most are written unanchored
    (`[\\w+=,.@-]+`). Anchor them as `^...$` (with a group around alternations)."""
    p = pattern
    if p.startswith("^"):
        p = p[1:]
    if p.endswith("$") and not p.endswith("\\$"):
        p = p[:-1]
    if "|" in p:
        return f"^(?:{p})$"
    return f"^{p}$"


SCALAR_API = {"string", "integer", "long", "double", "float", "boolean"}
NUMERIC_API = {"integer", "long", "double", "float"}


def object_fields(t):
    """The fields of an object type, or of a list/set of objects; else None."""
    if isinstance(t, list) and t[0] in ("list", "set") and isinstance(t[1], list):
        t = t[1]
    if isinstance(t, list) and t[0] == "object":
        return t[1]
    return None


def number_text(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


class Constraints:
    """Walks one Terraform resource type's schema beside the AWS API shapes the mapping
    names, and collects each settable attribute's constraint from botocore."""

    def __init__(self, tf_type, spec, model, botocore_version):
        self.tf_type = tf_type
        self.spec = spec
        self.model = model
        self.service = spec["service"]
        self.shapes = model["shapes"]
        self.lines = []
        self.settable = 0
        self.used_paths = set()
        for name in spec.get("shapes", []) + list(spec.get("blocks", {}).values()):
            self.shape(name)

    def fail(self, msg):
        sys.exit(f"schema_digest: constraints-map.json, {self.tf_type}: {msg}")

    def shape(self, name):
        if name not in self.shapes:
            self.fail(f"no shape `{name}` in the {self.service} API model")
        return self.shapes[name]

    def member(self, shape_names, tf_name, suffixes=("",)):
        """The first member of the shapes whose name matches `tf_name` (normalized)."""
        for sname in shape_names:
            members = self.shape(sname).get("members", {})
            for suffix in suffixes:
                want = normalize(tf_name) + suffix
                for mname in sorted(members):
                    if normalize(mname) == want:
                        return sname, mname
        return None

    def struct_of(self, sname, mname):
        """The structure a member holds (directly, or as a list's element)."""
        t = self.shape(self.shape(sname)["members"][mname]["shape"])
        target = self.shapes[sname]["members"][mname]["shape"]
        if t["type"] == "list":
            target = t["member"]["shape"]
            t = self.shape(target)
        return target if t["type"] == "structure" else None

    def walk(self, block, prefix, ctx):
        overrides = self.spec.get("attributes", {})
        excluded = self.spec.get("exclude", {})
        for name, a in sorted(block.get("attributes", {}).items()):
            path = prefix + name
            if not (a.get("optional") or a.get("required")):
                continue  # computed only: nothing to check
            self.settable += 1
            if path in excluded:
                self.used_paths.add(path)
                continue
            if path in overrides:
                self.used_paths.add(path)
                sname, _, mname = overrides[path].partition(".")
                if mname not in self.shape(sname).get("members", {}):
                    self.fail(f"`{overrides[path]}` ({path}): no such member")
                found = (sname, mname)
            else:
                found = self.member(ctx, name)
            if found:
                self.emit(path, attr_type(a), *found)
            obj = object_fields(attr_type(a))
            if obj is not None:
                # an attribute written as blocks (`ingress { ... }`): walk its fields
                pseudo = {"attributes": {k: {"type": t, "optional": True} for k, t in obj.items()}}
                self.walk_nested(name, path, pseudo, ctx)
        for name, bt in sorted(block.get("block_types", {}).items()):
            self.walk_nested(name, prefix + name, bt["block"], ctx)

    def walk_nested(self, name, path, block, ctx):
        """A nested block: its shape is the mapping's (`blocks`), else the structure held by
        the member named like it (plural, or with `Config`/`Configuration`, allowed)."""
        blocks = self.spec.get("blocks", {})
        if path in blocks:
            self.used_paths.add(path)
            inner = [blocks[path]]
        else:
            found = self.member(ctx, name, ("", "s", "config", "configuration"))
            inner = [s for s in [found and self.struct_of(*found)] if s]
        self.walk(block, path + ".", inner)

    def emit(self, path, tf_ty, sname, mname):
        target = self.shapes[sname]["members"][mname]["shape"]
        t = self.shape(target)
        if isinstance(tf_ty, list) and tf_ty[0] in ("list", "set") and isinstance(tf_ty[1], str):
            if t["type"] != "list":
                return
            target = t["member"]["shape"]
            t = self.shape(target)
            tf_ty = tf_ty[1]
        if not isinstance(tf_ty, str) or t["type"] not in SCALAR_API:
            return
        fields = []
        if t["type"] == "string" and tf_ty == "string":
            for v in t.get("enum", []):
                fields.append(f"e={v}")
            if t.get("min", 0) > 0:
                fields.append(f"minlen={number_text(t['min'])}")
            if "max" in t:
                fields.append(f"maxlen={number_text(t['max'])}")
            pat = t.get("pattern")
            if pat and not UNSUPPORTED_PATTERN.search(pat):
                fields.append(f"p={anchored(pat)}")
        elif t["type"] in NUMERIC_API and tf_ty in ("number", "string"):
            for key in ("min", "max"):
                if key in t:
                    fields.append(f"{key}={number_text(t[key])}")
        if not fields:
            return
        for f in fields:
            if "\t" in f or "\n" in f:
                self.fail(f"{path}: a tab or newline in `{f}`")
        source = f"{self.service} {sname}.{mname}"
        self.lines.append("\t".join([path, source] + fields))

    def check_all_used(self):
        for key in ("attributes", "blocks", "exclude"):
            for path in self.spec.get(key, {}):
                if path not in self.used_paths:
                    self.fail(f"`{path}` ({key}) is not a settable attribute or block of the type")


def build_constraints(map_path, provider_schema):
    """[("c", tf_type, [lines])] and the botocore version, plus a coverage summary."""
    import botocore
    import botocore.loaders

    with open(map_path, encoding="utf-8") as f:
        mapping = json.load(f)
    want = mapping["botocore"]
    if botocore.__version__ != want:
        sys.exit(
            f"schema_digest: botocore {botocore.__version__} is installed, the mapping pins "
            f"{want}: run scripts/setup-tools.sh (or pip install botocore=={want})"
        )
    loader = botocore.loaders.Loader()
    models = {}
    sections = []
    summary = []
    resources = provider_schema["resource_schemas"]
    for tf_type, spec in sorted(mapping["types"].items()):
        if tf_type not in resources:
            sys.exit(f"schema_digest: constraints-map.json names `{tf_type}`, not a resource type")
        svc = spec["service"]
        if svc not in models:
            models[svc] = loader.load_service_model(svc, "service-2")
        c = Constraints(tf_type, spec, models[svc], want)
        c.walk(resources[tf_type]["block"], "", spec.get("shapes", []))
        c.check_all_used()
        summary.append((tf_type, len(c.lines), c.settable))
        if c.lines:
            sections.append(("c", tf_type, c.lines))
    return sections, want, summary


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
    ap.add_argument("--constraints-map", help="infra-core/schema/constraints-map.json")
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
    summary = []
    if args.constraints_map:
        csections, botocore_version, summary = build_constraints(
            args.constraints_map, provider_schema
        )
        header.append(f"botocore {botocore_version}")
        sections += csections
    write_digest(header, sections, args.out)
    print(f"schema_digest: {n_res} resource types, {n_data} data sources -> {args.out}")
    if summary:
        total = sum(n for _, n, _ in summary)
        covered = sum(1 for _, n, _ in summary if n)
        print(
            f"schema_digest: constraints from botocore {botocore_version}: {total} attributes "
            f"in {covered} of the {len(summary)} mapped types"
        )
        for tf_type, n, settable in summary:
            print(f"  {tf_type:<52} {n:>3} of {settable:>3} settable attributes")


if __name__ == "__main__":
    main()
