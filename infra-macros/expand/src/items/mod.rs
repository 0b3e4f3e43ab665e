//! One module per DSL item, each holding its grammar, its lowering into the model and its
//! code generation (as yew's `html_tree/` holds one node per file).
//!
//! The items of resource kinds are found through `infra_core::with_kinds!`, the core's one
//! list of kinds: each kind's module implements [`DslKind`] on the core type, so a kind
//! without an item is a compile error, not a keyword that silently does not parse.

pub mod alb;
pub mod alias_record;
pub mod autoscaling_group;
pub mod certificate;
pub mod instance_role;
pub mod key_pair;
pub mod launch_template;
pub mod output;
pub mod payload;
pub mod raw;
pub mod security_group;
pub mod target_group;
pub mod variable;
pub mod vpc;

use proc_macro2::Ident;

use infra_core::{Kind, Location, Resource};

use crate::cursor::{Attrs, Cursor};
use crate::gen::ToRust;
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};

/// A declared item's header: `attrs keyword [type] name`.
pub struct Decl {
    pub attrs: Attrs,
    pub keyword: Ident,
    /// The Terraform type of a raw resource or data source (`resource aws_sqs_queue jobs`).
    pub ty: Option<Ident>,
    pub name: Ident,
}

impl Decl {
    /// The name as the model knows it (`r#type` -> `type`).
    pub fn name(&self) -> String {
        syn::ext::IdentExt::unraw(&self.name).to_string()
    }
    pub fn loc(&self) -> Location {
        Location::of(&self.name())
    }
    pub fn name_at(&self) -> Extent {
        Extent::one(self.name.span())
    }
    /// `vpc `main``: how messages name the item.
    pub fn owner(&self) -> String {
        format!("{} `{}`", self.keyword, self.name())
    }
    pub fn doc(&self) -> Option<String> {
        self.attrs.doc()
    }
}

/// A parsed item, ready to lower into the stack.
pub trait Item {
    fn lower(&self, lx: &mut Lower, decl: &Decl);
    /// Lowered before the others (payloads: `<payload>.port` derives from them).
    fn early(&self) -> bool {
        false
    }
}

/// The parser of an item, called after `keyword name`.
pub type Parse = fn(&mut Cursor, &mut Errors) -> Res<Box<dyn Item>>;

/// The DSL item of a resource kind, implemented on the core's type.
pub trait DslKind: Resource + ToRust {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>>;
    /// Whether `#[waive(..)]` may stand on the item itself.
    const WAIVABLE: bool = false;
    /// Whether a Terraform type stands between the keyword and the name (the raw kinds).
    const TYPED: bool = false;
}

/// One DSL item: its keyword, the kind it declares (`None`: an output), its parser.
#[derive(Clone, Copy)]
pub struct ItemDef {
    pub keyword: &'static str,
    pub kind: Option<Kind>,
    pub parse: Parse,
    pub waivable: bool,
    /// `keyword <type> name` (the raw kinds).
    pub typed: bool,
}

macro_rules! item_defs {
    ($(($ty:ident, $field:ident)),* $(,)?) => {
        /// Every item, kinds in registry order, then `output`.
        pub fn items() -> Vec<ItemDef> {
            vec![
                $(ItemDef {
                    keyword: <infra_core::$ty as Resource>::KIND.keyword(),
                    kind: Some(<infra_core::$ty as Resource>::KIND),
                    parse: <infra_core::$ty as DslKind>::parse,
                    waivable: <infra_core::$ty as DslKind>::WAIVABLE,
                    typed: <infra_core::$ty as DslKind>::TYPED,
                },)*
                output::DEF,
            ]
        }
    };
}

infra_core::with_kinds!(item_defs);

/// Stack settings: `region: "..."`, `tags: { .. }`.
pub const SETTINGS: [&str; 3] = ["region", "tags", "backend"];

/// Every keyword that can start an entry of a stack body.
pub fn keywords() -> Vec<&'static str> {
    SETTINGS
        .iter()
        .copied()
        .chain(items().iter().map(|d| d.keyword))
        .collect()
}

/// The item a keyword declares.
pub fn find(keyword: &str) -> Option<ItemDef> {
    items().into_iter().find(|d| d.keyword == keyword)
}

/// The `{ ... }` body of an item.
pub fn body(c: &mut Cursor, cx: &mut Errors, what: &str) -> Res<crate::value::Body> {
    let g = c.expect_group(
        proc_macro2::Delimiter::Brace,
        &format!("`{{` opening the {what}'s body"),
    )?;
    Ok(crate::value::parse_body(&g, cx))
}

/// `in <vpc>` after an item's name.
pub fn in_vpc(c: &mut Cursor, cx: &mut Errors) -> Res<crate::value::Value> {
    c.expect_keyword("in")
        .map_err(|_| c.err_expected("`in <vpc>` (the VPC it belongs to)"))?;
    crate::value::parse_value(c, cx)
}

/// The end of a one-line item (`;`, `,` or the end of the stack).
pub fn expect_item_end(c: &Cursor, what: &str) -> Res<()> {
    if c.is_empty() || c.peek_punct(';') || c.peek_punct(',') {
        Ok(())
    } else {
        Err(c.err_expected(&format!("`;` after {what}")))
    }
}
