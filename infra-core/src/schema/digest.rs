//! The digest's text format (written by `scripts/schema_digest.py`, described in
//! `infra-core/schema/README.md`):
//!
//! ```text
//! infra-schema-digest 1
//! provider hashicorp/aws 5.100.0
//! counts <resources> <data sources> <shared blocks>
//! r aws_sqs_queue <offset> <length>        index: one line per section, offsets in
//! d aws_caller_identity <offset> <length>  bytes from the start of the body
//! b 17 <offset> <length>
//! c aws_lb_target_group <offset> <length>  constraints (constraint.rs)
//! --
//! @r aws_sqs_queue                         body: one section per index line
//! arn s c                                  attribute: name, type, flags (r o c s d w)
//! +health_check l 0 1                      nested block: name, nesting, min, max; its
//!  interval n o                            content one space deeper
//! +statement l 1 1 =17                     a shared block (section `@b 17`)
//! ```
//!
//! Types: `s` string, `n` number, `b` bool, `d` dynamic, `L<t>` list, `S<t>` set, `M<t>`
//! map, `O{name:t,...}` object, `T[t,...]` tuple. Nesting: `1` single, `g` group, `l`
//! list, `s` set, `m` map.
//!
//! The digest is generated and compiled in, and the unit tests decode every section of it,
//! so a malformed line is a bug in the generator: decoding panics naming the line.

use super::{lock, Attribute, Block, BlockType, Mode, Nesting, Type};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub(super) const DIGEST: &str = include_str!("../../schema/aws-5.100.0.digest");

/// Where a section's text sits in the body.
#[derive(Clone, Copy, Debug)]
pub(super) struct Section {
    start: usize,
    len: usize,
}

pub(super) struct Index {
    /// Sorted by name.
    resources: Vec<(&'static str, Section)>,
    data_sources: Vec<(&'static str, Section)>,
    /// By number.
    shared: Vec<Section>,
    /// Constraint sections (`@c`), sorted by resource type.
    constraints: Vec<(&'static str, Section)>,
    /// The botocore version the constraints come from.
    botocore: &'static str,
    body: &'static str,
    /// Shared blocks decoded so far.
    shared_cache: Mutex<HashMap<usize, &'static Block>>,
}

/// The index, parsed once.
pub(super) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::parse(DIGEST))
}

impl Index {
    fn parse(text: &'static str) -> Index {
        let (head, body) = text
            .split_once("\n--\n")
            .expect("schema digest: no `--` line between index and body");
        let mut lines = head.lines();
        assert_eq!(
            lines.next(),
            Some("infra-schema-digest 1"),
            "schema digest: unknown format"
        );
        let mut index = Index {
            resources: Vec::new(),
            data_sources: Vec::new(),
            shared: Vec::new(),
            constraints: Vec::new(),
            botocore: "",
            body,
            shared_cache: Mutex::new(HashMap::new()),
        };
        for line in lines {
            if let Some(v) = line.strip_prefix("botocore ") {
                index.botocore = v;
                continue;
            }
            let mut f = line.split(' ');
            let (Some(kind), Some(name), Some(start), Some(len), None) =
                (f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                continue; // a header line (provider, counts, botocore, ...)
            };
            let section = Section {
                start: parse_num(start, line),
                len: parse_num(len, line),
            };
            match kind {
                "r" => index.resources.push((name, section)),
                "d" => index.data_sources.push((name, section)),
                "c" => index.constraints.push((name, section)),
                "b" => {
                    assert_eq!(
                        parse_num::<usize>(name, line),
                        index.shared.len(),
                        "schema digest: shared blocks out of order at `{line}`"
                    );
                    index.shared.push(section)
                }
                _ => {}
            }
        }
        index.resources.sort_unstable_by_key(|e| e.0);
        index.data_sources.sort_unstable_by_key(|e| e.0);
        index.constraints.sort_unstable_by_key(|e| e.0);
        index
    }

    fn list(&self, mode: Mode) -> &[(&'static str, Section)] {
        match mode {
            Mode::Resource => &self.resources,
            Mode::Data => &self.data_sources,
        }
    }

    pub(super) fn names(&self, mode: Mode) -> impl Iterator<Item = &'static str> + '_ {
        self.list(mode).iter().map(|e| e.0)
    }

    /// The type's name as stored (`'static`) and where its section is.
    pub(super) fn section(&self, mode: Mode, name: &str) -> Option<(&'static str, Section)> {
        let list = self.list(mode);
        let i = list.binary_search_by(|e| e.0.cmp(name)).ok()?;
        Some(list[i])
    }

    pub(super) fn constrained_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.constraints.iter().map(|e| e.0)
    }

    /// A resource type's constraint section (its `@c` line first).
    pub(super) fn constraint_section(&self, name: &str) -> Option<(&'static str, &'static str)> {
        let i = self.constraints.binary_search_by(|e| e.0.cmp(name)).ok()?;
        let (name, section) = self.constraints[i];
        Some((name, self.text(section)))
    }

    pub(super) fn botocore(&self) -> &'static str {
        self.botocore
    }

    fn text(&self, s: Section) -> &'static str {
        let body: &'static str = self.body;
        &body[s.start..s.start + s.len]
    }

    /// Decode a section (its `@` line first, then its block).
    pub(super) fn decode_section(&self, s: Section) -> Block {
        let text = self.text(s);
        let (head, rest) = text.split_once('\n').unwrap_or((text, ""));
        assert!(
            head.starts_with('@'),
            "schema digest: bad section at `{head}`"
        );
        let mut lines = rest.lines().peekable();
        let block = self.block(&mut lines, 0);
        if let Some(line) = lines.next() {
            panic!("schema digest: unexpected indentation at `{line}` in `{head}`");
        }
        block
    }

    fn shared_block(&self, n: usize) -> Block {
        if let Some(b) = lock(&self.shared_cache).get(&n) {
            return (*b).clone();
        }
        let section = *self
            .shared
            .get(n)
            .unwrap_or_else(|| panic!("schema digest: no shared block {n}"));
        let decoded: &'static Block = Box::leak(Box::new(self.decode_section(section)));
        lock(&self.shared_cache).entry(n).or_insert(decoded).clone()
    }

    fn block<'t>(
        &self,
        lines: &mut std::iter::Peekable<impl Iterator<Item = &'t str>>,
        depth: usize,
    ) -> Block {
        let mut block = Block::default();
        while let Some(&line) = lines.peek() {
            let indent = line.len() - line.trim_start_matches(' ').len();
            if indent < depth {
                break;
            }
            assert!(
                indent == depth,
                "schema digest: bad indentation at `{line}`"
            );
            lines.next();
            let line = &line[indent..];
            if let Some(rest) = line.strip_prefix('+') {
                let mut f = rest.split(' ');
                let (Some(name), Some(nesting), Some(min), Some(max)) =
                    (f.next(), f.next(), f.next(), f.next())
                else {
                    panic!("schema digest: bad block line `{line}`");
                };
                let nesting = match nesting {
                    "1" => Nesting::Single,
                    "g" => Nesting::Group,
                    "l" => Nesting::List,
                    "s" => Nesting::Set,
                    "m" => Nesting::Map,
                    _ => panic!("schema digest: bad nesting at `{line}`"),
                };
                let inner = match f.next() {
                    Some(r) => {
                        let n = r
                            .strip_prefix('=')
                            .unwrap_or_else(|| panic!("schema digest: bad line `{line}`"));
                        self.shared_block(parse_num(n, line))
                    }
                    None => self.block(lines, depth + 1),
                };
                block.blocks.push(BlockType {
                    name: name.to_string(),
                    nesting,
                    min_items: parse_num(min, line),
                    max_items: parse_num(max, line),
                    block: inner,
                });
            } else {
                let mut f = line.split(' ');
                let (Some(name), Some(ty), flags) = (f.next(), f.next(), f.next().unwrap_or(""))
                else {
                    panic!("schema digest: bad attribute line `{line}`");
                };
                let mut p = TypeParser {
                    s: ty.as_bytes(),
                    at: 0,
                    line,
                };
                let ty = p.parse();
                assert!(
                    p.at == p.s.len(),
                    "schema digest: trailing type at `{line}`"
                );
                block.attributes.push(Attribute {
                    name: name.to_string(),
                    ty,
                    required: flags.contains('r'),
                    optional: flags.contains('o'),
                    computed: flags.contains('c'),
                    sensitive: flags.contains('s'),
                    deprecated: flags.contains('d'),
                });
            }
        }
        block
    }
}

fn parse_num<T: std::str::FromStr>(s: &str, line: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| panic!("schema digest: bad number `{s}` at `{line}`"))
}

/// Recursive descent over one encoded type (`LO{a:s,b:Ln}`).
struct TypeParser<'a> {
    s: &'a [u8],
    at: usize,
    line: &'a str,
}

impl TypeParser<'_> {
    fn bump(&mut self) -> u8 {
        let c = *self
            .s
            .get(self.at)
            .unwrap_or_else(|| panic!("schema digest: truncated type at `{}`", self.line));
        self.at += 1;
        c
    }

    fn expect(&mut self, c: u8) {
        let got = self.bump();
        assert!(
            got == c,
            "schema digest: expected `{}` in the type at `{}`",
            c as char,
            self.line
        );
    }

    fn parse(&mut self) -> Type {
        match self.bump() {
            b's' => Type::String,
            b'n' => Type::Number,
            b'b' => Type::Bool,
            b'd' => Type::Dynamic,
            b'L' => Type::List(Box::new(self.parse())),
            b'S' => Type::Set(Box::new(self.parse())),
            b'M' => Type::Map(Box::new(self.parse())),
            b'O' => {
                self.expect(b'{');
                let mut fields = Vec::new();
                if self.s.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Type::Object(fields);
                }
                loop {
                    let start = self.at;
                    while self.bump() != b':' {}
                    let name = String::from_utf8_lossy(&self.s[start..self.at - 1]).into_owned();
                    fields.push((name, self.parse()));
                    match self.bump() {
                        b',' => continue,
                        b'}' => return Type::Object(fields),
                        _ => panic!("schema digest: bad object type at `{}`", self.line),
                    }
                }
            }
            b'T' => {
                self.expect(b'[');
                let mut items = Vec::new();
                if self.s.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Type::Tuple(items);
                }
                loop {
                    items.push(self.parse());
                    match self.bump() {
                        b',' => continue,
                        b']' => return Type::Tuple(items),
                        _ => panic!("schema digest: bad tuple type at `{}`", self.line),
                    }
                }
            }
            c => panic!(
                "schema digest: unknown type `{}` at `{}`",
                c as char, self.line
            ),
        }
    }
}
